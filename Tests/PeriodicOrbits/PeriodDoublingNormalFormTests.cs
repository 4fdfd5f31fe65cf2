using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;
using Xunit.Abstractions;

namespace Tests.PeriodicOrbits;

/// <summary>The period-doubling normal-form coefficient against a model whose return map is known.</summary>
public class PeriodDoublingNormalFormTests(ITestOutputHelper output)
{
    /// <summary>
    /// A Stuart–Landau cycle (x, y) of radius √c and period 2π times a half-turn twist (p, q) with
    /// rates α = a − b² and −1 and the cubic term −g(p² + q²)(p, q), g = b − 0.1, invariant under the
    /// rotation: on the unit cycle the return map along the flip direction is η ↦ −e^{2πα}η + 2πg η³ + …,
    /// so at α = 0 the coefficient is c = 2πg. The period-doubling curve is a = b², with a generalised
    /// period doubling at b = 0.1.
    /// </summary>
    /// <remarks>
    /// With <c>quadratic</c> a fifth variable s' = −s + k(p² + q²) feeds back as −h s (p, q): on the
    /// centre manifold s = kη², so the cubic coefficient becomes g + hk (k = 0.5, h = 0.4), reached
    /// only through the quadratic terms of the map: c = 2π(g + hk).
    /// </remarks>
    public sealed class CubicTwist(bool quadratic = false) : OdeSystem
    {
        public override string Name => quadratic ? "quadratic-twist" : "cubic-twist";
        public override IReadOnlyList<string> StateNames => quadratic ? ["x", "y", "p", "q", "s"] : ["x", "y", "p", "q"];
        public override IReadOnlyList<Parameter> Parameters => [new("c", -0.5), new("a", -0.5), new("b", 0)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> par, Span<double> du)
        {
            double x = u[0], y = u[1], r2 = x * x + y * y, c = par[0], a = par[1], b = par[2];
            du[0] = (c - r2) * x - y;
            du[1] = x + (c - r2) * y;
            double alpha = a - b * b, beta = -1, mean = 0.5 * (alpha + beta), diff = 0.5 * (alpha - beta);
            double w2 = u[2] * u[2] + u[3] * u[3], g = b - 0.1, cubic = -g * w2;
            if (quadratic)
            {
                cubic -= 0.4 * u[4];
                du[4] = -u[4] + 0.5 * w2;
            }
            du[2] = mean * u[2] - 0.5 * u[3] + diff * (x * u[2] + y * u[3]) + cubic * u[2];
            du[3] = 0.5 * u[2] + mean * u[3] + diff * (y * u[2] - x * u[3]) + cubic * u[3];
        }
    }

    public static readonly CycleMesh Discretisation = CycleMesh.Uniform(40, 4);

