using System.Globalization;
using System.Text.Json;
using Continuation.Cli;
using static Tests.Cli.CliHarness;

namespace Tests.Cli;

/// <summary><c>transverse</c> runs from the command line: output files, summary, <c>--connectivity</c>, and bad input.</summary>
public sealed class TransverseCliTests : IDisposable
{
    readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>
    /// Lines: 1 name, 2 model, 3 connectivity, 4 parameters, 5 start, 6 numerics, 7 runs, 8 fp, 9 lc, 10 fp_tr, 11 lc_tr.
    /// The matrix is a directed ring (complex Λ) with rows summing to 2.5.
    /// </summary>
    const string Case = """
        name: tr
        model: NextGenNeuralMass.Homogeneous
        connectivity: { file: ring.txt, normalize: rows }
        parameters: { Iext_e: -5.0, eps: 12.0 }
        start: { integrate: { t_end: 2000 } }
        numerics: { ntst: 30, ncol: 4 }
        runs:
          - { name: fp, kind: equilibrium, parameter: Iext_e, stop: { Iext_e: [-5, 6] }, values: { Iext_e: [2] } }
          - { name: lc, kind: periodic, from: fp.HB1, parameter: Iext_e, stop: { max_steps: 8 } }
          - { name: fp_tr, kind: transverse, of: fp }
          - { name: lc_tr, kind: transverse, of: lc, at: [EP1] }
        """;

    string WriteRing(string name = "ring.txt", bool normalized = false)
    {
        const int n = 6;
        var lines = new List<string>();
        for (int i = 0; i < n; i++)
        {
            var row = new double[n];
            row[(i + 1) % n] += 1;
            row[(i + n - 1) % n] += 1;
            row[(i + 2) % n] += 0.5;
            lines.Add(string.Join(" ", row.Select(v => (normalized ? v / 2.5 : v).ToString("R", CultureInfo.InvariantCulture))));
        }
        string path = _cli.PathOf(name);
        File.WriteAllLines(path, lines);
        return path;
    }

    static string[] Csv(string path) => File.ReadAllLines(path);

