using System.Diagnostics;
using Continuation.Integration;
using Continuation.Pathfollowing;
using Continuation.Results;
using Continuation.Systems;

namespace Continuation.Equilibria;

/// <summary>A one-parameter equilibrium continuation: what to continue, from where, how far.</summary>
public sealed record EquilibriumRun
{
    /// <summary>Name of the branch (e.g. "fp"), also shown in progress reports.</summary>
    public required string Name { get; init; }
    /// <summary>The ODE system.</summary>
    public required OdeSystem System { get; init; }
    /// <summary>Full parameter vector at the start.</summary>
    public required double[] Parameters { get; init; }
    /// <summary>Name of the continued parameter.</summary>
    public required string Parameter { get; init; }
    /// <summary>Start state (an approximate equilibrium; it is polished by Newton).</summary>
    public required double[] State { get; init; }
    /// <summary>
    /// When set, the ODE is first integrated from <see cref="State"/> for this long (adaptive
    /// Dormand–Prince 5(4)) and the end state, polished by Newton, starts the branch.
    /// </summary>
    public double? SettleTime { get; init; }
    /// <summary>
    /// When set, <see cref="State"/> and the continued parameter are a branch point of an earlier
    /// branch and this is that branch's tangent there (in the unknowns' order: state, parameter):
    /// the run follows the other branch through the point (<see cref="BranchSwitching"/>).
    /// </summary>
    public double[]? BranchTangent { get; init; }
    /// <summary>Which way to go from the start point.</summary>
    public Direction Direction { get; init; } = Direction.Forward;
    /// <summary>Step control and Newton settings.</summary>
    public ContinuationOptions Options { get; init; } = new();
    /// <summary>Bounds on the continued parameter (by its name).</summary>
    public IReadOnlyList<NamedBound> Bounds { get; init; } = [];
    /// <summary>Values of the continued parameter where a point is reported (UZ).</summary>
    public IReadOnlyList<double> Values { get; init; } = [];
    /// <summary>End the branch where it comes round to its first point (a closed loop).</summary>
    public bool DetectClosedLoop { get; init; } = true;
}

/// <summary>Facade: runs an <see cref="EquilibriumRun"/> to a finished <see cref="Branch"/>.</summary>
public static class EquilibriumContinuation
{
    /// <summary>
    /// Finds the start point (settling and branch switching as <paramref name="run"/> asks) and follows
    /// the branch in the requested directions. A start that fails ends the branch there with
    /// <see cref="StopReason.StartFailed"/> and a note saying why.
    /// </summary>
    /// <param name="run">What to continue, from where, how far.</param>
    /// <param name="progress">Receives progress after every accepted step (null: none).</param>
    /// <param name="cancellation">Stops the run; the branch keeps the points computed so far.</param>
    /// <exception cref="ArgumentException">The system has no such parameter, or the start state or branch tangent has the wrong length.</exception>
    public static Branch Run(EquilibriumRun run, IProgress<BranchProgress>? progress = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        int k = run.System.ParameterIndex(run.Parameter);
        if (k < 0) throw new ArgumentException($"model {run.System.Name} has no parameter '{run.Parameter}'");
        if (run.Bounds.FirstOrDefault(b => b.Name != run.Parameter) is { } stray)
            throw new ArgumentException($"an equilibrium branch in {run.Parameter} has no bound on '{stray.Name}' (only on the continued parameter)");
        if (run.State.Length != run.System.Dimension)
            throw new ArgumentException($"start state has {run.State.Length} components, model {run.System.Name} has {run.System.Dimension}");

        var problem = new EquilibriumProblem(run.System, run.Parameters, k);
        var state = (double[])run.State.Clone();
        if (run.SettleTime is { } settle)
        {
            var integration = new DormandPrince(run.System).Integrate(run.Parameters, state, 0, settle);
            if (!integration.IsSuccess)
                return Failed(run, $"integration to a steady state failed ({integration.Status} at t = {integration.FinalTime:G6})", clock);
        }
        var x0 = problem.Pack(state, run.Parameters[k]);
        Func<int, HalfStart> start = _ => new HalfStart(problem, x0, null, false);
        string? switchNote = null;
        if (run.BranchTangent is { } known)
        {
            if (known.Length != x0.Length) throw new ArgumentException($"the branch tangent has {known.Length} components, expected {x0.Length}");
            var other = BranchSwitching.OtherTangent(problem, x0, known);
            if (other.Tangent is not { } tangent) return Failed(run, $"no branch switch: {other.Failure}", clock);
            var forward = BranchSwitching.Oriented(tangent, problem.ParameterComponent, +1);
            start = _ => new HalfStart(problem, x0, forward, true);
            switchNote = $"branch switched at the branch point ({other.Method})";
        }
        var stops = new StopConditions
        {
            Bounds = run.Bounds.Select(b => new ComponentBound(run.System.Dimension, b.Name, b.Min, b.Max)).ToList(),
            UserValues = run.Values.Select(v => new UserValue(run.System.Dimension, run.Parameter, v)).ToList(),
            DetectClosedLoop = run.DetectClosedLoop,
        };
        var followed = HalfBranches.Follow(run.Name, run.Direction, run.Options, _ => stops, start, progress, cancellation);
        var path = followed.Points;
        var ends = followed.Ends;
        int newton = followed.NewtonIterations;
        var labels = BranchAssembly.Labels(path.Select(p => p.Kind).ToList());
        var points = new List<BranchPoint>(path.Count);
        for (int i = 0; i < path.Count; i++)
        {
            var pp = path[i];
            var parameters = problem.ParametersAt(pp.X);
            points.Add(new BranchPoint(i, pp.Kind, labels[i], pp.X[..run.System.Dimension], parameters,
                pp.Details?.Period, pp.Analysis, pp.Details, pp.Note, pp.X, pp.Tangent));
        }
        if (switchNote is not null && points.Count > 0)
        {
            // The branch point itself, where both halves start: analysed like any point.
            int at = path.FindIndex(p => p.Analysis.Spectrum.Length == 0 && p.Kind == PointKind.Regular);
            if (at >= 0)
            {
                var x = path[at].X;
                var analysis = problem.Analyze(x, new double[problem.TestFunctionKinds.Count]);
                points[at] = points[at] with { Analysis = analysis };
            }
        }
        return new Branch
        {
            Name = run.Name,
            Kind = BranchKind.Equilibrium,
            System = run.System,
            ContinuedParameters = [run.Parameter],
            Points = points,
            Ends = ends,
            NewtonIterations = newton,
            Factorizations = followed.Factorizations,
            Refinements = followed.Refinements,
            Warnings = followed.Warnings(run.Parameter),
            StartNote = switchNote,
            WallMilliseconds = clock.Elapsed.TotalMilliseconds,
        };
    }

    static Branch Failed(EquilibriumRun run, string note, Stopwatch clock) => new()
    {
        Name = run.Name,
        Kind = BranchKind.Equilibrium,
        System = run.System,
        ContinuedParameters = [run.Parameter],
        Points = [],
        Ends = [new BranchEnd(StopReason.StartFailed, note)],
        WallMilliseconds = clock.Elapsed.TotalMilliseconds,
    };
}
