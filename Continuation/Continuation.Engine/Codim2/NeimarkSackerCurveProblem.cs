using System.Globalization;
using System.Numerics;
using Continuation.Algebra;
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
/// The Chenciner point (CH: the torus's normal-form coefficient changes sign) is not detected.
/// </summary>
/// <remarks>
/// Doedel, Keller, Kernévez, Int. J. Bifurcation and Chaos 1 (1991), part II, section 6 (AUTO-07p
/// ISW = 2 for torus bifurcations); Kuznetsov, Elements of Applied Bifurcation Theory, ch. 9 for the
/// codimension-two bifurcations of the Poincaré map (strong resonances, fold–NS, flip–NS).
/// </remarks>
public sealed class NeimarkSackerCurveProblem : ICycleCurveProblem
{
    static readonly PointKind[] Kinds = [PointKind.R1, PointKind.R2, PointKind.R3, PointKind.R4, PointKind.LPNS, PointKind.PDNS, PointKind.EP];
    readonly int _n, _n3, _m, _N, _nodes, _iT, _iTheta, _iP2, _iP1, _first, _second;
    readonly double[] _p, _reference, _phase, _vReference, _nodeWeights;
    readonly CollocationSolver _solver;
    readonly CollocationOptions _options;
    readonly double[] _point;
    readonly Worker[] _workers;
    readonly CollocationSolver.IntervalFiller _filler;
    double _largestAmplitude;
    int _accepted;
    volatile bool _nonFinite;

    /// <summary>Per-worker evaluation buffers.</summary>
    sealed class Worker(OdeSystem system)
    {
        readonly int _n = system.Dimension;
        public readonly Derivatives D = new(system);
        public double[] Params = [];
        public readonly double[] U = new double[system.Dimension], Vr = new double[system.Dimension], Vi = new double[system.Dimension],
            F = new double[system.Dimension], Shift = new double[system.Dimension],
            Jvr = new double[system.Dimension], Jvi = new double[system.Dimension],
            Fp1 = new double[system.Dimension], Fp2 = new double[system.Dimension],
            Jvrp1 = new double[system.Dimension], Jvip1 = new double[system.Dimension],
            Jvrp2 = new double[system.Dimension], Jvip2 = new double[system.Dimension],
            Jac = new double[system.Dimension * system.Dimension], Jplus = new double[system.Dimension * system.Dimension],
            Jminus = new double[system.Dimension * system.Dimension],
            Mr = new double[system.Dimension * system.Dimension], Mi = new double[system.Dimension * system.Dimension];

        /// <summary>M = ∂(f_u v)/∂u = the derivative of f_u along v (f_uu is symmetric), by central differences.</summary>
        public void DirectionalJacobian(double[] v, double[] m)
        {
            double vn = 0;
            foreach (var e in v) vn = Math.Max(vn, Math.Abs(e));
            if (vn == 0) { Array.Clear(m); return; }
            double un = 0;
            foreach (var e in U) un += e * e;
            double h = 1e-6 * Math.Max(1, Math.Sqrt(un)) / vn;
            for (int s = 0; s < _n; s++) Shift[s] = U[s] + h * v[s];
            D.StateJacobian(Shift, Params, Jplus);
            for (int s = 0; s < _n; s++) Shift[s] = U[s] - h * v[s];
            D.StateJacobian(Shift, Params, Jminus);
            for (int i = 0; i < m.Length; i++) m[i] = (Jplus[i] - Jminus[i]) / (2 * h);
        }

