using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Continuation.Algebra;

/// <summary>
/// Eigenvalues of a real matrix that do not throw: Math.NET's Hessenberg QR first (balanced, real
/// double shifts), then, should it not converge, the complex QZ of the pencil (A, I)
/// (<see cref="GeneralizedEigenvalues"/>: a different reduction and different shifts); null when
/// both fail or the matrix is not finite, so that a caller can say the spectrum is unknown there
/// instead of ending a computation with an exception.
/// </summary>
public static class Spectrum
{
    /// <summary>The eigenvalues of the row-major n × n matrix <paramref name="a"/> (unsorted), or null.</summary>
    public static Complex[]? TryEigenvalues(ReadOnlySpan<double> a, int n)
    {
        foreach (var v in a) if (!double.IsFinite(v)) return null;
        var copy = a.ToArray();
        try
        {
            return Matrix<double>.Build.Dense(n, n, (i, j) => copy[i * n + j]).Evd(Symmetricity.Asymmetric).EigenValues.ToArray();
        }
        catch (Exception e) when (e is MathNet.Numerics.NonConvergenceException or ArithmeticException)
        {
            // Fall through to the second method.
        }
        return ByQz(copy, n);
    }

    /// <summary>The second method alone: the eigenvalues of A as those of the pencil (A, I) by the complex QZ, or null.</summary>
    public static Complex[]? ByQz(ReadOnlySpan<double> a, int n)
    {
        var identity = new double[n * n];
        for (int i = 0; i < n; i++) identity[i * n + i] = 1;
        if (!GeneralizedEigenvalues.TryCompute(a, identity, n, out var pairs)) return null;
        var ev = new Complex[n];
        for (int i = 0; i < n; i++) ev[i] = GeneralizedEigenvalues.Quotient(pairs[i].Alpha, pairs[i].Beta);
        RealWithoutPartner(ev);
        return ev;
    }

    /// <summary>
    /// The complex QZ gives a real eigenvalue an imaginary part at rounding level — relative to the
    /// largest, far above the value's own size when they span many orders. The eigenvalues of a
    /// real matrix come in conjugate pairs: one with no conjugate partner is real.
    /// </summary>
    public static void RealWithoutPartner(Complex[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i].Imaginary == 0 || !double.IsFinite(values[i].Magnitude)) continue;
            bool partner = false;
            for (int j = 0; j < values.Length && !partner; j++)
                partner = j != i && (values[j] - Complex.Conjugate(values[i])).Magnitude <= 1e-6 * values[i].Magnitude
                    && Math.Abs(values[i].Imaginary) > 1e-10 * values[i].Magnitude;
            if (!partner) values[i] = new Complex(values[i].Real, 0);
        }
    }
}
