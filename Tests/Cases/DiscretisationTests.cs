using Continuation.Cli.Cases;

namespace Tests.Cases;

/// <summary>
/// The discretisation of a run that starts from a cycle: inherited from the cycle unless the run
/// gives its own ntst or ncol, and then honoured (the start cycle moved onto the run's mesh), never
/// silently replaced.
/// </summary>
public sealed class DiscretisationTests
{
    const string Head = """
        name: mesh
        model: NextGenNeuralMass.Homogeneous
        parameters: { Iext_e: -5.0, eps: 12.0 }
        start: { integrate: { t_end: 5000 } }
        numerics: { ds: 0.01, ds_min: 1.0e-5, ds_max: 0.1 }
        runs:
          - { name: fp, kind: equilibrium, parameter: Iext_e, stop: { Iext_e: [-5, 20] } }
          - { name: lc, kind: periodic, from: fp.HB1, parameter: Iext_e, numerics: { ds_max: 0.2, ntst: 60, ncol: 5 }, stop: { Iext_e: [-5, 20] } }

        """;

    static RunSpec Read(string lastRun)
    {
        string path = Path.Combine(Path.GetTempPath(), "cont-mesh-" + Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, Head + "  - " + lastRun + "\n");
        try { return CaseReader.Read(path, name => global::Models.ModelCatalog.TryGet(name, out var m) ? m : null).Runs[^1]; }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("{ name: pd, kind: pd-curve, from: lc.PD1, parameters: [Iext_e, eps] }", 60, 5)]
    [InlineData("{ name: pd, kind: pd-curve, from: lc.PD1, parameters: [Iext_e, eps], numerics: { ntst: 80 } }", 80, 5)]
    [InlineData("{ name: pd, kind: pd-curve, from: lc.PD1, parameters: [Iext_e, eps], numerics: { ncol: 7 } }", 60, 7)]
    [InlineData("{ name: lc2, kind: periodic, from: lc.PD1, parameter: Iext_e }", 60, 5)]
    [InlineData("{ name: lc2, kind: periodic, from: lc.PD1, parameter: Iext_e, numerics: { ntst: 120 } }", 120, 5)]
    // Not from a cycle: the case's numerics (defaults here).
    [InlineData("{ name: fp2, kind: equilibrium, from: fp.HB1, parameter: eps }", 100, 4)]
    public void ARunFromACycleKeepsItsMeshUnlessItGivesItsOwn(string run, int ntst, int ncol)
    {
        var spec = Read(run);
        Assert.Equal(ntst, spec.Discretisation.Intervals);
        Assert.Equal(ncol, spec.Discretisation.Degree);
    }

    [Fact]
    public void APeriodDoublingCurveOnItsOwnMeshIsTheSameCurve()
    {
        // The same PD curve from lc.PD1 (ntst 60, ncol 5) on the cycle's mesh and on a finer one of its own.
        using var output = new CaseOutput();
        output.RunText(Head + """
              - { name: same, kind: pd-curve, from: lc.PD1, parameters: [Iext_e, eps], direction: forward, stop: { max_steps: 15 } }
              - { name: finer, kind: pd-curve, from: lc.PD1, parameters: [Iext_e, eps], direction: forward, numerics: { ntst: 90, ncol: 7 }, stop: { max_steps: 15 } }

            """);
        var same = output.Csv("branches/same.csv");
        var finer = output.Csv("branches/finer.csv");
        Assert.True(same.Count > 10 && finer.Count > 10);
        // Both start where the cycle doubles (the finer one's start moved onto its mesh, adapted to the profile, then corrected).
        Assert.Equal(12.0, CaseOutput.D(finer[0]["eps"]), 1e-6);
        Assert.Equal(CaseOutput.D(same[0]["Iext_e"]), CaseOutput.D(finer[0]["Iext_e"]), 1e-9);
        // Along the finer one, a Floquet multiplier sits at -1 (modulus 1 among the moduli, the trivial one aside) …
        foreach (var row in finer)
            Assert.True(Enumerable.Range(1, 6).Count(i => Math.Abs(CaseOutput.D(row[$"floquet_{i}"]) - 1) < 1e-4) >= 2, $"no multiplier at -1 at eps = {row["eps"]}");
        // … and it is the same curve: each of its points lies on the polyline of the other (to discretisation accuracy).
        var polyline = same.Select(r => (X: CaseOutput.D(r["Iext_e"]), Y: CaseOutput.D(r["eps"]))).ToList();
        foreach (var row in finer)
        {
            var (x, y) = (CaseOutput.D(row["Iext_e"]), CaseOutput.D(row["eps"]));
            double distance = polyline.Zip(polyline.Skip(1)).Min(seg => Distance(x, y, seg.First, seg.Second));
            Assert.True(distance < 1e-5, $"(Iext_e, eps) = ({x}, {y}) is {distance:G3} from the curve on the cycle's mesh");
        }
    }

    /// <summary>Distance from (x, y) to the segment from a to b.</summary>
    static double Distance(double x, double y, (double X, double Y) a, (double X, double Y) b)
    {
        double dx = b.X - a.X, dy = b.Y - a.Y, len2 = dx * dx + dy * dy;
        double t = len2 == 0 ? 0 : Math.Clamp(((x - a.X) * dx + (y - a.Y) * dy) / len2, 0, 1);
        return Math.Sqrt(Math.Pow(x - a.X - t * dx, 2) + Math.Pow(y - a.Y - t * dy, 2));
    }
}