        /// <summary>∂f/∂p_k into fp, and ∂(f_u v_r)/∂p_k, ∂(f_u v_i)/∂p_k by central differences.</summary>
        public void ParameterColumns(int k, double[] fp, double[] jvr, double[] jvi)
        {
            D.ParameterDerivative(U, Params, k, fp);
            double pk = Params[k], hp = 1e-6 * Math.Max(1, Math.Abs(pk));
            Params[k] = pk + hp;
            D.StateJacobian(U, Params, Jplus);
            Params[k] = pk - hp;
            D.StateJacobian(U, Params, Jminus);
            Params[k] = pk;
            for (int s = 0; s < _n; s++)
            {
                double sr = 0, si = 0;
                for (int q = 0; q < _n; q++)
                {
                    double d = Jplus[s * _n + q] - Jminus[s * _n + q];
                    sr += d * Vr[q];
                    si += d * Vi[q];
                }
                jvr[s] = sr / (2 * hp);
                jvi[s] = si / (2 * hp);
            }
        }
    }

    /// <param name="parameters">Every model parameter at the start (the two continued ones included).</param>
    /// <param name="first">Index of the first continued parameter (the primary one of the driver).</param>
    /// <param name="second">Index of the second continued parameter.</param>
    public NeimarkSackerCurveProblem(OdeSystem system, ReadOnlySpan<double> parameters, int first, int second, CycleMesh mesh, CollocationOptions options)
    {
        if (first == second) throw new ArgumentException("the two parameters must differ");
        System = system;
        _first = first;
        _second = second;
        _options = options.Validate();
        Mesh = mesh;
        _n = system.Dimension;
        _n3 = 3 * _n;
        _m = mesh.Scheme.Degree;
        _N = mesh.Intervals;
        _nodes = mesh.Nodes;
        _iT = _n3 * _nodes;
        _iTheta = _iT + 1;
        _iP2 = _iT + 2;
        _iP1 = _iT + 3;
        _p = parameters.ToArray();
        _reference = new double[_n * _nodes];
        _phase = new double[_n * _nodes];
        _vReference = new double[2 * _n * _nodes];
        _nodeWeights = new double[_nodes];
        _solver = new CollocationSolver(_n3, _m, _N, 4);
        _point = new double[Dimension];
        _workers = new Worker[_solver.Workers];
        for (int w = 0; w < _workers.Length; w++) _workers[w] = new Worker(system) { Params = parameters.ToArray() };
        _filler = FillInterval;
        NodeWeights();
    }

    public OdeSystem System { get; }
    /// <summary>The current discretisation (replaced when the mesh adapts).</summary>
    public CycleMesh Mesh { get; private set; }
    public int Dimension => _iP1 + 1;
    public int ParameterComponent => _iP1;
    /// <summary>Index in x of the second parameter.</summary>
    public int SecondComponent => _iP2;
    /// <summary>Index in x of the period.</summary>
    public int PeriodComponent => _iT;
    /// <summary>Index in x of the rotation angle θ of the critical multipliers e^{±iθ}.</summary>
    public int AngleComponent => _iTheta;
    public int DeterminantSign => _solver.DeterminantSign;
    public IReadOnlyList<PointKind> TestFunctionKinds => Kinds;

    int Node(int j, int k) => (j * _m + k) * _n3;

    /// <summary>The full parameter vector at x.</summary>
    public double[] ParametersAt(ReadOnlySpan<double> x)
    {
        var p = (double[])_p.Clone();
        SetParameters(x, p);
        return p;
    }

    void SetParameters(ReadOnlySpan<double> x, double[] p)
    {
        p[_first] = x[_iP1];
        p[_second] = x[_iP2];
    }

    /// <summary>The cycle part of x: (u node values, T, first parameter) as a cycle branch stores it.</summary>
    public double[] CycleUnknowns(ReadOnlySpan<double> x)
    {
        var c = new double[_n * _nodes + 2];
        for (int i = 0; i < _nodes; i++) x.Slice(i * _n3, _n).CopyTo(c.AsSpan(i * _n, _n));
        c[^2] = x[_iT];
        c[^1] = x[_iP1];
        return c;
    }

