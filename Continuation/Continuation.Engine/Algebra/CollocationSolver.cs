using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Continuation.Algebra;

/// <summary>
/// Structured direct solver for the linearised collocation system of a boundary-value problem on
/// NTST mesh intervals with NCOL collocation points each: block rows per interval, n boundary
/// rows on (U_0, U_N, globals), and a few dense border rows (phase condition, arclength, …).
/// </summary>
/// <remarks>
/// The elimination follows AUTO-07p's scheme (Doedel, Keller, Kernévez 1991; AUTO's BRBD):
/// (1) condensation of parameters — on each interval the n(m−1) interior unknowns are eliminated
/// by Gaussian elimination with partial pivoting, leaving n rows in (U_j, U_{j+1}, globals);
/// (2) the chain of mesh unknowns U_1 … U_{N−1} is eliminated one block at a time, pivoting across
/// the 2n rows that share U_j, leaving n rows P0·U_0 + P1·U_N + C·g; (3) those rows, the boundary
/// rows and the (eliminated) border rows form a dense system of size 2n + globals; (4) back
/// substitution. The cost is linear in NTST; nothing of size NTST·n is ever factored densely.
/// The monodromy of the linearised flow is −P1⁻¹P0 (AUTO's FLOWKM idea), giving the Floquet
/// multipliers from the same factorisation. Work buffers are allocated once.
/// Unknowns are in natural order: node i = j·m + k of interval j (k = 0 … m−1) at [i·n, i·n + n),
/// the last mesh node at N·m·n, then the globals. Equations in natural order: the n·m
/// collocation rows of each interval, then the n boundary rows, then the border rows.
/// </remarks>
internal sealed class CollocationSolver
{
    readonly int _n, _m, _N, _g;
    readonly int _ni;        // interior unknowns per interval, n(m−1)
    readonly int _rows;      // rows per interval, n·m
    readonly int _cols;      // columns per interval block: interior, U_j, U_{j+1}, globals
    readonly int _stride;    // row stride of a block: _cols rounded up to whole vectors (the padding stays zero)
    readonly double[][] _blocks;
    readonly int[][] _blockPivots;
    readonly double[][] _pivotInverses;  // per interval: 1 / U[c, c] for the interior columns (the substitutions multiply)
    readonly int _lowerStride;   // rows per interval plus room for a vector's overrun, rounded up to whole vectors
    readonly double[][] _lowerColumns; // per interval: L's column c at [c·_lowerStride + row] (the panels are factored there), for the forward solve
    readonly double[] _boundary;   // n × (2n + g)
    readonly double[] _border;     // g × total
    readonly double[][] _borderFactors;  // per interval: g × n(m−1)
    readonly double[][] _borderDeltas;   // per interval: g × (2n + g), what its border elimination took from U_j, U_{j+1} and the globals
    // Chain stages j = 1 … N−1: 2n rows × (n [U_j] + n [U_0] + n [U_{j+1}] + g) columns.
    readonly double[][] _stages;
    readonly int _stageStride;        // 3n + g rounded up to whole vectors
    readonly double[][] _stageLower;  // per stage: its multipliers, 2n × n row-major (row i, column c: at [i·n + c])
    readonly double[][] _stageInverses; // per stage: 1 / pivot of its n columns
    readonly int[][] _stagePivots;
    readonly double[][] _stageBorderFactors; // g × n
    readonly double[] _reduced;    // n × (2n + g): rows P0 U_0 + P1 U_N + C g after the chain
    readonly DenseLu _final;
    readonly double[] _finalMatrix;
    readonly double[] _p0, _p1;
    readonly double[] _rhsWork;
    int _sign;
    double _logDet;
    readonly int[] _intervalSigns;
    readonly double[] _intervalLogDets;

    /// <param name="n">State dimension.</param>
    /// <param name="m">Collocation points per interval (NCOL).</param>
    /// <param name="ntst">Number of mesh intervals (NTST).</param>
    /// <param name="globals">Global unknowns (period, parameters …); also the number of border rows.</param>
    /// <param name="maxThreads">Threads a factorisation may use (default: every core, at most 4); 1 when the caller is already parallel.</param>
    public CollocationSolver(int n, int m, int ntst, int globals, int maxThreads = 0)
    {
        Workers = Math.Max(1, Math.Min(maxThreads > 0 ? maxThreads : Environment.ProcessorCount, WorkerPool.MaxWorkers));
        if (n < 1 || m < 1 || ntst < 1 || globals < 0) throw new ArgumentOutOfRangeException(nameof(n));
        _n = n; _m = m; _N = ntst; _g = globals;
        _ni = n * (m - 1);
        _rows = n * m;
        _cols = _ni + 2 * n + globals;
        _stride = RoundUp(_cols);
        _lowerStride = RoundUp(_rows + Lanes - 1);
        Unknowns = n * (ntst * m + 1) + globals;
        _blocks = new double[ntst][];
        _blockPivots = new int[ntst][];
        _pivotInverses = new double[ntst][];
        _lowerColumns = new double[ntst][];
        _borderFactors = new double[ntst][];
        for (int j = 0; j < ntst; j++)
        {
            _blocks[j] = new double[_rows * _stride];
            _blockPivots[j] = new int[_ni];
            _pivotInverses[j] = new double[_ni];
            _lowerColumns[j] = new double[RoundUp(_ni) * _lowerStride];
            _borderFactors[j] = new double[Math.Max(1, globals * _ni)];
        }
        _boundary = new double[n * (2 * n + globals)];
        _border = new double[globals * Unknowns];
        _stages = new double[ntst][];
        _stageLower = new double[ntst][];
        _stageInverses = new double[ntst][];
        _stagePivots = new int[ntst][];
        _stageBorderFactors = new double[ntst][];
        _stageStride = RoundUp(3 * n + globals);
        for (int j = 1; j < ntst; j++)
        {
            _stages[j] = new double[2 * n * _stageStride];
            _stageLower[j] = new double[2 * n * n];
            _stageInverses[j] = new double[n];
            _stagePivots[j] = new int[n];
            _stageBorderFactors[j] = new double[Math.Max(1, globals * n)];
        }
        _reduced = new double[n * (2 * n + globals)];
        int f = 2 * n + globals;
        _final = new DenseLu(f);
        _finalMatrix = new double[f * f];
        _p0 = new double[n * n];
        _p1 = new double[n * n];
        _rhsWork = new double[Math.Max(f, 2 * n)];
        _intervalSigns = new int[ntst];
        _intervalLogDets = new double[ntst];
        _borderDeltas = new double[ntst][];
        for (int j = 0; j < ntst; j++) _borderDeltas[j] = new double[Math.Max(1, globals * (2 * n + globals))];
        _blockRows = new double[Workers][];
        for (int w = 0; w < Workers; w++) _blockRows[w] = new double[2 * _stride];
    }

    /// <summary>Total number of unknowns (and of equations).</summary>
    public int Unknowns { get; }

    /// <summary>Columns of an interval block: n(m−1) interior unknowns (nodes k = 1 … m−1), U_j, U_{j+1}, globals.</summary>
    public int IntervalColumns => _cols;

    /// <summary>
    /// Distance between the rows of an interval block: <see cref="IntervalColumns"/> rounded up to
    /// whole SIMD vectors. The columns beyond <see cref="IntervalColumns"/> are padding that a filler
    /// leaves alone (or sets to zero).
    /// </summary>
    public int IntervalStride => _stride;

    /// <summary>
    /// Row-major n·m × <see cref="IntervalColumns"/> block of interval j (rows <see cref="IntervalStride"/>
    /// apart), in the column order interior nodes (k = 1 … m−1), left mesh node U_j, right mesh node
    /// U_{j+1}, globals. Rows are the interval's collocation equations in natural order. A filler
    /// writes every entry (a factorisation overwrites the block).
    /// </summary>
    public Span<double> IntervalBlock(int j) => _blocks[j];

    /// <summary>Vector width of the kernels (doubles): 4 with 256-bit SIMD.</summary>
    const int Lanes = 4;

