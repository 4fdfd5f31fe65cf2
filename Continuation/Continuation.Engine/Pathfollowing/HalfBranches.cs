using Continuation.Results;

namespace Continuation.Pathfollowing;

/// <summary>Progress of a branch computation, for a live display.</summary>
public readonly record struct BranchProgress(string Branch, int Points, double Parameter, int SpecialPoints, string? LastSpecial);

/// <summary>The start of one half-branch: a fresh problem, its first point and (optionally) tangent.</summary>
/// <param name="Given">The first point is taken as it is (see <see cref="PseudoArclength.Follow"/>).</param>
internal sealed record HalfStart(IContinuationProblem Problem, double[] X, double[]? Tangent, bool Given);

/// <summary>The path of a branch in both directions, joined, with its ends and statistics.</summary>
internal sealed record FollowedPath(List<PathPoint> Points, List<BranchEnd> Ends, int NewtonIterations, int Factorizations, IContinuationProblem LastProblem)
{
    /// <summary>Crossings not reported because what they rest on could not be trusted (see <see cref="PseudoArclength.Suppressed"/>).</summary>
    public List<SuppressedPoint> Suppressed { get; init; } = [];

    /// <summary>Steps halved to isolate events (see <see cref="PseudoArclength.Refinements"/>).</summary>
    public int Refinements { get; init; }

    /// <summary>
    /// What a reader of the branch must know besides its points: points whose stability is unknown
    /// (untrusted multipliers) and crossings not reported, each summarised with its parameter range.
    /// </summary>
    public List<string> Warnings(string parameter)
    {
        var warnings = new List<string>();
        int k = LastProblem.ParameterComponent;
        // A compacted point keeps the continued parameter last (PeriodicOrbitContinuation).
        double parameterOf(PathPoint p) => p.Measures is null ? p.X[k] : p.X[^1];
        string Range(IEnumerable<double> values)
        {
            var list = values.ToList();
            double lo = list.Min(), hi = list.Max();
            string f(double v) => v.ToString("G8", System.Globalization.CultureInfo.InvariantCulture);
            return lo == hi ? $"at {parameter} = {f(lo)}" : $"for {parameter} in [{f(lo)}, {f(hi)}]";
        }
        foreach (var group in Points.Where(p => p.Analysis.Unreliable).GroupBy(p => p.Analysis.UnknownBecause
                     ?? "Floquet multipliers inaccurate (trivial multiplier off by more than 1e-4); no PD, NS or BPC is read off them there"))
            warnings.Add($"stability unknown at {group.Count()} point(s) {Range(group.Select(parameterOf))}: {group.Key}");
        foreach (var group in Suppressed.GroupBy(s => (s.Kind, s.Reason)))
            warnings.Add($"{group.Count()} crossing(s) of the {group.Key.Kind} test not reported {Range(group.Select(s => s.Parameter))}: {group.Key.Reason}");
        return warnings;
    }
}

