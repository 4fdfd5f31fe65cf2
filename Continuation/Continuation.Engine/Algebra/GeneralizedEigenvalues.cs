using System.Numerics;

namespace Continuation.Algebra;

/// <summary>
/// Eigenvalues of a real square matrix pencil A − λB by the QZ algorithm, returned as pairs
/// (α, β) with λ = α/β, so that infinite (β = 0), huge and tiny eigenvalues are all represented
/// without overflow or underflow. Backward stable for the pencil: the pairs are the exact
/// eigenvalues of (A + E, B + F) with ‖E‖ ≈ u‖A‖, ‖F‖ ≈ u‖B‖ (u the unit round-off), however
/// ill-conditioned or singular A and B are.
/// </summary>
/// <remarks>
/// <para>The use in this code base: the Floquet multipliers μ of a periodic orbit from the condensed
/// collocation system P0·U_0 + P1·U_N = 0, i.e. the eigenvalues of (−P0) − μ·P1. Near a homoclinic
/// orbit the multipliers span 1e−15 … 1e+15 and P0, P1 are both extremely ill-conditioned; the explicit
/// monodromy −P1⁻¹P0 then loses the trivial multiplier 1, while the pencil keeps it (Fairgrieve &amp;
/// Jepson, "O.K. Floquet multipliers", SIAM J. Numer. Anal. 28, 1991; AUTO-07p's FLOWKM likewise
/// applies a QZ to the two condensed blocks).</para>
/// <para>Algorithm (Moler &amp; Stewart, "An algorithm for generalized matrix eigenvalue problems",
/// SIAM J. Numer. Anal. 10, 1973; Golub &amp; Van Loan, Matrix Computations, 4th ed., §7.7):</para>
/// <list type="number">
/// <item>A and B are scaled by powers of two (exactly) so that their largest entries lie in [½, 1);
/// the scaling is undone on α and β at the end.</item>
/// <item>Hessenberg–triangular reduction (GVL Algorithm 7.7.1): B = QR by Householder reflections,
/// A ← QᵀA, then A is brought to upper Hessenberg form column by column with Givens rotations from
/// the left, each fill-in of B below its diagonal being removed at once by a rotation from the right.
/// Real arithmetic.</item>
/// <item>Complex single-shift QZ iteration on the pencil (H, T) in <see cref="Complex"/> arithmetic
/// (GVL §7.7.3–7.7.6; the organisation follows LAPACK's ZHGEQZ, eigenvalues only): the active window
/// is the bottom unreduced block; a subdiagonal entry of H is set to zero when |h_{j,j−1}| ≤ u‖A‖_F,
/// a diagonal entry of T when |t_jj| ≤ u‖B‖_F (an infinite eigenvalue to working precision). A zero
/// t_jj inside the window is chased to the bottom by rotations (GVL §7.7.5) and deflated there as an
/// infinite eigenvalue (β = 0). Otherwise one implicit QZ sweep is applied with the Wilkinson shift,
/// the eigenvalue of the trailing 2 × 2 block of H·T⁻¹ nearer to its (2,2) entry; every tenth sweep
/// without deflation uses an exceptional shift instead (ZLAHQR's choice, scaled by T), which breaks
/// the stagnation of e.g. a cyclic permutation pencil. At most 30·n sweeps (by default) in all.</item>
/// <item>A pair with β = 0 and |α| ≤ u‖A‖_F is returned as exactly (0, 0): det(A − λB) vanishes
/// identically to working precision (a singular pencil).</item>
/// <item>Each deflated 1 × 1 block gives (α, β) = (h_jj, t_jj), normalised so that β is real and
/// non-negative: (α·conj(t_jj)/|t_jj|, |t_jj|).</item>
/// </list>
/// <para>Because the iteration is complex, a real eigenvalue of a real pencil carries an imaginary part
/// at rounding level (u times its condition number), and conjugate pairs are conjugate to rounding,
/// not bitwise. Triangular pencils pass through unchanged: their pairs are exactly
/// (a_jj·sign b_jj, |b_jj|). Cost O(n³): O(n³) for the reduction, O(n²) per sweep, typically a few
/// sweeps per eigenvalue; no allocation beyond four n × n work arrays, one n-vector and the result.</para>
/// </remarks>
internal static class GeneralizedEigenvalues
{
    /// <summary>Default cap on QZ sweeps, per eigenvalue: the iteration gives up after this many times n sweeps.</summary>
    public const int DefaultSweepsPerEigenvalue = 30;

