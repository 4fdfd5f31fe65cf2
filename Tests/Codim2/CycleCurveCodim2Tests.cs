using Continuation.Codim2;
using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;
using Tests.PeriodicOrbits;
using Xunit.Abstractions;

namespace Tests.Codim2;

/// <summary>
/// Codimension-two points on fold-of-cycles (R1, LPPD, LPNS) and period-doubling (LPPD, R2, PDNS)
/// curves, on a cycle times linear blocks whose Floquet multipliers are known in closed form, so
/// each point's parameters are exact.
/// </summary>
public class CycleCurveCodim2Tests(ITestOutputHelper output)
{
    /// <summary>
    /// A planar cycle (x, y) of period 2π, times: a half-turn twist (p, q) with multipliers
    /// −e^{2πα} and −e^{2πβ}; a line s' = γs with multiplier e^{2πγ}; a focus (w, v) with
    /// multipliers e^{2π(δ ± iΩ)}, Ω = 0.3 (the multipliers hold on cycles of radius 1). With <c>fold</c> the cycle is r' = r(c + 2r² − r⁴)
    /// (a fold of cycles at c = −1, r = 1, born at the subcritical Hopf point c = 0) and
    /// α = a − 0.5 (LPPD at a = 0.5), β = −1, γ = a + 0.3 (R1 at a = −0.3), δ = a − 0.8 (LPNS at a = 0.8)
    /// on the fold-of-cycles curve c = −1 in (a, c). Otherwise r' = r(c − r²) (radius 1 at c = 1) and
    /// α = a − b² (the period-doubling curve a = b²), β = b − 0.5 (R2 at b = 0.5), γ = b + 0.3 (LPPD at
    /// b = −0.3), δ = b − 0.8 (PDNS at b = 0.8).
    /// </summary>
    sealed class CycleTimesBlocks(bool fold) : OdeSystem
    {
        public override string Name => fold ? "cycle-fold-blocks" : "cycle-flip-blocks";
        public override IReadOnlyList<string> StateNames => ["x", "y", "p", "q", "s", "w", "v"];
        public override IReadOnlyList<Parameter> Parameters => [new("c", -0.5), new("a", 0), new("b", 0)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            double x = u[0], y = u[1], r2 = x * x + y * y, c = p[0], a = p[1], b = p[2];
            double g = fold ? c + 2 * r2 - r2 * r2 : c - r2;
            du[0] = g * x - y;
            du[1] = x + g * y;
            double alpha = fold ? a - 0.5 : a - b * b, beta = fold ? -1 : b - 0.5;
            double gamma = fold ? a + 0.3 : b + 0.3, delta = fold ? a - 0.8 : b - 0.8;
            // ξ' = J/2 ξ + R(φ/2) diag(α, β) R(−φ/2) ξ with (cos φ, sin φ) = (x, y) on the cycles of radius 1
            // (where the curves are; elsewhere the rates scale with r, and the zero state stays an equilibrium).
            double cs = x, sn = y, mean = 0.5 * (alpha + beta), diff = 0.5 * (alpha - beta);
            du[2] = mean * u[2] - 0.5 * u[3] + diff * (cs * u[2] + sn * u[3]);
            du[3] = 0.5 * u[2] + mean * u[3] + diff * (sn * u[2] - cs * u[3]);
            du[4] = gamma * u[4];
            du[5] = delta * u[5] - 0.3 * u[6];
            du[6] = 0.3 * u[5] + delta * u[6];
        }
    }

    // The twist's second multiplier carries a discretisation error of 6e-5 at NTST 20 (R2 off by 1e-5 in b); 40 intervals resolve it.
    static readonly CycleMesh Discretisation = CycleMesh.Uniform(40, 4);

    /// <summary>The cycles born at the Hopf point c = 0, followed in c from the zero state at c = −0.5 (with a and b as given).</summary>
    static Branch CyclesInC(CycleTimesBlocks model, double a, double b, double cMax)
    {
        var p = model.DefaultParameters();
        p[1] = a;
        p[2] = b;
        return ProductCycles.FromHopf(model, p, Discretisation, cMax);
    }

    Branch Curve(CycleTimesBlocks model, BranchKind kind, BranchPoint start, string first, string second, double min, double max, double dsMax = 0.1) => CurveContinuation.Run(new CurveRun
    {
        Name = kind == BranchKind.LpcCurve ? "lpc" : "pd", System = model, Kind = kind, Parameters = start.Parameters, First = first, Second = second,
        Start = new CurveStart.Cycle(start.Cycle!, start.Unknowns, start.Tangent), Discretisation = Discretisation,
        Options = new ContinuationOptions { Ds = 0.02, DsMax = dsMax, MaxSteps = 300 },
        Bounds = [new NamedBound(first, -1.5, 1.5), new NamedBound(second, min, max)],
    });

