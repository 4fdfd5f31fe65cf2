using System.Numerics;
using Continuation.Algebra;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Systems;

namespace Continuation.Codim2;

/// <summary>Which bifurcation of cycles a <see cref="CycleCurveProblem"/> follows.</summary>
public enum CycleCurveKind
{
    /// <summary>Fold of cycles: a null vector (v, β) of the cycle's Jacobian in (u, T).</summary>
    FoldOfCycles,
    /// <summary>Period doubling: an anti-periodic solution v of the variational equation.</summary>
    PeriodDoubling,
}

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
/// <remarks>Doedel, Keller, Kernévez, Int. J. Bifurcation and Chaos 1 (1991), part II, section 6; AUTO-07p ISW = 2.</remarks>
public sealed class CycleCurveProblem : ICycleCurveProblem
{
    readonly PointKind[] _kinds;
    readonly CycleCurveKind _kind;
    readonly int _n, _n2, _m, _N, _nodes, _g, _iT, _iB, _iP2, _iP1, _first, _second;
    readonly double[] _p, _reference, _phase;
    readonly CollocationSolver _solver;
    readonly CollocationOptions _options;
    readonly double[] _point;
    readonly Worker[] _workers;
    readonly CollocationSolver.IntervalFiller _filler;
    double _largestAmplitude;
    int _accepted;
    volatile bool _nonFinite;

    sealed class Worker(OdeSystem system)
    {
        public readonly Derivatives D = new(system);
        public readonly double[] U = new double[system.Dimension], V = new double[system.Dimension], F = new double[system.Dimension],
            Jv = new double[system.Dimension], Fp1 = new double[system.Dimension], Fp2 = new double[system.Dimension],
            Jac = new double[system.Dimension * system.Dimension], Jplus = new double[system.Dimension * system.Dimension],
            Jminus = new double[system.Dimension * system.Dimension], Shift = new double[system.Dimension],
            Jvp1 = new double[system.Dimension], Jvp2 = new double[system.Dimension];
        public double[] Params = [];
    }

    public CycleCurveProblem(OdeSystem system, ReadOnlySpan<double> parameters, int first, int second, CycleMesh mesh, CollocationOptions options, CycleCurveKind kind)
    {
        System = system;
        _kind = kind;
        _first = first;
        _second = second;
        _options = options.Validate();
        Mesh = mesh;
        _n = system.Dimension;
        _n2 = 2 * _n;
        _m = mesh.Scheme.Degree;
        _N = mesh.Intervals;
        _nodes = mesh.Nodes;
        _g = kind == CycleCurveKind.FoldOfCycles ? 4 : 3;
        _iT = _n2 * _nodes;
        _iB = kind == CycleCurveKind.FoldOfCycles ? _iT + 1 : -1;
        _iP2 = _iT + _g - 2;
        _iP1 = _iT + _g - 1;
        _p = parameters.ToArray();
        _reference = new double[_n * _nodes];
        _phase = new double[_n * _nodes];
        _solver = new CollocationSolver(_n2, _m, _N, _g);
        _point = new double[Dimension];
        _workers = new Worker[_solver.Workers];
        for (int w = 0; w < _workers.Length; w++) _workers[w] = new Worker(system) { Params = parameters.ToArray() };
        // The end at zero amplitude first (its index is used below), then the codimension-two points.
        _kinds = kind == CycleCurveKind.FoldOfCycles
            ? [PointKind.GH, PointKind.R1, PointKind.LPPD, PointKind.LPNS]
            : [PointKind.EP, PointKind.LPPD, PointKind.R2, PointKind.PDNS];
        _filler = FillInterval;
    }

    public OdeSystem System { get; }
    public CycleMesh Mesh { get; private set; }
    public int Dimension => _iP1 + 1;
    public int ParameterComponent => _iP1;
    /// <summary>Index in x of the second parameter.</summary>
    public int SecondComponent => _iP2;
    /// <summary>Index in x of the period.</summary>
    public int PeriodComponent => _iT;
    public int DeterminantSign => _solver.DeterminantSign;
    public IReadOnlyList<PointKind> TestFunctionKinds => _kinds;

