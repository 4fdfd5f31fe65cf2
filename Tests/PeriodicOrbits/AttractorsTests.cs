using System.Numerics;
using Continuation.Integration;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Systems;
using Models;

namespace Tests.PeriodicOrbits;

public class AttractorsTests
{
    /// <summary>A focus at (1, −2): with ξ = x − 1, η = y + 2, ξ' = −0.2ξ − η − ξ(ξ² + η²), η' = ξ − 0.2η − η(ξ² + η²).</summary>
    sealed class ShiftedFocus : OdeSystem
    {
        public override string Name => "Test.ShiftedFocus";
        public override IReadOnlyList<string> StateNames => ["x", "y"];
        public override IReadOnlyList<Parameter> Parameters => [new("a", -0.2)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            double xi = u[0] - 1, eta = u[1] + 2, r2 = xi * xi + eta * eta;
            du[0] = p[0] * xi - eta - xi * r2;
            du[1] = xi + p[0] * eta - eta * r2;
        }
    }

    /// <summary>Stuart–Landau: z' = (μ + iω) z − |z|² z; for μ &gt; 0 a stable circle of radius √μ and period 2π/ω.</summary>
    sealed class StuartLandau : OdeSystem
    {
        public override string Name => "Test.StuartLandau";
        public override IReadOnlyList<string> StateNames => ["x", "y"];
        public override IReadOnlyList<Parameter> Parameters => [new("mu", 0.25), new("omega", 2.0)];
        public override bool HasStateJacobian => true;
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            double x = u[0], y = u[1], r2 = x * x + y * y;
            du[0] = (p[0] - r2) * x - p[1] * y;
            du[1] = p[1] * x + (p[0] - r2) * y;
        }
        public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
        {
            double x = u[0], y = u[1], r2 = x * x + y * y;
            jac[0] = p[0] - r2 - 2 * x * x; jac[1] = -p[1] - 2 * x * y;
            jac[2] = p[1] - 2 * x * y; jac[3] = p[0] - r2 - 2 * y * y;
        }
    }

    /// <summary>Two uncoupled Stuart–Landau oscillators with frequencies 1 and √2: a quasi-periodic 2-torus.</summary>
    sealed class TwoOscillators : OdeSystem
    {
        public override string Name => "Test.TwoOscillators";
        public override IReadOnlyList<string> StateNames => ["x1", "y1", "x2", "y2"];
        public override IReadOnlyList<Parameter> Parameters => [new("omega", Math.Sqrt(2))];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            double r1 = u[0] * u[0] + u[1] * u[1], r2 = u[2] * u[2] + u[3] * u[3];
            du[0] = (1 - r1) * u[0] - u[1];
            du[1] = u[0] + (1 - r1) * u[1];
            du[2] = (1 - r2) * u[2] - p[0] * u[3];
            du[3] = p[0] * u[2] + (1 - r2) * u[3];
        }
    }

    /// <summary>Lorenz (1963) at σ = 10, ρ = 28, β = 8/3: the chaotic butterfly.</summary>
    sealed class Lorenz : OdeSystem
    {
        public override string Name => "Test.Lorenz";
        public override IReadOnlyList<string> StateNames => ["x", "y", "z"];
        public override IReadOnlyList<Parameter> Parameters => [new("sigma", 10), new("rho", 28), new("beta", 8.0 / 3)];
        public override bool HasStateJacobian => true;
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            du[0] = p[0] * (u[1] - u[0]);
            du[1] = u[0] * (p[1] - u[2]) - u[1];
            du[2] = u[0] * u[1] - p[2] * u[2];
        }
        public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
        {
            jac[0] = -p[0]; jac[1] = p[0]; jac[2] = 0;
            jac[3] = p[1] - u[2]; jac[4] = -1; jac[5] = -u[0];
            jac[6] = u[1]; jac[7] = u[0]; jac[8] = -p[2];
        }
    }

    static readonly CycleMesh Coarse = CycleMesh.Uniform(20, 4);
    /// <summary>The discretisation of Cases/homogeneous-iext-eps12.yaml.</summary>
    static readonly CycleMesh CaseMesh = CycleMesh.Uniform(100, 7);

    static double[] NeuralMass(double iext)
    {
        var p = new NextGenNeuralMassHomogeneous().DefaultParameters();
        p[NextGenNeuralMassHomogeneous.IextE] = iext;
        p[NextGenNeuralMassHomogeneous.Eps] = 12;
        return p;
    }

    static Attractor FindNeuralMass(double iext) =>
        Attractors.Find(new NextGenNeuralMassHomogeneous(), NeuralMass(iext), new double[6], CaseMesh);

    /// <summary>Largest mismatch of u(T) against u(0) by an independent integration, relative to the cycle's extent.</summary>
    static double ClosureError(OdeSystem system, double[] p, Attractor.Cycle cycle)
    {
        int n = system.Dimension;
        var u = cycle.InitialState;
        var start = (double[])u.Clone();
        var result = new DormandPrince(system, new DormandPrinceOptions { RelativeTolerance = 1e-11, AbsoluteTolerance = 1e-13 })
            .Integrate(p, u, 0, cycle.Period);
        Assert.True(result.IsSuccess);
        double extent = Profiles.Amplitude(cycle.Unknowns, cycle.Mesh.Nodes, n, n), worst = 0;
        for (int s = 0; s < n; s++) worst = Math.Max(worst, Math.Abs(u[s] - start[s]));
        return worst / extent;
    }

    static void AssertStable(Attractor.Cycle cycle)
    {
        int trivial = PeriodicOrbitProblem.TrivialIndex(cycle.Multipliers);
        Assert.Equal(1.0, cycle.Multipliers[trivial].Real, 1e-4);
        for (int i = 0; i < cycle.Multipliers.Length; i++)
            if (i != trivial) Assert.True(cycle.Multipliers[i].Magnitude < 1, PeriodicOrbitProblem.Format(cycle.Multipliers));
    }

    [Fact]
    public void StableFocusIsTheEquilibriumItself()
    {
        var result = Attractors.Find(new ShiftedFocus(), [-0.2], [3.0, 0.5], Coarse);
        var eq = Assert.IsType<Attractor.Equilibrium>(result);
        Assert.Equal(1.0, eq.State[0], 1e-12);
        Assert.Equal(-2.0, eq.State[1], 1e-12);
        Assert.All(eq.Eigenvalues, l => Assert.Equal(-0.2, l.Real, 1e-9));
        Assert.Equal(1.0, Math.Abs(eq.Eigenvalues[0].Imaginary), 1e-9);
        Assert.Equal(AttractorOptions.Default.Transient, eq.Time);
    }

    [Fact]
    public void WeaklyAttractingFocusIsRecognisedFromTheRateOfApproach()
    {
        // ρ' = βρ − ρ³ with β = −0.005: within 1e-4 of the origin only after t ≈ 1400, but the
        // distance shrinks at the rate of the eigenvalues' real part well before that.
        var result = Attractors.Find(new HopfNormalForm(), [-0.005, -1.0], [0.5, 0.0], Coarse);
        var eq = Assert.IsType<Attractor.Equilibrium>(result);
        Assert.Equal(0.0, eq.State[0], 1e-12);
        Assert.Equal(0.0, eq.State[1], 1e-12);
        Assert.InRange(eq.Time, AttractorOptions.Default.Transient, 1000);
    }

    [Fact]
    public void StuartLandauPastItsHopfPointIsTheCycleOfRadiusRootMuAndPeriodTwoPiOverOmega()
    {
        double mu = 0.25, omega = 2;
        var result = Attractors.Find(new StuartLandau(), [mu, omega], [0.01, 0.0], Coarse);
        var cycle = Assert.IsType<Attractor.Cycle>(result);
        Assert.Equal(2 * Math.PI / omega, cycle.Period, 1e-6);
        Assert.Equal(1, cycle.Returns);
        Assert.Equal(Coarse.Intervals, cycle.Mesh.Intervals);
        Assert.Equal(2 * cycle.Mesh.Nodes + 2, cycle.Unknowns.Length);
        for (int i = 0; i < cycle.Mesh.Nodes; i++)
            Assert.Equal(Math.Sqrt(mu), Math.Sqrt(cycle.Unknowns[2 * i] * cycle.Unknowns[2 * i] + cycle.Unknowns[2 * i + 1] * cycle.Unknowns[2 * i + 1]), 1e-6);
        Assert.Equal(cycle.Period, cycle.Unknowns[^2]);
        // The radial multiplier is exp(−2μT).
        int trivial = PeriodicOrbitProblem.TrivialIndex(cycle.Multipliers);
        Assert.Equal(1.0, cycle.Multipliers[trivial].Real, 1e-6);
        Assert.Equal(Math.Exp(-2 * mu * cycle.Period), cycle.Multipliers[1 - trivial].Real, 1e-6);
    }

    [Fact]
    public void FoundCycleStartsAPeriodicOrbitContinuation()
    {
        var system = new StuartLandau();
        var cycle = Assert.IsType<Attractor.Cycle>(Attractors.Find(system, [0.25, 2.0], [0.01, 0.0], Coarse));
        var branch = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = system, Parameters = [0.25, 2.0], Parameter = "mu",
            Start = new CycleStart.Cycle(cycle.Mesh, cycle.Unknowns),
            Options = new ContinuationOptions { Ds = 0.02, DsMax = 0.05, MaxSteps = 40 },
            Discretisation = Coarse,
            Bounds = [new NamedBound("mu", 0.1, 0.5)],
            Values = [0.36],
        });
        Assert.False(branch.Failed, string.Join("; ", branch.Ends.Select(e => e.Note)));
        var uz = Assert.Single(branch.SpecialPoints, p => p.Kind == PointKind.UZ);
        Assert.Equal(0.6, Math.Sqrt(uz.State[0] * uz.State[0] + uz.State[1] * uz.State[1]), 1e-6);
        Assert.Equal(Math.PI, uz.Period!.Value, 1e-6);
    }

    [Fact]
    public void NeuralMassAtIext2SettlesOnAStableEquilibrium()
    {
        var system = new NextGenNeuralMassHomogeneous();
        var eq = Assert.IsType<Attractor.Equilibrium>(FindNeuralMass(2));
        var f = new double[6];
        system.Evaluate(eq.State, NeuralMass(2), f);
        Assert.All(f, v => Assert.True(Math.Abs(v) < 1e-10, $"f = {v}"));
        Assert.All(eq.Eigenvalues, l => Assert.True(l.Real < 0));
        Assert.True(eq.State[0] > 0); // a positive firing rate
    }

    [Fact]
    public void NeuralMassAtIext8IsThePrimaryCycleOfTheContinuation()
    {
        // Period of the cycle branch from HB1 of homogeneous-iext-eps12.yaml at Iext_e = 8 (user value, NTST 100, NCOL 7).
        const double continued = 28.04312754086246;
        var system = new NextGenNeuralMassHomogeneous();
        var cycle = Assert.IsType<Attractor.Cycle>(FindNeuralMass(8));
        Assert.Equal(continued, cycle.Period, 1e-6 * continued);
        AssertStable(cycle);
        Assert.True(ClosureError(system, NeuralMass(8), cycle) < 1e-6);
    }

    [Fact]
    public void NeuralMassAfterTheFirstPeriodDoublingIsThePeriodDoubledCycle()
    {
        // At Iext_e = 9.6 (PD1 at 9.17866): the doubled branch (lc2 from lc1.PD1, NTST 100, NCOL 7)
        // has period 45.330941129; the primary cycle, now unstable, 23.196519707.
        const double doubled = 45.330941129248714, primary = 23.196519707018943;
        var system = new NextGenNeuralMassHomogeneous();
        var cycle = Assert.IsType<Attractor.Cycle>(FindNeuralMass(9.6));
        Assert.Equal(doubled, cycle.Period, 1e-6 * doubled);
        Assert.InRange(cycle.Period / primary, 1.9, 2.0);
        AssertStable(cycle);
        Assert.True(ClosureError(system, NeuralMass(9.6), cycle) < 1e-6);
        // Not the primary cycle traversed twice: half a period later the state is elsewhere.
        var half = new double[6];
        Mesh.EvaluateAt(cycle.Mesh.Scheme, cycle.Mesh.Mesh, cycle.Unknowns.AsSpan(0, 6 * cycle.Mesh.Nodes), 6, 0.5, half);
        double extent = Profiles.Amplitude(cycle.Unknowns, cycle.Mesh.Nodes, 6, 6);
        Assert.True(Enumerable.Range(0, 6).Max(s => Math.Abs(half[s] - cycle.InitialState[s])) > 1e-2 * extent);
    }

    [Fact]
    public void SlowlyAttractingPrimaryCycleJustBeforeThePeriodDoublingIsNotMistakenForItsDouble()
    {
        // At Iext_e = 9.13 the primary cycle has a multiplier near −0.94: returns alternate for a
        // long time, and those two loops apart agree first. The twice-traversed cycle is reduced.
        var cycle = Assert.IsType<Attractor.Cycle>(FindNeuralMass(9.13));
        Assert.InRange(cycle.Period, 24.54, 25.0);
        AssertStable(cycle);
        Assert.Contains(cycle.Multipliers, m => Math.Abs(m.Imaginary) < 1e-9 && m.Real is < -0.9 and > -1);
    }

    [Theory]
    [InlineData(10.2)]
    [InlineData(10.8)]
    public void NeuralMassInTheChaoticBandIsNeither(double iext)
    {
        var other = Assert.IsType<Attractor.Other>(FindNeuralMass(iext));
        Assert.Equal(OtherCause.NotSettled, other.Cause);
        Assert.Contains("within t = 3000", other.Reason);
        Assert.Equal(3000, other.Time);
        Assert.Equal(6, other.FinalState.Length);
    }

    [Fact]
    public void LorenzAttractorIsNeither()
    {
        var options = new AttractorOptions { Transient = 50, MaxTime = 500 };
        var other = Assert.IsType<Attractor.Other>(Attractors.Find(new Lorenz(), [10, 28, 8.0 / 3], [1.0, 1.0, 1.0], Coarse, options: options));
        Assert.Equal(OtherCause.NotSettled, other.Cause);
        Assert.Contains("chaotic or quasi-periodic", other.Reason);
    }

    [Fact]
    public void QuasiPeriodicTorusIsNeither()
    {
        var options = new AttractorOptions { Transient = 50, MaxTime = 600 };
        var other = Assert.IsType<Attractor.Other>(Attractors.Find(new TwoOscillators(), [Math.Sqrt(2)], [0.5, 0, 0, 0.5], Coarse, options: options));
        Assert.Equal(OtherCause.NotSettled, other.Cause);
    }

    [Fact]
    public void SubcriticalHopfEscapesFromOutsideItsUnstableCycleAndSettlesFromInside()
    {
        // ρ' = −ρ/4 + ρ³: an unstable cycle at ρ = 1/2, blow-up beyond it.
        double[] p = [-0.25, 1.0];
        var outside = Assert.IsType<Attractor.Other>(Attractors.Find(new HopfNormalForm(), p, [0.6, 0.0], Coarse));
        Assert.Equal(OtherCause.Escaped, outside.Cause);
        Assert.StartsWith("escape", outside.Reason);
        Assert.True(outside.Time < 50);
        var inside = Assert.IsType<Attractor.Equilibrium>(Attractors.Find(new HopfNormalForm(), p, [0.4, 0.0], Coarse));
        Assert.Equal(0.0, inside.State[0], 1e-12);
    }

    [Fact]
    public void TooShortABudgetIsReportedAsNotSettled()
    {
        var options = new AttractorOptions { Transient = 0, MaxTime = 2 };
        var other = Assert.IsType<Attractor.Other>(Attractors.Find(new StuartLandau(), [0.25, 2.0], [0.01, 0.0], Coarse, options: options));
        Assert.Equal(OtherCause.NotSettled, other.Cause);
        Assert.Equal(2, other.Time);
    }

    [Fact]
    public void ParallelCallsAgreeWithSequentialOnes()
    {
        double[] values = [2, 8, 9.6, 10.8];
        var sequential = values.Select(FindNeuralMass).ToArray();
        var parallel = new Attractor[values.Length];
        Parallel.For(0, values.Length, i => parallel[i] = FindNeuralMass(values[i]));
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(sequential[i].GetType(), parallel[i].GetType());
            Assert.Equal(sequential[i].Time, parallel[i].Time);
            switch (sequential[i])
            {
                case Attractor.Equilibrium e: Assert.Equal(e.State, ((Attractor.Equilibrium)parallel[i]).State); break;
                case Attractor.Cycle c: Assert.Equal(c.Unknowns, ((Attractor.Cycle)parallel[i]).Unknowns); break;
                case Attractor.Other o: Assert.Equal(o.FinalState, ((Attractor.Other)parallel[i]).FinalState); break;
            }
        }
    }

    [Fact]
    public void InvalidArgumentsAndCancellationThrow()
    {
        var system = new StuartLandau();
        Assert.Throws<ArgumentException>(() => Attractors.Find(system, [0.25, 2.0], [0.0], Coarse));
        Assert.Throws<ArgumentException>(() => Attractors.Find(system, [0.25], [0.0, 0.0], Coarse));
        Assert.Throws<ArgumentException>(() => Attractors.Find(system, [0.25, 2.0], [double.NaN, 0.0], Coarse));
        Assert.Throws<ArgumentException>(() => Attractors.Find(system, [0.25, 2.0], [0.1, 0.0], Coarse, options: new AttractorOptions { Transient = 100, MaxTime = 100 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AttractorOptions { Tolerance = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new AttractorOptions { MaxPeriodMultiple = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new AttractorOptions { Transient = -1 });
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Attractors.Find(system, [0.25, 2.0], [0.1, 0.0], Coarse, cancellation: cancelled.Token));
    }
}
