using System.Globalization;
using System.Text.Json;
using Continuation.Cli;

namespace Tests.Cases;

/// <summary>
/// The bundled ε = 0 case end to end through the CLI, against AUTO-07p's values in
/// ../shared/reference/auto-homogeneous.json.
/// </summary>
public sealed class HomogeneousEps0CaseTests : IDisposable
{
    readonly string _out = Path.Combine(Path.GetTempPath(), "cont-eps0-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }

    static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => l.Split(','))
            .Select(cells => header.Zip(cells).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void FindsExactlyAutosTwoHopfPoints()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(["run", RepositoryPaths.Case("homogeneous-iext-eps0.yaml"), "--out", _out, "--quiet"], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());

        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Shared, "reference", "auto-homogeneous.json")));
        var expected = reference.RootElement.GetProperty("equilibria").EnumerateArray()
            .Where(e => e.GetProperty("eps").GetDouble() == 0 && e.GetProperty("type").GetString() == "HB")
            .ToList();
        Assert.Equal(2, expected.Count);

        var special = ReadCsv(Path.Combine(_out, "special_points.csv"));
        var hopf = special.Where(r => r["branch"] == "fp" && r["type"] == "HB").ToList();
        Assert.Equal(2, hopf.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(expected[i].GetProperty("Iext_e").GetDouble(), D(hopf[i]["Iext_e"]), 1e-5);
            Assert.Equal(expected[i].GetProperty("v_e").GetDouble(), D(hopf[i]["v_e"]), 1e-5);
            Assert.Equal(expected[i].GetProperty("period").GetDouble(), D(hopf[i]["period"]), 1e-3);
            Assert.Equal(2 * Math.PI / D(hopf[i]["omega"]), D(hopf[i]["period"]), 1e-9);
            Assert.True(D(hopf[i]["l1"]) < 0, "both Hopf points of the gamma rhythm are supercritical");
        }

        // The branch file: stable before HB1, unstable (one complex pair) between, stable after HB2.
        var branch = ReadCsv(Path.Combine(_out, "branches", "fp.csv"));
        int hb1 = int.Parse(hopf[0]["index"]), hb2 = int.Parse(hopf[1]["index"]);
        Assert.Equal("HB", branch[hb1]["type"]);
        Assert.All(branch.Take(hb1 - 1), r => Assert.Equal("true", r["stable"]));
        Assert.All(branch.Skip(hb1 + 1).Take(hb2 - hb1 - 2), r => Assert.Equal("2", r["n_unstable"]));
        Assert.All(branch.Skip(hb2 + 1), r => Assert.Equal("true", r["stable"]));
        Assert.Equal(-5.0, D(branch[0]["Iext_e"]));
        Assert.Equal("EP", branch[^1]["type"]);
        Assert.Equal(100.0, D(branch[^1]["Iext_e"]));

        // User values are exact and labelled in order.
        Assert.Equal([2.0, 4.0, 10.0], special.Where(r => r["type"] == "UZ").Select(r => D(r["Iext_e"])));

        var summary = File.ReadAllText(Path.Combine(_out, "summary.json"));
        using var json = JsonDocument.Parse(summary);
        Assert.True(json.RootElement.GetProperty("complete").GetBoolean());
        var fp = json.RootElement.GetProperty("branches")[0];
        Assert.Equal(branch.Count, fp.GetProperty("points").GetInt32());
        Assert.Equal(["UZ1", "UZ2", "HB1", "UZ3", "HB2", "EP1"],
            fp.GetProperty("special_points").EnumerateArray().Select(s => s.GetProperty("label").GetString()));
    }
}
