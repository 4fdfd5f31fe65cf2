using Continuation.PeriodicOrbits;
using Xunit.Abstractions;

namespace Tests.PeriodicOrbits;

public class MeshTests(ITestOutputHelper output)
{
    /// <summary>Samples a vector function at the nodes of a mesh into the flat profile layout.</summary>
    private static double[] Sample(CollocationScheme scheme, double[] mesh, int n, Action<double, double[]> f)
    {
        int m = scheme.Degree, ntst = mesh.Length - 1;
        var values = new double[n * (ntst * m + 1)];
        var u = new double[n];
        for (int j = 0; j < ntst; j++)
        {
            for (int k = 0; k < m; k++)
            {
                double t = mesh[j] + scheme.Nodes[k] * (mesh[j + 1] - mesh[j]);
                f(t, u);
                u.CopyTo(values, (j * m + k) * n);
            }
        }
        f(mesh[ntst], u);
        u.CopyTo(values, ntst * m * n);
        return values;
    }

    private static double[] RandomMesh(Random rng, int ntst)
    {
        var w = new double[ntst];
        for (int j = 0; j < ntst; j++) w[j] = 0.3 + rng.NextDouble();
        double total = w.Sum();
        var mesh = new double[ntst + 1];
        for (int j = 0; j < ntst; j++) mesh[j + 1] = mesh[j] + w[j] / total;
        mesh[ntst] = 1.0;
        return mesh;
    }

    private static void Circle(double t, double[] u)
    {
        u[0] = Math.Cos(2 * Math.PI * t);
        u[1] = Math.Sin(2 * Math.PI * t);
    }

    private static double Pulse(double t) => Math.Exp(-Math.Pow((t - 0.5) / 0.02, 2));

    private static void AssertValidMesh(double[] mesh, int ntst)
    {
        Assert.Equal(ntst + 1, mesh.Length);
        Assert.Equal(0.0, mesh[0]);
        Assert.Equal(1.0, mesh[ntst]);
        for (int j = 1; j <= ntst; j++) Assert.True(mesh[j] > mesh[j - 1], $"mesh not increasing at {j}");
    }

    /// <summary>Max error of the profile against an exact scalar function at many points.</summary>
    private static double MaxError(CollocationScheme scheme, double[] mesh, double[] values, Func<double, double> exact, int points = 4001)
    {
        var r = new double[1];
        double err = 0;
        for (int i = 0; i < points; i++)
        {
            double t = (double)i / (points - 1);
            Mesh.EvaluateAt(scheme, mesh, values, 1, t, r);
            err = Math.Max(err, Math.Abs(r[0] - exact(t)));
        }
        return err;
    }

    [Fact]
    public void UniformMeshHasExactEndpointsAndEqualSpacing()
    {
        var mesh = Mesh.Uniform(7);
        AssertValidMesh(mesh, 7);
        for (int j = 0; j < 7; j++) Assert.Equal(1.0 / 7, mesh[j + 1] - mesh[j], 1e-15);
        Assert.Throws<ArgumentOutOfRangeException>(() => Mesh.Uniform(0));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(7)]
    public void InterpolateOntoSameMeshIsIdentity(int m)
    {
        var scheme = new CollocationScheme(m);
        var rng = new Random(m);
        var mesh = RandomMesh(rng, 13);
        const int n = 3;
        var values = new double[n * (13 * m + 1)];
        for (int i = 0; i < values.Length; i++) values[i] = rng.NextDouble() - 0.5;
        var result = new double[values.Length];
        Mesh.Interpolate(scheme, mesh, values, n, mesh, result);
        Assert.Equal(values, result);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public void InterpolateReproducesGlobalPolynomialOfDegreeM(int m)
    {
        var scheme = new CollocationScheme(m);
        var rng = new Random(100 + m);
        var a = new double[m + 1];
        var b = new double[m + 1];
        for (int i = 0; i <= m; i++)
        {
            a[i] = rng.NextDouble() - 0.5;
            b[i] = rng.NextDouble() - 0.5;
        }
        double P(double[] c, double t)
        {
            double v = 0;
            for (int i = c.Length - 1; i >= 0; i--) v = v * t + c[i];
            return v;
        }
        void F(double t, double[] u)
        {
            u[0] = P(a, t);
            u[1] = P(b, t);
        }
        var oldMesh = RandomMesh(rng, 9);
        var newMesh = RandomMesh(rng, 17);
        var values = Sample(scheme, oldMesh, 2, F);
        var expected = Sample(scheme, newMesh, 2, F);
        var result = new double[expected.Length];
        Mesh.Interpolate(scheme, oldMesh, values, 2, newMesh, result);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], result[i], 1e-12);

