using System.Numerics;
using Continuation.Systems;
using MathNet.Numerics.LinearAlgebra;

namespace Continuation.PeriodicOrbits;

/// <summary>Branch switching at a period-doubling point onto the doubled cycle.</summary>
/// <remarks>
/// At a PD point the cycle u of period T has a Floquet multiplier −1 with eigenvector v; the
/// variation ξ(t) with ξ(0) = v satisfies ξ(t + T) = −ξ(t). The cycle traversed twice (period 2T)
/// is a branch point of the doubled problem, and the doubled branch leaves it along ξ over
/// [0, T] followed by −ξ over [T, 2T] (Doedel, Keller, Kernévez 1991, section 7).
/// </remarks>
internal static class PeriodDoublingSwitch
{
    /// <summary>
    /// The doubled cycle at a period-doubling point and its tangent: the cycle traversed twice plus the
    /// direction ξ, −ξ, on a mesh of <paramref name="size"/>'s NTST and NCOL adapted to the doubled profile.
    /// </summary>
    /// <param name="system">The vector field.</param>
    /// <param name="parameters">The parameters at the PD point.</param>
    /// <param name="parameter">Index of the continued parameter.</param>
    /// <param name="pdMesh">The PD point's mesh.</param>
    /// <param name="pdUnknowns">The PD point's unknowns (profile, period, parameter).</param>
    /// <param name="size">NTST × NCOL of the doubled branch.</param>
    /// <param name="options">Collocation settings of the doubled branch.</param>
    /// <exception cref="ArgumentException">The cycle has no multiplier near −1, or its multipliers cannot be computed.</exception>
    public static (CycleMesh Mesh, double[] X, double[] Tangent) Build(OdeSystem system, double[] parameters, int parameter,
        CycleMesh pdMesh, double[] pdUnknowns, CycleMesh size, CollocationOptions options)
    {
        int n = system.Dimension;
        var scheme = size.Scheme;
        var (mesh, x) = PeriodicOrbitContinuation.Resample(pdMesh, pdUnknowns, size, n);
        var problem = new PeriodicOrbitProblem(system, parameters, parameter, mesh, options);
        problem.Accept(x);
        var mono = problem.Monodromy(x);
        var (mu, v) = Algebra.Spectrum.TryNearest(mono.AsSpan(0, n * n), n, -1)
            ?? throw new ArgumentException("the eigenvalues of the monodromy matrix at the period-doubling point could not be computed");
        if (Math.Abs(mu.Imaginary) > 1e-6 || (mu + 1).Magnitude > 0.05)
            throw new ArgumentException($"the cycle has no Floquet multiplier near −1 (closest: {mu}): not a period-doubling point");
        var xi = problem.Variation(x, v);

        // The doubled profile on a mesh of 2N intervals, then redistributed onto N.
        int N = mesh.Intervals, nodes = mesh.Nodes, half = nodes - 1;
        var mesh2 = new double[2 * N + 1];
        for (int j = 0; j <= N; j++) { mesh2[j] = 0.5 * mesh.Mesh[j]; mesh2[N + j] = 0.5 + 0.5 * mesh.Mesh[j]; }
        int len2 = n * (2 * half + 1);
        var u2 = new double[len2];
        var t2 = new double[len2];
        for (int i = 0; i <= 2 * half; i++)
        {
            int src = i <= half ? i : i - half;
            double sign = i <= half ? 1 : -1;
            for (int s = 0; s < n; s++)
            {
                u2[i * n + s] = x[src * n + s];
                t2[i * n + s] = sign * xi[src * n + s];
            }
        }
        var adapted = Mesh.Adapt(scheme, mesh2, u2, n, N);
        int len = n * nodes;
        var x0 = new double[len + 2];
        var tangent = new double[len + 2];
        Mesh.Interpolate(scheme, mesh2, u2, n, adapted, x0.AsSpan(0, len));
        Mesh.Interpolate(scheme, mesh2, t2, n, adapted, tangent.AsSpan(0, len));
        x0[len] = 2 * x[len];
        x0[len + 1] = x[len + 1];
        return (new CycleMesh(scheme, adapted), x0, tangent);
    }
}
