using System.Numerics;
using Continuation.Algebra;
using Continuation.Pathfollowing;
using Continuation.Systems;
using MathNet.Numerics.LinearAlgebra;

namespace Continuation.Equilibria;

/// <summary>
/// Equilibria f(u, p) = 0 of an ODE system as a continuation problem in one named parameter:
/// unknowns x = (u, p_k). Detects Hopf points through the test function
/// Π_{i&lt;j} (λ_i + λ_j) (the determinant of the bialternate product 2A⊙I, computed from the
/// eigenvalues), which also vanishes at neutral saddles; those are rejected in <see cref="Describe"/>.
/// </summary>
/// <remarks>Govaerts, Numerical Methods for Bifurcations of Dynamical Equilibria (SIAM 2000), ch. 4.</remarks>
internal sealed class EquilibriumProblem : IContinuationProblem
{
    static readonly PointKind[] Kinds = [PointKind.HB];
    readonly Derivatives _derivatives;
    readonly int _n;
    readonly double[] _p, _jac, _column;
    readonly DenseLu _lu;

    /// <param name="system">The ODE system.</param>
    /// <param name="parameters">The full parameter vector; the continued entry is overwritten from x.</param>
    /// <param name="parameter">Index of the continued parameter.</param>
    public EquilibriumProblem(OdeSystem system, ReadOnlySpan<double> parameters, int parameter)
    {
        if (parameter < 0 || parameter >= system.Parameters.Count) throw new ArgumentOutOfRangeException(nameof(parameter));
        System = system;
        Parameter = parameter;
        _derivatives = new Derivatives(system);
        _n = system.Dimension;
        _p = parameters.ToArray();
        _jac = new double[_n * _n];
        _column = new double[_n];
        _lu = new DenseLu(_n + 1);
    }

    /// <summary>The ODE system.</summary>
    public OdeSystem System { get; }

    /// <summary>Index of the continued parameter.</summary>
    public int Parameter { get; }

    /// <summary>Number of unknowns n + 1: the state u and the continued parameter.</summary>
    public int Dimension => _n + 1;
    /// <summary>Index n: the continued parameter is the last unknown.</summary>
    public int ParameterComponent => _n;
    /// <inheritdoc/>
    public int DeterminantSign => _lu.DeterminantSign;
    /// <inheritdoc/>
    public double LogAbsDeterminant => _lu.LogAbsDeterminant;
    /// <summary>One test function, for Hopf points (HB).</summary>
    public IReadOnlyList<PointKind> TestFunctionKinds => Kinds;

    /// <summary>The unknown vector for state u at parameter value λ.</summary>
    public double[] Pack(ReadOnlySpan<double> u, double lambda)
    {
        var x = new double[_n + 1];
        u.CopyTo(x);
        x[_n] = lambda;
        return x;
    }

    /// <summary>The full parameter vector at unknowns x.</summary>
    public double[] ParametersAt(ReadOnlySpan<double> x)
    {
        var p = (double[])_p.Clone();
        p[Parameter] = x[_n];
        return p;
    }

    /// <summary>f(u, p) into r (length n). Returns false if any value is not finite.</summary>
    public bool Residual(ReadOnlySpan<double> x, Span<double> r)
    {
        _p[Parameter] = x[_n];
        _derivatives.Evaluate(x[.._n], _p, r[.._n]);
        for (int i = 0; i < _n; i++) if (!double.IsFinite(r[i])) return false;
        return true;
    }

    /// <summary>Linearises at x and factors the bordered matrix [f_u f_p; borderᵀ] (dense LU of order n + 1).</summary>
    public Linearization Factor(ReadOnlySpan<double> x, ReadOnlySpan<double> border)
    {
        int n = _n, m = n + 1;
        _p[Parameter] = x[n];
        var u = x[..n];
        _derivatives.StateJacobian(u, _p, _jac);
        _derivatives.ParameterDerivative(u, _p, Parameter, _column);
        var a = _lu.Matrix;
        for (int i = 0; i < n; i++)
        {
            _jac.AsSpan(i * n, n).CopyTo(a.Slice(i * m, n));
            a[i * m + n] = _column[i];
        }
        border.CopyTo(a.Slice(n * m, m));
        foreach (var v in a) if (!double.IsFinite(v)) return Linearization.NonFinite;
        return _lu.Factor() ? Linearization.Factored : Linearization.Singular;
    }

