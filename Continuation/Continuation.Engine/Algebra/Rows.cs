using System.Numerics;
using System.Runtime.InteropServices;

namespace Continuation.Algebra;

/// <summary>Row operations on n × k row-major blocks, in vector registers.</summary>
internal static class Rows
{
    /// <summary>
    /// C = A B with A m × m' (row-major, leading dimension <paramref name="lda"/>), B m' × k and C m × k
    /// (row-major, rows of k): tiles of four rows of C by two vectors of columns kept in registers
    /// while the inner dimension runs, so each load of B feeds eight multiply-adds.
    /// </summary>
    public static void Multiply(ReadOnlySpan<double> a, int lda, int m, int inner, ReadOnlySpan<double> b, Span<double> c, int k)
    {
        int w = Vector<double>.Count, tile = 2 * w;
        ref double b0 = ref MemoryMarshal.GetReference(b);
        ref double c0 = ref MemoryMarshal.GetReference(c);
        int rows4 = m - m % 4, cols = k - k % tile;
        for (int i = 0; i < rows4; i += 4)
        {
            var a0 = a.Slice(i * lda, inner);
            var a1 = a.Slice((i + 1) * lda, inner);
            var a2 = a.Slice((i + 2) * lda, inner);
            var a3 = a.Slice((i + 3) * lda, inner);
            for (int col = 0; col < cols; col += tile)
            {
                Vector<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
                for (int j = 0; j < inner; j++)
                {
                    var s0 = Vector.LoadUnsafe(ref b0, (nuint)(j * k + col));
                    var s1 = Vector.LoadUnsafe(ref b0, (nuint)(j * k + col + w));
                    var w0 = new Vector<double>(a0[j]);
                    var w1 = new Vector<double>(a1[j]);
                    var w2 = new Vector<double>(a2[j]);
                    var w3 = new Vector<double>(a3[j]);
                    c00 += w0 * s0; c01 += w0 * s1;
                    c10 += w1 * s0; c11 += w1 * s1;
                    c20 += w2 * s0; c21 += w2 * s1;
                    c30 += w3 * s0; c31 += w3 * s1;
                }
                c00.StoreUnsafe(ref c0, (nuint)(i * k + col)); c01.StoreUnsafe(ref c0, (nuint)(i * k + col + w));
                c10.StoreUnsafe(ref c0, (nuint)((i + 1) * k + col)); c11.StoreUnsafe(ref c0, (nuint)((i + 1) * k + col + w));
                c20.StoreUnsafe(ref c0, (nuint)((i + 2) * k + col)); c21.StoreUnsafe(ref c0, (nuint)((i + 2) * k + col + w));
                c30.StoreUnsafe(ref c0, (nuint)((i + 3) * k + col)); c31.StoreUnsafe(ref c0, (nuint)((i + 3) * k + col + w));
            }
            for (int col = cols; col < k; col++)
                for (int r = 0; r < 4; r++)
                {
                    var ar = a.Slice((i + r) * lda, inner);
                    double sum = 0;
                    for (int j = 0; j < inner; j++) sum += ar[j] * b[j * k + col];
                    c[(i + r) * k + col] = sum;
                }
        }
        for (int i = rows4; i < m; i++)
        {
            var ci = c.Slice(i * k, k);
            ci.Clear();
            var ai = a.Slice(i * lda, inner);
            for (int j = 0; j < inner; j++) if (ai[j] != 0) Axpy(ai[j], b.Slice(j * k, k), ci);
        }
    }

    /// <summary>y += a·x over equal-length rows.</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        var xv = MemoryMarshal.Cast<double, Vector<double>>(x);
        var yv = MemoryMarshal.Cast<double, Vector<double>>(y);
        var av = new Vector<double>(a);
        for (int v = 0; v < yv.Length; v++) yv[v] += av * xv[v];
        for (int i = yv.Length * Vector<double>.Count; i < y.Length; i++) y[i] += a * x[i];
    }
}