    /// <summary>
    /// The start (u, v_r, v_i, T, θ, p2, p1) from a cycle's unknowns (u nodes, T, value of the first
    /// parameter) on <see cref="Mesh"/>, the real and imaginary parts of the Floquet solution of the
    /// multiplier e^{iθ} (node values, n per node) and θ; v is normalised here.
    /// </summary>
    public double[] Start(ReadOnlySpan<double> cycle, ReadOnlySpan<double> vr, ReadOnlySpan<double> vi, double theta)
    {
        var x = new double[Dimension];
        for (int i = 0; i < _nodes; i++)
        {
            cycle.Slice(i * _n, _n).CopyTo(x.AsSpan(i * _n3, _n));
            vr.Slice(i * _n, _n).CopyTo(x.AsSpan(i * _n3 + _n, _n));
            vi.Slice(i * _n, _n).CopyTo(x.AsSpan(i * _n3 + 2 * _n, _n));
        }
        x[_iT] = cycle[_n * _nodes];
        x[_iTheta] = theta;
        x[_iP1] = _p[_first];
        x[_iP2] = _p[_second];
        double norm = Math.Sqrt(VNormSquared(x));
        if (!(norm > 0) || !double.IsFinite(norm)) throw new ArgumentException("the Floquet solution of the critical multipliers is zero or not finite");
        for (int i = 0; i < _nodes; i++) for (int s = _n; s < _n3; s++) x[i * _n3 + s] /= norm;
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

    /// <summary>∫|v_r|² + |v_i|² dt.</summary>
    double VNormSquared(ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < _nodes; i++)
        {
            double local = 0;
            for (int s = _n; s < _n3; s++) local += x[i * _n3 + s] * x[i * _n3 + s];
            sum += _nodeWeights[i] * local;
        }
        return sum;
    }

    /// <summary>∫⟨v_i, ṽ_r⟩ − ⟨v_r, ṽ_i⟩ dt = Im⟨ṽ, v⟩.</summary>
    double VPhase(ReadOnlySpan<double> x)
    {
        double sum = 0;
        int n = _n;
        for (int i = 0; i < _nodes; i++)
        {
            double local = 0;
            for (int s = 0; s < n; s++)
                local += x[i * _n3 + 2 * n + s] * _vReference[i * 2 * n + s] - x[i * _n3 + n + s] * _vReference[i * 2 * n + n + s];
            sum += _nodeWeights[i] * local;
        }
        return sum;
    }

    public bool Residual(ReadOnlySpan<double> x, Span<double> r)
    {
        x.CopyTo(_point);
        var w = _workers[0];
        SetParameters(x, w.Params);
        var scheme = Mesh.Scheme;
        var mesh = Mesh.Mesh;
        double T = x[_iT];
        int n = _n, n3 = _n3, m = _m;
        Span<double> du = stackalloc double[n];
        Span<double> dvr = stackalloc double[n];
        Span<double> dvi = stackalloc double[n];
        for (int j = 0; j < _N; j++)
        {
            double h = mesh[j + 1] - mesh[j];
            for (int c = 0; c < m; c++)
            {
                Array.Clear(w.U); Array.Clear(w.Vr); Array.Clear(w.Vi); du.Clear(); dvr.Clear(); dvi.Clear();
                for (int k = 0; k <= m; k++)
                {
                    double b = scheme.Basis[c, k], d = scheme.BasisDerivative[c, k] / h;
                    int off = Node(j, k);
                    for (int s = 0; s < n; s++)
                    {
                        double u = x[off + s], vr = x[off + n + s], vi = x[off + 2 * n + s];
                        w.U[s] += b * u; du[s] += d * u;
                        w.Vr[s] += b * vr; dvr[s] += d * vr;
                        w.Vi[s] += b * vi; dvi[s] += d * vi;
                    }
                }
                w.D.Evaluate(w.U, w.Params, w.F);
                w.D.StateJacobian(w.U, w.Params, w.Jac);
                int row = (j * m + c) * n3;
                for (int s = 0; s < n; s++)
                {
                    double jr = 0, ji = 0;
                    for (int q = 0; q < n; q++) { jr += w.Jac[s * n + q] * w.Vr[q]; ji += w.Jac[s * n + q] * w.Vi[q]; }
                    r[row + s] = du[s] - T * w.F[s];
                    r[row + n + s] = dvr[s] - T * jr;
                    r[row + 2 * n + s] = dvi[s] - T * ji;
                }
            }
        }
        int bc = _N * m * n3, last = _iT - n3;
        double cos = Math.Cos(x[_iTheta]), sin = Math.Sin(x[_iTheta]);
        for (int s = 0; s < n; s++)
        {
            double vr0 = x[n + s], vi0 = x[2 * n + s];
            r[bc + s] = x[s] - x[last + s];
            r[bc + n + s] = cos * vr0 - sin * vi0 - x[last + n + s];
            r[bc + 2 * n + s] = sin * vr0 + cos * vi0 - x[last + 2 * n + s];
        }
        int e = bc + n3;
        double phase = 0;
        for (int i = 0; i < _nodes; i++)
            for (int s = 0; s < n; s++) phase += _phase[i * n + s] * (x[i * n3 + s] - _reference[i * n + s]);
        r[e] = phase;
        r[e + 1] = VNormSquared(x) - 1;
        r[e + 2] = VPhase(x);
        for (int i = 0; i <= e + 2; i++) if (!double.IsFinite(r[i])) return false;
        return true;
    }

