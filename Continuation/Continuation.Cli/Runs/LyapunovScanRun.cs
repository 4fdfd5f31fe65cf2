using System.Globalization;
using System.Text;
using System.Text.Json;
using Continuation.Cli.Cases;
using Continuation.Cli.Output;
using Continuation.Lyapunov;
using Continuation.Network;
using Continuation.Transverse;
using YamlDotNet.RepresentationModel;

namespace Continuation.Cli.Runs;

/// <summary>A <c>lyapunov-scan</c> run: Lyapunov spectra over a line or a plane of parameters.</summary>
/// <param name="X">The inner axis.</param>
/// <param name="Y">The outer axis; null for a line.</param>
/// <param name="Random">The network's perturbation (every cell the same seed); null for none.</param>
public sealed record LyapunovScanSpec(MapAxis X, MapAxis? Y, StartSpec? Start, Perturbation.Random? Random, LyapunovSettings Settings) : RunDetails
{
    /// <summary>Number of cells.</summary>
    public int Cells => X.Count * (Y?.Count ?? 1);
}

/// <summary>
/// A <c>lyapunov-scan</c> run: the k largest Lyapunov exponents in every cell of a grid (one or two
/// parameters), each cell an independent computation from the run's start (the homogeneous system
/// settled at the cell's parameters, plus the perturbation for the network), so that the cells can
/// be shared out: <c>cont run CASE --shard i/n</c> computes every n-th cell from the i-th into
/// <c>DIR/shards/i-of-n/</c> (a rerun resumes), <c>cont merge DIR</c> joins the shards. Output:
/// <c>lyapunov/scan.csv</c> (<c>A[,B],lambda_1,…,lambda_k,dimension,spread</c>), the same bytes
/// sharded or not.
/// </summary>
public sealed class LyapunovScanRun : RunKind
{
    static readonly string[] Keys = ["name", "kind", "grid", "parameters", "start", "random", .. LyapunovSettings.Keys];

    /// <summary>The most cells a scan may have.</summary>
    public const int MaxCells = 1_000_000;

    /// <inheritdoc/>
    public override string Name => "lyapunov-scan";

    /// <inheritdoc/>
    public override bool NeedsConnectivity(RunSpec run) => ((LyapunovScanSpec)run.Details!).Settings.Network;

    /// <inheritdoc/>
    public override string? SummarySection => "lyapunov";

    /// <inheritdoc/>
    public override bool Shardable => true;

    /// <inheritdoc/>
    public override string Describe(RunSpec run)
    {
        var s = (LyapunovScanSpec)run.Details!;
        return $"{run.Name} (Lyapunov exponents of the {(s.Settings.Network ? "network" : "model")} over {s.Cells} cells of {s.X.Parameter}{(s.Y is null ? "" : $" x {s.Y.Parameter}")})";
    }

    /// <inheritdoc/>
    internal override RunSpec Read(CaseReader reader, RunNode node)
    {
        var (map, kindNode, where, model, earlier) = (node.Map, node.KindNode, node.Where, node.Model, node.Earlier);
        reader.CheckRunKeys(map, Keys, where, node.Kind);
        if (earlier.FirstOrDefault(r => r.Kind is LyapunovScanRun) is { } other)
            throw reader.Error(kindNode, $"{where}.kind: run '{other.Name}' is already a lyapunov-scan (a case has one: lyapunov/scan.csv)");
        var settings = LyapunovSettings.Read(reader, map, where, model);
        var axes = reader.GridAxes(map, where, model, 1, 2, "{ Iext_e: [0, 16, 0.2] }");
        if ((double)axes[0].Count * (axes.Count > 1 ? axes[1].Count : 1) > MaxCells)
            throw reader.Error(CaseReader.Get(map, "grid")!, $"{where}.grid: more than {MaxCells} cells");
        var overrides = CaseReader.Get(map, "parameters") is { } ponode ? reader.ParameterMap(ponode, model, $"{where}.parameters") : new Dictionary<string, double>();
        foreach (var a in axes)
            if (overrides.ContainsKey(a.Parameter)) throw reader.Error(CaseReader.Get(map, "parameters")!, $"{where}.parameters.{a.Parameter}: this parameter is an axis of the grid");
        StartSpec? start = CaseReader.Get(map, "start") is { } sn ? reader.ParseStart(sn, model, $"{where}.start") : null;
        Perturbation.Random? random = null;
        if (CaseReader.Get(map, "random") is { } rn)
        {
            if (!settings.Network) throw reader.Error(rn, $"{where}.random: a perturbation needs network: true");
            random = reader.RandomPerturbation(rn, where);
        }
        return new RunSpec
        {
            Name = node.Name, Kind = node.Kind, Line = (int)map.Start.Line, Parameter = axes[0].Parameter, SecondParameter = axes.Count > 1 ? axes[1].Parameter : null,
            ParameterOverrides = overrides, Options = node.Numerics.Continuation,
            Details = new LyapunovScanSpec(axes[0], axes.Count > 1 ? axes[1] : null, start, random, settings),
        };
    }

