using Continuation.Codim2;
using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;

namespace Tests.Codim2;

/// <summary>Fold and Hopf curves on normal forms with known codimension-two points.</summary>
public class CurveContinuationTests
{
    sealed class Cusp : OdeSystem
    {
        public override string Name => "cusp";
        public override IReadOnlyList<string> StateNames => ["x"];
        public override IReadOnlyList<Parameter> Parameters => [new("a", 0), new("b", 1)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
            => du[0] = p[0] + p[1] * u[0] - u[0] * u[0] * u[0];
    }

    /// <summary>Bogdanov–Takens normal form x' = y, y' = β1 + β2 x + x² − x y.</summary>
    sealed class BogdanovTakens : OdeSystem
    {
        public override string Name => "bt";
        public override IReadOnlyList<string> StateNames => ["x", "y"];
        public override IReadOnlyList<Parameter> Parameters => [new("b1", 0), new("b2", -1)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            du[0] = u[1];
            du[1] = p[0] + p[1] * u[0] + u[0] * u[0] - u[0] * u[1];
        }
    }

    /// <summary>Bautin normal form: ρ' = β1 ρ + β2 ρ³ − ρ⁵, θ' = 1 (Hopf at β1 = 0 with l1 ∝ β2).</summary>
    sealed class Bautin : OdeSystem
    {
        public override string Name => "bautin";
        public override IReadOnlyList<string> StateNames => ["x", "y"];
        public override IReadOnlyList<Parameter> Parameters => [new("b1", -1), new("b2", -1)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            double r2 = u[0] * u[0] + u[1] * u[1], g = p[0] + p[1] * r2 - r2 * r2;
            du[0] = g * u[0] - u[1];
            du[1] = u[0] + g * u[1];
        }
    }

