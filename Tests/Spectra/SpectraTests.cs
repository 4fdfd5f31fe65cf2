using Continuation.Spectra;
using Xunit.Abstractions;

namespace Tests.Spectra;

/// <summary>Power spectra and phase–amplitude coupling against signals whose answers are known.</summary>
public class SpectraTests(ITestOutputHelper output)
{
    const double Rate = 1000; // Hz: a sample every millisecond

    static double[] Signal(int samples, Func<double, double> f) => Enumerable.Range(0, samples).Select(i => f(i / Rate)).ToArray();

    [Theory]
    [InlineData(1000, 0.5)]
    [InlineData(2048, 0.25)]
    [InlineData(500, 0.0)]
    public void SumOfSinesHasItsPeaksAndBandPowers(int segment, double overlap)
    {
        // 6 Hz (theta) amplitude 2, 40 Hz (gamma) amplitude 1, 11 Hz (alpha) amplitude 0.5, plus an offset.
        var x = Signal(20_000, t => 3 + 2 * Math.Sin(2 * Math.PI * 6 * t + 0.3) + Math.Sin(2 * Math.PI * 40 * t) + 0.5 * Math.Cos(2 * Math.PI * 11 * t));
        var psd = PowerSpectrum.Welch(x, Rate, segment, overlap);
        double df = psd.Resolution;
        Assert.Equal(Rate / segment, df, 12);
        output.WriteLine($"segment {segment}: df = {df} Hz, {psd.Segments} segments, dominant {psd.DominantFrequency():F3} Hz, gamma above 30: {psd.DominantFrequency(30):F3}");
        Assert.True(Math.Abs(psd.DominantFrequency() - 6) <= df / 2);
        Assert.True(Math.Abs(psd.DominantFrequency(30) - 40) <= df / 2);
        // A sine of amplitude A carries power A²/2; the Hann window spreads it over three bins, all inside a band reaching 3 bins past it.
        foreach (var (f, a) in new[] { (6.0, 2.0), (11.0, 0.5), (40.0, 1.0) })
            if (df <= 1 || f == 40) // at 2 Hz resolution 6 and 11 Hz are 2.5 bins apart: not separable
                Assert.Equal(a * a / 2, psd.BandPower(f - 3 * df, f + 3 * df), 1e-3 * a * a);
        if (df <= 1)
        {
            Assert.Equal(2.0, psd.BandPower(4, 8), 1e-2);
            Assert.Equal(0.125, psd.BandPower(8, 13), 1e-3);
            Assert.Equal(0.5, psd.BandPower(30, 100), 1e-3);
            Assert.True(psd.BandPower(13, 30) < 1e-4); // sidelobe leakage of the off-bin sines only
        }
        // Parseval: the density integrates to the variance.
        double variance = 2 + 0.5 + 0.125;
        Assert.Equal(variance, psd.BandPower(0, Rate), 2e-2);
    }

    [Fact]
    public void WhiteNoiseHasAFlatDensityAtItsVariance()
    {
        var random = new Random(3);
        var x = Enumerable.Range(0, 200_000).Select(_ => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())).ToArray();
        var psd = PowerSpectrum.Welch(x, Rate, 1000);
        double mean = psd.Density.Skip(5).Take(400).Average();
        Assert.Equal(2 / Rate, mean, 0.05 * 2 / Rate); // one-sided: σ² / (fs/2)
    }

    [Fact]
    public void CoupledSignalHasAModulationIndexAboveItsSurrogatesAndAnUncoupledOneBelow()
    {
        // Gamma (40 Hz) whose amplitude follows the phase of a 6 Hz theta rhythm, against the same gamma unmodulated.
        // Theta's phase wanders (a random walk), as a real rhythm's does: shifted copies of the envelope then decorrelate from it.
        var random = new Random(5);
        var phase = new double[20_000];
        for (int i = 1; i < phase.Length; i++) phase[i] = phase[i - 1] + 2 * Math.PI * 6 / Rate + 0.02 * (random.NextDouble() - 0.5);
        var noise = Enumerable.Range(0, 20_000).Select(_ => 0.3 * (random.NextDouble() - 0.5)).ToArray();
        var coupled = Enumerable.Range(0, 20_000).Select(i => Math.Sin(phase[i]) + (1 + 0.8 * Math.Sin(phase[i])) * 0.3 * Math.Sin(2 * Math.PI * 40 * i / Rate) + noise[i]).ToArray();
        var uncoupled = Enumerable.Range(0, 20_000).Select(i => Math.Sin(phase[i]) + 0.3 * Math.Sin(2 * Math.PI * 40 * i / Rate) + noise[i]).ToArray();
        var c = new PhaseAmplitudeCoupling(coupled, Rate).Compute(4, 8, 30, 50);
        var u = new PhaseAmplitudeCoupling(uncoupled, Rate).Compute(4, 8, 30, 50);
        output.WriteLine($"coupled: MI {c.Index:G3} (threshold {c.Threshold:G3}, p {c.PValue:G2}, preferred phase {c.PreferredPhase:F2}); uncoupled: MI {u.Index:G3} (threshold {u.Threshold:G3}, p {u.PValue:G2})");
        Assert.True(c.Significant);
        Assert.True(c.PValue < 0.01);
        Assert.False(u.Significant);
        Assert.True(c.Index > 20 * u.Index);
        // Amplitude largest where theta peaks: phase π/2 of sin (analytic-signal phase of sin is θ − π/2, so the bin near 0).
        Assert.True(Math.Abs(c.PreferredPhase) < 0.4, $"preferred phase {c.PreferredPhase}");
        // A known index: amplitude 1 + m cos φ binned in 18 bins.
        var como = new PhaseAmplitudeCoupling(coupled, Rate).Comodulogram([2, 4, 6, 10, 14], 4, [20, 30, 60, 90], 20);
        int bestPhase = 0, bestAmp = 0;
        for (int i = 0; i < 5; i++) for (int j = 0; j < 4; j++) if (como[i, j] > como[bestPhase, bestAmp]) (bestPhase, bestAmp) = (i, j);
        Assert.Equal((1, 1), (bestPhase, bestAmp)); // phase 4–8 Hz (centred on 6), amplitude 30–50 Hz
    }
}
