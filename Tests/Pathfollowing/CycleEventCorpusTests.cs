using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;
using Models;
using static Tests.Pathfollowing.SpecialPointCorpusTests;

namespace Tests.Pathfollowing;

/// <summary>
/// Sharp events on cycle branches with exact oracles, at several largest steps: a fold of cycles
/// between two period doublings closer than one step, and a symmetry-breaking pitchfork of cycles
/// switched onto the other branch.
/// </summary>
public sealed class CycleEventCorpusTests
{
    static readonly CycleMesh Discretisation = CycleMesh.Uniform(20, 4);

    /// <summary>The cycle (x, y) = r(cos 2πt, sin 2πt) of period 2π on a uniform mesh, other states 0, at parameter value <paramref name="at"/>.</summary>
    static CycleStart Circle(OdeSystem model, double r, double at)
    {
        var mesh = Discretisation;
        int n = model.Dimension;
        var x = new double[n * mesh.Nodes + 2];
        for (int i = 0; i < mesh.Nodes; i++)
        {
            double t = 2 * Math.PI * mesh.NodeTime(i);
            x[i * n] = r * Math.Cos(t);
            x[i * n + 1] = r * Math.Sin(t);
        }
        x[^2] = 2 * Math.PI;
        x[^1] = at;
        return new CycleStart.Cycle(mesh, x);
    }

    static Branch Cycles(OdeSystem model, double[] parameters, string parameter, CycleStart start, double min, double max, double dsMax,
        Direction direction = Direction.Forward) => PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = model, Parameters = parameters, Parameter = parameter, Start = start, Direction = direction,
            Options = new ContinuationOptions { Ds = Math.Min(0.01, dsMax), DsMax = dsMax, MaxSteps = 1000 },
            Discretisation = Discretisation, Bounds = [new NamedBound(parameter, min, max)],
        });

    public static TheoryData<double> Steps => new() { 0.05, 0.3, 1.0 };

    [Theory]
    [MemberData(nameof(Steps))]
    public void AFoldOfCyclesBetweenTwoPeriodDoublingsCloserThanAStepIsFoundWithBoth(double dsMax)
    {
        // A planar cycle r' = r(a + 2r² − r⁴), θ' = 1 (a fold of cycles at a = −1, r = 1) times a
        // plane w that turns half a revolution per period with growth λ1 = a − a_pd along one axis and
        // λ2 = −1 along the other, w = R(θ/2) diag(e^{λ1 t}, e^{λ2 t}) v: its multipliers are
        // −e^{2πλ1}, −e^{2πλ2}, a period doubling wherever a = a_pd = −1 + 0.002 — on both sides of the
        // fold, 2·√0.002 ≈ 0.09 apart in r².
        const double apd = -1 + 0.002;
        var model = Model("fold-flip", [("a", 0), ("apd", apd)],
            ("x", "x*(a + 2*(x^2 + y^2) - (x^2 + y^2)^2) - y"),
            ("y", "y*(a + 2*(x^2 + y^2) - (x^2 + y^2)^2) + x"),
            ("w1", "-0.5*w2 + 0.5*(a - apd - 1)*w1 + 0.5*(a - apd + 1)*(x*w1 + y*w2)/sqrt(x^2 + y^2)"),
            ("w2", "0.5*w1 + 0.5*(a - apd - 1)*w2 + 0.5*(a - apd + 1)*(y*w1 - x*w2)/sqrt(x^2 + y^2)"));
        var branch = Cycles(model, [-0.75, apd], "a", Circle(model, Math.Sqrt(1.5), -0.75), -1.5, -0.5, dsMax, Direction.Backward);
        Assert.False(branch.Failed, string.Join("; ", branch.Ends.Select(e => e.Note)));
        AssertAllLocated(branch);
        var kinds = branch.SpecialPoints.Where(p => p.Kind != PointKind.EP).Select(p => p.Kind).ToList();
        Assert.Equal([PointKind.PD, PointKind.LPC, PointKind.PD], kinds);
        var pd = branch.SpecialPoints.Where(p => p.Kind == PointKind.PD).ToList();
        var lpc = branch.SpecialPoints.Single(p => p.Kind == PointKind.LPC);
        Assert.All(pd, p => Assert.Equal(apd, p.Parameters[0], 1e-8));
        Assert.Equal(-1, lpc.Parameters[0], 1e-8);
        // r² = 1 ± √(1 + a) at the period doublings, 1 at the fold.
        Assert.Equal(1 + Math.Sqrt(0.002), pd[0].State[0] * pd[0].State[0] + pd[0].State[1] * pd[0].State[1], 1e-5);
        Assert.Equal(1 - Math.Sqrt(0.002), pd[1].State[0] * pd[1].State[0] + pd[1].State[1] * pd[1].State[1], 1e-5);
        Assert.Equal(1, lpc.State[0] * lpc.State[0] + lpc.State[1] * lpc.State[1], 1e-5);
        // Both multipliers of w are negative: the flip's at −1 at each period doubling.
        Assert.All(pd, p => Assert.Contains(p.Analysis.Spectrum, m => (m + 1).Magnitude < 1e-6));
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void ASymmetryBreakingPitchforkOfCyclesIsSwitchedOntoTheAsymmetricCycles(double dsMax)
    {
        // The unit cycle of (x, y) in the invariant plane z = 0 of z' = (μ − r²)z − z³: its transverse
        // multiplier e^{2π(μ − 1)} passes 1 at μ = 1, where the cycles with z = ±√(μ − 1) branch off.
        var model = Model("pitchfork-of-cycles", [("mu", 0), ("a", 1)],
            ("x", "a*x - y - x*(x^2 + y^2)"),
            ("y", "x + a*y - y*(x^2 + y^2)"),
            ("z", "(mu - x^2 - y^2)*z - z^3"));
        var symmetric = Cycles(model, [0, 1], "mu", Circle(model, 1, 0), -0.5, 2, dsMax);
        AssertAllLocated(symmetric);
        var bpc = Assert.Single(symmetric.SpecialPoints, p => p.Kind == PointKind.BPC);
        Assert.Equal(1, bpc.Parameters[0], 1e-6);

        var asymmetric = Cycles(model, bpc.Parameters, "mu", new CycleStart.BranchPoint(bpc.Cycle!, bpc.Unknowns, bpc.Tangent), -0.5, 2, dsMax, Direction.Both);
        Assert.False(asymmetric.Failed, string.Join("; ", asymmetric.Ends.Select(e => e.Note)));
        AssertAllLocated(asymmetric);
        int n = model.Dimension;
        foreach (var p in asymmetric.Points)
        {
            double mu = p.Parameters[0];
            var profile = p.Profile;
            for (int i = 0; i < profile.Length / n; i++) Assert.Equal(Math.Max(mu - 1, 0), profile[i * n + 2] * profile[i * n + 2], 1e-6);
        }
        // Both halves, z > 0 and z < 0, reach the bound μ = 2, where z² = 1.
        Assert.Equal(2, asymmetric.Points.Count(p => p.Kind == PointKind.EP && Math.Abs(p.Parameters[0] - 2) < 1e-12));
        Assert.Contains(asymmetric.Points, p => p.State[2] > 0.9);
        Assert.Contains(asymmetric.Points, p => p.State[2] < -0.9);
    }
}
