using Tests.Cases;

namespace Tests.Cli;

/// <summary>Stops end every kind of branch at the bound (also one that starts on it) and user values apply to both parameters of a curve.</summary>
public sealed class StopsAndValuesTests
{
    [Fact]
    public void AFoldCurveStartingOnItsBoundStopsThereAndHasUserPointsInBothParameters()
    {
        // x' = μ + λx − x³: folds at μ = ±2(λ/3)^{3/2}, meeting at the cusp (0, 0); started at λ = 1,
        // the upper end of the stop interval, the curve must end at once in the direction that leaves it.
        using var output = new CaseOutput();
        output.RunText("""
            name: cubic
            model:
              parameters: { mu: -2, lambda: 1 }
              equations:
                x: mu + lambda*x - x^3
              initial: { x: -1.5 }
            runs:
              - { name: fp, kind: equilibrium, parameter: mu, stop: { mu: [-2, 2] } }
              - { name: fold, kind: fold-curve, from: fp.LP1, parameters: [mu, lambda], stop: { lambda: [0, 1] }, values: { mu: [0.2], lambda: [0.5] } }
            """);
        var rows = output.Csv("branches/fold.csv");
        Assert.All(rows, r => Assert.InRange(CaseOutput.D(r["lambda"]), -1e-12, 1 + 1e-12));
        var special = output.Csv("special_points.csv").Where(r => r["branch"] == "fold").ToList();
        Assert.Equal(["EP", "UZ", "CP", "UZ", "UZ", "EP"], special.Select(r => r["type"]));
        // User points: λ = 0.5 on both sides of the cusp (μ = ∓2(1/6)^{3/2}), μ = 0.2 once.
        double mu05 = 2 * Math.Pow(0.5 / 3, 1.5);
        Assert.Equal(-mu05, CaseOutput.D(special[1]["mu"]), 1e-9);
        Assert.Equal(0.5, CaseOutput.D(special[1]["lambda"]), 12);
        Assert.Equal(mu05, CaseOutput.D(special[3]["mu"]), 1e-9);
        Assert.Equal(0.2, CaseOutput.D(special[4]["mu"]), 12);
        Assert.Equal(3 * Math.Pow(0.1, 2.0 / 3), CaseOutput.D(special[4]["lambda"]), 1e-9);
        Assert.All(special, r => Assert.Equal("true", r["located"]));
    }

    [Fact]
    public void ACycleBranchStopsAtItsBoundAndOneThatStartsOutsideEndsAtOnce()
    {
        using var output = new CaseOutput();
        output.RunText("""
            name: ab
            model:
              parameters: { p1: 0.0, p2: 14.0, p3: 3.0 }
              equations:
                u1: -u1 + p1*(1 - u1)*exp(u2)
                u2: -u2 + p1*p2*(1 - u1)*exp(u2) - p3*u2
              initial: { u1: 0, u2: 0 }
            numerics: { ntst: 50, ncol: 4 }
            runs:
              - { name: fp, kind: equilibrium, parameter: p1, stop: { p1: [0, 0.25] } }
              - { name: lc, kind: periodic, from: fp.HB1, parameter: p1, numerics: { ds_max: 0.5 }, stop: { p1: [0, 0.25] } }
              - { name: outside, kind: periodic, from: lc.LPC1, parameter: p1, stop: { p1: [0.2, 0.25] } }
            """);
        var special = output.Csv("special_points.csv");
        var lc = special.Where(r => r["branch"] == "lc").ToList();
        Assert.Equal(["LPC", "EP"], lc.Select(r => r["type"]));
        Assert.Equal(0.161696, CaseOutput.D(lc[0]["p1"]), 1e-5); // AUTO-07p's ab demo: 0.16169611699
        Assert.Equal(0.25, CaseOutput.D(lc[1]["p1"]), 12);
        Assert.Contains("bound p1 = 0.25", lc[1]["note"]);
        var outside = Assert.Single(special, r => r["branch"] == "outside");
        Assert.Contains("start outside the stop interval", outside["note"]);
        Assert.Single(output.Csv("branches/outside.csv"));
    }
}