        // Also coarser target mesh.
        var coarse = Mesh.Uniform(4);
        var expectedCoarse = Sample(scheme, coarse, 2, F);
        var resultCoarse = new double[expectedCoarse.Length];
        Mesh.Interpolate(scheme, oldMesh, values, 2, coarse, resultCoarse);
        for (int i = 0; i < expectedCoarse.Length; i++) Assert.Equal(expectedCoarse[i], resultCoarse[i], 1e-12);
    }

    [Fact]
    public void InterpolateCircleToAnotherMeshIsAccurate()
    {
        var scheme = new CollocationScheme(4);
        var mesh = Mesh.Uniform(20);
        var values = Sample(scheme, mesh, 2, Circle);
        foreach (var newMesh in new[] { Mesh.Uniform(33), RandomMesh(new Random(5), 27), Mesh.Uniform(7) })
        {
            var expected = Sample(scheme, newMesh, 2, Circle);
            var result = new double[expected.Length];
            Mesh.Interpolate(scheme, mesh, values, 2, newMesh, result);
            double err = 0;
            for (int i = 0; i < expected.Length; i++) err = Math.Max(err, Math.Abs(expected[i] - result[i]));
            output.WriteLine($"circle interpolation error onto {newMesh.Length - 1} intervals: {err:E3}");
            Assert.True(err < 1e-6, $"error {err}");
        }
    }

    [Fact]
    public void EvaluateAtMatchesNodesAndFunctionAndWrapsPeriodically()
    {
        var scheme = new CollocationScheme(4);
        var mesh = RandomMesh(new Random(3), 20);
        var values = Sample(scheme, mesh, 2, Circle);
        var r = new double[2];
        var u = new double[2];
        // Exactly at mesh points and nodes.
        for (int j = 0; j <= 20; j++)
        {
            Mesh.EvaluateAt(scheme, mesh, values, 2, mesh[j], r);
            Assert.Equal(values[j * 4 * 2], r[0], 1e-14);
            Assert.Equal(values[j * 4 * 2 + 1], r[1], 1e-14);
        }
        double err = 0;
        for (int i = 0; i <= 1000; i++)
        {
            double t = i / 1000.0;
            Mesh.EvaluateAt(scheme, mesh, values, 2, t, r);
            Circle(t, u);
            err = Math.Max(err, Math.Max(Math.Abs(r[0] - u[0]), Math.Abs(r[1] - u[1])));
        }
        Assert.True(err < 1e-5, $"error {err}");
        // Periodic wrap.
        var r2 = new double[2];
        Mesh.EvaluateAt(scheme, mesh, values, 2, 0.3, r);
        Mesh.EvaluateAt(scheme, mesh, values, 2, 2.3, r2);
        Assert.Equal(r[0], r2[0], 1e-12);
        Assert.Equal(r[1], r2[1], 1e-12);
        Mesh.EvaluateAt(scheme, mesh, values, 2, -0.7, r2);
        Assert.Equal(r[0], r2[0], 1e-12);
        Assert.Equal(r[1], r2[1], 1e-12);
    }

    [Fact]
    public void IntegrateIsExactForPiecewisePolynomialsAndAccurateForSmoothFunctions()
    {
        var scheme = new CollocationScheme(3);
        var mesh = RandomMesh(new Random(11), 10);
        var values = Sample(scheme, mesh, 2, (t, u) =>
        {
            u[0] = 1 + 2 * t - 3 * t * t + 4 * t * t * t;
            u[1] = Math.Cos(2 * Math.PI * t) * Math.Cos(2 * Math.PI * t);
        });
        Assert.Equal(1 + 1 - 1 + 1, Mesh.Integrate(scheme, mesh, values, 2, 0), 1e-14);
        Assert.Throws<ArgumentOutOfRangeException>(() => Mesh.Integrate(scheme, mesh, values, 2, 2));

        // Closed Newton–Cotes (3/8 rule) is fourth order: error ~ h^4 for a smooth integrand.
        double e10 = Math.Abs(Mesh.Integrate(scheme, mesh, values, 2, 1) - 0.5);
        var fine = RandomMesh(new Random(12), 40);
        var fineValues = Sample(scheme, fine, 1, (t, u) => u[0] = Math.Cos(2 * Math.PI * t) * Math.Cos(2 * Math.PI * t) + t);
        double e40 = Math.Abs(Mesh.Integrate(scheme, fine, fineValues, 1, 0) - 1.0);
        output.WriteLine($"integration error: 10 random intervals {e10:E3}, 40 random {e40:E3}");
        Assert.True(e10 < 1e-3, $"error {e10}");
        Assert.True(e40 < 2e-6, $"error {e40}");
    }

    [Fact]
    public void RejectsInconsistentLengths()
    {
        var scheme = new CollocationScheme(4);
        var mesh = Mesh.Uniform(5);
        var good = new double[2 * (5 * 4 + 1)];
        var r = new double[2];
        Assert.Throws<ArgumentException>(() => Mesh.EvaluateAt(scheme, mesh, new double[good.Length - 1], 2, 0.5, r));
        Assert.Throws<ArgumentException>(() => Mesh.Interpolate(scheme, mesh, good, 2, Mesh.Uniform(3), new double[10]));
        Assert.Throws<ArgumentException>(() => Mesh.Adapt(scheme, mesh, new double[3], 2, 5));
    }

    [Fact]
    public void AdaptConcentratesIntervalsAtSharpPulse()
    {
        var scheme = new CollocationScheme(4);
        var fine = Mesh.Uniform(400);
        var values = Sample(scheme, fine, 1, (t, u) => u[0] = Pulse(t));
        const int ntst = 40;
        var adapted = Mesh.Adapt(scheme, fine, values, 1, ntst);
        AssertValidMesh(adapted, ntst);

        int Count(double[] mesh) => Enumerable.Range(0, mesh.Length - 1)
            .Count(j => 0.5 * (mesh[j] + mesh[j + 1]) is > 0.42 and < 0.58);
        int adaptedCount = Count(adapted), uniformCount = Count(Mesh.Uniform(ntst));
        output.WriteLine($"intervals in (0.42, 0.58): adapted {adaptedCount}, uniform {uniformCount}");
        Assert.True(adaptedCount >= 3 * uniformCount, $"adapted {adaptedCount} vs uniform {uniformCount}");

        // Smallest intervals sit at the pulse, largest far away from it.
        int jMin = Enumerable.Range(0, ntst).MinBy(j => adapted[j + 1] - adapted[j]);
        Assert.InRange(0.5 * (adapted[jMin] + adapted[jMin + 1]), 0.42, 0.58);
    }

    [Fact]
    public void AdaptedMeshInterpolatesPulseMuchBetterThanUniformMesh()
    {
        var scheme = new CollocationScheme(4);
        var fine = Mesh.Uniform(400);
        var values = Sample(scheme, fine, 1, (t, u) => u[0] = Pulse(t));
        const int ntst = 30;
        var adapted = Mesh.Adapt(scheme, fine, values, 1, ntst);
        var uniform = Mesh.Uniform(ntst);

        var onAdapted = new double[ntst * 4 + 1];
        var onUniform = new double[ntst * 4 + 1];
        Mesh.Interpolate(scheme, fine, values, 1, adapted, onAdapted);
        Mesh.Interpolate(scheme, fine, values, 1, uniform, onUniform);
        double errAdapted = MaxError(scheme, adapted, onAdapted, Pulse);
        double errUniform = MaxError(scheme, uniform, onUniform, Pulse);
        output.WriteLine($"pulse interpolation error: adapted {errAdapted:E3}, uniform {errUniform:E3}");
        Assert.True(errAdapted < errUniform / 10, $"adapted {errAdapted} vs uniform {errUniform}");

        // Adapting again from the adapted profile keeps (or improves) the accuracy.
        var again = Mesh.Adapt(scheme, adapted, onAdapted, 1, ntst);
        AssertValidMesh(again, ntst);
        var onAgain = new double[ntst * 4 + 1];
        Mesh.Interpolate(scheme, fine, values, 1, again, onAgain);
        double errAgain = MaxError(scheme, again, onAgain, Pulse);
        output.WriteLine($"pulse interpolation error after re-adaptation: {errAgain:E3}");
        Assert.True(errAgain < errUniform / 10, $"re-adapted {errAgain} vs uniform {errUniform}");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(6)]
    public void AdaptKeepsSmoothSinusoidNearlyUniform(int m)
    {
        var scheme = new CollocationScheme(m);
        foreach (int n in new[] { 1, 2 })
        {
            var mesh = Mesh.Uniform(20);
            var values = Sample(scheme, mesh, n, (t, u) =>
            {
                Circle(t, n == 1 ? new double[2] : u);
                if (n == 1) u[0] = Math.Sin(2 * Math.PI * t);
            });
            var adapted = Mesh.Adapt(scheme, mesh, values, n, 25);
            AssertValidMesh(adapted, 25);
            double hMax = 0, hMin = double.MaxValue;
            for (int j = 0; j < 25; j++)
            {
                double h = adapted[j + 1] - adapted[j];
                hMax = Math.Max(hMax, h);
                hMin = Math.Min(hMin, h);
            }
            output.WriteLine($"m={m}, n={n}: max h / min h = {hMax / hMin:F3}");
            Assert.True(hMax / hMin < 2, $"ratio {hMax / hMin}");
        }
    }

    [Fact]
    public void AdaptKeepsAProfileResolvedToRoundingOnItsMesh()
    {
        // A cubic with m = 3: the m-th derivative is the same on every interval, the jumps are
        // rounding noise, and the uniform mesh must stay (nearly) uniform instead of collapsing
        // onto a few noisy jumps.
        var scheme = new CollocationScheme(3);
        var mesh = Mesh.Uniform(10);
        var values = Sample(scheme, mesh, 1, (t, u) => u[0] = 2 - t + 0.5 * t * t * t);
        var adapted = Mesh.Adapt(scheme, mesh, values, 1, 10);
        AssertValidMesh(adapted, 10);
        for (int j = 0; j <= 10; j++) Assert.Equal(mesh[j], adapted[j], 0.01);
    }

    [Fact]
    public void AdaptOfAnOverResolvedSmoothCycleStaysGraded()
    {
        // At NTST = 100, NCOL = 7 a sinusoid is resolved to rounding: adaptation must not
        // produce huge intervals (the failure mode of zeroing noisy jumps).
        var scheme = new CollocationScheme(7);
        var mesh = Mesh.Uniform(100);
        var values = Sample(scheme, mesh, 2, Circle);
        var adapted = Mesh.Adapt(scheme, mesh, values, 2, 100);
        AssertValidMesh(adapted, 100);
        for (int j = 0; j < 100; j++) Assert.InRange(adapted[j + 1] - adapted[j], 0.005, 0.02);
    }

    [Fact]
    public void AdaptCanChangeTheNumberOfIntervals()
    {
        var scheme = new CollocationScheme(5);
        var mesh = Mesh.Uniform(16);
        var values = Sample(scheme, mesh, 2, Circle);
        foreach (int ntst in new[] { 1, 2, 8, 16, 50 })
            AssertValidMesh(Mesh.Adapt(scheme, mesh, values, 2, ntst), ntst);
    }
}
