using Continuation.PeriodicOrbits;

namespace Tests.PeriodicOrbits;

public class CollocationSchemeTests
{
    public static TheoryData<int> Degrees => [2, 3, 4, 5, 6, 7];

    private static double Poly(double[] a, double z)
    {
        double v = 0;
        for (int i = a.Length - 1; i >= 0; i--) v = v * z + a[i];
        return v;
    }

    private static double PolyDerivative(double[] a, double z)
    {
        double v = 0;
        for (int i = a.Length - 1; i >= 1; i--) v = v * z + i * a[i];
        return v;
    }

    private static double[] RandomCoefficients(Random rng, int degree)
    {
        var a = new double[degree + 1];
        for (int i = 0; i <= degree; i++) a[i] = 2 * rng.NextDouble() - 1;
        return a;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(0)]
    [InlineData(-3)]
    public void RejectsUnsupportedDegree(int m)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CollocationScheme(m));
    }

    [Theory]
    [MemberData(nameof(Degrees))]
    public void TablesHaveExpectedShapes(int m)
    {
        var s = new CollocationScheme(m);
        Assert.Equal(m, s.Degree);
        Assert.Equal(m + 1, s.Nodes.Length);
        Assert.Equal(m, s.GaussPoints.Length);
        Assert.Equal(m, s.GaussWeights.Length);
        Assert.Equal(m, s.Basis.GetLength(0));
        Assert.Equal(m + 1, s.Basis.GetLength(1));
        Assert.Equal(m, s.BasisDerivative.GetLength(0));
        Assert.Equal(m + 1, s.BasisDerivative.GetLength(1));
        Assert.Equal(m + 1, s.NodeDerivative.GetLength(0));
        Assert.Equal(m + 1, s.NodeDerivative.GetLength(1));
        Assert.Equal(m + 1, s.NodeWeights.Length);
        Assert.Equal(m + 1, s.HighestDerivative.Length);
        for (int k = 0; k <= m; k++) Assert.Equal((double)k / m, s.Nodes[k], 15);
        Assert.Equal(0.0, s.Nodes[0]);
        Assert.Equal(1.0, s.Nodes[m]);
    }

    [Fact]
    public void GaussPointsForDegreeTwoAreClosedForm()
    {
        var s = new CollocationScheme(2);
        double d = 1.0 / (2.0 * Math.Sqrt(3.0));
        Assert.Equal(0.5 - d, s.GaussPoints[0], 1e-15);
        Assert.Equal(0.5 + d, s.GaussPoints[1], 1e-15);
        Assert.Equal(0.5, s.GaussWeights[0], 1e-15);
        Assert.Equal(0.5, s.GaussWeights[1], 1e-15);
    }

    [Fact]
    public void GaussPointsForDegreeThreeAreClosedForm()
    {
        var s = new CollocationScheme(3);
        double d = 0.5 * Math.Sqrt(0.6);
        Assert.Equal(0.5 - d, s.GaussPoints[0], 1e-15);
        Assert.Equal(0.5, s.GaussPoints[1], 1e-15);
        Assert.Equal(0.5 + d, s.GaussPoints[2], 1e-15);
        Assert.Equal(5.0 / 18.0, s.GaussWeights[0], 1e-15);
        Assert.Equal(8.0 / 18.0, s.GaussWeights[1], 1e-15);
        Assert.Equal(5.0 / 18.0, s.GaussWeights[2], 1e-15);
    }

    [Theory]
    [MemberData(nameof(Degrees))]
    public void GaussPointsAreAscendingInsideAndSymmetric(int m)
    {
        var s = new CollocationScheme(m);
        Assert.True(s.GaussPoints[0] > 0);
        Assert.True(s.GaussPoints[m - 1] < 1);
        for (int c = 1; c < m; c++) Assert.True(s.GaussPoints[c] > s.GaussPoints[c - 1]);
        for (int c = 0; c < m; c++)
        {
            Assert.Equal(1.0, s.GaussPoints[c] + s.GaussPoints[m - 1 - c], 1e-15);
            Assert.True(s.GaussWeights[c] > 0);
        }
        Assert.Equal(1.0, s.GaussWeights.Sum(), 1e-15);
    }

    [Theory]
    [MemberData(nameof(Degrees))]
    public void GaussRuleIsExactUpToDegreeTwoMMinusOne(int m)
    {
        var s = new CollocationScheme(m);
        for (int p = 0; p <= 2 * m - 1; p++)
        {
            double q = 0;
            for (int c = 0; c < m; c++) q += s.GaussWeights[c] * Math.Pow(s.GaussPoints[c], p);
            Assert.Equal(1.0 / (p + 1), q, 1e-15);
        }
        // And not exact for degree 2m (sanity check that the rule is not over-claimed).
        double q2m = 0;
        for (int c = 0; c < m; c++) q2m += s.GaussWeights[c] * Math.Pow(s.GaussPoints[c], 2 * m);
        Assert.True(Math.Abs(q2m - 1.0 / (2 * m + 1)) > 1e-10);
    }

    [Theory]
    [MemberData(nameof(Degrees))]
    public void GaussPointsAreRootsOfShiftedLegendrePolynomial(int m)
    {
        var s = new CollocationScheme(m);
        foreach (double g in s.GaussPoints)
        {
            double x = 2 * g - 1, p0 = 1, p1 = x;
            for (int k = 1; k < m; k++)
            {
                double p2 = ((2 * k + 1) * x * p1 - k * p0) / (k + 1);
                p0 = p1;
                p1 = p2;
            }
            Assert.True(Math.Abs(p1) < 1e-14, $"P_{m}({x}) = {p1}");
        }
    }

    [Theory]
    [MemberData(nameof(Degrees))]
    public void BasisIsPartitionOfUnityAndCardinal(int m)
    {
        var s = new CollocationScheme(m);
        var v = new double[m + 1];
        var d = new double[m + 1];
        for (int i = 0; i <= m; i++)
        {
            s.EvaluateBasis(s.Nodes[i], v);
            for (int k = 0; k <= m; k++) Assert.Equal(i == k ? 1.0 : 0.0, v[k], 1e-14);
        }
        var rng = new Random(17 + m);
        for (int trial = 0; trial < 50; trial++)
        {
            double z = trial < 3 ? trial * 0.5 : -0.2 + 1.4 * rng.NextDouble();
            s.EvaluateBasis(z, v);
            s.EvaluateBasisDerivative(z, d);
            Assert.Equal(1.0, v.Sum(), 1e-12);
            Assert.Equal(0.0, d.Sum(), 1e-10);
        }
        for (int c = 0; c < m; c++)
        {
            double sum = 0, dsum = 0;
            for (int k = 0; k <= m; k++)
            {
                sum += s.Basis[c, k];
                dsum += s.BasisDerivative[c, k];
            }
            Assert.Equal(1.0, sum, 1e-14);
            Assert.Equal(0.0, dsum, 1e-11);
        }
        for (int i = 0; i <= m; i++)
        {
            double dsum = 0;
            for (int k = 0; k <= m; k++) dsum += s.NodeDerivative[i, k];
            Assert.Equal(0.0, dsum, 1e-11);
        }
    }

    [Theory]
    [MemberData(nameof(Degrees))]
    public void TablesReproduceRandomPolynomialsAndDerivatives(int m)
    {
        var s = new CollocationScheme(m);
        var rng = new Random(1000 + m);
        var v = new double[m + 1];
        var d = new double[m + 1];
        for (int trial = 0; trial < 20; trial++)
        {
            var a = RandomCoefficients(rng, m);
            var nodal = s.Nodes.Select(z => Poly(a, z)).ToArray();
            for (int c = 0; c < m; c++)
            {
                double p = 0, dp = 0;
                for (int k = 0; k <= m; k++)
                {
                    p += s.Basis[c, k] * nodal[k];
                    dp += s.BasisDerivative[c, k] * nodal[k];
                }
                Assert.Equal(Poly(a, s.GaussPoints[c]), p, 1e-13);
                Assert.Equal(PolyDerivative(a, s.GaussPoints[c]), dp, 1e-11);
            }
            for (int i = 0; i <= m; i++)
            {
                double dp = 0;
                for (int k = 0; k <= m; k++) dp += s.NodeDerivative[i, k] * nodal[k];
                Assert.Equal(PolyDerivative(a, s.Nodes[i]), dp, 1e-11);
            }
            double zr = -0.3 + 1.6 * rng.NextDouble();
            s.EvaluateBasis(zr, v);
            s.EvaluateBasisDerivative(zr, d);
            double pr = 0, dpr = 0;
            for (int k = 0; k <= m; k++)
            {
                pr += v[k] * nodal[k];
                dpr += d[k] * nodal[k];
            }
            Assert.Equal(Poly(a, zr), pr, 1e-12);
            Assert.Equal(PolyDerivative(a, zr), dpr, 1e-10);
        }
    }

    [Fact]
    public void BasisDerivativeMatchesFiniteDifference()
    {
        var s = new CollocationScheme(5);
        var vp = new double[6];
        var vm = new double[6];
        var d = new double[6];
        const double z = 0.3141, eps = 1e-6;
        s.EvaluateBasis(z + eps, vp);
        s.EvaluateBasis(z - eps, vm);
        s.EvaluateBasisDerivative(z, d);
        for (int k = 0; k <= 5; k++) Assert.Equal((vp[k] - vm[k]) / (2 * eps), d[k], 1e-7);
    }

    [Theory]
    [MemberData(nameof(Degrees))]
    public void NodeWeightsIntegrateUpToDegreeMExactly(int m)
    {
        var s = new CollocationScheme(m);
        Assert.Equal(1.0, s.NodeWeights.Sum(), 1e-14);
        for (int p = 0; p <= m; p++)
        {
            double q = 0;
            for (int k = 0; k <= m; k++) q += s.NodeWeights[k] * Math.Pow(s.Nodes[k], p);
            Assert.Equal(1.0 / (p + 1), q, 1e-14);
        }
    }

    [Fact]
    public void NodeWeightsMatchKnownNewtonCotesRules()
    {
        Assert.Equal([1.0 / 6, 4.0 / 6, 1.0 / 6], new CollocationScheme(2).NodeWeights, new ToleranceComparer(1e-15));
        Assert.Equal([1.0 / 8, 3.0 / 8, 3.0 / 8, 1.0 / 8], new CollocationScheme(3).NodeWeights, new ToleranceComparer(1e-15));
        Assert.Equal([7.0 / 90, 32.0 / 90, 12.0 / 90, 32.0 / 90, 7.0 / 90], new CollocationScheme(4).NodeWeights, new ToleranceComparer(1e-15));
    }

    [Theory]
    [MemberData(nameof(Degrees))]
    public void HighestDerivativeGivesMFactorialTimesLeadingCoefficient(int m)
    {
        var s = new CollocationScheme(m);
        var rng = new Random(42 + m);
        double factorial = 1;
        for (int i = 2; i <= m; i++) factorial *= i;
        for (int trial = 0; trial < 10; trial++)
        {
            var a = RandomCoefficients(rng, m);
            double dm = 0;
            for (int k = 0; k <= m; k++) dm += s.HighestDerivative[k] * Poly(a, s.Nodes[k]);
            Assert.Equal(factorial * a[m], dm, 1e-8 * factorial * Math.Pow(m, m));
        }
        // Annihilates polynomials of lower degree.
        var low = RandomCoefficients(rng, m - 1);
        double dl = 0;
        for (int k = 0; k <= m; k++) dl += s.HighestDerivative[k] * Poly(low, s.Nodes[k]);
        Assert.Equal(0.0, dl, 1e-9 * Math.Pow(m, m));
    }

    [Fact]
    public void EvaluateRejectsShortSpan()
    {
        var s = new CollocationScheme(4);
        Assert.Throws<ArgumentException>(() => s.EvaluateBasis(0.5, new double[4]));
        Assert.Throws<ArgumentException>(() => s.EvaluateBasisDerivative(0.5, new double[4]));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
