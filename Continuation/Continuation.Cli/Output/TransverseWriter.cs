using System.Numerics;
using System.Text;
using System.Text.Json;
using Continuation.Cli.Cases;
using Continuation.Cli.Runs;
using Continuation.Results;
using Continuation.Transverse;

namespace Continuation.Cli.Output;

/// <summary>
/// Output of transverse runs: <c>transverse/&lt;branch&gt;.csv</c>, <c>transverse/dispersion-&lt;branch&gt;-&lt;label&gt;.csv</c>
/// and the <c>"transverse"</c> list of <c>summary.json</c> (transverse runs are not branches: they
/// have no branch file and are not in <c>"branches"</c>).
/// </summary>
public sealed partial class OutputWriter
{
    /// <summary>One finished (or failed) transverse run, for summary.json.</summary>
    sealed record TransverseEntry(RunSpec Run, TransverseBranch? Result, IReadOnlyList<BranchPoint> Dispersion, string? Error, MapResult? Map = null);

    /// <summary>
    /// Writes <c>transverse/map.csv</c>: one row per cell, the two grid parameters first, then
    /// <c>state,max_growth,argmax_lambda,n_unstable,period</c> (the columns tools rely on), then
    /// <c>argmax_lambda_im</c>, <c>found</c> (continued from the previous cell or integrated) and
    /// <c>cause</c> (why an <c>other</c> cell is other).
    /// Written in one piece when the whole map is done.
    /// </summary>
    public void WriteMap(RunSpec run, MapResult map)
    {
        string dir = Path.Combine(_dir, "transverse");
        Directory.CreateDirectory(dir);
        var sb = new StringBuilder(map.Cells.Count * 64);
        sb.Append(MapHeader(map.X, map.Y)).Append('\n');
        foreach (var c in map.Cells) sb.Append(MapRow(c)).Append('\n');
        WriteAtomically(Path.Combine(dir, "map.csv"), sb.ToString());
        _transverse.Add(new TransverseEntry(run, null, [], null, map));
    }

    readonly List<TransverseEntry> _transverse = [];

    /// <summary>The header of <c>transverse/map.csv</c>.</summary>
    internal static string MapHeader(MapAxis x, MapAxis y) => $"{x.Parameter},{y.Parameter},state,max_growth,argmax_lambda,n_unstable,period,argmax_lambda_im,found,cause";

