using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;

namespace Tests.PeriodicOrbits;

/// <summary>
/// Cycles of the test models built as "a planar cycle times other blocks": the cycle is born at a
/// Hopf point of the zero state in the first parameter (at 0), followed to radius 1 (the first
/// parameter at 1 for Stuart–Landau), and then continued in a second parameter, where the blocks'
/// multipliers cross their critical values at known places.
/// </summary>
static class ProductCycles
{
    /// <summary>The cycle branch born at the Hopf point (first parameter 0), from the zero state with <paramref name="parameters"/>.</summary>
    public static Branch FromHopf(OdeSystem model, double[] parameters, CycleMesh collocation, double max, double[]? values = null,
        double dsMax = 0.05)
    {
        string name = model.Parameters[0].Name;
        var eq = EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = "fp", System = model, Parameters = parameters, Parameter = name, State = new double[model.Dimension],
            Bounds = [new NamedBound(name, -0.5, 0.5)],
        });
        var hb = eq.SpecialPoints.First(s => s.Kind == PointKind.HB && Math.Abs(s.Parameters[0]) < 1e-6);
        return PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = model, Parameters = hb.Parameters, Parameter = name,
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.02, DsMax = dsMax, MaxSteps = 300 },
            Discretisation = collocation, Bounds = [new NamedBound(name, -2, max)], Values = values ?? [],
        });
    }

    /// <summary>The unit cycle (first parameter 1) continued in <paramref name="parameter"/> over [−0.5, 0.5].</summary>
    public static Branch UnitCycleIn(OdeSystem model, double[] parameters, string parameter, CycleMesh collocation)
    {
        var unit = FromHopf(model, parameters, collocation, 1.5, [1.0]).Find("UZ1")!;
        return PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc-" + parameter, System = model, Parameters = unit.Parameters, Parameter = parameter,
            Start = new CycleStart.Cycle(unit.Cycle!, unit.Unknowns),
            Options = new ContinuationOptions { Ds = 0.05, DsMax = 0.1, MaxSteps = 100 },
            Discretisation = collocation, Bounds = [new NamedBound(parameter, -0.5, 0.5)],
        });
    }
}
