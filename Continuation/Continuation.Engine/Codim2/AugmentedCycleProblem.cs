using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Continuation.Algebra;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Systems;

namespace Continuation.Codim2;

/// <summary>
/// The part shared by the augmented boundary-value problems that continue a bifurcation of cycles
/// in two parameters (<see cref="CycleCurveProblem"/>, <see cref="NeimarkSackerCurveProblem"/>):
/// a cycle u' = T f(u, p), u(0) = u(1), ∫⟨u − ũ, ũ'⟩ = 0 together with k copies v_1 … v_k of a
/// profile that solves a variational equation along it, discretised by the cycle's collocation and
/// solved by the structured <see cref="CollocationSolver"/>. Each mesh node holds (u, v_1, …, v_k),
/// stride = (1 + k) n values; the global unknowns follow the profile: the period T first, then the
/// problem's own, and the second and first continued parameters last.
/// </summary>
/// <remarks>
/// <para>Kept here: the layout of the unknowns and the parameters; the u-equations (their
/// collocation rows, periodicity and the phase condition against the last accepted point, residual
/// and linearisation); the collocation loop with per-worker evaluation of f, f_u and f_u v_i, and
/// the central differences of f_u v_i in u (along v_i) and in the two parameters; the factorisation
/// and solve; arclength weights, signature and mesh adaptation of the whole augmented profile; the
/// cycle's monodromy as the leading n × n block of the augmented one (the u-equations do not
/// involve v, so that monodromy is block lower triangular).</para>
/// <para>A subclass gives its own equations: the collocation rows of the v_i, the v-part of the
/// boundary conditions, the integral conditions after the phase condition, the start, the test
/// functions and their description.</para>
/// <para>Doedel, Keller, Kernévez, Int. J. Bifurcation and Chaos 1 (1991), part II, section 6.</para>
/// </remarks>
internal abstract class AugmentedCycleProblem : IContinuationProblem
{
    /// <summary>State dimension n, values per node (1 + k) n, degree m, intervals N, nodes N m + 1, number of globals.</summary>
    private protected readonly int _n, _stride, _m, _N, _nodes, _globals;
    /// <summary>Indices in x of the period and the second and first parameters; indices of the two parameters in the model.</summary>
    private protected readonly int _iT, _iP2, _iP1, _first, _second;
    /// <summary>Every model parameter at the start.</summary>
    private protected readonly double[] _p;
    private protected readonly CollocationSolver _solver;
    /// <summary>Coefficients of the phase condition ∫⟨u, ũ'⟩ dt = Σ c·u (n per node) from the last accepted point.</summary>
    private protected readonly double[] _phase;
    private protected double _largestAmplitude;
    readonly int _copies;
    readonly double[] _reference;
    readonly CollocationOptions _options;
    readonly double[] _point;
    readonly Worker[] _workers;
    readonly CollocationSolver.IntervalFiller _filler;
    int _accepted;
    volatile bool _nonFinite;

    /// <summary>Per-worker evaluation buffers at one collocation point (no allocation in the loop).</summary>
    private protected sealed class Worker
    {
        public readonly Derivatives D;
        public double[] Params = [];
        /// <summary>u and u' at the point, f(u, p), f_u(u, p) (row-major), ∂f/∂p of the two parameters, and scratch.</summary>
        public readonly double[] U, Du, F, Jac, Fp1, Fp2, Shift, Jplus, Jminus;
        /// <summary>Per copy i: v_i, v_i', f_u v_i, M_i = ∂(f_u v_i)/∂u (row-major), ∂(f_u v_i)/∂p of the first and second parameter.</summary>
        public readonly double[][] V, Dv, Jv, M, Jvp1, Jvp2;

        public Worker(OdeSystem system, int copies)
        {
            int n = system.Dimension;
            D = new Derivatives(system);
            U = new double[n]; Du = new double[n]; F = new double[n]; Jac = new double[n * n];
            Fp1 = new double[n]; Fp2 = new double[n]; Shift = new double[n];
            Jplus = new double[n * n]; Jminus = new double[n * n];
            double[][] Copies(int length) => Enumerable.Range(0, copies).Select(_ => new double[length]).ToArray();
            V = Copies(n); Dv = Copies(n); Jv = Copies(n); M = Copies(n * n); Jvp1 = Copies(n); Jvp2 = Copies(n);
        }
    }

