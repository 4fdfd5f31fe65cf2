using System.Numerics;
using System.Runtime.CompilerServices;
using Continuation.Algebra;
using Continuation.PeriodicOrbits;
using Continuation.Systems;
using MathNet.Numerics.LinearAlgebra;

namespace Continuation.Transverse;

/// <summary>
/// The transverse Floquet problem of one homogeneous cycle, prepared once for many modes:
/// the monodromy of ξ' = T [J(u(t)) + κ DH(u(t))] ξ for any coupling factor κ = ε(Λ − 1) at the
/// cost of small dense algebra per interval, using that the coupling enters through few variables.
/// </summary>
/// <remarks>
/// <para>
/// On mesh interval j the collocation equations of the variational problem at κ = 0 read
/// A0 ξ0 + A1 ξin = 0 (ξ0 the state at the left node, ξin those at the other m nodes). The coupling
/// adds κ U Vᵀ, where Vᵀ interpolates the r = |C|·m values of the coupled components C (the columns
/// in which DH is non-zero anywhere on the cycle) at the Gauss points, and U holds −hT DH there. With
/// g = Vᵀξ, Woodbury's identity gives the interval's transfer matrix
/// Φj(κ) = P − κ Q (I + κ S)⁻¹ R, where P = −Em A1⁻¹A0 (the κ = 0 transfer), Q = Em A1⁻¹U,
/// S = V1ᵀA1⁻¹U and R = V0ᵀ − V1ᵀA1⁻¹A0 are computed once per cycle (one LU of order n·m per
/// interval). Per mode the cost is then an r × r solve and a product of n × n matrices per
/// interval, instead of a structured factorisation of the whole discretisation: for the neural-mass
/// model (n = 6, one coupled variable) r = m.
/// </para>
/// <para>
/// The monodromy is the ordered product Φ_N ⋯ Φ_1, rescaled as it grows. It is the same
/// discretisation as <see cref="PeriodicOrbitProblem.MultipliersWith"/> (the same collocation
/// equations on the same mesh), eliminated interval by interval instead of by the global solver, so
/// the two agree to rounding on the dominant multipliers (tested). Immutable after construction;
/// <see cref="Multipliers"/> may be called from several threads.
/// </para>
/// </remarks>
public sealed class CycleTransverseOperator
{
    readonly int _n, _r, _intervals;
    // Per interval, row-major: P (n×n), Q (n×r), S (r×r), R (r×n).
    readonly double[] _p, _q, _s, _rr;

    CycleTransverseOperator(int n, int r, int intervals, double period, int[] coupled)
    {
        _n = n;
        _r = r;
        _intervals = intervals;
        Period = period;
        CoupledComponents = coupled;
        _p = new double[intervals * n * n];
        _q = new double[intervals * n * r];
        _s = new double[intervals * r * r];
        _rr = new double[intervals * r * n];
    }

    /// <summary>The cycle's period.</summary>
    public double Period { get; }

    /// <summary>State components through which the coupling acts on this cycle (non-zero columns of DH).</summary>
    public IReadOnlyList<int> CoupledComponents { get; }