    const double Ulp = 2.220446049250313e-16;          // 2⁻⁵², LAPACK's dlamch('P')
    const double SafeMin = 2.2250738585072014e-308;    // smallest normal double, dlamch('S')

    /// <summary>
    /// Eigenvalues of the pencil A − λB as (α, β) pairs, λ = α/β, β real and ≥ 0 (β = 0: infinite
    /// eigenvalue; α = β = 0: the pencil is singular, det(A − λB) ≡ 0 to working precision).
    /// </summary>
    /// <param name="a">A, row-major n × n; not modified.</param>
    /// <param name="b">B, row-major n × n; not modified.</param>
    /// <param name="n">Order of the pencil (0 gives an empty result).</param>
    /// <returns>n pairs, in the diagonal order of the generalized Schur form (no particular order).</returns>
    /// <exception cref="ArgumentException">Wrong sizes, or a non-finite entry in A or B.</exception>
    /// <exception cref="ArithmeticException">The QZ iteration did not converge in 30·n sweeps (not seen in practice).</exception>
    public static (Complex Alpha, double Beta)[] Compute(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int n)
    {
        CheckSizes(a, b, n);
        if (!IsFinite(a) || !IsFinite(b)) throw new ArgumentException("the pencil has a non-finite entry");
        var result = new (Complex Alpha, double Beta)[n];
        if (!Run(a, b, n, result, DefaultSweepsPerEigenvalue))
            throw new ArithmeticException($"the QZ iteration did not converge in {DefaultSweepsPerEigenvalue * n} sweeps");
        return result;
    }

    /// <summary>
    /// As <see cref="Compute"/>, but returns false (with an empty <paramref name="eigenvalues"/>)
    /// instead of throwing when A or B has a non-finite entry or when the iteration does not converge
    /// within <paramref name="maxSweepsPerEigenvalue"/>·n sweeps. Wrong sizes still throw
    /// <see cref="ArgumentException"/> (a programming error, not a numerical failure).
    /// </summary>
    /// <param name="a">A, row-major n × n; not modified.</param>
    /// <param name="b">B, row-major n × n; not modified.</param>
    /// <param name="n">Order of the pencil.</param>
    /// <param name="eigenvalues">The (α, β) pairs on success, empty otherwise.</param>
    /// <param name="maxSweepsPerEigenvalue">Sweep cap per eigenvalue (≥ 0); the default is <see cref="DefaultSweepsPerEigenvalue"/>.</param>
    public static bool TryCompute(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int n,
        out (Complex Alpha, double Beta)[] eigenvalues, int maxSweepsPerEigenvalue = DefaultSweepsPerEigenvalue)
    {
        CheckSizes(a, b, n);
        ArgumentOutOfRangeException.ThrowIfNegative(maxSweepsPerEigenvalue);
        eigenvalues = [];
        if (!IsFinite(a) || !IsFinite(b)) return false;
        var result = new (Complex Alpha, double Beta)[n];
        if (!Run(a, b, n, result, maxSweepsPerEigenvalue)) return false;
        eigenvalues = result;
        return true;
    }

    /// <summary>
    /// Eigenvalues λ = α/β of the pencil A − λB (see <see cref="Compute"/>, same order and exceptions).
    /// An infinite eigenvalue (β = 0, α ≠ 0) is returned as <c>new Complex(double.PositiveInfinity, 0)</c>;
    /// the indeterminate 0/0 of a singular pencil as <c>new Complex(double.NaN, double.NaN)</c>. A finite
    /// quotient too large for a double also comes out infinite (use <see cref="Compute"/> to keep it).
    /// </summary>
    public static Complex[] Eigenvalues(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int n)
    {
        var pairs = Compute(a, b, n);
        var lambda = new Complex[n];
        for (int i = 0; i < n; i++) lambda[i] = Quotient(pairs[i].Alpha, pairs[i].Beta);
        return lambda;
    }

