using System.Numerics;
using Continuation.Algebra;
using MathNet.Numerics.LinearAlgebra;
using Xunit.Abstractions;

namespace Tests.Algebra;

public class GeneralizedEigenvaluesTests(ITestOutputHelper output)
{
    static double[] RandomMatrix(int n, Random rng) =>
        Enumerable.Range(0, n * n).Select(_ => rng.NextDouble() - 0.5).ToArray();

    static Matrix<double> Dense(int n, double[] rowMajor) => Matrix<double>.Build.DenseOfRowMajor(n, n, rowMajor);

    static Matrix<double> RandomOrthogonal(int n, Random rng) => Dense(n, RandomMatrix(n, rng)).QR().Q;

    static double[] Identity(int n)
    {
        var x = new double[n * n];
        for (int i = 0; i < n; i++) x[i * n + i] = 1;
        return x;
    }

    /// <summary>
    /// One-to-one greedy matching of <paramref name="actual"/> against <paramref name="expected"/>;
    /// fails if some expected value has no unused actual value within tolerance(expected).
    /// </summary>
    static void AssertSameMultiset(IReadOnlyList<Complex> expected, IReadOnlyList<Complex> actual, Func<Complex, double> tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        var used = new bool[actual.Count];
        foreach (var e in expected)
        {
            int best = -1;
            for (int i = 0; i < actual.Count; i++)
                if (!used[i] && (best < 0 || (actual[i] - e).Magnitude < (actual[best] - e).Magnitude)) best = i;
            double d = (actual[best] - e).Magnitude;
            Assert.True(d <= tolerance(e), $"expected {e}, nearest unused {actual[best]} at distance {d:G3} > {tolerance(e):G3}; all: {string.Join(", ", actual)}");
            used[best] = true;
        }
    }

    /// <summary>Block upper triangular with 2 × 2 blocks of eigenvalues 1 ± 2i and −0.5 ± i√0.3, then 0.7 and −2; random above.</summary>
    static (double[] A, Complex[] Eigenvalues) ComplexPairsMatrix(Random rng)
    {
        const int n = 6;
        var t = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++) t[i * n + j] = rng.NextDouble() - 0.5;
        void Block(int k, double a, double b, double c, double d) { t[k * n + k] = a; t[k * n + k + 1] = b; t[(k + 1) * n + k] = c; t[(k + 1) * n + k + 1] = d; }
        Block(0, 1, 2, -2, 1);
        Block(2, -0.5, 3, -0.1, -0.5);
        t[4 * n + 4] = 0.7;
        t[5 * n + 5] = -2;
        var q = RandomOrthogonal(n, rng);
        var a = (q * Dense(n, t) * q.Transpose()).ToRowMajorArray();
        double s = Math.Sqrt(0.3);
        return (a, [new(1, 2), new(1, -2), new(-0.5, s), new(-0.5, -s), new(0.7, 0), new(-2, 0)]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void WithTheIdentityAsBTheyAreTheStandardEigenvalues(int seed)
    {
        const int n = 6;
        var rng = new Random(seed);
        var a = RandomMatrix(n, rng);
        var evd = Dense(n, a).Evd().EigenValues.ToArray();
        var pairs = GeneralizedEigenvalues.Compute(a, Identity(n), n);
        Assert.All(pairs, p => Assert.True(p.Beta > 0.5 && p.Beta < 2, $"beta = {p.Beta} for B = I"));
        var lambda = GeneralizedEigenvalues.Eigenvalues(a, Identity(n), n);
        Assert.Contains(evd, z => Math.Abs(z.Imaginary) > 1e-3);   // the random matrix does have a complex pair
        AssertSameMultiset(evd, lambda, e => 1e-12 * Math.Max(1, e.Magnitude));
    }

    [Fact]
    public void WithTheIdentityAsBKnownComplexPairsAreFound()
    {
        const int n = 6;
        var (a, exact) = ComplexPairsMatrix(new Random(5));
        var lambda = GeneralizedEigenvalues.Eigenvalues(a, Identity(n), n);
        var evd = Dense(n, a).Evd().EigenValues.ToArray();
        AssertSameMultiset(evd, lambda, e => 1e-12 * Math.Max(1, e.Magnitude));
        AssertSameMultiset(exact, lambda, e => 1e-10 * Math.Max(1, e.Magnitude));
    }

    /// <summary>
    /// Triangular pencils pass through the reduction and the iteration untouched: the pairs are exactly
    /// (a_jj·sign b_jj, |b_jj|) at position j, with an infinite eigenvalue (b_jj = 0) and a zero one (a_jj = 0).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TriangularPencilsGiveTheirDiagonalsExactly(bool fillUpperPart)
    {
        double[] da = [2, 0, -3, 5, 1.5, -7];
        double[] db = [1, 4, 0, -2, 0.5, -0.25];
        int n = da.Length;
        var rng = new Random(11);
        var a = new double[n * n];
        var b = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            a[i * n + i] = da[i];
            b[i * n + i] = db[i];
            if (fillUpperPart)
                for (int j = i + 1; j < n; j++) { a[i * n + j] = rng.NextDouble() - 0.5; b[i * n + j] = rng.NextDouble() - 0.5; }
        }
        var pairs = GeneralizedEigenvalues.Compute(a, b, n);
        for (int j = 0; j < n; j++)
        {
            Assert.Equal(new Complex(db[j] < 0 ? -da[j] : da[j], 0), pairs[j].Alpha);
            Assert.Equal(Math.Abs(db[j]), pairs[j].Beta);
        }
        var lambda = GeneralizedEigenvalues.Eigenvalues(a, b, n);
        Assert.Equal(new Complex[] { 2, 0, double.PositiveInfinity, -2.5, 3, 28 }, lambda);
    }

