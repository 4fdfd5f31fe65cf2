using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;
using Complex = System.Numerics.Complex;

namespace Continuation.Transverse;

/// <summary>How a <see cref="ConnectivitySpectrum"/> was computed.</summary>
public enum SpectrumMethod
{
    /// <summary>General real (non-symmetric) eigen-decomposition of W: Hessenberg reduction and shifted QR.</summary>
    General,
    /// <summary>W = D⁻¹A with A symmetric: symmetric eigen-decomposition of D^{-1/2} A D^{-1/2}; real eigenvalues, eigenvectors D^{-1/2}u.</summary>
    Symmetric,
}

/// <summary>
/// Eigenvalues Λ_α and eigenvectors of a row-normalised connectivity matrix W, with the
/// homogeneous mode (Λ = 1, eigenvector ∝ (1, …, 1)) identified and the others exposed as the
/// transverse modes.
/// </summary>
/// <remarks>
/// <para>
/// A perturbation of a homogeneous state along eigenvector α of W evolves under
/// DF + ε Λ_α DH (Pecora and Carroll, "Master stability functions for synchronized coupled
/// systems", Phys. Rev. Lett. 80, 2109 (1998)); α = homogeneous is the homogeneous system itself.
/// </para>
/// <para>
/// Modes are ordered by decreasing real part, then decreasing imaginary part, so a complex pair
/// Λ, Λ̄ is adjacent with Im Λ &gt; 0 first. Eigenvectors have unit 2-norm; real eigenvectors are
/// signed so their largest-magnitude entry is positive, the homogeneous one so its entries are positive.
/// </para>
/// <para>
/// The general route uses Math.NET's managed <c>Evd</c> (the EISPACK/JAMA orthes + hqr2
/// algorithm); a complex pair a ± ib occupies two real columns x, y of its eigenvector matrix with
/// W(x + iy) = (a + ib)(x + iy). When W = D⁻¹A with A symmetric and D = diag(row sums of A) &gt; 0,
/// W = D^{-1/2} S D^{1/2} with S = D^{-1/2} A D^{-1/2} symmetric, so the spectrum is real and can be
/// obtained from the symmetric eigenproblem of S (<see cref="FromSymmetricWeights"/>).
/// </para>
/// </remarks>
public sealed class ConnectivitySpectrum
{
    /// <summary>Default tolerance for |Λ − 1| when looking for the homogeneous mode.</summary>
    public const double DefaultHomogeneousTolerance = 1e-6;

    readonly Complex[] _values;
    readonly Complex[][] _vectors;
    readonly int[] _transverse;

    ConnectivitySpectrum(ConnectivityMatrix matrix, SpectrumMethod method, Complex[] values, Complex[][] vectors, double tolerance)
    {
        Matrix = matrix;
        Method = method;
        // Sort by real part descending, then imaginary part descending.
        var order = Enumerable.Range(0, values.Length)
            .OrderByDescending(k => values[k].Real).ThenByDescending(k => values[k].Imaginary).ToArray();
        _values = order.Select(k => values[k]).ToArray();
        _vectors = order.Select(k => vectors[k]).ToArray();

        int n = matrix.Size;
        var candidates = Enumerable.Range(0, n).Where(k => (_values[k] - 1).Magnitude <= tolerance).ToArray();
        if (candidates.Length == 0)
        {
            var nearest = _values.MinBy(v => (v - 1).Magnitude);
            throw new ConnectivityException(ConnectivityError.NoHomogeneousMode,
                string.Create(CultureInfo.InvariantCulture,
                    $"no eigenvalue within {tolerance:G3} of 1 (nearest {Format(nearest)}); is the matrix row-normalised?"),
                matrix.FileName);
        }
        double invSqrtN = 1 / Math.Sqrt(n);
        // Alignment with (1, …, 1)/√N; with a unit eigenvalue of multiplicity one this is 1 to rounding.
        double Alignment(int k) => Complex.Abs(_vectors[k].Aggregate(Complex.Zero, (s, v) => s + v)) * invSqrtN;
        int h = candidates.MaxBy(Alignment);
        UnitEigenvalueMultiplicity = candidates.Length;
        if (candidates.Length > 1)
        {
            // Reducible network: the Λ = 1 eigenspace has a basis of component indicators that the
            // solver mixes arbitrarily. (1, …, 1) lies in that space; use it for the homogeneous mode.
            _vectors[h] = Enumerable.Repeat(new Complex(invSqrtN, 0), n).ToArray();
        }
        else
        {
            var v = _vectors[h];
            var sum = v.Aggregate(Complex.Zero, (s, x) => s + x);
            if (sum.Magnitude > 0)
            {
                var phase = Complex.Conjugate(sum) / sum.Magnitude; // rotate so Σ v is real positive
                for (int i = 0; i < n; i++) v[i] *= phase;
            }
        }
        HomogeneousMode = h;
        HomogeneousAlignment = Alignment(h);
        _transverse = Enumerable.Range(0, n).Where(k => k != h).ToArray();
        TransverseEigenvalues = _transverse.Select(k => _values[k]).ToArray();
    }