    void Print(Branch curve)
    {
        foreach (var s in curve.SpecialPoints)
            output.WriteLine($"{s.Label}: c = {s.Parameters[0]:F9}, a = {s.Parameters[1]:F9}, b = {s.Parameters[2]:F9}  {s.Note}");
    }

    /// <summary>
    /// R1 (here) and R2 (below) are singular points of the curves' own systems (a Jordan block at the
    /// pinned multiplier): the corrector fails arbitrarily close to them. The curves must cross them
    /// at every step size, not crawl into them (at ds_max 0.15 and 0.2, and at 0.1 with other rounding,
    /// the period-doubling curve once ended at R2, "no convergence at ds_min").
    /// </summary>
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.05)]
    [InlineData(0.15)]
    [InlineData(0.2)]
    public void FoldOfCyclesCurveLocatesR1LppdAndLpns(double dsMax)
    {
        var model = new CycleTimesBlocks(fold: true);
        var cycles = CyclesInC(model, a: 0, b: 0, cMax: 0.5);
        var lpc = cycles.SpecialPoints.First(s => s.Kind == PointKind.LPC);
        Assert.Equal(-1, lpc.Parameters[0], 1e-7);
        // The fold-of-cycles curve in (a, c) is c = −1 for every a.
        var curve = Curve(model, BranchKind.LpcCurve, lpc, "a", "c", -1.5, 0.5, dsMax);
        Print(curve);
        Assert.False(curve.Failed, string.Join("; ", curve.Ends.Select(e => e.Note)));
        Assert.All(curve.Points, p => Assert.Equal(-1, p.Parameters[0], 1e-6));
        var r1 = Assert.Single(curve.SpecialPoints, s => s.Kind == PointKind.R1);
        Assert.Equal(-0.3, r1.Parameters[1], 1e-6);
        var lppd = Assert.Single(curve.SpecialPoints, s => s.Kind == PointKind.LPPD);
        Assert.Equal(0.5, lppd.Parameters[1], 1e-6);
        var lpns = Assert.Single(curve.SpecialPoints, s => s.Kind == PointKind.LPNS);
        Assert.Equal(0.8, lpns.Parameters[1], 1e-6);
        Assert.Contains("theta = " + (0.6 * Math.PI).ToString("G6", System.Globalization.CultureInfo.InvariantCulture)[..5], lpns.Note);
        // The cycle's multipliers along the curve: the trivial and the fold's at +1, stability from the others.
        Assert.All(curve.Points, p => Assert.Equal(7, p.Analysis.Spectrum.Length));
        Assert.True(curve.Points.First(p => p.Parameters[1] < -0.5).Analysis.Stable);
        Assert.False(curve.Points.First(p => p.Parameters[1] > 0).Analysis.Stable);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.05)]
    [InlineData(0.15)]
    [InlineData(0.2)]
    public void PeriodDoublingCurveLocatesLppdR2AndPdns(double dsMax)
    {
        var model = new CycleTimesBlocks(fold: false);
        var p = model.DefaultParameters();
        p[1] = -0.5;
        var inA = ProductCycles.UnitCycleIn(model, p, "a", Discretisation);
        var pd = Assert.Single(inA.SpecialPoints, s => s.Kind == PointKind.PD);
        Assert.Equal(0, pd.Parameters[1], 1e-7);
        var curve = Curve(model, BranchKind.PdCurve, pd, "a", "b", -1, 1, dsMax);
        Print(curve);
        Assert.False(curve.Failed, string.Join("; ", curve.Ends.Select(e => e.Note)));
        Assert.All(curve.Points, p => Assert.Equal(p.Parameters[2] * p.Parameters[2], p.Parameters[1], 1e-6));
        var lppd = Assert.Single(curve.SpecialPoints, s => s.Kind == PointKind.LPPD);
        Assert.Equal(-0.3, lppd.Parameters[2], 1e-6);
        var r2 = Assert.Single(curve.SpecialPoints, s => s.Kind == PointKind.R2);
        Assert.Equal(0.5, r2.Parameters[2], 1e-6);
        Assert.Equal(0.25, r2.Parameters[1], 1e-6);
        var pdns = Assert.Single(curve.SpecialPoints, s => s.Kind == PointKind.PDNS);
        Assert.Equal(0.8, pdns.Parameters[2], 1e-6);
        Assert.Equal(0.64, pdns.Parameters[1], 1e-6);
    }
}