/// <summary>Runs the driver in one or both directions and joins the halves.</summary>
internal static class HalfBranches
{
    /// <param name="start">Makes a fresh start for a direction (+1 forward, −1 backward), so that
    /// discretisation changes in one half do not leak into the other.</param>
    public static FollowedPath Follow(string name, Direction direction, ContinuationOptions options, Func<IContinuationProblem, StopConditions> stops,
        Func<int, HalfStart> start, IProgress<BranchProgress>? progress, CancellationToken cancellation, Func<PathPoint, PathPoint>? compact = null)
    {
        int newton = 0, factorizations = 0, specials = 0, refinements = 0;
        var suppressed = new List<SuppressedPoint>();
        string? lastSpecial = null;
        IContinuationProblem? last = null;
        List<PathPoint> Half(int sign, int offset)
        {
            var s = start(sign);
            last = s.Problem;
            var driver = new PseudoArclength(s.Problem, options, stops(s.Problem));
            var list = new List<PathPoint>();
            var reporter = progress is null ? null : new Reporter(p =>
                progress.Report(new BranchProgress(name, offset + p.Steps, p.Parameter, specials, lastSpecial)));
            double[]? tangent = s.Tangent is null ? null : sign > 0 ? s.Tangent : s.Tangent.Select(v => -v).ToArray();
            using (var points = driver.Follow(s.X, sign, tangent, reporter, cancellation, s.Given).GetEnumerator())
            {
                while (true)
                {
                    try
                    {
                        if (!points.MoveNext()) break;
                    }
                    catch (Exception e) when (e is ArithmeticException or MathNet.Numerics.NonConvergenceException)
                    {
                        // A numerical routine gave up (an iteration that did not converge, an overflow): the branch ends
                        // at its last point with what failed, and keeps what it has.
                        string where = list.Count > 0
                            ? $" beyond {driver.ParameterName()} = {list[^1].X[s.Problem.ParameterComponent].ToString("G8", System.Globalization.CultureInfo.InvariantCulture)}"
                            : " at the start point";
                        string what = $"numerical failure{where}: {e.Message.TrimEnd('.')} ({e.TargetSite?.DeclaringType?.Name}.{e.TargetSite?.Name})";
                        if (list.Count > 0)
                            list[^1] = list[^1] with { Kind = list[^1].Kind == PointKind.Regular ? PointKind.EP : list[^1].Kind, Note = what, StopReason = StopReason.NoConvergence };
                        else
                            list.Add(new PathPoint((double[])s.X.Clone(), new double[s.X.Length], PointKind.EP, PointAnalysis.None, 0, Note: what, StopReason: StopReason.StartFailed));
                        break;
                    }
                    var point = points.Current;
                    // Only a labelled point is ever started from (from: fp.HB1), so only labelled points, and the last
                    // point (which a failure may still turn into an end point), keep their tangent: on a long branch of
                    // cycles the tangents of the regular points were half of the memory a case needs.
                    if (list.Count > 0 && list[^1].Kind == PointKind.Regular && list[^1].Tangent.Length > 0)
                        list[^1] = list[^1] with { Tangent = [] };
                    // A caller that measures what it needs of a regular point as it comes lets the point go without
                    // its solution; the last two points of the half stay whole (an end at a Hopf point is snapped from them).
                    if (compact is not null && list.Count >= 2 && list[^2] is { Kind: PointKind.Regular, Measures: null } older)
                        list[^2] = compact(older);
                    list.Add(point);
                    if (point.Kind is not PointKind.Regular and not PointKind.EP) { specials++; lastSpecial = point.Kind.ToString(); }
                }
            }
            newton += driver.NewtonIterations;
            factorizations += driver.Factorizations;
            refinements += driver.Refinements;
            suppressed.AddRange(driver.Suppressed);
            return list;
        }

        List<PathPoint>? backward = null, forward = null;
        if (direction is Direction.Backward or Direction.Both) backward = Half(-1, 0);
        // A closed curve is complete after one lap in either direction.
        bool closed = backward is { Count: > 0 } && backward[^1].StopReason == StopReason.ClosedLoop;
        // Once cancelled, the second half is skipped; but a half always runs (the driver ends it at once when
        // cancelled), so that the branch has its problem and start point whenever it is stopped.
        if (direction is Direction.Forward or Direction.Both && (backward is null || !cancellation.IsCancellationRequested) && !closed)
            forward = Half(+1, backward?.Count ?? 0);
        var ends = new List<BranchEnd>();
        foreach (var half in new[] { backward, forward })
            if (half is { Count: > 0 } && half[^1].StopReason is { } reason)
                ends.Add(new BranchEnd(reason, half[^1].Note ?? reason.ToString()));
        return new FollowedPath(BranchAssembly.Join(backward, forward), ends, newton, factorizations, last!)
        {
            Suppressed = suppressed,
            Refinements = refinements,
        };
    }

    sealed class Reporter(Action<PathProgress> action) : IProgress<PathProgress>
    {
        public void Report(PathProgress value) => action(value);
    }
}