    public Linearization Factor(ReadOnlySpan<double> x, ReadOnlySpan<double> border)
    {
        x.CopyTo(_point);
        foreach (var w in _workers) SetParameters(x, w.Params);
        int n = _n, n3 = _n3, bcols = 2 * n3 + 4, gTheta = 2 * n3 + 1;
        var bnd = _solver.Boundary;
        bnd.Clear();
        double cos = Math.Cos(x[_iTheta]), sin = Math.Sin(x[_iTheta]);
        for (int s = 0; s < n; s++)
        {
            double vr0 = x[n + s], vi0 = x[2 * n + s];
            var ru = bnd.Slice(s * bcols, bcols);
            ru[s] = 1; ru[n3 + s] = -1;
            var rr = bnd.Slice((n + s) * bcols, bcols);
            rr[n + s] = cos; rr[2 * n + s] = -sin; rr[n3 + n + s] = -1; rr[gTheta] = -sin * vr0 - cos * vi0;
            var ri = bnd.Slice((2 * n + s) * bcols, bcols);
            ri[n + s] = sin; ri[2 * n + s] = cos; ri[n3 + 2 * n + s] = -1; ri[gTheta] = cos * vr0 - sin * vi0;
        }
        var brd = _solver.Border;
        brd.Clear();
        int total = Dimension;
        var phaseRow = brd.Slice(0, total);
        var normRow = brd.Slice(total, total);
        var vPhaseRow = brd.Slice(2 * total, total);
        for (int i = 0; i < _nodes; i++)
        {
            double wgt = _nodeWeights[i];
            for (int s = 0; s < n; s++)
            {
                int off = i * n3;
                phaseRow[off + s] = _phase[i * n + s];
                normRow[off + n + s] = 2 * wgt * x[off + n + s];
                normRow[off + 2 * n + s] = 2 * wgt * x[off + 2 * n + s];
                vPhaseRow[off + n + s] = -wgt * _vReference[i * 2 * n + n + s];
                vPhaseRow[off + 2 * n + s] = wgt * _vReference[i * 2 * n + s];
            }
        }
        border.CopyTo(brd.Slice(3 * total, total));
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
        double T = x[_iT];
        int n = _n, n3 = _n3, m = _m, ni = n3 * (m - 1), cols = _solver.IntervalColumns;
        // Globals: T, θ, p2, p1; θ enters the boundary rows only (its column stays zero here).
        int gT = ni + 2 * n3, gP2 = gT + 2, gP1 = gT + 3;
        double h = mesh[j + 1] - mesh[j];
        block.Clear();
        for (int c = 0; c < m; c++)
        {
            Array.Clear(w.U); Array.Clear(w.Vr); Array.Clear(w.Vi);
            for (int k = 0; k <= m; k++)
            {
                double b = scheme.Basis[c, k];
                int off = Node(j, k);
                for (int s = 0; s < n; s++) { w.U[s] += b * x[off + s]; w.Vr[s] += b * x[off + n + s]; w.Vi[s] += b * x[off + 2 * n + s]; }
            }
            w.D.Evaluate(w.U, w.Params, w.F);
            w.D.StateJacobian(w.U, w.Params, w.Jac);
            foreach (var v in w.Jac) if (!double.IsFinite(v)) { _nonFinite = true; return false; }
            w.DirectionalJacobian(w.Vr, w.Mr);
            w.DirectionalJacobian(w.Vi, w.Mi);
            for (int s = 0; s < n; s++)
            {
                double jr = 0, ji = 0;
                for (int q = 0; q < n; q++) { jr += w.Jac[s * n + q] * w.Vr[q]; ji += w.Jac[s * n + q] * w.Vi[q]; }
                w.Jvr[s] = jr;
                w.Jvi[s] = ji;
            }
            for (int k = 0; k <= m; k++)
            {
                int col0 = k == 0 ? ni : k == m ? ni + n3 : (k - 1) * n3;
                double d = scheme.BasisDerivative[c, k] / h, tb = T * scheme.Basis[c, k];
                for (int s = 0; s < n; s++)
                {
                    var ru = block.Slice((c * n3 + s) * cols, cols);
                    var rr = block.Slice((c * n3 + n + s) * cols, cols);
                    var ri = block.Slice((c * n3 + 2 * n + s) * cols, cols);
                    for (int q = 0; q < n; q++)
                    {
                        double jsq = tb * w.Jac[s * n + q];
                        ru[col0 + q] = -jsq;
                        rr[col0 + q] = -tb * w.Mr[s * n + q];
                        rr[col0 + n + q] = -jsq;
                        ri[col0 + q] = -tb * w.Mi[s * n + q];
                        ri[col0 + 2 * n + q] = -jsq;
                    }
                    ru[col0 + s] += d;
                    rr[col0 + n + s] += d;
                    ri[col0 + 2 * n + s] += d;
                }
            }
            w.ParameterColumns(_second, w.Fp2, w.Jvrp2, w.Jvip2);
            w.ParameterColumns(_first, w.Fp1, w.Jvrp1, w.Jvip1);
            for (int s = 0; s < n; s++)
            {
                var ru = block.Slice((c * n3 + s) * cols, cols);
                var rr = block.Slice((c * n3 + n + s) * cols, cols);
                var ri = block.Slice((c * n3 + 2 * n + s) * cols, cols);
                ru[gT] = -w.F[s]; rr[gT] = -w.Jvr[s]; ri[gT] = -w.Jvi[s];
                ru[gP2] = -T * w.Fp2[s]; rr[gP2] = -T * w.Jvrp2[s]; ri[gP2] = -T * w.Jvip2[s];
                ru[gP1] = -T * w.Fp1[s]; rr[gP1] = -T * w.Jvrp1[s]; ri[gP1] = -T * w.Jvip1[s];
            }
        }
        return true;
    }

