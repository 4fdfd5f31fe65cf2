using System.Numerics;
using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Models;

namespace Tests.PeriodicOrbits;

public class PeriodicOrbitContinuationTests
{
    static BranchPoint HopfOf(Continuation.Systems.OdeSystem system, double[] p, string parameter, double[] state, double max)
    {
        var eq = EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = "fp", System = system, Parameters = p, Parameter = parameter, State = state,
            Stops = new StopConditions { Bounds = [new ComponentBound(system.Dimension, parameter, -10, max)] },
        });
        return Assert.Single(eq.SpecialPoints, s => s.Kind == PointKind.HB);
    }

    [Fact]
    public void StuartLandauCycleHasTheAnalyticAmplitudePeriodAndMultiplier()
    {
        var model = new HopfNormalForm();
        var hb = HopfOf(model, [-1.0, -1.0], "beta", [0, 0], 1);
        var branch = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = model, Parameters = hb.Parameters, Parameter = "beta",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05, MaxSteps = 500 },
            Collocation = new CollocationOptions { Intervals = 20, Points = 4 },
            Bounds = [new NamedBound("beta", -1, 1)],
            Values = [0.25, 0.5, 0.81],
        });
        Assert.False(branch.Failed, string.Join("; ", branch.Ends.Select(e => e.Note)));
        var uz = branch.SpecialPoints.Where(p => p.Kind == PointKind.UZ).ToList();
        Assert.Equal(3, uz.Count);
        foreach (var p in uz)
        {
            double beta = p.Parameters[0];
            var profile = p.Profile;
            double max = 0;
            for (int i = 0; i < p.Cycle!.Nodes; i++) max = Math.Max(max, Math.Sqrt(profile[2 * i] * profile[2 * i] + profile[2 * i + 1] * profile[2 * i + 1]));
            // Radius √β everywhere on the orbit (a circle), period 2π.
            Assert.Equal(Math.Sqrt(beta), max, 1e-6);
            Assert.Equal(2 * Math.PI, p.Period!.Value, 1e-6);
            var mu = p.Analysis.Spectrum;
            int trivial = PeriodicOrbitProblem.TrivialIndex(mu);
            Assert.Equal(1.0, mu[trivial].Real, 1e-6);
            var other = mu[1 - trivial];
            Assert.Equal(Math.Exp(-2 * beta * 2 * Math.PI), other.Real, 1e-6);
            Assert.True(p.Analysis.Stable);
        }
        Assert.Equal(StopReason.Bound, Assert.Single(branch.Ends).Reason);
    }
}
