using Continuation.Results;
using System.Globalization;
using System.Text;

namespace Plots;

/// <summary>DIR/report.md: the case, its special points, the figures and how each branch ended.</summary>
public static class Report
{
    public static string Write(OutputData data, IReadOnlyList<string> figures)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"# {data.Case}");
        sb.AppendLine();
        sb.AppendLine($"Model `{data.Model}`." + (data.Complete ? "" : " **The run did not complete**: only the branches below were finished."));
        sb.AppendLine();
        sb.AppendLine("## Branches");
        sb.AppendLine();
        sb.AppendLine("| branch | kind | parameter | points | wall time | end |");
        sb.AppendLine("|---|---|---|---:|---:|---|");
        foreach (var b in data.Branches)
            sb.AppendLine($"| {b.Name} | {b.Kind.Name()} | {string.Join(", ", b.Parameters)} | {b.Points.Rows.Count} | {b.WallMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms | {Escape(b.EndReason)} |");
        sb.AppendLine();
        sb.AppendLine("## Special points");
        sb.AppendLine();
        var sp = data.SpecialPoints;
        var parameters = data.Branches.SelectMany(b => b.Parameters).Distinct().ToList();
        sb.Append("| branch | label | type |");
        foreach (var p in parameters) sb.Append($" {p} |");
        sb.AppendLine(" period | l1 | note |");
        sb.Append("|---|---|---|");
        foreach (var _ in parameters) sb.Append("---:|");
        sb.AppendLine("---:|---:|---|");
        var counters = new Dictionary<(string, string), int>();
        for (int i = 0; i < sp.Rows.Count; i++)
        {
            string branch = sp.Text(i, "branch"), type = sp.Text(i, "type");
            int k = counters[(branch, type)] = counters.GetValueOrDefault((branch, type)) + 1;
            string label = sp.Has("label") ? sp.Text(i, "label") : $"{type}{k}";
            // A point the engine could not locate says so where it is read first.
            if (sp.Text(i, "located") == "false") type += " (not located)";
            sb.Append($"| {branch} | {label} | {type} |");
            foreach (var p in parameters) sb.Append($" {Number(sp, i, p)} |");
            sb.AppendLine($" {Number(sp, i, "period")} | {Number(sp, i, "l1")} | {Escape(sp.Text(i, "note"))} |");
        }
        sb.AppendLine();
        sb.AppendLine("Labels are the type and its ordinal within the branch, as `from:` uses them. For cycles the note lists the Floquet multipliers; `l1` is the first Lyapunov coefficient of a Hopf point (negative: supercritical); at a generalised Hopf point (GH) the note gives the second, `l2`, whose sign says on which side of GH the folds of cycles lie.");
        Transverse(data, sb);
        Network(data, sb);
        if (figures.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Figures");
            sb.AppendLine();
            sb.AppendLine("Solid: stable; dashed: unstable. Cycles are drawn by the maximum and minimum of the variable over the orbit.");
            foreach (var f in figures)
            {
                sb.AppendLine();
                sb.AppendLine($"![{f}]({f})");
            }
        }
        string path = Path.Combine(data.Directory, "report.md");
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, sb.ToString());
        File.Move(tmp, path, overwrite: true);
        return path;
    }

    /// <summary>The transverse runs and the instability map, from summary.json's "transverse" list.</summary>
    static void Transverse(OutputData data, StringBuilder sb)
    {
        if (!data.Summary.TryGetProperty("transverse", out var runs) || runs.ValueKind != System.Text.Json.JsonValueKind.Array || runs.GetArrayLength() == 0) return;
        static string Get(System.Text.Json.JsonElement e, string key, string format = "G6") =>
            !e.TryGetProperty(key, out var v) ? "" : v.ValueKind == System.Text.Json.JsonValueKind.Number ? v.GetDouble().ToString(format, CultureInfo.InvariantCulture) : v.ToString();
        sb.AppendLine();
        sb.AppendLine("## Transverse stability");
        sb.AppendLine();
        foreach (var r in runs.EnumerateArray())
        {
            string name = Get(r, "name");
            if (r.TryGetProperty("failed", out var f) && f.ValueKind == System.Text.Json.JsonValueKind.True)
            {
                sb.AppendLine($"- `{name}` failed: {Escape(Get(r, "error"))}");
                continue;
            }
            if (Get(r, "kind") == "transverse-map")
                sb.AppendLine($"- `{name}`: instability map of {Get(r, "cells")} cells in {Get(r, "lines")} lines ({Get(r, "equilibrium_cells")} stable equilibria, " +
                    $"{Get(r, "cycle_cells")} stable cycles, {Get(r, "other_cells")} other); a network mode grows in {Get(r, "transversally_unstable_cells")} cells; " +
                    $"{Get(r, "attractor_searches")} attractor searches by integration; {Get(r, "ms_per_cell", "F2")} ms per cell on {Get(r, "threads")} thread(s), " +
                    $"{(r.TryGetProperty("wall_ms", out var w) ? (w.GetDouble() / 1000).ToString("F1", CultureInfo.InvariantCulture) : "")} s in all (`{Get(r, "file")}`).");
            else
                sb.AppendLine($"- `{name}`: {Get(r, "points")} points of `{Get(r, "of")}` ({Get(r, "states")}) × {Get(r, "modes")} modes; transversally unstable at " +
                    $"{Get(r, "unstable_points")} points" + (r.TryGetProperty("max_growth", out _) ? $", largest growth {Get(r, "max_growth")} at point {Get(r, "max_growth_index")} (Λ = {Get(r, "argmax_lambda")})" : "") +
                    $"; {Get(r, "ms_per_point", "F2")} ms per point (`{Get(r, "file")}`).");
        }
    }

    /// <summary>The simulations and spectra, from summary.json's "simulations" and "spectra" lists.</summary>
    static void Network(OutputData data, StringBuilder sb)
    {
        static string Get(System.Text.Json.JsonElement e, string key, string format = "G6") =>
            !e.TryGetProperty(key, out var v) ? "" : v.ValueKind == System.Text.Json.JsonValueKind.Number ? v.GetDouble().ToString(format, CultureInfo.InvariantCulture) : v.ToString();
        bool any = false;
        void Heading()
        {
            if (any) return;
            any = true;
            sb.AppendLine();
            sb.AppendLine("## Dynamics: simulations, spectra, Lyapunov exponents");
            sb.AppendLine();
        }
        if (data.Summary.TryGetProperty("simulations", out var sims))
            foreach (var r in sims.EnumerateArray())
            {
                Heading();
                string name = Get(r, "name");
                if (r.TryGetProperty("failed", out _)) { sb.AppendLine($"- `{name}` failed: {Escape(Get(r, "error"))}"); continue; }
                sb.AppendLine($"- `{name}`: {Get(r, "nodes")} nodes ({Get(r, "variables")} variables) from {Escape(Get(r, "start"))}, {Escape(Get(r, "perturbation"))}; " +
                    $"t = 0 … {Get(r, "t_end")}, {Get(r, "samples")} samples from {Get(r, "transient")} (`{Get(r, "file")}`); {Get(r, "steps")} steps in {Get(r, "wall_ms", "F0")} ms " +
                    $"({Get(r, "simulated_per_wall_second", "G3")} time units per wall second); spread across nodes at the end {Get(r, "final_spread", "G3")}.");
                if (r.TryGetProperty("prediction", out var p))
                    sb.AppendLine(p.TryGetProperty("predicted_rate", out _)
                        ? $"  Mode {Get(p, "mode")} (Λ = {Get(p, "lambda")}) on the homogeneous {Get(p, "state")}: growth rate predicted by the transverse analysis {Get(p, "predicted_rate")}, " +
                          $"fitted to the simulation {Get(p, "fitted_rate")} (relative difference {Get(p, "relative_difference", "G2")}, {Get(p, "fit_samples")} samples from {Get(p, "fit_from", "G4")} to {Get(p, "fit_to", "G4")})."
                        : $"  Mode {Get(p, "mode")} (Λ = {Get(p, "lambda")}): no prediction ({Escape(Get(p, "no_prediction"))}).");
            }
        if (data.Summary.TryGetProperty("lyapunov", out var lyap))
            foreach (var r in lyap.EnumerateArray())
            {
                Heading();
                string name = Get(r, "name");
                if (r.TryGetProperty("failed", out _)) { sb.AppendLine($"- `{name}` failed: {Escape(Get(r, "error"))}"); continue; }
                if (r.TryGetProperty("exponents", out var ex))
                {
                    var values = ex.EnumerateArray().Select(v => v.ValueKind == System.Text.Json.JsonValueKind.Number ? v.GetDouble().ToString("G4", CultureInfo.InvariantCulture) : "").ToList();
                    sb.AppendLine($"- `{name}`: {values.Count} Lyapunov exponent(s) of the {Get(r, "system")} ({Get(r, "dimension")} variables) from {Escape(Get(r, "start"))}: " +
                        $"{string.Join(", ", values.Take(8))}{(values.Count > 8 ? ", …" : "")}; Kaplan–Yorke dimension {Get(r, "kaplan_yorke", "G4")}; converged to {Get(r, "max_spread", "G2")} " +
                        $"(spread of the running means over the last blocks); {Get(r, "steps")} steps in {Get(r, "wall_ms", "F0")} ms (`{Get(r, "file")}`).");
                }
                else if (r.TryGetProperty("shard", out _))
                    sb.AppendLine($"- `{name}`: shard {Get(r, "shard")} of the scan, {Get(r, "cells")} cells (`{Get(r, "file")}`; join the shards with `cont merge`).");
                else
                    sb.AppendLine($"- `{name}`: Lyapunov exponents of the {Get(r, "system")} in {Get(r, "cells")} cells, {Get(r, "exponents_computed")} per cell, " +
                        $"{Get(r, "ms_per_cell", "F0")} ms per cell{(Get(r, "failed_cells") is "0" or "" ? "" : $", {Get(r, "failed_cells")} failed")} (`{Get(r, "file")}`).");
            }
        if (data.Summary.TryGetProperty("spectra", out var specs))
            foreach (var r in specs.EnumerateArray())
            {
                Heading();
                string name = Get(r, "name");
                if (r.TryGetProperty("failed", out _)) { sb.AppendLine($"- `{name}` failed: {Escape(Get(r, "error"))}"); continue; }
                string unit = Get(r, "frequency_unit");
                sb.AppendLine($"- `{name}`: spectra of {Get(r, "variable")} in `{Get(r, "of")}` (resolution {Get(r, "resolution", "G3")} {unit}, {Get(r, "segments")} segments): " +
                    $"mean field dominant at {Get(r, "mean_field_dominant", "G4")} {unit}, median over regions {Get(r, "regions_dominant_median", "G4")} {unit}" +
                    (r.TryGetProperty("mean_field_mi", out _) ? $"; phase–amplitude coupling (modulation index) of the mean field {Get(r, "mean_field_mi", "G3")} against a surrogate threshold {Get(r, "mean_field_mi_threshold", "G3")}, significant in {Get(r, "coupled_regions")} regions" : "") +
                    $" (`{Get(r, "regions_file")}`).");
            }
    }

    static string Number(Table t, int row, string column)
    {
        if (!t.Has(column)) return "";
        double v = t.Number(row, column);
        return double.IsNaN(v) ? "" : v.ToString("G8", CultureInfo.InvariantCulture);
    }

    static string Escape(string s) => s.Replace("|", "\\|").Replace("\n", " ");
}
