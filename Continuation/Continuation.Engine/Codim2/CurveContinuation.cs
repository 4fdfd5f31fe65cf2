using System.Diagnostics;
using Continuation.PeriodicOrbits;
using Continuation.Pathfollowing;
using Continuation.Results;
using Continuation.Systems;

namespace Continuation.Codim2;

/// <summary>Where a two-parameter curve starts: one case per kind of start, each with what it needs.</summary>
public abstract record CurveStart
{
    CurveStart() { }

    /// <summary>A fold (LP) of equilibria: a fold curve starts at its state.</summary>
    public sealed record Fold(double[] State) : CurveStart;

    /// <summary>A Hopf point (HB) of equilibria with its frequency: a Hopf curve starts there.</summary>
    public sealed record Hopf(double[] State, double Omega) : CurveStart;

    /// <summary>
    /// A branch point of an earlier fold or Hopf curve: its unknowns on that curve and that curve's
    /// tangent there; the run follows the other curve through the point (<see cref="BranchSwitching"/>).
    /// </summary>
    public sealed record CurveBranchPoint(double[] Unknowns, double[] Tangent) : CurveStart;

    /// <summary>
    /// An LPC, PD or NS point of a cycle branch: its mesh, its unknowns (node values, T, the
    /// parameter of its branch) and that branch's tangent there — required for a fold-of-cycles
    /// curve, whose null vector (δu, δT) it gives.
    /// </summary>
    public sealed record Cycle(CycleMesh Mesh, double[] Unknowns, double[]? Tangent = null) : CurveStart;
}

/// <summary>
/// A two-parameter continuation of a curve of codimension-one points from a point on it: folds or
/// Hopf points of equilibria, folds (LPC), period doublings (PD) or torus bifurcations (NS) of cycles.
/// </summary>
public sealed record CurveRun
{
    /// <summary>Name of the branch (e.g. "hopf"), also shown in progress reports.</summary>
    public required string Name { get; init; }
    /// <summary>The ODE system.</summary>
    public required OdeSystem System { get; init; }
    /// <summary>Which curve: <see cref="BranchKind.FoldCurve"/>, <see cref="BranchKind.HopfCurve"/>, <see cref="BranchKind.LpcCurve"/>, <see cref="BranchKind.PdCurve"/> or <see cref="BranchKind.NsCurve"/>.</summary>
    public required BranchKind Kind { get; init; }
    /// <summary>Full parameter vector at the start.</summary>
    public required double[] Parameters { get; init; }
    /// <summary>The two continued parameters.</summary>
    public required string First { get; init; }
    /// <summary>Name of the second continued parameter (<see cref="First"/> is the driver's primary one).</summary>
    public required string Second { get; init; }
    /// <summary>
    /// Where it starts: <see cref="CurveStart.Fold"/> for a fold curve, <see cref="CurveStart.Hopf"/>
    /// for a Hopf curve (or <see cref="CurveStart.CurveBranchPoint"/> for either), <see cref="CurveStart.Cycle"/>
    /// for curves of cycles.
    /// </summary>
    public required CurveStart Start { get; init; }
    /// <summary>Which way to go from the start point (both ways by default).</summary>
    public Direction Direction { get; init; } = Direction.Both;
    /// <summary>Step control and Newton settings; the run sets fold and branch-point detection as the curve needs.</summary>
    public ContinuationOptions Options { get; init; } = new();
    /// <summary>Bounds on either parameter.</summary>
    public IReadOnlyList<NamedBound> Bounds { get; init; } = [];
    /// <summary>User values of either parameter (UZ points).</summary>
    public IReadOnlyList<NamedValue> Values { get; init; } = [];
    /// <summary>Collocation settings for curves of cycles.</summary>
    public CollocationOptions Collocation { get; init; } = new();
    /// <summary>For curves of cycles: NTST × NCOL to continue on; null: the start cycle's own.</summary>
    public CycleMesh? Discretisation { get; init; }
}

