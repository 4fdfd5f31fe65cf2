using Continuation.Results;

namespace Continuation.PeriodicOrbits;

/// <summary>Per-point measures of a branch point over its orbit (an equilibrium is a constant orbit).</summary>
public static class CycleMeasures
{
    /// <summary>Minimum of a state variable over the orbit (at the collocation nodes).</summary>
    public static double Min(BranchPoint p, int state) => Extreme(p, state, Math.Min, double.PositiveInfinity);

    /// <summary>Maximum of a state variable over the orbit (at the collocation nodes).</summary>
    public static double Max(BranchPoint p, int state) => Extreme(p, state, Math.Max, double.NegativeInfinity);

    /// <summary>Time average of a state variable over one period.</summary>
    public static double Mean(BranchPoint p, int state)
    {
        if (p.Cycle is null) return p.State[state];
        return Mesh.Integrate(p.Cycle.Scheme, p.Cycle.Mesh, p.Profile, p.State.Length, state);
    }

    /// <summary>L2 norm: |u| for an equilibrium, (∫₀¹ |u(t)|² dt)^½ for a cycle (AUTO's convention).</summary>
    public static double L2Norm(BranchPoint p)
    {
        if (p.Cycle is null) return Math.Sqrt(p.State.Sum(v => v * v));
        int n = p.State.Length, m = p.Cycle.Scheme.Degree;
        var mesh = p.Cycle.Mesh;
        var w = p.Cycle.Scheme.NodeWeights;
        var profile = p.Profile;
        double sum = 0;
        for (int j = 0; j < p.Cycle.Intervals; j++)
        {
            double h = mesh[j + 1] - mesh[j];
            for (int k = 0; k <= m; k++)
            {
                var node = profile.Slice((j * m + k) * n, n);
                double sq = 0;
                foreach (var v in node) sq += v * v;
                sum += h * w[k] * sq;
            }
        }
        return Math.Sqrt(sum);
    }

    static double Extreme(BranchPoint p, int state, Func<double, double, double> pick, double seed)
    {
        if (p.Cycle is null) return p.State[state];
        int n = p.State.Length;
        var profile = p.Profile;
        double v = seed;
        for (int i = 0; i < p.Cycle.Nodes; i++) v = pick(v, profile[i * n + state]);
        return v;
    }

    /// <summary>Frequency 1/T in Hz when the model's time unit is ms or s, else per unit time.</summary>
    public static double Frequency(double period, string? timeUnit) => timeUnit switch
    {
        "ms" => 1000.0 / period,
        _ => 1.0 / period,
    };
}
