using System.Globalization;
using System.Text;
using Continuation.Results;
using Plots;

namespace Continuation.Cli.AutoFiles;

/// <summary>
/// <c>cont export-auto DIR</c>: an output directory of <c>cont run</c> as AUTO-07p's output files,
/// <c>b.NAME</c> (fort.7: every point of every branch) and <c>s.NAME</c> (fort.8: the solution at
/// every labelled point), so that AUTO's Python tools (<c>loadbd</c>, PyPLAUT) and scripts written
/// for AUTO's files read our results. Reads only the output files (as figures do).
/// </summary>
/// <remarks>
/// Layout as AUTO-07p writes it: a branch is a block of header lines starting with <c>0</c> (the
/// last one names the columns, 19 characters each after a 20-character prefix), then one line per
/// point: branch number, point number (negative where the solution is stable), AUTO's type code,
/// label (0 for none), then the columns in <c>%19.10E</c>. Columns: the first continued parameter,
/// <c>L2-NORM</c>, the state (at t = 0 for cycles), the second continued parameter of a curve,
/// <c>PERIOD</c> for cycles, the user outputs. Parameters are numbered in model order; the period is
/// PAR(11) as in AUTO. The solution file has no tangent (no direction information): AUTO can read
/// a solution from it but restarts compute their own directions.
/// </remarks>
public static class AutoExport
{
    /// <summary>The files written.</summary>
    public sealed record Result(string BranchFile, string SolutionFile, int Branches, int Points, int Labels);

