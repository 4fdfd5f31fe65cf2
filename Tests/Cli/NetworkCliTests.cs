using System.Globalization;
using System.Text.Json;
using Continuation.Cli;
using Continuation.Cli.Output;
using static Tests.Cli.CliHarness;

namespace Tests.Cli;

/// <summary><c>simulate</c> and <c>spectrum</c> runs from the command line: files, summary, prediction, bad input.</summary>
public sealed class NetworkCliTests : IDisposable
{
    readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    static string Paper => Path.Combine(RepositoryPaths.Shared, "data", "NormalizedMatrix.npz").Replace('\\', '/');

    /// <summary>Lines: 1 name … 7 runs, 8 fp, 9 lc, 10 sim, 11 grow, 12 spec.</summary>
    static string Case(string extra = "") => $$"""
        name: net
        model: NextGenNeuralMass.Homogeneous
        connectivity: {{Paper}}
        parameters: { Iext_e: -5.0, eps: 12.0 }
        start: { integrate: { t_end: 5000 } }
        numerics: { ds: 0.01, ds_min: 1.0e-5, ds_max: 0.1, ntst: 60, ncol: 5 }
        runs:
          - { name: fp, kind: equilibrium, parameter: Iext_e, stop: { Iext_e: [-5, 10] } }
          - { name: lc, kind: periodic, from: fp.HB1, parameter: Iext_e, numerics: { ds_max: 0.2 }, stop: { Iext_e: [-5, 8.7] }, values: { Iext_e: [8.6] } }
          - { name: sim, kind: simulate, from: lc.UZ1, random: { sigma: 0.01, seed: 3 }, t_end: 800, transient: 200, sample_every: 0.5 }
          - { name: grow, kind: simulate, from: lc.UZ1, mode: { lambda: -0.115, amplitude: 1.0e-8 }, t_end: 300 }
          - { name: spec, kind: spectrum, of: sim, segment: 200 }
        {{extra}}
        """;

