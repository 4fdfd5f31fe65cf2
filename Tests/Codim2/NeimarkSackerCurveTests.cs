using System.Globalization;
using Continuation.Codim2;
using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;

namespace Tests.Codim2;

/// <summary>Torus (NS) curves of cycles on a model whose curve and codimension-two points are known in closed form.</summary>
public class NeimarkSackerCurveTests
{
    /// <summary>
    /// A Stuart–Landau cycle (x, y) of radius √β and period 2π times a focus (z, w) with rate
    /// μ = a − b² and frequency ω = (1 + b)/4: the focus's multipliers e^{(μ ± iω)2π} make a torus
    /// curve a = b² with rotation angle θ = 2πω = π(1 + b)/2, so R1 (θ = 0) at b = −1, R4 (θ = π/2)
    /// at b = 0, R3 (θ = 2π/3) at b = 1/3 and R2 (θ = π) at b = 1.
    /// With <c>moreBlocks</c> two more directions: a half-turn twist (p, q) whose multipliers are
    /// −e^{2πκ} and −e^{−2π} with κ = −0.2 − b (PDNS at b = −0.2), and s' = b + 0.7 − s², a fold of
    /// the cycles at b = −0.7 with the multiplier e^{−4πs} (LPNS), where the torus curve turns back.
    /// </summary>
    sealed class CycleTimesFocus(bool moreBlocks) : OdeSystem
    {
        public override string Name => "cycle-times-focus";
        public override IReadOnlyList<string> StateNames => moreBlocks ? ["x", "y", "z", "w", "p", "q", "s"] : ["x", "y", "z", "w"];
        public override IReadOnlyList<Parameter> Parameters => [new("beta", -1), new("a", -0.5), new("b", 0.2)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            double x = u[0], y = u[1], r2 = x * x + y * y, beta = p[0], a = p[1], b = p[2];
            du[0] = beta * x - y - x * r2;
            du[1] = x + beta * y - y * r2;
            double mu = a - b * b, omega = 0.25 * (1 + b);
            du[2] = mu * u[2] - omega * u[3];
            du[3] = omega * u[2] + mu * u[3];
            if (!moreBlocks) return;
            // ξ' = [J/2 + R(φ/2) diag(κ, −1) R(−φ/2)] ξ with (cos φ, sin φ) = (x, y) on the cycle.
            double kappa = -0.2 - b, half = 0.5 * (kappa - 1), twist = 0.5 * (kappa + 1), pp = u[4], qq = u[5];
            du[4] = half * pp - 0.5 * qq + twist * (x * pp + y * qq);
            du[5] = 0.5 * pp + half * qq + twist * (y * pp - x * qq);
            du[6] = b + 0.7 - u[6] * u[6];
        }
    }

    static readonly CycleMesh Discretisation = CycleMesh.Uniform(20, 4);

