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
            Bounds = [new NamedBound(parameter, -10, max)],
        });
        return Assert.Single(eq.SpecialPoints, s => s.Kind == PointKind.HB);
    }

    /// <summary>The Stuart–Landau cycles from their Hopf point, with user points at β = 0.25, 0.5 and 0.81.</summary>
    static Branch StuartLandauCycles(CycleMesh discretisation)
    {
        var model = new HopfNormalForm();
        var hb = HopfOf(model, [-1.0, -1.0], "beta", [0, 0], 1);
        return PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = model, Parameters = hb.Parameters, Parameter = "beta",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05, MaxSteps = 500 },
            Discretisation = discretisation,
            Bounds = [new NamedBound("beta", -1, 1)],
            Values = [0.25, 0.5, 0.81],
        });
    }

    [Fact]
    public void StuartLandauCycleHasTheAnalyticAmplitudePeriodAndMultiplier()
    {
        var branch = StuartLandauCycles(CycleMesh.Uniform(20, 4));
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

    /// <summary>ρ' = βρ + ρ³ − ρ⁵, θ' = 1 in Cartesian form: cycles on β = ρ⁴ − ρ², a fold of cycles at β = −1/4, ρ² = 1/2.</summary>
    sealed class BautinLike : Continuation.Systems.OdeSystem
    {
        public override string Name => "bautin-like";
        public override IReadOnlyList<string> StateNames => ["x", "y"];
        public override IReadOnlyList<Continuation.Systems.Parameter> Parameters => [new("beta", 0)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            double r2 = u[0] * u[0] + u[1] * u[1], g = p[0] + r2 - r2 * r2;
            du[0] = g * u[0] - u[1];
            du[1] = u[0] + g * u[1];
        }
    }

    [Fact]
    public void FoldOfCyclesIsLocatedAtTheAnalyticPoint()
    {
        // Subcritical Hopf at β = 0: the unstable cycle grows backwards in β, folds at β = −1/4
        // (ρ = 1/√2, period 2π) and comes back stable.
        var model = new BautinLike();
        var hb = HopfOf(model, [-1.0], "beta", [0, 0], 1);
        Assert.True(hb.Details!.FirstLyapunov > 0);
        var branch = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = model, Parameters = hb.Parameters, Parameter = "beta",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05, MaxSteps = 400 },
            Discretisation = CycleMesh.Uniform(20, 4),
            Bounds = [new NamedBound("beta", -1, 1)],
        });
        var lpc = Assert.Single(branch.SpecialPoints, p => p.Kind == PointKind.LPC);
        Assert.Equal("LPC1", lpc.Label);
        Assert.Equal(-0.25, lpc.Parameters[0], 1e-7);
        double r = Math.Sqrt(lpc.State[0] * lpc.State[0] + lpc.State[1] * lpc.State[1]);
        Assert.Equal(Math.Sqrt(0.5), r, 1e-5);
        Assert.Equal(2 * Math.PI, lpc.Period!.Value, 1e-6);
        // Unstable before the fold (small cycles), stable after it (large cycles).
        Assert.False(branch.Points[lpc.Index - 2].Analysis.Stable);
        Assert.True(branch.Points[lpc.Index + 2].Analysis.Stable);
        Assert.DoesNotContain(branch.SpecialPoints, p => p.Kind is PointKind.PD or PointKind.NS);
    }

    /// <summary>
    /// A Stuart–Landau cycle (x, y) of radius 1 and period 2π, times a damped rotation (z, w) with
    /// rate μ and frequency ω: the cycle's multipliers include e^{(μ ± iω)2π}, a torus (NS)
    /// bifurcation at μ = 0 with rotation angle 2πω.
    /// </summary>
    sealed class CycleTimesRotation : Continuation.Systems.OdeSystem
    {
        public override string Name => "cycle-times-rotation";
        public override IReadOnlyList<string> StateNames => ["x", "y", "z", "w"];
        public override IReadOnlyList<Continuation.Systems.Parameter> Parameters => [new("beta", 1), new("mu", -0.5), new("omega", 0.3)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            double r2 = u[0] * u[0] + u[1] * u[1];
            du[0] = p[0] * u[0] - u[1] - u[0] * r2;
            du[1] = u[0] + p[0] * u[1] - u[1] * r2;
            du[2] = p[1] * u[2] - p[2] * u[3];
            du[3] = p[2] * u[2] + p[1] * u[3];
        }
    }

    [Fact]
    public void TorusBifurcationIsLocatedWhereTheRotationLosesItsDamping()
    {
        var model = new CycleTimesRotation();
        var hb = HopfOf(model, [-1.0, -0.5, 0.3], "beta", [0, 0, 0, 0], 1);
        var cycles = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = model, Parameters = hb.Parameters, Parameter = "beta",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05, MaxSteps = 400 },
            Discretisation = CycleMesh.Uniform(20, 4),
            Bounds = [new NamedBound("beta", -1, 2)], Values = [1.0],
        });
        var start = cycles.Find("UZ1")!;
        var branch = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc-mu", System = model, Parameters = start.Parameters, Parameter = "mu",
            Start = new CycleStart.Cycle(start.Cycle!, start.Unknowns),
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05, MaxSteps = 400 },
            Discretisation = CycleMesh.Uniform(20, 4),
            Bounds = [new NamedBound("mu", -0.5, 0.5)],
        });
        var ns = Assert.Single(branch.SpecialPoints, p => p.Kind == PointKind.NS);
        Assert.Equal(0.0, ns.Parameters[1], 1e-7);
        Assert.Contains($"theta = {(2 * Math.PI * 0.3).ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}", ns.Note);
        Assert.DoesNotContain(branch.SpecialPoints, p => p.Kind is PointKind.PD or PointKind.LPC);
        Assert.True(branch.Points[ns.Index - 2].Analysis.Stable);
        Assert.Equal(2, branch.Points[ns.Index + 2].Analysis.UnstableCount);
    }

    /// <summary>ρ' = βρ − ρ³, θ' = 1/(1 + ρ²): cycles of radius √β and period 2π(1 + β).</summary>
    sealed class SlowingCycle : Continuation.Systems.OdeSystem
    {
        public override string Name => "slowing-cycle";
        public override IReadOnlyList<string> StateNames => ["x", "y"];
        public override IReadOnlyList<Continuation.Systems.Parameter> Parameters => [new("beta", 0)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            double r2 = u[0] * u[0] + u[1] * u[1], g = p[0] - r2, w = 1 / (1 + r2);
            du[0] = g * u[0] - w * u[1];
            du[1] = w * u[0] + g * u[1];
        }
    }

    [Fact]
    public void PeriodBoundEndsTheBranchExactlyOnTheBound()
    {
        var model = new SlowingCycle();
        var hb = HopfOf(model, [-1.0], "beta", [0, 0], 1);
        var branch = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = model, Parameters = hb.Parameters, Parameter = "beta",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05, MaxSteps = 500 },
            Discretisation = CycleMesh.Uniform(20, 4),
            Bounds = [new NamedBound("beta", -1, 5), new NamedBound("period", 0, 8)],
        });
        var end = branch.Points[^1];
        Assert.Equal(StopReason.Bound, Assert.Single(branch.Ends).Reason);
        Assert.Equal(8.0, end.Period!.Value, 12);
        Assert.Equal(8 / (2 * Math.PI) - 1, end.Parameters[0], 1e-6);
        Assert.Contains("period", end.Note);
    }

    /// <summary>ρ' = βρ − ρ³, θ' = γ/(1 + ρ²): cycles of radius √β and period 2π(1 + β)/γ.</summary>
    sealed class TunableCycle : Continuation.Systems.OdeSystem
    {
        public override string Name => "tunable-cycle";
        public override IReadOnlyList<string> StateNames => ["x", "y"];
        public override IReadOnlyList<Continuation.Systems.Parameter> Parameters => [new("beta", 0), new("gamma", 1)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            double r2 = u[0] * u[0] + u[1] * u[1], g = p[0] - r2, w = p[1] / (1 + r2);
            du[0] = g * u[0] - w * u[1];
            du[1] = w * u[0] + g * u[1];
        }
    }

    [Fact]
    public void FrozenPeriodRunFollowsTheCurveOfConstantPeriodInTwoParameters()
    {
        // The large-period (homoclinic) approximation freezes T and frees a second parameter:
        // here the cycles of period P lie on β = P γ / (2π) − 1.
        var model = new TunableCycle();
        var hb = HopfOf(model, [-1.0, 1.0], "beta", [0, 0], 1);
        var cycles = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = model, Parameters = hb.Parameters, Parameter = "beta",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05, MaxSteps = 400 },
            Discretisation = CycleMesh.Uniform(20, 4),
            Bounds = [new NamedBound("beta", -1, 2)], Values = [0.5],
        });
        var start = cycles.Find("UZ1")!;
        double period = start.Period!.Value;
        Assert.Equal(2 * Math.PI * 1.5, period, 1e-6);
        var curve = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "homoclinic", System = model, Parameters = start.Parameters, Parameter = "beta", SecondParameter = "gamma",
            Start = new CycleStart.Cycle(start.Cycle!, start.Unknowns), Direction = Direction.Both,
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05, MaxSteps = 400 },
            Discretisation = CycleMesh.Uniform(20, 4),
            Bounds = [new NamedBound("beta", 0.1, 2), new NamedBound("gamma", 0.2, 3)],
        });
        Assert.Equal(BranchKind.Homoclinic, curve.Kind);
        Assert.True(curve.Points.Count > 20);
        Assert.All(curve.Points, p =>
        {
            Assert.Equal(period, p.Period!.Value, 12);
            Assert.Equal(period * p.Parameters[1] / (2 * Math.PI) - 1, p.Parameters[0], 1e-6);
        });
        Assert.All(curve.Ends, e => Assert.Equal(StopReason.Bound, e.Reason));
    }

    [Fact]
    public void ShiftedVariationalMultipliersScaleByTheExponentialOfTheShift()
    {
        // ξ' = T (f_u + c I) ξ has the multipliers of ξ' = T f_u ξ times e^{cT}.
        var model = new HopfNormalForm();
        var hb = HopfOf(model, [-1.0, -1.0], "beta", [0, 0], 1);
        var branch = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = model, Parameters = hb.Parameters, Parameter = "beta",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05, MaxSteps = 200 },
            Discretisation = CycleMesh.Uniform(20, 4),
            Bounds = [new NamedBound("beta", -1, 1)], Values = [0.5],
        });
        var p = branch.Find("UZ1")!;
        var problem = new PeriodicOrbitProblem(model, p.Parameters, 0, p.Cycle!, new CollocationOptions());
        problem.Accept(p.Unknowns);
        var own = problem.MultipliersWith(p.Unknowns, (u, q, jac) => { });
        var shifted = problem.MultipliersWith(p.Unknowns, (u, q, jac) => { jac[0] += 0.1; jac[3] += 0.1; });
        double T = p.Period!.Value, factor = Math.Exp(0.1 * T);
        var a = own.Select(m => m.Real).OrderBy(v => v).ToArray();
        var b = shifted.Select(m => m.Real / factor).OrderBy(v => v).ToArray();
        for (int i = 0; i < 2; i++) Assert.Equal(a[i], b[i], 1e-7);
        Assert.Equal(1.0, a[1], 1e-7);                      // trivial multiplier
        Assert.Equal(Math.Exp(-2 * 0.5 * T), a[0], 1e-7);  // Stuart–Landau radial multiplier
    }

    [Fact]
    public void ATorusPointNeedsAConjugatePairOnTheUnitCircle()
    {
        // A sign change of Π(μiμj − 1) without such a pair (ill-conditioned multipliers near a
        // homoclinic orbit, or a real pair μ, 1/μ) is no Neimark–Sacker point.
        var model = new HopfNormalForm();
        var hb = HopfOf(model, [-1.0, -1.0], "beta", [0, 0], 1);
        var mesh = new CycleMesh(new CollocationScheme(4), Mesh.Uniform(4));
        var problem = new PeriodicOrbitProblem(model, hb.Parameters, 0, mesh, new CollocationOptions());
        var x = new double[problem.Dimension];
        x[problem.PeriodComponent] = 6;
        int ns = problem.TestFunctionKinds.ToList().IndexOf(PointKind.NS);
        PointAnalysis With(params Complex[] mu) => new(false, 0, mu);
        Assert.Null(problem.Describe(ns, x, With(1, -5.7e11, 1583, 0.075, new Complex(-0.0187, 0.0033), new Complex(-0.0187, -0.0033))));
        Assert.Null(problem.Describe(ns, x, With(1, 4, 0.25, 0.5)));
        var torus = problem.Describe(ns, x, With(1, Complex.FromPolarCoordinates(1, 0.7), Complex.FromPolarCoordinates(1, -0.7), 0.5));
        Assert.NotNull(torus);
        Assert.Contains("theta = 0.7", torus!.Note);
    }

    /// <summary>
    /// The corrector factors at the predicted point, and the predictor keeps its curvature term
    /// across mesh adaptations: a smooth cycle branch (the neural-mass model's ε = 12 primary
    /// branch, mesh adapted every third point) takes about two Newton iterations a step, AUTO-07p's
    /// 2.3 or fewer, at the default tolerance, on any largest step; with the chord from the previous
    /// point's factorisation it took five.
    /// </summary>
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.2)]
    public void ACycleBranchTakesAboutTwoNewtonIterationsAStep(double dsMax)
    {
        var model = new NextGenNeuralMassHomogeneous();
        var hb = NeuralMassCycles.FirstHopf(model, 12);
        var branch = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = model, Parameters = hb.Parameters, Parameter = "Iext_e",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.01, DsMin = 1e-5, DsMax = dsMax, MaxSteps = 60 },
            Discretisation = CycleMesh.Uniform(40, 4),
            Bounds = [new NamedBound("Iext_e", -5, 30)],
        });
        Assert.False(branch.Failed);
        Assert.True(branch.Points.Count > 50, $"{branch.Points.Count} points");
        double perStep = (double)branch.NewtonIterations / branch.Points.Count;
        Assert.InRange(perStep, 1.5, 2.5);
    }

    /// <summary>
    /// The largest and smallest value of a state over the orbit are those of its collocation
    /// polynomials, not of the nodes: on a coarse mesh (NTST 9, NCOL 5: 45 nodes, none where y
    /// peaks) the Stuart–Landau circle of radius √β has x and y between ±√β to the discretisation's
    /// accuracy, where the node values of y alone fall short by 1 − cos(π/90) ≈ 6e-4 relative.
    /// </summary>
    [Fact]
    public void TheExtremesOfACycleDoNotDependOnWhereTheNodesFall()
    {
        var branch = StuartLandauCycles(CycleMesh.Uniform(9, 5));
        var uz = branch.SpecialPoints.Where(p => p.Kind == PointKind.UZ).ToList();
        Assert.Equal(3, uz.Count);
        double worstNodes = 0;
        foreach (var p in uz)
        {
            double r = Math.Sqrt(p.Parameters[0]);
            for (int s = 0; s < 2; s++)
            {
                Assert.Equal(r, CycleMeasures.Max(p, s), 1e-5 * r);
                Assert.Equal(-r, CycleMeasures.Min(p, s), 1e-5 * r);
                double nodes = 0;
                for (int i = 0; i < p.Cycle!.Nodes; i++) nodes = Math.Max(nodes, p.Profile[2 * i + s]);
                worstNodes = Math.Max(worstNodes, (r - nodes) / r);
            }
        }
        Assert.True(worstNodes > 1e-4, $"the nodes alone are within {worstNodes:G2} of the radius: the test does not discriminate");
    }
}