    /// <inheritdoc/>
    public void Solve(Span<double> rhs) => _lu.Solve(rhs);

    /// <summary>Does nothing: an equilibrium problem has no phase condition or mesh to update.</summary>
    public void Accept(ReadOnlySpan<double> x) { }

    /// <summary>The state Jacobian at x (row-major), freshly allocated.</summary>
    public double[] Jacobian(ReadOnlySpan<double> x)
    {
        var jac = new double[_n * _n];
        _p[Parameter] = x[_n];
        _derivatives.StateJacobian(x[.._n], _p, jac);
        return jac;
    }

    /// <summary>Eigenvalues of the Jacobian at x, sorted by decreasing real part.</summary>
    public Complex[] Eigenvalues(ReadOnlySpan<double> x) => EigenvaluesOf(Jacobian(x), _n);

    /// <summary>The eigenvalues of the row-major n × n <paramref name="jac"/>, sorted by decreasing real part; NaN when they cannot be computed (<see cref="Algebra.Spectrum"/>).</summary>
    internal static Complex[] EigenvaluesOf(double[] jac, int n)
    {
        var ev = Algebra.Spectrum.TryEigenvalues(jac, n) ?? Enumerable.Repeat(new Complex(double.NaN, double.NaN), n).ToArray();
        Array.Sort(ev, (x, y) => y.Real.CompareTo(x.Real));
        return ev;
    }

    /// <summary>Why the stability of a point whose eigenvalues could not be computed is unknown.</summary>
    public const string EigenvaluesFailed = "eigenvalues not computed (neither the Hessenberg QR nor the QZ iteration converged, or the Jacobian is not finite); no Hopf point is read off them there";

    /// <summary>
    /// The eigenvalues of f_u at x (decreasing real part) as spectrum and exponents, stability from their
    /// signs, and the Hopf test function Π_{i&lt;j} (λ_i + λ_j) into <paramref name="testValues"/>[0]. When the
    /// eigenvalues cannot be computed the analysis is <see cref="PointAnalysis.Unreliable"/> and the test value NaN.
    /// </summary>
    public PointAnalysis Analyze(ReadOnlySpan<double> x, Span<double> testValues)
    {
        var ev = Eigenvalues(x);
        if (ev.Length > 0 && double.IsNaN(ev[0].Real))
        {
            testValues[0] = double.NaN;
            return new PointAnalysis(false, 0, ev) { Unreliable = true, UnknownBecause = EigenvaluesFailed };
        }
        testValues[0] = HopfTest(ev);
        var signature = SignatureOf(ev);
        return new PointAnalysis(signature.Unstable == 0, signature.Unstable, ev, signature) { Exponents = ev.Select(l => l.Real).ToArray() };
    }

    /// <summary>Eigenvalues with positive real part (and the real ones among them); marginal when one lies on the imaginary axis to rounding.</summary>
    internal static StabilitySignature SignatureOf(Complex[] ev)
    {
        int unstable = 0, real = 0;
        bool marginal = false;
        double scale = 0;
        foreach (var l in ev) scale = Math.Max(scale, l.Magnitude);
        foreach (var l in ev)
        {
            if (Math.Abs(l.Real) <= 1e-10 * (1 + scale)) marginal = true;
            if (!(l.Real > 0)) continue;
            unstable++;
            if (Math.Abs(l.Imaginary) <= 1e-12 * (1 + l.Magnitude)) real++;
        }
        return new StabilitySignature(unstable, real, 0, marginal);
    }

    /// <summary>
    /// The size of the extended Jacobian [f_u f_p] at x and 10⁻³ along the branch either side: the
    /// scale of the defining conditions of folds and branch points (at a pitchfork approached along its
    /// parabola, or for n = 1, the extended Jacobian vanishes at the point itself).
    /// </summary>
    double LocalScale(ReadOnlySpan<double> x, ReadOnlySpan<double> tangent)
    {
        int n = _n;
        double scale = ExtendedSingularValues(x)[0];
        double delta = 1e-3 * (1 + Math.Abs(x[n]));
        foreach (int sign in new[] { -1, 1 })
        {
            var shifted = x.ToArray();
            for (int i = 0; i <= n; i++) shifted[i] += sign * delta * tangent[i];
            scale = Math.Max(scale, ExtendedSingularValues(shifted)[0]);
        }
        return scale;
    }

