using System.Diagnostics;
using System.Numerics;
using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.Results;
using Continuation.Systems;

namespace Continuation.PeriodicOrbits;

/// <summary>How a cycle branch starts.</summary>
public abstract record CycleStart
{
    /// <summary>At a Hopf point: the equilibrium there and its frequency ω.</summary>
    public sealed record Hopf(double[] Equilibrium, double Omega) : CycleStart;
    /// <summary>From a computed cycle (node values on its mesh, then T and the parameter).</summary>
    public sealed record Cycle(CycleMesh Mesh, double[] Unknowns) : CycleStart;
    /// <summary>At a period-doubling point of a computed cycle: the doubled cycle is followed.</summary>
    public sealed record PeriodDoubling(CycleMesh Mesh, double[] Unknowns) : CycleStart;
    /// <summary>At a branch point of cycles (BPC), with the tangent of the branch it was found on there: the other branch is followed.</summary>
    public sealed record BranchPoint(CycleMesh Mesh, double[] Unknowns, double[] Tangent) : CycleStart;
}


/// <summary>A one-parameter continuation of periodic orbits.</summary>
public sealed record PeriodicRun
{
    /// <summary>The branch's name.</summary>
    public required string Name { get; init; }
    /// <summary>The vector field.</summary>
    public required OdeSystem System { get; init; }
    /// <summary>The full parameter vector at the start.</summary>
    public required double[] Parameters { get; init; }
    /// <summary>The continued parameter.</summary>
    public required string Parameter { get; init; }
    /// <summary>Where the branch starts: a Hopf point, a cycle, a period doubling or a branch point of cycles.</summary>
    public required CycleStart Start { get; init; }
    /// <summary>Which way along the branch from the start.</summary>
    public Direction Direction { get; init; } = Direction.Forward;
    /// <summary>Step sizes, tolerances and what is detected.</summary>
    public ContinuationOptions Options { get; init; } = new();
    /// <summary>Mesh adaptation, period weight and threads (the size is <see cref="Discretisation"/>).</summary>
    public CollocationOptions Collocation { get; init; } = new();
    /// <summary>
    /// NTST × NCOL to continue on (<see cref="CycleMesh.Uniform"/>); a start cycle of another size is
    /// moved onto it. Null: the start cycle's own, or <see cref="CycleMesh.Default"/> from a Hopf point.
    /// </summary>
    public CycleMesh? Discretisation { get; init; }
    /// <summary>Bounds on the continued parameter and/or on "period".</summary>
    public IReadOnlyList<NamedBound> Bounds { get; init; } = [];
    /// <summary>User values of the continued parameter.</summary>
    public IReadOnlyList<double> Values { get; init; } = [];
    /// <summary>User values of <see cref="SecondParameter"/> (a frozen-period run).</summary>
    public IReadOnlyList<double> SecondValues { get; init; } = [];
    /// <summary>
    /// A second continued parameter: the period is then frozen at the start cycle's and the run
    /// follows the large-period approximation of a homoclinic curve (start from a cycle).
    /// </summary>
    public string? SecondParameter { get; init; }
    /// <summary>What the caller needs of a regular point's orbit; the branch then keeps the point without it (see <see cref="Runs.RunSettings.Measure"/>).</summary>
    public Func<BranchPoint, double[]>? Measure { get; init; }
}

