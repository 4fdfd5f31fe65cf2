using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Continuation.Cli;
using static Tests.Cli.CliHarness;

namespace Tests.Cli;

/// <summary><c>lyapunov</c> and <c>lyapunov-scan</c> runs, sharding (<c>--shard i/n</c>, <c>cont merge</c>) and resuming.</summary>
public sealed class LyapunovCliTests : IDisposable
{
    readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>Lines: 1 name, 2 model, 3 start, 4 runs, 5 ly, 6 scan.</summary>
    const string Case = """
        name: lorenz
        model: Lorenz
        start: { state: [1, 1, 20] }
        runs:
          - { name: ly, kind: lyapunov, t_end: 600, transient: 100, reorthonormalise_every: 1, rtol: 1.0e-9, atol: 1.0e-9 }
          - { name: scan, kind: lyapunov-scan, grid: { rho: [20, 30, 2], sigma: [9, 10, 1] }, start: { state: [1, 1, 20], integrate: { t_end: 50 } }, t_end: 200, transient: 50, rtol: 1.0e-8, atol: 1.0e-8 }
        """;

    static string[] Lines(string path) => File.ReadAllLines(path);

    [Fact]
    public void ARunWritesTheExponentsTheirConvergenceAndTheScanItsTable()
    {
        string output = _cli.PathOf("out");
        var (code, _, stderr) = Run(["run", _cli.WriteCase(Case), "--out", output, "--no-plots"]);
        Assert.True(code == ExitCodes.Success, stderr);
        var ly = Lines(Path.Combine(output, "lyapunov", "ly.csv"));
        Assert.Equal("index,exponent,spread", ly[0]);
        var exponents = ly.Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(0.9056, exponents[0], 0.03);
        Assert.Equal(-(10 + 1 + 8.0 / 3), exponents.Sum(), 1e-5);
        Assert.Equal(501, Lines(Path.Combine(output, "lyapunov", "ly-running.csv")).Length); // header + one row per unit of time averaged
        var scan = Lines(Path.Combine(output, "lyapunov", "scan.csv"));
        Assert.Equal("rho,sigma,lambda_1,lambda_2,lambda_3,dimension,spread", scan[0]);
        Assert.Equal(13, scan.Length); // 6 × 2 cells, rho inner
        Assert.StartsWith("20,9,", scan[1]);
        Assert.StartsWith("22,9,", scan[2]);
        Assert.StartsWith("30,10,", scan[12]);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        var entries = doc.RootElement.GetProperty("lyapunov").EnumerateArray().ToList();
        Assert.Equal(3, entries[0].GetProperty("exponents").GetArrayLength());
        Assert.InRange(entries[0].GetProperty("kaplan_yorke").GetDouble(), 2.0, 2.1);
        Assert.Equal(12, entries[1].GetProperty("cells").GetInt32());
    }

