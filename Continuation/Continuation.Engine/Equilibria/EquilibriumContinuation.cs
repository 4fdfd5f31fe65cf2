using System.Diagnostics;
using Continuation.Integration;
using Continuation.Pathfollowing;
using Continuation.Results;
using Continuation.Systems;

namespace Continuation.Equilibria;

/// <summary>A one-parameter equilibrium continuation: what to continue, from where, how far.</summary>
public sealed record EquilibriumRun
{
    public required string Name { get; init; }
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
    public Direction Direction { get; init; } = Direction.Forward;
    public ContinuationOptions Options { get; init; } = new();
    public StopConditions Stops { get; init; } = new();
}

/// <summary>Facade: runs an <see cref="EquilibriumRun"/> to a finished <see cref="Branch"/>.</summary>
public static class EquilibriumContinuation
{
    public static Branch Run(EquilibriumRun run, IProgress<BranchProgress>? progress = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        int k = run.System.ParameterIndex(run.Parameter);
        if (k < 0) throw new ArgumentException($"model {run.System.Name} has no parameter '{run.Parameter}'");
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
        var followed = HalfBranches.Follow(run.Name, run.Direction, run.Options, _ => run.Stops,
            _ => new HalfStart(problem, x0, null, false), progress, cancellation);
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