    /// <summary>
    /// λ = α/β for a pair from <see cref="Compute"/>: <c>(+∞, 0)</c> for β = 0 ≠ α, <c>(NaN, NaN)</c>
    /// for α = β = 0, otherwise the componentwise quotient (β is real).
    /// </summary>
    public static Complex Quotient(Complex alpha, double beta)
    {
        if (beta == 0)
            return alpha == Complex.Zero ? new Complex(double.NaN, double.NaN) : new Complex(double.PositiveInfinity, 0);
        return new Complex(alpha.Real / beta, alpha.Imaginary / beta);
    }

    static void CheckSizes(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int n)
    {
        if (n < 0) throw new ArgumentException($"negative order {n}", nameof(n));
        if (a.Length != n * n) throw new ArgumentException($"A has {a.Length} entries, expected {n} × {n}", nameof(a));
        if (b.Length != n * n) throw new ArgumentException($"B has {b.Length} entries, expected {n} × {n}", nameof(b));
    }

    static bool IsFinite(ReadOnlySpan<double> x)
    {
        foreach (double v in x)
            if (!double.IsFinite(v)) return false;
        return true;
    }

    /// <summary>Scales, reduces, iterates and unscales; false on non-convergence.</summary>
    static bool Run(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int n, Span<(Complex Alpha, double Beta)> result, int sweepsPerEigenvalue)
    {
        if (n == 0) return true;
        var ra = new double[n * n];
        var rb = new double[n * n];
        int ea = ScaleInto(a, ra, out double anorm), eb = ScaleInto(b, rb, out double bnorm);
        ReduceToHessenbergTriangular(ra, rb, n);
        var h = new Complex[n * n];
        var t = new Complex[n * n];
        for (int i = 0; i < h.Length; i++) { h[i] = ra[i]; t[i] = rb[i]; }
        double atol = Math.Max(SafeMin, Ulp * anorm), btol = Math.Max(SafeMin, Ulp * bnorm);
        if (!Iterate(h, t, n, atol, btol, (long)sweepsPerEigenvalue * n, result)) return false;
        for (int i = 0; i < n; i++)
        {
            var (alpha, beta) = result[i];
            result[i] = (new Complex(Math.ScaleB(alpha.Real, ea), Math.ScaleB(alpha.Imaginary, ea)), Math.ScaleB(beta, eb));
        }
        return true;
    }

