using System.Numerics;
using Continuation.Algebra;
using MathNet.Numerics.LinearAlgebra;

namespace Tests.Algebra;

/// <summary>
/// Eigenvalues that do not throw (<see cref="Spectrum"/>): the second method (complex QZ of (A, I))
/// gives the same eigenvalues as the first (Math.NET's Hessenberg QR), real ones real; a matrix
/// that is not finite gives null.
/// </summary>
public sealed class SpectrumTests
{
    static Complex[] Sorted(IEnumerable<Complex> values)
        => values.OrderBy(z => Math.Round(z.Real, 6)).ThenBy(z => z.Imaginary).ToArray();

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(17)]
    public void TheSecondMethodAgreesWithTheFirst(int n)
    {
        var random = new Random(n);
        var a = new double[n * n];
        for (int i = 0; i < a.Length; i++) a[i] = random.NextDouble() * 2 - 1;
        var first = Matrix<double>.Build.Dense(n, n, (i, j) => a[i * n + j]).Evd(Symmetricity.Asymmetric).EigenValues.ToArray();
        var second = Spectrum.ByQz(a, n)!;
        var (x, y) = (Sorted(first), Sorted(second));
        for (int i = 0; i < n; i++) Assert.True((x[i] - y[i]).Magnitude < 1e-10, $"{x[i]} vs {y[i]}");
        // Real eigenvalues come back exactly real.
        Assert.Equal(first.Count(z => z.Imaginary == 0), second.Count(z => z.Imaginary == 0));
    }

    [Fact]
    public void EigenvaluesSpanningManyOrdersAreFoundByBoth()
    {
        // The companion matrix of (x − 1)(x − 10)(x − 100)(x − 1000)(x − 10⁴): an ill-conditioned, non-normal case.
        double[] roots = [1, 10, 100, 1000, 1e4];
        var c = new double[] { 1 };
        foreach (var r in roots)
        {
            var next = new double[c.Length + 1];
            for (int i = 0; i < c.Length; i++) { next[i] += c[i]; next[i + 1] -= r * c[i]; }
            c = next;
        }
        int n = roots.Length;
        var a = new double[n * n];
        for (int j = 0; j < n; j++) a[j] = -c[j + 1];
        for (int i = 1; i < n; i++) a[i * n + i - 1] = 1;
        foreach (var ev in new[] { Spectrum.TryEigenvalues(a, n)!, Spectrum.ByQz(a, n)! })
        {
            var found = ev.Select(z => z.Real).Order().ToArray();
            for (int i = 0; i < n; i++) Assert.Equal(roots[i], found[i], roots[i] * 1e-8);
            Assert.All(ev, z => Assert.Equal(0, z.Imaginary));
        }
    }

    [Fact]
    public void AMatrixThatIsNotFiniteHasNoEigenvalues()
    {
        Assert.Null(Spectrum.TryEigenvalues([1, double.NaN, 0, 1], 2));
        Assert.Null(Spectrum.TryEigenvalues([1, double.PositiveInfinity, 0, 1], 2));
    }

    [Fact]
    public void TheNearestEigenpairIsAnEigenpair()
    {
        // A real 3 × 3 matrix with eigenvalues −1, 2 ± i (a rotation-scaling block and a flip), conjugated by a shear.
        double[] b = [2, -1, 0, 1, 2, 0, 0, 0, -1];
        double[] s = [1, 0.5, 0.25, 0, 1, 0.5, 0, 0, 1];
        var bm = Matrix<double>.Build.Dense(3, 3, (i, j) => b[i * 3 + j]);
        var sm = Matrix<double>.Build.Dense(3, 3, (i, j) => s[i * 3 + j]);
        var a = (sm * bm * sm.Inverse()).ToRowMajorArray();
        var (flip, v) = Spectrum.TryNearest(a, 3, -1)!.Value;
        Assert.True((flip + 1).Magnitude < 1e-12, $"{flip}");
        var av = Matrix<double>.Build.Dense(3, 3, (i, j) => a[i * 3 + j]) * MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(v);
        for (int i = 0; i < 3; i++) Assert.Equal(-v[i], av[i], 12);
        // The complex matrix of the same map: the pair near 2 + i, with its complex eigenvector.
        var complex = a.Select(x => new Complex(x, 0)).ToArray();
        var (mu, w) = Spectrum.TryNearest(complex, 3, new Complex(2, 0.9))!.Value;
        Assert.True((mu - new Complex(2, 1)).Magnitude < 1e-12, $"{mu}");
        var aw = Matrix<Complex>.Build.Dense(3, 3, (i, j) => complex[i * 3 + j]) * MathNet.Numerics.LinearAlgebra.Vector<Complex>.Build.Dense(w);
        for (int i = 0; i < 3; i++) Assert.True((aw[i] - mu * w[i]).Magnitude < 1e-12);
        Assert.Equal(3, Spectrum.TryEigenvalues(complex, 3)!.Count(z => (z - new Complex(2, 1)).Magnitude < 1e-12 || (z - new Complex(2, -1)).Magnitude < 1e-12 || (z + 1).Magnitude < 1e-12));
    }

    [Fact]
    public void AComplexMatrixThatIsNotFiniteHasNoSpectrum()
    {
        var a = new Complex[] { 1, 2, new(double.NaN, 0), 4 };
        Assert.Null(Spectrum.TryEigenvalues(a, 2));
        Assert.Null(Spectrum.TryNearest(a, 2, 0));
        Assert.Null(Spectrum.TryNearest(new[] { 1.0, double.PositiveInfinity, 0, 1 }, 2, 0));
    }
}