    static int RoundUp(int k) => (k + Lanes - 1) / Lanes * Lanes;

    static int RoundDown(int k) => k / Lanes * Lanes;

    /// <summary>Row-major n × (2n + globals) boundary rows on (U_0, U_N, globals).</summary>
    public Span<double> Boundary => _boundary;

    /// <summary>Row-major globals × <see cref="Unknowns"/> border rows, in natural unknown order.</summary>
    public Span<double> Border => _border;

    /// <summary>Sign of the determinant of the last factored matrix, up to a sign fixed by the sizes.</summary>
    public int DeterminantSign => _sign;

    /// <summary>log |det| of the last factored matrix (−∞ if singular): with <see cref="DeterminantSign"/>, a continuous branch-point test.</summary>
    public double LogAbsDeterminant => _sign == 0 ? double.NegativeInfinity : _logDet;

    /// <summary>Fills interval <paramref name="interval"/>'s block; <paramref name="worker"/> (0 … <see cref="Workers"/>−1) selects per-thread buffers.</summary>
    public delegate bool IntervalFiller(int interval, Span<double> block, int worker);

    /// <summary>Number of threads <see cref="Factor(IntervalFiller?)"/> may call a filler from at once.</summary>
    public int Workers { get; }

    // The filler and worker count of the factorisation in progress, read by the cached delegate
    // that gives each worker its share (no closure per call).
    IntervalFiller? _fill;
    int _activeWorkers;
    Action<int>? _condenseShare;
    Action<int> CondenseShare => _condenseShare ??= w => CondenseRange(w * _N / _activeWorkers, (w + 1) * _N / _activeWorkers, w, _fill);

    /// <summary>
    /// Factors the system. Interval blocks are filled by <paramref name="fill"/> (if given) and
    /// condensed in the same pass, in contiguous ranges of intervals on <see cref="Workers"/> threads;
    /// otherwise they must have been filled through <see cref="IntervalBlock"/>. Returns false if a
    /// pivot vanished or a filler reported non-finite values. The result is the same to the bit on
    /// any number of workers.
    /// </summary>
    public bool Factor(IntervalFiller? fill = null)
    {
        HasMonodromy = false;
        int sign = 1;
        bool ok = true;
        var signs = _intervalSigns;
        // (1) Fill and condense the interior unknowns, interval by interval, on all workers, and
        // eliminate them from the border rows (what the intervals share added in their order below).
        int workers = _N >= 8 ? Workers : 1;
        if (workers == 1) CondenseRange(0, _N, 0, fill);
        else
        {
            (_fill, _activeWorkers) = (fill, workers);
            try { WorkerPool.Run(workers, CondenseShare); }
            finally { _fill = null; }
        }
        double logDet = 0;
        foreach (int s in signs) { if (s == 0) ok = false; sign *= s; }
        if (!ok) { _sign = 0; return false; }
        foreach (double l in _intervalLogDets) logDet += l;
        if (_g > 0) AddBorderDeltas();

        // (2) The chain of mesh unknowns.
        int n = _n, g = _g;
        int redCols = 2 * n + g;
        // Start: condensed rows of interval 0 on (U_0, U_1, g).
        var b0 = _blocks[0];
        for (int r = 0; r < n; r++)
        {
            int src = (_ni + r) * _stride + _ni;
            Array.Copy(b0, src, _reduced, r * redCols, redCols);
        }
        for (int j = 1; j < _N; j++)
        {
            int s = EliminateStage(j, ref logDet);
            if (s == 0) { _sign = 0; return false; }
            sign *= s;
            EliminateBorderStage(j);
        }
        // P0, P1 for the monodromy.
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
            {
                _p0[r * n + c] = _reduced[r * redCols + c];
                _p1[r * n + c] = _reduced[r * redCols + n + c];
            }

        HasMonodromy = true;

        // (3) Dense system on (U_0, U_N, g).
        var a = _finalMatrix.AsSpan();
        for (int r = 0; r < n; r++) _reduced.AsSpan(r * redCols, redCols).CopyTo(a.Slice(r * redCols, redCols));
        for (int r = 0; r < n; r++) _boundary.AsSpan(r * redCols, redCols).CopyTo(a.Slice((n + r) * redCols, redCols));
        int lastNode = _N * _m * n;
        for (int b = 0; b < g; b++)
        {
            var row = a.Slice((2 * n + b) * redCols, redCols);
            var src = _border.AsSpan(b * Unknowns, Unknowns);
            src.Slice(0, n).CopyTo(row);
            src.Slice(lastNode, n).CopyTo(row.Slice(n));
            src.Slice(lastNode + n, g).CopyTo(row.Slice(2 * n));
        }
        if (!_final.Factor(_finalMatrix)) { _sign = 0; return false; }
        _sign = sign * _final.DeterminantSign;
        _logDet = logDet + _final.LogAbsDeterminant;
        return true;
    }

    void CondenseRange(int from, int to, int worker, IntervalFiller? fill)
    {
        var rows = BlockRow(worker);
        for (int j = from; j < to; j++)
        {
            if (fill is not null && !fill(j, _blocks[j], worker)) { _intervalSigns[j] = 0; continue; }
            _intervalSigns[j] = CondenseInterval(j, out _intervalLogDets[j]);
            // The border rows' elimination while the block is in the cache.
            if (_intervalSigns[j] != 0 && _g > 0) EliminateBorderInterior(j, rows);
        }
    }

