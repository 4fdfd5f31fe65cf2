using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Systems;

namespace Continuation.Codim2;

/// <summary>
/// Folds of cycles (LPC) and period doublings (PD) continued in two parameters by standard
/// augmented boundary-value problems of twice the state dimension, discretised by the same
/// collocation as the cycles and solved by the same structured solver:
/// <code>
/// u' = T f(u, p),  v' = T f_u(u, p) v + β f(u, p)   (β = 0 for PD)
/// u(0) = u(1),  v(0) = v(1) (LPC) or v(0) = −v(1) (PD)
/// ∫⟨u − ũ, ũ'⟩ = 0,  ∫⟨v, ũ'⟩ = 0 (LPC),  ∫|v|² + β² = 1
/// </code>
/// Unknowns: the node values of (u, v), T, β (LPC), and the two parameters (the first last).
/// The branch ends where the cycles shrink to an equilibrium (an LPC curve born at a
/// generalised-Hopf point ends there).
/// </summary>
/// <remarks>
/// Doedel, Keller, Kernévez, Int. J. Bifurcation and Chaos 1 (1991), part II, section 6; AUTO-07p ISW = 2.
/// What differs between the two curves (the sign of v's boundary condition, β, the pinned multipliers,
/// the codimension-two tests) is in <see cref="FoldOfCyclesCurveProblem"/> and <see cref="PeriodDoublingCurveProblem"/>.
/// </remarks>
internal abstract class CycleCurveProblem : AugmentedCycleProblem
{
    readonly PointKind[] _kinds;
    /// <summary>Index in x of β (LPC; −1 for PD).</summary>
    private protected readonly int _iB;

    /// <param name="system">The model.</param>
    /// <param name="parameters">Every model parameter at the start (the two continued ones included).</param>
    /// <param name="first">Index of the first continued parameter (the primary one of the driver).</param>
    /// <param name="second">Index of the second continued parameter.</param>
    /// <param name="mesh">The discretisation of the start cycle.</param>
    /// <param name="options">Collocation settings.</param>
    /// <param name="withBeta">The unknowns include β (a fold of cycles).</param>
    /// <param name="kinds">The end at zero amplitude first (its index is used below), then the codimension-two points.</param>
    private protected CycleCurveProblem(OdeSystem system, ReadOnlySpan<double> parameters, int first, int second, CycleMesh mesh, CollocationOptions options,
        bool withBeta, PointKind[] kinds)
        : base(system, parameters, first, second, mesh, options, copies: 1, globals: withBeta ? 4 : 3)
    {
        _iB = withBeta ? _iT + 1 : -1;
        _kinds = kinds;
    }

    /// <summary>v(0) = −sign · v(1): −1 for the periodic v of a fold, +1 for the anti-periodic v of a flip.</summary>
    private protected abstract double BoundarySign { get; }

    /// <summary>The multipliers pinned by the curve: the trivial one and the critical one.</summary>
    private protected abstract (int A, int B) Pinned(Complex[] mu);

    /// <summary>Test values 1, 2 and those after the torus product (index 3), from the monodromy and its multipliers.</summary>
    private protected abstract void CurveTests(double[] monodromy, double scale, ReadOnlySpan<double> x, Span<double> testValues);

    /// <summary>The note of the end where the cycles shrink to an equilibrium.</summary>
    private protected abstract string EndNote { get; }

    /// <summary>Where the further multiplier of an LPPD point lies: −1 on a fold-of-cycles curve, +1 on a period-doubling curve.</summary>
    private protected abstract double FoldFlipPartner { get; }

    /// <summary>The note of a torus point (LPNS or PDNS) at angle <paramref name="angle"/>.</summary>
    private protected abstract string TorusNote(string angle);

    /// <summary>
    /// First the end where the cycles shrink to an equilibrium (amplitude below a tenth of the largest so
    /// far; labelled GH on an LPC curve, EP on a PD curve), then LPC: R1, LPPD, LPNS; PD: LPPD, R2, PDNS, GPD.
    /// </summary>
    public override IReadOnlyList<PointKind> TestFunctionKinds => _kinds;

