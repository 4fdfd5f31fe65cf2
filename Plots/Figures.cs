using Continuation.Pathfollowing;
using Continuation.Results;
using System.Globalization;
using ScottPlot;

namespace Plots;

/// <summary>Image format of the figures.</summary>
public enum FigureFormat { Png, Svg }

/// <summary>
/// Bifurcation diagrams drawn from an output directory: one-parameter diagrams (stable solid,
/// unstable dashed, cycles as max/min envelopes, special points marked and labelled) and
/// frequency diagrams of cycle branches.
/// </summary>
public static class Figures
{
    public const int Width = 900, Height = 620;

    static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#d62728"), Color.FromHex("#2ca02c"), Color.FromHex("#9467bd"),
        Color.FromHex("#ff7f0e"), Color.FromHex("#17becf"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"),
    ];

    static readonly Dictionary<PointKind, (MarkerShape Shape, Color Color, string Legend)> Kinds = new()
    {
        [PointKind.LP] = (MarkerShape.FilledTriangleUp, Color.FromHex("#000000"), "LP fold"),
        [PointKind.HB] = (MarkerShape.FilledSquare, Color.FromHex("#d62728"), "HB Hopf"),
        [PointKind.BP] = (MarkerShape.FilledDiamond, Color.FromHex("#7f7f7f"), "BP branch point"),
        [PointKind.LPC] = (MarkerShape.FilledTriangleDown, Color.FromHex("#2ca02c"), "LPC fold of cycles"),
        [PointKind.PD] = (MarkerShape.FilledCircle, Color.FromHex("#9467bd"), "PD period doubling"),
        [PointKind.NS] = (MarkerShape.OpenCircle, Color.FromHex("#ff7f0e"), "NS torus"),
        [PointKind.BPC] = (MarkerShape.OpenDiamond, Color.FromHex("#7f7f7f"), "BPC branch point of cycles"),
        [PointKind.CP] = (MarkerShape.FilledTriangleUp, Color.FromHex("#000000"), "CP cusp"),
        [PointKind.CPC] = (MarkerShape.OpenTriangleUp, Color.FromHex("#2ca02c"), "CPC cusp of cycles"),
        [PointKind.BT] = (MarkerShape.FilledSquare, Color.FromHex("#000000"), "BT Bogdanov-Takens"),
        [PointKind.GH] = (MarkerShape.FilledDiamond, Color.FromHex("#d62728"), "GH generalised Hopf"),
        [PointKind.ZH] = (MarkerShape.FilledCircle, Color.FromHex("#17becf"), "ZH zero-Hopf"),
        [PointKind.HH] = (MarkerShape.OpenSquare, Color.FromHex("#d62728"), "HH double Hopf"),
        [PointKind.R1] = (MarkerShape.FilledTriangleDown, Color.FromHex("#ff7f0e"), "R1 1:1 resonance"),
        [PointKind.R2] = (MarkerShape.FilledCircle, Color.FromHex("#ff7f0e"), "R2 1:2 resonance"),
        [PointKind.R3] = (MarkerShape.Asterisk, Color.FromHex("#ff7f0e"), "R3 1:3 resonance"),
        [PointKind.R4] = (MarkerShape.Cross, Color.FromHex("#ff7f0e"), "R4 1:4 resonance"),
        [PointKind.LPNS] = (MarkerShape.OpenTriangleDown, Color.FromHex("#2ca02c"), "LPNS fold-torus"),
        [PointKind.PDNS] = (MarkerShape.OpenCircle, Color.FromHex("#9467bd"), "PDNS flip-torus"),
        [PointKind.LPPD] = (MarkerShape.OpenTriangleUp, Color.FromHex("#8c564b"), "LPPD fold-flip"),
        [PointKind.GPD] = (MarkerShape.FilledDiamond, Color.FromHex("#9467bd"), "GPD generalised period doubling"),
        [PointKind.CH] = (MarkerShape.FilledDiamond, Color.FromHex("#ff7f0e"), "CH Chenciner"),
    };

