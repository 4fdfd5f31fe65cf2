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

    /// <summary>Lines: 1 name, 2 model, 3 connectivity, 4 parameters, 5 runs, 6 map.</summary>
    const string MapCase = """
        name: map
        model: NextGenNeuralMass.Homogeneous
        connectivity: { file: ring.txt, normalize: rows }
        parameters: { eps: 12.0 }
        runs:
          - { name: map, kind: transverse-map, grid: { Iext_e: [1, 9, 4], eps: [11, 13, 2] } }
        """;

    [Fact]
    public void AMapRunWritesOneRowPerCellAndASummaryEntry()
    {
        WriteRing();
        string output = _cli.PathOf("out");
        var (code, _, stderr) = Run(["run", _cli.WriteCase(MapCase), "--out", output, "--no-plots"]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("[map] transverse map: 3 x 2 = 6 cells", stderr);
        var rows = Csv(Path.Combine(output, "transverse", "map.csv"));
        Assert.Equal("Iext_e,eps,state,max_growth,argmax_lambda,n_unstable,period,argmax_lambda_im,found,cause", rows[0]);
        Assert.Equal(7, rows.Length);
        var cells = rows.Skip(1).Select(r => r.Split(',')).ToList();
        Assert.Equal(["1", "5", "9", "1", "5", "9"], cells.Select(c => c[0]));
        Assert.Equal(["11", "11", "11", "13", "13", "13"], cells.Select(c => c[1]));
        // At I_ext^E = 1 the resting state, at 9 the gamma rhythm (ε = 11 and 13 alike).
        Assert.All(cells.Where(c => c[0] == "1"), c => Assert.Equal("equilibrium", c[2]));
        Assert.All(cells.Where(c => c[0] == "9"), c => Assert.Equal("cycle", c[2]));
        Assert.All(cells.Where(c => c[2] == "cycle"), c => Assert.True(double.Parse(c[6], CultureInfo.InvariantCulture) > 5));
        Assert.All(cells.Where(c => c[2] == "equilibrium"), c => Assert.Equal("", c[6]));

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        var map = doc.RootElement.GetProperty("transverse").EnumerateArray().Single();
        Assert.Equal("transverse-map", map.GetProperty("kind").GetString());
        Assert.Equal(6, map.GetProperty("cells").GetInt32());
        Assert.Equal(2, map.GetProperty("lines").GetInt32());
        Assert.Equal([1.0, 9, 4], map.GetProperty("Iext_e").EnumerateArray().Select(v => v.GetDouble()));
        Assert.True(map.GetProperty("ms_per_cell").GetDouble() > 0);
        Assert.Equal("transverse/map.csv", map.GetProperty("file").GetString());
    }

    [Theory]
    [InlineData("grid: { Iext_e: [1, 9, 4], eps: [11, 13, 2] }", "grid: { Iext_e: [1, 9, 4] }", "runs[0] (map).grid: expected two parameters")]
    [InlineData("grid: { Iext_e: [1, 9, 4], eps: [11, 13, 2] }", "grid: { Iext_e: [1, 9, 0], eps: [11, 13, 2] }", "runs[0] (map).grid.Iext_e: the step must be positive")]
    [InlineData("grid: { Iext_e: [1, 9, 4], eps: [11, 13, 2] }", "grid: { Iext_e: [9, 1, 4], eps: [11, 13, 2] }", "runs[0] (map).grid.Iext_e: expected from <= to")]
    [InlineData("grid: { Iext_e: [1, 9, 4], eps: [11, 13, 2] }", "grid: { Iext_e: [1, 9], eps: [11, 13, 2] }", "runs[0] (map).grid.Iext_e: expected [from, to, step]")]
    [InlineData("grid: { Iext_e: [1, 9, 4], eps: [11, 13, 2] }", "grid: { Iext: [1, 9, 4], eps: [11, 13, 2] }", "runs[0] (map).grid: unknown parameter 'Iext'")]
    [InlineData("grid: { Iext_e: [1, 9, 4], eps: [11, 13, 2] } }", "grid: { Iext_e: [1, 9, 4], eps: [11, 13, 2] }, of: fp }", "runs[0] (map).of: not used by a transverse-map run")]
    [InlineData("grid: { Iext_e: [1, 9, 4], eps: [11, 13, 2] } }", "grid: { Iext_e: [1, 9, 4], eps: [11, 13, 2] }, numerics: { ds: 0.1 } }", "runs[0] (map).numerics.ds: a transverse-map takes ntst, ncol and adapt")]
    [InlineData("kind: transverse-map, grid: { Iext_e: [1, 9, 4], eps: [11, 13, 2] }", "kind: equilibrium, parameter: Iext_e, grid: { Iext_e: [1, 9, 4], eps: [11, 13, 2] }", "runs[0] (map).grid: only a transverse-map run takes 'grid' (this run is equilibrium)")]
    public void BadMapInputIsOneCleanErrorWithItsLine(string original, string replacement, string expected)
    {
        WriteRing();
        string text = MapCase.Replace(original, replacement);
        var (code, _, stderr) = Run(["run", _cli.WriteCase(text), "--out", _cli.PathOf("out"), "--no-plots", "--quiet"]);
        Assert.Equal(ExitCodes.BadInput, code);
        var errors = stderr.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.Single(errors);
        Assert.StartsWith("error: case.yaml:6: ", errors[0]);
        Assert.Contains(expected, errors[0]);
        Assert.False(File.Exists(_cli.PathOf("out", "transverse", "map.csv")));
    }
}