    public void Solve(Span<double> rhs) => _solver.Solve(rhs);

    public void Accept(ReadOnlySpan<double> x)
    {
        int n = _n;
        for (int i = 0; i < _nodes; i++)
        {
            x.Slice(i * _n3, n).CopyTo(_reference.AsSpan(i * n, n));
            x.Slice(i * _n3 + n, 2 * n).CopyTo(_vReference.AsSpan(i * 2 * n, 2 * n));
        }
        Profiles.PhaseCoefficients(Mesh, _reference, n, _phase);
        _largestAmplitude = Math.Max(_largestAmplitude, Amplitude(x));
    }

    /// <summary>Largest peak-to-peak excursion of the cycle's state variables.</summary>
    public double Amplitude(ReadOnlySpan<double> x) => Profiles.Amplitude(x, _nodes, _n3, _n);

    public void FillWeights(Span<double> weights)
    {
        weights.Clear();
        Profiles.AddQuadratureWeights(Mesh, _n3, _n, weights);
        weights[_iT] = _options.PeriodWeight;
        // θ counts like a parameter: at R1 and R2 the parameters turn back while θ passes through 0 or π.
        weights[_iTheta] = 1;
        weights[_iP2] = 1;
        weights[_iP1] = 1;
    }

    public double[] Signature(ReadOnlySpan<double> x) => Profiles.Signature(x, _nodes, _n3, _n, [x[_iP1], x[_iP2], x[_iT], x[_iTheta]]);