    /// <summary>The PD point of the unit cycle continued in a at b (α = a − b² = 0).</summary>
    public static BranchPoint FlipAt(double b, bool quadratic = false)
    {
        var model = new CubicTwist(quadratic);
        var p = model.DefaultParameters();
        p[2] = b;
        return ProductCycles.UnitCycleIn(model, p, "a", Discretisation).SpecialPoints.Single(s => s.Kind == PointKind.PD);
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.3, false)]
    [InlineData(0.0, true)]
    public void CoefficientMatchesTheReturnMap(double b, bool quadratic)
    {
        var pd = FlipAt(b, quadratic);
        var model = new CubicTwist(quadratic);
        var problem = new PeriodicOrbitProblem(model, pd.Parameters, 1, pd.Cycle!, new CollocationOptions());
        var monodromy = problem.Monodromy(pd.Unknowns);
        double c = CycleNormalForms.PeriodDoubling(model, pd.Parameters, pd.State, pd.Period!.Value, monodromy);
        double expected = 2 * Math.PI * (b - 0.1 + (quadratic ? 0.2 : 0));
        output.WriteLine($"b = {b}, quadratic {quadratic}: c = {c:G10}, expected {expected:G10}");
        Assert.Equal(expected, c, 1e-4);
    }

    /// <summary>The same coefficient by periodic normalisation from the collocation data (no integration, no section).</summary>
    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.3, false)]
    [InlineData(0.0, true)]
    [InlineData(-0.2, true)]
    public void PeriodicNormalisationMatchesTheReturnMap(double b, bool quadratic)
    {
        var pd = FlipAt(b, quadratic);
        var model = new CubicTwist(quadratic);
        var problem = new PeriodicOrbitProblem(model, pd.Parameters, 1, pd.Cycle!, new CollocationOptions());
        var monodromy = problem.Monodromy(pd.Unknowns);
        double c = PeriodicNormalization.PeriodDoubling(model, pd.Parameters, pd.Cycle!, pd.Profile, pd.Period!.Value, monodromy);
        double expected = 2 * Math.PI * (b - 0.1 + (quadratic ? 0.2 : 0));
        output.WriteLine($"b = {b}, quadratic {quadratic}: c = {c:G10}, expected {expected:G10}");
        Assert.Equal(expected, c, 1e-4);
    }

    /// <summary>
    /// On cycles far from uniform (the neural-mass model's period doublings at ε = 12, where the
    /// flip eigenfunction is 20 times larger on the spike than at t = 0), the periodic coefficient
    /// c (v of mean square 1) and the return map's (|q| = 1 on the section through x(0) orthogonal to
    /// f) are related by the size of v(0)'s component in that section: c_map = c / |v⊥(0)|². The two
    /// are computed independently (one by collocation, the other by twenty integrations and finite
    /// differences); the periodic one does not depend on the section, nor on the mesh.
    /// </summary>
    [Fact]
    public void PeriodicNormalisationAgreesWithTheReturnMapOnSpikyCycles()
    {
        var model = new global::Models.NextGenNeuralMassHomogeneous();
        int iext = model.ParameterIndex("Iext_e");
        var hb = NeuralMassCycles.FirstHopf(model, 12);
        var coefficients = new List<double>();
        foreach (int ncol in new[] { 4, 6 })
        {
            var cycles = PeriodicOrbitContinuation.Run(new PeriodicRun
            {
                Name = "lc", System = model, Parameters = hb.Parameters, Parameter = "Iext_e",
                Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
                Options = new ContinuationOptions { Ds = 0.01, DsMax = 0.2 }, Discretisation = CycleMesh.Uniform(80, ncol),
                Bounds = [new NamedBound("Iext_e", -5, 30)],
            });
            var pds = cycles.SpecialPoints.Where(s => s.Kind == PointKind.PD).ToList();
            Assert.Equal(2, pds.Count);
            foreach (var pd in pds)
            {
                var problem = new PeriodicOrbitProblem(model, pd.Parameters, iext, pd.Cycle!, new CollocationOptions());
                var monodromy = problem.Monodromy(pd.Unknowns);
                double c = PeriodicNormalization.PeriodDoubling(model, pd.Parameters, pd.Cycle!, pd.Profile, pd.Period!.Value, monodromy);
                double map = CycleNormalForms.PeriodDoubling(model, pd.Parameters, pd.State, pd.Period!.Value, monodromy);
                // v(0) of mean square 1, and its component orthogonal to f(x(0)).
                var (_, q) = Continuation.Algebra.Spectrum.TryNearest(monodromy, 6, -1)!.Value;
                var v = problem.Variation(pd.Unknowns, q);
                var weights = new double[v.Length];
                Profiles.AddQuadratureWeights(pd.Cycle!, 6, 6, weights);
                double meanSquare = v.Select((x, i) => weights[i] * x * x).Sum();
                var f = new double[6];
                model.Evaluate(pd.State, pd.Parameters, f);
                double v0 = 0, fv = 0, ff = 0;
                for (int s = 0; s < 6; s++) { v0 += v[s] * v[s]; fv += f[s] * v[s]; ff += f[s] * f[s]; }
                double inSection = (v0 - fv * fv / ff) / meanSquare;
                output.WriteLine($"NCOL {ncol} {pd.Label} at Iext_e = {pd.Parameters[iext]:G8}: c = {c:G8}, c/|v⊥(0)|² = {c / inSection:G8}, map {map:G8}");
                Assert.True(c > 0);
                Assert.Equal(map, c / inSection, 1e-5 * Math.Abs(map));
                coefficients.Add(c);
            }
        }
        // The same cycles on two discretisations: the same coefficients.
        Assert.Equal(coefficients[0], coefficients[2], 1e-6 * coefficients[0]);
        Assert.Equal(coefficients[1], coefficients[3], 1e-6 * coefficients[1]);
    }

    [Theory]
    // With the quadratic path the cubic and quadratic contributions cancel at GPD (the generic way);
    // without it both vanish there and the coefficient is undefined at the point itself.
    [InlineData(true, -0.1)]
    public void PeriodDoublingCurveLocatesTheGeneralisedPeriodDoubling(bool quadratic, double expectedB)
    {
        var pd = FlipAt(0, quadratic);
        Assert.Contains(quadratic ? "supercritical (c = 6.283e-01)" : "subcritical (c = -6.283e-01)", pd.Note);
        var model = new CubicTwist(quadratic);
        var curve = Continuation.Codim2.CurveContinuation.Run(new Continuation.Codim2.CurveRun
        {
            Name = "pd", System = model, Kind = BranchKind.PdCurve, Parameters = pd.Parameters, First = "a", Second = "b",
            Start = new Continuation.Codim2.CurveStart.Cycle(pd.Cycle!, pd.Unknowns, pd.Tangent), Discretisation = Discretisation,
            Options = new ContinuationOptions { Ds = 0.02, DsMax = 0.1, MaxSteps = 100 },
            Bounds = [new NamedBound("a", -1, 1), new NamedBound("b", -0.4, 0.4)],
        });
        var gpd = Assert.Single(curve.SpecialPoints, p => p.Kind == PointKind.GPD);
        output.WriteLine($"GPD at a = {gpd.Parameters[1]:G10}, b = {gpd.Parameters[2]:G10}: {gpd.Note}");
        Assert.Equal(expectedB, gpd.Parameters[2], 1e-6);
        Assert.Equal(expectedB * expectedB, gpd.Parameters[1], 1e-6);
    }
}