    /// <summary>
    /// The same kind of pencils hidden by random orthogonal Q, Z: A = Q·T_A·Z, B = Q·T_B·Z. The infinite
    /// eigenvalue (B singular) comes out with β at rounding level or exactly 0, the zero one (A singular)
    /// with α at rounding level.
    /// </summary>
    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void OrthogonallyHiddenTriangularPencilsKeepTheirEigenvalues(int seed)
    {
        double[] da = [2, 0, -3, 5, 1.5, -7, 0.3];
        double[] db = [1, 4, 0, -2, 0.5, -0.25, 1.5];
        int n = da.Length;
        var rng = new Random(seed);
        var ta = Matrix<double>.Build.Dense(n, n);
        var tb = Matrix<double>.Build.Dense(n, n);
        for (int i = 0; i < n; i++)
        {
            ta[i, i] = da[i];
            tb[i, i] = db[i];
            for (int j = i + 1; j < n; j++) { ta[i, j] = rng.NextDouble() - 0.5; tb[i, j] = rng.NextDouble() - 0.5; }
        }
        var q = RandomOrthogonal(n, rng);
        var z = RandomOrthogonal(n, rng);
        var a = (q * ta * z).ToRowMajorArray();
        var b = (q * tb * z).ToRowMajorArray();
        var pairs = GeneralizedEigenvalues.Compute(a, b, n);
        double normA = Dense(n, a).L2Norm(), normB = Dense(n, b).L2Norm();

        var infinite = pairs.Where(p => p.Beta <= 1e-13 * normB).ToArray();
        Assert.Single(infinite);
        Assert.True(infinite[0].Alpha.Magnitude > 0.1 * normA);
        output.WriteLine($"infinite eigenvalue: beta = {infinite[0].Beta:G3}, alpha = {infinite[0].Alpha}");

        var finite = pairs.Where(p => p.Beta > 1e-13 * normB).Select(p => GeneralizedEigenvalues.Quotient(p.Alpha, p.Beta)).ToArray();
        var expected = da.Zip(db).Where(d => d.Second != 0).Select(d => new Complex(d.First / d.Second, 0)).ToArray();
        AssertSameMultiset(expected, finite, e => 1e-12 + 1e-10 * e.Magnitude);
        Assert.Contains(finite, l => l.Magnitude < 1e-13);   // λ = 0 to rounding
    }