    /// <summary>
    /// The start: (u, v, T, β, p2, p1) from a cycle's unknowns (u nodes, T, p1) on <see cref="Mesh"/> and
    /// the null vector v (node values, n per node) with its period component β (LPC), normalised here.
    /// </summary>
    public double[] Start(ReadOnlySpan<double> cycle, ReadOnlySpan<double> v, double beta)
    {
        int n = _n, n2 = _stride;
        var x = new double[Dimension];
        for (int i = 0; i < _nodes; i++)
        {
            cycle.Slice(i * n, n).CopyTo(x.AsSpan(i * n2, n));
            v.Slice(i * n, n).CopyTo(x.AsSpan(i * n2 + n, n));
        }
        x[_iT] = cycle[n * _nodes];
        if (_iB >= 0) x[_iB] = beta;
        x[_iP1] = cycle[n * _nodes + 1];
        x[_iP2] = _p[_second];
        double norm = Math.Sqrt(NormSquared(x));
        for (int i = 0; i < _nodes; i++) for (int s = 0; s < n; s++) x[i * n2 + n + s] /= norm;
        if (_iB >= 0) x[_iB] /= norm;
        Accept(x);
        return x;
    }

    /// <summary>∫|v|² dt + β².</summary>
    double NormSquared(ReadOnlySpan<double> x)
    {
        var scheme = Mesh.Scheme;
        var mesh = Mesh.Mesh;
        double sum = 0;
        for (int j = 0; j < _N; j++)
        {
            double h = mesh[j + 1] - mesh[j];
            for (int k = 0; k <= _m; k++)
            {
                int off = Node(j, k) + _n;
                double w = h * scheme.NodeWeights[k];
                for (int s = 0; s < _n; s++) sum += w * x[off + s] * x[off + s];
            }
        }
        if (_iB >= 0) sum += x[_iB] * x[_iB];
        return sum;
    }

    /// <summary>v' − T f_u v − β f.</summary>
    private protected override void VariationalResidual(Worker w, ReadOnlySpan<double> x, Span<double> rows)
    {
        double T = x[_iT], beta = _iB >= 0 ? x[_iB] : 0;
        int n = _n;
        for (int s = 0; s < n; s++) rows[n + s] = w.Dv[0][s] - T * w.Jv[0][s] - beta * w.F[s];
    }

    /// <summary>v(0) − v(1) (LPC) or v(0) + v(1) (PD); ∫⟨v, ũ'⟩ (LPC) and ∫|v|² + β² − 1.</summary>
    private protected override void ConditionResidual(ReadOnlySpan<double> x, Span<double> boundary, Span<double> integral)
    {
        int n = _n, n2 = _stride, last = _iT - n2;
        double vSign = BoundarySign;
        for (int s = 0; s < n; s++) boundary[n + s] = x[n + s] + vSign * x[last + n + s];
        int e = 0;
        if (_iB >= 0) integral[e++] = PhaseOfV(x);
        integral[e] = NormSquared(x) - 1;
    }