    /// <summary>
    /// Gaussian elimination with partial pivoting on the interior columns of interval j. Returns the
    /// sign contribution (0 if singular or not finite).
    /// </summary>
    /// <remarks>
    /// Blocked right-looking LU (as LAPACK's getrf) on panels of <see cref="Lanes"/> columns. Each
    /// panel is copied (transposed) into its four columns of the interval's L store and factored
    /// there, down the columns in whole vectors: pivot search, multipliers and the updates of the
    /// panel's other columns each take four rows per instruction. The rows right of the panel are
    /// swapped as the pivots are chosen. The panel's pivot rows go back into the block (its L and U
    /// triangles; in a last panel of fewer columns every row, whose columns up to the vector
    /// boundary are the block's own); its pivot rows right of it are completed (U12 = L11⁻¹ A12);
    /// and the rows below receive one rank-<see cref="Lanes"/> update in whole 256-bit vectors, two
    /// rows at a time. L below each panel stays in the L store only, in the row order at the end of
    /// that panel (later panels swap rows right of themselves only), which is the order the forward
    /// solve applies it in. The padding columns are cleared first (whatever a filler or a failed
    /// factorisation left there) and stay zero.
    /// </remarks>
    int CondenseInterval(int j, out double logDet)
    {
        var piv = _blockPivots[j];
        var inverses = _pivotInverses[j];
        int rows = _rows, stride = _stride, ni = _ni, ls = _lowerStride, sign = 1;
        ref double a = ref MemoryMarshal.GetArrayDataReference(_blocks[j]);
        ref double lower = ref MemoryMarshal.GetArrayDataReference(_lowerColumns[j]);
        // The padding is zero whatever a filler or an earlier failed factorisation left there.
        for (int r = 0; r < rows; r++)
            for (int c = _cols; c < stride; c++) Unsafe.Add(ref a, r * stride + c) = 0;
        var product = new LogProduct();
        for (int c0 = 0; c0 < ni; c0 += Lanes)
        {
            int c1 = Math.Min(c0 + Lanes, ni);   // panel columns [c0, c1)
            int right = c0 + Lanes;              // first column right of the panel's vector (≤ stride)
            int len = stride - right;
            bool full = c1 - c0 == Lanes;
            ref double panel = ref Unsafe.Add(ref lower, c0 * ls);
            // (1) The panel, rows [c0, rows), factored in the L store.
            TransposeFour(ref Unsafe.Add(ref a, c0 * stride + c0), stride, ref Unsafe.Add(ref panel, c0), ls, rows - c0, toColumns: true);
            for (int c = c0; c < c1; c++)
            {
                ref double column = ref Unsafe.Add(ref panel, (c - c0) * ls);
                double best = LargestMagnitude(ref column, c, rows);
                if (best == 0 || !double.IsFinite(best)) { logDet = double.NegativeInfinity; return 0; }
                int p = FirstOfMagnitude(ref column, c, rows, best);
                piv[c] = p;
                if (p != c)
                {
                    for (int k = 0; k < Lanes; k++)
                    {
                        ref double x = ref Unsafe.Add(ref panel, k * ls + c);
                        ref double y = ref Unsafe.Add(ref panel, k * ls + p);
                        (x, y) = (y, x);
                    }
                    if (len > 0) SwapRows(ref Unsafe.Add(ref a, c * stride + right), ref Unsafe.Add(ref a, p * stride + right), len);
                    sign = -sign;
                }
                double pivot = Unsafe.Add(ref column, c);
                if (pivot < 0) sign = -sign;
                product.Multiply(best);
                double inv = 1.0 / pivot;
                inverses[c] = inv;
                EliminatePanelColumn(ref panel, ls, c - c0, c, rows, inv);
            }
            TransposeFour(ref Unsafe.Add(ref a, c0 * stride + c0), stride, ref Unsafe.Add(ref panel, c0), ls,
                full ? Math.Min(Lanes, rows - c0) : rows - c0, toColumns: false);
            if (len <= 0) continue;
            // (2) The panel's pivot rows right of the panel: U12 = L11⁻¹ A12.
            for (int c = c0 + 1; c < c1; c++)
            {
                ref double row = ref Unsafe.Add(ref a, c * stride);
                for (int l = c0; l < c; l++)
                {
                    double f = Unsafe.Add(ref row, l);
                    if (f != 0) UpdateRow(-f, ref Unsafe.Add(ref a, l * stride + right), ref Unsafe.Add(ref row, right), len);
                }
            }
            // (3) Rows below the panel: A22 −= L21 U12, one pass per two rows.
            if (full)
            {
                ref double l1 = ref Unsafe.Add(ref panel, ls);
                ref double l2 = ref Unsafe.Add(ref panel, 2 * ls);
                ref double l3 = ref Unsafe.Add(ref panel, 3 * ls);
                ref double u = ref Unsafe.Add(ref a, c0 * stride + right);
                int r = c1;
                for (; r + 1 < rows; r += 2)
                    SubtractFourTwoRows(ref Unsafe.Add(ref a, r * stride + right), ref u, stride, len,
                        Unsafe.Add(ref panel, r), Unsafe.Add(ref l1, r), Unsafe.Add(ref l2, r), Unsafe.Add(ref l3, r),
                        Unsafe.Add(ref panel, r + 1), Unsafe.Add(ref l1, r + 1), Unsafe.Add(ref l2, r + 1), Unsafe.Add(ref l3, r + 1));
                if (r < rows)
                    SubtractFour(ref Unsafe.Add(ref a, r * stride + right), ref u, stride,
                        Unsafe.Add(ref panel, r), Unsafe.Add(ref l1, r), Unsafe.Add(ref l2, r), Unsafe.Add(ref l3, r), len);
            }
            else
                for (int r = c1; r < rows; r++)
                {
                    ref double row = ref Unsafe.Add(ref a, r * stride);
                    for (int l = c0; l < c1; l++)
                    {
                        double f = Unsafe.Add(ref row, l);
                        if (f != 0) UpdateRow(-f, ref Unsafe.Add(ref a, l * stride + right), ref Unsafe.Add(ref row, right), len);
                    }
                }
        }
        logDet = product.Log;
        return sign;
    }

    /// <summary>max |column[r]| over r in [from, to); NaN if one of them is NaN.</summary>
    static double LargestMagnitude(ref double column, int from, int to)
    {
        int r = from;
        double best = 0;
        if (Vector256.IsHardwareAccelerated && Avx.IsSupported)
        {
            var largest = Vector256<double>.Zero;
            var unordered = Vector256<double>.Zero;
            for (; r + Lanes <= to; r += Lanes)
            {
                var v = Vector256.Abs(Vector256.LoadUnsafe(ref column, (nuint)r));
                largest = Avx.Max(largest, v);
                unordered |= Avx.CompareUnordered(v, v);
            }
            if (unordered != Vector256<double>.Zero) return double.NaN;
            best = Math.Max(Math.Max(largest[0], largest[1]), Math.Max(largest[2], largest[3]));
        }
        for (; r < to; r++) best = Math.Max(best, Math.Abs(Unsafe.Add(ref column, r)));
        return best;
    }

    /// <summary>The first r in [from, to) with |column[r]| = <paramref name="best"/> (the partial pivot).</summary>
    static int FirstOfMagnitude(ref double column, int from, int to, double best)
    {
        int r = from;
        if (Vector256.IsHardwareAccelerated)
        {
            var target = Vector256.Create(best);
            for (; r + Lanes <= to; r += Lanes)
            {
                uint hits = Vector256.Equals(Vector256.Abs(Vector256.LoadUnsafe(ref column, (nuint)r)), target).ExtractMostSignificantBits();
                if (hits != 0) return r + BitOperations.TrailingZeroCount(hits);
            }
        }
        for (; r < to; r++) if (Math.Abs(Unsafe.Add(ref column, r)) == best) return r;
        return from;
    }