    [Fact]
    public void TransverseRunsWriteOneRowPerPointDispersionFilesAndASummaryEntry()
    {
        WriteRing();
        string output = _cli.PathOf("out");
        var (code, _, stderr) = Run(["run", _cli.WriteCase(Case), "--out", output, "--no-plots"]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("[fp_tr] transverse stability of fp:", stderr);

        var fp = Csv(Path.Combine(output, "branches", "fp.csv"));
        var tr = Csv(Path.Combine(output, "transverse", "fp.csv"));
        Assert.Equal("index,type,Iext_e,max_growth,argmax_lambda,n_unstable,argmax_lambda_im,homogeneous_growth", tr[0]);
        Assert.Equal(fp.Length, tr.Length);
        Assert.Equal(fp.Skip(1).Select(l => l.Split(',')[1]), tr.Skip(1).Select(l => l.Split(',')[1])); // same types, same order

        // Default dispersion points: every labelled point but EP. At a Hopf point the homogeneous mode (Λ = 1) is neutral.
        var files = Directory.GetFiles(Path.Combine(output, "transverse")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["dispersion-fp-HB1.csv", "dispersion-fp-UZ1.csv", "dispersion-lc-EP1.csv", "fp.csv", "lc.csv"], files);
        var hb = Csv(Path.Combine(output, "transverse", "dispersion-fp-HB1.csv"));
        Assert.Equal("lambda_re,lambda_im,growth_re,growth_im", hb[0]);
        Assert.Equal(7, hb.Length);
        var unit = hb.Skip(1).Select(l => l.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray()).Single(r => Math.Abs(r[0] - 1) < 1e-9);
        Assert.Equal(0.0, unit[2], 1e-7);
        Assert.Contains(hb.Skip(1), l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture) > 0.1); // complex modes

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        var root = doc.RootElement;
        Assert.True(root.GetProperty("complete").GetBoolean());
        Assert.Equal(["fp", "lc"], root.GetProperty("branches").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        var runs = root.GetProperty("transverse").EnumerateArray().ToList();
        Assert.Equal(["fp_tr", "lc_tr"], runs.Select(t => t.GetProperty("name").GetString()));
        var lc = runs[1];
        Assert.Equal("lc", lc.GetProperty("of").GetString());
        Assert.Equal("cycles", lc.GetProperty("states").GetString());
        Assert.Equal(6, lc.GetProperty("modes").GetInt32());
        Assert.False(lc.GetProperty("real_spectrum").GetBoolean());
        Assert.Equal(Csv(Path.Combine(output, "branches", "lc.csv")).Length - 1, lc.GetProperty("points").GetInt32());
        Assert.True(lc.GetProperty("wall_ms").GetDouble() > 0);
        Assert.Equal("transverse/dispersion-lc-EP1.csv", lc.GetProperty("dispersion")[0].GetProperty("file").GetString());
        Assert.False(lc.GetProperty("failed").GetBoolean());
    }

    [Fact]
    public void TheConnectivityOptionReplacesOrSuppliesTheMatrix()
    {
        string ring = WriteRing("normalized.txt", normalized: true);
        string text = string.Join("\n", Case.Split('\n').Where(l => !l.StartsWith("connectivity", StringComparison.Ordinal) && !l.Contains("lc_tr")))
            .Replace("- { name: lc, kind: periodic, from: fp.HB1, parameter: Iext_e, stop: { max_steps: 8 } }", "- { name: fp2, kind: equilibrium, from: fp.UZ1, parameter: eps, stop: { max_steps: 5 } }");
        string path = _cli.WriteCase(text);
        var (code, stdout, stderr) = Run(["validate", path, "--connectivity", ring]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("fp_tr (transverse in Iext_e)", stdout);
        (code, _, stderr) = Run(["run", path, "--out", _cli.PathOf("out"), "--no-plots", "--quiet", "--connectivity", ring]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.True(File.Exists(_cli.PathOf("out", "transverse", "fp.csv")));
        Assert.Contains(ring, File.ReadAllText(_cli.PathOf("out", "summary.json")));
    }

    [Theory]
    [InlineData("connectivity: { file: ring.txt, normalize: rows }", "connectivity: missing.npz", 3, "connectivity: file not found:")]
    [InlineData("connectivity: { file: ring.txt, normalize: rows }", "connectivity: ring.txt", 3, "rows do not sum to 1", "normalize: rows")]
    [InlineData("connectivity: { file: ring.txt, normalize: rows }", "connectivity: { file: ring.txt, normalize: columns }", 3, "connectivity.normalize: expected rows")]
    [InlineData("connectivity: { file: ring.txt, normalize: rows }", "connectivity: { file: ring.txt, key: w }", 3, "connectivity.key:", "not one")]
    [InlineData("connectivity: { file: ring.txt, normalize: rows }", "", 10, "runs (fp_tr): a transverse run needs the network's connectivity matrix", "--connectivity")]
    [InlineData("of: fp }", "of: fp2 }", 10, "runs[2] (fp_tr).of: no earlier run named 'fp2'")]
    [InlineData("of: fp }", "of: fp, at: [HB7] }", 10, "runs (fp_tr).at: branch 'fp' has no point 'HB7'", "HB1")]
    [InlineData("of: fp }", "of: fp, at: [hopf] }", 10, "runs[2] (fp_tr).at: 'hopf' is not a point label")]
    [InlineData("of: fp }", "of: fp, parameter: eps }", 10, "runs[2] (fp_tr).parameter: not used by a transverse run")]
    [InlineData("of: lc, at: [EP1] }", "of: fp }", 11, "runs[3] (lc_tr).of: branch 'fp' is already analysed by run 'fp_tr'")]
    [InlineData("stop: { max_steps: 8 } }", "stop: { max_steps: 8 }, of: fp }", 9, "runs[1] (lc).of: only a transverse run takes 'of'")]
    [InlineData("model: NextGenNeuralMass.Homogeneous", "model: NextGenNeuralMass.Node", 10, "model NextGenNeuralMass.Node declares no network coupling")]
    public void BadTransverseInputIsOneCleanErrorWithItsLine(string original, string replacement, int line, params string[] expected)
    {
        WriteRing();
        string text = Case.Replace(original, replacement);
        if (replacement.Contains("Node")) text = text.Replace(", eps: 12.0", "");
        string path = _cli.WriteCase(text);
        var (code, _, stderr) = Run(["run", path, "--out", _cli.PathOf("out"), "--no-plots", "--quiet"]);
        Assert.Equal(ExitCodes.BadInput, code);
        var errors = stderr.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.Single(errors);
        Assert.StartsWith($"error: case.yaml:{line}: ", errors[0]);
        foreach (var e in expected) Assert.Contains(e, errors[0]);
    }

    [Fact]
    public void AMissingConnectivityOptionFileIsBadInput()
    {
        WriteRing();
        var (code, _, stderr) = Run(["run", _cli.WriteCase(Case), "--out", _cli.PathOf("out"), "--no-plots", "--quiet", "--connectivity", _cli.PathOf("nope.npz")]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("error: case.yaml: --connectivity", stderr);
        Assert.Contains("file not found", stderr);
    }
}