    internal static (int Code, string Stderr) RunProcess(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        string stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stderr);
    }

    [Fact]
    public async Task TwoShardsInTwoProcessesMergeToTheBytesOfTheWholeScan()
    {
        string casePath = _cli.WriteCase(Case);
        string whole = _cli.PathOf("whole"), sharded = _cli.PathOf("sharded");
        var (code, _, stderr) = Run(["run", casePath, "--out", whole, "--no-plots", "--quiet"]);
        Assert.True(code == ExitCodes.Success, stderr);
        var first = Task.Run(() => RunProcess("run", casePath, "--out", sharded, "--shard", "1/2", "--quiet"));
        var second = Task.Run(() => RunProcess("run", casePath, "--out", sharded, "--shard", "2/2", "--quiet"));
        var (code1, err1) = await first;
        var (code2, err2) = await second;
        Assert.True(code1 == 0, err1);
        Assert.True(code2 == 0, err2);
        Assert.False(File.Exists(Path.Combine(sharded, "shards", "1-of-2", "lyapunov", "ly.csv"))); // only the scan is sharded
        var (mergeCode, mergeOut, mergeErr) = Run(["merge", sharded]);
        Assert.True(mergeCode == ExitCodes.Success, mergeErr);
        Assert.Contains("merged", mergeOut);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "lyapunov", "scan.csv")), File.ReadAllBytes(Path.Combine(sharded, "lyapunov", "scan.csv")));
    }

    [Fact]
    public void AShardCutShortResumesAndMergesToTheSameBytes()
    {
        string casePath = _cli.WriteCase(Case);
        string whole = _cli.PathOf("whole"), sharded = _cli.PathOf("sharded");
        Assert.Equal(ExitCodes.Success, Run(["run", casePath, "--out", whole, "--no-plots", "--quiet"]).Code);
        Assert.Equal(ExitCodes.Success, Run(["run", casePath, "--out", sharded, "--shard", "1/3", "--quiet"]).Code);
        Assert.Equal(ExitCodes.Success, Run(["run", casePath, "--out", sharded, "--shard", "2/3", "--quiet"]).Code);
        // Shard 3 "killed": two finished cells and half of a third line on disk, not marked complete.
        Assert.Equal(ExitCodes.Success, Run(["run", casePath, "--out", sharded, "--shard", "3/3", "--quiet"]).Code);
        string cells = Path.Combine(sharded, "shards", "3-of-3", "cells", "scan.csv");
        var lines = File.ReadAllLines(cells);
        Assert.Equal(4, lines.Length);
        File.WriteAllText(cells, lines[0] + "\n" + lines[1] + "\n" + lines[2][..10]);
        var (incomplete, _, missing) = Run(["merge", sharded]);
        Assert.Equal(ExitCodes.BranchFailed, incomplete);
        Assert.Contains("shard 3 of 3: 2 of 4 cells done", missing);
        Assert.False(File.Exists(Path.Combine(sharded, "lyapunov", "scan.csv")));
        var (code, _, stderr) = Run(["run", casePath, "--out", sharded, "--shard", "3/3"]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("4 cells, 2 already done", stderr);
        Assert.Equal(ExitCodes.Success, Run(["merge", sharded]).Code);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "lyapunov", "scan.csv")), File.ReadAllBytes(Path.Combine(sharded, "lyapunov", "scan.csv")));
    }

    [Theory]
    [InlineData("  - { name: x, kind: lyapunov, t_end: 100, transient: 100 }", "transient: expected 0 <= transient < t_end")]
    [InlineData("  - { name: x, kind: lyapunov, t_end: 100, network: true }", "declares no network coupling")]
    [InlineData("  - { name: x, kind: lyapunov, t_end: 100, reorthonormalise_every: 200 }", "longer than the averaging")]
    [InlineData("  - { name: x, kind: lyapunov-scan, t_end: 100, grid: { rho: [30, 20, 1] } }", "expected from <= to")]
    [InlineData("  - { name: x, kind: lyapunov-scan, t_end: 100, grid: { rho: [20, 30, 1] }, random: { sigma: 0.1 } }", "a perturbation needs network: true")]
    [InlineData("  - { name: x, kind: lyapunov, exponents: 0, t_end: 10 }", "exponents: must be at least 1")]
    public void BadLyapunovRunsAreRefusedWithFileLineAndKey(string run, string message)
    {
        string single = string.Join("\n", Case.Split('\n').Take(5)) + "\n" + run; // the case without its scan: the run is line 6
        var (code, _, stderr) = Run(["validate", _cli.WriteCase(single)]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(":6:", stderr);
        Assert.Contains(message, stderr);
    }

    [Theory]
    [InlineData("0/2")]
    [InlineData("3/2")]
    [InlineData("1-2")]
    public void ABadShardIsAUsageError(string shard)
    {
        var (code, _, stderr) = Run(["run", _cli.WriteCase(Case), "--out", _cli.PathOf("o"), "--shard", shard]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--shard: expected i/n", stderr);
    }
}