    /// <summary>∫⟨v, ũ'⟩ dt, with the coefficients of the u-part's phase condition.</summary>
    double PhaseOfV(ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < _nodes; i++)
            for (int s = 0; s < _n; s++) sum += _phase[i * _n + s] * x[i * _stride + _n + s];
        return sum;
    }

    private protected override void VariationalRows(Worker w, ReadOnlySpan<double> x, int c, double h, Span<double> block)
    {
        var scheme = Mesh.Scheme;
        double T = x[_iT], beta = _iB >= 0 ? x[_iB] : 0;
        int n = _n, n2 = _stride, m = _m, cols = _solver.IntervalStride;
        int gT = GlobalColumn(0), gB = gT + 1, gP2 = GlobalColumn(_globals - 2), gP1 = GlobalColumn(_globals - 1);
        ref double mv = ref MemoryMarshal.GetArrayDataReference(w.M[0]);
        ref double jac = ref MemoryMarshal.GetArrayDataReference(w.Jac);
        ref double rows = ref MemoryMarshal.GetReference(block.Slice((c * n2 + n) * cols, n * cols));
        for (int k = 0; k <= m; k++)
        {
            int col0 = NodeColumn(k);
            double d = scheme.BasisDerivative[c, k] / h, b = scheme.Basis[c, k];
            double tb = -T * b, bb = beta * b;
            for (int s = 0; s < n; s++)
            {
                ref double rv = ref Unsafe.Add(ref rows, s * cols + col0);
                ref double ms = ref Unsafe.Add(ref mv, s * n);
                ref double js = ref Unsafe.Add(ref jac, s * n);
                for (int q = 0; q < n; q++)
                {
                    double jsq = Unsafe.Add(ref js, q);
                    Unsafe.Add(ref rv, q) = tb * Unsafe.Add(ref ms, q) - bb * jsq;
                    Unsafe.Add(ref rv, n + q) = tb * jsq;
                }
                Unsafe.Add(ref rv, n + s) += d;
            }
        }
        var jv = w.Jv[0];
        var jvp1 = w.Jvp1[0];
        var jvp2 = w.Jvp2[0];
        for (int s = 0; s < n; s++)
        {
            var rv = block.Slice(((c * n2) + n + s) * cols, cols);
            rv[gT] = -jv[s];
            if (_iB >= 0) rv[gB] = -w.F[s];
            rv[gP2] = -T * jvp2[s] - beta * w.Fp2[s];
            rv[gP1] = -T * jvp1[s] - beta * w.Fp1[s];
        }
    }

    private protected override void LinearizeConditions(ReadOnlySpan<double> x, Span<double> boundary, Span<double> border)
    {
        int n = _n, n2 = _stride, bcols = BoundaryColumns;
        double vSign = BoundarySign;
        for (int s = 0; s < n; s++) { boundary[(n + s) * bcols + n + s] = 1; boundary[(n + s) * bcols + n2 + n + s] = vSign; }
        int total = Dimension, row = 1;
        if (_iB >= 0)
        {
            for (int i = 0; i < _nodes; i++) for (int s = 0; s < n; s++) border[row * total + i * n2 + n + s] = _phase[i * n + s];
            row++;
        }
        // d/dz of ∫|v|² + β²
        var scheme = Mesh.Scheme;
        var mesh = Mesh.Mesh;
        for (int j = 0; j < _N; j++)
        {
            double h = mesh[j + 1] - mesh[j];
            for (int k = 0; k <= _m; k++)
            {
                int off = Node(j, k) + n;
                double wgt = h * scheme.NodeWeights[k];
                for (int s = 0; s < n; s++) border[row * total + off + s] += 2 * wgt * x[off + s];
            }
        }
        if (_iB >= 0) border[row * total + _iB] = 2 * x[_iB];
    }

    /// <summary>Turning points of the curve are no bifurcations (a fold-of-cycles curve keeps its cusps).</summary>
    public override PointKind Reclassify(PointKind kind, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, ref SpecialPointDetails? details)
        => PointKind.Regular;

    /// <remarks>
    /// Test functions (Kuznetsov, ch. 10.3; the characteristic polynomial p of the cycle's monodromy
    /// M, see <see cref="FloquetTests"/>): on an LPC curve R1 (1:1 resonance, a third multiplier at +1)
    /// p''(1)/2, LPPD (fold–flip) p(−1), LPNS (fold–torus) the product over pairs of the others of
    /// (μiμj − 1); on a PD curve LPPD p'(1) (with the flip multiplier at −1), R2 (1:2 resonance) p'(−1),
    /// PDNS (flip–torus) the pair product, and GPD (generalised period doubling) the flip's normal-form
    /// coefficient c (<see cref="CycleNormalForms"/>: finite differences of the return map,
    /// about twenty integrations over one period per point).
    /// </remarks>
    public override PointAnalysis Analyze(ReadOnlySpan<double> x, Span<double> testValues)
    {
        // Called right after Factor at the same x: the solver holds the monodromy.
        testValues[0] = Amplitude(x) - 0.1 * _largestAmplitude;
        var monodromy = CycleMonodromy();
        var mu = FloquetTests.Multipliers(monodromy, _n);
        if (double.IsNaN(mu[0].Real))
        {
            for (int k = 1; k < testValues.Length; k++) testValues[k] = double.NaN;
            return PointAnalysis.None;
        }
        var (a, b) = Pinned(mu);
        double scale = FloquetTests.Scale(mu);
        int unstable = 0;
        for (int i = 0; i < mu.Length; i++) if (i != a && i != b && mu[i].Magnitude > 1) unstable++;
        testValues[3] = FloquetTests.TorusProduct(mu, i => i == a || i == b);
        CurveTests(monodromy, scale, x, testValues);
        return new PointAnalysis(unstable == 0, unstable, mu);
    }

    /// <summary>
    /// The first test function ends the branch; R1, LPPD, R2, LPNS and PDNS are confirmed only where a
    /// further multiplier lies at +1, −1 or on the unit circle (else null); GPD as located. Notes list the multipliers.
    /// </summary>
    public override SpecialPointDetails? Describe(int testFunction, ReadOnlySpan<double> x, PointAnalysis analysis)
    {
        double T = x[_iT];
        var mu = analysis.Spectrum;
        string multipliers = mu.Length > 0 ? "; multipliers " + PeriodicOrbitProblem.Format(mu) : "";
        if (testFunction == 0)
            return new(Period: T, EndsBranch: true,
                Note: EndNote);
        if (mu.Length == 0) return null;
        var (a, b) = Pinned(mu);
        bool Excluded(int i) => i == a || i == b;
        switch (_kinds[testFunction])
        {
            case PointKind.R1:
            {
                int c = FloquetTests.Closest(mu, 1, Excluded);
                if (c < 0 || (mu[c] - 1).Magnitude > 1e-2) return null;
                return new(Period: T, Note: "1:1 resonance (R1): three multipliers at +1; a torus curve ends here on the fold-of-cycles curve; the curve's system is singular here: located to the square root of the tolerance" + multipliers) { ListsMultipliers = mu.Length > 0, SingularSystem = true };
            }
            case PointKind.LPPD:
            {
                double target = FoldFlipPartner;
                int c = FloquetTests.Closest(mu, target, Excluded);
                if (c < 0 || (mu[c] - target).Magnitude > 1e-3) return null;
                return new(Period: T, Note: "fold-flip (LPPD): multipliers at +1 and -1; the fold-of-cycles and period-doubling curves meet" + multipliers) { ListsMultipliers = mu.Length > 0 };
            }
            case PointKind.GPD:
                return new(Period: T, Note: "generalised period doubling (GPD): the period-doubling normal-form coefficient vanishes; the doubling changes between super- and subcritical here" + multipliers) { ListsMultipliers = mu.Length > 0 };
            case PointKind.R2:
            {
                int c = FloquetTests.Closest(mu, -1, Excluded);
                if (c < 0 || (mu[c] + 1).Magnitude > 1e-2) return null;
                return new(Period: T, Note: "1:2 resonance (R2): a double multiplier at -1; a torus curve ends here on the period-doubling curve; the curve's system is singular here: located to the square root of the tolerance" + multipliers) { ListsMultipliers = mu.Length > 0, SingularSystem = true };
            }
            default:
            {
                // LPNS or PDNS: a complex pair on the unit circle among the others (not a real reciprocal pair).
                int c = -1;
                for (int i = 0; i < mu.Length; i++)
                    if (!Excluded(i) && mu[i].Imaginary > 1e-6 && (c < 0 || Math.Abs(mu[i].Magnitude - 1) < Math.Abs(mu[c].Magnitude - 1))) c = i;
                if (c < 0 || Math.Abs(mu[c].Magnitude - 1) > 1e-3) return null;
                string angle = "theta = " + mu[c].Phase.ToString("G8", global::System.Globalization.CultureInfo.InvariantCulture);
                return new(Period: T, Note: TorusNote(angle) + multipliers) { ListsMultipliers = mu.Length > 0 };
            }
        }
    }
}