    public static Result Write(string directory, string? outputDirectory = null)
    {
        var data = OutputData.Load(directory);
        string name = data.Case.Length > 0 ? data.Case : "cont";
        string target = outputDirectory ?? directory;
        Directory.CreateDirectory(target);
        var states = data.Summary.TryGetProperty("states", out var st) ? st.EnumerateArray().Select(s => s.GetString() ?? "").ToList() : [];
        var b = new StringBuilder();
        var s = new StringBuilder();
        int label = 0, points = 0, number = 0;
        foreach (var branch in data.Branches)
        {
            number++;
            var t = branch.Points;
            int pStart = t.Column("n_unstable") + 1, pEnd = t.Column("period");
            var parameters = t.Columns[pStart..pEnd];
            int stateStart = pEnd + 1;
            int outputsEnd = t.Column("l2norm");
            var outputs = t.Columns[(stateStart + states.Count)..outputsEnd];
            bool cycles = branch.Kind.CarriesCycles();
            bool curve = branch.Parameters.Count == 2;
            int ips = cycles ? 2 : 1;
            var orbits = cycles && File.Exists(Path.Combine(directory, "orbits", branch.Name + ".csv"))
                ? Plots.Table.Read(Path.Combine(directory, "orbits", branch.Name + ".csv")) : null;

            // Columns of the branch file.
            var columns = new List<(string Name, Func<int, double> Value)>
            {
                (branch.Parameters[0], r => t.Number(r, branch.Parameters[0])),
                ("L2-NORM", r => t.Number(r, "l2norm")),
            };
            foreach (var x in states) columns.Add((x, r => t.Number(r, x)));
            if (curve) columns.Add((branch.Parameters[1], r => t.Number(r, branch.Parameters[1])));
            if (cycles) columns.Add(("PERIOD", r => t.Number(r, "period")));
            foreach (var o in outputs) columns.Add((o, r => t.Number(r, o)));

            // AUTO's parameter indices: the model's first ten are PAR(1) … PAR(10), PAR(11) is the period, the rest follow it.
            int Index(string parameter) => AutoIndex(Array.IndexOf(parameters, parameter));
            var icp = branch.Parameters.Select(Index).ToList();
            if (cycles) icp.Add(11);
            b.Append("   0").Append(Fmt(-1e300, 13)).Append(Fmt(1e300, 13)).Append(Fmt(-1e300, 13)).Append(Fmt(1e300, 13)).Append('\n');
            b.Append($"   0   NDIM={states.Count,4}   IPS ={ips,4}   IRS =   0   ILP =   1\n");
            var mesh = MeshOf(orbits);
            // The orbit rows of each labelled point, read once.
            var orbitRows = orbits is null ? [] : Enumerable.Range(0, orbits.Rows.Count).GroupBy(i => orbits.Text(i, "label")).ToDictionary(g => g.Key, g => g.ToList());
            b.Append($"   0   NTST={mesh.Ntst,4}   NCOL={mesh.Ncol,4}   ISP =   2   ISW ={(curve ? 2 : 1),4}\n");
            b.Append("   0   parnames = {").Append(string.Join(", ", parameters.Select((p, i) => $"{AutoIndex(i)}: '{p}'"))).Append("}\n");
            b.Append("   0   unames   = {").Append(string.Join(", ", states.Select((x, i) => $"{i + 1}: '{x}'"))).Append("}\n");
            b.Append("   0   User-specified parameters:   ").Append(string.Concat(icp.Select(i => $"{i,4}"))).Append('\n');
            b.Append("   0   Active continuation parameters:").Append(string.Concat(icp.Select(i => $"{i,4}"))).Append('\n');
            b.Append("   0\n");
            b.Append("   0    PT  TY  LAB ");
            foreach (var (col, _) in columns) b.Append(col.Length > 18 ? col[..18] + " " : col.PadRight(19));
            b.Append('\n');

            var labels = new Dictionary<int, (string Label, int Lab, int Type)>();
            for (int r = 0; r < t.Rows.Count; r++)
            {
                string type = t.Text(r, "type");
                int code = TypeCode(type, cycles);
                int lab = 0;
                if (type.Length > 0)
                {
                    lab = ++label;
                    labels[r] = (SpecialLabel(data, branch.Name, t.Text(r, "index")) ?? type, lab, code);
                }
                int pt = r + 1;
                if (t.Text(r, "stable") == "true") pt = -pt;
                b.Append($"{number,4}{Wrap(pt),6}{code,4}{lab,5}");
                foreach (var (_, value) in columns) b.Append(Fmt(value(r), 19));
                b.Append('\n');
                points++;
            }

            // The solution file: one entry per labelled point.
            foreach (var (r, (pointLabel, lab, code)) in labels.OrderBy(l => l.Key))
            {
                var parValues = new double[Math.Max(parameters.Length == 0 ? 0 : AutoIndex(parameters.Length - 1), cycles ? 11 : 0)];
                for (int i = 0; i < parameters.Length; i++) parValues[AutoIndex(i) - 1] = t.Number(r, parameters[i]);
                if (cycles) parValues[10] = t.Number(r, "period");
                var rows = new List<double[]>();
                int ntst = 0, ncol = 0; // an equilibrium: one row (AUTO reads NTST = 1 as "directions follow")
                if (orbitRows.TryGetValue(pointLabel, out var orbit))
                {
                    foreach (int i in orbit) rows.Add([orbits!.Number(i, "t"), .. states.Select(x => orbits.Number(i, x))]);
                    ntst = (int)orbits!.Number(orbit[0], "ntst");
                    ncol = (int)orbits.Number(orbit[0], "ncol");
                }
                else rows.Add([0.0, .. states.Select(x => t.Number(r, x))]);
                int n = states.Count, npar = parValues.Length;
                int nrowpr = (n / 7 + 1) * rows.Count + (npar + 6) / 7;
                int nfpr = icp.Count;
                int pt = r + 1;
                if (t.Text(r, "stable") == "true") pt = -pt;
                s.Append($"{number,6}{Wrap(pt),6}{code,6}{lab,6}{nfpr,6}{(curve ? 2 : 1),6}{rows.Count,8}{n + 1,6}{nrowpr,8}{ntst,5}{ncol,5}{npar,5}");
                s.Append($"{0,5}{n,5}{ips,5}{0,5}\n");
                foreach (var row in rows)
                {
                    s.Append("    ").Append(Fmt(row[0], 19));
                    for (int j = 1; j <= n; j++)
                    {
                        if (j % 7 == 0) s.Append("\n    ");
                        s.Append(Fmt(row[j], 19));
                    }
                    s.Append('\n');
                }
                for (int i = 0; i < npar; i++)
                {
                    if (i % 7 == 0) s.Append("    ");
                    s.Append(Fmt(parValues[i], 19));
                    if (i % 7 == 6 || i == npar - 1) s.Append('\n');
                }
            }
        }
        string bPath = Path.Combine(target, "b." + name), sPath = Path.Combine(target, "s." + name);
        WriteAtomically(bPath, b.ToString());
        WriteAtomically(sPath, s.ToString());
        return new Result(bPath, sPath, data.Branches.Count, points, label);
    }