    public object? Snapshot(ReadOnlySpan<double> x) => Mesh;

    public bool Adapt(double[] x, double[] tangent)
    {
        if (_options.AdaptEvery == 0 || ++_accepted % _options.AdaptEvery != 0) return false;
        var scheme = Mesh.Scheme;
        int len = _iT;
        var newMesh = PeriodicOrbits.Mesh.Adapt(scheme, Mesh.Mesh, x.AsSpan(0, len), _n3, _N);
        var xs = new double[len];
        var ts = new double[len];
        PeriodicOrbits.Mesh.Interpolate(scheme, Mesh.Mesh, x.AsSpan(0, len), _n3, newMesh, xs);
        PeriodicOrbits.Mesh.Interpolate(scheme, Mesh.Mesh, tangent.AsSpan(0, len), _n3, newMesh, ts);
        xs.CopyTo(x, 0);
        ts.CopyTo(tangent, 0);
        Mesh = Mesh with { Mesh = newMesh };
        NodeWeights();
        Accept(x);
        return true;
    }

    /// <summary>Turning points of the curve in a parameter are not bifurcations.</summary>
    public PointKind Reclassify(PointKind kind, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, ref SpecialPointDetails? details)
        => PointKind.Regular;

    /// <summary>
    /// The u-block M of the monodromy of the last factorisation (row-major n×n) and its eigenvalues,
    /// the cycle's Floquet multipliers, sorted by decreasing modulus (NaN where they could not be computed).
    /// </summary>
    (double[] Monodromy, Complex[] Multipliers) CycleMonodromy()
    {
        int n = _n, n3 = _n3;
        var mono = _solver.Monodromy();
        var block = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) block[i * n + j] = mono[i * n3 + j];
        return (block, FloquetTests.Multipliers(block, n));
    }

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

    public PointAnalysis Analyze(ReadOnlySpan<double> x, Span<double> testValues)
    {
        // Called right after Factor at the same x: the solver holds the monodromy.
        var (monodromy, mu) = CycleMonodromy();
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
        return new PointAnalysis(unstable == 0, unstable, mu);
    }

    public SpecialPointDetails? Describe(int testFunction, ReadOnlySpan<double> x, PointAnalysis analysis)
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
            default:
                return new SpecialPointDetails(Period: T, EndsBranch: true,
                    Note: "the cycles shrink to an equilibrium (towards a double-Hopf point of the equilibria)");
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
        var m = Matrix<double>.Build.Dense(n, n, (i, j) => mono[i * n + j]);
        var ev = m.Evd(Symmetricity.Asymmetric).EigenValues;
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
        var shifted = m.ToComplex() - Matrix<Complex>.Build.DenseIdentity(n) * mu;
        var w = shifted.Svd(true).VT.Row(n - 1).Conjugate().ToArray();
        var vr = cycle.Variation(unknowns, w.Select(c => c.Real).ToArray());
        var vi = cycle.Variation(unknowns, w.Select(c => c.Imaginary).ToArray());
        return (vr, vi, mu.Phase);
    }
}
