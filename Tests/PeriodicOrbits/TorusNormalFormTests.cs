using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;
using Xunit.Abstractions;

namespace Tests.PeriodicOrbits;

/// <summary>The Neimark–Sacker coefficient of a cycle against a model whose return map is known.</summary>
public class TorusNormalFormTests(ITestOutputHelper output)
{
    /// <summary>
    /// A Stuart–Landau cycle (x, y) of radius √c and period 2π times a focus ζ = z + iw with
    /// ζ' = (a − b² + iω)ζ − g|ζ|²ζ, ω = (1 + b)/4, g = b − 0.2: at a = b² the return map is
    /// ζ ↦ e^{iθ}ζ(1 − 2πg|ζ|²) with θ = 2πω; with |q| = 1, ζ = √2 ξ, so d = −4πg (Chenciner
    /// point at b = 0.2).
    /// </summary>
    /// <remarks>With <c>quadratic</c> g = b − 0.3 and a fifth variable s' = −s + 0.5|ζ|² feeds back as −0.4 s ζ:
    /// on the centre manifold s = 0.5|ζ|², so the cubic coefficient is g + 0.2 = b − 0.1, the cubic and the
    /// quadratic contributions cancelling at the Chenciner point b = 0.1 (the generic way) rather than
    /// both vanishing.</remarks>
    public sealed class CubicFocus(bool quadratic = false) : OdeSystem
    {
        public override string Name => quadratic ? "quadratic-focus" : "cubic-focus";
        public override IReadOnlyList<string> StateNames => quadratic ? ["x", "y", "z", "w", "s"] : ["x", "y", "z", "w"];
        public override IReadOnlyList<Parameter> Parameters => [new("c", -0.5), new("a", -0.5), new("b", 0)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> par, Span<double> du)
        {
            double x = u[0], y = u[1], r2 = x * x + y * y, c = par[0], a = par[1], b = par[2];
            du[0] = (c - r2) * x - y;
            du[1] = x + (c - r2) * y;
            double z2 = u[2] * u[2] + u[3] * u[3], mu = a - b * b, omega = 0.25 * (1 + b), g = (b - (quadratic ? 0.3 : 0.2)) * z2;
            if (quadratic)
            {
                g += 0.4 * u[4];
                du[4] = -u[4] + 0.5 * z2;
            }
            du[2] = (mu - g) * u[2] - omega * u[3];
            du[3] = omega * u[2] + (mu - g) * u[3];
        }
    }

