using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Continuation.Transverse;

/// <summary>What to do with a connectivity matrix whose rows might not sum to 1.</summary>
public enum ConnectivityNormalization
{
    /// <summary>Use the matrix as given; rows that do not sum to 1 are an error.</summary>
    None,
    /// <summary>Divide every row by its sum (W = D⁻¹A); a zero row is an error.</summary>
    Rows,
}

/// <summary>
/// A square, real, finite coupling matrix W: node k receives Σ_j W_kj H(x_j). Immutable; entries
/// are checked finite on construction. Remembers the file (and .npz key) it was read from so
/// later errors can name it.
/// </summary>
/// <remarks>
/// The homogeneous manifold (all nodes equal) is invariant exactly when every row sums to the
/// same value, and the coupling is normalised so that value is 1; then Λ = 1 is an eigenvalue of
/// W with eigenvector (1, …, 1). See <see cref="ConnectivitySpectrum"/>.
/// </remarks>
public sealed class ConnectivityMatrix
{
    /// <summary>Default relative tolerance for "the row sums to 1": |Σ_j W_kj − 1| ≤ tol · Σ_j |W_kj|.</summary>
    public const double DefaultRowSumTolerance = 1e-9;

    /// <summary>
    /// The most nodes a matrix read from a file may have (8192² doubles are 512 MB; the paper's
    /// connectome has 90): the readers check a declared size against it before allocating.
    /// </summary>
    public const int MaxNodes = 8192;

    readonly double[] _values; // row-major, Size × Size

    /// <summary>Copies a square array. Throws <see cref="ConnectivityException"/> if it is empty, not square or not finite.</summary>
    public ConnectivityMatrix(double[,] values)
        : this(Flatten(values), values.GetLength(0), values.GetLength(1), null, null)
    {
    }

    ConnectivityMatrix(double[] rowMajor, int rows, int columns, string? fileName, string? key)
    {
        FileName = fileName;
        Key = key;
        if (rows == 0 || columns == 0)
            throw new ConnectivityException(ConnectivityError.Empty,
                string.Create(CultureInfo.InvariantCulture, $"{KeyPrefix(key)}the matrix is empty ({rows} × {columns})"), fileName);
        if (rows != columns)
            throw new ConnectivityException(ConnectivityError.NotSquare,
                string.Create(CultureInfo.InvariantCulture, $"{KeyPrefix(key)}the matrix is {rows} × {columns}; a connectivity matrix must be square"), fileName);
        Size = rows;
        _values = rowMajor;
        var bad = new List<(int Row, int Column)>();
        for (int i = 0; i < rowMajor.Length; i++)
            if (!double.IsFinite(rowMajor[i])) bad.Add((i / rows, i % rows));
        if (bad.Count > 0)
            throw new ConnectivityException(ConnectivityError.NonFinite,
                $"{KeyPrefix(key)}{bad.Count} entr{(bad.Count == 1 ? "y is" : "ies are")} not finite: " +
                ConnectivityException.FirstFew(bad, b => string.Create(CultureInfo.InvariantCulture,
                    $"W[{b.Row},{b.Column}] = {rowMajor[b.Row * rows + b.Column]}")),
                fileName, rows: bad.Select(b => b.Row).Distinct().ToArray());
    }

    /// <summary>Copies <paramref name="rowMajor"/> (length size²) into a new matrix.</summary>
    public static ConnectivityMatrix FromRowMajor(ReadOnlySpan<double> rowMajor, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (rowMajor.Length != size * size)
            throw new ArgumentException($"expected {size * size} values for a {size} × {size} matrix, got {rowMajor.Length}", nameof(rowMajor));
        return new ConnectivityMatrix(rowMajor.ToArray(), size, size, null, null);
    }

    /// <summary>For readers: takes ownership of <paramref name="rowMajor"/> (no copy) and validates it.</summary>
    public static ConnectivityMatrix Create(double[] rowMajor, int rows, int columns, string? fileName, string? key = null) =>
        new(rowMajor, rows, columns, fileName, key);

