using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Continuation.Algebra;
using Continuation.Pathfollowing;
using Continuation.Systems;

namespace Continuation.PeriodicOrbits;

/// <summary>
/// The discretisation of a cycle — the single source of its size: NTST mesh intervals
/// (<see cref="Intervals"/>) and NCOL collocation points per interval (the scheme's degree), and the
/// mesh its node values live on. A requested size is a uniform mesh (<see cref="Uniform"/>); a computed
/// cycle carries its adapted one.
/// </summary>
/// <param name="Mesh">0 = τ_0 &lt; … &lt; τ_N = 1; never modified (adaptation makes a new one).</param>
public sealed record CycleMesh(CollocationScheme Scheme, double[] Mesh)
{
    /// <summary>NTST and NCOL when nothing else is said: 100 intervals of degree 4.</summary>
    public static CycleMesh Default { get; } = Uniform(100, 4);

    /// <summary>A uniform mesh of <paramref name="intervals"/> (NTST ≥ 2) of degree <paramref name="degree"/> (NCOL, 2 … 7).</summary>
    public static CycleMesh Uniform(int intervals, int degree)
    {
        if (intervals < 2) throw new ArgumentException($"ntst must be at least 2, got {intervals}.");
        if (degree < CollocationScheme.MinDegree || degree > CollocationScheme.MaxDegree)
            throw new ArgumentException($"ncol must be between {CollocationScheme.MinDegree} and {CollocationScheme.MaxDegree}, got {degree}.");
        return new CycleMesh(new CollocationScheme(degree), PeriodicOrbits.Mesh.Uniform(intervals));
    }

    /// <summary>Mesh intervals (NTST).</summary>
    public int Intervals => Mesh.Length - 1;
    /// <summary>Collocation points per interval (NCOL).</summary>
    public int Degree => Scheme.Degree;
    /// <summary>Node values per component: NTST · NCOL + 1.</summary>
    public int Nodes => Intervals * Scheme.Degree + 1;
    /// <summary>True when <paramref name="other"/> has as many intervals of the same degree (the meshes may differ).</summary>
    public bool SameSize(CycleMesh other) => Intervals == other.Intervals && Degree == other.Degree;
    /// <summary>A uniform mesh of this size and degree with <paramref name="intervals"/> changed.</summary>
    public CycleMesh WithIntervals(int intervals) => Uniform(intervals, Degree);
    /// <summary>A uniform mesh of this size with <paramref name="degree"/> changed.</summary>
    public CycleMesh WithDegree(int degree) => Uniform(Intervals, degree);
    /// <summary>Time in [0, 1] of node i.</summary>
    public double NodeTime(int i)
    {
        int m = Scheme.Degree;
        int j = Math.Min(i / m, Intervals - 1);
        int k = i - j * m;
        return Mesh[j] + Scheme.Nodes[k] * (Mesh[j + 1] - Mesh[j]);
    }
}

/// <summary>How a cycle's discretisation is used (its size is the <see cref="CycleMesh"/>'s).</summary>
public sealed record CollocationOptions
{
    /// <summary>Redistribute the mesh every this many accepted points (0: never).</summary>
    public int AdaptEvery { get; init; } = 3;
    /// <summary>Weight of the period in the arclength norm (the profile has its L2 norm, the parameter 1).</summary>
    public double PeriodWeight { get; init; } = 0.1;
    /// <summary>Threads one factorisation may use (0: every core, at most 4); 1 when independent problems already run in parallel.</summary>
    public int MaxThreads { get; init; }

    /// <summary>This, when every setting is in range; otherwise an <see cref="ArgumentException"/> naming the key.</summary>
    public CollocationOptions Validate()
    {
        if (AdaptEvery < 0) throw new ArgumentException($"adapt must be non-negative, got {AdaptEvery}.");
        if (!(PeriodWeight >= 0)) throw new ArgumentException($"period_weight must be non-negative, got {PeriodWeight}.");
        return this;
    }
}

/// <summary>
/// Periodic orbits u' = T f(u, p) on [0, 1] with u(0) = u(1) and the integral phase condition
/// ∫⟨u − ũ, ũ'⟩ dt = 0 against the previous solution ũ, discretised by orthogonal collocation
/// (piecewise polynomials of degree m at the m Gauss points of each mesh interval). Unknowns:
/// node values, the period T, the continued parameter. Linear algebra by
/// <see cref="CollocationSolver"/>; Floquet multipliers from the same factorisation.
/// </summary>
/// <remarks>
/// Doedel, Keller, Kernévez, Int. J. Bifurcation and Chaos 1 (1991) 493–520 and 745–772;
/// de Boor &amp; Swartz (1973) for the collocation; test functions for PD and NS on the multipliers
/// (Kuznetsov, ch. 10): Π(1 + μ_i) and Π_{i&lt;j}(μ_i μ_j − 1) over the nontrivial multipliers.
/// </remarks>
public class PeriodicOrbitProblem : IContinuationProblem
{
    static readonly PointKind[] Kinds = [PointKind.PD, PointKind.NS, PointKind.EP];
    readonly Derivatives _d;
    readonly int _n, _m, _N, _nodes, _iT, _iL;
    readonly double[] _p, _u, _du, _f;
    readonly double[] _reference, _phase;
    readonly CollocationSolver _solver;
    readonly CollocationOptions _options;
    int _accepted;

