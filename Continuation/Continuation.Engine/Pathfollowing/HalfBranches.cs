using Continuation.Results;

namespace Continuation.Pathfollowing;

/// <summary>Progress of a branch computation, for a live display.</summary>
public readonly record struct BranchProgress(string Branch, int Points, double Parameter, int SpecialPoints, string? LastSpecial);

/// <summary>The start of one half-branch: a fresh problem, its first point and (optionally) tangent.</summary>
/// <param name="Given">The first point is taken as it is (see <see cref="PseudoArclength.Follow"/>).</param>
public sealed record HalfStart(IContinuationProblem Problem, double[] X, double[]? Tangent, bool Given);

/// <summary>The path of a branch in both directions, joined, with its ends and statistics.</summary>
public sealed record FollowedPath(List<PathPoint> Points, List<BranchEnd> Ends, int NewtonIterations, int Factorizations, IContinuationProblem LastProblem);

/// <summary>Runs the driver in one or both directions and joins the halves.</summary>
public static class HalfBranches
{
    /// <param name="start">Makes a fresh start for a direction (+1 forward, −1 backward), so that
    /// discretisation changes in one half do not leak into the other.</param>
    public static FollowedPath Follow(string name, Direction direction, ContinuationOptions options, Func<IContinuationProblem, StopConditions> stops,
        Func<int, HalfStart> start, IProgress<BranchProgress>? progress, CancellationToken cancellation)
    {
        int newton = 0, factorizations = 0, specials = 0;
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
            foreach (var point in driver.Follow(s.X, sign, tangent, reporter, cancellation, s.Given))
            {
                list.Add(point);
                if (point.Kind is not PointKind.Regular and not PointKind.EP) { specials++; lastSpecial = point.Kind.ToString(); }
            }
            newton += driver.NewtonIterations;
            factorizations += driver.Factorizations;
            return list;
        }

        List<PathPoint>? backward = null, forward = null;
        if (direction is Direction.Backward or Direction.Both) backward = Half(-1, 0);
        // A closed curve is complete after one lap in either direction.
        bool closed = backward is { Count: > 0 } && backward[^1].StopReason == StopReason.ClosedLoop;
        if (direction is Direction.Forward or Direction.Both && !cancellation.IsCancellationRequested && !closed)
            forward = Half(+1, backward?.Count ?? 0);
        var ends = new List<BranchEnd>();
        foreach (var half in new[] { backward, forward })
            if (half is { Count: > 0 } && half[^1].StopReason is { } reason)
                ends.Add(new BranchEnd(reason, half[^1].Note ?? reason.ToString()));
        return new FollowedPath(BranchAssembly.Join(backward, forward), ends, newton, factorizations, last!);
    }

    sealed class Reporter(Action<PathProgress> action) : IProgress<PathProgress>
    {
        public void Report(PathProgress value) => action(value);
    }
}