    /// <summary>
    /// Column l of a panel stored as four columns <paramref name="ls"/> apart, pivot row c: rows
    /// (c, rows) get their multiplier f = column[r]·inv and the panel's columns right of l updated,
    /// four rows per vector (the last vector may run into the store's padding rows, never read).
    /// </summary>
    static void EliminatePanelColumn(ref double panel, int ls, int l, int c, int rows, double inv)
    {
        ref double x0 = ref Unsafe.Add(ref panel, l * ls);
        int others = Lanes - 1 - l;   // panel columns right of l
        double u1 = others >= 1 ? Unsafe.Add(ref x0, ls + c) : 0;
        double u2 = others >= 2 ? Unsafe.Add(ref x0, 2 * ls + c) : 0;
        double u3 = others >= 3 ? Unsafe.Add(ref x0, 3 * ls + c) : 0;
        ref double x1 = ref Unsafe.Add(ref x0, ls);
        ref double x2 = ref Unsafe.Add(ref x0, 2 * ls);
        ref double x3 = ref Unsafe.Add(ref x0, 3 * ls);
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            var vinv = Vector256.Create(inv);
            var v1 = Vector256.Create(u1); var v2 = Vector256.Create(u2); var v3 = Vector256.Create(u3);
            for (int r = c + 1; r < rows; r += Lanes)
            {
                var f = Vector256.LoadUnsafe(ref x0, (nuint)r) * vinv;
                f.StoreUnsafe(ref x0, (nuint)r);
                if (others >= 1) Fma.MultiplyAddNegated(f, v1, Vector256.LoadUnsafe(ref x1, (nuint)r)).StoreUnsafe(ref x1, (nuint)r);
                if (others >= 2) Fma.MultiplyAddNegated(f, v2, Vector256.LoadUnsafe(ref x2, (nuint)r)).StoreUnsafe(ref x2, (nuint)r);
                if (others >= 3) Fma.MultiplyAddNegated(f, v3, Vector256.LoadUnsafe(ref x3, (nuint)r)).StoreUnsafe(ref x3, (nuint)r);
            }
        }
        else
            for (int r = c + 1; r < rows; r++)
            {
                double f = Unsafe.Add(ref x0, r) * inv;
                Unsafe.Add(ref x0, r) = f;
                if (others >= 1) Unsafe.Add(ref x1, r) -= f * u1;
                if (others >= 2) Unsafe.Add(ref x2, r) -= f * u2;
                if (others >= 3) Unsafe.Add(ref x3, r) -= f * u3;
            }
    }

    /// <summary>
    /// Rows [0, count) of the four columns at <paramref name="block"/> (rows <paramref name="stride"/>
    /// apart) into the four columns at <paramref name="columns"/> (<paramref name="ls"/> apart), or
    /// back; four rows at a time as a 4×4 transpose in registers.
    /// </summary>
    static void TransposeFour(ref double block, int stride, ref double columns, int ls, int count, bool toColumns)
    {
        int r = 0;
        if (Vector256.IsHardwareAccelerated && Avx.IsSupported)
            for (; r + Lanes <= count; r += Lanes)
            {
                ref double b0 = ref Unsafe.Add(ref block, r * stride);
                ref double b1 = ref Unsafe.Add(ref b0, stride);
                ref double b2 = ref Unsafe.Add(ref b0, 2 * stride);
                ref double b3 = ref Unsafe.Add(ref b0, 3 * stride);
                ref double k0 = ref Unsafe.Add(ref columns, r);
                ref double k1 = ref Unsafe.Add(ref k0, ls);
                ref double k2 = ref Unsafe.Add(ref k0, 2 * ls);
                ref double k3 = ref Unsafe.Add(ref k0, 3 * ls);
                if (toColumns)
                {
                    var (t0, t1, t2, t3) = Transpose(Vector256.LoadUnsafe(ref b0), Vector256.LoadUnsafe(ref b1), Vector256.LoadUnsafe(ref b2), Vector256.LoadUnsafe(ref b3));
                    t0.StoreUnsafe(ref k0); t1.StoreUnsafe(ref k1); t2.StoreUnsafe(ref k2); t3.StoreUnsafe(ref k3);
                }
                else
                {
                    var (t0, t1, t2, t3) = Transpose(Vector256.LoadUnsafe(ref k0), Vector256.LoadUnsafe(ref k1), Vector256.LoadUnsafe(ref k2), Vector256.LoadUnsafe(ref k3));
                    t0.StoreUnsafe(ref b0); t1.StoreUnsafe(ref b1); t2.StoreUnsafe(ref b2); t3.StoreUnsafe(ref b3);
                }
            }
        for (; r < count; r++)
            for (int k = 0; k < Lanes; k++)
                if (toColumns) Unsafe.Add(ref columns, k * ls + r) = Unsafe.Add(ref block, r * stride + k);
                else Unsafe.Add(ref block, r * stride + k) = Unsafe.Add(ref columns, k * ls + r);
    }

    /// <summary>The transpose of the 4×4 matrix whose rows are the four vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector256<double>, Vector256<double>, Vector256<double>, Vector256<double>) Transpose(
        Vector256<double> r0, Vector256<double> r1, Vector256<double> r2, Vector256<double> r3)
    {
        var t0 = Avx.UnpackLow(r0, r1);    // r0[0] r1[0] r0[2] r1[2]
        var t1 = Avx.UnpackHigh(r0, r1);   // r0[1] r1[1] r0[3] r1[3]
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        return (Avx.Permute2x128(t0, t2, 0x20), Avx.Permute2x128(t1, t3, 0x20),
                Avx.Permute2x128(t0, t2, 0x31), Avx.Permute2x128(t1, t3, 0x31));
    }

    /// <summary>
    /// <see cref="SubtractFour"/> on two rows (y and y + stride) with their own multipliers (a and
    /// b) at once, each load of the four rows u_l = u[l·stride …] serving both (eight multiply–adds
    /// per six loads).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void SubtractFourTwoRows(ref double y, ref double u, int stride, int len,
        double a0, double a1, double a2, double a3, double b0, double b1, double b2, double b3)
    {
        ref double z = ref Unsafe.Add(ref y, stride);
        if (!(Vector256.IsHardwareAccelerated && Fma.IsSupported))
        {
            SubtractFour(ref y, ref u, stride, a0, a1, a2, a3, len);
            SubtractFour(ref z, ref u, stride, b0, b1, b2, b3, len);
            return;
        }
        var va0 = Vector256.Create(-a0); var va1 = Vector256.Create(-a1);
        var va2 = Vector256.Create(-a2); var va3 = Vector256.Create(-a3);
        var vb0 = Vector256.Create(-b0); var vb1 = Vector256.Create(-b1);
        var vb2 = Vector256.Create(-b2); var vb3 = Vector256.Create(-b3);
        ref double u1 = ref Unsafe.Add(ref u, stride);
        ref double u2 = ref Unsafe.Add(ref u, 2 * stride);
        ref double u3 = ref Unsafe.Add(ref u, 3 * stride);
        for (int i = 0; i < len; i += Lanes)
        {
            var p0 = Vector256.LoadUnsafe(ref u, (nuint)i);
            var p1 = Vector256.LoadUnsafe(ref u1, (nuint)i);
            var p2 = Vector256.LoadUnsafe(ref u2, (nuint)i);
            var p3 = Vector256.LoadUnsafe(ref u3, (nuint)i);
            var ay = Vector256.LoadUnsafe(ref y, (nuint)i);
            var az = Vector256.LoadUnsafe(ref z, (nuint)i);
            ay = Fma.MultiplyAdd(va0, p0, ay); az = Fma.MultiplyAdd(vb0, p0, az);
            ay = Fma.MultiplyAdd(va1, p1, ay); az = Fma.MultiplyAdd(vb1, p1, az);
            ay = Fma.MultiplyAdd(va2, p2, ay); az = Fma.MultiplyAdd(vb2, p2, az);
            ay = Fma.MultiplyAdd(va3, p3, ay); az = Fma.MultiplyAdd(vb3, p3, az);
            ay.StoreUnsafe(ref y, (nuint)i);
            az.StoreUnsafe(ref z, (nuint)i);
        }
    }

    /// <summary>
    /// y[0..len) −= a0·x0 + a1·x1 + a2·x2 + a3·x3 for the four vectors x_l = x[l·stride …], in whole
    /// 256-bit vectors (four multiply–adds per load and store of y); len a multiple of <see cref="Lanes"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void SubtractFour(ref double y, ref double x, int stride, double a0, double a1, double a2, double a3, int len)
    {
        ref double x1 = ref Unsafe.Add(ref x, stride);
        ref double x2 = ref Unsafe.Add(ref x, 2 * stride);
        ref double x3 = ref Unsafe.Add(ref x, 3 * stride);
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            var v0 = Vector256.Create(-a0); var v1 = Vector256.Create(-a1);
            var v2 = Vector256.Create(-a2); var v3 = Vector256.Create(-a3);
            for (int i = 0; i < len; i += Lanes)
            {
                var acc = Vector256.LoadUnsafe(ref y, (nuint)i);
                acc = Fma.MultiplyAdd(v0, Vector256.LoadUnsafe(ref x, (nuint)i), acc);
                acc = Fma.MultiplyAdd(v1, Vector256.LoadUnsafe(ref x1, (nuint)i), acc);
                acc = Fma.MultiplyAdd(v2, Vector256.LoadUnsafe(ref x2, (nuint)i), acc);
                acc = Fma.MultiplyAdd(v3, Vector256.LoadUnsafe(ref x3, (nuint)i), acc);
                acc.StoreUnsafe(ref y, (nuint)i);
            }
        }
        else
            for (int i = 0; i < len; i++)
                Unsafe.Add(ref y, i) -= a0 * Unsafe.Add(ref x, i) + a1 * Unsafe.Add(ref x1, i) + a2 * Unsafe.Add(ref x2, i) + a3 * Unsafe.Add(ref x3, i);
    }

    /// <summary>y[0..len) += α x[0..len), len a multiple of <see cref="Lanes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void UpdateRow(double alpha, ref double x, ref double y, int len)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(alpha);
            for (int i = 0; i < len; i += Lanes)
            {
                var vx = Vector256.LoadUnsafe(ref x, (nuint)i);
                var vy = Vector256.LoadUnsafe(ref y, (nuint)i);
                (Fma.IsSupported ? Fma.MultiplyAdd(va, vx, vy) : vy + va * vx).StoreUnsafe(ref y, (nuint)i);
            }
        }
        else for (int i = 0; i < len; i++) Unsafe.Add(ref y, i) += alpha * Unsafe.Add(ref x, i);
    }

    /// <summary>y += α x and z += β x, each load of x serving both; len a multiple of <see cref="Lanes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void UpdateTwoRows(double alpha, double beta, ref double x, ref double y, ref double z, int len)
    {
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            var va = Vector256.Create(alpha);
            var vb = Vector256.Create(beta);
            for (int i = 0; i < len; i += Lanes)
            {
                var vx = Vector256.LoadUnsafe(ref x, (nuint)i);
                Fma.MultiplyAdd(va, vx, Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
                Fma.MultiplyAdd(vb, vx, Vector256.LoadUnsafe(ref z, (nuint)i)).StoreUnsafe(ref z, (nuint)i);
            }
        }
        else
        {
            UpdateRow(alpha, ref x, ref y, len);
            UpdateRow(beta, ref x, ref z, len);
        }
    }

    /// <summary>Σ x[i] y[i] over [0, len), len a multiple of <see cref="Lanes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static double DotRow(ref double x, ref double y, int len)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<double>.Zero;
            for (int i = 0; i < len; i += Lanes)
            {
                var vx = Vector256.LoadUnsafe(ref x, (nuint)i);
                var vy = Vector256.LoadUnsafe(ref y, (nuint)i);
                acc = Fma.IsSupported ? Fma.MultiplyAdd(vx, vy, acc) : acc + vx * vy;
            }
            return Vector256.Sum(acc);
        }
        double sum = 0;
        for (int i = 0; i < len; i++) sum += Unsafe.Add(ref x, i) * Unsafe.Add(ref y, i);
        return sum;
    }

    /// <summary>Σ x[i] y[i] over [0, len), any len: whole vectors, then the rest.</summary>
    static double Dot(ref double x, ref double y, int len)
    {
        int whole = Vector256.IsHardwareAccelerated ? RoundDown(len) : 0;
        double sum = whole > 0 ? DotRow(ref x, ref y, whole) : 0;
        for (int i = whole; i < len; i++) sum += Unsafe.Add(ref x, i) * Unsafe.Add(ref y, i);
        return sum;
    }

    /// <summary>Swaps x[0..len) and y[0..len), len a multiple of <see cref="Lanes"/>.</summary>
    static void SwapRows(ref double x, ref double y, int len)
    {
        for (int i = 0; i < len; i += Lanes)
        {
            var vx = Vector256.LoadUnsafe(ref x, (nuint)i);
            var vy = Vector256.LoadUnsafe(ref y, (nuint)i);
            vy.StoreUnsafe(ref x, (nuint)i);
            vx.StoreUnsafe(ref y, (nuint)i);
        }
    }

    /// <summary>Eliminates the interior unknowns of interval j from the border rows.</summary>
    /// <remarks>
    /// The border rows' entries of the interval are gathered into the block's column order (rows of
    /// the block's width, padding zero), eliminated with whole-vector updates, two border rows at a
    /// time (each load of a pivot row serves both, and their two chains of divisions and updates
    /// overlap); their interior entries are zero afterwards. The factors depend on the interior
    /// entries only, so the intervals are independent but for the entries they share (U_j with the
    /// interval before, the globals with all): those start from zero here and what the interval
    /// takes from them is kept apart (<see cref="_borderDeltas"/>) and added in interval order by
    /// <see cref="AddBorderDeltas"/>. The intervals can so be eliminated on any worker, and the
    /// result does not depend on how many there are.
    /// </remarks>
    void EliminateBorderInterior(int j, double[] rows)
    {
        for (int b = 0; b < _g; b += 2)
        {
            bool pair = b + 1 < _g;
            GatherBorder(j, b, rows.AsSpan(0, _stride));
            if (pair) GatherBorder(j, b + 1, rows.AsSpan(_stride, _stride));
            EliminateBorderRows(j, b, rows, pair);
            ScatterBorder(j, b, rows.AsSpan(0, _stride));
            if (pair) ScatterBorder(j, b + 1, rows.AsSpan(_stride, _stride));
        }
    }

    /// <summary>Border row b's interior entries of interval j, then zeros for U_j, U_{j+1}, the globals and the padding.</summary>
    void GatherBorder(int j, int b, Span<double> row)
    {
        _border.AsSpan(b * Unknowns + (j * _m + 1) * _n, _ni).CopyTo(row);
        row[_ni..].Clear();
    }

    /// <summary>The eliminated border row: its interior entries zero, what it took from U_j, U_{j+1} and the globals into the interval's deltas.</summary>
    void ScatterBorder(int j, int b, Span<double> row)
    {
        _border.AsSpan(b * Unknowns + (j * _m + 1) * _n, _ni).Clear();
        int width = 2 * _n + _g;
        row.Slice(_ni, width).CopyTo(_borderDeltas[j].AsSpan(b * width, width));
    }

    /// <summary>The intervals' border deltas added to U_j, U_{j+1} and the globals of the border rows, in interval order.</summary>
    void AddBorderDeltas()
    {
        int n = _n, g = _g, width = 2 * n + g, globals = _N * _m * n + n;
        for (int b = 0; b < g; b++)
        {
            ref double row = ref MemoryMarshal.GetArrayDataReference(_border);
            row = ref Unsafe.Add(ref row, b * Unknowns);
            for (int j = 0; j < _N; j++)
            {
                ref double d = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_borderDeltas[j]), b * width);
                ref double left = ref Unsafe.Add(ref row, j * _m * n);
                ref double right = ref Unsafe.Add(ref row, (j + 1) * _m * n);
                for (int i = 0; i < n; i++)
                {
                    Unsafe.Add(ref left, i) += Unsafe.Add(ref d, i);
                    Unsafe.Add(ref right, i) += Unsafe.Add(ref d, n + i);
                }
                for (int i = 0; i < g; i++) Unsafe.Add(ref row, globals + i) += Unsafe.Add(ref d, 2 * n + i);
            }
        }
    }

    /// <summary>Border rows b (at rows[0…]) and, if <paramref name="pair"/>, b + 1 (at rows[stride…]) reduced by the pivot rows of interval j, their factors kept.</summary>
    void EliminateBorderRows(int j, int b, double[] rows, bool pair)
    {
        var factors = _borderFactors[j];
        int ni = _ni, stride = _stride;
        ref double a = ref MemoryMarshal.GetArrayDataReference(_blocks[j]);
        ref double t = ref MemoryMarshal.GetArrayDataReference(rows);
        ref double s = ref Unsafe.Add(ref t, stride);
        var inverses = _pivotInverses[j];
        for (int c = 0; c < ni; c++)
        {
            double inv = inverses[c];
            double f = Unsafe.Add(ref t, c) * inv;
            factors[b * ni + c] = f;
            int from = RoundDown(c + 1);
            ref double prow = ref Unsafe.Add(ref a, c * stride + from);
            if (pair)
            {
                double e = Unsafe.Add(ref s, c) * inv;
                factors[(b + 1) * ni + c] = e;
                if (f != 0 && e != 0) { UpdateTwoRows(-f, -e, ref prow, ref Unsafe.Add(ref t, from), ref Unsafe.Add(ref s, from), stride - from); continue; }
                if (e != 0) UpdateRow(-e, ref prow, ref Unsafe.Add(ref s, from), stride - from);
            }
            if (f != 0) UpdateRow(-f, ref prow, ref Unsafe.Add(ref t, from), stride - from);
        }
    }

    /// <summary>
    /// Stage j: stack the reduced rows (U_0, U_j, g) over the condensed rows of interval j
    /// (U_j, U_{j+1}, g) and eliminate U_j with pivoting across all 2n rows.
    /// </summary>
    /// <remarks>
    /// Rows are <see cref="_stageStride"/> apart (whole vectors); each row is updated in whole
    /// vectors from the vector boundary at or left of the next column, so the multipliers are kept
    /// apart (<see cref="_stageLower"/>; in the row order at their column, as the solve applies them)
    /// and the stage's entries left of the pivot columns are left as they fall.
    /// </remarks>
    int EliminateStage(int j, ref double logDet)
    {
        int n = _n, g = _g, ss = _stageStride;
        int redCols = 2 * n + g;
        var st = _stages[j];
        Array.Clear(st);
        var s = st.AsSpan();
        for (int r = 0; r < n; r++)
        {
            var dst = s.Slice(r * ss, ss);
            var src = _reduced.AsSpan(r * redCols, redCols);
            src.Slice(n, n).CopyTo(dst);                 // U_j
            src.Slice(0, n).CopyTo(dst.Slice(n));        // U_0
            src.Slice(2 * n, g).CopyTo(dst.Slice(3 * n)); // g
        }
        var blk = _blocks[j];
        for (int r = 0; r < n; r++)
        {
            var dst = s.Slice((n + r) * ss, ss);
            var src = blk.AsSpan((_ni + r) * _stride + _ni, 2 * n + g);
            src.Slice(0, n).CopyTo(dst);                  // U_j
            src.Slice(n, n).CopyTo(dst.Slice(2 * n));     // U_{j+1}
            src.Slice(2 * n, g).CopyTo(dst.Slice(3 * n)); // g
        }
        var piv = _stagePivots[j];
        var lower = _stageLower[j];
        var inverses = _stageInverses[j];
        ref double a = ref MemoryMarshal.GetArrayDataReference(st);
        var product = new LogProduct();
        int sign = 1;
        for (int c = 0; c < n; c++)
        {
            int p = c;
            double best = Math.Abs(Unsafe.Add(ref a, c * ss + c));
            for (int r = c + 1; r < 2 * n; r++)
            {
                double v = Math.Abs(Unsafe.Add(ref a, r * ss + c));
                if (v > best || double.IsNaN(v)) { best = v; p = r; }
            }
            piv[c] = p;
            if (best == 0 || !double.IsFinite(best)) return 0;
            if (p != c) { SwapRows(ref Unsafe.Add(ref a, c * ss), ref Unsafe.Add(ref a, p * ss), ss); sign = -sign; }
            double pivot = Unsafe.Add(ref a, c * ss + c);
            if (pivot < 0) sign = -sign;
            product.Multiply(best);
            double inv = 1.0 / pivot;
            inverses[c] = inv;
            int from = RoundDown(c + 1);
            ref double prow = ref Unsafe.Add(ref a, c * ss + from);
            for (int r = c + 1; r < 2 * n; r++)
            {
                double f = Unsafe.Add(ref a, r * ss + c) * inv;
                lower[r * n + c] = f;
                if (f != 0) UpdateRow(-f, ref prow, ref Unsafe.Add(ref a, r * ss + from), ss - from);
            }
        }
        // Remaining rows n … 2n−1 → reduced rows on (U_0, U_{j+1}, g).
        for (int r = 0; r < n; r++)
            s.Slice((n + r) * ss + n, 2 * n + g).CopyTo(_reduced.AsSpan(r * redCols, redCols));
        logDet += product.Log;
        return sign;
    }

    /// <summary>Eliminates U_j from the border rows with the pivot rows of stage j.</summary>
    void EliminateBorderStage(int j)
    {
        if (_g == 0) return;
        int n = _n, g = _g, sc = _stageStride;
        var s = _stages[j];
        var inverses = _stageInverses[j];
        var factors = _stageBorderFactors[j];
        int uj = j * _m * n, u0 = 0, uj1 = (j + 1) * _m * n, gl = _N * _m * n + n;
        for (int b = 0; b < g; b++)
        {
            var row = _border.AsSpan(b * Unknowns, Unknowns);
            for (int c = 0; c < n; c++)
            {
                double f = row[uj + c] * inverses[c];
                factors[b * n + c] = f;
                if (f == 0) continue;
                row[uj + c] = 0;
                var prow = s.AsSpan(c * sc, sc);
                for (int k = c + 1; k < n; k++) row[uj + k] -= f * prow[k];
                for (int k = 0; k < n; k++) row[u0 + k] -= f * prow[n + k];
                for (int k = 0; k < n; k++) row[uj1 + k] -= f * prow[2 * n + k];
                for (int k = 0; k < g; k++) row[gl + k] -= f * prow[3 * n + k];
            }
        }
    }

    /// <summary>Solves the factored system in place: <paramref name="rhs"/> in natural equation order in, the solution in natural unknown order out.</summary>
    public void Solve(Span<double> rhs)
    {
        int n = _n, g = _g, m = _m, N = _N;
        int colloc = N * _rows;              // collocation equations
        // Natural rhs layout: [colloc (N·n·m) | boundary (n) | border (g)]
        // Work copy of equation values; the solution is assembled into rhs at the end.
        var eq = ArrayPoolRent(rhs.Length);
        rhs.CopyTo(eq);
        var eqs = eq.AsSpan(0, rhs.Length);

        // (1) Condensation on each interval's rows (on the workers, as in the factorisation), then the border rows.
        int workers = N >= 8 ? Workers : 1;
        if (workers == 1) ForwardRange(eq, 0, N);
        else
        {
            (_solveEq, _activeWorkers) = (eq, workers);
            WorkerPool.Run(workers, ForwardShare);
        }
        for (int j = 0; j < N; j++)
        {
            ref double r = ref eq[j * _rows];
            ref double fac = ref MemoryMarshal.GetArrayDataReference(_borderFactors[j]);
            for (int b = 0; b < g; b++)
                eqs[colloc + n + b] -= Dot(ref Unsafe.Add(ref fac, b * _ni), ref r, _ni);
        }
        // (2) Chain: the reduced rhs starts as interval 0's condensed rows.
        var red = _rhsWork.AsSpan(0, 2 * n);
        eqs.Slice(_ni, n).CopyTo(red);
        for (int j = 1; j < N; j++)
        {
            var stageRhs = StageRhs(j);
            red.Slice(0, n).CopyTo(stageRhs);
            eqs.Slice(j * _rows + _ni, n).CopyTo(stageRhs.Slice(n));
            var piv = _stagePivots[j];
            ref double y = ref MemoryMarshal.GetReference(stageRhs);
            ref double lower = ref MemoryMarshal.GetArrayDataReference(_stageLower[j]);
            for (int c = 0; c < n; c++)
            {
                int p = piv[c];
                if (p != c) (Unsafe.Add(ref y, c), Unsafe.Add(ref y, p)) = (Unsafe.Add(ref y, p), Unsafe.Add(ref y, c));
                double rc = Unsafe.Add(ref y, c);
                if (rc == 0) continue;
                for (int i = c + 1; i < 2 * n; i++) Unsafe.Add(ref y, i) -= Unsafe.Add(ref lower, i * n + c) * rc;
            }
            ref double fac = ref MemoryMarshal.GetArrayDataReference(_stageBorderFactors[j]);
            for (int b = 0; b < g; b++)
            {
                double sum = 0;
                for (int c = 0; c < n; c++) sum += Unsafe.Add(ref fac, b * n + c) * Unsafe.Add(ref y, c);
                eqs[colloc + n + b] -= sum;
            }
            stageRhs.Slice(n, n).CopyTo(red);
        }
        // (3) Dense system.
        int f = 2 * n + g;
        var fin = _rhsWork.AsSpan(0, f);
        red.Slice(0, n).CopyTo(fin);       // (red and fin alias the same buffer start: rows 0…n−1 already in place)
        eqs.Slice(colloc, n).CopyTo(fin.Slice(n));
        eqs.Slice(colloc + n, g).CopyTo(fin.Slice(2 * n));
        _final.Solve(fin);
        // Solution vector in natural order, written into rhs.
        var x = rhs;
        x.Clear();
        int lastNode = N * m * n, gl = lastNode + n;
        fin.Slice(0, n).CopyTo(x.Slice(0, n));
        fin.Slice(n, n).CopyTo(x.Slice(lastNode, n));
        fin.Slice(2 * n, g).CopyTo(x.Slice(gl, g));
        // (4) Back substitution along the chain: U_j from stage j's pivot rows.
        for (int j = N - 1; j >= 1; j--)
        {
            var stageRhs = StageRhs(j);
            var inverses = _stageInverses[j];
            int uj = j * m * n, uj1 = (j + 1) * m * n;
            ref double x0 = ref MemoryMarshal.GetReference(x);
            ref double xj = ref Unsafe.Add(ref x0, uj);
            ref double xj1 = ref Unsafe.Add(ref x0, uj1);
            ref double xg = ref Unsafe.Add(ref x0, gl);
            for (int c = n - 1; c >= 0; c--)
            {
                ref double row = ref MemoryMarshal.GetArrayDataReference(_stages[j]);
                row = ref Unsafe.Add(ref row, c * _stageStride);
                double v = stageRhs[c];
                for (int k = c + 1; k < n; k++) v -= Unsafe.Add(ref row, k) * Unsafe.Add(ref xj, k);
                for (int k = 0; k < n; k++) v -= Unsafe.Add(ref row, n + k) * Unsafe.Add(ref x0, k) + Unsafe.Add(ref row, 2 * n + k) * Unsafe.Add(ref xj1, k);
                for (int k = 0; k < g; k++) v -= Unsafe.Add(ref row, 3 * n + k) * Unsafe.Add(ref xg, k);
                Unsafe.Add(ref xj, c) = v * inverses[c];
            }
        }
        // Interior unknowns of each interval.
        BackSubstituteInteriors(eq, rhs, workers);
        _solveEq = null;
    }

    // The equations of the solve in progress, read by the cached delegates that give each worker its share.
    double[]? _solveEq;
    Action<int>? _forwardShare, _backShare;
    Action<int> ForwardShare => _forwardShare ??= w => ForwardRange(_solveEq!, w * _N / _activeWorkers, (w + 1) * _N / _activeWorkers);
    Action<int> BackShare => _backShare ??= w => BackRange(_solveEq!, _backBuffer!, w * _N / _activeWorkers, (w + 1) * _N / _activeWorkers, BlockRow(w));


    /// <summary>
    /// The condensation applied to the right-hand sides of intervals [from, to): per panel of the
    /// factorisation its row swaps, its unit lower triangle, and the rows below it in one pass of
    /// whole vectors down L's columns (four multiply–adds per load and store of the right-hand side).
    /// </summary>
    void ForwardRange(double[] eq, int from, int to)
    {
        int rows = _rows, stride = _stride, ni = _ni, rp = _lowerStride, whole = RoundDown(rows);
        for (int j = from; j < to; j++)
        {
            ref double a = ref MemoryMarshal.GetArrayDataReference(_blocks[j]);
            ref double lower = ref MemoryMarshal.GetArrayDataReference(_lowerColumns[j]);
            var piv = _blockPivots[j];
            ref double r = ref eq[j * rows];
            for (int c0 = 0; c0 < ni; c0 += Lanes)
            {
                int c1 = Math.Min(c0 + Lanes, ni);
                for (int c = c0; c < c1; c++)
                {
                    int p = piv[c];
                    // Without a branch (p = c swaps a value with itself): the pivots follow no pattern.
                    double atP = Unsafe.Add(ref r, p);
                    Unsafe.Add(ref r, p) = Unsafe.Add(ref r, c);
                    Unsafe.Add(ref r, c) = atP;
                }
                for (int i = c0 + 1; i < c1; i++)
                {
                    ref double row = ref Unsafe.Add(ref a, i * stride);
                    double v = Unsafe.Add(ref r, i);
                    for (int l = c0; l < i; l++) v -= Unsafe.Add(ref row, l) * Unsafe.Add(ref r, l);
                    Unsafe.Add(ref r, i) = v;
                }
                // Rows below the panel (from its vector boundary c0 + 4; in a last panel of fewer
                // columns the rows between get their updates from the scalar loop's columns only).
                double r0 = Unsafe.Add(ref r, c0);
                double r1 = c0 + 1 < c1 ? Unsafe.Add(ref r, c0 + 1) : 0;
                double r2 = c0 + 2 < c1 ? Unsafe.Add(ref r, c0 + 2) : 0;
                double r3 = c0 + 3 < c1 ? Unsafe.Add(ref r, c0 + 3) : 0;
                ref double l0 = ref Unsafe.Add(ref lower, c0 * rp);
                ref double l1 = ref Unsafe.Add(ref l0, rp);
                ref double l2 = ref Unsafe.Add(ref l0, 2 * rp);
                ref double l3 = ref Unsafe.Add(ref l0, 3 * rp);
                int k = c1;
                if (c1 < c0 + Lanes)
                    for (; k < Math.Min(c0 + Lanes, rows); k++)
                        Unsafe.Add(ref r, k) -= Unsafe.Add(ref l0, k) * r0 + Unsafe.Add(ref l1, k) * r1 + Unsafe.Add(ref l2, k) * r2 + Unsafe.Add(ref l3, k) * r3;
                if (k < whole)
                {
                    SubtractFour(ref Unsafe.Add(ref r, k), ref Unsafe.Add(ref l0, k), rp, r0, r1, r2, r3, whole - k);
                    k = whole;
                }
                for (; k < rows; k++)
                    Unsafe.Add(ref r, k) -= Unsafe.Add(ref l0, k) * r0 + Unsafe.Add(ref l1, k) * r1 + Unsafe.Add(ref l2, k) * r2 + Unsafe.Add(ref l3, k) * r3;
            }
        }
    }

    void BackSubstituteInteriors(double[] eq, Span<double> x, int workers)
    {
        var xs = _backBuffer ??= new double[Unknowns];
        x.CopyTo(xs);
        if (workers == 1) BackRange(eq, xs, 0, _N, BlockRow());
        else
        {
            (_solveEq, _activeWorkers) = (eq, workers);
            WorkerPool.Run(workers, BackShare);
        }
        xs.AsSpan(0, x.Length).CopyTo(x);
    }

    double[]? _backBuffer;

    /// <remarks>
    /// Per interval, the known unknowns (U_j, U_{j+1}, globals) are gathered behind the interior
    /// ones into a row of the block's width (padding zero). The triangular solve goes up in blocks
    /// of four rows: their products with everything right of the block in one pass of whole
    /// vectors (four dot products sharing each load of the solution), then the 4×4 triangle.
    /// </remarks>
    void BackRange(double[] eq, double[] x, int from, int to, double[] z)
    {
        int stride = _stride;
        // Two gather rows (the buffer holds two): the same buffer gathers border rows, whose padding may hold anything.
        Array.Clear(z, _cols, stride - _cols);
        Array.Clear(z, stride + _cols, stride - _cols);
        ref double z0 = ref MemoryMarshal.GetArrayDataReference(z);
        ref double z1 = ref Unsafe.Add(ref z0, stride);
        int j = from;
        // Two intervals at a time: each block's dot products and triangle wait on the block before
        // (latency, not work); the other interval's fill the gaps.
        for (; j + 1 < to; j += 2)
        {
            GatherKnown(j, x, ref z0);
            GatherKnown(j + 1, x, ref z1);
            for (int cb = RoundDown(_ni - 1); cb >= 0; cb -= Lanes)
            {
                BackBlock(j, cb, eq, ref z0);
                BackBlock(j + 1, cb, eq, ref z1);
            }
            ScatterInterior(j, x, ref z0);
            ScatterInterior(j + 1, x, ref z1);
        }
        if (j < to)
        {
            GatherKnown(j, x, ref z0);
            for (int cb = RoundDown(_ni - 1); cb >= 0; cb -= Lanes) BackBlock(j, cb, eq, ref z0);
            ScatterInterior(j, x, ref z0);
        }
    }

    /// <summary>The known unknowns of interval j (U_j, U_{j+1}, globals) into z behind its interior ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void GatherKnown(int j, double[] x, ref double z)
    {
        int n = _n, ni = _ni, mn = _m * n, gl = _N * mn + n;
        ref double xj = ref x[j * mn];
        for (int i = 0; i < n; i++)
        {
            Unsafe.Add(ref z, ni + i) = Unsafe.Add(ref xj, i);
            Unsafe.Add(ref z, ni + n + i) = Unsafe.Add(ref xj, mn + i);
        }
        for (int i = 0; i < _g; i++) Unsafe.Add(ref z, ni + 2 * n + i) = x[gl + i];
    }

    /// <summary>The interior unknowns of interval j from z into x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void ScatterInterior(int j, double[] x, ref double z)
        => MemoryMarshal.CreateSpan(ref z, _ni).CopyTo(x.AsSpan(j * _m * _n + _n, _ni));

    /// <summary>
    /// Rows [cb, cb + 4) of interval j's triangular solve: their products with everything right of
    /// the block in one pass of whole vectors (four dot products sharing each load of z), then the
    /// 4×4 triangle (in a last block of fewer rows, the known columns up to the block's vector end).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void BackBlock(int j, int cb, double[] eq, ref double z)
    {
        int stride = _stride, ni = _ni;
        ref double a = ref MemoryMarshal.GetArrayDataReference(_blocks[j]);
        ref double inverses = ref MemoryMarshal.GetArrayDataReference(_pivotInverses[j]);
        ref double rhs = ref eq[j * _rows];
        int hi = Math.Min(cb + Lanes, ni), k = cb + Lanes;
        ref double row0 = ref Unsafe.Add(ref a, cb * stride + k);
        double v0, v1 = 0, v2 = 0, v3 = 0;
        if (hi - cb == Lanes)
            (v0, v1, v2, v3) = FourDots(ref row0, stride, ref Unsafe.Add(ref z, k), stride - k);
        else
        {
            v0 = DotRow(ref row0, ref Unsafe.Add(ref z, k), stride - k);
            if (cb + 1 < hi) v1 = DotRow(ref Unsafe.Add(ref row0, stride), ref Unsafe.Add(ref z, k), stride - k);
            if (cb + 2 < hi) v2 = DotRow(ref Unsafe.Add(ref row0, 2 * stride), ref Unsafe.Add(ref z, k), stride - k);
        }
        for (int c = hi - 1; c >= cb; c--)
        {
            ref double row = ref Unsafe.Add(ref a, c * stride);
            int l = c - cb;
            double value = Unsafe.Add(ref rhs, c) - (l == 0 ? v0 : l == 1 ? v1 : l == 2 ? v2 : v3);
            for (int q = c + 1; q < k; q++) value -= Unsafe.Add(ref row, q) * Unsafe.Add(ref z, q);
            Unsafe.Add(ref z, c) = value * Unsafe.Add(ref inverses, c);
        }
    }

    /// <summary>
    /// The dot products of four consecutive rows (<paramref name="stride"/> apart, from
    /// <paramref name="a"/>) with z over [0, len), len a multiple of <see cref="Lanes"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (double, double, double, double) FourDots(ref double a, int stride, ref double z, int len)
    {
        ref double a1 = ref Unsafe.Add(ref a, stride);
        ref double a2 = ref Unsafe.Add(ref a, 2 * stride);
        ref double a3 = ref Unsafe.Add(ref a, 3 * stride);
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int i = 0; i < len; i += Lanes)
            {
                var vz = Vector256.LoadUnsafe(ref z, (nuint)i);
                s0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)i), vz, s0);
                s1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a1, (nuint)i), vz, s1);
                s2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a2, (nuint)i), vz, s2);
                s3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref a3, (nuint)i), vz, s3);
            }
            // The four sums at once, each as Vector256.Sum adds: (x0 + x1) + (x2 + x3).
            var t01 = Avx.HorizontalAdd(s0, s1);   // s0[0]+s0[1], s1[0]+s1[1], s0[2]+s0[3], s1[2]+s1[3]
            var t23 = Avx.HorizontalAdd(s2, s3);
            var sums = Avx.Permute2x128(t01, t23, 0x20) + Avx.Permute2x128(t01, t23, 0x31);
            return (sums[0], sums[1], sums[2], sums[3]);
        }
        double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        for (int i = 0; i < len; i++)
        {
            double vz = Unsafe.Add(ref z, i);
            t0 += Unsafe.Add(ref a, i) * vz; t1 += Unsafe.Add(ref a1, i) * vz;
            t2 += Unsafe.Add(ref a2, i) * vz; t3 += Unsafe.Add(ref a3, i) * vz;
        }
        return (t0, t1, t2, t3);
    }

    /// <summary>A row of the block's width (padding zero) per worker, for gathers and the back substitution.</summary>
    double[] BlockRow(int worker = 0) => _blockRows[worker];

    readonly double[][] _blockRows;

    double[]? _eqBuffer;
    double[][]? _stageRhs;

    double[] ArrayPoolRent(int length)
    {
        if (_eqBuffer is null || _eqBuffer.Length < length) _eqBuffer = new double[length];
        return _eqBuffer;
    }

    Span<double> StageRhs(int j)
    {
        _stageRhs ??= new double[_N][];
        return (_stageRhs[j] ??= new double[2 * _n]);
    }

    /// <summary>
    /// True when the last <see cref="Factor"/> got through the chain elimination, so P0 and P1 (and
    /// with them the monodromy) belong to it; the final dense factorisation may still have failed.
    /// </summary>
    public bool HasMonodromy { get; private set; }

    /// <summary>
    /// Floquet multipliers of the linearised flow from the last factorisation: the eigenvalues μ of
    /// the pencil −P0 − μP1 of the reduced rows P0·U_0 + P1·U_N = 0, by the QZ algorithm
    /// (<see cref="GeneralizedEigenvalues"/>), largest modulus first. Neither P0 nor P1 is inverted,
    /// so multipliers spanning many orders of magnitude (near a homoclinic orbit) keep the trivial
    /// one at 1; a multiplier beyond the range of doubles is +∞. NaN when there is no monodromy.
    /// </summary>
    /// <remarks>AUTO-07p's FLOWKM (Fairgrieve and Jepson, SIAM J. Numer. Anal. 28, 1991) takes the same pencil.</remarks>
    public Complex[] FloquetMultipliers()
    {
        int n = _n;
        if (!HasMonodromy) return Unknown(n);
        foreach (var v in _p0) if (!double.IsFinite(v)) return Unknown(n);
        foreach (var v in _p1) if (!double.IsFinite(v)) return Unknown(n);
        var minusP0 = new double[n * n];
        for (int i = 0; i < minusP0.Length; i++) minusP0[i] = -_p0[i];
        if (!GeneralizedEigenvalues.TryCompute(minusP0, _p1, n, out var pairs)) return Unknown(n);
        var mu = new Complex[n];
        for (int i = 0; i < n; i++) mu[i] = GeneralizedEigenvalues.Quotient(pairs[i].Alpha, pairs[i].Beta);
        Spectrum.RealWithoutPartner(mu);
        Array.Sort(mu, (a, b) => b.Magnitude.CompareTo(a.Magnitude));
        return mu;
    }

    /// <summary>Multipliers that could not be computed: NaN, so no test function changes sign on them.</summary>
    static Complex[] Unknown(int n) => Enumerable.Repeat(new Complex(double.NaN, double.NaN), n).ToArray();

    /// <summary>The monodromy matrix −P1⁻¹P0 (row-major n×n) of the last factorisation.</summary>
    public double[] Monodromy()
    {
        int n = _n;
        if (!HasMonodromy) return Enumerable.Repeat(double.NaN, n * n).ToArray();
        var p0 = Matrix<double>.Build.Dense(n, n, (i, j) => _p0[i * n + j]);
        var p1 = Matrix<double>.Build.Dense(n, n, (i, j) => _p1[i * n + j]);
        var mono = -p1.Solve(p0);
        var result = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) result[i * n + j] = mono[i, j];
        return result;
    }

    /// <summary>A product of positive numbers kept as mantissa and binary exponent, so that it neither overflows nor needs a logarithm per factor.</summary>
    struct LogProduct
    {
        double _mantissa;
        int _exponent;

        public void Multiply(double v)
        {
            if (_mantissa == 0) _mantissa = 1;
            _mantissa *= v;
            if (_mantissa > 1e100 || _mantissa < 1e-100)
            {
                int e = Math.ILogB(_mantissa);
                _mantissa = Math.ScaleB(_mantissa, -e);
                _exponent += e;
            }
        }

        public readonly double Log => Math.Log(_mantissa == 0 ? 1 : _mantissa) + _exponent * Math.Log(2);
    }
}
