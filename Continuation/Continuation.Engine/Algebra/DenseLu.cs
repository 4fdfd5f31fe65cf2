namespace Continuation.Algebra;

/// <summary>
/// LU factorisation with partial pivoting of a small dense square matrix, row-major, in
/// buffers owned by the instance: factor once, solve many, no allocation after construction.
/// </summary>
internal sealed class DenseLu
{
    readonly double[] _a;
    readonly int[] _pivot;

    /// <summary>Allocates the buffers for matrices of order <paramref name="n"/>.</summary>
    public DenseLu(int n)
    {
        Size = n;
        _a = new double[n * n];
        _pivot = new int[n];
    }

    /// <summary>Order of the matrix.</summary>
    public int Size { get; }

    /// <summary>Sign of the determinant of the last factored matrix (0 if singular).</summary>
    public int DeterminantSign { get; private set; }

    /// <summary>log |det| of the last factored matrix (−∞ if singular).</summary>
    public double LogAbsDeterminant { get; private set; }

    /// <summary>Smallest |pivot| / largest |pivot|: a cheap conditioning indicator.</summary>
    public double PivotRatio { get; private set; }

    /// <summary>Row-major storage to fill before calling <see cref="Factor()"/>.</summary>
    public Span<double> Matrix => _a;

    /// <summary>Copies <paramref name="matrix"/> (row-major) and factors it. Returns false if exactly singular.</summary>
    public bool Factor(ReadOnlySpan<double> matrix)
    {
        matrix.CopyTo(_a);
        return Factor();
    }

    /// <summary>Factors the contents of <see cref="Matrix"/> in place. Returns false if exactly singular.</summary>
    public bool Factor()
    {
        int n = Size;
        var a = _a.AsSpan();
        int sign = 1;
        double logDet = 0, maxPivot = 0, minPivot = double.PositiveInfinity;
        for (int k = 0; k < n; k++)
        {
            int p = k;
            double best = Math.Abs(a[k * n + k]);
            for (int i = k + 1; i < n; i++)
            {
                double v = Math.Abs(a[i * n + k]);
                if (v > best) { best = v; p = i; }
            }
            _pivot[k] = p;
            if (best == 0 || !double.IsFinite(best))
            {
                DeterminantSign = 0; LogAbsDeterminant = double.NegativeInfinity; PivotRatio = 0;
                return false;
            }
            if (p != k)
            {
                for (int j = 0; j < n; j++) (a[k * n + j], a[p * n + j]) = (a[p * n + j], a[k * n + j]);
                sign = -sign;
            }
            double pivot = a[k * n + k];
            if (pivot < 0) sign = -sign;
            logDet += Math.Log(best);
            maxPivot = Math.Max(maxPivot, best);
            minPivot = Math.Min(minPivot, best);
            double inv = 1.0 / pivot;
            var rowK = a.Slice(k * n, n);
            for (int i = k + 1; i < n; i++)
            {
                var rowI = a.Slice(i * n, n);
                double m = rowI[k] * inv;
                rowI[k] = m;
                if (m == 0) continue;
                for (int j = k + 1; j < n; j++) rowI[j] -= m * rowK[j];
            }
        }
        DeterminantSign = sign;
        LogAbsDeterminant = logDet;
        PivotRatio = minPivot / maxPivot;
        return true;
    }

    /// <summary>Solves A x = b in place (b becomes x).</summary>
    public void Solve(Span<double> b)
    {
        int n = Size;
        var a = _a.AsSpan();
        for (int k = 0; k < n; k++)
        {
            int p = _pivot[k];
            if (p != k) (b[k], b[p]) = (b[p], b[k]);
        }
        for (int i = 1; i < n; i++)
        {
            var row = a.Slice(i * n, i);
            double s = b[i];
            for (int j = 0; j < i; j++) s -= row[j] * b[j];
            b[i] = s;
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int j = i + 1; j < n; j++) s -= a[i * n + j] * b[j];
            b[i] = s / a[i * n + i];
        }
    }
}