    /// <summary>
    /// Floquet multipliers from a condensed periodic-orbit system P0·U_0 + P1·U_N = 0 whose monodromy
    /// M = V·diag(μ)·V⁻¹ has μ = {1e12, 1, 1e−12, 0.5, −0.999, 2}: P1 = X = V·D₂⁻¹·W and
    /// P0 = −M·X = −V·D₁·W with D₁D₂ = diag(μ), |D₁| = |D₂| = |μ|^½ and W orthogonal, so both blocks
    /// have condition numbers ≈ 1e12 (P0 is evaluated in factored form, as condensation delivers it;
    /// forming M·X explicitly would already destroy the multiplier 1 in rounding). The multiplier 1 has
    /// condition ≈ κ(V)·‖(P0, P1)‖ ≈ 1e7, so a backward stable method gets it to ≈ 1e−9; the explicit
    /// monodromy −P1⁻¹P0 has errors ≈ u·κ(P1)·‖M‖ and is only reported, not asserted on.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void FloquetPencilOfAnIllConditionedProductKeepsTheTrivialMultiplier(int seed)
    {
        double[] mu = [1e12, 1, 1e-12, 0.5, -0.999, 2];
        int n = mu.Length;
        var rng = new Random(seed);
        var grading = Matrix<double>.Build.DiagonalOfDiagonalArray(Enumerable.Range(0, n).Select(i => Math.Pow(10, i / (n - 1.0))).ToArray());
        var v = RandomOrthogonal(n, rng) * grading * RandomOrthogonal(n, rng);   // κ(V) = 10
        var w = RandomOrthogonal(n, rng);
        var d1 = Matrix<double>.Build.DiagonalOfDiagonalArray(mu.Select(m => Math.Sign(m) * Math.Sqrt(Math.Abs(m))).ToArray());
        var d2Inverse = Matrix<double>.Build.DiagonalOfDiagonalArray(mu.Select(m => 1 / Math.Sqrt(Math.Abs(m))).ToArray());
        var p1 = v * d2Inverse * w;
        var p0 = -(v * d1 * w);
        Assert.True(p1.ConditionNumber() > 1e11 && p0.ConditionNumber() > 1e11);

        var multipliers = GeneralizedEigenvalues.Eigenvalues((-p0).ToRowMajorArray(), p1.ToRowMajorArray(), n);
        var explicitMonodromy = (-p1.Solve(p0)).Evd().EigenValues.ToArray();
        double qzError = multipliers.Min(z => (z - 1).Magnitude), explicitError = explicitMonodromy.Min(z => (z - 1).Magnitude);
        output.WriteLine($"cond P1 = {p1.ConditionNumber():G3}, cond P0 = {p0.ConditionNumber():G3}");
        output.WriteLine($"|mu - 1|: QZ {qzError:G3}, explicit -P1^-1 P0 {explicitError:G3}");
        output.WriteLine($"QZ:       {string.Join(", ", multipliers.OrderBy(z => z.Magnitude).Select(z => z.ToString("G6")))}");
        output.WriteLine($"explicit: {string.Join(", ", explicitMonodromy.OrderBy(z => z.Magnitude).Select(z => z.ToString("G6")))}");

        Assert.True(qzError < 1e-8, $"trivial multiplier off by {qzError:G3}");
        // Ordered by magnitude the multipliers match μ: the moderate ones to 1e−8, the extreme ones to 1e−2 relative.
        var sorted = multipliers.OrderBy(z => z.Magnitude).ToArray();
        var expected = mu.OrderBy(Math.Abs).ToArray();
        for (int i = 0; i < n; i++)
        {
            double tolerance = Math.Abs(expected[i]) is > 1e6 or < 1e-6 ? 1e-2 : 1e-8;
            double relative = (sorted[i] - expected[i]).Magnitude / Math.Abs(expected[i]);
            Assert.True(relative < tolerance, $"multiplier {expected[i]:G6} came out as {sorted[i]} (relative error {relative:G3})");
        }
    }