    /// <param name="system">The vector field.</param>
    /// <param name="parameters">The full parameter vector (the continued one is overwritten from x).</param>
    /// <param name="parameter">Index of the continued parameter.</param>
    /// <param name="mesh">The discretisation (its size is NTST × NCOL).</param>
    /// <param name="options">Mesh adaptation, period weight, threads.</param>
    public PeriodicOrbitProblem(OdeSystem system, ReadOnlySpan<double> parameters, int parameter, CycleMesh mesh, CollocationOptions options)
    {
        System = system;
        Parameter = parameter;
        _options = options.Validate();
        Mesh = mesh;
        _d = new Derivatives(system);
        _n = system.Dimension;
        _m = mesh.Scheme.Degree;
        _N = mesh.Intervals;
        _nodes = mesh.Nodes;
        _iT = _n * _nodes;
        _iL = _iT + 1;
        _p = parameters.ToArray();
        _u = new double[_n]; _du = new double[_n]; _f = new double[_n];
        _reference = new double[_iT];
        _phase = new double[_iT];
        _solver = new CollocationSolver(_n, _m, _N, 2, _options.MaxThreads);
        _point = new double[Dimension];
        _residualBuffer = new double[_N * _m * _n];
        _collocationStates = new double[_N * _m * _n];
        _collocationValues = new double[_N * _m * _n];
        _collocationPoint = new double[Dimension];
        _workers = new Worker[_solver.Workers];
        for (int w = 0; w < _workers.Length; w++) _workers[w] = new Worker(system);
        _filler = FillInterval;
        _quadrature = new double[_iT];
        Profiles.AddQuadratureWeights(Mesh, _n, _n, _quadrature);
    }

    /// <summary>The period at x.</summary>
    public virtual double PeriodAt(ReadOnlySpan<double> x) => x[_iT];

    /// <summary>Copies the continued parameters of x into the parameter vector p.</summary>
    private protected virtual void SetParameters(ReadOnlySpan<double> x, double[] p) => p[Parameter] = x[_iL];

    /// <summary>
    /// The column of the unknown at <see cref="PeriodComponent"/> at one collocation point, from
    /// <paramref name="f"/> = f(u, p) in place: ∂(u' − T f)/∂T = −f for the period.
    /// </summary>
    private protected virtual void PeriodColumn(Derivatives d, double[] u, double[] p, double period, double[] f)
    {
        for (int s = 0; s < f.Length; s++) f[s] = -f[s];
    }

    /// <summary>Weight of the unknown at <see cref="PeriodComponent"/> in the arclength norm.</summary>
    private protected virtual double PeriodWeight => _options.PeriodWeight;

    /// <summary>A problem like this one at <paramref name="parameters"/> with <paramref name="options"/>, for a factorisation of its own.</summary>
    private protected virtual PeriodicOrbitProblem Twin(double[] parameters, CollocationOptions options)
        => new(System, parameters, Parameter, Mesh, options);

    /// <summary>The vector field.</summary>
    public OdeSystem System { get; }
    /// <summary>Index of the (first) continued parameter.</summary>
    public int Parameter { get; }
    /// <summary>The current discretisation (replaced when the mesh adapts).</summary>
    public CycleMesh Mesh { get; private set; }
    /// <inheritdoc/>
    public int Dimension => _iL + 1;
    /// <summary>Index of the continued parameter in x (the last unknown).</summary>
    public int ParameterComponent => _iL;
    /// <summary>Index of the period in x.</summary>
    public int PeriodComponent => _iT;
    /// <inheritdoc/>
    public int DeterminantSign => _solver.DeterminantSign;
    /// <inheritdoc/>
    public double LogAbsDeterminant => _solver.LogAbsDeterminant;
    /// <summary>PD, NS and the Hopf arrival (EP), in the order of the values <see cref="Analyze"/> writes.</summary>
    public IReadOnlyList<PointKind> TestFunctionKinds => Kinds;
    /// <inheritdoc/>
    public PointKind FoldKind => PointKind.LPC;
    /// <inheritdoc/>
    public PointKind BranchPointKind => PointKind.BPC;

    /// <summary>The full parameter vector at x.</summary>
    public double[] ParametersAt(ReadOnlySpan<double> x)
    {
        var p = (double[])_p.Clone();
        SetParameters(x, p);
        return p;
    }

    int NodeOffset(int j, int k) => (j * _m + k) * _n;

    /// <inheritdoc/>
    public bool Residual(ReadOnlySpan<double> x, Span<double> r)
    {
        x.CopyTo(_point);
        SetParameters(x, _p);
        var res = _residualBuffer;
        // On the factorisation's workers (kept waiting, so cheap to call), in the same ranges.
        int workers = _N >= 8 ? _workers.Length : 1;
        if (workers == 1) CollocationResiduals(res, 0, _N, 0);
        else
        {
            _residualWorkers = workers;
            WorkerPool.Run(workers, _residualShare ??= w => CollocationResiduals(_residualBuffer, w * _N / _residualWorkers, (w + 1) * _N / _residualWorkers, w));
        }
        _point.CopyTo(_collocationPoint);
        _collocationMesh = Mesh;
        int n = _n, bc = _N * _m * n;
        res.AsSpan(0, bc).CopyTo(r);
        for (int s = 0; s < n; s++) r[bc + s] = x[s] - x[_iT - n + s];
        double phase = 0;
        for (int i = 0; i < _iT; i++) phase += _phase[i] * (x[i] - _reference[i]);
        r[bc + n] = phase;
        for (int i = 0; i <= bc + n; i++) if (!double.IsFinite(r[i])) return false;
        return true;
    }

