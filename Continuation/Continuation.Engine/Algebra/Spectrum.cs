using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Continuation.Algebra;

/// <summary>
/// The engine's eigenvalue service: every dense eigenproblem goes through here (the connectivity
/// matrix's full decomposition aside, <see cref="Transverse.ConnectivitySpectrum"/>). Nothing
/// throws: for a real matrix, Math.NET's Hessenberg QR first (balanced, real double shifts), then,
/// should it not converge, the complex QZ of the pencil (A, I) (<see cref="GeneralizedEigenvalues"/>:
/// a different reduction and different shifts); null when that fails too or the matrix is not
/// finite, so that a caller can say the spectrum is unknown there instead of ending a computation
/// with an exception. Matrices are row-major.
/// </summary>
public static class Spectrum
{
    /// <summary>The eigenvalues of the row-major n × n matrix <paramref name="a"/> (unsorted), or null.</summary>
    public static Complex[]? TryEigenvalues(ReadOnlySpan<double> a, int n)
    {
        foreach (var v in a) if (!double.IsFinite(v)) return null;
        try
        {
            return ColumnMajor(a, n).Evd(Symmetricity.Asymmetric).EigenValues.ToArray();
        }
        catch (Exception e) when (e is MathNet.Numerics.NonConvergenceException or ArithmeticException)
        {
            // Fall through to the second method.
        }
        return ByQz(a, n);
    }

    /// <summary>
    /// The eigenvalues of the row-major complex n × n matrix <paramref name="a"/> (unsorted), or null
    /// when an entry is not finite or the QR iteration does not converge (there is no second method
    /// for complex matrices).
    /// </summary>
    public static Complex[]? TryEigenvalues(ReadOnlySpan<Complex> a, int n)
    {
        foreach (var v in a) if (!double.IsFinite(v.Real) || !double.IsFinite(v.Imaginary)) return null;
        try { return ColumnMajor(a, n).Evd(Symmetricity.Asymmetric).EigenValues.ToArray(); }
        catch (Exception e) when (e is MathNet.Numerics.NonConvergenceException or ArithmeticException) { return null; }
    }

    /// <summary>
    /// The eigenvalue of the row-major real n × n matrix <paramref name="a"/> nearest
    /// <paramref name="target"/> (the first of equals) and its eigenvector — for a complex eigenvalue
    /// the real part of its eigenvector; null when the decomposition cannot be computed.
    /// </summary>
    public static (Complex Value, double[] Vector)? TryNearest(ReadOnlySpan<double> a, int n, Complex target)
    {
        foreach (var v in a) if (!double.IsFinite(v)) return null;
        return Nearest(ColumnMajor(a, n), target);
    }

    /// <summary>As <see cref="TryNearest(ReadOnlySpan{double}, int, Complex)"/> for a row-major complex matrix.</summary>
    public static (Complex Value, Complex[] Vector)? TryNearest(ReadOnlySpan<Complex> a, int n, Complex target)
    {
        foreach (var v in a) if (!double.IsFinite(v.Real) || !double.IsFinite(v.Imaginary)) return null;
        return Nearest(ColumnMajor(a, n), target);
    }

    /// <summary>The eigenpair of <paramref name="a"/> nearest <paramref name="target"/>; null when QR does not converge.</summary>
    static (Complex Value, T[] Vector)? Nearest<T>(Matrix<T> a, Complex target) where T : struct, IEquatable<T>, IFormattable
    {
        MathNet.Numerics.LinearAlgebra.Factorization.Evd<T> evd;
        try { evd = a.Evd(Symmetricity.Asymmetric); }
        catch (Exception e) when (e is MathNet.Numerics.NonConvergenceException or ArithmeticException) { return null; }
        int best = Nearest(evd.EigenValues.ToArray(), target);
        return (evd.EigenValues[best], evd.EigenVectors.Column(best).ToArray());
    }

    /// <summary>Math.NET's (column-major) matrix of the row-major n × n <paramref name="a"/>: one copy, the storage handed over.</summary>
    static Matrix<T> ColumnMajor<T>(ReadOnlySpan<T> a, int n) where T : struct, IEquatable<T>, IFormattable
    {
        var storage = new T[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) storage[j * n + i] = a[i * n + j];
        return Matrix<T>.Build.Dense(n, n, storage);
    }

    /// <summary>Index of the value nearest <paramref name="target"/> (the first of equals).</summary>
    static int Nearest(Complex[] values, Complex target)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if ((values[i] - target).Magnitude < (values[best] - target).Magnitude) best = i;
        return best;
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