/// <summary>Facade: runs a <see cref="CurveRun"/> to a finished <see cref="Branch"/>.</summary>
public static class CurveContinuation
{
    /// <summary>
    /// Sets up the augmented problem of the curve at its start point and follows the curve in the
    /// requested directions.
    /// </summary>
    /// <param name="run">What to continue, from where, how far.</param>
    /// <param name="progress">Receives progress after every accepted step (null: none).</param>
    /// <param name="cancellation">Stops the run; the branch keeps the points computed so far.</param>
    /// <exception cref="ArgumentException">
    /// A parameter is unknown, <see cref="CurveRun.Kind"/> is no curve, or the start the curve needs is
    /// missing or does not fit (cycle, tangent, branch point, no Neimark–Sacker pair).
    /// </exception>
    public static Branch Run(CurveRun run, IProgress<BranchProgress>? progress = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var system = run.System;
        int a = system.ParameterIndex(run.First), b = system.ParameterIndex(run.Second);
        if (a < 0 || b < 0) throw new ArgumentException($"model {system.Name} has no parameter '{(a < 0 ? run.First : run.Second)}'");
        if (run.Kind is BranchKind.LpcCurve or BranchKind.PdCurve or BranchKind.NsCurve)
            return run.Start is CurveStart.Cycle cycle ? RunCycleCurve(run, cycle, a, b, progress, cancellation, clock)
                : throw new ArgumentException($"a {run.Kind.Name()} starts from a point of a cycle branch");
        if (run.Kind is not (BranchKind.FoldCurve or BranchKind.HopfCurve)) throw new ArgumentException("a curve run is a fold or a Hopf curve");
        bool fits = run.Start switch
        {
            CurveStart.CurveBranchPoint => true,
            CurveStart.Fold => run.Kind == BranchKind.FoldCurve,
            CurveStart.Hopf => run.Kind == BranchKind.HopfCurve,
            _ => false,
        };
        if (!fits)
            throw new ArgumentException($"a {run.Kind.Name()} starts from {(run.Kind == BranchKind.FoldCurve ? "a fold" : "a Hopf point")} of equilibria or a branch point of such a curve");
        int n = system.Dimension;
        // Turning points of the curve are no bifurcations; its branch points are where another curve
        // of the same kind crosses it (e.g. the Hopf curves of two equilibrium branches meeting at a
        // transcritical point), and a run from one switches onto that curve.
        var options = run.Options with { DetectFolds = false };

        DenseAugmentedProblem Make() => run.Kind == BranchKind.FoldCurve
            ? new FoldCurveProblem(system, run.Parameters, a, b)
            : new HopfCurveProblem(system, run.Parameters, a, b);
        string? switchNote = null;
        double[]? switched = null;
        if (run.Start is CurveStart.CurveBranchPoint(var x0, var known))
        {
            var probe = Make();
            if (x0.Length != probe.Dimension || known.Length != probe.Dimension)
                throw new ArgumentException($"the branch point has {x0.Length} unknowns, the curve {probe.Dimension}");
            var other = BranchSwitching.OtherTangent(probe, x0, known);
            if (other.Tangent is not { } tangent) throw new ArgumentException($"no branch switch at the branch point of the curve: {other.Failure}");
            switched = BranchSwitching.Oriented(tangent, probe.ParameterComponent, +1);
            switchNote = $"branch switched at the branch point of the curve ({other.Method})";
        }

        HalfStart Start(int sign)
        {
            var problem = Make();
            return run.Start switch
            {
                CurveStart.CurveBranchPoint bp => Accepted(problem, bp.Unknowns, switched!),
                CurveStart.Fold fold => new HalfStart(problem, ((FoldCurveProblem)problem).Start(fold.State), null, false),
                CurveStart.Hopf hopf => new HalfStart(problem, ((HopfCurveProblem)problem).Start(hopf.State, hopf.Omega), null, false),
                _ => throw new ArgumentException("unknown start"),
            };
        }

        static HalfStart Accepted(DenseAugmentedProblem problem, double[] unknowns, double[] tangent)
        {
            problem.Accept(unknowns);
            return new HalfStart(problem, (double[])unknowns.Clone(), tangent, true);
        }

        StopConditions Stops(IContinuationProblem p) => new()
        {
            Bounds = run.Bounds.Select(bd => new ComponentBound(bd.Name == run.First ? n : n + 1, bd.Name, bd.Min, bd.Max)).ToList(),
            UserValues = run.Values.Select(v => new UserValue(v.Name == run.First ? n : n + 1, v.Name, v.Value)).ToList(),
        };

        var followed = HalfBranches.Follow(run.Name, run.Direction, options, Stops, Start, progress, cancellation);
        var path = followed.Points;
        var labels = BranchAssembly.Labels(path.Select(p => p.Kind).ToList());
        var points = new List<BranchPoint>(path.Count);
        var problem = (DenseAugmentedProblem)followed.LastProblem;
        for (int i = 0; i < path.Count; i++)
        {
            var pp = path[i];
            double? period = run.Kind == BranchKind.HopfCurve ? 2 * Math.PI / Math.Abs(pp.X[3 * n + 2]) : pp.Details?.Period;
            points.Add(new BranchPoint(i, pp.Kind, labels[i], pp.X[..n], problem.ParametersAt(pp.X), period, pp.Analysis, pp.Details, pp.Note,
                pp.X, pp.Tangent));
        }
        return CurveBranch(run, points, followed, clock, switchNote);
    }