    [Fact]
    public void SimulationWritesItsSamplesMeanFieldAndPredictionAndTheSpectrumItsTables()
    {
        string output = _cli.PathOf("out");
        var (code, _, stderr) = Run(["run", _cli.WriteCase(Case()), "--out", output, "--no-plots"]);
        Assert.True(code == ExitCodes.Success, stderr);

        // The samples: (t_end − transient)/dt + 1 rows of 540 variables, node-major, readable as .npy.
        string npy = Path.Combine(output, "simulations", "sim.npy");
        var columns = global::Plots.NetworkFigures.ReadColumns(npy, 0, 6, 90);
        Assert.Equal(1201, columns[0].Length);
        Assert.True(columns.All(c => c.All(double.IsFinite)));
        var mean = File.ReadAllLines(Path.Combine(output, "simulations", "sim-mean.csv"));
        Assert.Equal("t,r_e,v_e,s_e,r_i,v_i,s_i", mean[0]);
        Assert.Equal(1202, mean.Length);
        var row = mean[600].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(200 + 599 * 0.5, row[0], 12);
        Assert.Equal(columns.Average(c => c[599]), row[1], 12); // the mean field is the mean over regions
        using var layout = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "simulations", "sim.json")));
        Assert.Equal("r_e_0", layout.RootElement.GetProperty("variables")[0].GetString());
        Assert.Equal("s_i_89", layout.RootElement.GetProperty("variables")[539].GetString());

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        var sims = doc.RootElement.GetProperty("simulations").EnumerateArray().ToList();
        Assert.Equal(["sim", "grow"], sims.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(1201, sims[0].GetProperty("samples").GetInt32());
        Assert.True(sims[0].GetProperty("final_spread").GetDouble() > 1e-3); // the noise grew into a pattern
        var prediction = sims[1].GetProperty("prediction");
        Assert.Equal("cycle", prediction.GetProperty("state").GetString());
        double predicted = prediction.GetProperty("predicted_rate").GetDouble(), fitted = prediction.GetProperty("fitted_rate").GetDouble();
        Assert.True(predicted > 0.01);
        Assert.True(Math.Abs(fitted - predicted) < 1e-3 * predicted, $"fitted {fitted} against predicted {predicted}");
        Assert.Contains("[grow] mode", stderr);

        var regions = File.ReadAllLines(Path.Combine(output, "spectra", "spec-regions.csv"));
        Assert.StartsWith("region,dominant_hz,power,delta,theta,alpha,beta,gamma,high_gamma,mi,mi_threshold,mi_p,mi_significant,preferred_phase", regions[0]);
        Assert.Equal(92, regions.Length);
        Assert.StartsWith("mean,", regions[1]);
        // The gamma rhythm: dominant frequency of the mean field in the gamma band.
        double dominant = double.Parse(regions[1].Split(',')[1], CultureInfo.InvariantCulture);
        Assert.InRange(dominant, 30, 80);
        var psd = File.ReadAllLines(Path.Combine(output, "spectra", "spec-psd.csv"));
        Assert.StartsWith("frequency_hz,mean_field,region_0,", psd[0]);
        Assert.Equal(200 / 0.5 / 2 + 2, psd.Length); // one-sided bins of a 400-sample segment
        Assert.True(File.Exists(Path.Combine(output, "spectra", "spec-comodulogram.csv")));
        var spectra = doc.RootElement.GetProperty("spectra")[0];
        Assert.Equal("Hz", spectra.GetProperty("frequency_unit").GetString());
        Assert.Equal(2000, spectra.GetProperty("sample_rate").GetDouble(), 9);
    }

    [Theory]
    [InlineData("  - { name: s2, kind: simulate, from: lc.UZ1, t_end: 100, random: { sigma: 0.1 }, mode: { index: 3, amplitude: 1 } }", 13, "give either 'random' or 'mode'")]
    [InlineData("  - { name: s2, kind: simulate, from: lc.UZ1, t_end: 100, transient: 100 }", 13, "transient: expected 0 <= transient < t_end")]
    [InlineData("  - { name: s2, kind: simulate, from: lc.UZ1 }", 13, "missing key 't_end'")]
    [InlineData("  - { name: s2, kind: simulate, from: lc.UZ1, t_end: 10, mode: { index: 3, lambda: 0.1, amplitude: 1 } }", 13, "one of them")]
    [InlineData("  - { name: s2, kind: simulate, from: lc.UZ1, t_end: 10, show: x_e }", 13, "unknown state variable 'x_e'")]
    [InlineData("  - { name: s2, kind: spectrum, of: fp }", 13, "a spectrum is of a simulate run")]
    [InlineData("  - { name: s2, kind: spectrum, of: sim, segment: 5000 }", 13, "longer than the sampled record")]
    [InlineData("  - { name: s2, kind: spectrum, of: sim, coupling: { phase: [30, 40], amplitude: [4, 8] } }", 13, "amplitude band must lie above")]
    [InlineData("  - { name: s2, kind: equilibrium, parameter: Iext_e, t_end: 5 }", 13, "only a simulate run takes 't_end'")]
    public void BadNetworkRunsAreRefusedWithFileLineAndKey(string run, int line, string message)
    {
        var (code, _, stderr) = Run(["validate", _cli.WriteCase(Case(run))]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($":{line}:", stderr);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void AModeIndexBeyondTheNetworkStopsTheCaseWithoutWritingSamples()
    {
        string output = _cli.PathOf("out2");
        string text = Case().Replace("mode: { lambda: -0.115, amplitude: 1.0e-8 }", "mode: { index: 90, amplitude: 1.0e-8 }");
        var (code, _, stderr) = Run(["run", _cli.WriteCase(text), "--out", output, "--no-plots"]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("mode.index: the network has 90 modes", stderr);
        Assert.False(File.Exists(Path.Combine(output, "simulations", "grow.npy")));
        Assert.Empty(Directory.GetFiles(Path.Combine(output, "simulations"), "*.tmp"));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        Assert.False(doc.RootElement.GetProperty("complete").GetBoolean());
    }

    [Theory]
    [InlineData(20, 2, ExitCodes.Success, "spectra of r_e")]          // 11 samples: spectra, no coupling (too short)
    [InlineData(8, 2, ExitCodes.BadInput, "has 5 samples; a spectrum needs at least 8")]
    public void AShortSimulationGetsASpectrumOrAClearMessageNeverAStackTrace(int tEnd, int every, int expected, string message)
    {
        string text = $$"""
            name: short
            model: NextGenNeuralMass.Homogeneous
            connectivity: {{Paper}}
            parameters: { Iext_e: 8.6, eps: 12.0 }
            start: { integrate: { t_end: 500 } }
            runs:
              - { name: sim, kind: simulate, t_end: {{tEnd}}, sample_every: {{every}}, random: { sigma: 0.01 } }
              - { name: spec, kind: spectrum, of: sim }
            """;
        var (code, _, stderr) = Run(["run", _cli.WriteCase(text), "--out", _cli.PathOf("short"), "--no-plots"]);
        Assert.Equal(expected, code);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }
}
