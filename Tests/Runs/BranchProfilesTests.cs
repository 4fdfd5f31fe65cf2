using Tests.Transverse;

namespace Tests.Runs;

/// <summary>A written branch drops the orbits of its regular points and keeps those of its labelled ones.</summary>
public class BranchProfilesTests
{
    [Fact]
    public void RegularPointsLoseTheirOrbitsLabelledPointsKeepThem()
    {
        var branch = Networks.Cycles12Far.Value;
        var light = branch.WithoutRegularProfiles();
        Assert.Equal(branch.Points.Count, light.Points.Count);
        Assert.Equal(branch.SpecialPoints.Select(p => p.Label), light.SpecialPoints.Select(p => p.Label));
        for (int i = 0; i < branch.Points.Count; i++)
        {
            var (a, b) = (branch.Points[i], light.Points[i]);
            Assert.Equal(a.State, b.State);
            Assert.Equal(a.Parameters, b.Parameters);
            Assert.Equal(a.Period, b.Period);
            Assert.Equal(a.Analysis.Spectrum, b.Analysis.Spectrum);
            if (a.IsSpecial) Assert.Same(a, b);
            else { Assert.Empty(b.Unknowns); Assert.Null(b.Cycle); Assert.NotEmpty(a.Unknowns); }
        }
        long before = branch.Points.Sum(p => (long)p.Unknowns.Length + p.Tangent.Length), after = light.Points.Sum(p => (long)p.Unknowns.Length + p.Tangent.Length);
        Assert.True(after * 10 < before, $"{after} of {before} numbers kept");
        var equilibria = Networks.Equilibria12.Value;
        Assert.Same(equilibria, equilibria.WithoutRegularProfiles());
    }

    [Fact]
    public void AFollowedBranchKeepsTheTangentsOfItsLabelledPointsAndOfItsLastPointOnly()
    {
        // Only a labelled point is ever started from; a long branch of cycles keeps no other tangent (half its memory).
        foreach (var branch in new[] { Networks.Cycles12Far.Value, Networks.Equilibria12.Value })
        {
            var n = branch.Points[0].Unknowns.Length;
            for (int i = 0; i < branch.Points.Count; i++)
            {
                var p = branch.Points[i];
                if (p.IsSpecial || i == branch.Points.Count - 1) Assert.Equal(n, p.Tangent.Length);
                else Assert.Empty(p.Tangent);
                Assert.Equal(n, p.Unknowns.Length);
            }
            Assert.NotEmpty(branch.SpecialPoints);
        }
    }
}
