using System.Globalization;
using System.Numerics;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Systems;
using MathNet.Numerics.LinearAlgebra;

namespace Continuation.Codim2;

/// <summary>
/// Neimark–Sacker (torus) bifurcations of cycles continued in two parameters by the standard
/// augmented boundary-value problem of three times the state dimension, discretised by the same
/// collocation as the cycles and solved by the same structured solver (the extra unknowns are
/// node values and globals; the extra conditions are boundary and border rows):
/// <code>
/// u' = T f(u, p),  v_r' = T f_u(u, p) v_r,  v_i' = T f_u(u, p) v_i          on [0, 1]
/// u(1) = u(0),  v(1) = e^{iθ} v(0):  v_r(1) = cos θ v_r(0) − sin θ v_i(0),  v_i(1) = sin θ v_r(0) + cos θ v_i(0)
/// ∫⟨u − ũ, ũ'⟩ = 0,  ∫|v_r|² + |v_i|² = 1,  ∫⟨v_i, ṽ_r⟩ − ⟨v_r, ṽ_i⟩ = 0
/// </code>
/// v = v_r + i v_i is the Floquet solution of the multiplier e^{iθ} on the unit circle; the last
/// condition (Im⟨ṽ, v⟩ = 0 against the previous point) fixes its complex phase. Unknowns: the node
/// values of (u, v_r, v_i), T, θ and the two parameters (the first last).
/// Codimension-two points along the curve: the strong resonances R1 (θ = 0: the curve meets a
/// fold-of-cycles curve; ends), R2 (θ = π: meets a period-doubling curve; ends), R3 (θ = 2π/3) and
/// R4 (θ = π/2); LPNS and PDNS where another multiplier of the cycle passes +1 or −1. The other
/// multipliers come from the u-block of the monodromy of the same factorisation (the u-equations
/// do not involve v, so the discrete monodromy is block lower triangular): no extra solve.
/// Chenciner points (CH) where the torus normal-form coefficient changes sign (not tested where sin θ ≤ 0.05).
/// </summary>
/// <remarks>
/// Doedel, Keller, Kernévez, Int. J. Bifurcation and Chaos 1 (1991), part II, section 6 (AUTO-07p
/// ISW = 2 for torus bifurcations); Kuznetsov, Elements of Applied Bifurcation Theory, ch. 9 for the
/// codimension-two bifurcations of the Poincaré map (strong resonances, fold–NS, flip–NS).
/// </remarks>
internal sealed class NeimarkSackerCurveProblem : AugmentedCycleProblem
{
    static readonly PointKind[] Kinds = [PointKind.R1, PointKind.R2, PointKind.R3, PointKind.R4, PointKind.LPNS, PointKind.PDNS, PointKind.EP, PointKind.CH];
    readonly int _iTheta;
    readonly double[] _vReference, _nodeWeights;

    /// <param name="system">The model.</param>
    /// <param name="parameters">Every model parameter at the start (the two continued ones included).</param>
    /// <param name="first">Index of the first continued parameter (the primary one of the driver).</param>
    /// <param name="second">Index of the second continued parameter.</param>
    /// <param name="mesh">The discretisation of the start cycle.</param>
    /// <param name="options">Collocation settings.</param>
    public NeimarkSackerCurveProblem(OdeSystem system, ReadOnlySpan<double> parameters, int first, int second, CycleMesh mesh, CollocationOptions options)
        : base(system, parameters, first != second ? first : throw new ArgumentException("the two parameters must differ"), second, mesh, options, copies: 2, globals: 4)
    {
        _iTheta = _iT + 1;
        _vReference = new double[2 * _n * _nodes];
        _nodeWeights = new double[_nodes];
        NodeWeights();
    }

    /// <summary>Index in x of the rotation angle θ of the critical multipliers e^{±iθ}.</summary>
    public int AngleComponent => _iTheta;
    /// <summary>R1, R2, R3, R4, LPNS, PDNS, the end where the cycles shrink to an equilibrium (EP), and CH, in that order.</summary>
    public override IReadOnlyList<PointKind> TestFunctionKinds => Kinds;

