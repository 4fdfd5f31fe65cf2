using Continuation.Cli;
using static Tests.Cli.CliHarness;

namespace Tests.Cli;

/// <summary>The transverse map shared out by lines (<c>--shard i/n</c>) and merged back to the same bytes.</summary>
public sealed class ShardedMapTests : IDisposable
{
    readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    string Case() => $$"""
        name: map
        model: NextGenNeuralMass.Homogeneous
        connectivity: {{Path.Combine(RepositoryPaths.Shared, "data", "NormalizedMatrix.npz").Replace('\\', '/')}}
        parameters: { eps: 12.0, Iext_e: -5 }
        start: { integrate: { t_end: 2000 } }
        runs:
          - { name: fp, kind: equilibrium, parameter: Iext_e, stop: { Iext_e: [-5, 0] } }
          - { name: map, kind: transverse-map, grid: { Iext_e: [0, 12, 3], eps: [8, 14, 2] } }
        """;

    [Fact]
    public async Task AMapInThreeShardsMergesToTheBytesOfTheWholeMapAndResumesByLines()
    {
        string casePath = _cli.WriteCase(Case());
        string whole = _cli.PathOf("whole"), sharded = _cli.PathOf("sharded");
        var (code, _, stderr) = Run(["run", casePath, "--out", whole, "--no-plots", "--quiet"]);
        Assert.True(code == ExitCodes.Success, stderr);
        // Three processes at once into the same directory, as a job array runs them.
        var shards = Enumerable.Range(1, 3).Select(i => Task.Run(() => LyapunovCliTests.RunProcess("run", casePath, "--out", sharded, "--shard", $"{i}/3"))).ToList();
        foreach (var (c, e) in await Task.WhenAll(shards))
        {
            Assert.True(c == ExitCodes.Success, e);
            Assert.Contains("[fp] skipped", e);
        }
        // Shard 2 loses its second line (killed while writing it): merge refuses, a rerun recomputes that line only.
        string cells = Path.Combine(sharded, "shards", "2-of-3", "cells", "map.csv");
        var lines = File.ReadAllLines(cells);
        Assert.Equal(5, lines.Length); // line 1 of the map (eps = 10): five cells
        File.WriteAllText(cells, string.Join("\n", lines.Take(3)) + "\n" + lines[3][..5]);
        var (incomplete, _, missing) = Run(["merge", sharded]);
        Assert.Equal(ExitCodes.BranchFailed, incomplete);
        Assert.Contains("transverse/map.csv: shard 2 of 3: 3 of 5 cells done", missing);
        var (again, _, log) = Run(["run", casePath, "--out", sharded, "--shard", "2/3"]);
        Assert.True(again == ExitCodes.Success, log);
        Assert.Contains("1 of 4 lines, 0 already done", log);
        var (merged, output, err) = Run(["merge", sharded]);
        Assert.True(merged == ExitCodes.Success, err);
        Assert.Contains("transverse", output);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "transverse", "map.csv")), File.ReadAllBytes(Path.Combine(sharded, "transverse", "map.csv")));
    }
}