    /// <summary>Number of nodes N.</summary>
    public int Size { get; }

    /// <summary>The file the matrix was read from; null if built in memory.</summary>
    public string? FileName { get; }

    /// <summary>The array name inside an .npz archive; null otherwise.</summary>
    public string? Key { get; }

    /// <summary>Where the matrix came from, for messages: file name and key, or "matrix".</summary>
    public string Source => FileName is null ? "matrix" : Key is null ? FileName : $"{FileName} [{Key}]";

    /// <summary>W_{row, column}.</summary>
    public double this[int row, int column]
    {
        get
        {
            if ((uint)row >= (uint)Size) throw new ArgumentOutOfRangeException(nameof(row));
            if ((uint)column >= (uint)Size) throw new ArgumentOutOfRangeException(nameof(column));
            return _values[row * Size + column];
        }
    }

    /// <summary>Row <paramref name="row"/> (the weights node <paramref name="row"/> receives), read-only.</summary>
    public ReadOnlySpan<double> Row(int row)
    {
        if ((uint)row >= (uint)Size) throw new ArgumentOutOfRangeException(nameof(row));
        return _values.AsSpan(row * Size, Size);
    }

    /// <summary>All entries, row-major, read-only.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>A copy as a 2-D array.</summary>
    public double[,] ToArray()
    {
        var a = new double[Size, Size];
        for (int i = 0; i < Size; i++)
            for (int j = 0; j < Size; j++) a[i, j] = _values[i * Size + j];
        return a;
    }

    /// <summary>A copy as a dense Math.NET matrix.</summary>
    public Matrix<double> ToMatrix() => Matrix<double>.Build.Dense(Size, Size, (i, j) => _values[i * Size + j]);

    /// <summary>Σ_j W_kj for every row k.</summary>
    public double[] RowSums()
    {
        var sums = new double[Size];
        for (int i = 0; i < Size; i++) sums[i] = Sum(Row(i));
        return sums;
    }

    /// <summary>True if |W_ij − W_ji| ≤ <paramref name="relativeTolerance"/> · max |W| for all i, j.</summary>
    public bool IsSymmetric(double relativeTolerance = 0) => MaxAsymmetry() <= relativeTolerance * MaxAbs();

    /// <summary>max_ij |W_ij − W_ji|.</summary>
    public double MaxAsymmetry()
    {
        double worst = 0;
        for (int i = 0; i < Size; i++)
            for (int j = i + 1; j < Size; j++)
                worst = Math.Max(worst, Math.Abs(_values[i * Size + j] - _values[j * Size + i]));
        return worst;
    }

