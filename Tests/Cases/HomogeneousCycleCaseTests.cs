using System.Text.Json;

namespace Tests.Cases;

/// <summary>
/// Cycle branches of the homogeneous neural-mass model against AUTO-07p's values in
/// ../shared/reference/auto-homogeneous.json (NTST = 100, NCOL = 7).
/// </summary>
public sealed class HomogeneousCycleCaseTests
{
    static JsonElement Reference()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Shared, "reference", "auto-homogeneous.json")));
        return doc.RootElement.Clone();
    }

    [Fact]
    public void Eps0CycleRunsFromTheFirstToTheSecondHopfPointAndStops()
    {
        using var output = new CaseOutput();
        output.Run(RepositoryPaths.Case("homogeneous-iext-eps0.yaml"));
        var hb2 = Reference().GetProperty("equilibria").EnumerateArray()
            .First(e => e.GetProperty("eps").GetDouble() == 0 && e.GetProperty("Iext_e").GetDouble() > 60);
        var special = output.Csv("special_points.csv").Where(r => r["branch"] == "lc1").ToList();
        // One lap: no fold or branch point of cycles, just the end at the second Hopf point.
        var end = Assert.Single(special);
        Assert.Equal("EP", end["type"]);
        Assert.Contains("Hopf", end["note"]);
        Assert.Equal(hb2.GetProperty("Iext_e").GetDouble(), CaseOutput.D(end["Iext_e"]), 1e-4);
        Assert.Equal(hb2.GetProperty("period").GetDouble(), CaseOutput.D(end["period"]), 1e-4);

        var branch = output.Csv("branches/lc1.csv");
        Assert.Equal(37.325895, CaseOutput.D(branch[0]["period"]), 1e-3);
        Assert.True(branch.Count > 50);
        // Every stable cycle has its trivial multiplier within 1e-6 of 1, and the moduli are reported.
        foreach (var row in branch.Where(r => r["stable"] == "true" && r["trivial_error"] != ""))
            Assert.True(CaseOutput.D(row["trivial_error"]) < 1e-6, $"trivial multiplier off by {row["trivial_error"]} at Iext_e = {row["Iext_e"]}");
        Assert.All(branch.Skip(1), r => Assert.NotEqual("", r["floquet_1"]));
        // Amplitude grows from zero: v_e_max − v_e_min is positive inside the branch.
        var mid = branch[branch.Count / 2];
        Assert.True(CaseOutput.D(mid["v_e_max"]) - CaseOutput.D(mid["v_e_min"]) > 0.5);
        Assert.Equal(1000 / CaseOutput.D(mid["period"]), CaseOutput.D(mid["freq_hz"]), 1e-9);
    }

    [Fact]
    public void Eps12PrimaryCycleHasAutosPeriodDoublingsAndSwitchesOntoTheDoubledCycle()
    {
        using var output = new CaseOutput();
        output.RunText("""
            name: eps12
            model: NextGenNeuralMass.Homogeneous
            parameters: { Iext_e: -5.0, eps: 12.0 }
            start: { integrate: { t_end: 5000 } }
            numerics: { ds: 0.01, ds_min: 1.0e-5, ds_max: 0.1, ntst: 100, ncol: 7 }
            outputs:
              - { name: v_e_min, min: v_e }
              - { name: v_e_max, max: v_e }
            runs:
              - { name: fp, kind: equilibrium, parameter: Iext_e, stop: { Iext_e: [-5, 15] } }
              - { name: lc1, kind: periodic, from: fp.HB1, parameter: Iext_e, numerics: { ds_max: 0.2 }, stop: { Iext_e: [-5, 15] } }
              - { name: lc2, kind: periodic, from: lc1.PD1, parameter: Iext_e, numerics: { ds_max: 0.2, ntst: 60, ncol: 5 }, stop: { Iext_e: [-5, 15], max_steps: 80 } }
            """);
        var expected = Reference().GetProperty("cycles").EnumerateArray()
            .Where(c => c.GetProperty("eps").GetDouble() == 12 && c.TryGetProperty("type", out var t) && t.GetString() == "PD").ToList();
        Assert.Equal(2, expected.Count);
        var special = output.Csv("special_points.csv");
        var pd = special.Where(r => r["branch"] == "lc1" && r["type"] == "PD").ToList();
        Assert.Equal(2, pd.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(expected[i].GetProperty("Iext_e").GetDouble(), CaseOutput.D(pd[i]["Iext_e"]), 1e-3);
            Assert.Equal(expected[i].GetProperty("period").GetDouble(), CaseOutput.D(pd[i]["period"]), 1e-3);
            Assert.Equal(expected[i].GetProperty("v_e_min").GetDouble(), CaseOutput.D(pd[i]["v_e_min"]), 1e-3);
            Assert.Equal(expected[i].GetProperty("v_e_max").GetDouble(), CaseOutput.D(pd[i]["v_e_max"]), 1e-3);
            Assert.Contains("multipliers", pd[i]["note"]);
            Assert.Contains(" -1 ", pd[i]["note"] + " ");
        }
        // The doubled branch starts on the doubled orbit and period-doubles again inside (PD1, PD2).
        var lc2 = output.Csv("branches/lc2.csv");
        Assert.Equal(2 * CaseOutput.D(pd[0]["period"]), CaseOutput.D(lc2[0]["period"]), 1e-6);
        var pd2 = special.First(r => r["branch"] == "lc2" && r["type"] == "PD");
        Assert.InRange(CaseOutput.D(pd2["Iext_e"]), CaseOutput.D(pd[0]["Iext_e"]), CaseOutput.D(pd[1]["Iext_e"]));
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    public void Eps15PrimaryCycleHasAutosFourFoldsOfCycles(double dsMax)
    {
        // AUTO-07p's four LPC of the eps = 15 cycle branch from HB1 (NTST 100, NCOL 7): two of them
        // 0.0024 apart in I_ext^E, the last one where the branch turns back towards the second Hopf point.
        using var output = new CaseOutput();
        output.RunText($$"""
            name: eps15
            model: NextGenNeuralMass.Homogeneous
            parameters: { Iext_e: -5.0, eps: 15.0 }
            start: { integrate: { t_end: 5000 } }
            numerics: { ds: 0.01, ds_min: 1.0e-5, ds_max: 0.1, ntst: 100, ncol: 7 }
            runs:
              - { name: fp, kind: equilibrium, parameter: Iext_e, stop: { Iext_e: [-5, 20] } }
              - { name: lc1, kind: periodic, from: fp.HB1, parameter: Iext_e, numerics: { ds_max: {{dsMax.ToString(System.Globalization.CultureInfo.InvariantCulture)}} }, stop: { Iext_e: [-5, 20], period: 300 } }
            """);
        var lpc = output.Csv("special_points.csv").Where(r => r["branch"] == "lc1" && r["type"] == "LPC").ToList();
        double[] auto = [8.037666, 8.035258, 10.098524, 9.804483];
        Assert.Equal(auto.Length, lpc.Count);
        for (int i = 0; i < auto.Length; i++)
        {
            Assert.Equal(auto[i], CaseOutput.D(lpc[i]["Iext_e"]), 1e-4);
            Assert.Equal("true", lpc[i]["located"]);
        }
        var end = output.Csv("special_points.csv").Last(r => r["branch"] == "lc1");
        Assert.Contains("Hopf", end["note"]);
    }

    [Fact]
    public void Eps14DoubledCycleHasBothItsPeriodDoublingsAndEndsOnThePrimarysSecond()
    {
        // The doubled cycle born at the primary's PD1 doubles twice more before it meets the primary
        // again at its PD2, where the two halves of the doubled cycle coincide: the branch ends there.
        using var output = new CaseOutput();
        output.RunText("""
            name: eps14
            model: NextGenNeuralMass.Homogeneous
            parameters: { Iext_e: -5.0, eps: 14.0 }
            start: { integrate: { t_end: 5000 } }
            numerics: { ds: 0.01, ds_min: 1.0e-5, ds_max: 0.1, ntst: 100, ncol: 7 }
            runs:
              - { name: fp, kind: equilibrium, parameter: Iext_e, stop: { Iext_e: [-5, 20] } }
              - { name: lc, kind: periodic, from: fp.HB1, parameter: Iext_e, numerics: { ds_max: 0.2 }, stop: { Iext_e: [-5, 20] } }
              - { name: lc2, kind: periodic, from: lc.PD1, parameter: Iext_e, numerics: { ds_max: 0.2 }, stop: { Iext_e: [-5, 20] } }
            """);
        var special = output.Csv("special_points.csv");
        var primary = special.Where(r => r["branch"] == "lc" && r["type"] == "PD").ToList();
        Assert.Equal(2, primary.Count);
        var doubled = special.Where(r => r["branch"] == "lc2").ToList();
        Assert.Equal(["PD", "PD", "EP"], doubled.Select(r => r["type"]));
        Assert.All(doubled, r => Assert.Equal("true", r["located"]));
        Assert.InRange(CaseOutput.D(doubled[0]["Iext_e"]), CaseOutput.D(primary[0]["Iext_e"]), CaseOutput.D(primary[1]["Iext_e"]));
        Assert.InRange(CaseOutput.D(doubled[1]["Iext_e"]), CaseOutput.D(doubled[0]["Iext_e"]), CaseOutput.D(primary[1]["Iext_e"]));
        Assert.Contains("returned onto the primary", doubled[2]["note"]);
        Assert.Equal(CaseOutput.D(primary[1]["Iext_e"]), CaseOutput.D(doubled[2]["Iext_e"]), 1e-6);
        Assert.Equal(2 * CaseOutput.D(primary[1]["period"]), CaseOutput.D(doubled[2]["period"]), 1e-5);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Eps30CycleIsTracedFromTheFirstHopfPointToTheSecondThroughItsFoldsAndDoublings()
    {
        // The paper's overlay at eps = 30 (Cases/homogeneous-iext-overlay.yaml): the cycle born at HB1 passes
        // close to a homoclinic orbit (long periods, multipliers spanning many orders) and ends at HB2.
        var overlay = File.ReadAllLines(RepositoryPaths.Case("homogeneous-iext-overlay.yaml"));
        string Run(string name) => overlay.Single(l => l.Contains($"{{ name: {name},", StringComparison.Ordinal));
        using var output = new CaseOutput();
        output.RunText($$"""
            name: eps30
            model: NextGenNeuralMass.Homogeneous
            parameters: { Iext_e: -5.0, eps: 12.0 }
            start: { integrate: { t_end: 5000 } }
            numerics: { ds: 0.01, ds_min: 1.0e-5, ds_max: 0.1, ntst: 100, ncol: 7 }
            runs:
            {{Run("fp30")}}
            {{Run("lc30")}}
            """);
        var special = output.Csv("special_points.csv");
        var hb = special.Where(r => r["branch"] == "fp30" && r["type"] == "HB").ToList();
        Assert.Equal(2, hb.Count);
        var cycle = special.Where(r => r["branch"] == "lc30").ToList();
        // Every point is located, except crossings behind points near the homoclinic orbit whose multipliers
        // (spanning ten orders and more) are not trusted: those are reported with their bracket.
        Assert.All(cycle, r => Assert.True(r["located"] == "true"
            || (BundledCaseSpecialPointTests.HiddenByUntrustedStability(r["note"]) && CaseOutput.D(r["period"]) > 50),
            $"{r["label"]} at Iext_e = {r["Iext_e"]} not located: {r["note"]}"));
        Assert.True(cycle.Count(r => r["type"] == "LPC") >= 10, $"{cycle.Count(r => r["type"] == "LPC")} folds of cycles");
        Assert.True(cycle.Count(r => r["type"] == "PD") >= 4, $"{cycle.Count(r => r["type"] == "PD")} period doublings");
        var end = cycle[^1];
        Assert.Equal("EP", end["type"]);
        Assert.Contains("Hopf", end["note"]);
        Assert.Equal(CaseOutput.D(hb[1]["Iext_e"]), CaseOutput.D(end["Iext_e"]), 1e-3);
        // Near the homoclinic orbit the period grows large.
        var branch = output.Csv("branches/lc30.csv");
        Assert.True(branch.Max(r => CaseOutput.D(r["period"])) > 100, "no long-period cycles near the homoclinic orbit");
    }
}