    /// <summary>
    /// <see cref="CubicFocus"/> with the focus's rate modulated along the cycle, +k·x: the torus
    /// still appears at a = b² (the modulation averages out over a period), but the critical
    /// eigenfunction's size varies as e^{k sin t} along the cycle.
    /// </summary>
    public sealed class ModulatedFocus(double k) : OdeSystem
    {
        readonly CubicFocus _focus = new();
        public override string Name => "modulated-focus";
        public override IReadOnlyList<string> StateNames => _focus.StateNames;
        public override IReadOnlyList<Parameter> Parameters => _focus.Parameters;
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> par, Span<double> du)
        {
            _focus.Evaluate(u, par, du);
            du[2] += k * u[0] * u[2];
            du[3] += k * u[0] * u[3];
        }
    }

    static readonly CycleMesh Discretisation = CycleMesh.Uniform(40, 4);

    /// <summary>The NS point of the unit cycle continued in a at b.</summary>
    static BranchPoint TorusAt(double b, bool quadratic)
    {
        var model = new CubicFocus(quadratic);
        var p = model.DefaultParameters();
        p[2] = b;
        return ProductCycles.UnitCycleIn(model, p, "a", Discretisation).SpecialPoints.Single(s => s.Kind == PointKind.NS);
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.5, false)]
    [InlineData(0.5, true)]
    public void CoefficientMatchesTheReturnMap(double b, bool quadratic)
    {
        var (ns, model, monodromy, theta) = Critical(b, quadratic);
        double d = CycleNormalForms.NeimarkSacker(model, ns.Parameters, ns.State, ns.Period!.Value, monodromy, theta);
        double expected = -4 * Math.PI * (quadratic ? b - 0.1 : b - 0.2);
        output.WriteLine($"b = {b}: d = {d:G10}, expected {expected:G10}");
        Assert.Equal(expected, d, 1e-4);
        Assert.Contains(expected < 0 ? "supercritical (d = " : "subcritical (d = ", ns.Note);
    }

    /// <summary>The torus point at b, its model, the cycle's monodromy there and the critical angle θ = 2π·0.25(1 + b).</summary>
    (BranchPoint Point, CubicFocus Model, double[] Monodromy, double Theta) Critical(double b, bool quadratic)
    {
        var ns = TorusAt(b, quadratic);
        var model = new CubicFocus(quadratic);
        var monodromy = new PeriodicOrbitProblem(model, ns.Parameters, 1, ns.Cycle!, new CollocationOptions()).Monodromy(ns.Unknowns);
        return (ns, model, monodromy, 2 * Math.PI * 0.25 * (1 + b));
    }

    /// <summary>The same coefficient by periodic normalisation from the collocation data (no integration, no section).</summary>
    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.5, false)]
    [InlineData(0.5, true)]
    [InlineData(-0.1, true)]
    public void PeriodicNormalisationMatchesTheReturnMap(double b, bool quadratic)
    {
        var (ns, model, monodromy, theta) = Critical(b, quadratic);
        double d = PeriodicNormalization.NeimarkSacker(model, ns.Parameters, ns.Cycle!, ns.Profile, ns.Period!.Value, monodromy, theta);
        double expected = -4 * Math.PI * (quadratic ? b - 0.1 : b - 0.2);
        output.WriteLine($"b = {b}, quadratic {quadratic}: d = {d:G10}, expected {expected:G10}");
        Assert.Equal(expected, d, 1e-4);
    }

    /// <summary>
    /// Where the eigenfunction's size varies along the cycle, the periodic coefficient (v of mean
    /// square 1) and the return map's (|q| = 1 on the section through x(0) orthogonal to f) differ
    /// by the size of v(0)'s part in that section: d_map = d / |v⊥(0)|². Two independent
    /// computations (collocation against 130 integrations of the return map).
    /// </summary>
    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.8, 0.5)]
    public void PeriodicNormalisationAgreesWithTheReturnMapWhereTheEigenfunctionVaries(double k, double b)
    {
        var model = new ModulatedFocus(k);
        var p = model.DefaultParameters();
        p[2] = b;
        var ns = ProductCycles.UnitCycleIn(model, p, "a", Discretisation).SpecialPoints.Single(s => s.Kind == PointKind.NS);
        var problem = new PeriodicOrbitProblem(model, ns.Parameters, 1, ns.Cycle!, new CollocationOptions());
        var monodromy = problem.Monodromy(ns.Unknowns);
        double theta = 2 * Math.PI * 0.25 * (1 + b);
        double d = PeriodicNormalization.NeimarkSacker(model, ns.Parameters, ns.Cycle!, ns.Profile, ns.Period!.Value, monodromy, theta);
        double map = CycleNormalForms.NeimarkSacker(model, ns.Parameters, ns.State, ns.Period!.Value, monodromy, theta);
        // v(0) of mean square 1: the eigenvector for e^{iθ} carried along the cycle, real and imaginary parts.
        var complex = monodromy.Select(x => new System.Numerics.Complex(x, 0)).ToArray();
        var (_, q) = Continuation.Algebra.Spectrum.TryNearest(complex, 4, System.Numerics.Complex.FromPolarCoordinates(1, theta))!.Value;
        var vr = problem.Variation(ns.Unknowns, q.Select(z => z.Real).ToArray());
        var vi = problem.Variation(ns.Unknowns, q.Select(z => z.Imaginary).ToArray());
        var weights = new double[vr.Length];
        Profiles.AddQuadratureWeights(ns.Cycle!, 4, 4, weights);
        double meanSquare = 0;
        for (int i = 0; i < vr.Length; i++) meanSquare += weights[i] * (vr[i] * vr[i] + vi[i] * vi[i]);
        var f = new double[4];
        model.Evaluate(ns.State, ns.Parameters, f);
        double ff = f.Sum(x => x * x), fr = 0, fi = 0, v0 = 0;
        for (int s = 0; s < 4; s++) { fr += f[s] * vr[s]; fi += f[s] * vi[s]; v0 += vr[s] * vr[s] + vi[s] * vi[s]; }
        double inSection = (v0 - (fr * fr + fi * fi) / ff) / meanSquare;
        output.WriteLine($"k = {k}, b = {b}: d = {d:G10}, d/|v⊥(0)|² = {d / inSection:G10}, map {map:G10}, |v⊥(0)|² = {inSection:G6}");
        Assert.True(Math.Abs(inSection - 1) > 0.05, "the eigenfunction's size hardly varies: the test does not discriminate");
        Assert.Equal(map, d / inSection, 1e-4 * Math.Abs(map));
    }

    [Fact]
    public void TorusCurveLocatesTheChencinerPoint()
    {
        var ns = TorusAt(-0.1, quadratic: true);
        var model = new CubicFocus(quadratic: true);
        var curve = Continuation.Codim2.CurveContinuation.Run(new Continuation.Codim2.CurveRun
        {
            Name = "ns", System = model, Kind = BranchKind.NsCurve, Parameters = ns.Parameters, First = "a", Second = "b",
            Start = new Continuation.Codim2.CurveStart.Cycle(ns.Cycle!, ns.Unknowns), Discretisation = Discretisation,
            Options = new ContinuationOptions { Ds = 0.02, DsMax = 0.1, MaxSteps = 100 },
            Bounds = [new NamedBound("a", -1, 1), new NamedBound("b", -0.3, 0.45)],
        });
        foreach (var sp in curve.SpecialPoints) output.WriteLine($"{sp.Label}: a = {sp.Parameters[1]:G10}, b = {sp.Parameters[2]:G10}  {sp.Note}");
        var ch = Assert.Single(curve.SpecialPoints, p => p.Kind == PointKind.CH);
        Assert.Equal(0.1, ch.Parameters[2], 1e-6);
        Assert.Equal(0.01, ch.Parameters[1], 1e-6);
        Assert.Single(curve.SpecialPoints, p => p.Kind == PointKind.R4);
        Assert.Single(curve.SpecialPoints, p => p.Kind == PointKind.R3);
    }
}
