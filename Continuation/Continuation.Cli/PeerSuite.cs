using System.Diagnostics;
using System.Globalization;
using Plots;

namespace Continuation.Cli;

/// <summary>
/// The peer suite: AUTO-07p's public demos written as case files (<c>Tests/Peer/&lt;demo&gt;.yaml</c>)
/// with AUTO's special points as the reference (<c>&lt;demo&gt;.reference.csv</c>: branch, type,
/// parameter, value, tolerance, expect, note). Every reference row with <c>expect = match</c> must
/// find, on that branch, a special point of that type within the tolerance, located; rows marked
/// <c>differs</c> are known differences, explained in their note and reported, not failed.
/// </summary>
public static class PeerSuite
{
    /// <summary>One reference row and what was found for it.</summary>
    public sealed record Row(string Demo, string Branch, string Type, string Parameter, double Value, double Tolerance, bool Expected, string Note)
    {
        /// <summary>Our value of the matched point, or null.</summary>
        public double? Ours { get; init; }
        /// <summary>Our point was found but is not located (its note says why).</summary>
        public bool Unlocated { get; init; }
        public bool Passed => Ours is { } v && Math.Abs(v - Value) <= Tolerance && !Unlocated;
    }

    /// <summary>The result of one demo.</summary>
    public sealed record DemoResult(string Demo, int ExitCode, double Seconds, IReadOnlyList<Row> Rows, int Extra, string? Error)
    {
        public bool Passed => Error is null && Rows.Where(r => r.Expected).All(r => r.Passed);
    }

    /// <summary>The demos in <paramref name="directory"/> (every <c>*.yaml</c> with a reference beside it).</summary>
    public static IReadOnlyList<string> Demos(string directory) => Directory.GetFiles(directory, "*.yaml")
        .Where(f => File.Exists(Path.ChangeExtension(f, ".reference.csv")))
        .Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToList();

    /// <summary>Runs the demo's case into <paramref name="output"/> and compares its special points with the reference.</summary>
    public static DemoResult Run(string directory, string demo, string output)
        => RunCase(Path.Combine(directory, demo + ".yaml"), Path.Combine(directory, demo + ".reference.csv"), demo, output);

    /// <summary>
    /// Runs <paramref name="casePath"/> into <paramref name="output"/> and compares its special points with the
    /// reference rows of the branches the case has (<paramref name="onlyItsBranches"/>) or of every branch.
    /// </summary>
    public static DemoResult RunCase(string casePath, string referencePath, string demo, string output, bool onlyItsBranches = false)
    {
        var clock = Stopwatch.StartNew();
        var log = new StringWriter();
        int code = Program.Run(["run", casePath, "--out", output, "--quiet", "--no-plots"], new StringWriter(), log);
        double seconds = clock.Elapsed.TotalSeconds;
        var reference = Table.Read(referencePath);
        string special = Path.Combine(output, "special_points.csv");
        if (code is not (ExitCodes.Success or ExitCodes.BranchFailed) || !File.Exists(special))
            return new DemoResult(demo, code, seconds, [], 0, $"exit code {code}: {log.ToString().Trim()}");
        var ours = Table.Read(special);
        var branches = Directory.GetFiles(Path.Combine(output, "branches"), "*.csv").Select(Path.GetFileNameWithoutExtension).ToHashSet();
        var used = new HashSet<int>();
        var rows = new List<Row>();
        for (int i = 0; i < reference.Rows.Count; i++)
        {
            if (onlyItsBranches && !branches.Contains(reference.Text(i, "branch"))) continue;
            var row = new Row(demo, reference.Text(i, "branch"), reference.Text(i, "type"), reference.Text(i, "parameter"),
                Number(reference.Text(i, "value")), Number(reference.Text(i, "tolerance")), reference.Text(i, "expect") == "match",
                reference.Text(i, "note"));
            int best = -1;
            double distance = double.PositiveInfinity;
            for (int j = 0; j < ours.Rows.Count; j++)
            {
                if (used.Contains(j) || ours.Text(j, "branch") != row.Branch || ours.Text(j, "type") != row.Type) continue;
                if (!double.TryParse(ours.Text(j, row.Parameter), NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) continue;
                if (Math.Abs(v - row.Value) < distance) { distance = Math.Abs(v - row.Value); best = j; }
            }
            if (best >= 0 && distance <= Math.Max(row.Tolerance, 1e-2 * (1 + Math.Abs(row.Value))))
            {
                used.Add(best);
                row = row with
                {
                    Ours = Number(ours.Text(best, row.Parameter)),
                    Unlocated = ours.Text(best, "located") == "false",
                };
            }
            rows.Add(row);
        }
        int extra = Enumerable.Range(0, ours.Rows.Count).Count(j => !used.Contains(j) && ours.Text(j, "type") is not ("EP" or "UZ"));
        return new DemoResult(demo, code, seconds, rows, extra, null);
    }

    static double Number(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary><c>cont peer [--only a,b] [--dir DIR] [--keep OUT]</c>: runs the suite, prints a table, exits 1 if a matching row fails.</summary>
    public static int Command(string directory, IReadOnlyList<string>? only, string? keep, TextWriter stdout)
    {
        var demos = Demos(directory);
        if (only is not null)
        {
            var unknown = only.Where(d => !demos.Contains(d)).ToList();
            if (unknown.Count > 0) throw new ArgumentException($"no peer demo named {string.Join(", ", unknown)} in {directory} (demos: {string.Join(", ", demos)})");
            demos = only;
        }
        string root = keep ?? Path.Combine(Path.GetTempPath(), "cont-peer-" + Guid.NewGuid().ToString("N"));
        var results = new List<DemoResult>();
        stdout.WriteLine($"{"demo",-8} {"time",7}  {"matched",9}  {"differs",7}  {"extra",5}  worst |ours - AUTO| / tolerance");
        try
        {
            foreach (var demo in demos)
            {
                var r = Run(directory, demo, Path.Combine(root, demo));
                results.Add(r);
                var expected = r.Rows.Where(x => x.Expected).ToList();
                double worst = expected.Where(x => x.Ours is not null).Select(x => Math.Abs(x.Ours!.Value - x.Value) / x.Tolerance).DefaultIfEmpty(0).Max();
                stdout.WriteLine($"{demo,-8} {r.Seconds,6:F1}s  {expected.Count(x => x.Passed),4}/{expected.Count,-4}  {r.Rows.Count(x => !x.Expected),7}  {r.Extra,5}  {worst:G3}"
                    + (r.Error is { } e ? $"  FAILED: {e}" : ""));
                foreach (var x in expected.Where(x => !x.Passed))
                    stdout.WriteLine($"    miss: {x.Branch} {x.Type} {x.Parameter} = {x.Value.ToString("R", CultureInfo.InvariantCulture)} (ours: {(x.Ours is { } v ? v.ToString("R", CultureInfo.InvariantCulture) + (x.Unlocated ? ", not located" : "") : "none")}; tolerance {x.Tolerance:G3})");
            }
        }
        finally
        {
            if (keep is null && Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
        int rows = results.Sum(r => r.Rows.Count(x => x.Expected)), passed = results.Sum(r => r.Rows.Count(x => x.Expected && x.Passed));
        stdout.WriteLine($"{passed}/{rows} reference points matched in {results.Count} demos ({results.Sum(r => r.Rows.Count(x => !x.Expected))} known differences, see Tests/Peer/README.md); {results.Sum(r => r.Seconds):F1} s");
        return results.All(r => r.Passed) ? ExitCodes.Success : ExitCodes.BranchFailed;
    }
}