/// <summary>Folds of cycles (LPC) in two parameters: v periodic with β, a null vector (v, β) of the cycle's Jacobian in (u, T).</summary>
internal sealed class FoldOfCyclesCurveProblem(OdeSystem system, ReadOnlySpan<double> parameters, int first, int second, CycleMesh mesh, CollocationOptions options)
    : CycleCurveProblem(system, parameters, first, second, mesh, options, withBeta: true, [PointKind.GH, PointKind.R1, PointKind.LPPD, PointKind.LPNS])
{
    private protected override double BoundarySign => -1;

    private protected override double FoldFlipPartner => -1;

    private protected override string EndNote
        => "the folding cycles shrink to an equilibrium: the curve ends at a generalised-Hopf point of the Hopf curve (parameters extrapolated to zero amplitude)";

    private protected override string TorusNote(string angle)
        => $"fold-torus (LPNS): a complex pair on the unit circle, {angle}; a torus curve meets the fold-of-cycles curve";

    /// <summary>The trivial multiplier and the fold's, both near +1.</summary>
    private protected override (int A, int B) Pinned(Complex[] mu)
    {
        int a = FloquetTests.Closest(mu, 1);
        return (a, FloquetTests.Closest(mu, 1, i => i == a));
    }

    /// <summary>R1: p''(1)/2; LPPD: p(−1).</summary>
    private protected override void CurveTests(double[] monodromy, double scale, ReadOnlySpan<double> x, Span<double> testValues)
    {
        testValues[1] = FloquetTests.CharacteristicTaylor(monodromy, _n, 1, 2) / scale;
        testValues[2] = FloquetTests.CharacteristicTaylor(monodromy, _n, -1, 0) / scale;
    }

    /// <summary>
    /// A turning point of the curve in the first parameter is kept only where the second
    /// parameter turns too: a cusp of the curve in the parameter plane — for a fold-of-cycles curve
    /// the cusp of cycles (CPC).
    /// </summary>
    public override PointKind Reclassify(PointKind kind, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, ref SpecialPointDetails? details)
    {
        if (kind != PointKind.LP) return PointKind.Regular;
        double plane = Math.Sqrt(tangent[_iP1] * tangent[_iP1] + tangent[_iP2] * tangent[_iP2]);
        if (plane > 1e-3) return PointKind.Regular;
        details = new SpecialPointDetails(Period: x[_iT], Note: "cusp of cycles: two folds of cycles meet");
        return PointKind.CPC;
    }
}