    static BranchPoint FirstSpecial(OdeSystem system, double[] p, string parameter, double[] state, double min, double max, PointKind kind, Direction direction = Direction.Forward)
    {
        var eq = EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = "fp", System = system, Parameters = p, Parameter = parameter, State = state, Direction = direction,
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05 },
            Bounds = [new NamedBound(parameter, min, max)],
        });
        return eq.SpecialPoints.First(s => s.Kind == kind);
    }

    static Branch Curve(OdeSystem system, BranchKind kind, BranchPoint start, string a, string b, double lo = -2, double hi = 2, double dsMax = 0.05)
        => CurveContinuation.Run(new CurveRun
        {
            Name = "curve", System = system, Kind = kind, Parameters = start.Parameters, First = a, Second = b,
            Start = kind == BranchKind.FoldCurve ? new CurveStart.Fold(start.State) : new CurveStart.Hopf(start.State, start.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = Math.Min(0.01, dsMax), DsMax = dsMax, MaxSteps = 2000 },
            Bounds = [new NamedBound(a, lo, hi), new NamedBound(b, lo, hi)],
        });

    [Fact]
    public void FoldCurveOfTheCuspNormalFormHasItsCuspAtTheOrigin()
    {
        var model = new Cusp();
        // At b = 1 the folds are at a = ±2/(3√3).
        var lp = FirstSpecial(model, [-1.0, 1.0], "a", [-1.3247], -1, 1, PointKind.LP);
        Assert.Equal(2 / (3 * Math.Sqrt(3)), Math.Abs(lp.Parameters[0]), 1e-8);
        var curve = Curve(model, BranchKind.FoldCurve, lp, "a", "b");
        var cp = Assert.Single(curve.SpecialPoints, s => s.Kind == PointKind.CP);
        Assert.Equal(0.0, cp.Parameters[0], 1e-8);
        Assert.Equal(0.0, cp.Parameters[1], 1e-7);
        // Every point is on the fold curve 27 a² = 4 b³.
        Assert.All(curve.Points, p => Assert.Equal(27 * p.Parameters[0] * p.Parameters[0], 4 * Math.Pow(p.Parameters[1], 3), 1e-7));
        Assert.Equal(2, curve.Ends.Count);
    }

    /// <summary>
    /// The Hopf curve ends at the BT whatever the largest step: where the branch-point test of the
    /// Hopf system (singular at ω = 0) fires before the BT test, the branch point is the BT.
    /// </summary>
    [Theory]
    [InlineData(0.005)]
    [InlineData(0.02)]
    [InlineData(0.05)]
    [InlineData(0.2)]
    public void HopfCurveOfTheBogdanovTakensNormalFormEndsAtBT(double dsMax)
    {
        var model = new BogdanovTakens();
        // At β2 = −0.5 the equilibrium x = (−β2 − √(β2² − 4β1))/2 reaches x = 0, a Hopf point (trace −x = 0), at β1 = 0.
        double b1 = -0.1, b2 = -0.5, x0 = (-b2 - Math.Sqrt(b2 * b2 - 4 * b1)) / 2;
        var start = FirstSpecial(model, [b1, b2], "b1", [x0, 0], -0.2, 0.2, PointKind.HB);
        Assert.Equal(0.0, start.Parameters[0], 1e-8);
        var curve = Curve(model, BranchKind.HopfCurve, start, "b1", "b2", dsMax: dsMax);
        Assert.DoesNotContain(curve.SpecialPoints, s => s.Kind == PointKind.BP);
        var bt = Assert.Single(curve.SpecialPoints, s => s.Kind == PointKind.BT);
        Assert.Equal(0.0, bt.Parameters[0], 1e-6);
        Assert.Equal(0.0, bt.Parameters[1], 1e-5);
        Assert.Contains(curve.Ends, e => e.Note.Contains("Bogdanov"));
        Assert.All(curve.Points, p => Assert.Equal(0.0, p.Parameters[0], 1e-8)); // the Hopf curve is β1 = 0
    }

    [Fact]
    public void FoldCurveOfTheBogdanovTakensNormalFormPassesBT()
    {
        var model = new BogdanovTakens();
        // Folds of equilibria: β1 = β2²/4.
        var lp = FirstSpecial(model, [-1.0, 1.0], "b1", [-1.0, 0], -1, 1, PointKind.LP);
        Assert.Equal(0.25, lp.Parameters[0], 1e-8);
        var curve = Curve(model, BranchKind.FoldCurve, lp, "b1", "b2");
        var bt = Assert.Single(curve.SpecialPoints, s => s.Kind == PointKind.BT);
        Assert.Equal(0.0, bt.Parameters[0], 1e-7);
        Assert.Equal(0.0, bt.Parameters[1], 1e-6);
        Assert.All(curve.Points, p => Assert.Equal(p.Parameters[1] * p.Parameters[1] / 4, p.Parameters[0], 1e-7));
    }

    [Fact]
    public void HopfCurveOfTheBautinNormalFormHasItsGeneralisedHopfPointAtTheOrigin()
    {
        var model = new Bautin();
        var hb = FirstSpecial(model, [-1.0, -1.0], "b1", [0, 0], -1, 1, PointKind.HB);
        Assert.True(hb.Details!.FirstLyapunov < 0);
        var curve = Curve(model, BranchKind.HopfCurve, hb, "b1", "b2");
        var gh = Assert.Single(curve.SpecialPoints, s => s.Kind == PointKind.GH);
        Assert.Equal(0.0, gh.Parameters[0], 1e-8);
        Assert.Equal(0.0, gh.Parameters[1], 1e-6);
        // l1 changes sign there: supercritical below, subcritical above.
        Assert.True(curve.Points.First(p => p.Parameters[1] < -0.5).Unknowns.Length > 0);
        // ρ' = β1 ρ + β2 ρ³ − ρ⁵, θ' = 1: l2 = 4s/ω = −4 (HopfCoefficients.SecondLyapunov).
        Assert.Equal(-4.0, gh.Details!.SecondLyapunov!.Value, 1e-6);
        Assert.Equal(0.0, gh.Details.FirstLyapunov!.Value);
        Assert.Contains("l2 = -4.000e+00 (l2 < 0", gh.Note);
    }
}

