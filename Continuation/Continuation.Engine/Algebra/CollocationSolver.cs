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
    readonly double[][] _blocks;
    readonly int[][] _blockPivots;
    readonly double[][] _multipliers;   // per interval: column c's multipliers (rows c+1 …) stored contiguously
    readonly double[] _boundary;   // n × (2n + g)
    readonly double[] _border;     // g × total
    readonly double[][] _borderFactors;  // per interval: g × n(m−1)
    // Chain stages j = 1 … N−1: 2n rows × (n [U_j] + n [U_0] + n [U_{j+1}] + g) columns.
    readonly double[][] _stages;
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
        Unknowns = n * (ntst * m + 1) + globals;
        _blocks = new double[ntst][];
        _blockPivots = new int[ntst][];
        _multipliers = new double[ntst][];
        _borderFactors = new double[ntst][];
        for (int j = 0; j < ntst; j++)
        {
            _blocks[j] = new double[_rows * _cols];
            _blockPivots[j] = new int[_ni];
            _multipliers[j] = new double[Math.Max(1, _ni * _rows)];
            _borderFactors[j] = new double[Math.Max(1, globals * _ni)];
        }
        _boundary = new double[n * (2 * n + globals)];
        _border = new double[globals * Unknowns];
        _stages = new double[ntst][];
        _stagePivots = new int[ntst][];
        _stageBorderFactors = new double[ntst][];
        int stageCols = 3 * n + globals;
        for (int j = 1; j < ntst; j++)
        {
            _stages[j] = new double[2 * n * stageCols];
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
    }

    /// <summary>Total number of unknowns (and of equations).</summary>
    public int Unknowns { get; }

    /// <summary>Columns of an interval block: n(m−1) interior unknowns (nodes k = 1 … m−1), U_j, U_{j+1}, globals.</summary>
    public int IntervalColumns => _cols;

    /// <summary>
    /// Row-major n·m × <see cref="IntervalColumns"/> block of interval j, in the column order
    /// interior nodes (k = 1 … m−1), left mesh node U_j, right mesh node U_{j+1}, globals.
    /// Rows are the interval's collocation equations in natural order.
    /// </summary>
    public Span<double> IntervalBlock(int j) => _blocks[j];

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
    /// pivot vanished or a filler reported non-finite values.
    /// </summary>
    public bool Factor(IntervalFiller? fill = null)
    {
        HasMonodromy = false;
        int sign = 1;
        bool ok = true;
        var signs = _intervalSigns;
        // (1) Fill and condense the interior unknowns, interval by interval, on all workers.
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
        for (int j = 0; j < _N; j++) EliminateBorderInterior(j);

        // (2) The chain of mesh unknowns.
        int n = _n, g = _g;
        int redCols = 2 * n + g;
        // Start: condensed rows of interval 0 on (U_0, U_1, g).
        var b0 = _blocks[0];
        for (int r = 0; r < n; r++)
        {
            int src = (_ni + r) * _cols + _ni;
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
        for (int j = from; j < to; j++)
        {
            if (fill is not null && !fill(j, _blocks[j], worker)) { _intervalSigns[j] = 0; continue; }
            _intervalSigns[j] = CondenseInterval(j, out _intervalLogDets[j]);
        }
    }

    /// <summary>Gaussian elimination with partial pivoting on the interior columns of interval j. Returns the sign contribution (0 if singular).</summary>
    int CondenseInterval(int j, out double logDet)
    {
        var a = _blocks[j].AsSpan();
        var piv = _blockPivots[j];
        int rows = _rows, cols = _cols, sign = 1;
        var product = new LogProduct();
        for (int c = 0; c < _ni; c++)
        {
            int p = c;
            double best = Math.Abs(a[c * cols + c]);
            for (int r = c + 1; r < rows; r++)
            {
                double v = Math.Abs(a[r * cols + c]);
                if (v > best) { best = v; p = r; }
            }
            piv[c] = p;
            if (best == 0 || !double.IsFinite(best)) { logDet = double.NegativeInfinity; return 0; }
            if (p != c)
            {
                SwapTail(a, c * cols, p * cols, c, cols);
                sign = -sign;
            }
            double pivot = a[c * cols + c];
            if (pivot < 0) sign = -sign;
            product.Multiply(best);
            double inv = 1.0 / pivot;
            var prow = a.Slice(c * cols + c + 1, cols - c - 1);
            var mult = _multipliers[j].AsSpan(c * rows, rows);
            for (int r = c + 1; r < rows; r++)
            {
                double f = a[r * cols + c] * inv;
                a[r * cols + c] = f;
                mult[r] = f;
                if (f != 0) Axpy(-f, prow, a.Slice(r * cols + c + 1, cols - c - 1));
            }
        }
        logDet = product.Log;
        return sign;
    }

    static void SwapTail(Span<double> a, int row1, int row2, int from, int cols)
    {
        for (int k = from; k < cols; k++) (a[row1 + k], a[row2 + k]) = (a[row2 + k], a[row1 + k]);
    }

    /// <summary>y += α x, with 256-bit fused multiply–adds where the processor has them (inlined: it is called per row of every elimination).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        int len = x.Length, i = 0;
        if (len > y.Length) throw new ArgumentException("length mismatch");
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        if (Vector256.IsHardwareAccelerated && len >= 4)
        {
            var va = Vector256.Create(alpha);
            for (; i <= len - 4; i += 4)
            {
                var vx = Vector256.LoadUnsafe(ref rx, (nuint)i);
                var vy = Vector256.LoadUnsafe(ref ry, (nuint)i);
                (Fma.IsSupported ? Fma.MultiplyAdd(va, vx, vy) : vy + va * vx).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        for (; i < len; i++) Unsafe.Add(ref ry, i) += alpha * Unsafe.Add(ref rx, i);
    }

    /// <summary>⟨x, y⟩ over x's length, with 256-bit fused multiply–adds where available (inlined, as <see cref="Axpy"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int len = x.Length, i = 0;
        if (len > y.Length) throw new ArgumentException("length mismatch");
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && len >= 8)
        {
            var acc = Vector256<double>.Zero;
            for (; i <= len - 4; i += 4)
            {
                var vx = Vector256.LoadUnsafe(ref rx, (nuint)i);
                var vy = Vector256.LoadUnsafe(ref ry, (nuint)i);
                acc = Fma.IsSupported ? Fma.MultiplyAdd(vx, vy, acc) : acc + vx * vy;
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < len; i++) sum += Unsafe.Add(ref rx, i) * Unsafe.Add(ref ry, i);
        return sum;
    }

    /// <summary>Eliminates the interior unknowns of interval j from the border rows.</summary>
    void EliminateBorderInterior(int j)
    {
        if (_g == 0) return;
        var a = _blocks[j].AsSpan();
        var factors = _borderFactors[j];
        int n = _n, cols = _cols, ni = _ni;
        int interior = (j * _m + 1) * n, left = j * _m * n, right = (j + 1) * _m * n, globals = _N * _m * n + n;
        for (int b = 0; b < _g; b++)
        {
            var row = _border.AsSpan(b * Unknowns, Unknowns);
            var rowInterior = row.Slice(interior, ni);
            var rowLeft = row.Slice(left, n);
            var rowRight = row.Slice(right, n);
            var rowGlobals = row.Slice(globals, _g);
            for (int c = 0; c < ni; c++)
            {
                var pivotRow = a.Slice(c * cols, cols);
                double f = rowInterior[c] / pivotRow[c];
                factors[b * ni + c] = f;
                if (f == 0) continue;
                rowInterior[c] = 0;
                Axpy(-f, pivotRow.Slice(c + 1, ni - c - 1), rowInterior.Slice(c + 1));
                Axpy(-f, pivotRow.Slice(ni, n), rowLeft);
                Axpy(-f, pivotRow.Slice(ni + n, n), rowRight);
                Axpy(-f, pivotRow.Slice(ni + 2 * n, _g), rowGlobals);
            }
        }
    }

    /// <summary>
    /// Stage j: stack the reduced rows (U_0, U_j, g) over the condensed rows of interval j
    /// (U_j, U_{j+1}, g) and eliminate U_j with pivoting across all 2n rows.
    /// </summary>
    int EliminateStage(int j, ref double logDet)
    {
        int n = _n, g = _g;
        int sc = 3 * n + g;              // stage columns: U_j, U_0, U_{j+1}, g
        int redCols = 2 * n + g;
        var s = _stages[j].AsSpan();
        s.Clear();
        for (int r = 0; r < n; r++)
        {
            var dst = s.Slice(r * sc, sc);
            var src = _reduced.AsSpan(r * redCols, redCols);
            src.Slice(n, n).CopyTo(dst);                 // U_j
            src.Slice(0, n).CopyTo(dst.Slice(n));        // U_0
            src.Slice(2 * n, g).CopyTo(dst.Slice(3 * n)); // g
        }
        var blk = _blocks[j];
        for (int r = 0; r < n; r++)
        {
            var dst = s.Slice((n + r) * sc, sc);
            var src = blk.AsSpan((_ni + r) * _cols + _ni, 2 * n + g);
            src.Slice(0, n).CopyTo(dst);                  // U_j
            src.Slice(n, n).CopyTo(dst.Slice(2 * n));     // U_{j+1}
            src.Slice(2 * n, g).CopyTo(dst.Slice(3 * n)); // g
        }
        var piv = _stagePivots[j];
        var product = new LogProduct();
        int sign = 1;
        for (int c = 0; c < n; c++)
        {
            int p = c;
            double best = Math.Abs(s[c * sc + c]);
            for (int r = c + 1; r < 2 * n; r++)
            {
                double v = Math.Abs(s[r * sc + c]);
                if (v > best) { best = v; p = r; }
            }
            piv[c] = p;
            if (best == 0 || !double.IsFinite(best)) return 0;
            if (p != c) { SwapTail(s, c * sc, p * sc, c, sc); sign = -sign; }
            double pivot = s[c * sc + c];
            if (pivot < 0) sign = -sign;
            product.Multiply(best);
            double inv = 1.0 / pivot;
            var prow = s.Slice(c * sc + c + 1, sc - c - 1);
            for (int r = c + 1; r < 2 * n; r++)
            {
                double f = s[r * sc + c] * inv;
                s[r * sc + c] = f;
                if (f != 0) Axpy(-f, prow, s.Slice(r * sc + c + 1, sc - c - 1));
            }
        }
        // Remaining rows n … 2n−1 → reduced rows on (U_0, U_{j+1}, g).
        for (int r = 0; r < n; r++)
            s.Slice((n + r) * sc + n, 2 * n + g).CopyTo(_reduced.AsSpan(r * redCols, redCols));
        logDet += product.Log;
        return sign;
    }

    /// <summary>Eliminates U_j from the border rows with the pivot rows of stage j.</summary>
    void EliminateBorderStage(int j)
    {
        if (_g == 0) return;
        int n = _n, g = _g, sc = 3 * n + g;
        var s = _stages[j];
        var factors = _stageBorderFactors[j];
        int uj = j * _m * n, u0 = 0, uj1 = (j + 1) * _m * n, gl = _N * _m * n + n;
        for (int b = 0; b < g; b++)
        {
            var row = _border.AsSpan(b * Unknowns, Unknowns);
            for (int c = 0; c < n; c++)
            {
                double f = row[uj + c] / s[c * sc + c];
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
            var r = eqs.Slice(j * _rows, _rows);
            var fac = _borderFactors[j];
            for (int b = 0; b < g; b++)
            {
                double sum = 0;
                for (int c = 0; c < _ni; c++) sum += fac[b * _ni + c] * r[c];
                eqs[colloc + n + b] -= sum;
            }
        }
        // (2) Chain: the reduced rhs starts as interval 0's condensed rows.
        var red = _rhsWork.AsSpan(0, 2 * n);
        eqs.Slice(_ni, n).CopyTo(red);
        for (int j = 1; j < N; j++)
        {
            var s = _stages[j];
            int sc = 3 * n + g;
            var stageRhs = StageRhs(j);
            red.Slice(0, n).CopyTo(stageRhs);
            eqs.Slice(j * _rows + _ni, n).CopyTo(stageRhs.Slice(n));
            var piv = _stagePivots[j];
            for (int c = 0; c < n; c++)
            {
                int p = piv[c];
                if (p != c) (stageRhs[c], stageRhs[p]) = (stageRhs[p], stageRhs[c]);
                double rc = stageRhs[c];
                if (rc == 0) continue;
                for (int i = c + 1; i < 2 * n; i++) stageRhs[i] -= s[i * sc + c] * rc;
            }
            var fac = _stageBorderFactors[j];
            for (int b = 0; b < g; b++)
            {
                double sum = 0;
                for (int c = 0; c < n; c++) sum += fac[b * n + c] * stageRhs[c];
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
            var s = _stages[j];
            int sc = 3 * n + g;
            var stageRhs = StageRhs(j);
            int uj = j * m * n, uj1 = (j + 1) * m * n;
            for (int c = n - 1; c >= 0; c--)
            {
                var row = s.AsSpan(c * sc, sc);
                double v = stageRhs[c];
                for (int k = c + 1; k < n; k++) v -= row[k] * x[uj + k];
                for (int k = 0; k < n; k++) v -= row[n + k] * x[k] + row[2 * n + k] * x[uj1 + k];
                for (int k = 0; k < g; k++) v -= row[3 * n + k] * x[gl + k];
                x[uj + c] = v / row[c];
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
    Action<int> BackShare => _backShare ??= w => BackRange(_solveEq!, _backBuffer!, w * _N / _activeWorkers, (w + 1) * _N / _activeWorkers);


    void ForwardRange(double[] eq, int from, int to)
    {
        for (int j = from; j < to; j++)
        {
            var mult = _multipliers[j];
            var piv = _blockPivots[j];
            var r = eq.AsSpan(j * _rows, _rows);
            for (int c = 0; c < _ni; c++)
            {
                int p = piv[c];
                if (p != c) (r[c], r[p]) = (r[p], r[c]);
                double rc = r[c];
                if (rc == 0) continue;
                Axpy(-rc, mult.AsSpan(c * _rows + c + 1, _rows - c - 1), r.Slice(c + 1));
            }
        }
    }

    void BackSubstituteInteriors(double[] eq, Span<double> x, int workers)
    {
        var xs = _backBuffer ??= new double[Unknowns];
        x.CopyTo(xs);
        if (workers == 1) BackRange(eq, xs, 0, _N);
        else
        {
            (_solveEq, _activeWorkers) = (eq, workers);
            WorkerPool.Run(workers, BackShare);
        }
        xs.AsSpan(0, x.Length).CopyTo(x);
    }

    double[]? _backBuffer;

    void BackRange(double[] eq, double[] x, int from, int to)
    {
        int n = _n, g = _g, m = _m, gl = _N * m * n + n;
        for (int j = from; j < to; j++)
        {
            var a = _blocks[j];
            var r = eq.AsSpan(j * _rows, _rows);
            int baseNode = j * m * n;
            var xs = x.AsSpan();
            var interior = xs.Slice(baseNode + n, _ni);
            var left = xs.Slice(baseNode, n);
            var right = xs.Slice(baseNode + m * n, n);
            var globals = xs.Slice(gl, g);
            for (int c = _ni - 1; c >= 0; c--)
            {
                var row = a.AsSpan(c * _cols, _cols);
                double v = r[c]
                    - Dot(row.Slice(c + 1, _ni - c - 1), interior.Slice(c + 1))
                    - Dot(row.Slice(_ni, n), left)
                    - Dot(row.Slice(_ni + n, n), right)
                    - Dot(row.Slice(_ni + 2 * n, g), globals);
                interior[c] = v / row[c];
            }
        }
    }

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