    /// <summary>Collocation residuals u'(g_c) − T f(u(g_c)) of intervals [from, to) at <see cref="_point"/>.</summary>
    void CollocationResiduals(double[] r, int from, int to, int worker)
    {
        var w = _workers[worker];
        var scheme = Mesh.Scheme;
        var mesh = Mesh.Mesh;
        var x = _point;
        double T = PeriodAt(x);
        int n = _n, m = _m;
        var basis = scheme.Basis;
        var derivative = scheme.BasisDerivative;
        var u = w.U.AsSpan(0, n);
        var du = w.Fl.AsSpan(0, n); // scratch of length n
        var f = w.F.AsSpan(0, n);
        Span<double> bc = stackalloc double[m + 1], dc = stackalloc double[m + 1];
        for (int j = from; j < to; j++)
        {
            double h = mesh[j + 1] - mesh[j];
            ref double nodes = ref x[NodeOffset(j, 0)];
            for (int c = 0; c < m; c++)
            {
                for (int k = 0; k <= m; k++) { bc[k] = basis[c, k]; dc[k] = derivative[c, k] / h; }
                Interpolate(ref nodes, n, bc, dc, u, du);
                w.D.Evaluate(w.U, _p, w.F);
                u.CopyTo(_collocationStates.AsSpan((j * m + c) * n, n));
                f.CopyTo(_collocationValues.AsSpan((j * m + c) * n, n));
                ref double rows = ref r[(j * m + c) * n];
                for (int s = 0; s < n; s++) Unsafe.Add(ref rows, s) = du[s] - T * f[s];
            }
        }
    }

    readonly double[] _residualBuffer;
    int _residualWorkers;
    Action<int>? _residualShare;

    // u and f(u, p) at every collocation point of the last residual, the point and mesh they belong
    // to: a factorisation at the same point (the corrector's first iteration, a tangent after the
    // confirming residual) takes them instead of evaluating them again.
    readonly double[] _collocationStates, _collocationValues, _collocationPoint;
    CycleMesh? _collocationMesh;
    bool _reuseCollocation;

    /// <inheritdoc/>
    public Linearization Factor(ReadOnlySpan<double> x, ReadOnlySpan<double> border)
    {
        int n = _n;
        var bnd = _solver.Boundary;
        bnd.Clear();
        int bcols = 2 * n + 2;
        for (int s = 0; s < n; s++) { bnd[s * bcols + s] = 1; bnd[s * bcols + n + s] = -1; }
        var brd = _solver.Border;
        brd.Clear();
        _phase.CopyTo(brd);
        border.CopyTo(brd.Slice(Dimension, Dimension));
        return FactorWithBlocks(x);
    }

    /// <summary>Fills the interval blocks at x while the solver condenses them, on all workers.</summary>
    Linearization FactorWithBlocks(ReadOnlySpan<double> x)
    {
        x.CopyTo(_point);
        SetParameters(x, _p);
        _nonFinite = false;
        _reuseCollocation = ReferenceEquals(_collocationMesh, Mesh) && x.SequenceEqual(_collocationPoint);
        bool ok = _solver.Factor(_filler);
        if (_nonFinite) return Linearization.NonFinite;
        return ok ? Linearization.Factored : Linearization.Singular;
    }

    /// <summary>
    /// The solution ξ of the variational equation ξ' = T f_u(u(t)) ξ along the cycle x with
    /// ξ(0) = <paramref name="initial"/>, at the nodes (solved as a linear boundary-value problem
    /// with the same structured solver, not by time stepping).
    /// </summary>
    public double[] Variation(ReadOnlySpan<double> x, ReadOnlySpan<double> initial)
    {
        int n = _n, bcols = 2 * n + 2;
        var bnd = _solver.Boundary;
        bnd.Clear();
        for (int s = 0; s < n; s++) bnd[s * bcols + s] = 1;
        var brd = _solver.Border;
        brd.Clear();
        brd[_iT] = 1;
        brd[Dimension + _iL] = 1;
        if (FactorWithBlocks(x) != Linearization.Factored) throw new InvalidOperationException("singular or non-finite variational problem");
        var rhs = new double[Dimension];
        initial.CopyTo(rhs.AsSpan(_N * _m * n, n));
        _solver.Solve(rhs);
        return rhs[.._iT];
    }

    /// <summary>Adds to the state Jacobian at a collocation point (u, p, row-major jac); null: none.</summary>
    public delegate void JacobianShift(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jacobian);

    volatile JacobianShift? _jacobianShift;

