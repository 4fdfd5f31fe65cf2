using Continuation.Codim2;
using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;
using Models;
using Models.Equations;

namespace Tests.Pathfollowing;

/// <summary>
/// Sharp events with exact oracles, each at several largest steps: a result that depends on ds_max
/// is a bug. Every special point must be where its defining condition holds (located, with its
/// residual below the tolerance it states), and none may be missed or invented.
/// </summary>
public sealed class SpecialPointCorpusTests
{
    internal static OdeSystem Model(string name, (string Name, double Value)[] parameters, params (string State, string Rhs)[] equations)
        => EquationSystem.Create(new EquationModelDefinition
        {
            Name = name,
            Parameters = parameters.Select(p => new global::Models.Equations.NamedValue(p.Name, p.Value)).ToList(),
            Equations = equations.Select(e => new NamedText(e.State, e.Rhs)).ToList(),
        });

    internal static Branch Equilibria(OdeSystem model, string parameter, double[] state, double min, double max, double dsMax,
        Direction direction = Direction.Forward, double[]? parameters = null, double[]? branchTangent = null, int maxSteps = 2000)
    {
        var p = parameters ?? model.DefaultParameters();
        return EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = "fp", System = model, Parameters = p, Parameter = parameter, State = state, Direction = direction,
            BranchTangent = branchTangent,
            Options = new ContinuationOptions { Ds = Math.Min(0.01, dsMax), DsMax = dsMax, MaxSteps = maxSteps },
            Bounds = [new NamedBound(parameter, min, max)],
        });
    }

    /// <summary>Every special point located, its residual within the tolerance it was held to.</summary>
    internal static void AssertAllLocated(Branch branch)
    {
        foreach (var p in branch.SpecialPoints)
        {
            Assert.True(p.Details?.Located ?? true, $"{branch.Name}.{p.Label} at {p.Parameters[0]:R}: {p.Note}");
            if (p.Details?.Residual is { } r)
                Assert.True(r <= p.Details.Tolerance, $"{branch.Name}.{p.Label}: residual {r:G3} above its tolerance {p.Details.Tolerance:G3}");
        }
    }

    public static TheoryData<double> Steps => new() { 0.02, 0.1, 0.5, 1.0 };

    [Theory]
    [MemberData(nameof(Steps))]
    public void AFoldOfHighCurvatureIsLocatedOnTheFold(double dsMax)
    {
        // x' = μ − x²/c, y' = x − y: the fold at μ = 0 has curvature 2/c = 2000 in the (x, μ) plane.
        var model = Model("sharp-fold", [("mu", 1), ("c", 1e-3)], ("x", "mu - x^2/c"), ("y", "x - y"));
        double x0 = -Math.Sqrt(1e-3);
        var branch = Equilibria(model, "mu", [x0, x0], -1, 2, dsMax, Direction.Backward);
        AssertAllLocated(branch);
        var lp = Assert.Single(branch.SpecialPoints, p => p.Kind == PointKind.LP);
        Assert.Equal(0, lp.Parameters[0], 1e-12);
        Assert.Equal(0, lp.State[0], 1e-7);
        // The fold is the branch's turning point: no point of the branch lies below it.
        Assert.All(branch.Points, p => Assert.True(p.Parameters[0] >= lp.Parameters[0] - 1e-12));
        Assert.Equal(2.0, branch.Points[^1].Parameters[0], 12);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void TwoFoldsWithinOneStepAreBothFound(double dsMax)
    {
        // x' = μ + a x − x³ with a = 0.003: an S whose folds, at x = ±√(a/3), μ = ∓(2a/3)√(a/3), are
        // 0.063 apart in x (much less than the largest steps).
        const double a = 0.003;
        var model = Model("s-curve", [("mu", -1), ("a", a)], ("x", "mu + a*x - x^3"));
        var branch = Equilibria(model, "mu", [-1.0 + 0.001], -1, 1, dsMax);
        AssertAllLocated(branch);
        var folds = branch.SpecialPoints.Where(p => p.Kind == PointKind.LP).ToList();
        Assert.Equal(2, folds.Count);
        double xf = Math.Sqrt(a / 3), muf = 2 * a / 3 * xf;
        Assert.Equal(muf, folds[0].Parameters[0], 1e-12);
        Assert.Equal(-xf, folds[0].State[0], 1e-7);
        Assert.Equal(-muf, folds[1].Parameters[0], 1e-12);
        Assert.Equal(xf, folds[1].State[0], 1e-7);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void TwoHopfPointsWithinOneStepAreBothFound(double dsMax)
    {
        // The origin of a planar system whose eigenvalues are d² − μ² ± i: Hopf points at μ = ±d,
        // 0.02 apart; both supercritical (the cubic term is −r²).
        var model = Model("two-hopf", [("mu", -1), ("d", 0.01)],
            ("x", "(d^2 - mu^2)*x - y - x*(x^2 + y^2)"),
            ("y", "x + (d^2 - mu^2)*y - y*(x^2 + y^2)"));
        var branch = Equilibria(model, "mu", [0.0, 0.0], -1, 1, dsMax);
        AssertAllLocated(branch);
        var hopf = branch.SpecialPoints.Where(p => p.Kind == PointKind.HB).ToList();
        Assert.Equal(2, hopf.Count);
        Assert.Equal(-0.01, hopf[0].Parameters[0], 1e-9);
        Assert.Equal(0.01, hopf[1].Parameters[0], 1e-9);
        Assert.All(hopf, h => Assert.Equal(1.0, h.Details!.Omega!.Value, 1e-10));
        Assert.All(hopf, h => Assert.True(h.Details!.FirstLyapunov < 0));
        // Unstable (a pair with positive real part) only between them.
        Assert.All(branch.Points.Where(p => Math.Abs(p.Parameters[0]) < 0.0099), p => Assert.Equal(2, p.Analysis.UnstableCount));
        Assert.All(branch.Points.Where(p => Math.Abs(p.Parameters[0]) > 0.0101), p => Assert.Equal(0, p.Analysis.UnstableCount));
    }

    public static TheoryData<double> SwitchSteps => new() { 0.02, 0.1, 0.4 };

    [Theory]
    [MemberData(nameof(SwitchSteps))]
    public void LorenzPitchforkAtROneIsLocatedAndSwitchedOntoTheSymmetricPair(double dsMax)
    {
        var model = Model("lorenz", [("r", 0.5), ("sigma", 10), ("b", 8.0 / 3)],
            ("x", "sigma*(y - x)"), ("y", "r*x - y - x*z"), ("z", "x*y - b*z"));
        var origin = Equilibria(model, "r", [0, 0, 0], 0, 30, dsMax);
        AssertAllLocated(origin);
        var bp = Assert.Single(origin.SpecialPoints, p => p.Kind == PointKind.BP);
        Assert.Equal(1.0, bp.Parameters[0], 1e-8);

        var pair = Equilibria(model, "r", bp.State, 0, 30, dsMax, Direction.Both, bp.Parameters, bp.Tangent);
        Assert.False(pair.Failed);
        AssertAllLocated(pair);
        // C±: x = y = ±√(b(r − 1)), z = r − 1, both halves, up to the bound.
        double b = 8.0 / 3;
        Assert.All(pair.Points, p =>
        {
            double r = p.Parameters[0];
            // (to the corrector's tolerance, 1e-9 relative to the size of the point)
            Assert.Equal(r - 1, p.State[2], 1e-8 * r);
            Assert.Equal(b * (r - 1), p.State[0] * p.State[0], 1e-8 * r * r);
            Assert.Equal(p.State[0], p.State[1], 1e-8 * r);
        });
        Assert.Contains(pair.Points, p => p.State[0] > 1);
        Assert.Contains(pair.Points, p => p.State[0] < -1);
        // The Hopf points of C± at r = σ(σ + b + 3)/(σ − b − 1), one on each half.
        double rh = 10 * (10 + b + 3) / (10 - b - 1);
        var hopf = pair.SpecialPoints.Where(p => p.Kind == PointKind.HB).ToList();
        Assert.Equal(2, hopf.Count);
        Assert.All(hopf, h => Assert.Equal(rh, h.Parameters[0], 1e-8));
    }

    [Theory]
    [MemberData(nameof(SwitchSteps))]
    public void APitchforkIsLocatedOnTheTrivialBranchAndSwitchedOntoTheParabola(double dsMax)
    {
        var model = new PitchforkNormalForm(); // x' = μx − x³
        var trivial = Equilibria(model, "mu", [0.0], -1, 1, dsMax, parameters: [-1.0]);
        AssertAllLocated(trivial);
        var bp = Assert.Single(trivial.SpecialPoints, p => p.Kind == PointKind.BP);
        Assert.Equal(0, bp.Parameters[0], 1e-10);
        var parabola = Equilibria(model, "mu", bp.State, -1, 1, dsMax, Direction.Both, bp.Parameters, bp.Tangent);
        AssertAllLocated(parabola);
        // On the parabola x² = μ, to the corrector's tolerance on f = x(μ − x²) (weak near x = 0).
        Assert.All(parabola.Points, p => Assert.True(Math.Abs(p.State[0] * (p.Parameters[0] - p.State[0] * p.State[0])) < 1e-8));
        Assert.All(parabola.Points.Where(p => Math.Abs(p.State[0]) > 0.1), p => Assert.Equal(p.Parameters[0], p.State[0] * p.State[0], 1e-8));
        Assert.Equal(parabola.Points.Count - 1, parabola.Points.Count(p => Math.Abs(p.State[0]) > 1e-6)); // the branch point is the only x = 0
        Assert.Equal(1.0, parabola.Points[0].State[0] * parabola.Points[^1].State[0] * -1, 1e-9); // x = ∓1 at the two ends
    }

    [Theory]
    [MemberData(nameof(SwitchSteps))]
    public void ATranscriticalPointIsLocatedAndSwitchedOntoTheOtherLine(double dsMax)
    {
        var model = Model("transcritical", [("p", -1)], ("x", "p*x - x^2"));
        var trivial = Equilibria(model, "p", [0.0], -1, 1, dsMax);
        AssertAllLocated(trivial);
        var bp = Assert.Single(trivial.SpecialPoints, p => p.Kind == PointKind.BP);
        Assert.Equal(0, bp.Parameters[0], 1e-10);
        var other = Equilibria(model, "p", bp.State, -1, 1, dsMax, Direction.Both, bp.Parameters, bp.Tangent);
        AssertAllLocated(other);
        Assert.All(other.Points, p => Assert.Equal(p.Parameters[0], p.State[0], 1e-9));
        Assert.Equal(-1, other.Points[0].Parameters[0], 12);
        Assert.Equal(1, other.Points[^1].Parameters[0], 12);
        // Exchange of stability: x = p is stable for p > 0.
        Assert.All(other.Points.Where(p => p.Parameters[0] > 1e-3), p => Assert.True(p.Analysis.Stable));
    }

    [Theory]
    [MemberData(nameof(SwitchSteps))]
    public void ThePitchforkAtTheTipOfAParabolaIsFoundWithItsFoldAndSwitchedOntoTheTrivialBranch(double dsMax)
    {
        var model = new PitchforkNormalForm();
        var parabola = Equilibria(model, "mu", [1.0], -1, 1, dsMax, Direction.Backward, parameters: [1.0]);
        AssertAllLocated(parabola);
        var bp = Assert.Single(parabola.SpecialPoints, p => p.Kind == PointKind.BP);
        var lp = Assert.Single(parabola.SpecialPoints, p => p.Kind == PointKind.LP);
        // Degenerate from this side (the chord's hyperplanes contain the trivial branch at the tip):
        // the point may be resolved only to the square root of the corrector's tolerance, and says so.
        Assert.Equal(0, lp.Parameters[0], 1e-6);
        Assert.Equal(0, bp.Parameters[0], 1e-6);
        var trivial = Equilibria(model, "mu", bp.State, -1, 1, dsMax, Direction.Both, bp.Parameters, bp.Tangent);
        Assert.All(trivial.Points, p => Assert.Equal(0, p.State[0], 1e-6));
        Assert.Equal(-1, trivial.Points[0].Parameters[0], 12);
        Assert.Equal(1, trivial.Points[^1].Parameters[0], 12);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.1)]
    [InlineData(0.3)]
    public void BothFoldsOfTheNeuralMassModelAtEps35AreExact(double dsMax)
    {
        var model = new NextGenNeuralMassHomogeneous();
        var p = model.DefaultParameters();
        p[model.ParameterIndex("Iext_e")] = -5;
        p[model.ParameterIndex("eps")] = 35;
        var settle = EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = "settle", System = model, Parameters = p, Parameter = "Iext_e", State = new double[model.Dimension], SettleTime = 5000,
            Options = new ContinuationOptions { MaxSteps = 1 },
        });
        var branch = Equilibria(model, "Iext_e", settle.Points[0].State, -5, 100, dsMax, parameters: p, maxSteps: 5000);
        AssertAllLocated(branch);
        var folds = branch.SpecialPoints.Where(s => s.Kind == PointKind.LP).ToList();
        Assert.Equal(2, folds.Count);
        Assert.Equal(3.45818645, folds[0].Parameters[0], 1e-6);
        Assert.Equal(-2.16015977, folds[1].Parameters[0], 1e-6);
        // The folds are the turning points of the branch: Iext_e is extremal there.
        int i0 = folds[0].Index, i1 = folds[1].Index;
        Assert.All(branch.Points.Take(i1), q => Assert.True(q.Parameters[0] <= folds[0].Parameters[0] + 1e-12));
        Assert.All(branch.Points.Skip(i0), q => Assert.True(q.Parameters[0] >= folds[1].Parameters[0] - 1e-12));
    }

    [Theory]
    [MemberData(nameof(SwitchSteps))]
    public void AHopfCurveIsSwitchedOntoTheOtherHopfCurveAtATranscriticalPoint(double dsMax)
    {
        // z' = z(p − z) has the equilibria z = 0 and z = p, exchanging at p = 0; the focus (x, y) has
        // rate a + z: Hopf curves a = 0 (on z = 0) and a = −p (on z = p), crossing at the transcritical point.
        var model = Model("two-hopf-curves", [("a", -0.5), ("p", 0.5)],
            ("x", "(a + z)*x - y - x*(x^2 + y^2)"),
            ("y", "x + (a + z)*y - y*(x^2 + y^2)"),
            ("z", "z*(p - z)"));
        var fp = Equilibria(model, "a", [0, 0, 0], -1, 1, dsMax);
        var hb = Assert.Single(fp.SpecialPoints, s => s.Kind == PointKind.HB);
        CurveRun Curve(string name) => new()
        {
            Name = name, System = model, Kind = BranchKind.HopfCurve, Parameters = hb.Parameters, First = "a", Second = "p",
            Start = new CurveStart.Hopf(hb.State, hb.Details!.Omega!.Value), Direction = Direction.Both,
            Options = new ContinuationOptions { Ds = 0.01, DsMax = dsMax, MaxSteps = 500 },
            Bounds = [new NamedBound("p", -1, 1), new NamedBound("a", -1, 1)],
        };
        var first = CurveContinuation.Run(Curve("hopf"));
        AssertAllLocated(first);
        Assert.All(first.Points, q => Assert.Equal(0, q.Parameters[0], 1e-9));
        var bp = Assert.Single(first.SpecialPoints, q => q.Kind == PointKind.BP);
        Assert.Equal(0, bp.Parameters[1], 1e-8);

        var other = CurveContinuation.Run(Curve("hopf-other") with { Start = new CurveStart.CurveBranchPoint(bp.Unknowns, bp.Tangent) });
        Assert.False(other.Failed);
        AssertAllLocated(other);
        Assert.All(other.Points, q => Assert.Equal(-q.Parameters[1], q.Parameters[0], 1e-9));
        Assert.All(other.Points, q => Assert.Equal(q.Parameters[1], q.State[2], 1e-9));
        Assert.Contains(other.Points, q => q.Parameters[1] > 0.9);
        Assert.Contains(other.Points, q => q.Parameters[1] < -0.9);
    }
}