/// <summary>Codimension-two points of the neural-mass model against AUTO-07p (../shared/reference).</summary>
public class NeuralMassCurveTests
{
    static System.Text.Json.JsonElement Reference(string type)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Shared, "reference", "auto-homogeneous.json")));
        return doc.RootElement.GetProperty("two_parameter").EnumerateArray().First(e => e.GetProperty("type").GetString() == type).Clone();
    }

    static BranchPoint Special(double eps, string label)
    {
        var model = new global::Models.NextGenNeuralMassHomogeneous();
        var p = model.DefaultParameters();
        p[model.ParameterIndex("Iext_e")] = -5;
        p[model.ParameterIndex("eps")] = eps;
        var eq = EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = "fp", System = model, Parameters = p, Parameter = "Iext_e", State = new double[6], SettleTime = 5000,
            Bounds = [new NamedBound("Iext_e", -5, 20)],
        });
        return eq.Find(label)!;
    }

    static Branch Curve(BranchKind kind, BranchPoint start) => CurveContinuation.Run(new CurveRun
    {
        Name = "curve", System = new global::Models.NextGenNeuralMassHomogeneous(), Kind = kind, Parameters = start.Parameters,
        First = "Iext_e", Second = "eps", Start = kind == BranchKind.FoldCurve ? new CurveStart.Fold(start.State) : new CurveStart.Hopf(start.State, start.Details!.Omega!.Value),
        Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.5, MaxSteps = 3000 },
        Bounds = [new NamedBound("eps", -5, 130), new NamedBound("Iext_e", -10, 100)],
    });

    [Fact]
    public void HopfCurveThroughEps15HasAutosGeneralisedHopfPoint()
    {
        var expected = Reference("GH");
        var curve = Curve(BranchKind.HopfCurve, Special(15, "HB1"));
        var gh = curve.SpecialPoints.Where(s => s.Kind == PointKind.GH)
            .MinBy(s => Math.Abs(s.Parameters[0] - expected.GetProperty("Iext_e").GetDouble()))!;
        Assert.Equal(expected.GetProperty("Iext_e").GetDouble(), gh.Parameters[0], 1e-3);
        Assert.Equal(expected.GetProperty("eps").GetDouble(), gh.Parameters[1], 1e-3);
        Assert.All(curve.Ends, e => Assert.Equal(StopReason.Bound, e.Reason));
        // l2 > 0: the folds of cycles lie on the supercritical side. Checked against the cycles: at
        // eps = 22.2 (l1 = −0.0758) the branch from HB2 folds at ΔIext_e = −0.0093, where the
        // normal form ṙ = r(α/ω + l1 r² + l2 r⁴) with dα/dIext_e = −0.0452 puts the fold at
        // α/ω = l1²/(4 l2), ΔIext_e = −0.0090.
        double l2 = gh.Details!.SecondLyapunov!.Value;
        Assert.Equal(0.9105, l2, 1e-3);
        Assert.Contains("l2 > 0", gh.Note);
        // The exact (quadratic) derivatives agree with finite differences of f alone.
        var model = new WithoutHigherDerivatives(new global::Models.NextGenNeuralMassHomogeneous());
        var d = new Derivatives(model);
        var jac = new double[36];
        d.StateJacobian(gh.State, gh.Parameters, jac);
        double fd = HopfCoefficients.SecondLyapunov(d, gh.State, gh.Parameters, jac, gh.Details.Omega!.Value);
        Assert.Equal(l2, fd, 3e-5 * Math.Abs(l2));
    }

    /// <summary>A system with its analytic higher derivatives hidden, so they come from finite differences of f.</summary>
    sealed class WithoutHigherDerivatives(OdeSystem inner) : OdeSystem
    {
        public override string Name => inner.Name;
        public override IReadOnlyList<string> StateNames => inner.StateNames;
        public override IReadOnlyList<Parameter> Parameters => inner.Parameters;
        public override bool HasStateJacobian => inner.HasStateJacobian;
        public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac) => inner.StateJacobian(u, p, jac);
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du) => inner.Evaluate(u, p, du);
    }

    [Fact]
    public void FoldCurveThroughEps29HasAutosCusp()
    {
        var expected = Reference("CP");
        var curve = Curve(BranchKind.FoldCurve, Special(29, "LP1"));
        var cp = Assert.Single(curve.SpecialPoints, s => s.Kind == PointKind.CP);
        Assert.Equal(expected.GetProperty("Iext_e").GetDouble(), cp.Parameters[0], 1e-3);
        Assert.Equal(expected.GetProperty("eps").GetDouble(), cp.Parameters[1], 1e-3);
    }
}

