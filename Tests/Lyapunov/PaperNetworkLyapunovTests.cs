using Continuation.Lyapunov;
using Continuation.Network;
using Continuation.Transverse;
using Models;
using Tests.Transverse;
using Xunit.Abstractions;

namespace Tests.Lyapunov;

/// <summary>The paper's whole network on a homogeneous cycle: its 90 largest Lyapunov exponents are the transverse analysis's.</summary>
public class PaperNetworkLyapunovTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Slow")]
    public void The90LargestExponentsOfThePaperNetworkAreTheTransverseFloquetExponents()
    {
        var model = new NextGenNeuralMassHomogeneous();
        var w = Tests.Network.NetworkSystemTests.Paper.Value;
        var network = new NetworkSystem(model, w);
        var spectrum = ConnectivitySpectrum.Compute(w);
        var analysis = new TransverseStability(model, spectrum);
        var point = Networks.Cycles12Far.Value.Find("UZ1")!; // ε = 12, I = 8.6: stable in the homogeneous system, network modes grow
        double period = point.Period!.Value;
        var expected = spectrum.Eigenvalues
            .SelectMany(l => analysis.CycleMultipliers(point, NextGenNeuralMassHomogeneous.IextE, l).Select(m => Math.Log(m.Magnitude) / period))
            .OrderByDescending(v => v).Take(90).ToArray();
        var r = LyapunovSpectrum.Compute(network, point.Parameters, network.Homogeneous(point.State), new LyapunovOptions
        {
            Exponents = 90, TEnd = 100 * period, Transient = 20 * period, ReorthonormaliseEvery = period / 4, RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10,
        }, new NetworkTangent(network));
        double worst = 0;
        for (int i = 0; i < 90; i++) worst = Math.Max(worst, Math.Abs(r.Exponents[i] - expected[i]));
        double worstSum = 0;
        for (int m = 1; m <= 90; m++) worstSum = Math.Max(worstSum, Math.Abs(r.Exponents.Take(m).Sum() - expected.Take(m).Sum()) / m);
        output.WriteLine($"{r.Steps} steps, {r.WallMilliseconds / 1000:F1} s; largest difference {worst:G3}, of partial sums per exponent {worstSum:G3}");
        output.WriteLine($"got      {string.Join(" ", r.Exponents.Take(12).Select(v => v.ToString("G5")))}");
        output.WriteLine($"expected {string.Join(" ", expected.Take(12).Select(v => v.ToString("G5")))}");
        Assert.True(worst < 1e-3, $"largest difference {worst:G3}");
    }
}
