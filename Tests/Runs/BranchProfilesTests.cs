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

    [Fact]
    public void MeasuredAsItGoesABranchOfCyclesKeepsNoOrbitOfItsRegularPointsAndTheSameValues()
    {
        // The same run with a measure (the L2 norm, the maximum of v_e and the period): regular points but the last two
        // lose their orbits and keep what the measure gave, which is what the measure gives on the whole branch's points.
        var full = Networks.Cycles12Far.Value;
        var hb = Networks.Equilibria12.Value.SpecialPoints.First(p => p.Kind == Continuation.Pathfollowing.PointKind.HB);
        static double[] Measure(Continuation.Results.BranchPoint p)
        {
            var profile = p.Profile;
            double max = double.NegativeInfinity;
            for (int i = 1; i < profile.Length; i += 6) max = Math.Max(max, profile[i]);
            return [max, p.Period ?? double.NaN, p.Unknowns.Sum()];
        }
        var measured = Continuation.PeriodicOrbits.PeriodicOrbitContinuation.Run(new Continuation.PeriodicOrbits.PeriodicRun
        {
            Name = "lc1", System = new global::Models.NextGenNeuralMassHomogeneous(), Parameters = hb.Parameters, Parameter = "Iext_e",
            Start = new Continuation.PeriodicOrbits.CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new Continuation.Pathfollowing.ContinuationOptions { Ds = 0.01, DsMin = 1e-5, DsMax = 0.2, MaxSteps = 400 },
            Discretisation = Continuation.PeriodicOrbits.CycleMesh.Uniform(60, 5),
            Bounds = [new Continuation.Pathfollowing.NamedBound("Iext_e", -5, 8.7)],
            Values = [8.6],
            Measure = Measure,
        });
        Assert.Equal(full.Points.Count, measured.Points.Count);
        int compacted = 0;
        for (int i = 0; i < full.Points.Count; i++)
        {
            var (a, b) = (full.Points[i], measured.Points[i]);
            Assert.Equal(a.Kind, b.Kind);
            Assert.Equal(a.State, b.State);
            Assert.Equal(a.Parameters, b.Parameters);
            Assert.Equal(a.Period, b.Period);
            Assert.Equal(a.Analysis.Spectrum, b.Analysis.Spectrum);
            if (b.Measures is { } m)
            {
                compacted++;
                Assert.False(b.IsSpecial);
                Assert.Empty(b.Unknowns);
                Assert.Null(b.Cycle);
                Assert.Equal(Measure(a), m);
            }
            else Assert.Equal(a.Unknowns, b.Unknowns);
        }
        Assert.True(compacted >= full.Points.Count - full.SpecialPoints.Count() - 2, $"{compacted} of {full.Points.Count} points compacted");
    }
}