    /// <inheritdoc/>
    internal override bool Execute(CaseRunner runner, RunSpec run, CancellationToken cancellation)
        => runner.Analyse(run, "Lyapunov scan", () => Scan(runner, run, (LyapunovScanSpec)run.Details!, cancellation));

    /// <summary>The header of lyapunov/scan.csv.</summary>
    static string Header(LyapunovScanSpec spec, int k)
    {
        var sb = new StringBuilder(spec.X.Parameter);
        if (spec.Y is { } y) sb.Append(',').Append(y.Parameter);
        for (int i = 1; i <= k; i++) sb.Append(",lambda_").Append(i);
        return sb.Append(",dimension,spread").ToString();
    }

    static void Scan(CaseRunner runner, RunSpec run, LyapunovScanSpec spec, CancellationToken cancellation)
    {
        var (writer, log, quiet, caseFile) = (runner.Writer, runner.Log, runner.Quiet, runner.Case);
        var model = caseFile.Model;
        var baseParameters = (double[])caseFile.Parameters.Clone();
        foreach (var (name, value) in run.ParameterOverrides) baseParameters[model.ParameterIndex(name)] = value;
        NetworkSystem? network = spec.Settings.Network ? new NetworkSystem(model, runner.Transverse.Spectrum.Matrix) : null;
        var system = (Systems.OdeSystem?)network ?? model;
        int k = Math.Min(spec.Settings.Exponents ?? system.Dimension, system.Dimension);
        string header = Header(spec, k);
        int cells = spec.Cells;
        var shard = runner.Shard;
        var mine = Enumerable.Range(0, cells).Where(c => shard is null || ShardCells.Owns(c, 1, shard.Value.Index, shard.Value.Count)).ToList();

        // A shard keeps its finished cells in DIR/cells/NAME.csv as it goes, and resumes from them.
        ShardCells? store = shard is null ? null : ShardCells.Open(writer.Root, run.Name, header, "lyapunov/scan.csv", cells, 1, shard.Value);
        var rows = new string?[cells];
        if (store is not null) foreach (var (c, row) in store.Done) rows[c] = row;
        var todo = mine.Where(c => rows[c] is null).ToList();
        if (!quiet)
            log.WriteLine($"[{run.Name}] Lyapunov scan: {cells} cells of {(spec.Settings.Network ? $"the network ({system.Dimension} variables)" : "the model")}, k = {k}" +
                (shard is { } s ? $"; shard {s.Index} of {s.Count}: {mine.Count} cells, {mine.Count - todo.Count} already done" : ""));
        var progress = quiet ? null : new CaseRunner.Progress(log, run.Name, "Lyapunov scan", todo.Count, "cells");
        int finished = 0, failed = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Parallel.ForEach(todo, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellation }, c =>
        {
            var p = (double[])baseParameters.Clone();
            double x = spec.X.Value(c % spec.X.Count);
            p[model.ParameterIndex(spec.X.Parameter)] = x;
            double? y = spec.Y is { } ya ? ya.Value(c / spec.X.Count) : null;
            if (spec.Y is { } yAxis) p[model.ParameterIndex(yAxis.Parameter)] = y!.Value;
            var start = spec.Start ?? caseFile.Start;
            var node = (double[])start.State.Clone();
            new NetworkStart(null, start, new Perturbation.None()).Settle(model, p, node);
            var initial = network is null ? node : spec.Random is { } r ? NetworkPerturbation.Random(network, node, r.Sigma, r.Seed) : network.Homogeneous(node);
            var result = LyapunovSpectrum.Compute(system, p, initial, spec.Settings.Options, network is null ? null : new NetworkTangent(network), null, cancellation);
            if (!result.Succeeded) Interlocked.Increment(ref failed);
            var sb = new StringBuilder(OutputWriter.Format(x));
            if (y is { } yv) sb.Append(',').Append(OutputWriter.Format(yv));
            foreach (double v in result.Succeeded ? result.Exponents : Enumerable.Repeat(double.NaN, k)) sb.Append(',').Append(OutputWriter.Format(v));
            sb.Append(',').Append(result.Succeeded ? OutputWriter.Format(result.KaplanYorke) : "").Append(',').Append(result.Succeeded ? OutputWriter.Format(result.MaxSpread) : "");
            string row = sb.ToString();
            rows[c] = row;
            store?.Append(c, row);
            progress?.Report(Interlocked.Increment(ref finished));
        });
        progress?.Finish();
        if (store is not null)
        {
            store.Complete(mine.Count);
            writer.RecordNetwork(run, "lyapunov", w =>
            {
                w.WriteString("shard", $"{shard!.Value.Index}-of-{shard.Value.Count}");
                w.WriteNumber("cells", mine.Count);
                w.WriteString("file", $"cells/{run.Name}.csv");
            });
            if (!quiet) log.WriteLine($"[{run.Name}] shard {shard!.Value.Index} of {shard.Value.Count}: {mine.Count} cells done in {clock.Elapsed.TotalSeconds:F1} s; join the shards with cont merge");
            return;
        }
        ShardCells.WriteRows(writer.Root, "lyapunov/scan.csv", header, rows!);
        writer.RecordNetwork(run, "lyapunov", w =>
        {
            w.WriteString("system", spec.Settings.Network ? "network" : "model");
            w.WriteNumber("cells", cells);
            w.WriteNumber("exponents_computed", k);
            w.WriteNumber("failed_cells", failed);
            w.WriteNumber("wall_ms", Math.Round(clock.Elapsed.TotalMilliseconds, 3));
            w.Number("ms_per_cell", clock.Elapsed.TotalMilliseconds / Math.Max(1, cells));
            w.WriteString("file", "lyapunov/scan.csv");
        });
        if (!quiet) log.WriteLine($"[{run.Name}] {cells} cells in {clock.Elapsed.TotalSeconds:F1} s ({clock.Elapsed.TotalMilliseconds / cells:F0} ms per cell){(failed > 0 ? $"; {failed} cell(s) failed" : "")}; lyapunov/scan.csv");
    }
}