    /// <summary>
    /// Backward error of each pair: σ_min(β·A − α·B) / (|α|·‖B‖ + |β|·‖A‖) at rounding level, for random
    /// pencils and for row/column-graded ones (entries spread over 1e±8).
    /// </summary>
    [Theory]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    [InlineData(5, false)]
    [InlineData(6, false)]
    [InlineData(7, false)]
    [InlineData(8, false)]
    [InlineData(9, false)]
    [InlineData(10, false)]
    [InlineData(11, false)]
    [InlineData(12, false)]
    [InlineData(6, true)]
    [InlineData(12, true)]
    public void RandomPencilsHaveRoundingLevelBackwardError(int n, bool graded)
    {
        var rng = new Random(100 + n + (graded ? 1000 : 0));
        var a = RandomMatrix(n, rng);
        var b = RandomMatrix(n, rng);
        if (graded)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    a[i * n + j] *= Math.Pow(10, 8.0 * (2.0 * i / (n - 1) - 1));
                    b[i * n + j] *= Math.Pow(10, 8.0 * (2.0 * j / (n - 1) - 1));
                }
        var pairs = GeneralizedEigenvalues.Compute(a, b, n);
        Assert.Equal(n, pairs.Length);
        var ma = Dense(n, a).ToComplex();
        var mb = Dense(n, b).ToComplex();
        double normA = ma.L2Norm(), normB = mb.L2Norm(), worst = 0;
        foreach (var (alpha, beta) in pairs)
        {
            Assert.True(beta >= 0);
            var m = beta * ma - alpha * mb;
            double smallest = m.Svd(false).S.Select(s => s.Magnitude).Min();
            worst = Math.Max(worst, smallest / (alpha.Magnitude * normB + beta * normA));
        }
        output.WriteLine($"n = {n}: worst scaled residual {worst:G3}");
        Assert.True(worst < 1e-12, $"backward error {worst:G3}");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(12)]
    public void ComplexEigenvaluesOfRealPencilsComeInConjugatePairs(int n)
    {
        int pairsSeen = 0;
        for (int seed = 0; seed < 10; seed++)
        {
            var rng = new Random(200 + 17 * n + seed);
            var lambda = GeneralizedEigenvalues.Eigenvalues(RandomMatrix(n, rng), RandomMatrix(n, rng), n);
            var used = new bool[n];
            for (int i = 0; i < n; i++)
            {
                if (used[i]) continue;
                var l = lambda[i];
                double tolerance = 1e-10 * (1 + l.Magnitude);
                if (Math.Abs(l.Imaginary) <= tolerance) { used[i] = true; continue; }   // real to rounding
                int partner = -1;
                for (int j = 0; j < n; j++)
                    if (j != i && !used[j] && (partner < 0 || (lambda[j] - Complex.Conjugate(l)).Magnitude < (lambda[partner] - Complex.Conjugate(l)).Magnitude)) partner = j;
                Assert.True(partner >= 0 && (lambda[partner] - Complex.Conjugate(l)).Magnitude <= tolerance,
                    $"no conjugate partner for {l} among {string.Join(", ", lambda)}");
                used[i] = used[partner] = true;
                pairsSeen++;
            }
        }
        Assert.True(pairsSeen >= 3, $"only {pairsSeen} complex pairs in the sample: the test would not test anything");
    }

    [Fact]
    public void HugeAndTinyScalesAreRepresentedWithoutOverflow()
    {
        const int n = 7;
        var rng = new Random(31);
        var a = RandomMatrix(n, rng);
        var b = RandomMatrix(n, rng);
        var reference = GeneralizedEigenvalues.Compute(a, b, n);

        // Powers of two are taken out exactly: the pairs scale exactly.
        var pairs = GeneralizedEigenvalues.Compute(a.Select(x => Math.ScaleB(x, 900)).ToArray(), b.Select(x => Math.ScaleB(x, -900)).ToArray(), n);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(reference[i].Alpha.Real * Math.ScaleB(1, 900), pairs[i].Alpha.Real);
            Assert.Equal(reference[i].Alpha.Imaginary * Math.ScaleB(1, 900), pairs[i].Alpha.Imaginary);
            Assert.Equal(reference[i].Beta * Math.ScaleB(1, -900), pairs[i].Beta);
        }

        // λ scaled by 1e300: still finite and relatively accurate.
        var big = GeneralizedEigenvalues.Eigenvalues(a.Select(x => 1e150 * x).ToArray(), b.Select(x => 1e-150 * x).ToArray(), n);
        Assert.All(big, l => Assert.True(double.IsFinite(l.Real) && double.IsFinite(l.Imaginary)));
        var expected = reference.Select(p => 1e300 * GeneralizedEigenvalues.Quotient(p.Alpha, p.Beta)).ToArray();
        AssertSameMultiset(expected, big, e => 1e-11 * e.Magnitude);
    }

    [Fact]
    public void EmptyAndScalarPencils()
    {
        Assert.Empty(GeneralizedEigenvalues.Compute([], [], 0));
        Assert.Equal([(new Complex(-3, 0), 2.0)], GeneralizedEigenvalues.Compute([3], [-2], 1));
        Assert.Equal([new Complex(-1.5, 0)], GeneralizedEigenvalues.Eigenvalues([3], [-2], 1));
        Assert.Equal([(new Complex(3, 0), 0.0)], GeneralizedEigenvalues.Compute([3], [0], 1));
        Assert.Equal([new Complex(double.PositiveInfinity, 0)], GeneralizedEigenvalues.Eigenvalues([3], [0], 1));
        var indeterminate = GeneralizedEigenvalues.Eigenvalues([0], [0], 1);
        Assert.True(double.IsNaN(indeterminate[0].Real) && double.IsNaN(indeterminate[0].Imaginary));
    }

    /// <summary>
    /// A cyclic permutation (as A with B = I, or as B with A = I) is a fixed point of the unshifted
    /// iteration and its Wilkinson shift is 0: only the exceptional shift gets it going. Its eigenvalues
    /// are the n-th roots of unity (of their inverses for B = P, the same set).
    /// </summary>
    [Theory]
    [InlineData(5, false)]
    [InlineData(8, true)]
    [InlineData(12, false)]
    public void CyclicPermutationPencilsConverge(int n, bool permutationIsB)
    {
        var p = new double[n * n];
        for (int i = 0; i < n; i++) p[((i + 1) % n) * n + i] = 1;
        var lambda = permutationIsB ? GeneralizedEigenvalues.Eigenvalues(Identity(n), p, n) : GeneralizedEigenvalues.Eigenvalues(p, Identity(n), n);
        var roots = Enumerable.Range(0, n).Select(k => Complex.FromPolarCoordinates(1, 2 * Math.PI * k / n)).ToArray();
        AssertSameMultiset(roots, lambda, _ => 1e-13);
    }

    /// <summary>
    /// A = B of rank 2: det(A − λB) = (1 − λ)³·det A ≡ 0. The pair of the null direction is (0, 0),
    /// an indeterminate (NaN) eigenvalue, instead of a spurious infinite or finite one.
    /// </summary>
    [Fact]
    public void ASingularPencilGivesAnIndeterminatePair()
    {
        double[] a = [1, 2, 3, 2, 4, 6, 0, 1, 1];
        var pairs = GeneralizedEigenvalues.Compute(a, a, 3);
        Assert.Single(pairs, p => p.Alpha == Complex.Zero && p.Beta == 0);
        var lambda = GeneralizedEigenvalues.Eigenvalues(a, a, 3);
        Assert.Single(lambda, l => double.IsNaN(l.Real));
    }

    [Theory]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, true)]
    [InlineData(double.NegativeInfinity, false)]
    public void NonFiniteInputIsRejected(double bad, bool inB)
    {
        const int n = 4;
        var rng = new Random(41);
        var a = RandomMatrix(n, rng);
        var b = RandomMatrix(n, rng);
        (inB ? b : a)[6] = bad;
        Assert.Throws<ArgumentException>(() => GeneralizedEigenvalues.Compute(a, b, n));
        Assert.Throws<ArgumentException>(() => GeneralizedEigenvalues.Eigenvalues(a, b, n));
        Assert.False(GeneralizedEigenvalues.TryCompute(a, b, n, out var pairs));
        Assert.Empty(pairs);
    }

    [Fact]
    public void WrongSizesThrow()
    {
        var nine = new double[9];
        var eight = new double[8];
        Assert.Throws<ArgumentException>(() => GeneralizedEigenvalues.Compute(eight, nine, 3));
        Assert.Throws<ArgumentException>(() => GeneralizedEigenvalues.Compute(nine, eight, 3));
        Assert.Throws<ArgumentException>(() => GeneralizedEigenvalues.Compute(nine, nine, 4));
        Assert.Throws<ArgumentException>(() => GeneralizedEigenvalues.Compute([], [], -1));
        Assert.Throws<ArgumentException>(() => GeneralizedEigenvalues.TryCompute(eight, nine, 3, out _));
    }

    [Fact]
    public void TryComputeReportsNonConvergenceInsteadOfThrowing()
    {
        const int n = 5;
        var rng = new Random(51);
        var a = RandomMatrix(n, rng);
        var b = RandomMatrix(n, rng);
        Assert.False(GeneralizedEigenvalues.TryCompute(a, b, n, out var none, maxSweepsPerEigenvalue: 0));
        Assert.Empty(none);
        Assert.True(GeneralizedEigenvalues.TryCompute(a, b, n, out var pairs));
        Assert.Equal(GeneralizedEigenvalues.Compute(a, b, n), pairs);
    }
}
