using System.Numerics;
using Continuation.Transverse;
using MathNet.Numerics.LinearAlgebra;

namespace Continuation.Network;

/// <summary>
/// The network modes of a connectivity W: its eigenvalues Λ_α (in the order of
/// <see cref="ConnectivitySpectrum"/>: real part descending, α = 0 the homogeneous mode), right
/// eigenvectors v_α (the pattern across nodes) and left eigenvectors u_α with u_α·v_β = δ_αβ, which
/// read a network state's component along a mode: z_α = Σ_k u_α,k x_k.
/// </summary>
public sealed class NetworkModes
{
    readonly Complex[][] _right, _left;

    /// <summary>The modes of the decomposed connectivity <paramref name="spectrum"/>.</summary>
    /// <exception cref="ArithmeticException">The eigenvectors are (numerically) dependent: W is not diagonalisable.</exception>
    public NetworkModes(ConnectivitySpectrum spectrum)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        Spectrum = spectrum;
        int n = spectrum.Size;
        _right = new Complex[n][];
        var v = Matrix<Complex>.Build.Dense(n, n);
        for (int a = 0; a < n; a++)
        {
            _right[a] = [.. spectrum.Eigenvector(a)];
            for (int k = 0; k < n; k++) v[k, a] = _right[a][k];
        }
        var lu = v.LU();
        if (lu.Determinant.Magnitude == 0 || v.ConditionNumber().Real > 1e12)
            throw new ArithmeticException("the connectivity's eigenvectors are nearly dependent (W is not diagonalisable): its modes are not defined");
        var inverse = lu.Inverse();
        _left = new Complex[n][];
        for (int a = 0; a < n; a++)
        {
            _left[a] = new Complex[n];
            for (int k = 0; k < n; k++) _left[a][k] = inverse[a, k];
        }
    }

    /// <summary>The decomposition the modes come from.</summary>
    public ConnectivitySpectrum Spectrum { get; }

    /// <summary>Number of modes (nodes).</summary>
    public int Count => _right.Length;

    /// <summary>Λ_α.</summary>
    public Complex Eigenvalue(int mode) => Spectrum.Eigenvalues[mode];

    /// <summary>v_α (unit 2-norm).</summary>
    public ReadOnlySpan<Complex> Right(int mode) => _right[mode];

    /// <summary>u_α, with u_α·v_α = 1 and u_α·v_β = 0 for β ≠ α.</summary>
    public ReadOnlySpan<Complex> Left(int mode) => _left[mode];

    /// <summary>The mode whose eigenvalue is nearest <paramref name="lambda"/>.</summary>
    public int Nearest(Complex lambda)
    {
        int best = 0;
        for (int a = 1; a < Count; a++)
            if ((Eigenvalue(a) - lambda).Magnitude < (Eigenvalue(best) - lambda).Magnitude) best = a;
        return best;
    }

    /// <summary>
    /// A real pattern across nodes for mode <paramref name="mode"/>: the real part of v_α (the
    /// imaginary part when that is larger), scaled to largest entry 1.
    /// </summary>
    public double[] Pattern(int mode)
    {
        var v = _right[mode];
        double re = v.Max(c => Math.Abs(c.Real)), im = v.Max(c => Math.Abs(c.Imaginary));
        var pattern = v.Select(c => im > re ? c.Imaginary : c.Real).ToArray();
        double scale = Math.Max(re, im);
        for (int k = 0; k < pattern.Length; k++) pattern[k] /= scale;
        return pattern;
    }

    /// <summary>
    /// z = Σ_k u_α,k (x_k − x̄): the node-space component of network state <paramref name="u"/>
    /// (N nodes of <paramref name="nodeDimension"/> states) along mode <paramref name="mode"/>,
    /// written into <paramref name="z"/> (length n). x̄, the mean node state, drops out for every
    /// mode but the homogeneous one (Σ_k u_α,k = 0) and keeps rounding off the result.
    /// </summary>
    public void Project(int mode, ReadOnlySpan<double> u, int nodeDimension, Span<Complex> z)
    {
        int n = nodeDimension, nodes = Count;
        var u_ = _left[mode];
        for (int i = 0; i < n; i++)
        {
            double mean = 0;
            for (int k = 0; k < nodes; k++) mean += u[k * n + i];
            mean /= nodes;
            Complex s = 0;
            for (int k = 0; k < nodes; k++) s += u_[k] * (u[k * n + i] - mean);
            z[i] = s;
        }
    }
}
