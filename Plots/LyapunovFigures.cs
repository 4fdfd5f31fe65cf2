using System.Text.Json;
using ScottPlot;

namespace Plots;

/// <summary>
/// Figures of Lyapunov runs from DIR/lyapunov/: the running means of the leading exponents of each
/// run (how they converged), and the scan: the leading exponents against the parameter for a line,
/// or λ1 over the plane (diverging colours centred on zero) with the two-parameter curves over it.
/// </summary>
public static class LyapunovFigures
{
    static readonly Color[] Palette =
    [
        Color.FromHex("#d62728"), Color.FromHex("#1f77b4"), Color.FromHex("#2ca02c"), Color.FromHex("#9467bd"), Color.FromHex("#ff7f0e"),
        Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"), Color.FromHex("#bcbd22"), Color.FromHex("#17becf"),
    ];

    public static List<string> DrawAll(OutputData data, FigureFormat format, Func<Plot, string, string> save)
    {
        var written = new List<string>();
        string dir = Path.Combine(data.Directory, "lyapunov");
        if (!Directory.Exists(dir)) return written;
        if (data.Summary.TryGetProperty("lyapunov", out var runs) && runs.ValueKind == JsonValueKind.Array)
            foreach (var r in runs.EnumerateArray())
            {
                string name = r.GetProperty("name").GetString()!;
                string running = Path.Combine(dir, name + "-running.csv");
                if (File.Exists(running)) written.Add(save(Running(data, name, Table.Read(running)), $"lyapunov-{name}-running"));
            }
        string scan = Path.Combine(dir, "scan.csv");
        if (File.Exists(scan))
        {
            var t = Table.Read(scan);
            if (t.Rows.Count > 0) written.Add(save(t.Columns[1].StartsWith("lambda_", StringComparison.Ordinal) ? Line(data, t) : Plane(data, t), "lyapunov-scan"));
        }
        return written;
    }

    static string TimeAxis(OutputData data) => data.TimeUnit is null ? "time" : $"time ({data.TimeUnit})";

    static Plot Running(OutputData data, string name, Table t)
    {
        var time = Figures.Column(t, "t");
        var plot = Figures.NewPlot($"{data.Case}: {name}, running means of the Lyapunov exponents", TimeAxis(data), "exponent" + (data.TimeUnit is null ? "" : $" (1/{data.TimeUnit})"));
        var columns = t.Columns.Where(c => c.StartsWith("lambda_", StringComparison.Ordinal)).Take(10).ToList();
        for (int i = 0; i < columns.Count; i++)
        {
            var line = plot.Add.ScatterLine(time, Figures.Column(t, columns[i]), Palette[i % Palette.Length]);
            line.LegendText = $"λ{i + 1}";
            line.LineWidth = 1.5f;
        }
        var zero = plot.Add.HorizontalLine(0, 1, Colors.Black, LinePattern.Dotted);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>The leading exponents (up to ten) against the parameter of a line scan.</summary>
    static Plot Line(OutputData data, Table t)
    {
        string p = t.Columns[0];
        var x = Figures.Column(t, p);
        var plot = Figures.NewPlot($"{data.Case}: Lyapunov exponents along {Figures.AxisName(p)}", Figures.AxisName(p), "exponent" + (data.TimeUnit is null ? "" : $" (1/{data.TimeUnit})"));
        var columns = t.Columns.Where(c => c.StartsWith("lambda_", StringComparison.Ordinal)).Take(10).ToList();
        for (int i = 0; i < columns.Count; i++)
        {
            var line = plot.Add.ScatterLine(x, Figures.Column(t, columns[i]), Palette[i % Palette.Length]);
            line.LegendText = $"λ{i + 1}";
            line.LineWidth = i == 0 ? 2f : 1f;
            line.MarkerSize = i == 0 ? 4 : 0;
        }
        plot.Add.HorizontalLine(0, 1, Colors.Black, LinePattern.Dotted);
        plot.ShowLegend(Alignment.LowerLeft);
        return plot;
    }

    /// <summary>λ1 over a plane, diverging colours centred on zero, the two-parameter curves drawn over it.</summary>
    static Plot Plane(OutputData data, Table t)
    {
        var l1 = Figures.Column(t, "lambda_1");
        double limit = Math.Max(1e-12, l1.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(1).Max());
        return TransverseFigures.PlaneHeatmap(data, t, l1, limit, $"{data.Case}: largest Lyapunov exponent", "λ1");
    }
}
