using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Continuation.PeriodicOrbits;

/// <summary>
/// Operations on node values of cycle profiles shared by the problems that discretise cycles
/// (the cycle itself, and the augmented curves of cycle bifurcations whose nodes carry the cycle
/// in their first <c>n</c> of <c>stride</c> components).
/// </summary>
internal static class Profiles
{
    /// <summary>Largest peak-to-peak excursion over the first n components of each node.</summary>
    public static double Amplitude(ReadOnlySpan<double> x, int nodes, int stride, int n)
    {
        double amp = 0;
        for (int s = 0; s < n; s++)
        {
            var (lo, hi) = Range(x, nodes, stride, s);
            amp = Math.Max(amp, hi - lo);
        }
        return amp;
    }

    /// <summary>Minimum and maximum of component s over the nodes.</summary>
    public static (double Min, double Max) Range(ReadOnlySpan<double> x, int nodes, int stride, int s)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < nodes; i++) { double v = x[i * stride + s]; lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        return (lo, hi);
    }

    /// <summary>
    /// A phase- and mesh-independent summary of a cycle: the given leading values (parameters,
    /// period) followed by the range of each state component.
    /// </summary>
    public static double[] Signature(ReadOnlySpan<double> x, int nodes, int stride, int n, ReadOnlySpan<double> leading)
    {
        var sig = new double[leading.Length + 2 * n];
        leading.CopyTo(sig);
        for (int s = 0; s < n; s++)
        {
            var (lo, hi) = Range(x, nodes, stride, s);
            sig[leading.Length + 2 * s] = lo;
            sig[leading.Length + 2 * s + 1] = hi;
        }
        return sig;
    }

    /// <summary>
    /// Coefficients c of the integral phase condition ∫⟨u, ũ'⟩ dt = Σ c·u for the reference profile
    /// ũ (n values per node): per interval the quadrature weights times the derivative of ũ's
    /// polynomial at the nodes (the interval length cancels).
    /// </summary>
    public static void PhaseCoefficients(CycleMesh mesh, ReadOnlySpan<double> reference, int n, Span<double> phase)
    {
        phase.Clear();
        var scheme = mesh.Scheme;
        int m = scheme.Degree;
        int whole = Vector256.IsHardwareAccelerated ? n / 4 * 4 : 0;
        ref double p0 = ref MemoryMarshal.GetReference(phase);
        ref double r0 = ref MemoryMarshal.GetReference(reference);
        if (reference.Length < mesh.Nodes * n || phase.Length < mesh.Nodes * n) throw new ArgumentException("profile shorter than the mesh");
        for (int j = 0; j < mesh.Intervals; j++)
            for (int k = 0; k <= m; k++)
            {
                double w = scheme.NodeWeights[k];
                ref double target = ref Unsafe.Add(ref p0, (j * m + k) * n);
                for (int l = 0; l <= m; l++)
                {
                    double dl = scheme.NodeDerivative[k, l] * w;
                    if (dl == 0) continue;
                    ref double source = ref Unsafe.Add(ref r0, (j * m + l) * n);
                    // Each sum in node order, a product then a sum (as the scalar form rounds).
                    var vd = Vector256.Create(dl);
                    int s = 0;
                    for (; s < whole; s += 4)
                        (Vector256.LoadUnsafe(ref target, (nuint)s) + vd * Vector256.LoadUnsafe(ref source, (nuint)s)).StoreUnsafe(ref target, (nuint)s);
                    for (; s < n; s++) Unsafe.Add(ref target, s) += dl * Unsafe.Add(ref source, s);
                }
            }
    }

    /// <summary>
    /// Adds to the first n of every <paramref name="stride"/> components of each node its weight in
    /// ∫ dt (the interval length times the node's Newton–Cotes weight; shared mesh nodes get both sides).
    /// </summary>
    public static void AddQuadratureWeights(CycleMesh mesh, int stride, int n, Span<double> weights)
    {
        var scheme = mesh.Scheme;
        int m = scheme.Degree;
        for (int j = 0; j < mesh.Intervals; j++)
        {
            double h = mesh.Mesh[j + 1] - mesh.Mesh[j];
            for (int k = 0; k <= m; k++)
            {
                int off = (j * m + k) * stride;
                for (int s = 0; s < n; s++) weights[off + s] += h * scheme.NodeWeights[k];
            }
        }
    }

    /// <summary>
    /// Adapts the mesh of a discretised cycle to the profile at the start of <paramref name="x"/>
    /// (all <paramref name="stride"/> values of each node monitored, as many intervals as before) and
    /// interpolates that profile and the same parts of <paramref name="tangent"/> and
    /// <paramref name="previous"/> onto the new mesh in place; the unknowns after the profile
    /// (period, parameters …) are left alone.
    /// </summary>
    /// <returns>The adapted discretisation (the same scheme on the new mesh).</returns>
    /// <remarks>The new mesh by <see cref="PeriodicOrbits.Mesh.Adapt"/>, the profiles by <see cref="PeriodicOrbits.Mesh.Interpolate"/>.</remarks>
    public static CycleMesh AdaptMesh(CycleMesh mesh, double[] x, double[] tangent, double[] previous, int stride)
    {
        var scheme = mesh.Scheme;
        int len = stride * mesh.Nodes;
        var newMesh = PeriodicOrbits.Mesh.Adapt(scheme, mesh.Mesh, x.AsSpan(0, len), stride, mesh.Intervals);
        var moved = new double[len];
        foreach (var v in new[] { x, tangent, previous })
        {
            PeriodicOrbits.Mesh.Interpolate(scheme, mesh.Mesh, v.AsSpan(0, len), stride, newMesh, moved);
            moved.CopyTo(v, 0);
        }
        return mesh with { Mesh = newMesh };
    }
}