    /// <summary>
    /// Prepares the transverse problem of the cycle given by its node values
    /// <paramref name="nodes"/> (n per node, the layout of <see cref="PeriodicOrbitProblem"/>) on
    /// <paramref name="mesh"/>, at <paramref name="parameters"/> and <paramref name="period"/>.
    /// </summary>
    public static CycleTransverseOperator Build(OdeSystem system, ICoupledSystem coupled, CycleMesh mesh,
        ReadOnlySpan<double> nodes, ReadOnlySpan<double> parameters, double period)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(coupled);
        ArgumentNullException.ThrowIfNull(mesh);
        int n = system.Dimension, m = mesh.Scheme.Degree, intervals = mesh.Intervals;
        if (nodes.Length < n * mesh.Nodes) throw new ArgumentException($"the cycle has {nodes.Length} node values, the mesh needs {n * mesh.Nodes}", nameof(nodes));
        var scheme = mesh.Scheme;
        var d = new Derivatives(system);
        int points = intervals * m;
        var jac = new double[points * n * n];
        var dh = new double[points * n * n];
        var u = new double[n];
        bool[] used = new bool[n];
        for (int j = 0; j < intervals; j++)
            for (int c = 0; c < m; c++)
            {
                Array.Clear(u);
                for (int k = 0; k <= m; k++)
                {
                    double b = scheme.Basis[c, k];
                    int off = (j * m + k) * n;
                    for (int s = 0; s < n; s++) u[s] += b * nodes[off + s];
                }
                int at = (j * m + c) * n * n;
                d.StateJacobian(u, parameters, jac.AsSpan(at, n * n));
                coupled.CouplingJacobian(u, parameters, dh.AsSpan(at, n * n));
                for (int s = 0; s < n; s++)
                    for (int q = 0; q < n; q++)
                        if (dh[at + s * n + q] != 0) used[q] = true;
            }
        int[] cols = Enumerable.Range(0, n).Where(q => used[q]).ToArray();
        int nc = cols.Length, r = nc * m, size = n * m;
        var op = new CycleTransverseOperator(n, r, intervals, period, cols);