/// <summary>Period doublings (PD) in two parameters: v anti-periodic, no β.</summary>
internal sealed class PeriodDoublingCurveProblem(OdeSystem system, ReadOnlySpan<double> parameters, int first, int second, CycleMesh mesh, CollocationOptions options)
    : CycleCurveProblem(system, parameters, first, second, mesh, options, withBeta: false, [PointKind.EP, PointKind.LPPD, PointKind.R2, PointKind.PDNS, PointKind.GPD])
{
    private protected override double BoundarySign => 1;

    private protected override double FoldFlipPartner => 1;

    private protected override string EndNote => "the period-doubling cycles shrink to an equilibrium";

    private protected override string TorusNote(string angle)
        => $"flip-torus (PDNS): a complex pair on the unit circle, {angle}; a torus curve crosses the period-doubling curve";

    /// <summary>The trivial multiplier (near +1) and the flip's (near −1).</summary>
    private protected override (int A, int B) Pinned(Complex[] mu)
    {
        int flip = FloquetTests.Closest(mu, -1);
        return (FloquetTests.Closest(mu, 1, i => i == flip), flip);
    }

    /// <summary>
    /// LPPD: p'(1); R2: p'(−1); GPD: the flip's normal-form coefficient, by periodic normalisation
    /// with the curve's own anti-periodic eigenfunction v (<see cref="PeriodicNormalization"/>).
    /// </summary>
    private protected override void CurveTests(double[] monodromy, double scale, ReadOnlySpan<double> x, Span<double> testValues)
    {
        testValues[1] = FloquetTests.CharacteristicTaylor(monodromy, _n, 1, 1) / scale;
        testValues[2] = FloquetTests.CharacteristicTaylor(monodromy, _n, -1, 1) / scale;
        var v = new double[_nodes * _n];
        for (int i = 0; i < _nodes; i++) x.Slice(i * _stride + _n, _n).CopyTo(v.AsSpan(i * _n, _n));
        testValues[4] = PeriodicNormalization.PeriodDoubling(System, ParametersAt(x), Mesh, CycleProfile(x), x[_iT], monodromy, v);
    }
}
