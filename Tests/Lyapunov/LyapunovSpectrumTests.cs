using System.Numerics;
using Continuation.Lyapunov;
using Continuation.Network;
using Continuation.Transverse;
using Models;
using Tests.Transverse;
using Xunit.Abstractions;

namespace Tests.Lyapunov;

/// <summary>Lyapunov spectra against their oracles: Lorenz, an equilibrium, a cycle, and the network on a homogeneous cycle.</summary>
public class LyapunovSpectrumTests(ITestOutputHelper output)
{
    static readonly NextGenNeuralMassHomogeneous Model = new();

    void Show(string what, LyapunovResult r, IEnumerable<double> expected)
        => output.WriteLine($"{what}: {r.Steps} steps, {r.WallMilliseconds:F0} ms; spread {r.MaxSpread:G2}\n  got      {string.Join(" ", r.Exponents.Select(v => v.ToString("G6")))}\n  expected {string.Join(" ", expected.Select(v => v.ToString("G6")))}");

    [Fact]
    public void LorenzHasItsClassicalSpectrumAndTheTraceAsItsSum()
    {
        var lorenz = new Lorenz();
        var p = lorenz.DefaultParameters();
        var r = LyapunovSpectrum.Compute(lorenz, p, [1, 1, 20], new LyapunovOptions
        {
            TEnd = 2100, Transient = 100, ReorthonormaliseEvery = 1, RelativeTolerance = 1e-11, AbsoluteTolerance = 1e-11,
        });
        Show("Lorenz", r, [0.9056, 0, -14.5723]);
        Assert.True(r.Succeeded);
        Assert.Equal(0.9056, r.Exponents[0], 0.01);
        Assert.Equal(0, r.Exponents[1], 0.005);
        Assert.Equal(-(10 + 1 + 8.0 / 3), r.Exponents.Sum(), 1e-6);
        Assert.InRange(r.KaplanYorke, 2.05, 2.07); // 2 + (λ1 + λ2)/|λ3| ≈ 2.062
    }