    /// <param name="system">The model.</param>
    /// <param name="parameters">Every model parameter at the start (the two continued ones included).</param>
    /// <param name="first">Index of the first continued parameter (the primary one of the driver).</param>
    /// <param name="second">Index of the second continued parameter.</param>
    /// <param name="mesh">The discretisation of the start cycle.</param>
    /// <param name="options">Collocation settings (adaptation, period weight).</param>
    /// <param name="copies">Number k of variational profiles per node.</param>
    /// <param name="globals">Global unknowns after the profile: T, the problem's own, then the two parameters.</param>
    private protected AugmentedCycleProblem(OdeSystem system, ReadOnlySpan<double> parameters, int first, int second, CycleMesh mesh,
        CollocationOptions options, int copies, int globals)
    {
        System = system;
        _first = first;
        _second = second;
        _options = options.Validate();
        Mesh = mesh;
        _n = system.Dimension;
        _copies = copies;
        _stride = (1 + copies) * _n;
        _m = mesh.Scheme.Degree;
        _N = mesh.Intervals;
        _nodes = mesh.Nodes;
        _globals = globals;
        _iT = _stride * _nodes;
        _iP2 = _iT + globals - 2;
        _iP1 = _iT + globals - 1;
        _p = parameters.ToArray();
        _reference = new double[_n * _nodes];
        _phase = new double[_n * _nodes];
        _solver = new CollocationSolver(_stride, _m, _N, globals, _options.MaxThreads);
        _point = new double[Dimension];
        _workers = new Worker[_solver.Workers];
        for (int w = 0; w < _workers.Length; w++) _workers[w] = new Worker(system, copies) { Params = parameters.ToArray() };
        _filler = FillInterval;
    }

    /// <summary>The model.</summary>
    public OdeSystem System { get; }
    /// <summary>The current discretisation (replaced when the mesh adapts).</summary>
    public CycleMesh Mesh { get; private set; }
    /// <summary>Number of unknowns: the profile (stride values per node), then the globals.</summary>
    public int Dimension => _iP1 + 1;
    /// <summary>Index in x of the first parameter (the last unknown).</summary>
    public int ParameterComponent => _iP1;
    /// <summary>Index in x of the second parameter.</summary>
    public int SecondComponent => _iP2;
    /// <summary>Index in x of the period.</summary>
    public int PeriodComponent => _iT;
    /// <inheritdoc/>
    public int DeterminantSign => _solver.DeterminantSign;
    /// <inheritdoc/>
    public double LogAbsDeterminant => _solver.LogAbsDeterminant;
    /// <inheritdoc/>
    public abstract IReadOnlyList<PointKind> TestFunctionKinds { get; }

    /// <summary>Offset in x of node k of interval j.</summary>
    private protected int Node(int j, int k) => (j * _m + k) * _stride;

    /// <summary>Column in an interval block of node k (0 … m) of the interval; the globals follow at <see cref="GlobalColumn"/>.</summary>
    private protected int NodeColumn(int k)
    {
        int ni = _stride * (_m - 1);
        return k == 0 ? ni : k == _m ? ni + _stride : (k - 1) * _stride;
    }

    /// <summary>Column in an interval block of global unknown g (0: the period).</summary>
    private protected int GlobalColumn(int g) => _stride * (_m - 1) + 2 * _stride + g;

