using Continuation.Results;

namespace Continuation.PeriodicOrbits;

/// <summary>Per-point measures of a branch point over its orbit (an equilibrium is a constant orbit).</summary>
public static class CycleMeasures
{
    /// <summary>Minimum of a state variable over the orbit (of its collocation polynomials, not only at the nodes).</summary>
    public static double Min(BranchPoint p, int state) => -Extreme(p, state, -1);

    /// <summary>Maximum of a state variable over the orbit (of its collocation polynomials, not only at the nodes).</summary>
    public static double Max(BranchPoint p, int state) => Extreme(p, state, +1);

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

    /// <summary>
    /// max over the orbit of sign·u_state: the best node (and the best one more than an interval
    /// away), then the polynomial of each interval such a node belongs to, sampled finely and refined
    /// by a parabola through the best three samples. The
    /// node values alone would make the result depend on where the mesh puts its nodes (by up to
    /// 1e-4 relative at a sharp spike with NTST 100): the same cycle on two meshes would differ.
    /// </summary>
    static double Extreme(BranchPoint p, int state, int sign)
    {
        if (p.Cycle is null) return sign * p.State[state];
        int n = p.State.Length, m = p.Cycle.Scheme.Degree;
        var profile = p.Profile;
        int best = 0;
        for (int i = 1; i < p.Cycle.Nodes; i++)
            if (sign * profile[i * n + state] > sign * profile[best * n + state]) best = i;
        // The best node in another interval too: two near-equal peaks, whose polynomials may rank otherwise.
        int second = -1;
        for (int i = 0; i < p.Cycle.Nodes; i++)
            if (Math.Abs(i - best) > m && (second < 0 || sign * profile[i * n + state] > sign * profile[second * n + state])) second = i;
        return Math.Max(NodeExtreme(p, state, sign, best), second < 0 ? double.NegativeInfinity : NodeExtreme(p, state, sign, second));
    }

    /// <summary>
    /// max of sign·u_state over the interval node i lies in, or at a mesh node over the two it joins
    /// (the first and the last mesh node are the same point of the orbit).
    /// </summary>
    static double NodeExtreme(BranchPoint p, int state, int sign, int i)
    {
        int n = p.State.Length, m = p.Cycle!.Scheme.Degree, ntst = p.Cycle.Intervals;
        double value = sign * p.Profile[i * n + state];
        int right = i / m;
        if (i % m != 0) return Math.Max(value, IntervalExtreme(p, state, sign, right));
        value = Math.Max(value, IntervalExtreme(p, state, sign, right % ntst));
        return Math.Max(value, IntervalExtreme(p, state, sign, (right - 1 + ntst) % ntst));
    }

    /// <summary>max of sign·u_state over interval j's polynomial: 64 samples and the vertex of the parabola through the best three.</summary>
    static double IntervalExtreme(BranchPoint p, int state, int sign, int j)
    {
        const int Samples = 64;
        var scheme = p.Cycle!.Scheme;
        int m = scheme.Degree;
        Span<double> basis = stackalloc double[m + 1];
        Span<double> values = stackalloc double[Samples + 1];
        var node = p.Profile[(j * m * p.State.Length)..];
        int bestK = 0;
        for (int k = 0; k <= Samples; k++)
        {
            values[k] = sign * Evaluate(scheme, node, p.State.Length, state, (double)k / Samples, basis);
            if (values[k] > values[bestK]) bestK = k;
        }
        if (bestK == 0 || bestK == Samples) return values[bestK];
        double f0 = values[bestK - 1], f1 = values[bestK], f2 = values[bestK + 1];
        double curvature = f0 - 2 * f1 + f2;
        if (!(curvature < 0)) return f1;
        double vertex = (bestK + 0.5 * (f0 - f2) / curvature) / Samples;
        return Math.Max(f1, sign * Evaluate(scheme, node, p.State.Length, state, vertex, basis));
    }

    /// <summary>Component <paramref name="state"/> of the interval polynomial whose m + 1 nodes start at <paramref name="node"/>, at local coordinate z.</summary>
    static double Evaluate(CollocationScheme scheme, ReadOnlySpan<double> node, int n, int state, double z, Span<double> basis)
    {
        scheme.EvaluateBasis(z, basis);
        double v = 0;
        for (int k = 0; k < basis.Length; k++) v += basis[k] * node[k * n + state];
        return v;
    }

    /// <summary>Frequency 1/T in Hz when the model's time unit is ms or s, else per unit time.</summary>
    public static double Frequency(double period, string? timeUnit) => timeUnit switch
    {
        "ms" => 1000.0 / period,
        _ => 1.0 / period,
    };
}