    /// <summary>A fold-of-cycles, period-doubling or torus curve from a located LPC, PD or NS point of a cycle branch.</summary>
    static Branch RunCycleCurve(CurveRun run, CurveStart.Cycle start, int a, int b, IProgress<BranchProgress>? progress, CancellationToken cancellation, Stopwatch clock)
    {
        var system = run.System;
        int n = system.Dimension;
        var (mesh, startUnknowns, startTangent) = start;
        var collocation = run.Collocation;
        if (run.Discretisation is { } size && !mesh.SameSize(size))
        {
            // The run's own discretisation: the start cycle (and its tangent) moved onto it; the curve's first
            // Newton iterations put the point back where its defining condition holds.
            var (moved, x) = PeriodicOrbitContinuation.Resample(mesh, startUnknowns, size, n);
            startTangent = startTangent is null ? null : PeriodicOrbitContinuation.Interpolate(mesh, startTangent, moved, n);
            (mesh, startUnknowns) = (moved, x);
        }
        int len = n * mesh.Nodes;
        // The cycle's unknowns end with the value of the parameter its branch was continued in: here the first one.
        var unknowns = (double[])startUnknowns.Clone();
        unknowns[^1] = run.Parameters[a];
        Func<AugmentedCycleProblem> make;
        Func<AugmentedCycleProblem, double[]> first;
        if (run.Kind == BranchKind.NsCurve)
        {
            var cycle = new PeriodicOrbitProblem(system, run.Parameters, a, mesh, collocation);
            cycle.Accept(unknowns);
            var (vr, vi, theta) = NeimarkSackerCurveProblem.CriticalFloquetSolution(cycle, unknowns);
            make = () => new NeimarkSackerCurveProblem(system, run.Parameters, a, b, mesh, collocation);
            first = p => ((NeimarkSackerCurveProblem)p).Start(unknowns, vr, vi, theta);
        }
        else
        {
            double[] v;
            double beta = 0;
            bool fold = run.Kind == BranchKind.LpcCurve;
            if (fold)
            {
                // At a fold of cycles the branch tangent (δu, δT, δλ) has δλ = 0: (δu, δT) spans the null space.
                var t = startTangent ?? throw new ArgumentException("a fold-of-cycles curve needs the branch tangent at the LPC point");
                v = t[..len];
                beta = t[len];
            }
            else
            {
                var cycle = new PeriodicOrbitProblem(system, run.Parameters, a, mesh, collocation);
                cycle.Accept(unknowns);
                var mono = cycle.Monodromy(unknowns);
                var (_, flip) = Algebra.Spectrum.TryNearest(mono.AsSpan(0, n * n), n, -1)
                    ?? throw new ArgumentException("the Floquet multipliers at the period-doubling point could not be computed");
                v = cycle.Variation(unknowns, flip);
            }
            make = fold ? () => new FoldOfCyclesCurveProblem(system, run.Parameters, a, b, mesh, collocation)
                        : () => new PeriodDoublingCurveProblem(system, run.Parameters, a, b, mesh, collocation);
            first = p => ((CycleCurveProblem)p).Start(unknowns, v, beta);
        }
        // Turning points of an LPC curve are located, and kept where they are cusps (CPC).
        var options = run.Options with { DetectFolds = run.Kind == BranchKind.LpcCurve, DetectBranchPoints = false };

        HalfStart Start(int sign)
        {
            var problem = make();
            return new HalfStart(problem, first(problem), null, false);
        }
        StopConditions Stops(IContinuationProblem p)
        {
            var c = (AugmentedCycleProblem)p;
            return new StopConditions
            {
                Bounds = run.Bounds.Select(bd => new ComponentBound(bd.Name == run.First ? c.ParameterComponent : bd.Name == "period" ? c.PeriodComponent : c.SecondComponent, bd.Name, bd.Min, bd.Max)).ToList(),
                UserValues = run.Values.Select(v => new UserValue(v.Name == run.First ? c.ParameterComponent : c.SecondComponent, v.Name, v.Value)).ToList(),
            };
        }

        var followed = HalfBranches.Follow(run.Name, run.Direction, options, Stops, Start, progress, cancellation);
        var path = followed.Points;
        var last = (AugmentedCycleProblem)followed.LastProblem;
        // Where the cycles shrink onto the Hopf curve (GH), the parameters are quadratic in the
        // amplitude: extrapolate the last two points to zero amplitude.
        for (int i = 1; i < path.Count; i++)
        {
            if (path[i].Kind != PointKind.GH) continue;
            int j = i - 1;
            double aa = last.Amplitude(path[j].X), ab = last.Amplitude(path[i].X);
            if (!(aa * aa - ab * ab > 0)) continue;
            var x = (double[])path[i].X.Clone();
            double f = ab * ab / (aa * aa - ab * ab);
            x[last.ParameterComponent] += f * (path[i].X[last.ParameterComponent] - path[j].X[last.ParameterComponent]);
            x[last.SecondComponent] += f * (path[i].X[last.SecondComponent] - path[j].X[last.SecondComponent]);
            path[i] = path[i] with { X = x };
            if (i + 1 < path.Count && path[i + 1].Kind == PointKind.EP) path[i + 1] = path[i + 1] with { X = x };
        }
        var labels = BranchAssembly.Labels(path.Select(p => p.Kind).ToList());
        var points = new List<BranchPoint>(path.Count);
        for (int i = 0; i < path.Count; i++)
        {
            var pp = path[i];
            var pointMesh = pp.Solution as CycleMesh ?? mesh;
            var cycleX = last.CycleUnknowns(pp.X);
            points.Add(new BranchPoint(i, pp.Kind, labels[i], cycleX[..n], last.ParametersAt(pp.X), cycleX[^2], pp.Analysis, pp.Details, pp.Note,
                cycleX, pp.Tangent, pointMesh));
        }
        return CurveBranch(run, points, followed, clock);
    }

    static Branch CurveBranch(CurveRun run, List<BranchPoint> points, FollowedPath followed, Stopwatch clock, string? startNote = null) => new()
    {
        Name = run.Name,
        Kind = run.Kind,
        System = run.System,
        ContinuedParameters = [run.First, run.Second],
        Points = points,
        Ends = followed.Ends,
        NewtonIterations = followed.NewtonIterations,
        Factorizations = followed.Factorizations,
        Refinements = followed.Refinements,
        Warnings = followed.Warnings(run.First),
        StartNote = startNote,
        WallMilliseconds = clock.Elapsed.TotalMilliseconds,
    };
}
