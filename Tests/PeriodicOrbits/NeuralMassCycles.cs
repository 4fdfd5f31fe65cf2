using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.Results;
using Models;

namespace Tests.PeriodicOrbits;

/// <summary>Starting points on the neural-mass model's cycles (the paper's homogeneous system).</summary>
internal static class NeuralMassCycles
{
    /// <summary>
    /// The first Hopf point of the resting state at coupling <paramref name="eps"/>: the state settled
    /// by integration at Iext_e = −5, then followed up in Iext_e.
    /// </summary>
    public static BranchPoint FirstHopf(NextGenNeuralMassHomogeneous model, double eps)
    {
        var p = model.DefaultParameters();
        p[model.ParameterIndex("eps")] = eps;
        p[model.ParameterIndex("Iext_e")] = -5;
        var rest = EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = "settle", System = model, Parameters = p, Parameter = "Iext_e", State = new double[model.Dimension], SettleTime = 5000,
            Options = new ContinuationOptions { MaxSteps = 1 },
        }).Points[0].State;
        return EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = "fp", System = model, Parameters = p, Parameter = "Iext_e", State = rest,
            Options = new ContinuationOptions { DsMax = 0.1 }, Bounds = [new NamedBound("Iext_e", -5, 15)],
        }).SpecialPoints.First(s => s.Kind == PointKind.HB);
    }
}
