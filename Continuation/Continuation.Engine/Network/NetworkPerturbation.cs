namespace Continuation.Network;

/// <summary>Initial states of a network: a homogeneous state plus a perturbation off the homogeneous manifold.</summary>
public static class NetworkPerturbation
{
    /// <summary>
    /// <paramref name="node"/> on every node plus independent normal deviates N(0, σ²) on every
    /// variable (as the study's authors perturbed their simulations), from a generator seeded with
    /// <paramref name="seed"/>: the same seed gives the same state on every machine.
    /// </summary>
    public static double[] Random(NetworkSystem network, ReadOnlySpan<double> node, double sigma, int seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        var u = network.Homogeneous(node);
        var random = new Random(seed);
        for (int i = 0; i < u.Length; i += 2)
        {
            // Box–Muller: two deviates from two uniforms on (0, 1].
            double r = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())), phi = 2 * Math.PI * random.NextDouble();
            u[i] += sigma * r * Math.Cos(phi);
            if (i + 1 < u.Length) u[i + 1] += sigma * r * Math.Sin(phi);
        }
        return u;
    }

    /// <summary>
    /// <paramref name="node"/> on every node plus a·p_k·ξ on node k, with p the real pattern of mode
    /// <paramref name="mode"/> (<see cref="NetworkModes.Pattern"/>, largest entry 1) and ξ the node
    /// direction <paramref name="direction"/> scaled to largest entry 1: the largest entry of the
    /// perturbation is |<paramref name="amplitude"/>|.
    /// </summary>
    public static double[] Mode(NetworkSystem network, ReadOnlySpan<double> node, NetworkModes modes, int mode, ReadOnlySpan<double> direction, double amplitude)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(modes);
        int n = network.NodeDimension;
        if (direction.Length != n) throw new ArgumentException($"the node direction has {direction.Length} entries, a node {n} states", nameof(direction));
        double scale = 0;
        foreach (double d in direction) scale = Math.Max(scale, Math.Abs(d));
        if (!(scale > 0)) throw new ArgumentException("the node direction is zero", nameof(direction));
        var pattern = modes.Pattern(mode);
        var u = network.Homogeneous(node);
        for (int k = 0; k < network.Nodes; k++)
            for (int i = 0; i < n; i++) u[k * n + i] += amplitude * pattern[k] * direction[i] / scale;
        return u;
    }

    /// <summary>max over variables of the spread across nodes, max_k x_k,i − min_k x_k,i: zero on the homogeneous manifold.</summary>
    public static double Spread(NetworkSystem network, ReadOnlySpan<double> u)
    {
        ArgumentNullException.ThrowIfNull(network);
        int n = network.NodeDimension;
        double spread = 0;
        for (int i = 0; i < n; i++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int k = 0; k < network.Nodes; k++) { lo = Math.Min(lo, u[k * n + i]); hi = Math.Max(hi, u[k * n + i]); }
            spread = Math.Max(spread, hi - lo);
        }
        return spread;
    }
}