/// <summary>
/// The finished cells of one shard of a scan, in <c>SHARD/cells/NAME.csv</c>: <c>cell,row</c> lines
/// appended and flushed as cells finish (a killed shard loses only the cells in progress), and
/// <c>SHARD/cells/NAME.json</c> saying which scan they belong to (header, cells, shard) and whether
/// the shard is complete. A rerun of the same shard of the same scan resumes; of another scan, is refused.
/// </summary>
internal sealed class ShardCells
{
    readonly string _path;
    readonly object _lock = new();
    readonly string _meta;
    readonly string _header, _output;
    readonly int _cells, _unit;
    readonly (int Index, int Count) _shard;

    ShardCells(string path, string meta, string header, string output, int cells, int unit, (int, int) shard, List<(int, string)> done)
        => (_path, _meta, _header, _output, _cells, _unit, _shard, Done) = (path, meta, header, output, cells, unit, shard, done);

    /// <summary>True when cell <paramref name="cell"/> belongs to shard <paramref name="index"/> of <paramref name="count"/>: work units of <paramref name="unit"/> cells dealt out in turn.</summary>
    public static bool Owns(int cell, int unit, int index, int count) => cell / unit % count == index - 1;

    /// <summary>Cells finished by an earlier run of this shard.</summary>
    public IReadOnlyList<(int Cell, string Row)> Done { get; }