/// <summary>Facade: runs a <see cref="PeriodicRun"/> to a finished <see cref="Branch"/>.</summary>
public static class PeriodicOrbitContinuation
{
    /// <summary>Follows the branch of <paramref name="run"/> to its end; a failure to start is an <see cref="ArgumentException"/>, a breakdown on the way ends the branch with the reason.</summary>
    public static Branch Run(PeriodicRun run, IProgress<BranchProgress>? progress = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var system = run.System;
        int k = system.ParameterIndex(run.Parameter);
        if (k < 0) throw new ArgumentException($"model {system.Name} has no parameter '{run.Parameter}'");
        int second = run.SecondParameter is null ? -1 : system.ParameterIndex(run.SecondParameter);
        if (run.SecondParameter is not null && (second < 0 || second == k))
            throw new ArgumentException($"'{run.SecondParameter}' is not a second parameter of model {system.Name}");
        if (second >= 0 && run.Start is not CycleStart.Cycle)
            throw new ArgumentException("a frozen-period (homoclinic) run starts from a computed cycle");
        var options = second >= 0 ? run.Options with { DetectFolds = false, DetectBranchPoints = false, DetectBifurcations = false } : run.Options;

        string? switchNote = null;
        HalfStart Start(int sign)
        {
            switch (run.Start)
            {
                case CycleStart.Hopf hopf:
                {
                    var mesh = run.Discretisation ?? CycleMesh.Default;
                    var problem = new PeriodicOrbitProblem(system, run.Parameters, k, mesh, run.Collocation);
                    var jac = new double[system.Dimension * system.Dimension];
                    new Derivatives(system).StateJacobian(hopf.Equilibrium, run.Parameters, jac);
                    var q = HopfCoefficients.CriticalEigenvector(jac, system.Dimension, hopf.Omega);
                    var (x0, t0) = problem.StartAtHopf(hopf.Equilibrium, run.Parameters[k], hopf.Omega, q);
                    // Both signs of the amplitude give the same cycle (shifted by half a period): go one way.
                    return new HalfStart(problem, x0, t0, true);
                }
                case CycleStart.Cycle cycle:
                {
                    var (mesh, x0) = Resample(cycle.Mesh, cycle.Unknowns, run.Discretisation ?? cycle.Mesh, system.Dimension);
                    int iT = system.Dimension * mesh.Nodes;
                    var problem = second >= 0
                        ? new FrozenPeriodProblem(system, run.Parameters, k, second, x0[iT], mesh, run.Collocation)
                        : new PeriodicOrbitProblem(system, run.Parameters, k, mesh, run.Collocation);
                    if (second >= 0) x0[iT] = run.Parameters[second];
                    x0[problem.ParameterComponent] = run.Parameters[k];
                    problem.Accept(x0);
                    return new HalfStart(problem, x0, null, false);
                }
                case CycleStart.PeriodDoubling pd:
                {
                    var (mesh, x0, t0) = PeriodDoublingSwitch.Build(system, run.Parameters, k, pd.Mesh, pd.Unknowns, run.Discretisation ?? pd.Mesh, run.Collocation);
                    var problem = new PeriodicOrbitProblem(system, run.Parameters, k, mesh, run.Collocation) { Doubled = true };
                    problem.Accept(x0);
                    return new HalfStart(problem, x0, t0, true);
                }
                case CycleStart.BranchPoint bp:
                {
                    // The other branch's tangent on the branch point's own mesh, where the known tangent
                    // lives; then both moved onto the run's own discretisation.
                    var own = new PeriodicOrbitProblem(system, run.Parameters, k, bp.Mesh, run.Collocation);
                    var x0 = (double[])bp.Unknowns.Clone();
                    x0[own.ParameterComponent] = run.Parameters[k];
                    var other = BranchSwitching.OtherTangent(own, x0, bp.Tangent);
                    if (other.Tangent is not { } tangent) throw new ArgumentException($"no branch switch at the branch point of cycles: {other.Failure}");
                    switchNote = $"branch switched at the branch point of cycles ({other.Method})";
                    tangent = BranchSwitching.Oriented(tangent, own.ParameterComponent, +1);
                    if (run.Discretisation is null || bp.Mesh.SameSize(run.Discretisation))
                        return new HalfStart(own, x0, tangent, true);
                    var (mesh, x) = Resample(bp.Mesh, x0, run.Discretisation, system.Dimension);
                    var problem = new PeriodicOrbitProblem(system, run.Parameters, k, mesh, run.Collocation);
                    problem.Accept(x);
                    return new HalfStart(problem, x, Interpolate(bp.Mesh, tangent, mesh, system.Dimension), true);
                }
                default: throw new ArgumentException("unknown start");
            }
        }

        StopConditions Stops(IContinuationProblem p)
        {
            var po = (PeriodicOrbitProblem)p;
            var bounds = run.Bounds.Select(b => b.Name == "period" || b.Name == run.SecondParameter
                ? new ComponentBound(po.PeriodComponent, b.Name, b.Min, b.Max)
                : new ComponentBound(po.ParameterComponent, b.Name, b.Min, b.Max)).ToList();
            var values = run.Values.Select(v => new UserValue(po.ParameterComponent, run.Parameter, v))
                .Concat(run.SecondValues.Select(v => new UserValue(po.PeriodComponent, run.SecondParameter!, v))).ToList();
            return new StopConditions { Bounds = bounds, UserValues = values };
        }

        // From a Hopf or period-doubling point both directions give the same cycles (shifted by
        // half a period): follow one.
        var direction = run.Start is CycleStart.Hopf or CycleStart.PeriodDoubling ? Direction.Forward : run.Direction;
        // A regular point, once measured, keeps only its state, period and parameter (not for frozen-period runs).
        int n = system.Dimension;
        IContinuationProblem? lastProblem = null;
        Func<PathPoint, PathPoint>? compact = run.Measure is { } measure && second < 0
            ? pp =>
            {
                var mesh = (CycleMesh)pp.Solution!;
                int iT = n * mesh.Nodes;
                var measures = measure(ToBranchPoint(pp, 0, null));
                return pp with { X = [.. pp.X.AsSpan(0, n), pp.X[iT], pp.X[iT + 1]], Tangent = [], Solution = null, Measures = measures };
            }
            : null;
        BranchPoint ToBranchPoint(PathPoint pp, int i, string? label)
        {
            var parameters = (double[])run.Parameters.Clone();
            if (pp.Measures is { } kept)
            {
                parameters[k] = pp.X[n + 1];
                return new BranchPoint(i, pp.Kind, label, pp.X[..n], parameters, pp.X[n], pp.Analysis, pp.Details, pp.Note, [], []) { Measures = kept };
            }
            var mesh = pp.Solution as CycleMesh ?? throw new InvalidOperationException("cycle point without its mesh");
            int iT = n * mesh.Nodes;
            parameters[k] = pp.X[iT + 1];
            if (second >= 0) parameters[second] = pp.X[iT];
            double period = second >= 0 ? ((PeriodicOrbitProblem)lastProblem!).PeriodAt(pp.X) : pp.X[iT];
            return new BranchPoint(i, pp.Kind, label, pp.X[..n], parameters, period, pp.Analysis, pp.Details, pp.Note, pp.X, pp.Tangent, mesh);
        }
        var followed = HalfBranches.Follow(run.Name, direction, options, Stops, Start, progress, cancellation, compact);
        lastProblem = followed.LastProblem;
        var last = (PeriodicOrbitProblem)followed.LastProblem;
        var path = followed.Points;
        if (path.Count > 1 && path[^1].Details?.HopfArrival == true)
            path[^1] = SnapToHopf(run, k, path[^1], path[^2]);
        var labels = BranchAssembly.Labels(path.Select(p => p.Kind).ToList());
        var points = new List<BranchPoint>(path.Count);
        for (int i = 0; i < path.Count; i++) points.Add(ToBranchPoint(path[i], i, labels[i]));
        return new Branch
        {
            Name = run.Name,
            Kind = second >= 0 ? BranchKind.Homoclinic : BranchKind.Periodic,
            System = system,
            ContinuedParameters = second >= 0 ? [run.Parameter, run.SecondParameter!] : [run.Parameter],
            Points = points,
            Ends = followed.Ends,
            NewtonIterations = followed.NewtonIterations,
            Factorizations = followed.Factorizations,
            Refinements = followed.Refinements,
            Warnings = followed.Warnings(run.Parameter),
            StartNote = switchNote,
            WallMilliseconds = clock.Elapsed.TotalMilliseconds,
        };
    }

