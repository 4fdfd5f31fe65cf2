using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Runs;
using Models;

namespace Tests.Runs;

/// <summary>
/// The size of a cycle discretisation lives in one object, <see cref="CycleMesh"/>: a run given one
/// continues on it, a run from a cycle given none keeps the cycle's (its adapted mesh unchanged), a
/// run from a Hopf point given none takes <see cref="CycleMesh.Default"/>.
/// </summary>
public sealed class DiscretisationOfRunsTests
{
    static Branch Equilibria() => Continue.Equilibria(new Brusselator(), new Brusselator().DefaultParameters(), "B", [1.0, 1.5],
        new RunSettings { Name = "fp", Bounds = [new("B", 1, 3)] });

    static RunSettings Cycles(string name, CycleMesh? size) => new()
    {
        Name = name, Discretisation = size, Bounds = [new("B", 1, 2.6)],
        Options = new ContinuationOptions { DsMax = 0.05, MaxSteps = 40 },
    };

    [Fact]
    public void ACycleRunContinuesOnTheSizeItIsGivenOrTheDefault()
    {
        var fp = Equilibria();
        var given = Continue.From(fp, "HB1", BranchKind.Periodic, "B", Cycles("given", CycleMesh.Uniform(30, 3)));
        var unsaid = Continue.From(fp, "HB1", BranchKind.Periodic, "B", Cycles("default", null));
        Assert.All(given.Points.Skip(1), pt => Assert.True(pt.Cycle!.Intervals == 30 && pt.Cycle.Degree == 3));
        Assert.All(unsaid.Points.Skip(1), pt => Assert.True(pt.Cycle!.SameSize(CycleMesh.Default)));
        // The two discretisations give the same cycles (their periods agree to discretisation accuracy).
        var a = given.Points[^1];
        var b = Continue.From(given, "EP1", BranchKind.Periodic, "B", Cycles("again", CycleMesh.Default) with { Bounds = [new("B", 1, a.Parameters[Brusselator.B] + 1e-9)] });
        Assert.True(b.Points[0].Cycle!.SameSize(CycleMesh.Default));
        Assert.Equal(a.Period!.Value, b.Points[0].Period!.Value, 1e-5);
    }

    [Fact]
    public void ARunFromACycleGivenNoSizeKeepsTheCyclesMesh()
    {
        var lc = Continue.From(Equilibria(), "HB1", BranchKind.Periodic, "B", Cycles("lc", CycleMesh.Uniform(24, 4)));
        var end = lc.Find("EP1")!;
        var again = Continue.From(lc, "EP1", BranchKind.Periodic, "B", Cycles("again", null) with { Bounds = [new("B", 1, 3)] });
        // The same (adapted, non-uniform) mesh, not a uniform one of the same size.
        Assert.Equal(end.Cycle!.Mesh, again.Points[0].Cycle!.Mesh);
        Assert.Equal(end.Period!.Value, again.Points[0].Period!.Value, 1e-10);
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(10, 1)]
    [InlineData(10, 8)]
    public void ASizeOutOfRangeIsRefusedWithTheKeyItComesFrom(int ntst, int ncol)
    {
        var e = Assert.Throws<ArgumentException>(() => CycleMesh.Uniform(ntst, ncol));
        Assert.Contains(ntst < 2 ? "ntst" : "ncol", e.Message);
    }
}