    /// <summary>
    /// Floquet multipliers of ξ' = T [f_u(u(t)) + S(u(t))] ξ along the cycle x, where
    /// <paramref name="shift"/> adds S to the Jacobian at every collocation point — e.g.
    /// ε(Λ − 1)·DH for the transverse mode Λ of a network (Λ = 1 gives the cycle's own
    /// multipliers). Computed on the cycle's own mesh with the structured solver.
    /// </summary>
    public Complex[] MultipliersWith(ReadOnlySpan<double> x, JacobianShift shift)
    {
        _jacobianShift = shift;
        try
        {
            var border = new double[Dimension];
            border[_iL] = 1;
            Factor(x, border);
            return _solver.FloquetMultipliers();
        }
        finally
        {
            _jacobianShift = null;
        }
    }

    /// <summary>
    /// The monodromy matrix (row-major n×n) of ξ' = T [f_u(u(t)) + S(u(t))] ξ along the cycle x,
    /// S added by <paramref name="shift"/> as in <see cref="MultipliersWith"/>; NaN entries when the
    /// elimination failed.
    /// </summary>
    public double[] MonodromyWith(ReadOnlySpan<double> x, JacobianShift shift)
    {
        _jacobianShift = shift;
        try
        {
            return Monodromy(x);
        }
        finally
        {
            _jacobianShift = null;
        }
    }

    /// <summary>The monodromy matrix (row-major n×n) of the cycle x.</summary>
    public double[] Monodromy(ReadOnlySpan<double> x)
    {
        var border = new double[Dimension];
        border[_iL] = 1;
        Factor(x, border);
        return _solver.Monodromy();
    }

    /// <summary>Per-worker evaluation buffers: the system is stateless, the derivative helpers are not.</summary>
    sealed class Worker(OdeSystem system)
    {
        public readonly Derivatives D = new(system);
        public readonly double[] U = new double[system.Dimension], F = new double[system.Dimension],
            Fl = new double[system.Dimension], Jac = new double[system.Dimension * system.Dimension];
    }

    readonly double[] _point;
    readonly Worker[] _workers;
    readonly CollocationSolver.IntervalFiller _filler;
    volatile bool _nonFinite;

    /// <summary>The collocation rows of interval j at the point in <see cref="_point"/>, in the solver's column order.</summary>
    bool FillInterval(int j, Span<double> block, int worker)
    {
        var w = _workers[worker];
        var scheme = Mesh.Scheme;
        var mesh = Mesh.Mesh;
        var x = _point;
        double T = PeriodAt(x);
        int n = _n, m = _m, ni = n * (m - 1), cols = _solver.IntervalStride;
        double h = mesh[j + 1] - mesh[j];
        var basis = scheme.Basis;
        var derivative = scheme.BasisDerivative;
        var u = w.U.AsSpan(0, n);
        ref double nodes = ref x[NodeOffset(j, 0)];
        ref double jac = ref w.Jac[0];
        ref double b0 = ref MemoryMarshal.GetReference(block);
        Span<double> tb = stackalloc double[m + 1], db = stackalloc double[m + 1], bc = stackalloc double[m + 1];
        Span<int> col = stackalloc int[m + 1];
        for (int k = 0; k <= m; k++) col[k] = k == 0 ? ni : k == m ? ni + n : (k - 1) * n;
        // Every entry of the block is written below: no clearing needed.
        bool reuse = _reuseCollocation;
        for (int c = 0; c < m; c++)
        {
            for (int k = 0; k <= m; k++)
            {
                tb[k] = -T * basis[c, k];
                db[k] = derivative[c, k] / h;
            }
            if (reuse)
            {
                _collocationStates.AsSpan((j * m + c) * n, n).CopyTo(u);
                _collocationValues.AsSpan((j * m + c) * n, n).CopyTo(w.F);
            }
            else
            {
                for (int k = 0; k <= m; k++) bc[k] = basis[c, k];
                Interpolate(ref nodes, n, bc, default, u, default);
                w.D.Evaluate(w.U, _p, w.F);
            }
            w.D.StateJacobian(w.U, _p, w.Jac);
            _jacobianShift?.Invoke(w.U, _p, w.Jac);
            w.D.ParameterDerivative(w.U, _p, Parameter, w.Fl);
            if (!AllFinite(w.F) || !AllFinite(w.Jac) || !AllFinite(w.Fl)) { _nonFinite = true; return false; }
            PeriodColumn(w.D, w.U, _p, T, w.F);
            for (int s = 0; s < n; s++)
            {
                // Row (c, s): −T ℓ_k(z_c) f_u[s, ·] + ℓ_k'(z_c)/h e_s for node k, in the block's column order.
                ref double row = ref Unsafe.Add(ref b0, (c * n + s) * cols);
                ref double jrow = ref Unsafe.Add(ref jac, s * n);
                for (int k = 0; k <= m; k++)
                {
                    ref double target = ref Unsafe.Add(ref row, col[k]);
                    ScaledCopy(tb[k], ref jrow, ref target, n);
                    Unsafe.Add(ref target, s) += db[k];
                }
                Unsafe.Add(ref row, ni + 2 * n) = w.F[s];
                Unsafe.Add(ref row, ni + 2 * n + 1) = -T * w.Fl[s];
            }
        }
        return true;
    }