    int Node(int j, int k) => (j * _m + k) * _n2;

    /// <summary>The full parameter vector at x.</summary>
    public double[] ParametersAt(ReadOnlySpan<double> x)
    {
        var p = (double[])_p.Clone();
        p[_first] = x[_iP1];
        p[_second] = x[_iP2];
        return p;
    }

    /// <summary>The cycle part of x: (u node values, T, first parameter) as a cycle branch stores it.</summary>
    public double[] CycleUnknowns(ReadOnlySpan<double> x)
    {
        var c = new double[_n * _nodes + 2];
        for (int i = 0; i < _nodes; i++) x.Slice(i * _n2, _n).CopyTo(c.AsSpan(i * _n, _n));
        c[^2] = x[_iT];
        c[^1] = x[_iP1];
        return c;
    }

    /// <summary>
    /// The start: (u, v, T, β, p2, p1) from a cycle's unknowns (u nodes, T, p1) on <see cref="Mesh"/> and
    /// the null vector v (node values, n per node) with its period component β (LPC), normalised here.
    /// </summary>
    public double[] Start(ReadOnlySpan<double> cycle, ReadOnlySpan<double> v, double beta)
    {
        var x = new double[Dimension];
        for (int i = 0; i < _nodes; i++)
        {
            cycle.Slice(i * _n, _n).CopyTo(x.AsSpan(i * _n2, _n));
            v.Slice(i * _n, _n).CopyTo(x.AsSpan(i * _n2 + _n, _n));
        }
        x[_iT] = cycle[_n * _nodes];
        if (_iB >= 0) x[_iB] = beta;
        x[_iP1] = cycle[_n * _nodes + 1];
        x[_iP2] = _p[_second];
        double norm = Math.Sqrt(NormSquared(x));
        for (int i = 0; i < _nodes; i++) for (int s = 0; s < _n; s++) x[i * _n2 + _n + s] /= norm;
        if (_iB >= 0) x[_iB] /= norm;
        Accept(x);
        return x;
    }

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

    void SetParameters(ReadOnlySpan<double> x, double[] p)
    {
        p[_first] = x[_iP1];
        p[_second] = x[_iP2];
    }

    public bool Residual(ReadOnlySpan<double> x, Span<double> r)
    {
        x.CopyTo(_point);
        var w = _workers[0];
        SetParameters(x, w.Params);
        var scheme = Mesh.Scheme;
        var mesh = Mesh.Mesh;
        double T = x[_iT], beta = _iB >= 0 ? x[_iB] : 0;
        int n = _n, n2 = _n2, m = _m;
        Span<double> du = stackalloc double[n];
        Span<double> dv = stackalloc double[n];
        for (int j = 0; j < _N; j++)
        {
            double h = mesh[j + 1] - mesh[j];
            for (int c = 0; c < m; c++)
            {
                Array.Clear(w.U); Array.Clear(w.V); du.Clear(); dv.Clear();
                for (int k = 0; k <= m; k++)
                {
                    double b = scheme.Basis[c, k], d = scheme.BasisDerivative[c, k] / h;
                    int off = Node(j, k);
                    for (int s = 0; s < n; s++)
                    {
                        w.U[s] += b * x[off + s]; du[s] += d * x[off + s];
                        w.V[s] += b * x[off + n + s]; dv[s] += d * x[off + n + s];
                    }
                }
                w.D.Evaluate(w.U, w.Params, w.F);
                w.D.StateJacobian(w.U, w.Params, w.Jac);
                int row = (j * m + c) * n2;
                for (int s = 0; s < n; s++)
                {
                    double jv = 0;
                    for (int q = 0; q < n; q++) jv += w.Jac[s * n + q] * w.V[q];
                    r[row + s] = du[s] - T * w.F[s];
                    r[row + n + s] = dv[s] - T * jv - beta * w.F[s];
                }
            }
        }
        int bc = _N * m * n2, last = _iT - n2;
        double vSign = _kind == CycleCurveKind.PeriodDoubling ? 1 : -1;
        for (int s = 0; s < n; s++)
        {
            r[bc + s] = x[s] - x[last + s];
            r[bc + n + s] = x[n + s] + vSign * x[last + n + s];
        }
        int e = bc + n2;
        double phaseU = 0, phaseV = 0;
        for (int i = 0; i < _nodes; i++)
            for (int s = 0; s < n; s++)
            {
                double ph = _phase[i * n + s];
                phaseU += ph * (x[i * n2 + s] - _reference[i * n + s]);
                phaseV += ph * x[i * n2 + n + s];
            }
        r[e++] = phaseU;
        if (_iB >= 0) r[e++] = phaseV;
        r[e] = NormSquared(x) - 1;
        for (int i = 0; i <= e; i++) if (!double.IsFinite(r[i])) return false;
        return true;
    }

