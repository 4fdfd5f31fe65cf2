using Continuation.Pathfollowing;
using Continuation.Results;
using Continuation.Runs;
using Models;

namespace Tests.Runs;

/// <summary>
/// The C# quick start of README.md, compiled and run here: the code between the markers below is
/// the README's, character for character (a test compares them), so the documentation cannot rot.
/// The Brusselator's Hopf points lie on B = 1 + A².
/// </summary>
public sealed class QuickStartTests
{
    [Fact]
    public void TheQuickStartRunsAndFindsTheBrusselatorsHopfCurve()
    {
        // quick start: begin
        var model = new Brusselator();                                   // x' = A − (B+1)x + x²y, y' = Bx − x²y
        var p = model.DefaultParameters();                               // A = 1, B = 1.5
        var fp = Continue.Equilibria(model, p, "B", [1.0, 1.5],
            new RunSettings { Name = "fp", Bounds = [new("B", 1, 3)] });
        var hb = fp.Find("HB1")!;                                        // at B = 1 + A² = 2
        var lc = Continue.From(fp, "HB1", BranchKind.Periodic, "B",
            new RunSettings { Name = "lc", Bounds = [new("B", 1, 3)] });
        var hopf = Continue.From(fp, "HB1", BranchKind.HopfCurve, "B",
            new RunSettings { Name = "hopf", Bounds = [new("A", 0.5, 2), new("B", 1, 6)] }, second: "A");
        // quick start: end

        Assert.Equal(2.0, hb.Parameters[Brusselator.B], 1e-8);
        Assert.Equal(PointKind.HB, hb.Kind);
        Assert.True(lc.Points.Count > 10 && !lc.Failed, string.Join("; ", lc.Ends.Select(e => e.Note)));
        Assert.All(lc.Points.Skip(1), pt => Assert.True(pt.Period > 0));
        Assert.Equal("fp.HB1", lc.Origin!.From);
        Assert.Equal(["B", "A"], hopf.Origin!.Parameters);
        Assert.False(hopf.Failed);
        Assert.True(hopf.Points.Count > 10);
        foreach (var pt in hopf.Points)
        {
            double a = pt.Parameters[Brusselator.A], b = pt.Parameters[Brusselator.B];
            Assert.Equal(1 + a * a, b, 1e-6);
        }
    }

    [Fact]
    public void TheReadmeShowsTheQuickStartAsItIsTested()
    {
        static string Between(string text, string begin, string end)
        {
            int i = text.IndexOf(begin, StringComparison.Ordinal);
            int j = text.IndexOf(end, i + 1, StringComparison.Ordinal);
            Assert.True(i >= 0 && j > i, $"markers '{begin}' … '{end}' not found");
            var lines = text[(i + begin.Length)..j].Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
            return string.Join("\n", lines);
        }
        string test = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Tests", "Runs", "QuickStartTests.cs"));
        string readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        string code = Between(test, "// quick start: begin", "// quick start: end");
        Assert.Equal(code, Between(readme, "// quick start: begin", "// quick start: end"));
    }
}