/// <summary>Curves of cycle bifurcations: a normal form and the neural-mass model.</summary>
public class CycleCurveTests
{
    /// <summary>ρ' = β1 ρ + β2 ρ³ − ρ⁵, θ' = 1: folds of cycles on β1 = −β2²/4 (β2 > 0), ending at GH (0, 0).</summary>
    sealed class Bautin : OdeSystem
    {
        public override string Name => "bautin";
        public override IReadOnlyList<string> StateNames => ["x", "y"];
        public override IReadOnlyList<Parameter> Parameters => [new("b1", -1), new("b2", 1)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            double r2 = u[0] * u[0] + u[1] * u[1], g = p[0] + p[1] * r2 - r2 * r2;
            du[0] = g * u[0] - u[1];
            du[1] = u[0] + g * u[1];
        }
    }

    [Fact]
    public void FoldOfCyclesCurveOfTheBautinNormalFormEndsAtTheGeneralisedHopfPoint()
    {
        var model = new Bautin();
        var eq = EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = "fp", System = model, Parameters = [-1.0, 1.0], Parameter = "b1", State = [0, 0],
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05 },
            Bounds = [new NamedBound("b1", -1, 1)],
        });
        var hb = eq.SpecialPoints.First(s => s.Kind == PointKind.HB);
        var collocation = CycleMesh.Uniform(20, 4);
        var lc = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = model, Parameters = hb.Parameters, Parameter = "b1",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05, MaxSteps = 300 },
            Discretisation = collocation, Bounds = [new NamedBound("b1", -1, 1)],
        });
        var lpc = lc.SpecialPoints.First(s => s.Kind == PointKind.LPC);
        Assert.Equal(-0.25, lpc.Parameters[0], 1e-7);
        var curve = CurveContinuation.Run(new CurveRun
        {
            Name = "lpc", System = model, Kind = BranchKind.LpcCurve, Parameters = lpc.Parameters, First = "b1", Second = "b2",
            Start = new CurveStart.Cycle(lpc.Cycle!, lpc.Unknowns, lpc.Tangent), Discretisation = collocation,
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05, MaxSteps = 300 },
            Bounds = [new NamedBound("b1", -2, 2), new NamedBound("b2", -2, 2)],
        });
        Assert.All(curve.Points.Where(p => p.Kind == PointKind.Regular),
            p => Assert.Equal(-p.Parameters[1] * p.Parameters[1] / 4, p.Parameters[0], 1e-6));
        var gh = Assert.Single(curve.SpecialPoints, s => s.Kind == PointKind.GH);
        Assert.Equal(0.0, gh.Parameters[0], 1e-3);
        Assert.Equal(0.0, gh.Parameters[1], 1e-3);
        Assert.Contains(curve.Ends, e => e.Reason == StopReason.Bound && e.Note.Contains("b2 = 2"));
    }

    /// <summary>
    /// ρ' = ρ(β1 + β2 ρ² + ρ⁴ − ρ⁶), θ' = 1: cycles where β1 + β2 R + R² − R³ = 0 (R = ρ²); folds of
    /// cycles where β2 + 2R − 3R² = 0; the two fold curves meet in a cusp of cycles at R = 1/3,
    /// (β1, β2) = (1/27, −1/3).
    /// </summary>
    sealed class CuspOfCycles : OdeSystem
    {
        public override string Name => "cusp-of-cycles";
        public override IReadOnlyList<string> StateNames => ["x", "y"];
        public override IReadOnlyList<Parameter> Parameters => [new("b1", -1), new("b2", 0)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            double r = u[0] * u[0] + u[1] * u[1], g = p[0] + p[1] * r + r * r - r * r * r;
            du[0] = g * u[0] - u[1];
            du[1] = u[0] + g * u[1];
        }
    }

    [Fact]
    public void FoldOfCyclesCurveHasItsCuspOfCyclesAtTheAnalyticPoint()
    {
        var model = new CuspOfCycles();
        var eq = EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = "fp", System = model, Parameters = [-1.0, 0.0], Parameter = "b1", State = [0, 0],
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05 },
            Bounds = [new NamedBound("b1", -1, 1)],
        });
        var hb = eq.SpecialPoints.First(s => s.Kind == PointKind.HB);
        var collocation = CycleMesh.Uniform(20, 4);
        var lc = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = model, Parameters = hb.Parameters, Parameter = "b1",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05, MaxSteps = 400 },
            Discretisation = collocation, Bounds = [new NamedBound("b1", -1, 1)],
        });
        // At β2 = 0 the fold of cycles is at R = 2/3, β1 = −4/27.
        var lpc = lc.SpecialPoints.First(s => s.Kind == PointKind.LPC);
        Assert.Equal(-4.0 / 27, lpc.Parameters[0], 1e-7);
        var curve = CurveContinuation.Run(new CurveRun
        {
            Name = "lpc", System = model, Kind = BranchKind.LpcCurve, Parameters = lpc.Parameters, First = "b1", Second = "b2",
            Start = new CurveStart.Cycle(lpc.Cycle!, lpc.Unknowns, lpc.Tangent), Discretisation = collocation,
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.05, MaxSteps = 400 },
            Bounds = [new NamedBound("b1", -1, 1), new NamedBound("b2", -1, 1)],
        });
        var cpc = Assert.Single(curve.SpecialPoints, s => s.Kind == PointKind.CPC);
        Assert.Equal(1.0 / 27, cpc.Parameters[0], 1e-5);
        Assert.Equal(-1.0 / 3, cpc.Parameters[1], 1e-4);
        // No other turning point of the curve is reported.
        Assert.DoesNotContain(curve.SpecialPoints, s => s.Kind is PointKind.LP or PointKind.LPC);
    }

    [Fact]
    public void PeriodDoublingCurveOfTheNeuralMassModelIsClosedThroughBothDoublingsAtEps12()
    {
        var model = new global::Models.NextGenNeuralMassHomogeneous();
        var p = model.DefaultParameters();
        p[model.ParameterIndex("Iext_e")] = -5;
        p[model.ParameterIndex("eps")] = 12;
        var eq = EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = "fp", System = model, Parameters = p, Parameter = "Iext_e", State = new double[6], SettleTime = 5000,
            Bounds = [new NamedBound("Iext_e", -5, 15)],
        });
        var hb = eq.Find("HB1")!;
        var collocation = CycleMesh.Uniform(40, 5);
        var lc = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = model, Parameters = hb.Parameters, Parameter = "Iext_e",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.2, MaxSteps = 400 },
            Discretisation = collocation, Bounds = [new NamedBound("Iext_e", -5, 15)],
        });
        var pds = lc.SpecialPoints.Where(s => s.Kind == PointKind.PD).ToList();
        Assert.Equal(2, pds.Count);
        var curve = CurveContinuation.Run(new CurveRun
        {
            Name = "pd", System = model, Kind = BranchKind.PdCurve, Parameters = pds[0].Parameters, First = "Iext_e", Second = "eps",
            Start = new CurveStart.Cycle(pds[0].Cycle!, pds[0].Unknowns), Discretisation = collocation,
            Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.2, MaxSteps = 600 },
            Bounds = [new NamedBound("eps", 0, 130), new NamedBound("Iext_e", -5, 20)],
        });
        Assert.Equal(StopReason.ClosedLoop, Assert.Single(curve.Ends).Reason);
        // Where the closed curve crosses eps = 12 it passes through both period doublings of the eps = 12 branch.
        var crossings = new List<double>();
        for (int i = 1; i < curve.Points.Count; i++)
        {
            double e0 = curve.Points[i - 1].Parameters[1] - 12, e1 = curve.Points[i].Parameters[1] - 12;
            if (e0 * e1 <= 0 && e0 != e1)
            {
                double t = e0 / (e0 - e1);
                crossings.Add(curve.Points[i - 1].Parameters[0] + t * (curve.Points[i].Parameters[0] - curve.Points[i - 1].Parameters[0]));
            }
        }
        foreach (var pd in pds)
            Assert.Contains(crossings, c => Math.Abs(c - pd.Parameters[0]) < 1e-3);
    }
}