    /// <summary>
    /// Opens (or resumes) the cells of run <paramref name="run"/> in a shard directory: <paramref name="cells"/>
    /// rows of <paramref name="output"/> (relative to the case's directory, e.g. <c>lyapunov/scan.csv</c>),
    /// dealt out in work units of <paramref name="unit"/> cells.
    /// </summary>
    public static ShardCells Open(string shardDirectory, string run, string header, string output, int cells, int unit, (int Index, int Count) shard)
    {
        string dir = Path.Combine(shardDirectory, "cells");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, run + ".csv"), meta = Path.Combine(dir, run + ".json");
        var done = new List<(int, string)>();
        if (File.Exists(meta) && File.Exists(path))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(meta));
            var root = doc.RootElement;
            if (root.GetProperty("header").GetString() != header || root.GetProperty("cells").GetInt32() != cells
                || root.GetProperty("shard").GetInt32() != shard.Index || root.GetProperty("shards").GetInt32() != shard.Count
                || root.GetProperty("output").GetString() != output || root.GetProperty("unit").GetInt32() != unit)
                throw new InvalidOperationException($"{dir} holds cells of another scan or split; remove it to start this one");
            string text = File.ReadAllText(path);
            // Whole lines only: a line cut short by a kill is computed again.
            int end = text.LastIndexOf('\n');
            foreach (var line in end < 0 ? [] : text[..end].Split('\n'))
            {
                int comma = line.IndexOf(',');
                if (comma > 0 && int.TryParse(line[..comma], NumberStyles.None, CultureInfo.InvariantCulture, out int c) && c < cells)
                    done.Add((c, line[(comma + 1)..]));
            }
            File.WriteAllText(path, end < 0 ? "" : text[..(end + 1)]);
        }
        else File.WriteAllText(path, "");
        var store = new ShardCells(path, meta, header, output, cells, unit, shard, done);
        store.WriteMeta(complete: false);
        return store;
    }

    void WriteMeta(bool complete)
    {
        string json = JsonSerializer.Serialize(new { output = _output, header = _header, cells = _cells, unit = _unit, shard = _shard.Index, shards = _shard.Count, complete });
        File.WriteAllText(_meta + ".tmp", json + "\n");
        File.Move(_meta + ".tmp", _meta, overwrite: true);
    }

    public void Append(int cell, string row) => Append([(cell, row)]);

    /// <summary>Appends the rows of a finished work unit in one write, flushed to disk.</summary>
    public void Append(IEnumerable<(int Cell, string Row)> rows)
    {
        var text = new StringBuilder();
        foreach (var (cell, row) in rows) text.Append(cell.ToString(CultureInfo.InvariantCulture)).Append(',').Append(row).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        lock (_lock)
        {
            using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
    }

    public void Complete(int count) => WriteMeta(complete: true);

    /// <summary>
    /// Joins the shards under <c>DIR/shards/</c> into <c>DIR/lyapunov/scan.csv</c>; returns what is
    /// missing (shards not started, cells not finished), empty when the scan was written.
    /// </summary>
    public static List<string> Merge(string directory)
    {
        string root = Path.Combine(directory, "shards");
        if (!Directory.Exists(root)) return [$"no shards in {root}"];
        var metas = Directory.GetDirectories(root).SelectMany(d => Directory.Exists(Path.Combine(d, "cells")) ? Directory.GetFiles(Path.Combine(d, "cells"), "*.json") : [])
            .Select(f => (File: f, Doc: JsonDocument.Parse(File.ReadAllText(f)).RootElement.Clone())).ToList();
        if (metas.Count == 0) return [$"no scan cells under {root}"];
        var missing = new List<string>();
        var outputs = new List<(string Output, string Header, string?[] Rows)>();
        foreach (var group in metas.GroupBy(m => m.Doc.GetProperty("output").GetString()!))
        {
            var first = group.First().Doc;
            string header = first.GetProperty("header").GetString()!;
            int cells = first.GetProperty("cells").GetInt32(), shards = first.GetProperty("shards").GetInt32(), unit = first.GetProperty("unit").GetInt32();
            foreach (var (file, doc) in group)
                if (doc.GetProperty("header").GetString() != header || doc.GetProperty("cells").GetInt32() != cells || doc.GetProperty("shards").GetInt32() != shards)
                    missing.Add($"{file}: a shard of another scan or split");
            var rows = new string?[cells];
            for (int i = 1; i <= shards; i++)
            {
                var meta = group.FirstOrDefault(m => m.Doc.GetProperty("shard").GetInt32() == i);
                if (meta.File is null) { missing.Add($"{group.Key}: shard {i} of {shards}: not started (shards/{i}-of-{shards})"); continue; }
                // Whole lines only: the last line of a shard killed while writing it is not a cell.
                string text = File.ReadAllText(Path.ChangeExtension(meta.File, ".csv"));
                int end = text.LastIndexOf('\n');
                foreach (var line in end < 0 ? [] : text[..end].Split('\n'))
                {
                    int comma = line.IndexOf(',');
                    if (comma > 0 && int.TryParse(line[..comma], NumberStyles.None, CultureInfo.InvariantCulture, out int c) && c < cells) rows[c] = line[(comma + 1)..];
                }
                int expected = Enumerable.Range(0, cells).Count(c => Owns(c, unit, i, shards)), have = Enumerable.Range(0, cells).Count(c => Owns(c, unit, i, shards) && rows[c] is not null);
                if (have < expected) missing.Add($"{group.Key}: shard {i} of {shards}: {have} of {expected} cells done (rerun it with --shard {i}/{shards} to resume)");
            }
            outputs.Add((group.Key, header, rows));
        }
        if (missing.Count > 0) return missing;
        foreach (var (output, header, rows) in outputs) WriteRows(directory, output, header, rows!);
        return [];
    }

    /// <summary>The outputs a merge of <paramref name="directory"/> writes (relative paths).</summary>
    public static IEnumerable<string> Outputs(string directory)
        => !Directory.Exists(Path.Combine(directory, "shards")) ? [] : Directory.GetDirectories(Path.Combine(directory, "shards")).SelectMany(d => Directory.Exists(Path.Combine(d, "cells")) ? Directory.GetFiles(Path.Combine(d, "cells"), "*.json") : [])
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("output").GetString()!).Distinct();

    /// <summary>Writes <c>DIR/<paramref name="output"/></c> atomically: the header and the rows in order.</summary>
    internal static void WriteRows(string directory, string output, string header, IReadOnlyList<string> rows)
    {
        var sb = new StringBuilder(header).Append('\n');
        foreach (var row in rows) sb.Append(row).Append('\n');
        string path = Path.Combine(directory, output), tmp = path + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(tmp, sb.ToString());
        File.Move(tmp, path, overwrite: true);
    }
}
