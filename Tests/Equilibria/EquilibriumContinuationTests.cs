using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.Results;
using Continuation.Systems;
using Models;
using Xunit;

namespace Tests.Equilibria;

public class EquilibriumContinuationTests
{
    static Branch Continue(OdeSystem system, string parameter, double[] state, double[] parameters,
        double min, double max, Direction direction = Direction.Forward, ContinuationOptions? options = null,
        IReadOnlyList<double>? values = null)
    {
        return EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = "test",
            System = system,
            Parameters = parameters,
            Parameter = parameter,
            State = state,
            Direction = direction,
            Options = options ?? new ContinuationOptions { Ds = 0.01, DsMax = 0.05 },
            Bounds = [new NamedBound(parameter, min, max)],
            Values = values ?? [],
        });
    }

    [Fact]
    public void FoldNormalFormHasItsFoldAtTheOrigin()
    {
        var branch = Continue(new FoldNormalForm(), "mu", [1.0], [1.0], -1, 2, Direction.Backward);
        var lp = Assert.Single(branch.SpecialPoints, p => p.Kind == PointKind.LP);
        Assert.Equal("LP1", lp.Label);
        Assert.Equal(0.0, lp.Parameters[0], 1e-9);
        Assert.Equal(0.0, lp.State[0], 1e-5);  // x ~ sqrt(mu): location error in mu is squared
        // Through the fold onto the other half: x = -sqrt(mu) ends at the bound mu = 2.
        var end = branch.Points[^1];
        Assert.Equal(PointKind.EP, end.Kind);
        Assert.Equal(2.0, end.Parameters[0], 12);
        Assert.Equal(-Math.Sqrt(2), end.State[0], 1e-8);
        Assert.Equal(StopReason.Bound, Assert.Single(branch.Ends).Reason);
        Assert.False(branch.Failed);
        // Stability flips at the fold: the upper branch x > 0 is stable (f' = -2x).
        Assert.All(branch.Points.Where(p => p.State[0] > 1e-3), p => Assert.True(p.Analysis.Stable));
        Assert.All(branch.Points.Where(p => p.State[0] < -1e-3), p => Assert.Equal(1, p.Analysis.UnstableCount));
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(1.0)]
    public void HopfNormalFormHasItsHopfPointAtZeroWithTheSignOfTheCubicTerm(double sigma)
    {
        var branch = Continue(new HopfNormalForm(), "beta", [0.0, 0.0], [-1.0, sigma], -1, 1);
        var hb = Assert.Single(branch.SpecialPoints, p => p.Kind == PointKind.HB);
        Assert.Equal(0.0, hb.Parameters[0], 1e-9);
        Assert.Equal(1.0, hb.Details!.Omega!.Value, 1e-8);
        Assert.Equal(2 * Math.PI, hb.Period!.Value, 1e-7);
        // With ⟨q, q⟩ = 1 the normal form ż = (β + i) z + σ z|z|² has l1 = 2σ (z = √2 w).
        Assert.Equal(2 * sigma, hb.Details.FirstLyapunov!.Value, 1e-5);
    }

    [Fact]
    public void BrusselatorHopfWithFiniteDifferenceJacobian()
    {
        // x' = A − (B+1)x + x²y, y' = Bx − x²y: equilibrium (A, B/A), Hopf at B = 1 + A², ω = A.
        double a = 1.5;
        var branch = Continue(new Brusselator(), "B", [a, 1.0 / a], [a, 1.0], 0.5, 5);
        var hb = Assert.Single(branch.SpecialPoints, p => p.Kind == PointKind.HB);
        Assert.Equal(1 + a * a, hb.Parameters[1], 1e-8);
        Assert.Equal(a, hb.Details!.Omega!.Value, 1e-7);
        Assert.True(hb.Details.FirstLyapunov < 0, "the Brusselator's Hopf point is supercritical");
        Assert.All(branch.Points, p => Assert.Equal(a, p.State[0], 1e-9));
    }

    [Fact]
    public void PitchforkBranchPointIsDetected()
    {
        var branch = Continue(new PitchforkNormalForm(), "mu", [0.0], [-1.0], -1, 1);
        var bp = Assert.Single(branch.SpecialPoints, p => p.Kind == PointKind.BP);
        Assert.Equal(0.0, bp.Parameters[0], 1e-8);
        Assert.DoesNotContain(branch.SpecialPoints, p => p.Kind == PointKind.LP);
    }

    [Fact]
    public void UserValuesAreLocatedExactlyAndLabelledInOrder()
    {
        var branch = Continue(new FoldNormalForm(), "mu", [1.0], [1.0], 0.5, 3,
            values: [1.5, 2.5]);
        var uz = branch.SpecialPoints.Where(p => p.Kind == PointKind.UZ).ToList();
        Assert.Equal(["UZ1", "UZ2"], uz.Select(p => p.Label));
        Assert.Equal(1.5, uz[0].Parameters[0]);
        Assert.Equal(Math.Sqrt(1.5), uz[0].State[0], 1e-9);
        Assert.Equal(Math.Sqrt(2.5), uz[1].State[0], 1e-9);
    }

    [Fact]
    public void BothDirectionsAreJoinedInOrderAlongTheCurve()
    {
        var branch = Continue(new HopfNormalForm(), "beta", [0.0, 0.0], [0.0 + 0.3, -1.0], -1, 1, Direction.Both);
        Assert.Equal(2, branch.Ends.Count);
        var beta = branch.Points.Select(p => p.Parameters[0]).ToList();
        for (int i = 1; i < beta.Count; i++) Assert.True(beta[i] > beta[i - 1]);
        Assert.Equal(-1.0, beta[0], 12);
        Assert.Equal(1.0, beta[^1], 12);
        Assert.Equal(["EP1", "HB1", "EP2"], branch.SpecialPoints.Select(p => p.Label));
        Assert.Equal(Enumerable.Range(0, branch.Points.Count), branch.Points.Select(p => p.Index));
    }

    [Fact]
    public void ClosedLoopStopsAfterOneLap()
    {
        // Equilibria of the circle x² + μ² = 1: x' = 1 − x² − μ² (a closed curve in (μ, x)).
        var circle = new Circle();
        var branch = Continue(circle, "mu", [1.0], [0.0], -5, 5, options: new ContinuationOptions { Ds = 0.01, DsMax = 0.05, MaxSteps = 10_000 });
        var end = Assert.Single(branch.Ends);
        Assert.Equal(StopReason.ClosedLoop, end.Reason);
        Assert.Equal(2, branch.SpecialPoints.Count(p => p.Kind == PointKind.LP));
        Assert.InRange(branch.Points.Count, 100, 400);
    }

    [Fact]
    public void NonFiniteRightHandSideEndsTheBranchWithANote()
    {
        var branch = Continue(new Blowup(), "mu", [1.0], [0.5], 0, 5);
        var end = Assert.Single(branch.Ends);
        Assert.Equal(StopReason.NonFinite, end.Reason);
        Assert.Contains("non-finite", end.Note);
        Assert.Contains("mu = 0.99", end.Note);
        Assert.True(branch.Failed);
    }

    [Fact]
    public void NeutralSaddleIsNotReportedAsHopf()
    {
        // x' = μx + y, y' = x − y³: at the origin J = [[μ, 1], [1, 0]], det = −1, so the
        // eigenvalues are real with sum μ: a neutral saddle at μ = 0, not a Hopf point.
        var branch = Continue(new NeutralSaddle(), "mu", [0.0, 0.0], [-1.0], -1, 1);
        Assert.DoesNotContain(branch.SpecialPoints, p => p.Kind == PointKind.HB);
        Assert.All(branch.Points, p => Assert.Equal(1, p.Analysis.UnstableCount));
    }

    [Fact]
    public void ANumericalRoutineThatGivesUpEndsTheBranchWithWhatFailedAndWhere()
    {
        // The Jacobian routine throws (as an iteration that does not converge would) beyond mu = 0.5.
        var branch = Continue(new GivesUp(), "mu", [0.0], [0.0], -1, 1);
        var end = Assert.Single(branch.Ends);
        Assert.Equal(StopReason.NoConvergence, end.Reason);
        Assert.Contains("numerical failure beyond mu = 0.4", end.Note);
        Assert.Contains("the test's routine did not converge", end.Note);
        Assert.Contains("GivesUp.StateJacobian", end.Note);
        Assert.True(branch.Failed);
        Assert.True(branch.Points.Count > 10, "the points before the failure are kept");
    }

    [Fact]
    public void EigenvaluesThatCannotBeComputedLeaveTheStabilityUnknownAndSaySo()
    {
        // A Jacobian that is NaN at mu = 0.3: no eigenvalues there, so no stability and no Hopf test.
        var problem = new EquilibriumProblem(new NaNJacobian(), [0.3], 0);
        var tests = new double[problem.TestFunctionKinds.Count];
        var analysis = problem.Analyze([0.3, 0.3], tests);
        Assert.False(analysis.StabilityKnown);
        Assert.Null(analysis.Signature);
        Assert.Equal(EquilibriumProblem.EigenvaluesFailed, analysis.UnknownBecause);
        Assert.True(double.IsNaN(tests[0]));
        var fine = problem.Analyze([0.5, 0.5], tests);
        Assert.True(fine.StabilityKnown);
        Assert.Equal(-1, fine.Spectrum[0].Real, 12);
    }

    /// <summary>x' = mu − x, whose Jacobian throws beyond mu = 0.5.</summary>
    sealed class GivesUp : OdeSystem
    {
        public override string Name => "gives-up";
        public override IReadOnlyList<string> StateNames => ["x"];
        public override IReadOnlyList<Parameter> Parameters => [new("mu", 0)];
        public override bool HasStateJacobian => true;
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du) => du[0] = p[0] - u[0];
        public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
        {
            if (p[0] > 0.5) throw new MathNet.Numerics.NonConvergenceException("the test's routine did not converge");
            jac[0] = -1;
        }
    }

    /// <summary>x' = mu − x, with a NaN Jacobian for mu in (0.2, 0.4) (the parameter is the state's second unknown).</summary>
    sealed class NaNJacobian : OdeSystem
    {
        public override string Name => "nan-jacobian";
        public override IReadOnlyList<string> StateNames => ["x"];
        public override IReadOnlyList<Parameter> Parameters => [new("mu", 0)];
        public override bool HasStateJacobian => true;
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du) => du[0] = p[0] - u[0];
        public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
            => jac[0] = p[0] is > 0.2 and < 0.4 ? double.NaN : -1;
    }

    sealed class NeutralSaddle : OdeSystem
    {
        public override string Name => "neutral-saddle";
        public override IReadOnlyList<string> StateNames => ["x", "y"];
        public override IReadOnlyList<Parameter> Parameters => [new("mu", 0)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            du[0] = p[0] * u[0] + u[1];
            du[1] = u[0] - u[1] * u[1] * u[1];
        }
    }

    sealed class Circle : OdeSystem
    {
        public override string Name => "circle";
        public override IReadOnlyList<string> StateNames => ["x"];
        public override IReadOnlyList<Parameter> Parameters => [new("mu", 0)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
            => du[0] = 1 - u[0] * u[0] - p[0] * p[0];
    }

    /// <summary>x' = x − μ… with a right-hand side that is NaN for μ ≥ 1.</summary>
    sealed class Blowup : OdeSystem
    {
        public override string Name => "blowup";
        public override IReadOnlyList<string> StateNames => ["x"];
        public override IReadOnlyList<Parameter> Parameters => [new("mu", 0)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
            => du[0] = p[0] >= 1 ? double.NaN : u[0] - 2 * p[0];
    }
}
