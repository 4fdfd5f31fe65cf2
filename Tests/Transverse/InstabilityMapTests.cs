using Continuation.PeriodicOrbits;
using Continuation.Transverse;
using Models;
using Xunit.Abstractions;

namespace Tests.Transverse;

/// <summary>
/// The instability map against the branch-wise transverse analysis: the same states and growth rates
/// where the map's sweep and a continued branch meet, a single-cell grid, and independence of the
/// number of threads.
/// </summary>
public class InstabilityMapTests(ITestOutputHelper output)
{
    static readonly NextGenNeuralMassHomogeneous Model = new();

    static TransverseStability Analysis(int nodes = 10) =>
        new(Model, ConnectivitySpectrum.Compute(Networks.RandomSymmetric(nodes, seed: 3)));

    [Fact]
    public void SingleCellAtARestingStateMatchesTheEquilibriumAnalysis()
    {
        var analysis = Analysis();
        var p = Networks.Parameters(12, 2);
        var map = InstabilityMap.Compute(analysis, p, new MapAxis("Iext_e", 2, 2, 1), new MapAxis("eps", 12, 12, 1));
        var cell = Assert.Single(map.Cells);
        Assert.Equal(MapState.Equilibrium, cell.State);
        Assert.Equal("integrated", cell.Found);
        var reference = analysis.AnalyzeEquilibrium(Networks.Equilibria12.Value.Find("UZ1")!); // Iext_e = 2 on the ε = 12 branch
        Assert.Equal(reference.MaxGrowth, cell.MaxGrowth, 1e-8);
        Assert.Equal(reference.ArgmaxLambda.Real, cell.ArgmaxLambda.Real, 1e-12);
        Assert.Equal(reference.UnstableModes, cell.UnstableModes);
        Assert.Null(cell.Period);
    }

    [Fact]
    public void CycleCellsAgreeWithTheContinuedBranch()
    {
        // The ε = 12 gamma cycle at I_ext^E = 8.6 (UZ1 of the continued branch, NTST 60, NCOL 5),
        // reached by the map's sweep from the zero state at 8.0.
        var analysis = Analysis();
        var point = Networks.Cycles12Far.Value.Find("UZ1")!;
        var reference = analysis.AnalyzeCycle(point, NextGenNeuralMassHomogeneous.IextE);
        var options = new MapOptions { Discretisation = CycleMesh.Uniform(60, 5), Collocation = new CollocationOptions { AdaptEvery = 3 } };
        var map = InstabilityMap.Compute(analysis, Networks.Parameters(12, 8), new MapAxis("Iext_e", 8.0, 8.6, 0.1), new MapAxis("eps", 12, 12, 1), options);
        foreach (var c in map.Cells)
            output.WriteLine($"Iext_e = {c.X:F2}: {c.State} ({c.Found}) T = {c.Period:F6} max growth {c.MaxGrowth:G8} at Λ = {c.ArgmaxLambda.Real:F4}, {c.UnstableModes} unstable {c.Note}");
        Assert.All(map.Cells, c => Assert.Equal(MapState.Cycle, c.State));
        Assert.Equal("integrated", map.Cells[0].Found);
        Assert.All(map.Cells.Skip(1), c => Assert.Equal("continued", c.Found));
        var last = map.Cells[^1];
        Assert.Equal(8.6, last.X, 12);
        Assert.Equal(point.Period!.Value, last.Period!.Value, 1e-5);
        Assert.Equal(reference.MaxGrowth, last.MaxGrowth, 1e-5);
        Assert.Equal(reference.ArgmaxLambda.Real, last.ArgmaxLambda.Real, 1e-12);
        Assert.Equal(reference.UnstableModes, last.UnstableModes);
    }

    [Fact]
    public void TheMapDoesNotDependOnTheNumberOfThreads()
    {
        var analysis = Analysis(6);
        var x = new MapAxis("Iext_e", 1, 9, 2);
        var y = new MapAxis("eps", 10, 14, 2);
        var one = InstabilityMap.Compute(analysis, Networks.Parameters(12, 0), x, y, new MapOptions { MaxDegreeOfParallelism = 1 });
        var two = InstabilityMap.Compute(analysis, Networks.Parameters(12, 0), x, y, new MapOptions { MaxDegreeOfParallelism = 2 });
        Assert.Equal(15, one.Cells.Count);
        for (int i = 0; i < one.Cells.Count; i++)
        {
            Assert.Equal(one.Cells[i].State, two.Cells[i].State);
            Assert.Equal(one.Cells[i].MaxGrowth, two.Cells[i].MaxGrowth, 1e-12);
        }
        // Rows are lines of constant ε, cells in increasing I_ext^E.
        Assert.Equal(14, one.At(0, 2).Y);
        Assert.Equal(3, one.At(1, 2).X);
        Assert.Contains(one.Cells, c => c.State == MapState.Equilibrium);
        Assert.Contains(one.Cells, c => c.State == MapState.Cycle);
    }

    [Fact]
    public void AxesIncludeBothEnds()
    {
        Assert.Equal(321, new MapAxis("Iext_e", 0, 16, 0.05).Count);
        Assert.Equal(601, new MapAxis("eps", 0, 30, 0.05).Count);
        Assert.Equal(1, new MapAxis("eps", 2, 2, 1).Count);
        Assert.Equal(3, new MapAxis("eps", 0, 1.05, 0.5).Count);
        Assert.Throws<ArgumentException>(() => new MapAxis("eps", 1, 0, 0.1).Validate());
        Assert.Throws<ArgumentException>(() => new MapAxis("eps", 0, 1, 0).Validate());
    }
}