    /// <summary>y[0..n) = α x[0..n), in whole vectors where n allows (the last one overlapping the one before).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void ScaledCopy(double alpha, ref double x, ref double y, int n)
    {
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            var va = Vector256.Create(alpha);
            int q = 0;
            for (; q + 4 <= n; q += 4) (va * Vector256.LoadUnsafe(ref x, (nuint)q)).StoreUnsafe(ref y, (nuint)q);
            if (q < n) (va * Vector256.LoadUnsafe(ref x, (nuint)(n - 4))).StoreUnsafe(ref y, (nuint)(n - 4));
        }
        else
            for (int q = 0; q < n; q++) Unsafe.Add(ref y, q) = alpha * Unsafe.Add(ref x, q);
    }

    /// <summary>
    /// u = Σ_k b[k] x_k and, when <paramref name="d"/> is given, u' = Σ_k d[k] x_k over the nodes
    /// x_k = nodes[k·n …] of an interval: four states per vector, each sum in node order, a product
    /// then a sum as the scalar form rounds them (the residual and the fill must agree to the bit).
    /// </summary>
    static void Interpolate(ref double nodes, int n, ReadOnlySpan<double> b, ReadOnlySpan<double> d, Span<double> u, Span<double> du)
    {
        bool derivative = !d.IsEmpty;
        int s = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; s + 4 <= n; s += 4)
            {
                var au = Vector256<double>.Zero;
                var ad = Vector256<double>.Zero;
                for (int k = 0; k < b.Length; k++)
                {
                    var v = Vector256.LoadUnsafe(ref Unsafe.Add(ref nodes, k * n + s));
                    au += Vector256.Create(b[k]) * v;
                    if (derivative) ad += Vector256.Create(d[k]) * v;
                }
                au.CopyTo(u[s..]);
                if (derivative) ad.CopyTo(du[s..]);
            }
        for (; s < n; s++)
        {
            double su = 0, sd = 0;
            for (int k = 0; k < b.Length; k++)
            {
                double v = Unsafe.Add(ref nodes, k * n + s);
                su += b[k] * v;
                if (derivative) sd += d[k] * v;
            }
            u[s] = su;
            if (derivative) du[s] = sd;
        }
    }

    /// <summary>True when every value is finite (v − v is 0 for those, NaN otherwise).</summary>
    static bool AllFinite(ReadOnlySpan<double> values)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var zero = Vector256<double>.Zero;
            ref double v0 = ref MemoryMarshal.GetReference(values);
            for (; i + 4 <= values.Length; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref v0, (nuint)i);
                zero += v - v;
            }
            if (zero != Vector256<double>.Zero) return false;
        }
        for (; i < values.Length; i++) if (!double.IsFinite(values[i])) return false;
        return true;
    }

    /// <inheritdoc/>
    public void Solve(Span<double> rhs) => _solver.Solve(rhs);

    /// <inheritdoc/>
    public void Accept(ReadOnlySpan<double> x)
    {
        SetReference(x[.._iT]);
        SetDeviationReference(x);
        _largestAmplitude = Math.Max(_largestAmplitude, Amplitude(x));
    }

    /// <summary>A fold of cycles whose amplitude is below this fraction of the largest one seen on the branch is the arrival at a Hopf point.</summary>
    const double HopfArrivalFraction = 1e-3;
    double _largestAmplitude;

    /// <summary>Multipliers whose trivial one is farther than this from 1 are not trusted: stability and the PD, NS and BPC tests are unknown there.</summary>
    public const double UnreliableTrivialError = 1e-4;

    // The last accepted cycle's deviation from its mean (node values) and its norm: the reference of
    // the signed amplitude, whose sign change is the passage of the branch through a Hopf point.
    double[]? _deviation;
    double _deviationNorm;

    /// <summary>Mean over the cycle of component s (quadrature on the current mesh).</summary>
    double Mean(ReadOnlySpan<double> x, int s)
    {
        double sum = 0, weight = 0;
        for (int i = 0; i < _nodes; i++) { sum += _quadrature[i * _n] * x[i * _n + s]; weight += _quadrature[i * _n]; }
        return sum / weight;
    }

    void SetDeviationReference(ReadOnlySpan<double> x)
    {
        _deviation ??= new double[_iT];
        double norm = 0;
        for (int s = 0; s < _n; s++)
        {
            double mean = Mean(x, s);
            for (int i = 0; i < _nodes; i++)
            {
                double d = x[i * _n + s] - mean;
                _deviation[i * _n + s] = d;
                norm += _quadrature[i * _n + s] * d * d;
            }
        }
        _deviationNorm = Math.Sqrt(norm);
    }

    /// <summary>
    /// ∫⟨u − ū, ũ − ū̃⟩ dt / ‖ũ − ū̃‖ against the last accepted cycle ũ: about its amplitude while the
    /// branch moves on, and negative once it has passed through a Hopf point, beyond which the
    /// collocation branch continues with the same cycles shifted by half a period. NaN before a
    /// reference with a nonzero amplitude exists (the first step from a Hopf point).
    /// </summary>
    double SignedAmplitude(ReadOnlySpan<double> x)
    {
        if (_deviation is null || !(_deviationNorm > 0)) return double.NaN;
        double dot = 0;
        for (int s = 0; s < _n; s++)
        {
            double mean = Mean(x, s);
            for (int i = 0; i < _nodes; i++) dot += _quadrature[i * _n + s] * (x[i * _n + s] - mean) * _deviation[i * _n + s];
        }
        return dot / _deviationNorm;
    }

    readonly double[] _quadrature;

    /// <inheritdoc/>
    public PointKind Reclassify(PointKind kind, ReadOnlySpan<double> x, ref SpecialPointDetails? details)
    {
        // A fold (or branch point) of cycles with (nearly) zero amplitude is where the family meets
        // the equilibria: the Hopf point at which the branch ends.
        if (Amplitude(x) < 10 * HopfArrivalFraction * _largestAmplitude)
        {
            details = new SpecialPointDetails(Period: PeriodAt(x), Note: HopfArrivalNote) { HopfArrival = true };
            return PointKind.EP;
        }
        // On a branch of doubled cycles, the branch point (with the fold of its tip) where the two halves
        // of the cycle coincide is the period doubling of the primary at the other end of the bubble:
        // beyond it the branch retraces the same cycles shifted by half a period.
        if (Doubled && HalfShiftDistance(x) < 1e-3 * Amplitude(x))
        {
            details = new SpecialPointDetails(Period: PeriodAt(x), Note: DoubledReturnNote, EndsBranch: true);
            return PointKind.EP;
        }
        return kind;
    }

    /// <summary>The branch follows doubled cycles, born at a period doubling (set by the facade).</summary>
    public bool Doubled { get; init; }

    /// <summary>Note of the end point where a doubled cycle has returned onto its primary cycle.</summary>
    public const string DoubledReturnNote = "the doubled cycle has returned onto the primary cycle traversed twice: the period doubling of the primary at the other end of the branch";

    /// <summary>max over the nodes of |u(t + ½) − u(t)|: zero where the cycle is a cycle of half the period traversed twice.</summary>
    double HalfShiftDistance(ReadOnlySpan<double> x)
    {
        var shifted = new double[_n];
        var profile = x[.._iT];
        double worst = 0;
        for (int i = 0; i < _nodes; i++)
        {
            double t = Mesh.NodeTime(i) + 0.5;
            if (t >= 1) t -= 1;
            PeriodicOrbits.Mesh.EvaluateAt(Mesh.Scheme, Mesh.Mesh, profile, _n, t, shifted);
            for (int s = 0; s < _n; s++) worst = Math.Max(worst, Math.Abs(shifted[s] - x[i * _n + s]));
        }
        return worst;
    }

    /// <summary>Note of the end point where a cycle branch has shrunk onto a Hopf point.</summary>
    public const string HopfArrivalNote = "reached a Hopf point: the cycle has shrunk to an equilibrium";

    /// <summary>Sets the profile ũ of the phase condition ∫⟨u − ũ, ũ'⟩ dt = 0.</summary>
    public void SetReference(ReadOnlySpan<double> profile)
    {
        profile.CopyTo(_reference);
        Profiles.PhaseCoefficients(Mesh, profile, _n, _phase);
    }

    /// <summary>Quadrature weights for the profile, <see cref="PeriodWeight"/> for the period's slot, 1 for the parameter.</summary>
    public void FillWeights(Span<double> weights)
    {
        weights.Clear();
        Profiles.AddQuadratureWeights(Mesh, _n, _n, weights);
        weights[_iT] = PeriodWeight;
        weights[_iL] = 1;
    }

    /// <summary>Largest peak-to-peak excursion over the state variables (at the nodes).</summary>
    public double Amplitude(ReadOnlySpan<double> x) => Profiles.Amplitude(x, _nodes, _n, _n);

    /// <inheritdoc/>
    public double[] Signature(ReadOnlySpan<double> x) => Profiles.Signature(x, _nodes, _n, _n, [x[_iL], x[_iT]]);

    /// <summary>The mesh x lives on (kept with each point: adaptation replaces it).</summary>
    public object? Snapshot(ReadOnlySpan<double> x) => Mesh;

    /// <inheritdoc/>
    public bool Adapt(double[] x, double[] tangent, double[] previous)
    {
        if (_options.AdaptEvery == 0 || ++_accepted % _options.AdaptEvery != 0) return false;
        Mesh = Profiles.AdaptMesh(Mesh, x, tangent, previous, _n);
        Array.Clear(_quadrature);
        Profiles.AddQuadratureWeights(Mesh, _n, _n, _quadrature);
        SetReference(x.AsSpan(0, _iT));
        SetDeviationReference(x);
        return true;
    }

    /// <summary>Floquet multipliers at x (factors the Jacobian there).</summary>
    public Complex[] Multipliers(ReadOnlySpan<double> x)
    {
        var border = new double[Dimension];
        border[_iL] = 1;
        Factor(x, border);
        return _solver.FloquetMultipliers();
    }

    /// <summary>
    /// Floquet multipliers of the cycle at which the Jacobian was last factored (by
    /// <see cref="Factor"/> or <see cref="Multipliers"/>), without a new factorisation.
    /// </summary>
    public Complex[] MultipliersOfLastFactorization() => _solver.FloquetMultipliers();

    /// <summary>Index of the trivial multiplier (the one closest to 1).</summary>
    public static int TrivialIndex(Complex[] mu)
    {
        int best = 0;
        for (int i = 1; i < mu.Length; i++) if ((mu[i] - 1).Magnitude < (mu[best] - 1).Magnitude) best = i;
        return best;
    }

    /// <inheritdoc/>
    public PointAnalysis Analyze(ReadOnlySpan<double> x, Span<double> testValues)
    {
        // Called right after Factor at the same x: the solver holds the monodromy.
        var mu = _solver.FloquetMultipliers();
        int trivial = TrivialIndex(mu);
        double trivialError = (mu[trivial] - 1).Magnitude;
        testValues[2] = SignedAmplitude(x);
        if (!(trivialError <= UnreliableTrivialError) || mu.Any(v => !double.IsFinite(v.Real) || !double.IsFinite(v.Imaginary)))
        {
            // Multipliers that cannot be trusted (e.g. near a homoclinic orbit): nothing is read off them.
            testValues[0] = testValues[1] = double.NaN;
            return new PointAnalysis(false, 0, mu) { Unreliable = true };
        }
        Complex pd = 1, ns = 1;
        for (int i = 0; i < mu.Length; i++)
        {
            if (i == trivial) continue;
            pd *= (mu[i] + 1) / (1 + mu[i].Magnitude);
            for (int j = i + 1; j < mu.Length; j++)
                if (j != trivial) ns *= (mu[i] * mu[j] - 1) / (1 + (mu[i] * mu[j]).Magnitude);
        }
        testValues[0] = pd.Real;
        testValues[1] = ns.Real;
        var signature = SignatureOf(mu, trivial, trivialError);
        var exponents = mu.Where((_, i) => i != trivial).Select(m => Math.Log(m.Magnitude)).OrderByDescending(v => v).ToArray();
        return new PointAnalysis(signature.Unstable == 0, signature.Unstable, mu, signature) { Exponents = exponents };
    }

    /// <summary>
    /// Nontrivial multipliers outside the unit circle, the real ones beyond +1 and beyond −1;
    /// marginal when one lies on the circle to within the accuracy the trivial one shows.
    /// </summary>
    internal static StabilitySignature SignatureOf(Complex[] mu, int trivial, double trivialError)
    {
        double margin = Math.Max(1e-6, 10 * trivialError);
        int unstable = 0, plus = 0, minus = 0;
        bool marginal = false;
        for (int i = 0; i < mu.Length; i++)
        {
            if (i == trivial) continue;
            double r = mu[i].Magnitude;
            if (Math.Abs(r - 1) <= margin) marginal = true;
            if (!(r > 1)) continue;
            unstable++;
            if (Math.Abs(mu[i].Imaginary) <= 1e-10 * r)
            {
                if (mu[i].Real > 0) plus++; else minus++;
            }
        }
        return new StabilitySignature(unstable, plus, minus, marginal);
    }

    /// <summary>Multipliers are known to about the distance of the trivial one from 1: conditions on them (PD, NS, BPC) to ten times that.</summary>
    public double ResidualFloor(PointKind kind, PointAnalysis analysis)
    {
        if (kind is not (PointKind.PD or PointKind.NS or PointKind.BPC) || analysis.Spectrum.Length == 0) return 0;
        var mu = analysis.Spectrum;
        return 10 * (mu[TrivialIndex(mu)] - 1).Magnitude;
    }

    /// <remarks>
    /// LPC: the parameter component of the unit tangent (the cycle's fold condition); PD: |μ + 1| of
    /// the nontrivial multiplier closest to −1; NS: ||μ| − 1| of the complex pair closest to the unit
    /// circle; BPC: the relative branch-point test, unless the multipliers there cannot be trusted.
    /// </remarks>
    public double? DefiningResidual(PointKind kind, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, PointAnalysis analysis)
    {
        var mu = analysis.Spectrum;
        switch (kind)
        {
            case PointKind.LPC: return Math.Abs(tangent[_iL]);
            // The branch-point test's value relative to the ends of the step (a second multiplier at
            // +1 moves as fast as the cycle's spectrum does, which sets no scale), unless the multipliers
            // that would confirm it cannot be trusted.
            case PointKind.BPC: return analysis.Unreliable ? double.NaN : null;
            case PointKind.PD or PointKind.NS:
            {
                if (analysis.Unreliable || mu.Length == 0) return double.NaN;
                int trivial = TrivialIndex(mu);
                double best = double.PositiveInfinity;
                for (int i = 0; i < mu.Length; i++)
                {
                    if (i == trivial) continue;
                    if (kind == PointKind.PD) best = Math.Min(best, (mu[i] + 1).Magnitude);
                    else if (Math.Abs(mu[i].Imaginary) > 1e-8 * mu[i].Magnitude) best = Math.Min(best, Math.Abs(mu[i].Magnitude - 1));
                }
                return best;
            }
            default: return null;
        }
    }

    /// <inheritdoc/>
    public SpecialPointDetails? Describe(int testFunction, ReadOnlySpan<double> x, PointAnalysis analysis)
    {
        var mu = analysis.Spectrum;
        double T = PeriodAt(x);
        int trivial = TrivialIndex(mu);
        switch (Kinds[testFunction])
        {
            case PointKind.PD:
            {
                int best = -1;
                for (int i = 0; i < mu.Length; i++)
                    if (i != trivial && (best < 0 || (mu[i] + 1).Magnitude < (mu[best] + 1).Magnitude)) best = i;
                if (best < 0 || Math.Abs(mu[best].Imaginary) > 1e-6 || (mu[best] + 1).Magnitude > 1e-3) return null;
                return new SpecialPointDetails(Period: T, Note: PeriodDoublingNote(x) + "multipliers " + Format(mu)) { ListsMultipliers = true };
            }
            case PointKind.NS:
            {
                int bi = -1, bj = -1;
                double best = double.PositiveInfinity;
                for (int i = 0; i < mu.Length; i++)
                    for (int j = i + 1; j < mu.Length; j++)
                    {
                        if (i == trivial || j == trivial) continue;
                        double v = (mu[i] * mu[j] - 1).Magnitude;
                        if (v < best) { best = v; bi = i; bj = j; }
                    }
                // A torus bifurcation needs a complex-conjugate pair on the unit circle: a real pair μ, 1/μ is a neutral
                // saddle, and a sign change of the product with no pair near the circle comes from ill-conditioned
                // multipliers (e.g. 1e11 and 1e-3 near a homoclinic orbit), not from a crossing.
                if (bi < 0 || best > 1e-3 || Math.Abs(mu[bi].Imaginary) < 1e-6 * (1 + mu[bi].Magnitude)
                    || (mu[bj] - Complex.Conjugate(mu[bi])).Magnitude > 1e-6 * (1 + mu[bi].Magnitude)) return null;
                double theta = Math.Abs(mu[bi].Phase);
                return new SpecialPointDetails(Period: T, Note: $"theta = {theta.ToString("G6", CultureInfo.InvariantCulture)}; " + TorusNote(x, theta) + "multipliers " + Format(mu)) { ListsMultipliers = true };
            }
            default:
                // The signed amplitude changed sign: an arrival at a Hopf point only if the cycle is small there.
                if (!(Amplitude(x) <= 0.05 * _largestAmplitude)) return null;
                return new SpecialPointDetails(Period: T, Note: HopfArrivalNote, EndsBranch: true) { HopfArrival = true };
        }
    }

    /// <summary>
    /// "supercritical (c = …); " from the period-doubling normal-form coefficient at the cycle x, or
    /// "" when it cannot be computed.
    /// </summary>
    string PeriodDoublingNote(ReadOnlySpan<double> x)
    {
        var (parameters, monodromy) = SeparateMonodromy(x);
        double c = PeriodicNormalization.PeriodDoubling(System, parameters, Mesh, x[.._iT], PeriodAt(x), monodromy);
        return CycleNormalForms.DescribePeriodDoubling(c) is { } text ? text + "; " : "";
    }

    /// <summary>
    /// The parameters at x and the monodromy there, from a problem of its own: the continuation's
    /// factorisation (bordered by its arclength row, reused by the chord Newton) is left as it is.
    /// </summary>
    (double[] Parameters, double[] Monodromy) SeparateMonodromy(ReadOnlySpan<double> x)
    {
        var parameters = ParametersAt(x);
        var own = Twin(parameters, _options with { MaxThreads = 1 });
        return (parameters, own.Monodromy(x));
    }

    /// <summary>"supercritical (d = …); " from the torus normal-form coefficient at the cycle x, or "" (as <see cref="PeriodDoublingNote"/>).</summary>
    string TorusNote(ReadOnlySpan<double> x, double theta)
    {
        var (parameters, monodromy) = SeparateMonodromy(x);
        double d = PeriodicNormalization.NeimarkSacker(System, parameters, Mesh, x[.._iT], PeriodAt(x), monodromy, theta);
        return CycleNormalForms.DescribeNeimarkSacker(d) is { } text ? text + "; " : "";
    }

    /// <summary>Multipliers as text for notes: "−0.99999+0i 0.35 …".</summary>
    public static string Format(Complex[] mu) => string.Join(" ", mu.Select(v =>
        Math.Abs(v.Imaginary) < 1e-12 * (1 + v.Magnitude)
            ? v.Real.ToString("G6", CultureInfo.InvariantCulture)
            : $"{v.Real.ToString("G6", CultureInfo.InvariantCulture)}{(v.Imaginary >= 0 ? "+" : "-")}{Math.Abs(v.Imaginary).ToString("G6", CultureInfo.InvariantCulture)}i"));

    /// <summary>
    /// Start at a Hopf point: the equilibrium as a constant profile with T = 2π/ω, and the
    /// tangent Re(q e^{2πit}) along which the cycle is born. Sets the phase reference so that
    /// the first step is well posed. Returns (x0, tangent).
    /// </summary>
    public (double[] X, double[] Tangent) StartAtHopf(ReadOnlySpan<double> equilibrium, double lambda, double omega, ReadOnlySpan<Complex> q)
    {
        var x0 = new double[Dimension];
        var t0 = new double[Dimension];
        for (int i = 0; i < _nodes; i++)
        {
            double t = Mesh.NodeTime(i);
            var e = Complex.Exp(new Complex(0, 2 * Math.PI * t));
            for (int s = 0; s < _n; s++)
            {
                x0[i * _n + s] = equilibrium[s];
                t0[i * _n + s] = (q[s] * e).Real;
            }
        }
        x0[_iT] = 2 * Math.PI / omega;
        x0[_iL] = lambda;
        var reference = new double[_iT];
        for (int i = 0; i < _iT; i++) reference[i] = x0[i] + t0[i];
        SetReference(reference);
        return (x0, t0);
    }
}
