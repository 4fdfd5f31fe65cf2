using Continuation.Results;
using System.Globalization;
using System.Text.Json;

namespace Plots;

/// <summary>A bad or missing output file: the message names the file and the line.</summary>
public sealed class PlotInputException(string file, int line, string message) : Exception(message)
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string Formatted => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}

/// <summary>A CSV table of the output contract: header names and rows of cells.</summary>
public sealed class Table
{
    public required string Path { get; init; }
    public required string[] Columns { get; init; }
    public required List<string[]> Rows { get; init; }

    public int Column(string name) => Array.IndexOf(Columns, name);
    public bool Has(string name) => Column(name) >= 0;

    /// <summary>The numeric value of a cell, or NaN when empty.</summary>
    public double Number(int row, string column)
    {
        int c = Column(column);
        if (c < 0) throw new PlotInputException(System.IO.Path.GetFileName(Path), 1, $"missing column '{column}'");
        string s = Rows[row][c];
        if (s.Length == 0) return double.NaN;
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return v;
        throw new PlotInputException(System.IO.Path.GetFileName(Path), row + 2, $"column '{column}': expected a number, got '{s}'");
    }

    public string Text(int row, string column) => Column(column) is var c and >= 0 ? Rows[row][c] : "";

    public static Table Read(string path)
    {
        string name = System.IO.Path.GetFileName(path);
        if (!System.IO.File.Exists(path)) throw new PlotInputException(name, 0, "file not found");
        var lines = System.IO.File.ReadAllLines(path);
        if (lines.Length == 0) throw new PlotInputException(name, 1, "empty file: expected a header line");
        var header = Split(lines[0]);
        var rows = new List<string[]>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var cells = Split(lines[i]);
            if (cells.Length != header.Length)
                throw new PlotInputException(name, i + 1, $"expected {header.Length} cells as in the header, got {cells.Length}");
            rows.Add(cells);
        }
        return new Table { Path = path, Columns = header, Rows = rows };
    }

    static string[] Split(string line)
    {
        var cells = new List<string>();
        var cur = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cur.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cur.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cur.ToString()); cur.Clear(); }
            else cur.Append(c);
        }
        cells.Add(cur.ToString());
        return cells.ToArray();
    }
}

/// <summary>One branch as the output files describe it.</summary>
public sealed record BranchData(string Name, BranchKind Kind, IReadOnlyList<string> Parameters, Table Points, double WallMilliseconds, string EndReason);

/// <summary>An output directory (DESIGN.md section 5), read back for figures and the report.</summary>
public sealed class OutputData
{
    public required string Directory { get; init; }
    public required string Case { get; init; }
    public required string Model { get; init; }
    public string? TimeUnit { get; init; }
    public bool Complete { get; init; }
    public required IReadOnlyList<BranchData> Branches { get; init; }
    public required Table SpecialPoints { get; init; }
    public required JsonElement Summary { get; init; }

    /// <summary>Reads summary.json, special_points.csv and every branch file it names.</summary>
    public static OutputData Load(string directory)
    {
        string summaryPath = Path.Combine(directory, "summary.json");
        if (!File.Exists(summaryPath)) throw new PlotInputException("summary.json", 0, $"not found in {directory}: is this an output directory of `cont run`?");
        JsonElement summary;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(summaryPath));
            summary = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new PlotInputException("summary.json", (int)(e.LineNumber ?? -1) + 1, $"malformed JSON: {e.Message}");
        }
        var branches = new List<BranchData>();
        if (summary.TryGetProperty("branches", out var list))
            foreach (var b in list.EnumerateArray())
            {
                string name = b.GetProperty("name").GetString() ?? "";
                var parameters = b.TryGetProperty("parameters", out var ps) ? ps.EnumerateArray().Select(p => p.GetString() ?? "").ToList() : [];
                string kindName = b.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "";
                if (!BranchKinds.TryParse(kindName, out var kind))
                    throw new PlotInputException("summary.json", 0, $"branch '{name}': unknown kind '{kindName}' (expected one of {string.Join(", ", BranchKinds.All.Select(x => x.Name()))})");
                var table = Table.Read(Path.Combine(directory, "branches", name + ".csv"));
                if (table.Rows.Count == 0) continue;
                branches.Add(new BranchData(name, kind, parameters, table,
                    b.TryGetProperty("wall_ms", out var w) ? w.GetDouble() : 0,
                    b.TryGetProperty("end_reason", out var e) ? e.GetString() ?? "" : ""));
            }
        return new OutputData
        {
            Directory = directory,
            Case = summary.TryGetProperty("case", out var c) ? c.GetString() ?? "" : "",
            Model = summary.TryGetProperty("model", out var m) ? m.GetString() ?? "" : "",
            TimeUnit = summary.TryGetProperty("time_unit", out var tu) ? tu.GetString() : null,
            Complete = summary.TryGetProperty("complete", out var done) && done.GetBoolean(),
            Branches = branches,
            SpecialPoints = Table.Read(Path.Combine(directory, "special_points.csv")),
            Summary = summary,
        };
    }
}