    /// <summary>Colours of the two-parameter curve kinds.</summary>
    static readonly Dictionary<BranchKind, (Color Color, string Legend)> CurveKinds = new()
    {
        [BranchKind.HopfCurve] = (Color.FromHex("#d62728"), "Hopf"),
        [BranchKind.FoldCurve] = (Color.FromHex("#1f77b4"), "fold of equilibria"),
        [BranchKind.LpcCurve] = (Color.FromHex("#2ca02c"), "fold of cycles"),
        [BranchKind.PdCurve] = (Color.FromHex("#9467bd"), "period doubling"),
        [BranchKind.NsCurve] = (Color.FromHex("#ff7f0e"), "torus (NS)"),
        [BranchKind.Homoclinic] = (Color.FromHex("#000000"), "homoclinic (large period)"),
    };

    /// <summary>Draws every figure the data supports into its directory; returns the file names written.</summary>
    public static List<string> DrawAll(OutputData data, FigureFormat format = FigureFormat.Png)
    {
        var written = new List<string>();
        foreach (var group in data.Branches.Where(b => b.Parameters.Count == 1).GroupBy(b => b.Parameters[0]))
        {
            var branches = group.ToList();
            foreach (var variable in DiagramVariables(data, branches))
            {
                var plot = OneParameter(data, branches, group.Key, variable);
                ApplyWindow(plot, data, group.Key, variable);
                written.Add(Save(plot, data.Directory, $"bifurcation-{group.Key}-{variable}", format));
            }
            if (branches.Any(b => b.Kind == BranchKind.Periodic))
            {
                var plot = Frequency(data, branches, group.Key);
                ApplyWindow(plot, data, group.Key, "");
                written.Add(Save(plot, data.Directory, $"frequency-{group.Key}", format));
            }
        }
        foreach (var group in data.Branches.Where(b => b.Parameters.Count == 2).GroupBy(b => (b.Parameters[0], b.Parameters[1])))
        {
            var plot = TwoParameter(data, group.ToList(), group.Key.Item1, group.Key.Item2);
            ApplyWindow(plot, data, group.Key.Item1, group.Key.Item2);
            written.Add(Save(plot, data.Directory, $"two-parameter-{group.Key.Item1}-{group.Key.Item2}", format));
        }
        written.AddRange(TransverseFigures.DrawAll(data, format, (plot, name) => Save(plot, data.Directory, name, format)));
        written.AddRange(NetworkFigures.DrawAll(data, format, (plot, name) => Save(plot, data.Directory, name, format)));
        written.AddRange(LyapunovFigures.DrawAll(data, format, (plot, name) => Save(plot, data.Directory, name, format)));
        return written;
    }