    /// <summary>One cell's row of <c>transverse/map.csv</c> (no line end).</summary>
    internal static string MapRow(MapCell c)
    {
        bool any = !double.IsNaN(c.MaxGrowth);
        return new StringBuilder(96).Append(Format(c.X)).Append(',').Append(Format(c.Y)).Append(',')
          .Append(c.State switch { MapState.Equilibrium => "equilibrium", MapState.Cycle => "cycle", _ => "other" }).Append(',')
          .Append(any ? Format(c.MaxGrowth) : "").Append(',')
          .Append(any ? Format(c.ArgmaxLambda.Real) : "").Append(',')
          .Append(c.State == MapState.Other ? "" : c.UnstableModes.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(',')
          .Append(c.State == MapState.Cycle && c.Period is { } t ? Format(t) : "").Append(',')
          .Append(any ? Format(c.ArgmaxLambda.Imaginary) : "").Append(',')
          .Append(c.Found).Append(',')
          .Append(c.Cause ?? "").ToString();
    }

    /// <summary>Writes the per-point file and the dispersion files of a transverse run and records it for the summary.</summary>
    public void WriteTransverse(RunSpec run, TransverseBranch result, IReadOnlyList<BranchPoint> dispersion)
    {
        string dir = Path.Combine(_dir, "transverse");
        Directory.CreateDirectory(dir);
        var model = _case.Model;
        var sb = new StringBuilder();
        sb.Append("index,type");
        foreach (var name in result.ContinuedParameters) sb.Append(',').Append(name);
        sb.Append(",max_growth,argmax_lambda,n_unstable,argmax_lambda_im,homogeneous_growth\n");
        foreach (var p in result.Points)
        {
            sb.Append(p.Index).Append(',').Append(TypeName(p.Kind));
            foreach (var name in result.ContinuedParameters) sb.Append(',').Append(Format(p.Parameters[model.ParameterIndex(name)]));
            bool any = p.ArgmaxMode >= 0;
            sb.Append(',').Append(any ? Format(p.MaxGrowth) : "")
              .Append(',').Append(any ? Format(p.ArgmaxLambda.Real) : "")
              .Append(',').Append(p.UnstableModes)
              .Append(',').Append(any ? Format(p.ArgmaxLambda.Imaginary) : "")
              .Append(',').Append(p.Homogeneous.Computed ? Format(p.Homogeneous.Growth.Real) : "")
              .Append('\n');
        }
        WriteAtomically(Path.Combine(dir, result.Branch + ".csv"), sb.ToString());

        foreach (var point in dispersion)
        {
            var tp = result.Points.First(p => p.Index == point.Index);
            var d = new StringBuilder("lambda_re,lambda_im,growth_re,growth_im\n");
            foreach (var m in tp.Modes)
                d.Append(Format(m.Lambda.Real)).Append(',').Append(Format(m.Lambda.Imaginary)).Append(',')
                 .Append(Cell(m.Growth.Real)).Append(',').Append(Cell(m.Growth.Imaginary)).Append('\n');
            WriteAtomically(Path.Combine(dir, DispersionFile(result.Branch, point.Label!)), d.ToString());
        }
        _transverse.Add(new TransverseEntry(run, result, dispersion, null));
    }

    /// <summary>Records a transverse run that failed (for summary.json).</summary>
    public void RecordFailedTransverse(RunSpec run, string error) => _transverse.Add(new TransverseEntry(run, null, [], error));

    /// <summary>Name of a dispersion file inside <c>transverse/</c>.</summary>
    public static string DispersionFile(string branch, string label) => $"dispersion-{branch}-{label}.csv";

    static string Cell(double v) => double.IsNaN(v) ? "" : Format(v);

    void WriteMapSummary(Utf8JsonWriter w, RunSpec run, MapResult? map, string? error)
    {
        w.WriteString("kind", run.Kind.Name);
        if (_case.Connectivity is { } c) w.WriteString("connectivity", c.Key is null ? c.Path : $"{c.Path} [{c.Key}]");
        var spec = (MapSpec)run.Details!;
        foreach (var axis in new[] { spec.X, spec.Y })
        {
            w.WriteStartArray(axis.Parameter);
            w.NumberValue(axis.From); w.NumberValue(axis.To); w.NumberValue(axis.Step);
            w.WriteEndArray();
        }
        w.WriteNumber("ntst", run.Discretisation.Intervals);
        w.WriteNumber("ncol", run.Discretisation.Degree);
        if (map is not null)
        {
            int cells = map.Cells.Count;
            w.WriteNumber("cells", cells);
            w.WriteNumber("lines", map.Y.Count);
            w.WriteNumber("equilibrium_cells", map.Cells.Count(x => x.State == MapState.Equilibrium));
            w.WriteNumber("cycle_cells", map.Cells.Count(x => x.State == MapState.Cycle));
            w.WriteNumber("other_cells", map.Cells.Count(x => x.State == MapState.Other));
            w.WriteNumber("transversally_unstable_cells", map.Cells.Count(x => x.TransverselyUnstable));
            w.WriteNumber("attractor_searches", map.Searches);
            w.WriteNumber("threads", map.Threads);
            w.WriteNumber("ms_per_cell", Math.Round(map.WallMilliseconds / Math.Max(1, cells), 4));
            w.WriteNumber("wall_ms", Math.Round(map.WallMilliseconds, 3));
            w.WriteString("file", "transverse/map.csv");
        }
        w.WriteBoolean("failed", error is not null);
        if (error is not null) w.WriteString("error", error);
    }

    /// <summary>The <c>"transverse"</c> list of summary.json (written only when the case has transverse runs).</summary>
    void WriteTransverseSummary(Utf8JsonWriter w)
    {
        if (!_case.Runs.Any(r => r.Kind is TransverseRun or MapRun)) return;
        w.WriteStartArray("transverse");
        foreach (var (run, r, dispersion, error, map) in _transverse)
        {
            w.WriteStartObject();
            w.WriteString("name", run.Name);
            if (run.Details is MapSpec)
            {
                WriteMapSummary(w, run, map, error);
                w.WriteEndObject();
                continue;
            }
            w.WriteString("kind", run.Kind.Name);
            w.WriteString("of", ((TransverseSpec)run.Details!).Of);
            if (_case.Connectivity is { } c) w.WriteString("connectivity", c.Key is null ? c.Path : $"{c.Path} [{c.Key}]");
            if (r is not null)
            {
                w.WriteString("branch_kind", r.BranchKind.Name());
                w.WriteString("states", r.Points.Count > 0 && r.Points[0].StateKind == HomogeneousStateKind.Cycle ? "cycles" : "equilibria");
                w.WriteNumber("nodes", r.Spectrum.Size);
                w.WriteNumber("modes", r.Spectrum.Size);
                w.WriteBoolean("real_spectrum", r.Spectrum.IsReal());
                w.WriteNumber("points", r.Points.Count);
                w.WriteNumber("unstable_points", r.Points.Count(p => p.UnstableModes > 0));
                w.WriteNumber("failed_modes", r.Points.Sum(p => p.FailedModes));
                var worst = r.Points.Where(p => !double.IsNaN(p.MaxGrowth)).MaxBy(p => p.MaxGrowth);
                if (worst is not null)
                {
                    w.Number("max_growth", worst.MaxGrowth);
                    w.WriteNumber("max_growth_index", worst.Index);
                    w.Number("argmax_lambda", worst.ArgmaxLambda.Real);
                }
                w.WriteNumber("threads", r.Threads);
                if (r.Points.Count > 0) w.WriteNumber("ms_per_point", Math.Round(r.WallMilliseconds / r.Points.Count, 4));
                w.WriteNumber("wall_ms", Math.Round(r.WallMilliseconds, 3));
                w.WriteString("file", $"transverse/{r.Branch}.csv");
                w.WriteStartArray("dispersion");
                foreach (var p in dispersion)
                {
                    var tp = r.Points.First(q => q.Index == p.Index);
                    w.WriteStartObject();
                    w.WriteString("label", p.Label);
                    w.WriteNumber("index", p.Index);
                    w.WriteNumber("unstable_modes", tp.UnstableModes);
                    if (tp.ArgmaxMode >= 0) w.Number("max_growth", tp.MaxGrowth);
                    w.WriteString("file", $"transverse/{DispersionFile(r.Branch, p.Label!)}");
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteBoolean("failed", error is not null);
            if (error is not null) w.WriteString("error", error);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