    /// <summary>The cycles of radius 1 continued in a at b = 0.2, with their NS point at a = b².</summary>
    static Branch CyclesInA(CycleTimesFocus model)
    {
        int n = model.Dimension;
        var state = new double[n];
        if (n > 4) state[6] = Math.Sqrt(0.9);
        var eq = EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = "fp", System = model, Parameters = model.DefaultParameters(), Parameter = "beta", State = state,
            Bounds = [new NamedBound("beta", -1, 0.5)],
        });
        var hb = eq.Find("HB1")!;
        Assert.Equal(0.0, hb.Parameters[0], 1e-8);
        var lc = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = model, Parameters = hb.Parameters, Parameter = "beta",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.02, DsMax = 0.1, MaxSteps = 200 },
            Discretisation = Discretisation, Bounds = [new NamedBound("beta", -1, 2)], Values = [1.0],
        });
        var uz = lc.Find("UZ1")!;
        var lcA = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc-a", System = model, Parameters = uz.Parameters, Parameter = "a",
            Start = new CycleStart.Cycle(uz.Cycle!, uz.Unknowns),
            Options = new ContinuationOptions { Ds = 0.05, DsMax = 0.2, MaxSteps = 100 },
            Discretisation = Discretisation, Bounds = [new NamedBound("a", -0.5, 0.5)],
        });
        var ns = Assert.Single(lcA.SpecialPoints, p => p.Kind == PointKind.NS);
        Assert.Equal(0.04, ns.Parameters[1], 1e-8);
        return lcA;
    }

    static Branch TorusCurve(CycleTimesFocus model, BranchPoint ns, double bMin, double bMax, double dsMax) => CurveContinuation.Run(new CurveRun
    {
        Name = "ns", System = model, Kind = BranchKind.NsCurve, Parameters = ns.Parameters, First = "a", Second = "b",
        Start = new CurveStart.Cycle(ns.Cycle!, ns.Unknowns), Discretisation = Discretisation,
        Options = new ContinuationOptions { Ds = 0.02, DsMax = dsMax, MaxSteps = 300 },
        Bounds = [new NamedBound("a", -1, 2), new NamedBound("b", bMin, bMax)],
    });

    /// <summary>θ as the note of a special point of a torus curve gives it.</summary>
    static double Theta(BranchPoint p)
    {
        string note = p.Note ?? "";
        int at = note.IndexOf("theta = ", StringComparison.Ordinal);
        Assert.True(at >= 0, note);
        return double.Parse(note[(at + 8)..].Split(' ', ',', ';')[0], CultureInfo.InvariantCulture);
    }

    [Fact]
    public void LinearisationAgreesWithFiniteDifferencesOfTheResidual()
    {
        // At an arbitrary point (not a solution): the factored bordered Jacobian J applied backwards
        // to central differences of the residual along δ must give δ back.
        var model = new CycleTimesFocus(moreBlocks: true);
        int n = model.Dimension;
        var mesh = new CycleMesh(new CollocationScheme(4), Mesh.Uniform(6));
        var problem = new NeimarkSackerCurveProblem(model, [1.0, 0.3, 0.1], 1, 2, mesh, new CollocationOptions());
        var random = new Random(7);
        double[] Noise(int length) => Enumerable.Range(0, length).Select(_ => random.NextDouble() - 0.5).ToArray();
        var cycle = Noise(n * mesh.Nodes + 2);
        cycle[^2] = 6.0;
        var x = problem.Start(cycle, Noise(n * mesh.Nodes), Noise(n * mesh.Nodes), 1.1);
        var shift = Noise(x.Length);
        for (int i = 0; i < x.Length; i++) x[i] += 0.1 * shift[i];
        var border = Noise(x.Length);
        var delta = Noise(x.Length);
        Assert.Equal(Linearization.Factored, problem.Factor(x, border));
        double h = 1e-6;
        var plus = new double[x.Length];
        var minus = new double[x.Length];
        Assert.True(problem.Residual(x.Select((v, i) => v + h * delta[i]).ToArray(), plus));
        Assert.True(problem.Residual(x.Select((v, i) => v - h * delta[i]).ToArray(), minus));
        var rhs = plus.Select((v, i) => (v - minus[i]) / (2 * h)).ToArray();
        rhs[^1] = border.Select((v, i) => v * delta[i]).Sum();
        problem.Solve(rhs);
        for (int i = 0; i < x.Length; i++) Assert.Equal(delta[i], rhs[i], 1e-5);
    }

    [Fact]
    public void TorusCurveFollowsTheAnalyticCurveAndLocatesTheStrongResonances()
    {
        var model = new CycleTimesFocus(moreBlocks: false);
        var cycles = CyclesInA(model);
        // A cycle without multipliers on the unit circle is no start for a torus curve.
        var error = Assert.Throws<ArgumentException>(() => TorusCurve(model, cycles.Points[0], -2, 2, 0.1));
        Assert.Contains("not a Neimark-Sacker point", error.Message);
        var ns = cycles.Find("NS1")!;
        var curve = TorusCurve(model, ns, -2, 2, 0.1);
        Assert.Equal(BranchKind.NsCurve, curve.Kind);
        Assert.False(curve.Failed, string.Join("; ", curve.Ends.Select(e => e.Note)));
        Assert.True(curve.Points.Count > 20);
        foreach (var p in curve.Points)
        {
            double b = p.Parameters[2];
            Assert.Equal(b * b, p.Parameters[1], 1e-6);
            Assert.Equal(2 * Math.PI, p.Period!.Value, 1e-6);
            if (p.Analysis.Spectrum.Length == 0) continue;
            // The critical pair e^{±iθ} is on the unit circle, θ = π(1 + b)/2.
            var pair = p.Analysis.Spectrum.Where(m => Math.Abs(m.Imaginary) > 1e-3).ToList();
            if (pair.Count == 2) Assert.All(pair, m => Assert.Equal(0.5 * Math.PI * (1 + b), Math.Abs(m.Phase), 1e-6));
        }
        // Along the curve: R1 (where it ends), R4, R3, R2 (where it ends).
        var kinds = curve.SpecialPoints.Select(p => p.Kind).ToList();
        Assert.Equal([PointKind.EP, PointKind.R1, PointKind.R4, PointKind.R3, PointKind.R2, PointKind.EP], kinds);
        var expected = new Dictionary<PointKind, (double B, double Theta)>
        {
            [PointKind.R1] = (-1, 0), [PointKind.R4] = (0, Math.PI / 2), [PointKind.R3] = (1.0 / 3, 2 * Math.PI / 3), [PointKind.R2] = (1, Math.PI),
        };
        foreach (var (kind, (b, theta)) in expected)
        {
            var p = curve.SpecialPoints.Single(s => s.Kind == kind);
            Assert.Equal(b, p.Parameters[2], 1e-6);
            Assert.Equal(b * b, p.Parameters[1], 1e-6);
            Assert.Equal(theta, Theta(p), 1e-6);
        }
        Assert.All(curve.Ends, e => Assert.Equal(StopReason.Bound, e.Reason));
        Assert.Contains(curve.Ends, e => e.Note.Contains("R1", StringComparison.Ordinal));
        Assert.Contains(curve.Ends, e => e.Note.Contains("R2", StringComparison.Ordinal));
    }

    [Fact]
    public void TorusCurveLocatesFlipAndFoldTorusPointsFromTheOtherMultipliers()
    {
        var model = new CycleTimesFocus(moreBlocks: true);
        var ns = CyclesInA(model).Find("NS1")!;
        var curve = TorusCurve(model, ns, -0.8, 0.45, 0.2);
        Assert.False(curve.Failed, string.Join("; ", curve.Ends.Select(e => e.Note)));
        foreach (var p in curve.Points) Assert.Equal(p.Parameters[2] * p.Parameters[2], p.Parameters[1], 1e-6);
        // Backward from b = 0.2: PDNS at b = −0.2, R4 at b = 0, LPNS at b = −0.7 where the cycles fold
        // and the curve comes back on the unstable cycles (s < 0) through the same points up to the bound.
        var pdns = curve.SpecialPoints.Where(p => p.Kind == PointKind.PDNS).ToList();
        Assert.Equal(2, pdns.Count);
        Assert.All(pdns, p => Assert.Equal(-0.2, p.Parameters[2], 1e-6));
        var lpns = Assert.Single(curve.SpecialPoints, p => p.Kind == PointKind.LPNS);
        Assert.Equal(-0.7, lpns.Parameters[2], 1e-6);
        Assert.Equal(0.49, lpns.Parameters[1], 1e-6);
        Assert.Equal(0.0, lpns.State[6], 1e-3);
        Assert.Equal(2, curve.SpecialPoints.Count(p => p.Kind == PointKind.R4));
        Assert.Equal(2, curve.SpecialPoints.Count(p => p.Kind == PointKind.R3));
        Assert.DoesNotContain(curve.SpecialPoints, p => p.Kind is PointKind.R1 or PointKind.R2);
        // Stability of the torus-critical cycles: stable at the start (b = 0.2), one multiplier
        // below −1 after PDNS, and the fold direction unstable too beyond LPNS.
        var start = curve.Points.First(p => p.Kind == PointKind.Regular && Math.Abs(p.Parameters[2] - 0.2) < 0.05 && p.State[6] > 0);
        Assert.True(start.Analysis.Stable);
        var between = curve.Points.First(p => p.Kind == PointKind.Regular && p.Parameters[2] < -0.3 && p.Parameters[2] > -0.6 && p.State[6] > 0);
        Assert.Equal(1, between.Analysis.UnstableCount);
        var back = curve.Points.First(p => p.Kind == PointKind.Regular && p.Parameters[2] < -0.3 && p.Parameters[2] > -0.6 && p.State[6] < 0);
        Assert.Equal(2, back.Analysis.UnstableCount);
    }
}
