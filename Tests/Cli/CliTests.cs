using System.Text.Json;
using Continuation.Cli;
using Models;
using static Tests.Cli.CliHarness;

namespace Tests.Cli;

/// <summary>The <c>cont</c> commands on good input: validate, run (the output contract), models, interruption.</summary>
public sealed class CliTests : IDisposable
{
    readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void ValidateAcceptsTheBundledCase()
    {
        string path = RepositoryPaths.Case("homogeneous-iext-eps0.yaml");
        Assert.True(File.Exists(path), path);
        var (code, stdout, stderr) = Run(["validate", path]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("ok: case homogeneous-iext-eps0, model NextGenNeuralMass.Homogeneous, 2 run(s): fp (equilibrium in Iext_e), lc1 (periodic in Iext_e)", stdout);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void RunWritesBranchesSpecialPointsAndACompleteSummary()
    {
        string output = _cli.PathOf("out");
        var (code, stdout, stderr) = Run(["run", _cli.WriteCase(FoldCaseWithSecondRunFrom("fp.LP1")), "--out", output]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Equal("", stdout);
        Assert.DoesNotContain("error", stderr);
        Assert.Contains("[fp]", stderr);
        Assert.Contains("output: " + Path.GetFullPath(output), stderr);

        foreach (var name in new[] { "fp", "b" })
        {
            var lines = File.ReadAllLines(Path.Combine(output, "branches", name + ".csv"));
            Assert.Equal("index,type,stable,n_unstable,mu,period,x,l2norm", lines[0]);
            Assert.True(lines.Length > 10, $"{name}: {lines.Length - 1} points");
        }

        var special = File.ReadAllLines(Path.Combine(output, "special_points.csv"));
        Assert.Equal("branch,index,label,type,mu,period,omega,l1,x,located,residual,note", special[0]);
        var fold = special.Single(l => l.StartsWith("fp,", StringComparison.Ordinal) && l.Split(',')[3] == "LP");
        Assert.Equal("LP1", fold.Split(',')[2]);
        Assert.Equal(0.0, double.Parse(fold.Split(',')[4], System.Globalization.CultureInfo.InvariantCulture), 1e-8);
        Assert.Equal("true", fold.Split(',')[9]);
        Assert.True(double.Parse(fold.Split(',')[10], System.Globalization.CultureInfo.InvariantCulture) < 1e-6);
        Assert.Contains(special, l => l.StartsWith("b,", StringComparison.Ordinal));

        string summary = File.ReadAllText(Path.Combine(output, "summary.json"));
        Assert.Matches("\"complete\": true\\s*}\\s*$", summary);
        using var json = JsonDocument.Parse(summary);
        Assert.Equal("fold", json.RootElement.GetProperty("case").GetString());
        Assert.Equal(["fp", "b"], json.RootElement.GetProperty("branches").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        Assert.False(json.RootElement.TryGetProperty("stopped", out _));
        Assert.False(File.Exists(Path.Combine(output, "summary.json.tmp")));
    }

    [Fact]
    public void RunReplacesAStaleSummary()
    {
        string output = _cli.PathOf("out");
        Directory.CreateDirectory(output);
        string stale = Path.Combine(output, "summary.json");
        File.WriteAllText(stale, "{ \"case\": \"stale\", \"complete\": false }\n");

        var (code, _, stderr) = Run(["run", _cli.WriteCase(FoldCase), "--out", output, "--quiet"]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Equal("", stderr);
        string summary = File.ReadAllText(stale);
        Assert.DoesNotContain("stale", summary);
        Assert.Matches("\"complete\": true\\s*}\\s*$", summary);
    }

    [Fact]
    public void ModelsListsTheNeuralMassModelWithItsParameters()
    {
        var (code, stdout, stderr) = Run(["models"]);
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal("", stderr);
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int at = lines.FindIndex(l => l.StartsWith("NextGenNeuralMass.Homogeneous: ", StringComparison.Ordinal));
        Assert.True(at >= 0, stdout);
        string parameters = lines.Skip(at + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal))
            .Single(l => l.StartsWith("  parameters: ", StringComparison.Ordinal));
        Assert.True(ModelCatalog.TryGet("NextGenNeuralMass.Homogeneous", out var model));
        Assert.NotEmpty(model!.Parameters);
        foreach (var p in model.Parameters) Assert.Contains($" {p.Name} = ", parameters);
        Assert.Contains(" Iext_e = ", parameters);
        Assert.Contains(" eps = ", parameters);
        foreach (var m in ModelCatalog.All) Assert.Contains(m.Name + ": ", stdout);
    }

    [Theory]
    [InlineData("backward")]
    [InlineData("forward")] // (the forward half alone, cancelled before it starts: once a crash)
    [InlineData("both")]
    public void AnInterruptedRunExits130WithAnIncompleteSummary(string direction)
    {
        string output = _cli.PathOf("out");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var (code, _, stderr) = Run(["run", _cli.WriteCase(FoldCase.Replace("direction: backward", $"direction: {direction}")), "--out", output, "--quiet"], cancelled.Token);
        Assert.True(code == ExitCodes.Cancelled, $"exit code {code}; stderr:\n{stderr}");
        Assert.Contains("interrupted", stderr);
        Assert.DoesNotContain("Exception", stderr);

        string summary = File.ReadAllText(Path.Combine(output, "summary.json"));
        Assert.Matches("\"complete\": false\\s*}\\s*$", summary);
        using var json = JsonDocument.Parse(summary);
        Assert.Equal("interrupted", json.RootElement.GetProperty("stopped").GetString());
        Assert.StartsWith("branch,index,label,type,", File.ReadAllText(Path.Combine(output, "special_points.csv")));
    }

    [Fact]
    public void HelpGoesToStdout()
    {
        var (code, stdout, _) = Run(["--help"]);
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("usage:", stdout);
        Assert.Equal(ExitCodes.BadInput, Run([]).Code);
    }
}

/// <summary>A fresh temporary directory for case files and output, and a way to call <c>cont</c> in-process.</summary>
public sealed class CliHarness : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "cont-cli-" + Guid.NewGuid().ToString("N"));

    public CliHarness() => System.IO.Directory.CreateDirectory(Directory);

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="name"/> in the temporary directory and returns its path.</summary>
    public string WriteCase(string text, string name = "case.yaml")
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return path;
    }

    public string PathOf(params string[] parts) => Path.Combine([Directory, .. parts]);

    /// <summary>Exit code 2 and exactly one <c>error:</c> line on stderr containing each of <paramref name="expected"/>; no stack trace.</summary>
    public static void AssertOneCleanError(int code, string stderr, params string[] expected)
    {
        Assert.True(code == ExitCodes.BadInput, $"exit code {code}, expected 2; stderr:\n{stderr}");
        Assert.DoesNotContain("   at ", stderr);
        Assert.DoesNotContain("Exception", stderr);
        var errors = stderr.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, $"expected one error line, got {errors.Count}:\n{stderr}");
        foreach (var e in expected) Assert.Contains(e, errors[0]);
    }