    /// <summary>AUTO's index of the model's parameter <paramref name="i"/> (0-based): 1 … 10, then 12, 13, … (PAR(11) is the period).</summary>
    static int AutoIndex(int i) => i < 10 ? i + 1 : i + 2;

    static (int Ntst, int Ncol) MeshOf(Plots.Table? orbits)
        => orbits is { Rows.Count: > 0 } ? ((int)orbits.Number(0, "ntst"), (int)orbits.Number(0, "ncol")) : (0, 0);

    /// <summary>The label of the special point at a branch row (special_points.csv), e.g. HB1.</summary>
    static string? SpecialLabel(OutputData data, string branch, string index)
    {
        var sp = data.SpecialPoints;
        for (int i = 0; i < sp.Rows.Count; i++)
            if (sp.Text(i, "branch") == branch && sp.Text(i, "index") == index) return sp.Text(i, "label");
        return null;
    }

    /// <summary>AUTO's point number wraps at 9999.</summary>
    static int Wrap(int pt) => pt < 0 ? -((-pt - 1) % 9999) - 1 : (pt - 1) % 9999 + 1;

    /// <summary>AUTO's type codes (parseB's table): equilibria BP 1, LP 2, HB 3; cycles LP 5, BP 6, PD 7, TR 8; UZ −4, EP 9; codimension two BT −1, CP −2, ZH −3, GH −32, R1…R4 −5…−8, LPD 28, LTR 23, PTR 77, TTR 88.</summary>
    public static int TypeCode(string type, bool cycles) => type switch
    {
        "" => 0,
        "BP" => cycles ? 6 : 1,
        "LP" => cycles ? 5 : 2,
        "HB" => 3,
        "UZ" => -4,
        "EP" => 9,
        "LPC" or "CPC" => 5,
        "BPC" => 6,
        "PD" => 7,
        "NS" => 8,
        "BT" => -1,
        "CP" => -2,
        "ZH" => -3,
        "GH" => -32,
        "R1" => -5,
        "R2" => -6,
        "R3" => -7,
        "R4" => -8,
        "LPPD" => 28,
        "LPNS" => 23,
        "PDNS" => 77,
        "NSNS" => 88,
        _ => -4, // GPD and any other type of ours that AUTO has no code for: a user point
    };

    /// <summary>AUTO's <c>%19.10E</c> (two-digit exponents where they fit), right-aligned in <paramref name="width"/> characters; NaN as 0.</summary>
    public static string Fmt(double v, int width)
    {
        if (!double.IsFinite(v)) v = double.IsNaN(v) ? 0 : Math.CopySign(double.MaxValue, v);
        int decimals = width >= 19 ? 10 : 4;
        string s = v.ToString("0." + new string('0', decimals) + "E+00", CultureInfo.InvariantCulture);
        return s.PadLeft(width);
    }

    static void WriteAtomically(string path, string content)
    {
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, content);
        File.Move(tmp, path, overwrite: true);
    }
}
