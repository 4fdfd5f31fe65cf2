using System.Globalization;
using System.Text;
using System.Text.Json;
using Continuation.Cli.Cases;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;

namespace Continuation.Cli.Output;

/// <summary>
/// Writes the output contract of DESIGN.md section 5: <c>branches/&lt;name&gt;.csv</c>,
/// <c>special_points.csv</c> and <c>summary.json</c>. Files are written to a temporary name and
/// renamed, so a reader never sees half a file.
/// </summary>
public sealed partial class OutputWriter
{
    readonly string _dir;
    readonly CaseFile _case;

    public OutputWriter(string directory, CaseFile caseFile)
    {
        _dir = directory;
        _case = caseFile;
        Directory.CreateDirectory(Path.Combine(_dir, "branches"));
        // A summary from an earlier run must not claim that this one is complete.
        File.Delete(Path.Combine(_dir, "summary.json"));
    }

    /// <summary>A number with round-trip precision; empty for NaN and ±∞ (never a word a CSV reader would take for a number or a string).</summary>
    public static string Format(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
    static string Format(double? v) => v is { } d ? Format(d) : "";

    internal static string Csv(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }

    static string TypeName(PointKind kind) => kind == PointKind.Regular ? "" : kind.ToString();

    /// <summary>Value of a user output at a point (equilibria: min = max = mean = the value, amplitude 0).</summary>
    public double? OutputValue(OutputSpec output, BranchPoint point) => output.Quantity is { } quantity ? QuantityMeasures.Value(output.Function, quantity, point) : output.Function switch
    {
        OutputFunction.Min => CycleMeasures.Min(point, output.State),
        OutputFunction.Max => CycleMeasures.Max(point, output.State),
        OutputFunction.Mean => CycleMeasures.Mean(point, output.State),
        OutputFunction.Amplitude => CycleMeasures.Max(point, output.State) - CycleMeasures.Min(point, output.State),
        OutputFunction.Period => point.Period,
        OutputFunction.Frequency => point.Period is { } t ? CycleMeasures.Frequency(t, _case.Model.TimeUnit) : null,
        _ => null,
    };

    /// <summary>
    /// What a branch file needs of a point's orbit: every output, then the L2 norm (NaN where a value does not apply).
    /// A branch of cycles computes it as it goes (<see cref="Runs.RunSettings.Measure"/>) and keeps its regular points
    /// without their orbits.
    /// </summary>
    public double[] Measures(BranchPoint pt)
    {
        var values = new double[_case.Outputs.Count + 1];
        for (int j = 0; j < _case.Outputs.Count; j++) values[j] = OutputValue(_case.Outputs[j], pt) ?? double.NaN;
        values[^1] = CycleMeasures.L2Norm(pt);
        return values;
    }

    /// <summary>Branches whose points carry the cycle's Floquet multipliers (cycles, and torus curves).</summary>
    static bool HasMultipliers(BranchKind kind) => kind.CarriesCycles();

    /// <summary>Multipliers as the note of a cycle's special point, unless the note has them already.</summary>
    static string? NoteOf(Branch branch, BranchPoint pt)
    {
        if (!HasMultipliers(branch.Kind) || pt.Analysis.Spectrum.Length == 0 || pt.Details?.ListsMultipliers == true) return pt.Note;
        string mult = "multipliers " + PeriodicOrbitProblem.Format(pt.Analysis.Spectrum);
        return string.IsNullOrEmpty(pt.Note) ? mult : pt.Note + "; " + mult;
    }

    public void WriteBranch(Branch branch)
    {
        var model = _case.Model;
        var sb = new StringBuilder();
        sb.Append("index,type,stable,n_unstable");
        foreach (var p in model.Parameters) sb.Append(',').Append(p.Name);
        sb.Append(",period");
        foreach (var s in model.StateNames) sb.Append(',').Append(s);
        foreach (var o in _case.Outputs) sb.Append(',').Append(Csv(o.Name));
        sb.Append(",l2norm");
        bool cycles = HasMultipliers(branch.Kind);
        if (cycles)
        {
            for (int i = 1; i <= model.Dimension; i++) sb.Append(",floquet_").Append(i);
            sb.Append(",trivial_error");
        }
        sb.Append('\n');
        foreach (var pt in branch.Points)
        {
            // Stability is unknown where nothing was analysed (the zero-amplitude start of a cycle branch at a Hopf point).
            // (and where the multipliers could not be trusted).
            bool known = pt.Analysis.StabilityKnown;
            sb.Append(pt.Index).Append(',').Append(TypeName(pt.Kind)).Append(',')
              .Append(known ? pt.Analysis.Stable ? "true" : "false" : "").Append(',').Append(known ? pt.Analysis.UnstableCount.ToString(CultureInfo.InvariantCulture) : "");
            foreach (var v in pt.Parameters) sb.Append(',').Append(Format(v));
            sb.Append(',').Append(Format(pt.Period));
            foreach (var v in pt.State) sb.Append(',').Append(Format(v));
            var measures = pt.Measures ?? Measures(pt);
            for (int j = 0; j < _case.Outputs.Count; j++) sb.Append(',').Append(Format(measures[j]));
            sb.Append(',').Append(Format(measures[^1]));
            if (cycles)
            {
                var mu = pt.Analysis.Spectrum;
                for (int i = 0; i < model.Dimension; i++) sb.Append(',').Append(i < mu.Length ? Format(mu[i].Magnitude) : "");
                sb.Append(',').Append(mu.Length > 0 ? Format((mu[PeriodicOrbitProblem.TrivialIndex(mu)] - 1).Magnitude) : "");
            }
            sb.Append('\n');
        }
        WriteAtomically(Path.Combine(_dir, "branches", branch.Name + ".csv"), sb.ToString());
        if (branch.Kind.CarriesCycles()) WriteOrbits(branch);
    }

    /// <summary>
    /// <c>orbits/&lt;branch&gt;.csv</c>: the orbit of every labelled point of a cycle branch on its
    /// collocation mesh, <c>label,ntst,ncol,t,&lt;state variables&gt;</c> with t in [0, 1] (time over
    /// the period), one row per mesh node (NTST · NCOL + 1 per orbit, the last equal to the first).
    /// </summary>
    void WriteOrbits(Branch branch)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "orbits"));
        string path = Path.Combine(_dir, "orbits", branch.Name + ".csv"), tmp = path + ".tmp";
        int n = _case.Model.Dimension;
        // Streamed: the orbits of a long branch near a homoclinic orbit (dozens of labelled points) are megabytes.
        using (var w = new StreamWriter(tmp, false, new UTF8Encoding(false)))
        {
            w.Write("label,ntst,ncol,t");
            foreach (var s in _case.Model.StateNames) w.Write("," + s);
            w.Write('\n');
            foreach (var pt in branch.Points)
            {
                if (!pt.IsSpecial || pt.Label is null || pt.Cycle is not { } mesh || pt.Unknowns.Length < mesh.Nodes * n) continue;
                string prefix = string.Create(CultureInfo.InvariantCulture, $"{pt.Label},{mesh.Intervals},{mesh.Degree},");
                for (int i = 0; i < mesh.Nodes; i++)
                {
                    w.Write(prefix);
                    w.Write(Format(mesh.NodeTime(i)));
                    for (int k = 0; k < n; k++)
                    {
                        w.Write(',');
                        w.Write(Format(pt.Unknowns[i * n + k]));
                    }
                    w.Write('\n');
                }
            }
        }
        File.Move(tmp, path, overwrite: true);
    }

    public void WriteSpecialPoints(IReadOnlyList<Branch> branches)
    {
        var model = _case.Model;
        var sb = new StringBuilder();
        sb.Append("branch,index,label,type");
        foreach (var p in model.Parameters) sb.Append(',').Append(p.Name);
        sb.Append(",period,omega,l1");
        foreach (var s in model.StateNames) sb.Append(',').Append(s);
        foreach (var o in _case.Outputs) sb.Append(',').Append(Csv(o.Name));
        sb.Append(",located,residual,note\n");
        foreach (var branch in branches)
            foreach (var pt in branch.SpecialPoints)
            {
                sb.Append(Csv(branch.Name)).Append(',').Append(pt.Index).Append(',').Append(Csv(pt.Label)).Append(',').Append(TypeName(pt.Kind));
                foreach (var v in pt.Parameters) sb.Append(',').Append(Format(v));
                sb.Append(',').Append(Format(pt.Period))
                  .Append(',').Append(Format(pt.Details?.Omega))
                  .Append(',').Append(Format(pt.Details?.FirstLyapunov));
                foreach (var v in pt.State) sb.Append(',').Append(Format(v));
                foreach (var o in _case.Outputs) sb.Append(',').Append(Format(OutputValue(o, pt)));
                sb.Append(',').Append(Located(pt) ? "true" : "false")
                  .Append(',').Append(Format(pt.Details?.Residual))
                  .Append(',').Append(Csv(NoteOf(branch, pt))).Append('\n');
            }
        WriteAtomically(Path.Combine(_dir, "special_points.csv"), sb.ToString());
    }

    public void WriteSummary(IReadOnlyList<Branch> branches, bool complete, string? stoppedBecause, double wallMilliseconds)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("case", _case.Name);
            w.WriteString("case_file", Path.GetFullPath(_case.Path));
            w.WriteString("model", _case.Model.Name);
            if (_case.Model.TimeUnit is { } unit) w.WriteString("time_unit", unit);
            if (_case.PlotWindow.Count > 0)
            {
                w.WriteStartObject("plot_window");
                foreach (var (key, (min, max)) in _case.PlotWindow)
                {
                    w.WriteStartArray(key);
                    w.NumberValue(min);
                    w.NumberValue(max);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            if (_case.Model.StateUnits is { } units)
            {
                w.WriteStartObject("state_units");
                for (int i = 0; i < units.Count && i < _case.Model.Dimension; i++)
                    if (units[i] is { } stateUnit) w.WriteString(_case.Model.StateNames[i], stateUnit);
                w.WriteEndObject();
            }
            w.WriteStartArray("states");
            foreach (var name in _case.Model.StateNames) w.WriteStringValue(name);
            w.WriteEndArray();
            // What each output is, so that readers (the figures) pair a min and a max of one state whatever their names.
            if (_case.Outputs.Count > 0)
            {
                w.WriteStartArray("outputs");
                foreach (var o in _case.Outputs)
                {
                    w.WriteStartObject();
                    w.WriteString("name", o.Name);
                    w.WriteString("function", o.Function.ToString().ToLowerInvariant());
                    if (o.State >= 0) w.WriteString("of", _case.Model.StateNames[o.State]);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteString("engine_version", EngineVersion);
            w.WriteNumber("wall_ms", Math.Round(wallMilliseconds, 3));
            w.WriteStartArray("branches");
            foreach (var b in branches)
            {
                w.WriteStartObject();
                w.WriteString("name", b.Name);
                w.WriteString("kind", b.Kind.Name());
                w.WriteStartArray("parameters");
                foreach (var p in b.ContinuedParameters) w.WriteStringValue(p);
                w.WriteEndArray();
                w.WriteNumber("points", b.Points.Count);
                w.WriteNumber("newton_iterations", b.NewtonIterations);
                w.WriteNumber("factorizations", b.Factorizations);
                if (b.Points.Count > 0) w.WriteNumber("ms_per_point", Math.Round(b.WallMilliseconds / b.Points.Count, 4));
                w.WriteNumber("wall_ms", Math.Round(b.WallMilliseconds, 3));
                w.WriteString("end_reason", string.Join("; ", b.Ends.Select(e => e.Note)));
                w.WriteStartArray("ends");
                foreach (var e in b.Ends)
                {
                    w.WriteStartObject();
                    w.WriteString("reason", Snake(e.Reason.ToString()));
                    w.WriteString("note", e.Note);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteBoolean("failed", b.Failed);
                w.WriteNumber("refinements", b.Refinements);
                if (b.StartNote is { } startNote) w.WriteString("start", startNote);
                if (b.Warnings.Count > 0)
                {
                    w.WriteStartArray("warnings");
                    foreach (var warning in b.Warnings) w.WriteStringValue(warning);
                    w.WriteEndArray();
                }
                w.WriteStartArray("special_points");
                foreach (var pt in b.SpecialPoints)
                {
                    w.WriteStartObject();
                    w.WriteString("label", pt.Label);
                    w.WriteString("type", pt.Kind.ToString());
                    w.WriteNumber("index", pt.Index);
                    foreach (var name in b.ContinuedParameters)
                        w.Number(name, pt.Parameters[_case.Model.ParameterIndex(name)]);
                    if (pt.Period is { } period) w.Number("period", period);
                    if (pt.Details?.FirstLyapunov is { } l1) w.Number("l1", l1);
                    if (pt.Details?.SecondLyapunov is { } l2) w.Number("l2", l2);
                    w.WriteBoolean("located", Located(pt));
                    if (pt.Details?.Residual is { } residual) w.Number("residual", residual);
                    if (pt.Details?.Tolerance is { } tolerance) w.Number("tolerance", tolerance);
                    if (pt.Details is { Located: false, BracketFrom: { } from, BracketTo: { } to })
                    {
                        w.WriteStartArray("bracket");
                        w.NumberValue(from);
                        w.NumberValue(to);
                        w.WriteEndArray();
                    }
                    if (pt.Note is { } note) w.WriteString("note", note);
                    if (HasMultipliers(b.Kind) && pt.Analysis.Spectrum.Length > 0)
                    {
                        w.WriteStartArray("multipliers");
                        foreach (var mu in pt.Analysis.Spectrum)
                        {
                            w.WriteStartArray();
                            w.NumberValue(mu.Real);
                            w.NumberValue(mu.Imaginary);
                            w.WriteEndArray();
                        }
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            WriteTransverseSummary(w); // TransverseWriter.cs
            WriteNetworkSummary(w); // NetworkWriter.cs
            if (stoppedBecause is not null) w.WriteString("stopped", stoppedBecause);
            w.WriteBoolean("complete", complete);
            w.WriteEndObject();
        }
        WriteAtomically(Path.Combine(_dir, "summary.json"), Encoding.UTF8.GetString(stream.ToArray()) + "\n");
    }

    /// <summary>A special point is located unless the driver could not put it where its defining condition holds.</summary>
    static bool Located(BranchPoint pt) => pt.Details?.Located ?? true;

    public static string EngineVersion =>
        typeof(Branch).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    static string Snake(string s)
    {
        var sb = new StringBuilder();
        foreach (char c in s)
        {
            if (char.IsUpper(c) && sb.Length > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    static void WriteAtomically(string path, string content)
    {
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, content, new UTF8Encoding(false));
        File.Move(tmp, path, overwrite: true);
    }
}

/// <summary>JSON numbers that may not be finite: NaN and ±∞ are written as null (JSON has no such numbers).</summary>
static class JsonNumbers
{
    public static void Number(this Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }

    public static void NumberValue(this Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value)) w.WriteNumberValue(value);
        else w.WriteNullValue();
    }
}