    /// <summary>
    /// The start (u, v_r, v_i, T, θ, p2, p1) from a cycle's unknowns (u nodes, T, value of the first
    /// parameter) on <see cref="Mesh"/>, the real and imaginary parts of the Floquet solution of the
    /// multiplier e^{iθ} (node values, n per node) and θ; v is normalised here.
    /// </summary>
    public double[] Start(ReadOnlySpan<double> cycle, ReadOnlySpan<double> vr, ReadOnlySpan<double> vi, double theta)
    {
        int n = _n, n3 = _stride;
        var x = new double[Dimension];
        for (int i = 0; i < _nodes; i++)
        {
            cycle.Slice(i * n, n).CopyTo(x.AsSpan(i * n3, n));
            vr.Slice(i * n, n).CopyTo(x.AsSpan(i * n3 + n, n));
            vi.Slice(i * n, n).CopyTo(x.AsSpan(i * n3 + 2 * n, n));
        }
        x[_iT] = cycle[n * _nodes];
        x[_iTheta] = theta;
        x[_iP1] = _p[_first];
        x[_iP2] = _p[_second];
        double norm = Math.Sqrt(VNormSquared(x));
        if (!(norm > 0) || !double.IsFinite(norm)) throw new ArgumentException("the Floquet solution of the critical multipliers is zero or not finite");
        for (int i = 0; i < _nodes; i++) for (int s = n; s < n3; s++) x[i * n3 + s] /= norm;
        Accept(x);
        return x;
    }

    /// <summary>Quadrature weight of each node in ∫ dt (shared mesh nodes get both sides).</summary>
    void NodeWeights()
    {
        Array.Clear(_nodeWeights);
        var scheme = Mesh.Scheme;
        var mesh = Mesh.Mesh;
        for (int j = 0; j < _N; j++)
        {
            double h = mesh[j + 1] - mesh[j];
            for (int k = 0; k <= _m; k++) _nodeWeights[j * _m + k] += h * scheme.NodeWeights[k];
        }
    }

    private protected override void MeshAdapted() => NodeWeights();

