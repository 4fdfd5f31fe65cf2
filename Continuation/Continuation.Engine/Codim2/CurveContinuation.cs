using System.Diagnostics;
using Continuation.PeriodicOrbits;
using Continuation.Pathfollowing;
using Continuation.Results;
using Continuation.Systems;

namespace Continuation.Codim2;

/// <summary>A two-parameter continuation of a fold or Hopf curve of equilibria from a point on it.</summary>
public sealed record CurveRun
{
    public required string Name { get; init; }
    public required OdeSystem System { get; init; }
    public required BranchKind Kind { get; init; }
    /// <summary>Full parameter vector at the start.</summary>
    public required double[] Parameters { get; init; }
    /// <summary>The two continued parameters.</summary>
    public required string First { get; init; }
    public required string Second { get; init; }
    /// <summary>The equilibrium at the start (an LP point for a fold curve, an HB point for a Hopf curve).</summary>
    public required double[] State { get; init; }
    /// <summary>Hopf frequency at the start (Hopf curves).</summary>
    public double Omega { get; init; }
    public Direction Direction { get; init; } = Direction.Both;
    public ContinuationOptions Options { get; init; } = new();
    /// <summary>Bounds on either parameter.</summary>
    public IReadOnlyList<NamedBound> Bounds { get; init; } = [];
}

/// <summary>Facade: runs a <see cref="CurveRun"/> to a finished <see cref="Branch"/>.</summary>
public static class CurveContinuation
{
    public static Branch Run(CurveRun run, IProgress<BranchProgress>? progress = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var system = run.System;
        int a = system.ParameterIndex(run.First), b = system.ParameterIndex(run.Second);
        if (a < 0 || b < 0) throw new ArgumentException($"model {system.Name} has no parameter '{(a < 0 ? run.First : run.Second)}'");
        if (run.Kind is not (BranchKind.FoldCurve or BranchKind.HopfCurve)) throw new ArgumentException("a curve run is a fold or a Hopf curve");
        int n = system.Dimension;
        // Codimension-two curves: turning points and branch points of the curve itself are not bifurcations.
        var options = run.Options with { DetectFolds = false, DetectBranchPoints = false };

        HalfStart Start(int sign)
        {
            if (run.Kind == BranchKind.FoldCurve)
            {
                var fold = new FoldCurveProblem(system, run.Parameters, a, b);
                return new HalfStart(fold, fold.Start(run.State), null, false);
            }
            var hopf = new HopfCurveProblem(system, run.Parameters, a, b);
            return new HalfStart(hopf, hopf.Start(run.State, run.Omega), null, false);
        }

        StopConditions Stops(IContinuationProblem p) => new()
        {
            Bounds = run.Bounds.Select(bd => new ComponentBound(bd.Name == run.First ? n : n + 1, bd.Name, bd.Min, bd.Max)).ToList(),
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
        return new Branch
        {
            Name = run.Name,
            Kind = run.Kind,
            System = system,
            ContinuedParameters = [run.First, run.Second],
            Points = points,
            Ends = followed.Ends,
            NewtonIterations = followed.NewtonIterations,
            Factorizations = followed.Factorizations,
            WallMilliseconds = clock.Elapsed.TotalMilliseconds,
        };
    }
}