    /// <summary>Row length of the boundary rows (U_0, U_N, globals).</summary>
    private protected int BoundaryColumns => 2 * _stride + _globals;

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
        for (int i = 0; i < _nodes; i++) x.Slice(i * _stride, _n).CopyTo(c.AsSpan(i * _n, _n));
        c[^2] = x[_iT];
        c[^1] = x[_iP1];
        return c;
    }

    /// <summary>
    /// The v-rows (n … stride − 1) of the collocation residual at one collocation point:
    /// <paramref name="rows"/> is the point's whole block of stride rows, the worker holds u, v_i,
    /// their derivatives, f, f_u and f_u v_i there.
    /// </summary>
    private protected abstract void VariationalResidual(Worker w, ReadOnlySpan<double> x, Span<double> rows);

    /// <summary>
    /// The v-rows (n … stride − 1) of the <paramref name="boundary"/> conditions (stride rows; the u-rows
    /// are periodicity) and the <paramref name="integral"/> conditions after the phase condition.
    /// </summary>
    private protected abstract void ConditionResidual(ReadOnlySpan<double> x, Span<double> boundary, Span<double> integral);

    /// <summary>
    /// The linearisation at one collocation point of the v-rows (n … stride − 1 of the point's
    /// block rows c·stride …): the worker holds u, v_i, f, f_u, f_u v_i, M_i and the parameter
    /// derivatives there. Every entry of these rows is written, zeros included (the block holds
    /// the last factorisation's values).
    /// </summary>
    private protected abstract void VariationalRows(Worker w, ReadOnlySpan<double> x, int c, double h, Span<double> block);

    /// <summary>
    /// The linearisation of the v-rows of the boundary conditions (row-major, <see cref="BoundaryColumns"/>
    /// columns) and of the integral conditions after the phase condition (border rows 1 … globals − 2,
    /// <see cref="Dimension"/> columns); both are cleared before.
    /// </summary>
    private protected abstract void LinearizeConditions(ReadOnlySpan<double> x, Span<double> boundary, Span<double> border);

    /// <summary>
    /// u' − T f(u, p) and the subclass's v-rows at every collocation point, periodicity of u with the
    /// subclass's boundary rows, the phase condition against the last accepted point and the subclass's
    /// integral conditions. Returns false if any value is not finite.
    /// </summary>
    public bool Residual(ReadOnlySpan<double> x, Span<double> r)
    {
        x.CopyTo(_point);
        foreach (var worker in _workers) SetParameters(x, worker.Params);
        int n = _n, m = _m;
        // The collocation rows on the factorisation's workers, interval ranges as there.
        int workers = _N >= 8 ? _workers.Length : 1;
        _residualRows ??= new double[_N * m * _stride];
        if (workers == 1) ResidualRange(0, _N, 0);
        else
        {
            _residualWorkers = workers;
            WorkerPool.Run(workers, _residualShare ??= w => ResidualRange(w * _N / _residualWorkers, (w + 1) * _N / _residualWorkers, w));
        }
        int bc = _N * m * _stride, last = _iT - _stride;
        _residualRows.AsSpan(0, bc).CopyTo(r);
        for (int s = 0; s < n; s++) r[bc + s] = x[s] - x[last + s];
        double phase = 0;
        for (int i = 0; i < _nodes; i++)
            for (int s = 0; s < n; s++) phase += _phase[i * n + s] * (x[i * _stride + s] - _reference[i * n + s]);
        r[bc + _stride] = phase;
        ConditionResidual(x, r.Slice(bc, _stride), r.Slice(bc + _stride + 1, _globals - 2));
        for (int i = 0; i < Dimension - 1; i++) if (!double.IsFinite(r[i])) return false;
        return true;
    }

    double[]? _residualRows;
    int _residualWorkers;
    Action<int>? _residualShare;

    /// <summary>The collocation rows (u′ − T f and the variational rows) of intervals [from, to) at <see cref="_point"/>, by worker <paramref name="worker"/>.</summary>
    void ResidualRange(int from, int to, int worker)
    {
        var w = _workers[worker];
        var x = _point;
        var mesh = Mesh.Mesh;
        double T = x[_iT];
        int n = _n, m = _m;
        var r = _residualRows!;
        for (int j = from; j < to; j++)
        {
            double h = mesh[j + 1] - mesh[j];
            for (int c = 0; c < m; c++)
            {
                Collocate(w, x, j, c, h, derivatives: true);
                Evaluate(w);
                var rows = r.AsSpan((j * m + c) * _stride, _stride);
                for (int s = 0; s < n; s++) rows[s] = w.Du[s] - T * w.F[s];
                VariationalResidual(w, x, rows);
            }
        }
    }

    /// <summary>Linearises at x and factors the bordered system with the structured <see cref="CollocationSolver"/> (no dense factorisation).</summary>
    public Linearization Factor(ReadOnlySpan<double> x, ReadOnlySpan<double> border)
    {
        x.CopyTo(_point);
        foreach (var w in _workers) SetParameters(x, w.Params);
        int n = _n, bcols = BoundaryColumns, total = Dimension;
        var bnd = _solver.Boundary;
        bnd.Clear();
        for (int s = 0; s < n; s++) { bnd[s * bcols + s] = 1; bnd[s * bcols + _stride + s] = -1; }
        var brd = _solver.Border;
        brd.Clear();
        for (int i = 0; i < _nodes; i++) for (int s = 0; s < n; s++) brd[i * _stride + s] = _phase[i * n + s];
        LinearizeConditions(x, bnd, brd);
        border.CopyTo(brd.Slice((_globals - 1) * total, total));
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
        int n = _n, m = _m, cols = _solver.IntervalStride;
        int gT = GlobalColumn(0), gP2 = GlobalColumn(_globals - 2), gP1 = GlobalColumn(_globals - 1);
        double h = mesh[j + 1] - mesh[j];
        for (int c = 0; c < m; c++)
        {
            Collocate(w, x, j, c, h, derivatives: false);
            Evaluate(w);
            foreach (var v in w.Jac) if (!double.IsFinite(v)) { _nonFinite = true; return false; }
            for (int i = 0; i < _copies; i++) DirectionalJacobian(w, w.V[i], w.M[i]);
            ParameterColumns(w, _second, w.Fp2, w.Jvp2);
            ParameterColumns(w, _first, w.Fp1, w.Jvp1);
            // The u-rows: u' − T f(u, p).
            ref double rows = ref MemoryMarshal.GetReference(block.Slice(c * _stride * cols, _stride * cols));
            ref double jac = ref MemoryMarshal.GetArrayDataReference(w.Jac);
            for (int k = 0; k <= m; k++)
            {
                int col0 = NodeColumn(k);
                double d = scheme.BasisDerivative[c, k] / h, tb = -T * scheme.Basis[c, k];
                for (int s = 0; s < n; s++)
                {
                    ref double ru = ref Unsafe.Add(ref rows, s * cols + col0);
                    ref double js = ref Unsafe.Add(ref jac, s * n);
                    for (int q = 0; q < n; q++) Unsafe.Add(ref ru, q) = tb * Unsafe.Add(ref js, q);
                    Unsafe.Add(ref ru, s) += d;
                    // The node's variational columns: u' − T f does not involve them.
                    MemoryMarshal.CreateSpan(ref Unsafe.Add(ref ru, n), _stride - n).Clear();
                }
            }
            for (int s = 0; s < n; s++)
            {
                var ru = block.Slice((c * _stride + s) * cols, cols);
                ru.Slice(gT, _globals).Clear();
                ru[gT] = -w.F[s];
                ru[gP2] = -T * w.Fp2[s];
                ru[gP1] = -T * w.Fp1[s];
            }
            VariationalRows(w, x, c, h, block);
        }
        return true;
    }

    /// <summary>u and the v_i (and their derivatives when asked) at collocation point c of interval j (length h).</summary>
    void Collocate(Worker w, ReadOnlySpan<double> x, int j, int c, double h, bool derivatives)
    {
        var scheme = Mesh.Scheme;
        int n = _n;
        Array.Clear(w.U);
        foreach (var v in w.V) Array.Clear(v);
        if (derivatives)
        {
            Array.Clear(w.Du);
            foreach (var dv in w.Dv) Array.Clear(dv);
        }
        for (int k = 0; k <= _m; k++)
        {
            double b = scheme.Basis[c, k], d = derivatives ? scheme.BasisDerivative[c, k] / h : 0;
            int off = Node(j, k);
            for (int s = 0; s < n; s++)
            {
                double u = x[off + s];
                w.U[s] += b * u;
                if (derivatives) w.Du[s] += d * u;
                for (int i = 0; i < _copies; i++)
                {
                    double v = x[off + (1 + i) * n + s];
                    w.V[i][s] += b * v;
                    if (derivatives) w.Dv[i][s] += d * v;
                }
            }
        }
    }

    /// <summary>f(u, p), f_u(u, p) and f_u v_i at the worker's point.</summary>
    void Evaluate(Worker w)
    {
        int n = _n;
        w.D.Evaluate(w.U, w.Params, w.F);
        w.D.StateJacobian(w.U, w.Params, w.Jac);
        for (int i = 0; i < _copies; i++)
        {
            var v = w.V[i];
            var jv = w.Jv[i];
            for (int s = 0; s < n; s++)
            {
                double sum = 0;
                for (int q = 0; q < n; q++) sum += w.Jac[s * n + q] * v[q];
                jv[s] = sum;
            }
        }
    }

    /// <summary>M = ∂(f_u v)/∂u = the derivative of f_u along v (f_uu is symmetric), by central differences.</summary>
    static void DirectionalJacobian(Worker w, double[] v, double[] m)
    {
        double vn = 0;
        foreach (var e in v) vn = Math.Max(vn, Math.Abs(e));
        if (vn == 0) { Array.Clear(m); return; }
        double un = 0;
        foreach (var e in w.U) un += e * e;
        double h = 1e-6 * Math.Max(1, Math.Sqrt(un)) / vn;
        for (int s = 0; s < v.Length; s++) w.Shift[s] = w.U[s] + h * v[s];
        w.D.StateJacobian(w.Shift, w.Params, w.Jplus);
        for (int s = 0; s < v.Length; s++) w.Shift[s] = w.U[s] - h * v[s];
        w.D.StateJacobian(w.Shift, w.Params, w.Jminus);
        for (int i = 0; i < m.Length; i++) m[i] = (w.Jplus[i] - w.Jminus[i]) / (2 * h);
    }

    /// <summary>∂f/∂p_k into fp, and ∂(f_u v_i)/∂p_k into jvp[i] by central differences, at the worker's point.</summary>
    static void ParameterColumns(Worker w, int k, double[] fp, double[][] jvp)
    {
        int n = w.U.Length;
        w.D.ParameterDerivative(w.U, w.Params, k, fp);
        double pk = w.Params[k], hp = 1e-6 * Math.Max(1, Math.Abs(pk));
        w.Params[k] = pk + hp;
        w.D.StateJacobian(w.U, w.Params, w.Jplus);
        w.Params[k] = pk - hp;
        w.D.StateJacobian(w.U, w.Params, w.Jminus);
        w.Params[k] = pk;
        for (int i = 0; i < jvp.Length; i++)
        {
            var v = w.V[i];
            for (int s = 0; s < n; s++)
            {
                double sum = 0;
                for (int q = 0; q < n; q++) sum += (w.Jplus[s * n + q] - w.Jminus[s * n + q]) * v[q];
                jvp[i][s] = sum / (2 * hp);
            }
        }
    }

    /// <inheritdoc/>
    public void Solve(Span<double> rhs) => _solver.Solve(rhs);

    /// <summary>Takes the u-part of x as the reference ũ of the phase condition and records the amplitude.</summary>
    public virtual void Accept(ReadOnlySpan<double> x)
    {
        for (int i = 0; i < _nodes; i++) x.Slice(i * _stride, _n).CopyTo(_reference.AsSpan(i * _n, _n));
        Profiles.PhaseCoefficients(Mesh, _reference, _n, _phase);
        _largestAmplitude = Math.Max(_largestAmplitude, Amplitude(x));
    }

    /// <summary>Largest peak-to-peak excursion of the cycle's state variables.</summary>
    public double Amplitude(ReadOnlySpan<double> x) => Profiles.Amplitude(x, _nodes, _stride, _n);

    /// <summary>Quadrature weights on the u-part of the profile, the period weight on T, 1 on the two parameters (0 elsewhere).</summary>
    public virtual void FillWeights(Span<double> weights)
    {
        weights.Clear();
        Profiles.AddQuadratureWeights(Mesh, _stride, _n, weights);
        weights[_iT] = _options.PeriodWeight;
        weights[_iP2] = 1;
        weights[_iP1] = 1;
    }

    /// <summary>The cycle's own profile (the first n values of every node) of the augmented unknowns x.</summary>
    private protected double[] CycleProfile(ReadOnlySpan<double> x)
    {
        var u = new double[_nodes * _n];
        for (int i = 0; i < _nodes; i++) x.Slice(i * _stride, _n).CopyTo(u.AsSpan(i * _n, _n));
        return u;
    }

    /// <summary>The two parameters, the period, then the range of each state variable.</summary>
    public virtual double[] Signature(ReadOnlySpan<double> x) => Profiles.Signature(x, _nodes, _stride, _n, [x[_iP1], x[_iP2], x[_iT]]);

    /// <summary>The current <see cref="Mesh"/>, on which x is to be read.</summary>
    public object? Snapshot(ReadOnlySpan<double> x) => Mesh;

    /// <summary>Every <see cref="CollocationOptions.AdaptEvery"/> accepted points, adapts the mesh to the whole augmented profile.</summary>
    public bool Adapt(double[] x, double[] tangent, double[] previous)
    {
        if (_options.AdaptEvery == 0 || ++_accepted % _options.AdaptEvery != 0) return false;
        Mesh = Profiles.AdaptMesh(Mesh, x, tangent, previous, _stride);
        MeshAdapted();
        Accept(x);
        return true;
    }

    /// <summary>Called when <see cref="Mesh"/> has been replaced, before the adapted point is accepted.</summary>
    private protected virtual void MeshAdapted() { }

    /// <inheritdoc/>
    public abstract PointKind Reclassify(PointKind kind, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, ref SpecialPointDetails? details);

    /// <inheritdoc/>
    public abstract PointAnalysis Analyze(ReadOnlySpan<double> x, Span<double> testValues);

    /// <summary>The defining condition of a located point (see <see cref="IContinuationProblem.DefiningResidual"/>); null: the relative test value.</summary>
    public virtual double? DefiningResidual(PointKind kind, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, PointAnalysis analysis) => null;

    /// <inheritdoc/>
    public abstract SpecialPointDetails? Describe(int testFunction, ReadOnlySpan<double> x, PointAnalysis analysis);

    /// <summary>
    /// The cycle's monodromy (row-major n × n) from the last factorisation: the leading block of the
    /// augmented system's, since the u-equations do not involve v (no extra factorisation).
    /// </summary>
    private protected double[] CycleMonodromy()
    {
        int n = _n;
        var mono = _solver.Monodromy();
        var block = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) block[i * n + j] = mono[i * _stride + j];
        return block;
    }
}