    internal double MaxAbs()
    {
        double m = 0;
        foreach (double v in _values) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    /// <summary>Checks every row sums to 1 within <paramref name="relativeTolerance"/>: |Σ_j W_kj − 1| ≤ tol · Σ_j |W_kj| (a zero row always fails).</summary>
    public RowSumReport CheckRowSums(double relativeTolerance = DefaultRowSumTolerance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(relativeTolerance);
        var sums = new double[Size];
        var failing = new List<int>();
        for (int i = 0; i < Size; i++)
        {
            var row = Row(i);
            double s = Sum(row), mass = 0;
            foreach (double v in row) mass += Math.Abs(v);
            sums[i] = s;
            if (!(Math.Abs(s - 1) <= relativeTolerance * mass)) failing.Add(i);
        }
        return new RowSumReport(sums, failing, relativeTolerance);
    }

    /// <summary>
    /// Returns this matrix if its rows sum to 1 (see <see cref="CheckRowSums"/>); otherwise throws a
    /// <see cref="ConnectivityException"/> (<see cref="ConnectivityError.NotRowNormalized"/>) naming the
    /// first failing rows and their sums, and how many rows fail.
    /// </summary>
    public ConnectivityMatrix EnsureRowNormalized(double relativeTolerance = DefaultRowSumTolerance)
    {
        var report = CheckRowSums(relativeTolerance);
        if (report.AllRowsSumToOne) return this;
        var rows = report.FailingRows;
        throw new ConnectivityException(ConnectivityError.NotRowNormalized,
            string.Create(CultureInfo.InvariantCulture,
                $"{KeyPrefix(Key)}{rows.Count} of {Size} rows do not sum to 1 (relative tolerance {relativeTolerance:G3}): ") +
            ConnectivityException.FirstFew(rows, r => string.Create(CultureInfo.InvariantCulture, $"row {r} sums to {report.Sums[r]:G12}")) +
            "; the homogeneous state exists only for a row-normalised matrix (normalise the rows)",
            FileName, rows: rows);
    }

    /// <summary>
    /// W_kj / Σ_j W_kj (D⁻¹A). Throws <see cref="ConnectivityException"/> (<see cref="ConnectivityError.ZeroRowSum"/>)
    /// naming the rows whose sum is zero (or negligible against the row's entries, |Σ| ≤ 1e-14 Σ|W_kj|).
    /// </summary>
    /// <remarks>Rows are summed in order; the result's rows sum to 1 to a few ulps.</remarks>
    public ConnectivityMatrix NormalizeRows()
    {
        var zero = new List<int>();
        var sums = new double[Size];
        for (int i = 0; i < Size; i++)
        {
            var row = Row(i);
            double s = Sum(row), mass = 0;
            foreach (double v in row) mass += Math.Abs(v);
            sums[i] = s;
            if (!(Math.Abs(s) > 1e-14 * mass)) zero.Add(i);
        }
        if (zero.Count > 0)
            throw new ConnectivityException(ConnectivityError.ZeroRowSum,
                $"{KeyPrefix(Key)}cannot normalise the rows: {zero.Count} row{(zero.Count == 1 ? " sums" : "s sum")} to zero (" +
                ConnectivityException.FirstFew(zero, r => string.Create(CultureInfo.InvariantCulture, $"row {r}")) +
                "): a node with no input",
                FileName, rows: zero);
        var w = new double[_values.Length];
        for (int i = 0; i < Size; i++)
        {
            double inv = 1.0 / sums[i];
            for (int j = 0; j < Size; j++) w[i * Size + j] = _values[i * Size + j] * inv;
        }
        return new ConnectivityMatrix(w, Size, Size, FileName, Key);
    }

    /// <summary>What a case's <c>normalize</c> setting asks for: <see cref="NormalizeRows"/> or <see cref="EnsureRowNormalized"/>.</summary>
    public ConnectivityMatrix Prepare(ConnectivityNormalization normalization, double relativeTolerance = DefaultRowSumTolerance) =>
        normalization switch
        {
            ConnectivityNormalization.Rows => NormalizeRows(),
            ConnectivityNormalization.None => EnsureRowNormalized(relativeTolerance),
            _ => throw new ArgumentOutOfRangeException(nameof(normalization)),
        };

    static double Sum(ReadOnlySpan<double> row)
    {
        double s = 0;
        foreach (double v in row) s += v;
        return s;
    }

    static string KeyPrefix(string? key) => key is null ? "" : $"array '{key}': ";

    static double[] Flatten(double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int r = values.GetLength(0), c = values.GetLength(1);
        var a = new double[r * c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) a[i * c + j] = values[i, j];
        return a;
    }
}

/// <summary>Row sums of a connectivity matrix and the rows that do not sum to 1.</summary>
/// <param name="Sums">Σ_j W_kj for every row k.</param>
/// <param name="FailingRows">0-based rows outside the tolerance, ascending.</param>
/// <param name="Tolerance">The relative tolerance used.</param>
public sealed record RowSumReport(IReadOnlyList<double> Sums, IReadOnlyList<int> FailingRows, double Tolerance)
{
    /// <summary>True if every row sums to 1 within the tolerance.</summary>
    public bool AllRowsSumToOne => FailingRows.Count == 0;

    /// <summary>max_k |Σ_j W_kj − 1|.</summary>
    public double MaxDeviation => Sums.Count == 0 ? 0 : Sums.Max(s => Math.Abs(s - 1));
}