    /// <summary>
    /// General eigen-decomposition of a row-normalised W (complex eigenvalues allowed).
    /// Throws <see cref="ConnectivityException"/> if the rows of <paramref name="w"/> do not sum to 1
    /// within <paramref name="rowSumTolerance"/>.
    /// </summary>
    /// <param name="w">The coupling matrix.</param>
    /// <param name="homogeneousTolerance">|Λ − 1| below which an eigenvalue counts as a unit eigenvalue.</param>
    /// <param name="rowSumTolerance">Relative tolerance for the row sums (see <see cref="ConnectivityMatrix.CheckRowSums"/>).</param>
    public static ConnectivitySpectrum Compute(ConnectivityMatrix w,
        double homogeneousTolerance = DefaultHomogeneousTolerance,
        double rowSumTolerance = ConnectivityMatrix.DefaultRowSumTolerance)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentOutOfRangeException.ThrowIfNegative(homogeneousTolerance);
        w.EnsureRowNormalized(rowSumTolerance);
        int n = w.Size;
        var evd = Decompose(() => w.ToMatrix().Evd(Symmetricity.Asymmetric), w.FileName);
        var d = evd.D;
        var x = evd.EigenVectors;
        var values = new Complex[n];
        var vectors = new Complex[n][];
        for (int k = 0; k < n; k++)
        {
            double im = k + 1 < n ? d[k, k + 1] : 0;
            if (im != 0)
            {
                // Complex pair a ± ib in columns k, k+1 (2×2 block [[a, b], [−b, a]] of D): W(x + iy) = (a + ib)(x + iy).
                var v = new Complex[n];
                for (int i = 0; i < n; i++) v[i] = new Complex(x[i, k], x[i, k + 1]);
                Normalize(v, realSign: false);
                values[k] = new Complex(d[k, k], im);
                values[k + 1] = Complex.Conjugate(values[k]);
                vectors[k] = v;
                vectors[k + 1] = v.Select(Complex.Conjugate).ToArray();
                k++;
            }
            else
            {
                var v = new Complex[n];
                for (int i = 0; i < n; i++) v[i] = x[i, k];
                Normalize(v, realSign: true);
                values[k] = d[k, k];
                vectors[k] = v;
            }
        }
        return new ConnectivitySpectrum(w, SpectrumMethod.General, values, vectors, homogeneousTolerance);
    }

    /// <summary>
    /// Spectrum of W = D⁻¹A for symmetric weights A (not normalised; D = diag of row sums, all
    /// positive), from the symmetric eigenproblem of D^{-1/2} A D^{-1/2}. Eigenvalues are real.
    /// <see cref="Matrix"/> is the row-normalised W.
    /// </summary>
    /// <param name="a">Symmetric weights; a row-normalised W is not symmetric unless all row sums of A are equal.</param>
    /// <param name="symmetryTolerance">Relative tolerance |A_ij − A_ji| ≤ tol · max|A|.</param>
    /// <param name="homogeneousTolerance">|Λ − 1| below which an eigenvalue counts as a unit eigenvalue.</param>
    public static ConnectivitySpectrum FromSymmetricWeights(ConnectivityMatrix a,
        double symmetryTolerance = 1e-12,
        double homogeneousTolerance = DefaultHomogeneousTolerance)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentOutOfRangeException.ThrowIfNegative(homogeneousTolerance);
        double asym = a.MaxAsymmetry(), scale = a.MaxAbs();
        if (!(asym <= symmetryTolerance * scale))
            throw new ConnectivityException(ConnectivityError.AsymmetricWeights,
                string.Create(CultureInfo.InvariantCulture,
                    $"the symmetric route needs symmetric weights; max |A_ij − A_ji| = {asym:G3} exceeds {symmetryTolerance:G3} × max |A| = {symmetryTolerance * scale:G3}"),
                a.FileName);
        int n = a.Size;
        var sums = a.RowSums();
        var bad = Enumerable.Range(0, n).Where(i => !(sums[i] > 0)).ToArray();
        if (bad.Length > 0)
            throw new ConnectivityException(ConnectivityError.NonPositiveRowSum,
                $"the symmetric route needs positive row sums; {bad.Length} row{(bad.Length == 1 ? " is" : "s are")} not: " +
                ConnectivityException.FirstFew(bad, r => string.Create(CultureInfo.InvariantCulture, $"row {r} sums to {sums[r]:G12}")),
                a.FileName, rows: bad);
        var w = a.NormalizeRows();
        var invSqrt = sums.Select(s => 1 / Math.Sqrt(s)).ToArray();
        // Symmetrise exactly (average of A and Aᵀ) so the symmetric solver sees a symmetric matrix.
        var s = Matrix<double>.Build.Dense(n, n, (i, j) => 0.5 * (a[i, j] + a[j, i]) * invSqrt[i] * invSqrt[j]);
        var evd = Decompose(() => s.Evd(Symmetricity.Symmetric), a.FileName);
        var values = new Complex[n];
        var vectors = new Complex[n][];
        for (int k = 0; k < n; k++)
        {
            values[k] = evd.EigenValues[k].Real;
            var v = new Complex[n];
            for (int i = 0; i < n; i++) v[i] = evd.EigenVectors[i, k] * invSqrt[i];
            Normalize(v, realSign: true);
            vectors[k] = v;
        }
        return new ConnectivitySpectrum(w, SpectrumMethod.Symmetric, values, vectors, homogeneousTolerance);
    }

    /// <summary>The decomposed (row-normalised) matrix W.</summary>
    public ConnectivityMatrix Matrix { get; }

    /// <summary>How the decomposition was computed.</summary>
    public SpectrumMethod Method { get; }

    /// <summary>Number of modes N.</summary>
    public int Size => _values.Length;

    /// <summary>All eigenvalues Λ_α, ordered by decreasing real part, then decreasing imaginary part.</summary>
    public IReadOnlyList<Complex> Eigenvalues => _values;

    /// <summary>Index in <see cref="Eigenvalues"/> of the homogeneous mode (Λ = 1, eigenvector ∝ (1, …, 1)).</summary>
    public int HomogeneousMode { get; }

    /// <summary>The homogeneous mode's eigenvalue (1 up to rounding).</summary>
    public Complex HomogeneousEigenvalue => _values[HomogeneousMode];

    /// <summary>|⟨v, 1⟩| / (‖v‖ √N) for the homogeneous eigenvector v: 1 up to rounding.</summary>
    public double HomogeneousAlignment { get; }

    /// <summary>
    /// How many eigenvalues lie within the tolerance of 1. More than one means the network is
    /// reducible (for non-negative weights: disconnected); the extra unit modes are transverse
    /// and neutral with respect to the coupling.
    /// </summary>
    public int UnitEigenvalueMultiplicity { get; }

    /// <summary>Indices of all modes but the homogeneous one, in <see cref="Eigenvalues"/> order.</summary>
    public IReadOnlyList<int> TransverseModes => _transverse;

    /// <summary>Eigenvalues of all modes but the homogeneous one, in <see cref="Eigenvalues"/> order (N − 1 values, with multiplicity).</summary>
    public IReadOnlyList<Complex> TransverseEigenvalues { get; }

    /// <summary>max_α |Im Λ_α|: zero for the symmetric route, rounding-level for a W similar to a symmetric matrix.</summary>
    public double MaxImaginaryPart => _values.Max(v => Math.Abs(v.Imaginary));

    /// <summary>True if every |Im Λ_α| ≤ <paramref name="tolerance"/>.</summary>
    public bool IsReal(double tolerance = 1e-10) => MaxImaginaryPart <= tolerance;

    /// <summary>Eigenvector of mode <paramref name="mode"/> (unit 2-norm), as a new vector: W v = Λ_mode v.</summary>
    public Vector<Complex> Eigenvector(int mode)
    {
        if ((uint)mode >= (uint)Size) throw new ArgumentOutOfRangeException(nameof(mode));
        return Vector<Complex>.Build.DenseOfArray((Complex[])_vectors[mode].Clone());
    }

    /// <summary>max_α ‖W v_α − Λ_α v_α‖₂ over all modes (eigenvectors have unit norm): a quality figure.</summary>
    public double MaxResidual()
    {
        int n = Size;
        double worst = 0;
        var r = new Complex[n];
        for (int k = 0; k < n; k++)
        {
            var v = _vectors[k];
            for (int i = 0; i < n; i++)
            {
                var row = Matrix.Row(i);
                Complex s = -_values[k] * v[i];
                for (int j = 0; j < n; j++) s += row[j] * v[j];
                r[i] = s;
            }
            worst = Math.Max(worst, Math.Sqrt(r.Sum(z => z.Real * z.Real + z.Imaginary * z.Imaginary)));
        }
        return worst;
    }

    static void Normalize(Complex[] v, bool realSign)
    {
        double norm = Math.Sqrt(v.Sum(z => z.Real * z.Real + z.Imaginary * z.Imaginary));
        if (norm == 0) return;
        double scale = 1 / norm;
        if (realSign)
        {
            int big = 0;
            for (int i = 1; i < v.Length; i++) if (Math.Abs(v[i].Real) > Math.Abs(v[big].Real)) big = i;
            if (v[big].Real < 0) scale = -scale;
        }
        for (int i = 0; i < v.Length; i++) v[i] *= scale;
    }

    static string Format(Complex z) => z.Imaginary == 0
        ? z.Real.ToString("G12", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{z.Real:G12} {(z.Imaginary < 0 ? '−' : '+')} {Math.Abs(z.Imaginary):G12}i");

    /// <summary>The eigen-decomposition, or a <see cref="ConnectivityError.NoSpectrum"/> error that says so.</summary>
    static MathNet.Numerics.LinearAlgebra.Factorization.Evd<double> Decompose(Func<MathNet.Numerics.LinearAlgebra.Factorization.Evd<double>> evd, string? fileName)
    {
        try { return evd(); }
        catch (Exception e) when (e is MathNet.Numerics.NonConvergenceException or ArithmeticException)
        {
            throw new ConnectivityException(ConnectivityError.NoSpectrum, "the eigenvalues of the connectivity matrix could not be computed (the QR iteration did not converge)", fileName, innerException: e);
        }
    }
}
