using Continuation.Cli.Cases;
using Continuation.PeriodicOrbits;
using Continuation.Results;

namespace Continuation.Cli.Output;

/// <summary>
/// Min, max, mean and amplitude over the orbit of a quantity computed from the state (an
/// equation model's definition), as <see cref="CycleMeasures"/> gives them for a state variable:
/// at the collocation nodes, the mean with the collocation quadrature; an equilibrium is a constant orbit.
/// </summary>
public static class QuantityMeasures
{
    /// <summary>The output value of <paramref name="quantity"/> at <paramref name="point"/>.</summary>
    public static double? Value(OutputFunction function, StateFunction quantity, BranchPoint point)
    {
        if (point.Cycle is null)
        {
            double v = quantity(point.State, point.Parameters);
            return function == OutputFunction.Amplitude ? 0 : v;
        }
        int n = point.State.Length;
        var profile = point.Profile;
        var values = new double[point.Cycle.Nodes];
        for (int i = 0; i < values.Length; i++) values[i] = quantity(profile.Slice(i * n, n), point.Parameters);
        return function switch
        {
            OutputFunction.Min => values.Min(),
            OutputFunction.Max => values.Max(),
            OutputFunction.Mean => Mesh.Integrate(point.Cycle.Scheme, point.Cycle.Mesh, values, 1, 0),
            OutputFunction.Amplitude => values.Max() - values.Min(),
            _ => null,
        };
    }
}