    /// <summary>Two-parameter diagram: each curve kind in its colour, codimension-two points marked and labelled.</summary>
    static Plot TwoParameter(OutputData data, List<BranchData> branches, string first, string second)
    {
        var plot = NewPlot($"{data.Case}", AxisName(first), AxisName(second));
        var kindsShown = new HashSet<string>();
        var placed = new List<(double X, double Y)>();
        double xSpan = 1, ySpan = 1;
        {
            var xs = branches.SelectMany(b => Column(b.Points, first)).Where(double.IsFinite).ToList();
            var ys = branches.SelectMany(b => Column(b.Points, second)).Where(double.IsFinite).ToList();
            if (xs.Count > 0) xSpan = Math.Max(xs.Max() - xs.Min(), 1e-12);
            if (ys.Count > 0) ySpan = Math.Max(ys.Max() - ys.Min(), 1e-12);
        }
        foreach (var b in branches)
        {
            var (color, legend) = CurveKinds.TryGetValue(b.Kind, out var c) ? c : (Palette[0], b.Kind.Name());
            var t = b.Points;
            var x = Column(t, first);
            var y = Column(t, second);
            var line = plot.Add.ScatterLine(x, y, color);
            line.LineWidth = 2.5f;
            if (kindsShown.Add("curve:" + b.Kind)) line.LegendText = legend;
            var counters = new Dictionary<string, int>();
            for (int i = 0; i < t.Rows.Count; i++)
            {
                string kind = t.Text(i, "type");
                if (kind.Length == 0) continue;
                counters[kind] = counters.GetValueOrDefault(kind) + 1;
                if (!Enum.TryParse<PointKind>(kind, out var pointKind) || !Kinds.TryGetValue(pointKind, out var style)) continue;
                var m = plot.Add.Marker(x[i], y[i], style.Shape, 11, style.Color);
                if (kindsShown.Add(kind)) m.LegendText = style.Legend;
                if (placed.Any(p => Math.Abs(p.X - x[i]) < 0.04 * xSpan && Math.Abs(p.Y - y[i]) < 0.035 * ySpan)) continue;
                placed.Add((x[i], y[i]));
                var text = plot.Add.Text($"{kind}{counters[kind]}", x[i], y[i]);
                text.LabelFontSize = 13;
                text.LabelFontColor = style.Color;
                text.LabelOffsetX = 6;
                text.LabelOffsetY = -6;
            }
        }
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Applies the case's axis ranges (summary.json "plot_window") to the axes they name.</summary>
    static void ApplyWindow(Plot plot, OutputData data, string x, string y)
    {
        if (!data.Summary.TryGetProperty("plot_window", out var window)) return;
        if (window.TryGetProperty(x, out var xr) && xr.GetArrayLength() == 2)
            plot.Axes.SetLimitsX(xr[0].GetDouble(), xr[1].GetDouble());
        if (window.TryGetProperty(y, out var yr) && yr.GetArrayLength() == 2)
            plot.Axes.SetLimitsY(yr[0].GetDouble(), yr[1].GetDouble());
    }

    static string Save(Plot plot, string directory, string name, FigureFormat format)
    {
        string file = name + (format == FigureFormat.Svg ? ".svg" : ".png");
        string path = Path.Combine(directory, file);
        // Written under a temporary name and renamed: a figure that could not be written whole is not left behind.
        string tmp = Path.Combine(directory, "." + file + ".tmp");
        try
        {
            if (format == FigureFormat.Svg) plot.SaveSvg(tmp, Width, Height);
            else plot.SavePng(tmp, Width, Height);
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
        return file;
    }

    /// <summary>State variables to draw: those with min/max outputs (cycle envelopes), else the first state.</summary>
    static List<string> DiagramVariables(OutputData data, List<BranchData> branches)
    {
        var states = StateNames(data);
        var withEnvelope = states.Where(s => Envelope(data, s) is var (min, max) && branches.All(b => b.Points.Has(min) && b.Points.Has(max))).ToList();
        if (withEnvelope.Count > 0) return withEnvelope;
        return states.Count > 0 ? [states[0]] : [];
    }

    /// <summary>
    /// The output columns of a state's minimum and maximum over a cycle: those summary.json's "outputs" declare
    /// (min and max of the state, whatever their names, e.g. y_min/y_max of an imported AUTO problem), else
    /// <c>&lt;state&gt;_min</c> and <c>&lt;state&gt;_max</c>.
    /// </summary>
    internal static (string Min, string Max) Envelope(OutputData data, string state)
    {
        string? min = null, max = null;
        if (data.Summary.TryGetProperty("outputs", out var outputs))
            foreach (var o in outputs.EnumerateArray())
            {
                if (!o.TryGetProperty("of", out var of) || of.GetString() != state) continue;
                string? function = o.TryGetProperty("function", out var f) ? f.GetString() : null;
                if (function == "min") min ??= o.GetProperty("name").GetString();
                if (function == "max") max ??= o.GetProperty("name").GetString();
            }
        return min is not null && max is not null ? (min, max) : (state + "_min", state + "_max");
    }

    /// <summary>The axis name of a state variable with its unit from summary.json ("v_E (mV)").</summary>
    internal static string StateAxis(OutputData data, string name)
        => data.Summary.TryGetProperty("state_units", out var units) && units.TryGetProperty(name, out var unit)
            ? $"{AxisName(name)} ({unit.GetString()})"
            : AxisName(name);

    internal static List<string> StateNames(OutputData data)
        => data.Summary.TryGetProperty("states", out var s) ? s.EnumerateArray().Select(v => v.GetString() ?? "").ToList() : [];

    /// <summary>A readable axis name: I_ext^E for Iext_e, ε for eps, v_E for v_e (neural-mass names), else the name.</summary>
    public static string AxisName(string name, string? timeUnit = null) => name switch
    {
        "Iext_e" => "I_ext^E",
        "Iext_i" => "I_ext^I",
        "eps" => "ε",
        "period" => timeUnit is null ? "period" : $"period ({timeUnit})",
        _ when name.Length > 2 && name[^2] == '_' && name[^1] is 'e' or 'i' => $"{name[..^2]}_{char.ToUpperInvariant(name[^1])}",
        _ => name,
    };

    internal static Plot NewPlot(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Title(title, size: 18);
        plot.XLabel(x, size: 18);
        plot.YLabel(y, size: 18);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Legend.FontSize = 13;
        return plot;
    }

    /// <summary>
    /// How the branches of a one-parameter diagram are coloured: when they differ in exactly one other
    /// parameter, constant along each (an overlay of diagrams at several couplings), by its value, with
    /// one legend entry per value ("ε = 12", the <c>Legend</c> returned); otherwise each branch in its
    /// own colour (and a null <c>Legend</c>: the caller names the branch).
    /// </summary>
    static (bool Grouped, Func<BranchData, (Color Color, string? Group)> For) Colouring(List<BranchData> branches, string parameter)
    {
        string? grouping = null;
        Dictionary<BranchData, double>? values = null;
        if (branches.Count > 1 && branches[0].Points.Columns is var columns
            && Array.IndexOf(columns.ToArray(), "n_unstable") is int from and >= 0 && Array.IndexOf(columns.ToArray(), "period") is int to && to > from)
        {
            var candidates = new List<(string Name, Dictionary<BranchData, double> Values)>();
            foreach (var p in columns.Skip(from + 1).Take(to - from - 1).Where(c => c != parameter))
            {
                var v = new Dictionary<BranchData, double>();
                foreach (var b in branches)
                {
                    if (!b.Points.Has(p)) { v = null; break; }
                    var column = Column(b.Points, p);
                    if (column.Max() - column.Min() > 1e-12 * Math.Max(1, Math.Abs(column[0]))) { v = null; break; }
                    v[b] = column[0];
                }
                if (v is not null && v.Values.Distinct().Count() > 1) candidates.Add((p, v));
            }
            if (candidates.Count == 1) (grouping, values) = candidates[0];
        }
        if (grouping is null || values is null)
        {
            var own = branches.Select((b, i) => (b, i)).ToDictionary(x => x.b, x => Palette[x.i % Palette.Length]);
            return (false, b => (own[b], null));
        }
        var order = values.Values.Distinct().Order().ToList();
        return (true, b =>
        {
            double v = values[b];
            return (Palette[order.IndexOf(v) % Palette.Length], $"{AxisName(grouping)} = {v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}");
        });
    }

    static Plot OneParameter(OutputData data, List<BranchData> branches, string parameter, string variable)
    {
        var plot = NewPlot($"{data.Case}", AxisName(parameter), StateAxis(data, variable));
        var colouring = Colouring(branches, parameter);
        var kindsShown = new HashSet<string>();
        var groupsShown = new HashSet<string>();
        var placed = new List<(double X, double Y)>();
        var (xSpan, ySpan) = Spans(data, branches, parameter, variable);
        foreach (var b in branches)
        {
            var (color, group) = colouring.For(b);
            var t = b.Points;
            var x = Enumerable.Range(0, t.Rows.Count).Select(i => t.Number(i, parameter)).ToArray();
            var stable = Enumerable.Range(0, t.Rows.Count).Select(i => t.Text(i, "stable") == "true").ToArray();
            bool cycle = b.Kind == BranchKind.Periodic;
            var (minColumn, maxColumn) = Envelope(data, variable);
            bool envelope = cycle && t.Has(maxColumn) && t.Has(minColumn);
            var curves = envelope
                ? new[] { Column(t, maxColumn), Column(t, minColumn) }
                : new[] { Column(t, t.Has(variable) ? variable : t.Columns[^1]) };
            // Grouped: one entry per value of the grouping parameter; else one per branch.
            string legend = group is null ? $"{b.Name} ({(cycle ? envelope ? "cycles, max/min" : "cycles, at t = 0" : "equilibria")})" : groupsShown.Add(group) ? group : "";
            foreach (var y in curves)
            {
                AddStabilityLine(plot, x, y, stable, color, legend);
                legend = "";
            }
            // Special points: marker and label (kind + ordinal within the branch).
            var counters = new Dictionary<string, int>();
            for (int i = 0; i < t.Rows.Count; i++)
            {
                string kind = t.Text(i, "type");
                if (kind.Length == 0) continue;
                counters[kind] = counters.GetValueOrDefault(kind) + 1;
                if (!Enum.TryParse<PointKind>(kind, out var pointKind) || !Kinds.TryGetValue(pointKind, out var style)) continue;
                double yv = curves[0][i];
                var m = plot.Add.Marker(x[i], yv, style.Shape, 11, style.Color);
                if (kindsShown.Add(kind)) m.LegendText = style.Legend;
                // Skip a label that would overlap one already placed (the marker stays).
                if (placed.Any(p => Math.Abs(p.X - x[i]) < 0.04 * xSpan && Math.Abs(p.Y - yv) < 0.035 * ySpan)) continue;
                placed.Add((x[i], yv));
                var text = plot.Add.Text($"{(branches.Count > 1 ? b.Name + "." : "")}{kind}{counters[kind]}", x[i], yv);
                text.LabelFontSize = 13;
                text.LabelFontColor = style.Color;
                text.LabelOffsetX = 6;
                text.LabelOffsetY = -6;
            }
        }
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    static Plot Frequency(OutputData data, List<BranchData> branches, string parameter)
    {
        bool hz = data.TimeUnit is "ms" or "s";
        var plot = NewPlot($"{data.Case}: frequency of the cycles", AxisName(parameter), hz ? "frequency (Hz)" : "frequency (1/time)");
        var colouring = Colouring(branches, parameter);
        var groupsShown = new HashSet<string>();
        foreach (var b in branches)
        {
            var (color, group) = colouring.For(b);
            if (b.Kind != BranchKind.Periodic) continue;
            var t = b.Points;
            var x = Enumerable.Range(0, t.Rows.Count).Select(i => t.Number(i, parameter)).ToArray();
            double scale = data.TimeUnit == "ms" ? 1000 : 1;
            var f = Enumerable.Range(0, t.Rows.Count).Select(i => scale / t.Number(i, "period")).ToArray();
            var stable = Enumerable.Range(0, t.Rows.Count).Select(i => t.Text(i, "stable") == "true").ToArray();
            AddStabilityLine(plot, x, f, stable, color, group is null ? b.Name : groupsShown.Add(group) ? group : "");
        }
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    static (double X, double Y) Spans(OutputData data, List<BranchData> branches, string parameter, string variable)
    {
        double xmin = double.PositiveInfinity, xmax = double.NegativeInfinity, ymin = double.PositiveInfinity, ymax = double.NegativeInfinity;
        var (minColumn, maxColumn) = Envelope(data, variable);
        foreach (var b in branches)
        {
            var t = b.Points;
            foreach (var name in new[] { variable, minColumn, maxColumn })
            {
                if (!t.Has(name)) continue;
                for (int i = 0; i < t.Rows.Count; i++)
                {
                    double y = t.Number(i, name), x = t.Number(i, parameter);
                    if (double.IsFinite(y)) { ymin = Math.Min(ymin, y); ymax = Math.Max(ymax, y); }
                    if (double.IsFinite(x)) { xmin = Math.Min(xmin, x); xmax = Math.Max(xmax, x); }
                }
            }
        }
        return (Math.Max(xmax - xmin, 1e-12), Math.Max(ymax - ymin, 1e-12));
    }

    /// <summary>
    /// A curve drawn solid where stable and dashed where unstable; the legend entry (if any) goes on
    /// its first stable segment so that it shows a solid line.
    /// </summary>
    static void AddStabilityLine(Plot plot, double[] x, double[] y, bool[] stable, Color color, string legend)
    {
        bool anyStable = stable.Any(v => v), labelled = legend.Length == 0;
        foreach (var (from, to, isStable) in Segments(stable))
        {
            var line = plot.Add.ScatterLine(x[from..(to + 1)], y[from..(to + 1)], color);
            line.LineWidth = isStable ? 2.5f : 1.5f;
            line.LinePattern = isStable ? LinePattern.Solid : LinePattern.Dashed;
            if (!labelled && (isStable || !anyStable)) { line.LegendText = legend; labelled = true; }
        }
    }

    internal static double[] Column(Table t, string name) => Enumerable.Range(0, t.Rows.Count).Select(i => t.Number(i, name)).ToArray();

    /// <summary>Runs of equal stability; consecutive runs share their boundary point so the curve has no gap.</summary>
    static IEnumerable<(int From, int To, bool Stable)> Segments(bool[] stable)
    {
        int start = 0;
        for (int i = 1; i <= stable.Length; i++)
        {
            if (i == stable.Length || stable[i] != stable[start])
            {
                yield return (start, Math.Min(i, stable.Length - 1), stable[start]);
                start = i;
            }
        }
    }
}