    public Linearization Factor(ReadOnlySpan<double> x, ReadOnlySpan<double> border)
    {
        x.CopyTo(_point);
        foreach (var w in _workers) SetParameters(x, w.Params);
        int n = _n, n2 = _n2, bcols = 2 * n2 + _g;
        var bnd = _solver.Boundary;
        bnd.Clear();
        double vSign = _kind == CycleCurveKind.PeriodDoubling ? 1 : -1;
        for (int s = 0; s < n; s++)
        {
            bnd[s * bcols + s] = 1; bnd[s * bcols + n2 + s] = -1;
            bnd[(n + s) * bcols + n + s] = 1; bnd[(n + s) * bcols + n2 + n + s] = vSign;
        }
        var brd = _solver.Border;
        brd.Clear();
        int total = Dimension, row = 0;
        for (int i = 0; i < _nodes; i++) for (int s = 0; s < n; s++) brd[row * total + i * n2 + s] = _phase[i * n + s];
        row++;
        if (_iB >= 0)
        {
            for (int i = 0; i < _nodes; i++) for (int s = 0; s < n; s++) brd[row * total + i * n2 + n + s] = _phase[i * n + s];
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
                for (int s = 0; s < n; s++) brd[row * total + off + s] += 2 * wgt * x[off + s];
            }
        }
        if (_iB >= 0) brd[row * total + _iB] = 2 * x[_iB];
        row++;
        border.CopyTo(brd.Slice(row * total, total));
        _nonFinite = false;
        bool ok = _solver.Factor(_filler);
        if (_nonFinite) return Linearization.NonFinite;
        return ok ? Linearization.Factored : Linearization.Singular;
    }

    bool FillInterval(int j, Span<double> block, int worker)
    {
        var w = _workers[worker];
        var scheme = Mesh.Scheme;
        var mesh = Mesh.Mesh;
        var x = _point;
        double T = x[_iT], beta = _iB >= 0 ? x[_iB] : 0;
        int n = _n, n2 = _n2, m = _m, ni = n2 * (m - 1), cols = _solver.IntervalColumns;
        int gT = ni + 2 * n2, gB = gT + 1, gP2 = gT + _g - 2, gP1 = gT + _g - 1;
        double h = mesh[j + 1] - mesh[j];
        var p = w.Params;
        for (int c = 0; c < m; c++)
        {
            Array.Clear(w.U); Array.Clear(w.V);
            for (int k = 0; k <= m; k++)
            {
                double b = scheme.Basis[c, k];
                int off = Node(j, k);
                for (int s = 0; s < n; s++) { w.U[s] += b * x[off + s]; w.V[s] += b * x[off + n + s]; }
            }
            w.D.Evaluate(w.U, p, w.F);
            w.D.StateJacobian(w.U, p, w.Jac);
            // M = ∂(f_u v)/∂u = the derivative of f_u along v (f_uu is symmetric), by central differences.
            double vn = 0;
            foreach (var e in w.V) vn = Math.Max(vn, Math.Abs(e));
            double hv = vn > 0 ? 1e-6 * Math.Max(1, Norm(w.U)) / vn : 0;
            if (hv > 0)
            {
                for (int s = 0; s < n; s++) w.Shift[s] = w.U[s] + hv * w.V[s];
                w.D.StateJacobian(w.Shift, p, w.Jplus);
                for (int s = 0; s < n; s++) w.Shift[s] = w.U[s] - hv * w.V[s];
                w.D.StateJacobian(w.Shift, p, w.Jminus);
            }
            for (int s = 0; s < n; s++)
            {
                double jv = 0;
                for (int q = 0; q < n; q++) jv += w.Jac[s * n + q] * w.V[q];
                w.Jv[s] = jv;
            }
            for (int k = 0; k <= m; k++)
            {
                int col0 = k == 0 ? ni : k == m ? ni + n2 : (k - 1) * n2;
                double d = scheme.BasisDerivative[c, k] / h, b = scheme.Basis[c, k];
                for (int s = 0; s < n; s++)
                {
                    var ru = block.Slice(((c * n2) + s) * cols, cols);
                    var rv = block.Slice(((c * n2) + n + s) * cols, cols);
                    for (int q = 0; q < n; q++)
                    {
                        double jsq = w.Jac[s * n + q];
                        double mq = hv > 0 ? (w.Jplus[s * n + q] - w.Jminus[s * n + q]) / (2 * hv) : 0;
                        ru[col0 + q] = -T * b * jsq;
                        ru[col0 + n + q] = 0;
                        rv[col0 + q] = -T * b * mq - beta * b * jsq;
                        rv[col0 + n + q] = -T * b * jsq;
                    }
                    ru[col0 + s] += d;
                    rv[col0 + n + s] += d;
                }
            }
            // Parameter columns: central differences of (f, f_u v) in each parameter.
            ParameterColumns(w, _second, w.Fp2, w.Jvp2);
            ParameterColumns(w, _first, w.Fp1, w.Jvp1);
            var jvp1 = w.Jvp1;
            var jvp2 = w.Jvp2;
            for (int s = 0; s < n; s++)
            {
                var ru = block.Slice(((c * n2) + s) * cols, cols);
                var rv = block.Slice(((c * n2) + n + s) * cols, cols);
                ru[gT] = -w.F[s];
                rv[gT] = -w.Jv[s];
                if (_iB >= 0) { ru[gB] = 0; rv[gB] = -w.F[s]; }
                ru[gP2] = -T * w.Fp2[s];
                rv[gP2] = -T * jvp2[s] - beta * w.Fp2[s];
                ru[gP1] = -T * w.Fp1[s];
                rv[gP1] = -T * jvp1[s] - beta * w.Fp1[s];
            }
            foreach (var v in w.Jac) if (!double.IsFinite(v)) { _nonFinite = true; return false; }
        }
        return true;
    }

    /// <summary>∂f/∂p_k into fp and ∂(f_u v)/∂p_k (returned) at the worker's point.</summary>
    static void ParameterColumns(Worker w, int k, double[] fp, double[] jvp)
    {
        int n = w.U.Length;
        w.D.ParameterDerivative(w.U, w.Params, k, fp);
        double pk = w.Params[k], hp = 1e-6 * Math.Max(1, Math.Abs(pk));
        w.Params[k] = pk + hp;
        w.D.StateJacobian(w.U, w.Params, w.Jplus);
        w.Params[k] = pk - hp;
        w.D.StateJacobian(w.U, w.Params, w.Jminus);
        w.Params[k] = pk;
        for (int s = 0; s < n; s++)
        {
            double sum = 0;
            for (int q = 0; q < n; q++) sum += (w.Jplus[s * n + q] - w.Jminus[s * n + q]) * w.V[q];
            jvp[s] = sum / (2 * hp);
        }
    }

    static double Norm(ReadOnlySpan<double> u)
    {
        double s = 0;
        foreach (var v in u) s += v * v;
        return Math.Sqrt(s);
    }

    public void Solve(Span<double> rhs) => _solver.Solve(rhs);

    public void Accept(ReadOnlySpan<double> x)
    {
        for (int i = 0; i < _nodes; i++) x.Slice(i * _n2, _n).CopyTo(_reference.AsSpan(i * _n, _n));
        Profiles.PhaseCoefficients(Mesh, _reference, _n, _phase);
        _largestAmplitude = Math.Max(_largestAmplitude, Amplitude(x));
    }

    /// <summary>Largest peak-to-peak excursion of the cycle's state variables.</summary>
    public double Amplitude(ReadOnlySpan<double> x) => Profiles.Amplitude(x, _nodes, _n2, _n);

    public void FillWeights(Span<double> weights)
    {
        weights.Clear();
        Profiles.AddQuadratureWeights(Mesh, _n2, _n, weights);
        weights[_iT] = _options.PeriodWeight;
        weights[_iP2] = 1;
        weights[_iP1] = 1;
    }

    public double[] Signature(ReadOnlySpan<double> x) => Profiles.Signature(x, _nodes, _n2, _n, [x[_iP1], x[_iP2], x[_iT]]);

    public object? Snapshot(ReadOnlySpan<double> x) => Mesh;

    public bool Adapt(double[] x, double[] tangent)
    {
        if (_options.AdaptEvery == 0 || ++_accepted % _options.AdaptEvery != 0) return false;
        var scheme = Mesh.Scheme;
        int len = _iT;
        var newMesh = PeriodicOrbits.Mesh.Adapt(scheme, Mesh.Mesh, x.AsSpan(0, len), _n2, _N);
        var xs = new double[len];
        var ts = new double[len];
        PeriodicOrbits.Mesh.Interpolate(scheme, Mesh.Mesh, x.AsSpan(0, len), _n2, newMesh, xs);
        PeriodicOrbits.Mesh.Interpolate(scheme, Mesh.Mesh, tangent.AsSpan(0, len), _n2, newMesh, ts);
        xs.CopyTo(x, 0);
        ts.CopyTo(tangent, 0);
        Mesh = Mesh with { Mesh = newMesh };
        Accept(x);
        return true;
    }

    public PointKind FoldKind => PointKind.LP;

    /// <summary>
    /// A turning point of the curve in the first parameter is kept only where the second
    /// parameter turns too: a cusp of the curve in the parameter plane — for a fold-of-cycles curve
    /// the cusp of cycles (CPC).
    /// </summary>
    public PointKind Reclassify(PointKind kind, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, ref SpecialPointDetails? details)
    {
        if (kind != PointKind.LP || _kind != CycleCurveKind.FoldOfCycles) return PointKind.Regular;
        double plane = Math.Sqrt(tangent[_iP1] * tangent[_iP1] + tangent[_iP2] * tangent[_iP2]);
        if (plane > 1e-3) return PointKind.Regular;
        details = new SpecialPointDetails(Period: x[_iT], Note: "cusp of cycles: two folds of cycles meet");
        return PointKind.CPC;
    }

    /// <summary>
    /// The cycle's multipliers from the last factorisation: the u-equations do not involve v, so the
    /// augmented system's monodromy is block lower triangular and its leading n × n block is the
    /// cycle's own monodromy (no extra factorisation).
    /// </summary>
    double[] CycleMonodromy()
    {
        int n = _n, n2 = _n2;
        var mono = _solver.Monodromy();
        var block = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) block[i * n + j] = mono[i * n2 + j];
        return block;
    }

    /// <summary>
    /// The multipliers pinned by the curve: the trivial one and the fold's (both near +1) on an LPC
    /// curve; the trivial one and the flip's (near −1) on a PD curve.
    /// </summary>
    (int A, int B) Pinned(Complex[] mu)
    {
        if (_kind == CycleCurveKind.FoldOfCycles)
        {
            int a = FloquetTests.Closest(mu, 1);
            return (a, FloquetTests.Closest(mu, 1, i => i == a));
        }
        int flip = FloquetTests.Closest(mu, -1);
        return (FloquetTests.Closest(mu, 1, i => i == flip), flip);
    }

    /// <remarks>
    /// Test functions (Kuznetsov, ch. 10.3; the characteristic polynomial p of the cycle's monodromy
    /// M, see <see cref="FloquetTests"/>): on an LPC curve R1 (1:1 resonance, a third multiplier at +1)
    /// p''(1)/2, LPPD (fold–flip) p(−1), LPNS (fold–torus) the product over pairs of the others of
    /// (μiμj − 1); on a PD curve LPPD p'(1) (with the flip multiplier at −1), R2 (1:2 resonance) p'(−1),
    /// PDNS (flip–torus) the pair product. The generalised period doubling (GPD, the flip's normal-form
    /// coefficient vanishes) is not detected.
    /// </remarks>
    public PointAnalysis Analyze(ReadOnlySpan<double> x, Span<double> testValues)
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
        if (_kind == CycleCurveKind.FoldOfCycles)
        {
            testValues[1] = FloquetTests.CharacteristicTaylor(monodromy, _n, 1, 2) / scale;
            testValues[2] = FloquetTests.CharacteristicTaylor(monodromy, _n, -1, 0) / scale;
        }
        else
        {
            testValues[1] = FloquetTests.CharacteristicTaylor(monodromy, _n, 1, 1) / scale;
            testValues[2] = FloquetTests.CharacteristicTaylor(monodromy, _n, -1, 1) / scale;
        }
        testValues[3] = FloquetTests.TorusProduct(mu, i => i == a || i == b);
        return new PointAnalysis(unstable == 0, unstable, mu);
    }

    public SpecialPointDetails? Describe(int testFunction, ReadOnlySpan<double> x, PointAnalysis analysis)
    {
        double T = x[_iT];
        var mu = analysis.Spectrum;
        string multipliers = mu.Length > 0 ? "; multipliers " + PeriodicOrbitProblem.Format(mu) : "";
        if (testFunction == 0)
            return new(Period: T, EndsBranch: true,
                Note: _kind == CycleCurveKind.FoldOfCycles
                    ? "the folding cycles shrink to an equilibrium: the curve ends at a generalised-Hopf point of the Hopf curve (parameters extrapolated to zero amplitude)"
                    : "the period-doubling cycles shrink to an equilibrium");
        if (mu.Length == 0) return null;
        var (a, b) = Pinned(mu);
        bool Excluded(int i) => i == a || i == b;
        switch (_kinds[testFunction])
        {
            case PointKind.R1:
            {
                int c = FloquetTests.Closest(mu, 1, Excluded);
                if (c < 0 || (mu[c] - 1).Magnitude > 1e-2) return null;
                return new(Period: T, Note: "1:1 resonance (R1): three multipliers at +1; a torus curve ends here on the fold-of-cycles curve" + multipliers);
            }
            case PointKind.LPPD:
            {
                int c = _kind == CycleCurveKind.FoldOfCycles ? FloquetTests.Closest(mu, -1, Excluded) : FloquetTests.Closest(mu, 1, Excluded);
                double target = _kind == CycleCurveKind.FoldOfCycles ? -1 : 1;
                if (c < 0 || (mu[c] - target).Magnitude > 1e-3) return null;
                return new(Period: T, Note: "fold-flip (LPPD): multipliers at +1 and -1; the fold-of-cycles and period-doubling curves meet" + multipliers);
            }
            case PointKind.R2:
            {
                int c = FloquetTests.Closest(mu, -1, Excluded);
                if (c < 0 || (mu[c] + 1).Magnitude > 1e-2) return null;
                return new(Period: T, Note: "1:2 resonance (R2): a double multiplier at -1; a torus curve ends here on the period-doubling curve" + multipliers);
            }
            default:
            {
                // LPNS or PDNS: a complex pair on the unit circle among the others (not a real reciprocal pair).
                int c = -1;
                for (int i = 0; i < mu.Length; i++)
                    if (!Excluded(i) && mu[i].Imaginary > 1e-6 && (c < 0 || Math.Abs(mu[i].Magnitude - 1) < Math.Abs(mu[c].Magnitude - 1))) c = i;
                if (c < 0 || Math.Abs(mu[c].Magnitude - 1) > 1e-3) return null;
                string angle = "theta = " + mu[c].Phase.ToString("G8", global::System.Globalization.CultureInfo.InvariantCulture);
                return _kind == CycleCurveKind.FoldOfCycles
                    ? new(Period: T, Note: $"fold-torus (LPNS): a complex pair on the unit circle, {angle}; a torus curve meets the fold-of-cycles curve" + multipliers)
                    : new(Period: T, Note: $"flip-torus (PDNS): a complex pair on the unit circle, {angle}; a torus curve crosses the period-doubling curve" + multipliers);
            }
        }
    }
}
