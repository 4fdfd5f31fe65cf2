using System.Numerics;
using Continuation.Transverse;

namespace Tests.Transverse;

public class ConnectivitySpectrumTests
{
    /// <summary>Undirected ring, each node coupled to its two neighbours with weight 1/2: Λ_k = cos(2πk/N).</summary>
    static ConnectivityMatrix Ring(int n)
    {
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            a[i, (i + 1) % n] += 0.5;
            a[i, (i + n - 1) % n] += 0.5;
        }
        return new ConnectivityMatrix(a);
    }

    /// <summary>Symmetric positive weights with about a third of the pairs absent (kept connected by a ring).</summary>
    static ConnectivityMatrix RandomSymmetric(int n, int seed)
    {
        var rng = new Random(seed);
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double w = j == i + 1 || rng.NextDouble() > 0.35 ? Math.Exp(3 * rng.NextDouble() - 2) : 0;
                a[i, j] = a[j, i] = w;
            }
        return new ConnectivityMatrix(a);
    }

    static void AssertHomogeneous(ConnectivitySpectrum s)
    {
        Assert.Equal(1.0, s.HomogeneousEigenvalue.Real, 1e-12);
        Assert.Equal(0.0, s.HomogeneousEigenvalue.Imaginary, 1e-12);
        var v = s.Eigenvector(s.HomogeneousMode);
        foreach (var x in v)
        {
            Assert.Equal(1 / Math.Sqrt(s.Size), x.Real, 1e-12);
            Assert.Equal(0.0, x.Imaginary, 1e-12);
        }
        Assert.Equal(1.0, s.HomogeneousAlignment, 1e-12);
        Assert.Equal(s.Size - 1, s.TransverseEigenvalues.Count);
        Assert.DoesNotContain(s.HomogeneousMode, s.TransverseModes);
        Assert.Equal(s.TransverseModes.Select(k => s.Eigenvalues[k]), s.TransverseEigenvalues);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(12)]
    public void RingHasCosineSpectrum(int n)
    {
        var w = Ring(n);
        var expected = Enumerable.Range(0, n).Select(k => Math.Cos(2 * Math.PI * k / n)).OrderDescending().ToArray();
        foreach (var s in new[] { ConnectivitySpectrum.Compute(w), ConnectivitySpectrum.FromSymmetricWeights(w) })
        {
            Assert.Equal(expected, s.Eigenvalues.Select(z => z.Real), (x, y) => Math.Abs(x - y) < 1e-12);
            Assert.True(s.IsReal(1e-12));
            Assert.Equal(1, s.UnitEigenvalueMultiplicity);
            Assert.Equal(0, s.HomogeneousMode);
            AssertHomogeneous(s);
            Assert.True(s.MaxResidual() < 1e-12, $"residual {s.MaxResidual()}");
        }
    }

    [Fact]
    public void DirectedRingHasComplexRootsOfUnity()
    {
        // W_{i,i+1} = 1: a cyclic shift, eigenvalues exp(2πik/N) with eigenvectors the Fourier modes.
        const int n = 6;
        var a = new double[n, n];
        for (int i = 0; i < n; i++) a[i, (i + 1) % n] = 1;
        var s = ConnectivitySpectrum.Compute(new ConnectivityMatrix(a));
        Complex[] expected = [1, Complex.FromPolarCoordinates(1, Math.PI / 3), Complex.FromPolarCoordinates(1, -Math.PI / 3),
            Complex.FromPolarCoordinates(1, 2 * Math.PI / 3), Complex.FromPolarCoordinates(1, -2 * Math.PI / 3), -1];
        Assert.Equal(expected, s.Eigenvalues, (x, y) => (x - y).Magnitude < 1e-12);
        Assert.Equal(Math.Sqrt(3) / 2, s.MaxImaginaryPart, 1e-12);
        Assert.False(s.IsReal());
        AssertHomogeneous(s);
        Assert.True(s.MaxResidual() < 1e-12, $"residual {s.MaxResidual()}");
        // Conjugate pairs have conjugate eigenvectors.
        var v1 = s.Eigenvector(1);
        var v2 = s.Eigenvector(2);
        for (int i = 0; i < n; i++) Assert.True((v2[i] - Complex.Conjugate(v1[i])).Magnitude < 1e-14);
    }

    [Fact]
    public void GeneralNonSymmetricMatrixEigenpairs()
    {
        // A row-stochastic matrix with no symmetry: check W v = Λ v mode by mode and the trace.
        var rng = new Random(11);
        const int n = 15;
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i, j] = rng.NextDouble() < 0.4 ? rng.NextDouble() : 0;
        for (int i = 0; i < n; i++) a[i, (i + 1) % n] += 0.1;
        var w = new ConnectivityMatrix(a).NormalizeRows();
        var s = ConnectivitySpectrum.Compute(w);
        Assert.True(s.MaxImaginaryPart > 1e-3, "expected complex eigenvalues for a random non-symmetric matrix");
        Assert.True(s.MaxResidual() < 1e-12, $"residual {s.MaxResidual()}");
        double trace = Enumerable.Range(0, n).Sum(i => w[i, i]);
        var sum = s.Eigenvalues.Aggregate(Complex.Zero, (x, y) => x + y);
        Assert.Equal(trace, sum.Real, 1e-12);
        Assert.Equal(0, sum.Imaginary, 1e-12);
        AssertHomogeneous(s);
        // Ordering: descending real part; within a conjugate pair the positive imaginary part first.
        for (int k = 1; k < n; k++) Assert.True(s.Eigenvalues[k - 1].Real >= s.Eigenvalues[k].Real);
        for (int k = 1; k < n; k++)
            if (s.Eigenvalues[k] == Complex.Conjugate(s.Eigenvalues[k - 1]) && s.Eigenvalues[k].Imaginary != 0)
                Assert.True(s.Eigenvalues[k - 1].Imaginary > 0);
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(40, 2)]
    public void RandomSymmetricNetworkAgreesWithTheSymmetricRoute(int n, int seed)
    {
        var a = RandomSymmetric(n, seed);
        var w = a.NormalizeRows();
        Assert.False(w.IsSymmetric(1e-3)); // W itself is not symmetric, only similar to a symmetric matrix
        var general = ConnectivitySpectrum.Compute(w);
        var symmetric = ConnectivitySpectrum.FromSymmetricWeights(a);
        Assert.Equal(SpectrumMethod.General, general.Method);
        Assert.Equal(SpectrumMethod.Symmetric, symmetric.Method);
        Assert.Equal(0, symmetric.MaxImaginaryPart);
        Assert.True(general.IsReal(1e-10), $"max |Im| {general.MaxImaginaryPart}");
        Assert.Equal(symmetric.Eigenvalues.Select(z => z.Real), general.Eigenvalues.Select(z => z.Real), (x, y) => Math.Abs(x - y) < 1e-12);
        foreach (var s in new[] { general, symmetric })
        {
            AssertHomogeneous(s);
            Assert.True(s.MaxResidual() < 1e-12, $"{s.Method} residual {s.MaxResidual()}");
            Assert.All(s.TransverseEigenvalues, z => Assert.InRange(z.Real, -1, 1 - 1e-6)); // connected: 1 is simple
        }
        Assert.Equal(w.Values.ToArray(), symmetric.Matrix.Values.ToArray());
        // Eigenvectors agree up to sign (the eigenvalues are simple for random weights).
        for (int k = 0; k < n; k++)
        {
            var g = general.Eigenvector(k);
            var h = symmetric.Eigenvector(k);
            double dot = Math.Abs(g.Zip(h, (x, y) => (Complex.Conjugate(x) * y).Real).Sum());
            Assert.Equal(1.0, dot, 1e-8);
        }
    }

    [Fact]
    public void CompleteGraphHasADegenerateTransverseEigenvalue()
    {
        // W = (J − I)/(N − 1): Λ = 1 once and −1/(N − 1) with multiplicity N − 1.
        const int n = 9;
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i, j] = i == j ? 0 : 1.0 / (n - 1);
        var s = ConnectivitySpectrum.Compute(new ConnectivityMatrix(a));
        AssertHomogeneous(s);
        Assert.All(s.TransverseEigenvalues, z => Assert.Equal(-1.0 / (n - 1), z.Real, 1e-12));
        Assert.True(s.MaxResidual() < 1e-12);
    }

    [Fact]
    public void DisconnectedNetworkKeepsTheExtraUnitEigenvalueTransverse()
    {
        // Two rings of 4 with no links between them: Λ = 1 twice; (1, …, 1) is the homogeneous mode.
        var a = new double[8, 8];
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 4; i++)
            {
                a[4 * b + i, 4 * b + (i + 1) % 4] = 0.5;
                a[4 * b + i, 4 * b + (i + 3) % 4] = 0.5;
            }
        var w = new ConnectivityMatrix(a);
        foreach (var s in new[] { ConnectivitySpectrum.Compute(w), ConnectivitySpectrum.FromSymmetricWeights(w) })
        {
            Assert.Equal(2, s.UnitEigenvalueMultiplicity);
            AssertHomogeneous(s);
            Assert.Single(s.TransverseEigenvalues, z => Math.Abs(z.Real - 1) < 1e-12);
            Assert.True(s.MaxResidual() < 1e-12);
        }
    }

    [Fact]
    public void UnnormalisedMatrixIsRejected()
    {
        var e = Assert.Throws<ConnectivityException>(() => ConnectivitySpectrum.Compute(RandomSymmetric(5, 3)));
        Assert.Equal(ConnectivityError.NotRowNormalized, e.Error);
    }

    [Fact]
    public void SymmetricRouteChecksItsAssumptions()
    {
        var asym = new ConnectivityMatrix(new double[,] { { 0, 1 }, { 2, 0 } });
        Assert.Equal(ConnectivityError.AsymmetricWeights,
            Assert.Throws<ConnectivityException>(() => ConnectivitySpectrum.FromSymmetricWeights(asym)).Error);
        var isolated = new ConnectivityMatrix(new double[,] { { 0, 1, 0 }, { 1, 0, 0 }, { 0, 0, 0 } });
        var e = Assert.Throws<ConnectivityException>(() => ConnectivitySpectrum.FromSymmetricWeights(isolated));
        Assert.Equal(ConnectivityError.NonPositiveRowSum, e.Error);
        Assert.Equal([2], e.Rows);
    }

    [Fact]
    public void NoUnitEigenvalueIsAnError()
    {
        // Rows sum to 1.2, let through by a loose row-sum tolerance: the largest eigenvalue is 1.2.
        var a = new double[,] { { 0, 0.6, 0.6 }, { 0.6, 0, 0.6 }, { 0.6, 0.6, 0 } };
        var e = Assert.Throws<ConnectivityException>(() => ConnectivitySpectrum.Compute(new ConnectivityMatrix(a), rowSumTolerance: 0.5));
        Assert.Equal(ConnectivityError.NoHomogeneousMode, e.Error);
        Assert.Contains("nearest 1.2", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ConnectivitySpectrum.Compute(Ring(5), homogeneousTolerance: -1));
    }

    [Fact]
    public void EigenvectorsAreCopies()
    {
        var s = ConnectivitySpectrum.Compute(Ring(4));
        var v = s.Eigenvector(1);
        v[0] = 42;
        Assert.NotEqual(new Complex(42, 0), s.Eigenvector(1)[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Eigenvector(4));
    }
}