    public static (int Code, string Stdout, string Stderr) Run(string[] args, CancellationToken cancellation = default)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr, cancellation);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// A tiny case on the fold normal form x' = μ − x²: from (x, μ) = (1, 1) backward through the fold
    /// at μ = 0 and up the lower branch to μ = 2. Lines: 1 name, 2 model, 3 parameters, 4 start,
    /// 5 numerics, 6 runs, 7–11 the run fp (7 name, 8 kind, 9 parameter, 10 direction, 11 stop).
    /// </summary>
    public const string FoldCase = """
        name: fold
        model: NormalForm.Fold
        parameters: { mu: 1 }
        start: { state: [1] }
        numerics: { ds: 0.05, ds_max: 0.1, max_steps: 200 }
        runs:
          - name: fp
            kind: equilibrium
            parameter: mu
            direction: backward
            stop: { mu: [-1, 2] }
        """;

    /// <summary>A second run appended to <see cref="FoldCase"/> (lines 12–15; <c>from:</c> on line 15).</summary>
    public static string FoldCaseWithSecondRunFrom(string from) => FoldCase + $$"""

          - name: b
            kind: equilibrium
            parameter: mu
            from: {{from}}
            stop: { mu: [-1, 2] }
        """;

    /// <summary><paramref name="text"/> with the single occurrence of <paramref name="old"/> replaced.</summary>
    public static string ReplaceOnce(string text, string old, string replacement)
    {
        int i = text.IndexOf(old, StringComparison.Ordinal);
        Assert.True(i >= 0, $"'{old}' is not in the case text");
        Assert.True(text.IndexOf(old, i + 1, StringComparison.Ordinal) < 0, $"'{old}' occurs more than once in the case text");
        return text[..i] + replacement + text[(i + old.Length)..];
    }
}