    [Fact]
    public void AnEquilibriumHasTheRealPartsOfItsEigenvalues()
    {
        var point = Networks.Equilibria12.Value.Find("UZ1")!; // ε = 12, I = 2: stable, two complex pairs
        var r = LyapunovSpectrum.Compute(Model, point.Parameters, point.State, new LyapunovOptions
        {
            TEnd = 3000, Transient = 200, ReorthonormaliseEvery = 5, RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-12,
        });
        var expected = point.Analysis.Spectrum.Select(z => z.Real).OrderByDescending(v => v).ToArray();
        Show("equilibrium", r, expected);
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], r.Exponents[i], 2e-3);
    }

    [Fact]
    public void AStableCycleHasItsFloquetExponentsOneOfThemZero()
    {
        var point = Networks.Cycles12Far.Value.Points[20]; // I ≈ 3.37, stable
        double period = point.Period!.Value;
        var expected = point.Analysis.Spectrum.Select(m => Math.Log(m.Magnitude) / period).OrderByDescending(v => v).ToArray();
        var r = LyapunovSpectrum.Compute(Model, point.Parameters, point.State, new LyapunovOptions
        {
            TEnd = 120 * period, Transient = 20 * period, ReorthonormaliseEvery = period / 8, RelativeTolerance = 1e-11, AbsoluteTolerance = 1e-13,
        });
        Show("cycle", r, expected);
        Assert.Equal(0, r.Exponents[0], 1e-4);
        // The exponents whose multipliers the collocation resolves (|μ| > 1e-6; the last pair's multipliers
        // are about 2e-9, below what the Floquet pencil gets right), to 1e-4; the sum of all six is the
        // average of the Jacobian's trace along the cycle (Liouville), integrated here on its own.
        var multipliers = point.Analysis.Spectrum.Select(m => m.Magnitude).OrderByDescending(v => v).ToArray();
        for (int i = 0; i < 6; i++)
            if (multipliers[i] > 1e-6) Assert.Equal(expected[i], r.Exponents[i], 1e-4);
        double trace = MeanTrace(point.State, point.Parameters, period);
        output.WriteLine($"sum {r.Exponents.Sum():G8}, mean trace {trace:G8}");
        Assert.Equal(trace, r.Exponents.Sum(), 1e-5);
    }

    /// <summary>(1/T) ∫₀ᵀ trace J(x(t)) dt along the orbit from <paramref name="x0"/>.</summary>
    static double MeanTrace(double[] x0, double[] p, double period)
    {
        var system = new TraceIntegral();
        var y = new double[7];
        x0.CopyTo(y, 0);
        var result = new Continuation.Integration.DormandPrince(system, new Continuation.Integration.DormandPrinceOptions { RelativeTolerance = 1e-12, AbsoluteTolerance = 1e-14 }).Integrate(p, y, 0, period);
        Assert.True(result.IsSuccess);
        return y[6] / period;
    }

    sealed class TraceIntegral : Continuation.Systems.OdeSystem
    {
        public override string Name => "trace";
        public override IReadOnlyList<string> StateNames => ["a", "b", "c", "d", "e", "f", "trace"];
        public override IReadOnlyList<Continuation.Systems.Parameter> Parameters => Model.Parameters;
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            Model.Evaluate(u[..6], p, du[..6]);
            Span<double> j = stackalloc double[36];
            Model.StateJacobian(u[..6], p, j);
            du[6] = j[0] + j[7] + j[14] + j[21] + j[28] + j[35];
        }
    }

    [Fact]
    public void TheNetworkOnAHomogeneousCycleHasTheTransverseFloquetExponents()
    {
        // Small ring (N = 6, 36 exponents, all of them) on the transversally unstable cycle at I = 8.6:
        // the network's exponents are the union over the modes of the transverse Floquet exponents.
        var w = Networks.Ring(6);
        var network = new NetworkSystem(Model, w);
        var spectrum = ConnectivitySpectrum.Compute(w);
        var analysis = new TransverseStability(Model, spectrum);
        var point = Networks.Cycles12Far.Value.Find("UZ1")!;
        double period = point.Period!.Value;
        var expected = spectrum.Eigenvalues
            .SelectMany(l => analysis.CycleMultipliers(point, NextGenNeuralMassHomogeneous.IextE, l).Select(m => Math.Log(m.Magnitude) / period))
            .OrderByDescending(v => v).ToArray();
        var r = LyapunovSpectrum.Compute(network, point.Parameters, network.Homogeneous(point.State), new LyapunovOptions
        {
            TEnd = 60 * period, Transient = 10 * period, ReorthonormaliseEvery = period / 4, RelativeTolerance = 1e-9, AbsoluteTolerance = 1e-11,
        }, new NetworkTangent(network));
        Show("network", r, expected);
        // The twelve leading exponents to 1e-3; exponents closer together than the averaging separates (the ring has
        // double Λ, the top five lie within 0.005) mix within their cluster, but a cluster's sum
        // converges at the rate of the gap below it: the partial sums at every gap wider than 0.03
        // to 1e-3 per exponent (they agree to 1e-7).
        int gaps = 0;
        for (int m = 1; m < expected.Length; m++)
        {
            if (expected[m - 1] - expected[m] <= 0.03) continue;
            double want = expected.Take(m).Sum(), got = r.Exponents.Take(m).Sum();
            output.WriteLine($"first {m}: {got:G6} against {want:G6}");
            Assert.True(Math.Abs(got - want) < 1e-3 * m, $"sum of the first {m} exponents {got:G6}, of the transverse Floquet exponents {want:G6}");
            gaps++;
        }
        Assert.True(gaps >= 5);
        for (int i = 0; i < 12; i++) Assert.Equal(expected[i], r.Exponents[i], 1e-3); // the leading ones; lower clusters mix at 2e-3 within 0.004 of each other
        Assert.Equal(expected.Sum(), r.Exponents.Sum(), 1e-4 * expected.Length);
    }

    [Fact]
    public void TheStructuredNetworkTangentIsTheDenseOne()
    {
        var w = NetworkSystemTestsAccessForLyapunov.Paper;
        var network = new NetworkSystem(Model, w);
        var p = Networks.Parameters(12, 8.6);
        var x = Enumerable.Range(0, 540).Select(i => 0.05 + 0.03 * Math.Sin(0.7 * i)).ToArray();
        const int k = 7;
        var q = Enumerable.Range(0, 540 * k).Select(i => Math.Cos(0.37 * i)).ToArray();
        var (ys, yd) = (new double[540 * k], new double[540 * k]);
        var structured = new NetworkTangent(network);
        structured.Load(x, p);
        structured.Apply(q, ys, k);
        var dense = new DenseTangent(network);
        dense.Load(x, p);
        dense.Apply(q, yd, k);
        for (int i = 0; i < ys.Length; i++) Assert.Equal(yd[i], ys[i], 1e-11 * Math.Max(1, Math.Abs(yd[i])));
    }
}

static class NetworkSystemTestsAccessForLyapunov
{
    public static ConnectivityMatrix Paper => Tests.Network.NetworkSystemTests.Paper.Value;
}