    /// <summary>
    /// The end of a branch that has shrunk onto a Hopf point, moved onto that point exactly: the
    /// Hopf point of the equilibria through the orbit's mean state, located by a short equilibrium
    /// continuation, as a constant cycle of period 2π/ω. Kept as it was if that fails.
    /// </summary>
    static PathPoint SnapToHopf(PeriodicRun run, int k, PathPoint end, PathPoint before)
    {
        var system = run.System;
        int n = system.Dimension;
        if (end.Solution is not CycleMesh mesh) return end;
        int iT = n * mesh.Nodes;
        var mean = new double[n];
        for (int s = 0; s < n; s++) mean[s] = Mesh.Integrate(mesh.Scheme, mesh.Mesh, end.X.AsSpan(0, iT), n, s);
        var parameters = (double[])run.Parameters.Clone();
        double lambda = end.X[iT + 1];
        double reach = Math.Max(10 * Math.Abs(lambda - before.X[^1]), 1e-2 * (1 + Math.Abs(lambda)));
        // Started half the reach below, so that the Hopf point (next to λ) is not at the start,
        // where the driver does not look for the point it started from.
        parameters[k] = lambda - 0.5 * reach;
        var eq = EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = "hopf", System = system, Parameters = parameters, Parameter = run.Parameter, State = mean,
            Direction = Direction.Forward,
            Options = new ContinuationOptions { Ds = reach / 20, DsMin = reach * 1e-6, DsMax = reach / 5, MaxSteps = 200 },
            Bounds = [new NamedBound(run.Parameter, lambda - reach, lambda + reach)], DetectClosedLoop = false,
        });
        var hopf = eq.SpecialPoints.Where(p => p.Kind == PointKind.HB).MinBy(p => Math.Abs(p.Parameters[k] - lambda));
        if (hopf?.Details?.Omega is not { } omega) return end;
        var x = new double[end.X.Length];
        for (int i = 0; i < mesh.Nodes; i++) hopf.State.CopyTo(x, i * n);
        x[iT] = 2 * Math.PI / omega;
        x[iT + 1] = hopf.Parameters[k];
        return end with { X = x, Details = new SpecialPointDetails(Omega: omega, Period: x[iT], FirstLyapunov: hopf.Details.FirstLyapunov, Note: end.Note) { HopfArrival = true } };
    }

    /// <summary>A vector of cycle unknowns (a profile, then two globals) on <paramref name="from"/>, evaluated on <paramref name="to"/>'s nodes.</summary>
    internal static double[] Interpolate(CycleMesh from, double[] v, CycleMesh to, int n)
    {
        int oldLen = n * from.Nodes;
        var x = new double[n * to.Nodes + 2];
        var tmp = new double[n];
        for (int i = 0; i < to.Nodes; i++)
        {
            Mesh.EvaluateAt(from.Scheme, from.Mesh, v.AsSpan(0, oldLen), n, to.NodeTime(i), tmp);
            tmp.CopyTo(x, i * n);
        }
        x[^2] = v[oldLen];
        x[^1] = v[oldLen + 1];
        return x;
    }

    /// <summary>
    /// A cycle's unknowns moved onto a mesh of <paramref name="size"/>'s NTST and NCOL, adapted to the
    /// cycle (unchanged when the sizes agree).
    /// </summary>
    internal static (CycleMesh Mesh, double[] X) Resample(CycleMesh from, double[] unknowns, CycleMesh size, int n)
    {
        int oldLen = n * from.Nodes;
        if (from.SameSize(size))
            return (from, (double[])unknowns.Clone());
        var scheme = size.Scheme;
        int ntst = size.Intervals;
        // The new mesh equidistributes the old profile's error estimate (a uniform mesh would lose the
        // resolution of spikes) — for another degree too, where the old degree's monitor stands in for
        // the new one's; the old profile is evaluated at the new nodes.
        var mesh = new CycleMesh(scheme, Mesh.Adapt(from.Scheme, from.Mesh, unknowns.AsSpan(0, oldLen), n, ntst));
        return (mesh, Interpolate(from, unknowns, mesh, n));
    }
}