    /// <summary>∫|v_r|² + |v_i|² dt.</summary>
    double VNormSquared(ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < _nodes; i++)
        {
            double local = 0;
            for (int s = _n; s < _stride; s++) local += x[i * _stride + s] * x[i * _stride + s];
            sum += _nodeWeights[i] * local;
        }
        return sum;
    }

    /// <summary>∫⟨v_i, ṽ_r⟩ − ⟨v_r, ṽ_i⟩ dt = Im⟨ṽ, v⟩.</summary>
    double VPhase(ReadOnlySpan<double> x)
    {
        double sum = 0;
        int n = _n, n3 = _stride;
        for (int i = 0; i < _nodes; i++)
        {
            double local = 0;
            for (int s = 0; s < n; s++)
                local += x[i * n3 + 2 * n + s] * _vReference[i * 2 * n + s] - x[i * n3 + n + s] * _vReference[i * 2 * n + n + s];
            sum += _nodeWeights[i] * local;
        }
        return sum;
    }

    /// <summary>v_r' − T f_u v_r and v_i' − T f_u v_i.</summary>
    private protected override void VariationalResidual(Worker w, ReadOnlySpan<double> x, Span<double> rows)
    {
        double T = x[_iT];
        int n = _n;
        for (int s = 0; s < n; s++)
        {
            rows[n + s] = w.Dv[0][s] - T * w.Jv[0][s];
            rows[2 * n + s] = w.Dv[1][s] - T * w.Jv[1][s];
        }
    }

    /// <summary>v(1) = e^{iθ} v(0); ∫|v_r|² + |v_i|² − 1 and Im⟨ṽ, v⟩.</summary>
    private protected override void ConditionResidual(ReadOnlySpan<double> x, Span<double> boundary, Span<double> integral)
    {
        int n = _n, last = _iT - _stride;
        double cos = Math.Cos(x[_iTheta]), sin = Math.Sin(x[_iTheta]);
        for (int s = 0; s < n; s++)
        {
            double vr0 = x[n + s], vi0 = x[2 * n + s];
            boundary[n + s] = cos * vr0 - sin * vi0 - x[last + n + s];
            boundary[2 * n + s] = sin * vr0 + cos * vi0 - x[last + 2 * n + s];
        }
        integral[0] = VNormSquared(x) - 1;
        integral[1] = VPhase(x);
    }

    private protected override void VariationalRows(Worker w, ReadOnlySpan<double> x, int c, double h, Span<double> block)
    {
        var scheme = Mesh.Scheme;
        double T = x[_iT];
        int n = _n, n3 = _stride, m = _m, cols = _solver.IntervalStride;
        // Globals: T, θ, p2, p1; θ enters the boundary rows only (its column stays zero here).
        int gT = GlobalColumn(0), gP2 = GlobalColumn(2), gP1 = GlobalColumn(3);
        var mr = w.M[0];
        var mi = w.M[1];
        // Each v-row leaves the other part of v and the θ column zero.
        block.Slice((c * n3 + n) * cols, 2 * n * cols).Clear();
        for (int k = 0; k <= m; k++)
        {
            int col0 = NodeColumn(k);
            double d = scheme.BasisDerivative[c, k] / h, tb = T * scheme.Basis[c, k];
            for (int s = 0; s < n; s++)
            {
                var rr = block.Slice((c * n3 + n + s) * cols, cols);
                var ri = block.Slice((c * n3 + 2 * n + s) * cols, cols);
                for (int q = 0; q < n; q++)
                {
                    double jsq = tb * w.Jac[s * n + q];
                    rr[col0 + q] = -tb * mr[s * n + q];
                    rr[col0 + n + q] = -jsq;
                    ri[col0 + q] = -tb * mi[s * n + q];
                    ri[col0 + 2 * n + q] = -jsq;
                }
                rr[col0 + n + s] += d;
                ri[col0 + 2 * n + s] += d;
            }
        }
        for (int s = 0; s < n; s++)
        {
            var rr = block.Slice((c * n3 + n + s) * cols, cols);
            var ri = block.Slice((c * n3 + 2 * n + s) * cols, cols);
            rr[gT] = -w.Jv[0][s]; ri[gT] = -w.Jv[1][s];
            rr[gP2] = -T * w.Jvp2[0][s]; ri[gP2] = -T * w.Jvp2[1][s];
            rr[gP1] = -T * w.Jvp1[0][s]; ri[gP1] = -T * w.Jvp1[1][s];
        }
    }

    private protected override void LinearizeConditions(ReadOnlySpan<double> x, Span<double> boundary, Span<double> border)
    {
        int n = _n, n3 = _stride, bcols = BoundaryColumns, gTheta = 2 * n3 + 1;
        double cos = Math.Cos(x[_iTheta]), sin = Math.Sin(x[_iTheta]);
        for (int s = 0; s < n; s++)
        {
            double vr0 = x[n + s], vi0 = x[2 * n + s];
            var rr = boundary.Slice((n + s) * bcols, bcols);
            rr[n + s] = cos; rr[2 * n + s] = -sin; rr[n3 + n + s] = -1; rr[gTheta] = -sin * vr0 - cos * vi0;
            var ri = boundary.Slice((2 * n + s) * bcols, bcols);
            ri[n + s] = sin; ri[2 * n + s] = cos; ri[n3 + 2 * n + s] = -1; ri[gTheta] = cos * vr0 - sin * vi0;
        }
        int total = Dimension;
        var normRow = border.Slice(total, total);
        var vPhaseRow = border.Slice(2 * total, total);
        for (int i = 0; i < _nodes; i++)
        {
            double wgt = _nodeWeights[i];
            for (int s = 0; s < n; s++)
            {
                int off = i * n3;
                normRow[off + n + s] = 2 * wgt * x[off + n + s];
                normRow[off + 2 * n + s] = 2 * wgt * x[off + 2 * n + s];
                vPhaseRow[off + n + s] = -wgt * _vReference[i * 2 * n + n + s];
                vPhaseRow[off + 2 * n + s] = wgt * _vReference[i * 2 * n + s];
            }
        }
    }

    /// <summary>Takes v as the reference ṽ of the complex phase condition, then the u-part as the cycle's.</summary>
    public override void Accept(ReadOnlySpan<double> x)
    {
        int n = _n;
        for (int i = 0; i < _nodes; i++) x.Slice(i * _stride + n, 2 * n).CopyTo(_vReference.AsSpan(i * 2 * n, 2 * n));
        base.Accept(x);
    }

    /// <summary>Quadrature weights on the u-part, the period weight on T, 1 on θ and the two parameters.</summary>
    public override void FillWeights(Span<double> weights)
    {
        base.FillWeights(weights);
        // θ counts like a parameter: at R1 and R2 the parameters turn back while θ passes through 0 or π.
        weights[_iTheta] = 1;
    }

    /// <summary>The two parameters, the period, θ, then the range of each state variable.</summary>
    public override double[] Signature(ReadOnlySpan<double> x) => Profiles.Signature(x, _nodes, _stride, _n, [x[_iP1], x[_iP2], x[_iT], x[_iTheta]]);

    /// <summary>Turning points of the curve in a parameter are not bifurcations.</summary>
    public override PointKind Reclassify(PointKind kind, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, ref SpecialPointDetails? details)
        => PointKind.Regular;

    /// <summary>Indices of the critical pair e^{±iθ} and of the trivial multiplier among the others.</summary>
    static (int Plus, int Minus, int Trivial) Classify(Complex[] mu, double theta)
    {
        var plus = Complex.FromPolarCoordinates(1, theta);
        int a = -1, b = -1, t = -1;
        for (int i = 0; i < mu.Length; i++) if (a < 0 || (mu[i] - plus).Magnitude < (mu[a] - plus).Magnitude) a = i;
        for (int i = 0; i < mu.Length; i++)
            if (i != a && (b < 0 || (mu[i] - Complex.Conjugate(plus)).Magnitude < (mu[b] - Complex.Conjugate(plus)).Magnitude)) b = i;
        for (int i = 0; i < mu.Length; i++)
            if (i != a && i != b && (t < 0 || (mu[i] - 1).Magnitude < (mu[t] - 1).Magnitude)) t = i;
        return (a, b, t);
    }

    /// <remarks>The strong resonances by the angle itself (radians): R1 |θ| mod 2π, R2 |θ − π|, R3 |θ − 2π/3|, R4 |θ − π/2| (each the nearer of θ and 2π − θ).</remarks>
    public override double? DefiningResidual(PointKind kind, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, PointAnalysis analysis)
    {
        double theta = Math.IEEERemainder(x[_iTheta], 2 * Math.PI); // in [−π, π]
        double a = Math.Abs(theta);
        return kind switch
        {
            PointKind.R1 => a,
            PointKind.R2 => Math.PI - a,
            PointKind.R3 => Math.Abs(a - 2 * Math.PI / 3),
            PointKind.R4 => Math.Abs(a - Math.PI / 2),
            _ => null,
        };
    }

    /// <summary>
    /// The multipliers from the u-block of the monodromy of the last factorisation (so called right after
    /// Factor at x), stability from those other than the trivial one and the critical pair; test values:
    /// sin(θ/2), cos(θ/2), cos θ + 1/2, cos θ (R1 … R4), p'(1) = Π (1 − μ_i) over the nontrivial multipliers
    /// (LPNS), Re Π (μ_i + 1) over the others (PDNS), amplitude minus a tenth of the largest so far (end),
    /// and the torus's normal-form coefficient (CH; NaN where sin θ ≤ 0.05).
    /// </summary>
    public override PointAnalysis Analyze(ReadOnlySpan<double> x, Span<double> testValues)
    {
        // Called right after Factor at the same x: the solver holds the monodromy.
        var monodromy = CycleMonodromy();
        var mu = FloquetTests.Multipliers(monodromy, _n);
        double theta = x[_iTheta];
        var (plus, minus, trivial) = Classify(mu, theta);
        int unstable = 0;
        Complex pd = 1;
        double scale = 1;
        for (int i = 0; i < mu.Length; i++)
        {
            if (i == trivial) continue;
            scale *= 1 + mu[i].Magnitude;
            if (i == plus || i == minus) continue;
            if (mu[i].Magnitude > 1) unstable++;
            pd *= (mu[i] + 1) / (1 + mu[i].Magnitude);
        }
        testValues[0] = Math.Sin(theta / 2);
        testValues[1] = Math.Cos(theta / 2);
        testValues[2] = Math.Cos(theta) + 0.5;
        testValues[3] = Math.Cos(theta);
        // Π(1 − μ_i) over the non-trivial multipliers: the critical pair contributes 2 − 2cos θ > 0,
        // so the sign changes where another real multiplier passes +1.
        testValues[4] = FloquetTests.CharacteristicTaylor(monodromy, _n, 1, 1) / scale;
        testValues[5] = pd.Real;
        testValues[6] = Amplitude(x) - 0.1 * _largestAmplitude;
        // The torus's normal-form coefficient (periodic normalisation; NaN near the strong resonances, where it is not defined).
        testValues[7] = Math.Sin(theta) > 0.05
            ? PeriodicNormalization.NeimarkSacker(System, ParametersAt(x), Mesh, CycleProfile(x), x[_iT], monodromy, Math.Abs(theta))
            : double.NaN;
        return new PointAnalysis(unstable == 0, unstable, mu);
    }

    /// <summary>
    /// R1, R2 and the shrinking cycle end the branch; R3, R4 and CH as located; LPNS and PDNS only where
    /// another multiplier lies within 10⁻³ of +1 or −1 (else null).
    /// </summary>
    public override SpecialPointDetails? Describe(int testFunction, ReadOnlySpan<double> x, PointAnalysis analysis)
    {
        double T = x[_iT], theta = x[_iTheta];
        string angle = "theta = " + theta.ToString("G8", CultureInfo.InvariantCulture);
        var mu = analysis.Spectrum;
        switch (Kinds[testFunction])
        {
            case PointKind.R1:
                return new SpecialPointDetails(Period: T, EndsBranch: true,
                    Note: $"1:1 resonance (R1): {angle}, the critical multipliers meet at +1; the torus curve meets a fold-of-cycles curve and continues as neutral-saddle cycles (not followed)");
            case PointKind.R2:
                return new SpecialPointDetails(Period: T, EndsBranch: true,
                    Note: $"1:2 resonance (R2): {angle}, the critical multipliers meet at -1; the torus curve meets a period-doubling curve and continues as neutral-saddle cycles (not followed)");
            case PointKind.R3:
                return new SpecialPointDetails(Period: T, Note: $"1:3 resonance (R3): {angle} (2pi/3)");
            case PointKind.R4:
                return new SpecialPointDetails(Period: T, Note: $"1:4 resonance (R4): {angle} (pi/2)");
            case PointKind.LPNS:
            {
                var (plus, minus, trivial) = Classify(mu, theta);
                int other = -1;
                for (int i = 0; i < mu.Length; i++)
                    if (i != plus && i != minus && i != trivial && (other < 0 || (mu[i] - 1).Magnitude < (mu[other] - 1).Magnitude)) other = i;
                if (other < 0 || (mu[other] - 1).Magnitude > 1e-3) return null;
                return new SpecialPointDetails(Period: T,
                    Note: $"fold-Neimark-Sacker (LPNS): a second multiplier at +1, {angle}; the torus curve touches a fold-of-cycles curve");
            }
            case PointKind.PDNS:
            {
                var (plus, minus, trivial) = Classify(mu, theta);
                int best = -1;
                for (int i = 0; i < mu.Length; i++)
                    if (i != plus && i != minus && i != trivial && (best < 0 || (mu[i] + 1).Magnitude < (mu[best] + 1).Magnitude)) best = i;
                if (best < 0 || Math.Abs(mu[best].Imaginary) > 1e-6 || (mu[best] + 1).Magnitude > 1e-3) return null;
                return new SpecialPointDetails(Period: T,
                    Note: $"flip-Neimark-Sacker (PDNS): a multiplier at -1, {angle}; the torus curve crosses a period-doubling curve");
            }
            case PointKind.CH:
                return new SpecialPointDetails(Period: T,
                    Note: $"Chenciner (CH): the torus's normal-form coefficient vanishes, {angle}; the torus bifurcation changes between super- and subcritical here");
            default:
                // The torus pair e^{±iθ} of a vanishing cycle is e^{±i T ω2} of a second imaginary pair ±iω2
                // of the equilibrium (a double-Hopf point), or, as θ → 0, of a zero eigenvalue (zero-Hopf).
                return new SpecialPointDetails(Period: T, EndsBranch: true,
                    Note: Math.Abs(Math.IEEERemainder(theta, 2 * Math.PI)) < 0.1
                        ? $"the cycles shrink to an equilibrium with {angle}: towards a zero-Hopf point of the equilibria"
                        : $"the cycles shrink to an equilibrium with {angle}: towards a double-Hopf point of the equilibria");
        }
    }

    /// <summary>
    /// The critical Floquet data of a cycle at a Neimark–Sacker point: the multiplier e^{iθ}
    /// (0 &lt; θ &lt; π) of the complex pair closest to the unit circle, and the solution
    /// v = v_r + i v_i of the variational equation from its eigenvector (node values on the cycle's
    /// mesh), so that v(1) = e^{iθ} v(0). Computed with the cycle problem's structured solver.
    /// </summary>
    /// <exception cref="ArgumentException">The cycle has no complex pair of multipliers near the unit circle.</exception>
    public static (double[] Vr, double[] Vi, double Theta) CriticalFloquetSolution(PeriodicOrbitProblem cycle, ReadOnlySpan<double> unknowns)
    {
        int n = cycle.System.Dimension;
        var mono = cycle.Monodromy(unknowns);
        var ev = Algebra.Spectrum.TryEigenvalues(mono.AsSpan(0, n * n), n)
            ?? throw new ArgumentException("the Floquet multipliers at the torus point could not be computed");
        int best = -1;
        for (int i = 0; i < n; i++)
        {
            if (!(ev[i].Imaginary > 1e-8 * (1 + ev[i].Magnitude))) continue;
            if (best < 0 || Math.Abs(ev[i].Magnitude - 1) < Math.Abs(ev[best].Magnitude - 1)) best = i;
        }
        if (best < 0 || Math.Abs(ev[best].Magnitude - 1) > 0.05)
            throw new ArgumentException($"the cycle has no complex pair of Floquet multipliers on the unit circle (multipliers {PeriodicOrbitProblem.Format(ev.ToArray())}): not a Neimark-Sacker point");
        var mu = ev[best];
        // The eigenvector: the right singular vector of M − μI of the smallest singular value.
        var m = Matrix<double>.Build.Dense(n, n, (i, j) => mono[i * n + j]);
        var shifted = m.ToComplex() - Matrix<Complex>.Build.DenseIdentity(n) * mu;
        var w = shifted.Svd(true).VT.Row(n - 1).Conjugate().ToArray();
        var vr = cycle.Variation(unknowns, w.Select(c => c.Real).ToArray());
        var vi = cycle.Variation(unknowns, w.Select(c => c.Imaginary).ToArray());
        return (vr, vi, mu.Phase);
    }
}
