using System.Text.Json;
using Tests.Cases;

namespace Tests.Cli;

/// <summary>
/// An <c>ns-curve</c> run through the CLI, on a model written as equations: a Stuart–Landau cycle of
/// period 2π times a focus of rate a − b² and frequency (1 + b)/4, whose torus curve is a = b² with
/// rotation angle θ = π(1 + b)/2 (R4 at b = 0, R3 at b = 1/3).
/// </summary>
public sealed class TorusCurveCliTests
{
    const string Case = """
        name: cycle-times-focus
        model:
          name: cycle-times-focus
          parameters: { beta: -1, a: -0.5, b: 0.2 }
          where:
            r2: x^2 + y^2
            mu: a - b^2
            omega: (1 + b)/4
          equations:
            x: beta*x - y - x*r2
            y: x + beta*y - y*r2
            z: mu*z - omega*w
            w: omega*z + mu*w
        numerics: { ntst: 20, ncol: 4, ds: 0.02, ds_max: 0.1 }
        runs:
          - { name: fp, kind: equilibrium, parameter: beta, stop: { beta: [-1, 0.5] } }
          - { name: lc, kind: periodic, from: fp.HB1, parameter: beta, stop: { beta: [-1, 1.5] }, values: { beta: [1] } }
          - { name: lca, kind: periodic, from: lc.UZ1, parameter: a, numerics: { ds_max: 0.2 }, stop: { a: [-0.5, 0.5] } }
          - { name: ns, kind: ns-curve, from: lca.NS1, parameters: [a, b], stop: { b: [-0.6, 0.5] } }
        """;

    [Fact]
    public void ATorusCurveFromALabelledNeimarkSackerPointIsWrittenWithItsResonances()
    {
        using var output = new CaseOutput();
        output.RunText(Case);

        var rows = output.Csv(Path.Combine("branches", "ns.csv"));
        Assert.Equal(["index", "type", "stable", "n_unstable", "beta", "a", "b", "period", "x", "y", "z", "w", "l2norm",
            "floquet_1", "floquet_2", "floquet_3", "floquet_4", "trivial_error"], rows[0].Keys);
        Assert.True(rows.Count > 10);
        foreach (var r in rows)
        {
            double a = CaseOutput.D(r["a"]), b = CaseOutput.D(r["b"]);
            Assert.Equal(b * b, a, 1e-6);
            Assert.Equal(1.0, CaseOutput.D(r["beta"]));
            Assert.Equal(2 * Math.PI, CaseOutput.D(r["period"]), 1e-6);
            Assert.True(CaseOutput.D(r["trivial_error"]) < 1e-6);
        }
        // In order along the curve: the bound b = −0.6, R4, R3, the bound b = 0.5.
        var special = output.Csv("special_points.csv").Where(r => r["branch"] == "ns").ToList();
        Assert.Equal(["EP", "R4", "R3", "EP"], special.Select(r => r["type"]));
        var r4 = special[1];
        Assert.Equal(0.0, CaseOutput.D(r4["b"]), 1e-6);
        Assert.Equal(0.0, CaseOutput.D(r4["a"]), 1e-6);
        Assert.Contains("theta = 1.5707963", r4["note"]);
        var r3 = special[2];
        Assert.Equal(1.0 / 3, CaseOutput.D(r3["b"]), 1e-6);
        Assert.Equal(1.0 / 9, CaseOutput.D(r3["a"]), 1e-6);
        Assert.Contains("theta = 2.0943951", r3["note"]);
        Assert.Contains("multipliers", r3["note"]);
        Assert.Equal(-0.6, CaseOutput.D(special[0]["b"]), 12);
        Assert.Equal(0.5, CaseOutput.D(special[3]["b"]), 12);

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output.Directory, "summary.json")));
        var branch = summary.RootElement.GetProperty("branches").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "ns");
        Assert.Equal("ns-curve", branch.GetProperty("kind").GetString());
        Assert.Equal(["a", "b"], branch.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()));
        Assert.False(branch.GetProperty("failed").GetBoolean());
        Assert.True(File.Exists(Path.Combine(output.Directory, "two-parameter-a-b.png")));
    }
}