        var lu = new DenseLu(size);
        var z = new double[(n + r) * size]; // column-wise right-hand sides: column c at c·size
        for (int j = 0; j < intervals; j++)
        {
            double hT = (mesh.Mesh[j + 1] - mesh.Mesh[j]) * period;
            var a1 = lu.Matrix;
            a1.Clear();
            Array.Clear(z);
            for (int c = 0; c < m; c++)
            {
                var jc = jac.AsSpan((j * m + c) * n * n, n * n);
                var dc = dh.AsSpan((j * m + c) * n * n, n * n);
                for (int s = 0; s < n; s++)
                {
                    int row = c * n + s;
                    // A1: nodes k = 1..m; the right-hand sides hold −A0 (node 0) and −U.
                    for (int k = 1; k <= m; k++)
                    {
                        double db = scheme.BasisDerivative[c, k], bb = hT * scheme.Basis[c, k];
                        int col = (k - 1) * n;
                        for (int q = 0; q < n; q++) a1[row * size + col + q] = -bb * jc[s * n + q];
                        a1[row * size + col + s] += db;
                    }
                    double d0 = scheme.BasisDerivative[c, 0], b0 = hT * scheme.Basis[c, 0];
                    for (int q = 0; q < n; q++) z[q * size + row] = b0 * jc[s * n + q];
                    z[s * size + row] -= d0;
                    for (int e = 0; e < nc; e++) z[(n + c * nc + e) * size + row] = hT * dc[s * n + cols[e]];
                }
            }
            if (!lu.Factor())
                throw new ArithmeticException($"the collocation equations of interval {j} are singular");
            for (int col = 0; col < n + r; col++) lu.Solve(z.AsSpan(col * size, size));
            // z = A1⁻¹[−A0 | −U]: ξin = z[:, :n] ξ0 − κ z[:, n:] g.
            var p = op._p.AsSpan(j * n * n, n * n);
            var q2 = op._q.AsSpan(j * n * r, n * r);
            var sm = op._s.AsSpan(j * r * r, r * r);
            var rm = op._rr.AsSpan(j * r * n, r * n);
            int last = (m - 1) * n;
            for (int s = 0; s < n; s++)
            {
                for (int q = 0; q < n; q++) p[s * n + q] = z[q * size + last + s];
                for (int e = 0; e < r; e++) q2[s * r + e] = -z[(n + e) * size + last + s];
            }
            // g = V0ᵀξ0 + V1ᵀξin: the coupled components at the Gauss points.
            for (int c = 0; c < m; c++)
                for (int e = 0; e < nc; e++)
                {
                    int row = c * nc + e, comp = cols[e];
                    for (int q = 0; q < n; q++)
                    {
                        double v = q == comp ? scheme.Basis[c, 0] : 0;
                        for (int k = 1; k <= m; k++) v += scheme.Basis[c, k] * z[q * size + (k - 1) * n + comp];
                        rm[row * n + q] = v;
                    }
                    for (int f = 0; f < r; f++)
                    {
                        double v = 0;
                        for (int k = 1; k <= m; k++) v -= scheme.Basis[c, k] * z[(n + f) * size + (k - 1) * n + comp];
                        sm[row * r + f] = v;
                    }
                }
        }
        // With these signs: (I + κS) g = R ξ0 and ξm = P ξ0 − κ Q g.
        return op;
    }

    /// <summary>Buffers for one thread (real and complex coupling factors).</summary>
    public sealed class Workspace
    {
        internal readonly Buffers<double> Real;
        internal readonly Buffers<Complex> Complex;

        /// <summary>Buffers sized for <paramref name="op"/>; use them with that operator only.</summary>
        public Workspace(CycleTransverseOperator op)
        {
            Real = new Buffers<double>(op._n, op._r);
            Complex = new Buffers<Complex>(op._n, op._r);
        }
    }

    internal sealed class Buffers<T>(int n, int r)
    {
        public readonly T[] K = new T[r * r], X = new T[r * n], Phi = new T[n * n], M = new T[n * n], Tmp = new T[n * n];
    }

    /// <summary>
    /// The monodromy (row-major n × n, scaled by e^<paramref name="logScale"/>) of ξ' = T[J + κ DH]ξ
    /// into <paramref name="w"/>.M. False when an interval's small system was singular or the product overflowed.
    /// </summary>
    bool Monodromy<T>(T kappa, Buffers<T> w, out double logScale) where T : struct, INumberBase<T>
    {
        int n = _n, r = _r;
        var M = w.M;
        Array.Clear(M);
        for (int i = 0; i < n; i++) M[i * n + i] = T.One;
        logScale = 0;
        bool uncoupled = T.IsZero(kappa) || r == 0;
        for (int j = 0; j < _intervals; j++)
        {
            var p = _p.AsSpan(j * n * n, n * n);
            var phi = w.Phi;
            if (uncoupled)
            {
                for (int i = 0; i < n * n; i++) phi[i] = Of<T>(p[i]);
            }
            else
            {
                var s = _s.AsSpan(j * r * r, r * r);
                var rm = _rr.AsSpan(j * r * n, r * n);
                var q = _q.AsSpan(j * n * r, n * r);
                var k = w.K;
                for (int a = 0; a < r; a++)
                    for (int b = 0; b < r; b++) k[a * r + b] = kappa * Of<T>(s[a * r + b]) + (a == b ? T.One : T.Zero);
                for (int i = 0; i < r * n; i++) w.X[i] = Of<T>(rm[i]);
                if (!SolveInPlace(k, w.X, r, n)) return false;
                for (int a = 0; a < n; a++)
                    for (int b = 0; b < n; b++)
                    {
                        T acc = T.Zero;
                        for (int e = 0; e < r; e++) acc += Of<T>(q[a * r + e]) * w.X[e * n + b];
                        phi[a * n + b] = Of<T>(p[a * n + b]) - kappa * acc;
                    }
            }
            var t = w.Tmp;
            double big = 0;
            for (int a = 0; a < n; a++)
                for (int b = 0; b < n; b++)
                {
                    T acc = T.Zero;
                    for (int e = 0; e < n; e++) acc += phi[a * n + e] * M[e * n + b];
                    t[a * n + b] = acc;
                    big = Math.Max(big, Magnitude(acc));
                }
            if (!double.IsFinite(big) || big == 0) return false;
            if (big > 1e100 || big < 1e-100)
            {
                var scale = Of<T>(1 / big);
                for (int i = 0; i < n * n; i++) t[i] *= scale;
                logScale += Math.Log(big);
            }
            Array.Copy(t, M, n * n);
        }
        return true;
    }

    /// <summary>Gaussian elimination with partial pivoting of K (r × r) against the r × c block X, in place.</summary>
    static bool SolveInPlace<T>(T[] k, T[] x, int r, int c) where T : struct, INumberBase<T>
    {
        for (int col = 0; col < r; col++)
        {
            int p = col;
            double best = Magnitude(k[col * r + col]);
            for (int i = col + 1; i < r; i++)
            {
                double v = Magnitude(k[i * r + col]);
                if (v > best) { best = v; p = i; }
            }
            if (best == 0 || !double.IsFinite(best)) return false;
            if (p != col)
            {
                for (int b = 0; b < r; b++) (k[col * r + b], k[p * r + b]) = (k[p * r + b], k[col * r + b]);
                for (int b = 0; b < c; b++) (x[col * c + b], x[p * c + b]) = (x[p * c + b], x[col * c + b]);
            }
            var inv = T.One / k[col * r + col];
            for (int i = col + 1; i < r; i++)
            {
                var f = k[i * r + col] * inv;
                if (T.IsZero(f)) continue;
                for (int b = col + 1; b < r; b++) k[i * r + b] -= f * k[col * r + b];
                for (int b = 0; b < c; b++) x[i * c + b] -= f * x[col * c + b];
            }
        }
        for (int i = r - 1; i >= 0; i--)
        {
            var inv = T.One / k[i * r + i];
            for (int b = 0; b < c; b++)
            {
                var acc = x[i * c + b];
                for (int e = i + 1; e < r; e++) acc -= k[i * r + e] * x[e * c + b];
                x[i * c + b] = acc * inv;
            }
        }
        return true;
    }

    /// <summary>A real number as T (double or Complex), folded by the JIT.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static T Of<T>(double v) where T : struct, INumberBase<T>
    {
        if (typeof(T) == typeof(double)) return Unsafe.As<double, T>(ref v);
        var c = new Complex(v, 0);
        return Unsafe.As<Complex, T>(ref c);
    }

    /// <summary>|Re| + |Im|: a cheap magnitude for pivoting and scaling.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static double Magnitude<T>(T z) where T : struct, INumberBase<T>
    {
        if (typeof(T) == typeof(double)) return Math.Abs(Unsafe.As<T, double>(ref z));
        var c = Unsafe.As<T, Complex>(ref z);
        return Math.Abs(c.Real) + Math.Abs(c.Imaginary);
    }

    /// <summary>The monodromy for κ and its eigenvalues (scaled by e^logScale); null when not computable.</summary>
    Complex[]? ScaledMultipliers(Complex kappa, Workspace w, out double logScale)
    {
        if (kappa.Imaginary == 0)
            return Monodromy(kappa.Real, w.Real, out logScale) ? EigenvaluesOf(w.Real.M) : null;
        return Monodromy(kappa, w.Complex, out logScale) ? EigenvaluesOf(w.Complex.M) : null;
    }

    /// <summary>Eigenvalues of a row-major n × n matrix (real or complex); null when they cannot be computed.</summary>
    Complex[]? EigenvaluesOf<T>(T[] m) where T : struct, INumberBase<T>
        => typeof(T) == typeof(double)
            ? Spectrum.TryEigenvalues(((double[])(object)m).AsSpan(0, _n * _n), _n)
            : Spectrum.TryEigenvalues(((Complex[])(object)m).AsSpan(0, _n * _n), _n);

    /// <summary>
    /// Floquet multipliers of ξ' = T[J + κ DH]ξ (unsorted; NaN when they could not be computed).
    /// κ = ε(Λ − 1) for the network mode Λ; κ = 0 gives the cycle's own multipliers.
    /// </summary>
    public Complex[] Multipliers(Complex kappa, Workspace? workspace = null)
    {
        var ev = ScaledMultipliers(kappa, workspace ?? new Workspace(this), out double logScale);
        if (ev is null) return Enumerable.Repeat(new Complex(double.NaN, double.NaN), _n).ToArray();
        if (logScale != 0)
        {
            double f = Math.Exp(logScale);
            for (int i = 0; i < ev.Length; i++) ev[i] *= f;
        }
        return ev;
    }

    /// <summary>
    /// The dominant Floquet exponent ln|μ|/T + i arg(μ)/T of the mode with coupling factor κ (the
    /// multiplier of largest modulus; among a conjugate pair the one with non-negative argument);
    /// NaN when not computable.
    /// </summary>
    public Complex DominantExponent(Complex kappa, Workspace? workspace = null)
        => Dominant(ScaledMultipliers(kappa, workspace ?? new Workspace(this), out double logScale), logScale);

    /// <summary>ln|μ|/T + i arg(μ)/T of the largest of the scaled multipliers <paramref name="ev"/>.</summary>
    Complex Dominant(Complex[]? ev, double logScale)
    {
        if (ev is null) return new Complex(double.NaN, double.NaN);
        int best = -1;
        for (int i = 0; i < ev.Length; i++)
        {
            if (!double.IsFinite(ev[i].Real) || !double.IsFinite(ev[i].Imaginary)) return new Complex(double.NaN, double.NaN);
            if (best < 0 || ev[i].Magnitude > ev[best].Magnitude
                || (ev[i].Magnitude == ev[best].Magnitude && ev[i].Imaginary > ev[best].Imaginary)) best = i;
        }
        if (ev[best].Magnitude == 0) return new Complex(double.NegativeInfinity, 0);
        return new Complex((Math.Log(ev[best].Magnitude) + logScale) / Period, ev[best].Phase / Period);
    }

    /// <summary>
    /// The largest real Floquet exponent ln ρ(M)/T of the mode with real coupling factor κ — or,
    /// when a cheap upper bound on it is already below <paramref name="needAbove"/>, that bound
    /// (<paramref name="exact"/> false): enough to know that the mode decays and is not the largest.
    /// The bound is ln‖M^256‖∞/256T ≥ ln ρ(M)/T, from eight normalised squarings of M, a fraction of the
    /// cost of its eigenvalues. NaN when not computable.
    /// </summary>
    public double RealGrowth(double kappa, Workspace workspace, double needAbove, out bool exact)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        exact = true;
        var w = workspace.Real;
        if (!Monodromy(kappa, w, out double logScale)) return double.NaN;
        if (needAbove > double.NegativeInfinity)
        {
            double bound = LogNormOfPower(w.M, w.Tmp, w.Phi, Squarings) / (1 << Squarings);
            bound = (bound + logScale) / Period;
            if (bound < needAbove)
            {
                exact = false;
                return bound;
            }
        }
        return Dominant(EigenvaluesOf(w.M), logScale).Real;
    }

    const int Squarings = 8;

    /// <summary>
    /// ln‖M^(2^k)‖∞ by k normalised squarings (‖·‖∞ is submultiplicative, so ‖M^j‖^(1/j) ≥ ρ(M));
    /// +∞ when a norm is not finite or zero (no bound). <paramref name="a"/> and <paramref name="b"/> are scratch.
    /// </summary>
    double LogNormOfPower(double[] m, double[] a, double[] b, int k)
    {
        int n = _n;
        Array.Copy(m, a, n * n);
        double log = 0; // ln‖A_i‖ with A_0 = M, A_(i+1) = A_i²: ln‖A_(i+1)‖ = 2 ln‖A_i‖ + ln‖(A_i/‖A_i‖)²‖
        for (int i = 0; ; i++)
        {
            double norm = 0;
            for (int r = 0; r < n; r++)
            {
                double row = 0;
                for (int c = 0; c < n; c++) row += Math.Abs(a[r * n + c]);
                norm = Math.Max(norm, row);
            }
            if (!(norm > 0) || !double.IsFinite(norm)) return double.PositiveInfinity;
            log += Math.Log(norm);
            if (i == k) return log;
            for (int e = 0; e < n * n; e++) a[e] /= norm;
            for (int r = 0; r < n; r++)
                for (int c = 0; c < n; c++)
                {
                    double acc = 0;
                    for (int e = 0; e < n; e++) acc += a[r * n + e] * a[e * n + c];
                    b[r * n + c] = acc;
                }
            Array.Copy(b, a, n * n);
            log *= 2;
        }
    }
}