    /// <summary>
    /// Copies x·2^(−e) into <paramref name="scaled"/> with e chosen so that the largest |entry| lies in
    /// [½, 1) (e = 0 for a zero matrix); returns e, and the Frobenius norm of the scaled copy.
    /// </summary>
    static int ScaleInto(ReadOnlySpan<double> x, double[] scaled, out double frobenius)
    {
        double max = 0;
        foreach (double v in x) max = Math.Max(max, Math.Abs(v));
        int e = max == 0 ? 0 : Math.ILogB(max) + 1;
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double v = Math.ScaleB(x[i], -e);
            scaled[i] = v;
            sum += v * v;
        }
        frobenius = Math.Sqrt(sum);
        return e;
    }

    /// <summary>
    /// (A, B) ← (QᵀAZ, QᵀBZ) with A upper Hessenberg and B upper triangular (GVL Algorithm 7.7.1),
    /// in place, row-major; Q and Z are not accumulated.
    /// </summary>
    static void ReduceToHessenbergTriangular(double[] a, double[] b, int n)
    {
        // B = QR by Householder reflections P = I − 2vvᵀ/vᵀv, applied to A as well.
        var v = new double[n];
        for (int k = 0; k < n - 1; k++)
        {
            double below = 0;
            for (int i = k + 1; i < n; i++) below += b[i * n + k] * b[i * n + k];
            if (below > 0)
            {
                double x0 = b[k * n + k];
                double norm = Math.Sqrt(x0 * x0 + below);
                double diagonal = x0 >= 0 ? -norm : norm;   // sign opposite to x0: no cancellation in v_k
                v[k] = x0 - diagonal;
                for (int i = k + 1; i < n; i++) v[i] = b[i * n + k];
                double twoOverVtv = 2 / (v[k] * v[k] + below);
                ApplyReflector(b, n, v, k, twoOverVtv, k + 1);
                ApplyReflector(a, n, v, k, twoOverVtv, 0);
                b[k * n + k] = diagonal;
            }
            for (int i = k + 1; i < n; i++) b[i * n + k] = 0;   // exact zeros (also if below underflowed)
        }

        // A to Hessenberg form, bottom-up in each column; each rotation's fill-in b_{i,i−1} is removed at once.
        for (int j = 0; j < n - 2; j++)
            for (int i = n - 1; i >= j + 2; i--)
            {
                double g = a[i * n + j];
                if (g == 0) continue;
                double f = a[(i - 1) * n + j];
                double r = Hypot(f, g), c = f / r, s = g / r;
                // Rows i−1, i: [c s; −s c].
                for (int col = j; col < n; col++)
                {
                    double x = a[(i - 1) * n + col], y = a[i * n + col];
                    a[(i - 1) * n + col] = c * x + s * y;
                    a[i * n + col] = c * y - s * x;
                }
                a[i * n + j] = 0;
                for (int col = i - 1; col < n; col++)
                {
                    double x = b[(i - 1) * n + col], y = b[i * n + col];
                    b[(i - 1) * n + col] = c * x + s * y;
                    b[i * n + col] = c * y - s * x;
                }
                // Columns i−1, i: zero b_{i,i−1} against b_ii.
                g = b[i * n + i - 1];
                if (g == 0) continue;
                f = b[i * n + i];
                r = Hypot(f, g); c = f / r; s = g / r;
                for (int row = 0; row <= i; row++)
                {
                    double x = b[row * n + i], y = b[row * n + i - 1];
                    b[row * n + i] = c * x + s * y;
                    b[row * n + i - 1] = c * y - s * x;
                }
                b[i * n + i - 1] = 0;
                for (int row = 0; row < n; row++)
                {
                    double x = a[row * n + i], y = a[row * n + i - 1];
                    a[row * n + i] = c * x + s * y;
                    a[row * n + i - 1] = c * y - s * x;
                }
            }
    }

    /// <summary>M[k.., from..] ← (I − τvvᵀ)·M[k.., from..] with v stored in v[k..].</summary>
    static void ApplyReflector(double[] m, int n, double[] v, int k, double tau, int from)
    {
        for (int col = from; col < n; col++)
        {
            double dot = 0;
            for (int i = k; i < n; i++) dot += v[i] * m[i * n + col];
            if (dot == 0) continue;
            dot *= tau;
            for (int i = k; i < n; i++) m[i * n + col] -= dot * v[i];
        }
    }

    static double Hypot(double x, double y)
    {
        x = Math.Abs(x); y = Math.Abs(y);
        double big = Math.Max(x, y), small = Math.Min(x, y);
        if (small == 0) return big;
        double q = small / big;
        return big * Math.Sqrt(1 + q * q);
    }

    static double Abs1(Complex z) => Math.Abs(z.Real) + Math.Abs(z.Imaginary);

    /// <summary>
    /// Complex Givens rotation [c s; −conj(s) c] (c real) with c·f + s·g = r and −conj(s)·f + c·g = 0
    /// (LAPACK's ZLARTG convention).
    /// </summary>
    static void Rotation(Complex f, Complex g, out double c, out Complex s, out Complex r)
    {
        if (g == Complex.Zero) { c = 1; s = Complex.Zero; r = f; return; }
        double ag = Complex.Abs(g);
        if (f == Complex.Zero) { c = 0; s = Complex.Conjugate(g) / ag; r = ag; return; }
        double af = Complex.Abs(f), d = Hypot(af, ag);
        var phase = new Complex(f.Real / af, f.Imaginary / af);
        c = af / d;
        s = phase * Complex.Conjugate(g) / d;
        r = phase * d;
    }

    /// <summary>(x, y) ← (c·x + s·y, c·y − conj(s)·x): the rotation applied to a pair of rows or columns.</summary>
    static void Rotate(ref Complex x, ref Complex y, double c, Complex s)
    {
        var t = c * x + s * y;
        y = c * y - Complex.Conjugate(s) * x;
        x = t;
    }

    /// <summary>Rows p, p+1 of m, columns from … to (inclusive).</summary>
    static void RotateRows(Complex[] m, int n, int p, int from, int to, double c, Complex s)
    {
        for (int col = from; col <= to; col++) Rotate(ref m[p * n + col], ref m[(p + 1) * n + col], c, s);
    }

    /// <summary>Columns keep (x) and other (y) of m, rows from … to (inclusive).</summary>
    static void RotateColumns(Complex[] m, int n, int keep, int other, int from, int to, double c, Complex s)
    {
        for (int row = from; row <= to; row++) Rotate(ref m[row * n + keep], ref m[row * n + other], c, s);
    }

    /// <summary>
    /// Single-shift complex QZ on the Hessenberg–triangular pencil (h, t); writes (α, β) of each
    /// diagonal position into <paramref name="result"/>. Only the active window is updated (eigenvalues only).
    /// </summary>
    static bool Iterate(Complex[] h, Complex[] t, int n, double atol, double btol, long maxSweeps, Span<(Complex Alpha, double Beta)> result)
    {
        long sweeps = 0;
        int ihi = n - 1, sinceDeflation = 0;
        while (ihi >= 0)
        {
            // The bottom unreduced block [ilo, ihi].
            int ilo = ihi;
            while (ilo > 0)
            {
                ref Complex sub = ref h[ilo * n + ilo - 1];
                if (Abs1(sub) <= atol) { sub = Complex.Zero; break; }
                ilo--;
            }
            // Negligible diagonal entries of T: infinite eigenvalues to working precision.
            int zero = -1;
            for (int j = ihi; j >= ilo; j--)
                if (Abs1(t[j * n + j]) <= btol) { t[j * n + j] = Complex.Zero; if (zero < 0) zero = j; }

            if (ilo < ihi && zero < 0)
            {
                if (++sweeps > maxSweeps) return false;
                sinceDeflation++;
                var shift = sinceDeflation % 10 == 0
                    ? ExceptionalShift(h, t, n, ihi, sinceDeflation / 10)
                    : WilkinsonShift(h, t, n, ihi);
                Sweep(h, t, n, ilo, ihi, shift);
                continue;
            }

            if (ilo < ihi)
            {
                // t_zz = 0: chase the zero down to t(ihi, ihi) (GVL §7.7.5) …
                for (int j = zero; j < ihi; j++)
                {
                    Rotation(t[j * n + j + 1], t[(j + 1) * n + j + 1], out double c, out Complex s, out Complex r);
                    t[j * n + j + 1] = r;
                    t[(j + 1) * n + j + 1] = Complex.Zero;
                    if (j + 2 <= ihi) RotateRows(t, n, j, j + 2, ihi, c, s);
                    RotateRows(h, n, j, Math.Max(j - 1, ilo), ihi, c, s);
                    if (j > ilo)
                    {
                        // … removing the fill-in h(j+1, j−1) against h(j+1, j); t's columns j−1, j are zero below row j−1.
                        Rotation(h[(j + 1) * n + j], h[(j + 1) * n + j - 1], out c, out s, out r);
                        h[(j + 1) * n + j] = r;
                        h[(j + 1) * n + j - 1] = Complex.Zero;
                        RotateColumns(h, n, j, j - 1, ilo, j, c, s);
                        RotateColumns(t, n, j, j - 1, ilo, j - 1, c, s);
                    }
                }
                // … then zero h(ihi, ihi−1) against h(ihi, ihi) to split off the infinite eigenvalue.
                {
                    Rotation(h[ihi * n + ihi], h[ihi * n + ihi - 1], out double c, out Complex s, out Complex r);
                    h[ihi * n + ihi] = r;
                    h[ihi * n + ihi - 1] = Complex.Zero;
                    RotateColumns(h, n, ihi, ihi - 1, ilo, ihi - 1, c, s);
                    RotateColumns(t, n, ihi, ihi - 1, ilo, ihi - 1, c, s);
                }
            }

            // 1 × 1 block at ihi: normalise β real ≥ 0.
            Complex alpha = h[ihi * n + ihi], beta = t[ihi * n + ihi];
            double absBeta = Complex.Abs(beta);
            if (absBeta > SafeMin)
            {
                if (beta.Imaginary == 0) alpha = beta.Real > 0 ? alpha : -alpha;
                else alpha *= new Complex(beta.Real / absBeta, -beta.Imaginary / absBeta);
                result[ihi] = (alpha, absBeta);
            }
            else result[ihi] = (Abs1(alpha) <= atol ? Complex.Zero : alpha, 0);   // both negligible: 0/0, a singular pencil
            ihi--;
            sinceDeflation = 0;
        }
        return true;
    }

    /// <summary>
    /// The eigenvalue of the trailing 2 × 2 block of H·T⁻¹ nearer to its (2,2) entry; T's diagonal there
    /// is non-negligible. With T = U·D (U unit upper triangular) the block is (H·D⁻¹)·U⁻¹.
    /// </summary>
    static Complex WilkinsonShift(Complex[] h, Complex[] t, int n, int i)
    {
        int k = i - 1;
        Complex u12 = t[k * n + i] / t[i * n + i];
        Complex ad11 = h[k * n + k] / t[k * n + k], ad21 = h[i * n + k] / t[k * n + k];
        Complex ad12 = h[k * n + i] / t[i * n + i], ad22 = h[i * n + i] / t[i * n + i];
        Complex abi22 = ad22 - u12 * ad21;
        Complex half = 0.5 * (ad11 + abi22);
        Complex root = Complex.Sqrt(half * half + ad12 * ad21 - ad11 * ad22);
        Complex d = half - abi22;
        return d.Real * root.Real + d.Imaginary * root.Imaginary <= 0 ? half + root : half - root;
    }

    /// <summary>
    /// Shift for every tenth sweep without deflation, to break the cycles the Wilkinson shift can fall
    /// into (e.g. a cyclic permutation pencil, where it is 0 forever): h_ii/t_ii + ¾·|h_{i,i−1}/t_{i−1,i−1}|,
    /// the offset turned by a quarter turn every other time (after LAPACK's ZLAHQR exceptional shift).
    /// </summary>
    static Complex ExceptionalShift(Complex[] h, Complex[] t, int n, int i, int count)
    {
        double offset = 0.75 * Complex.Abs(h[i * n + i - 1]) / Complex.Abs(t[(i - 1) * n + i - 1]);
        return h[i * n + i] / t[i * n + i] + (count % 2 == 1 ? new Complex(offset, 0) : new Complex(0, offset));
    }

    /// <summary>
    /// One implicit single-shift QZ sweep on rows/columns ilo … ihi (GVL §7.7.4, complex form): the first
    /// rotation acts on the first column of H − σT, the bulge is chased down with left rotations on H and
    /// right rotations restoring T's triangular form.
    /// </summary>
    static void Sweep(Complex[] h, Complex[] t, int n, int ilo, int ihi, Complex shift)
    {
        Rotation(h[ilo * n + ilo] - shift * t[ilo * n + ilo], h[(ilo + 1) * n + ilo], out double c, out Complex s, out _);
        for (int j = ilo; j < ihi; j++)
        {
            if (j > ilo)
            {
                Rotation(h[j * n + j - 1], h[(j + 1) * n + j - 1], out c, out s, out Complex r);
                h[j * n + j - 1] = r;
                h[(j + 1) * n + j - 1] = Complex.Zero;
            }
            RotateRows(h, n, j, j, ihi, c, s);
            RotateRows(t, n, j, j, ihi, c, s);
            // Fill-in t(j+1, j) removed against t(j+1, j+1) by a rotation of columns j+1, j.
            Rotation(t[(j + 1) * n + j + 1], t[(j + 1) * n + j], out c, out s, out Complex rt);
            t[(j + 1) * n + j + 1] = rt;
            t[(j + 1) * n + j] = Complex.Zero;
            RotateColumns(h, n, j + 1, j, ilo, Math.Min(j + 2, ihi), c, s);
            RotateColumns(t, n, j + 1, j, ilo, j, c, s);
        }
    }
}