    /// <summary>Singular values (largest first) of the extended Jacobian [f_u f_p] at x.</summary>
    double[] ExtendedSingularValues(ReadOnlySpan<double> x)
    {
        int n = _n;
        var jac = Jacobian(x);
        _derivatives.ParameterDerivative(x[..n], _p, Parameter, _column);
        return Matrix<double>.Build.Dense(n, n + 1, (i, j) => j < n ? jac[i * n + j] : _column[i]).Svd(false).S.ToArray();
    }

    /// <remarks>
    /// LP: σ_min(f_u), BP: σ_min of the extended Jacobian [f_u f_p] (rank n − 1 at a branch point),
    /// both relative to <see cref="LocalScale"/>; HB:
    /// |Re λ|/|λ| of the pair closest to the imaginary axis.
    /// </remarks>
    public double? DefiningResidual(PointKind kind, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, PointAnalysis analysis)
    {
        int n = _n;
        switch (kind)
        {
            case PointKind.LP:
            {
                double scale = LocalScale(x, tangent);
                var jac = Jacobian(x);
                var s = Matrix<double>.Build.Dense(n, n, (i, j) => jac[i * n + j]).Svd(false).S;
                return scale > 0 ? s[n - 1] / scale : 0;
            }
            case PointKind.BP:
            {
                double scale = LocalScale(x, tangent);
                return scale > 0 ? ExtendedSingularValues(x)[n - 1] / scale : 0;
            }
            case PointKind.HB:
            {
                var ev = analysis.Spectrum;
                double best = double.PositiveInfinity;
                foreach (var l in ev)
                    if (l.Imaginary > 0) best = Math.Min(best, Math.Abs(l.Real) / l.Magnitude);
                return best;
            }
            default: return null;
        }
    }

    /// <summary>Π_{i&lt;j} (λ_i + λ_j) with each factor scaled by 1 + |λ_i| + |λ_j| to stay in range.</summary>
    static double HopfTest(Complex[] ev)
    {
        Complex prod = 1;
        for (int i = 0; i < ev.Length; i++)
            for (int j = i + 1; j < ev.Length; j++)
                prod *= (ev[i] + ev[j]) / (1 + ev[i].Magnitude + ev[j].Magnitude);
        return prod.Real;
    }

    /// <summary>
    /// Confirms a Hopf point: the two eigenvalues whose sum is smallest must be a complex-conjugate pair ±iω,
    /// else (a neutral saddle, real ±μ) null. Returns ω, the period 2π/ω and the first Lyapunov
    /// coefficient, noted supercritical (l1 &lt; 0) or subcritical (l1 &gt; 0).
    /// </summary>
    public SpecialPointDetails? Describe(int testFunction, ReadOnlySpan<double> x, PointAnalysis analysis)
    {
        var ev = analysis.Spectrum;
        int bi = -1, bj = -1;
        double best = double.PositiveInfinity;
        for (int i = 0; i < ev.Length; i++)
            for (int j = i + 1; j < ev.Length; j++)
            {
                double v = (ev[i] + ev[j]).Magnitude / (1 + ev[i].Magnitude + ev[j].Magnitude);
                if (v < best) { best = v; bi = i; bj = j; }
            }
        if (bi < 0) return null;
        double omega = Math.Abs(ev[bi].Imaginary);
        bool complexPair = omega > 1e-7 * (1 + ev[bi].Magnitude)
            && (ev[bi] - Complex.Conjugate(ev[bj])).Magnitude <= 1e-6 * (1 + ev[bi].Magnitude);
        if (!complexPair) return null; // neutral saddle: a real pair ±μ, not a Hopf point
        var jac = Jacobian(x);
        var p = ParametersAt(x);
        double l1 = HopfCoefficients.FirstLyapunov(_derivatives, x[.._n], p, jac, omega);
        string note = l1 < 0 ? "supercritical" : l1 > 0 ? "subcritical" : "degenerate";
        return new SpecialPointDetails(Omega: omega, Period: 2 * Math.PI / omega, FirstLyapunov: l1, Note: note);
    }
}
