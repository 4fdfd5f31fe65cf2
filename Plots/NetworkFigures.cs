using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ScottPlot;

namespace Plots;

/// <summary>
/// Figures of network simulations and their spectra, from DIR/simulations/ and DIR/spectra/: the
/// space–time raster (region × time, colour the shown variable), the mean field, a few regions'
/// traces, the final snapshot against region index, the growth of a mode perturbation against its
/// prediction; power spectra (log scale) and the comodulogram.
/// </summary>
public static class NetworkFigures
{
    static readonly Color Mean = Color.FromHex("#000000");
    static readonly Color[] Palette = [Color.FromHex("#1f77b4"), Color.FromHex("#d62728"), Color.FromHex("#2ca02c"), Color.FromHex("#9467bd")];

    public static List<string> DrawAll(OutputData data, FigureFormat format, Func<Plot, string, string> save)
    {
        var written = new List<string>();
        if (data.Summary.TryGetProperty("simulations", out var sims) && sims.ValueKind == JsonValueKind.Array)
            foreach (var s in sims.EnumerateArray())
            {
                if (s.TryGetProperty("failed", out _)) continue;
                string name = s.GetProperty("name").GetString()!;
                string dir = Path.Combine(data.Directory, "simulations");
                string npy = Path.Combine(dir, name + ".npy"), meta = Path.Combine(dir, name + ".json");
                if (!File.Exists(npy) || !File.Exists(meta)) continue;
                var layout = JsonDocument.Parse(File.ReadAllText(meta)).RootElement;
                int nodes = layout.GetProperty("nodes").GetInt32();
                var states = layout.GetProperty("node_states").EnumerateArray().Select(e => e.GetString()!).ToList();
                string show = layout.GetProperty("show").GetString()!;
                double t0 = layout.GetProperty("t0").GetDouble(), dt = layout.GetProperty("dt").GetDouble();
                var series = ReadColumns(npy, states.IndexOf(show), states.Count, nodes);
                var time = Enumerable.Range(0, series[0].Length).Select(i => t0 + i * dt).ToArray();
                string tAxis = data.TimeUnit is null ? "time" : $"time ({data.TimeUnit})";
                string yAxis = Figures.StateAxis(data, show);
                written.Add(save(Raster(data, name, show, series, time, tAxis), $"simulation-{name}-raster"));
                written.Add(save(MeanField(data, name, show, series, time, tAxis, yAxis), $"simulation-{name}-mean"));
                written.Add(save(Traces(data, name, show, series, time, tAxis, yAxis), $"simulation-{name}-traces"));
                written.Add(save(Snapshot(data, name, show, series, time, yAxis), $"simulation-{name}-snapshot"));
                string growth = Path.Combine(dir, name + "-growth.csv");
                if (File.Exists(growth)) written.Add(save(Growth(data, name, Table.Read(growth), tAxis), $"simulation-{name}-growth"));
            }
        if (data.Summary.TryGetProperty("spectra", out var specs) && specs.ValueKind == JsonValueKind.Array)
            foreach (var s in specs.EnumerateArray())
            {
                if (s.TryGetProperty("failed", out _)) continue;
                string name = s.GetProperty("name").GetString()!;
                string dir = Path.Combine(data.Directory, "spectra");
                string psd = Path.Combine(dir, name + "-psd.csv"), como = Path.Combine(dir, name + "-comodulogram.csv");
                if (File.Exists(psd)) written.Add(save(Spectra(data, name, Table.Read(psd)), $"spectrum-{name}-psd"));
                if (File.Exists(como)) written.Add(save(Comodulogram(data, name, Table.Read(como)), $"spectrum-{name}-comodulogram"));
            }
        return written;
    }

    /// <summary>Region × time, colour the variable, over the last 1000 samples (a window in which single rhythms can be told apart; the whole record is in the .npy file).</summary>
    static Plot Raster(OutputData data, string name, string show, double[][] series, double[] time, string tAxis)
    {
        int nodes = series.Length, samples = time.Length, columns = Math.Min(samples, 1000), first = samples - columns;
        var grid = new double[nodes, columns];
        for (int k = 0; k < nodes; k++)
            for (int c = 0; c < columns; c++) grid[nodes - 1 - k, c] = series[k][first + c];
        string window = first > 0 ? $" (last {time[^1] - time[first]:G4} of the record)" : "";
        var plot = Figures.NewPlot($"{data.Case}: {name}, {show} of every region{window}", tAxis, "region");
        var heat = plot.Add.Heatmap(grid);
        heat.Extent = new CoordinateRect(time[first], time[^1], -0.5, nodes - 0.5);
        heat.Colormap = new ScottPlot.Colormaps.Viridis();
        var bar = plot.Add.ColorBar(heat);
        bar.Label = show;
        plot.Axes.SetLimits(time[first], time[^1], -0.5, nodes - 0.5);
        return plot;
    }

    static Plot MeanField(OutputData data, string name, string show, double[][] series, double[] time, string tAxis, string yAxis)
    {
        var mean = time.Select((_, i) => series.Average(r => r[i])).ToArray();
        var plot = Figures.NewPlot($"{data.Case}: {name}, mean field of {show}", tAxis, yAxis);
        var line = plot.Add.ScatterLine(time, mean, Mean);
        line.LineWidth = 1.2f;
        return plot;
    }

    /// <summary>Four regions: the two that vary most and the two that vary least over the record.</summary>
    static Plot Traces(OutputData data, string name, string show, double[][] series, double[] time, string tAxis, string yAxis)
    {
        var spread = series.Select((r, k) => (k, r.Max() - r.Min())).OrderByDescending(p => p.Item2).Select(p => p.k).ToList();
        var chosen = spread.Take(2).Concat(spread.TakeLast(2)).Distinct().ToList();
        var plot = Figures.NewPlot($"{data.Case}: {name}, {show} of four regions", tAxis, yAxis);
        for (int i = 0; i < chosen.Count; i++)
        {
            var line = plot.Add.ScatterLine(time, series[chosen[i]], Palette[i % Palette.Length]);
            line.LegendText = $"region {chosen[i]}";
            line.LineWidth = 1;
        }
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    static Plot Snapshot(OutputData data, string name, string show, double[][] series, double[] time, string yAxis)
    {
        var x = Enumerable.Range(0, series.Length).Select(k => (double)k).ToArray();
        var y = series.Select(r => r[^1]).ToArray();
        var plot = Figures.NewPlot($"{data.Case}: {name}, {show} at t = {time[^1]:G6}", "region", yAxis);
        var dots = plot.Add.ScatterPoints(x, y, Palette[0]);
        dots.MarkerSize = 6;
        return plot;
    }

    static Plot Growth(OutputData data, string name, Table t, string tAxis)
    {
        var time = Figures.Column(t, "t");
        var log = Figures.Column(t, "log_abs");
        var predicted = Figures.Column(t, "predicted");
        var plot = Figures.NewPlot($"{data.Case}: {name}, growth of the perturbed mode", tAxis, "ln |mode amplitude|");
        var measured = plot.Add.ScatterPoints(time, log, Palette[0]);
        measured.MarkerSize = 5;
        measured.LegendText = "simulated network";
        var line = plot.Add.ScatterLine(time, predicted, Palette[1]);
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = "transverse analysis";
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    /// <summary>Every region's density (thin, grey) and the mean field's (black), log scale.</summary>
    static Plot Spectra(OutputData data, string name, Table t)
    {
        string f = t.Columns[0];
        var freq = Figures.Column(t, f);
        int keep = freq.Length;
        for (int i = 0; i < freq.Length; i++) if (freq[i] > 200) { keep = i; break; }
        var x = freq.Skip(1).Take(keep - 1).ToArray();
        double Log(double v) => Math.Log10(Math.Max(v, 1e-300));
        var plot = Figures.NewPlot($"{data.Case}: {name}, power spectral density", f == "frequency_hz" ? "frequency (Hz)" : "frequency", "log10 power density");
        foreach (var column in t.Columns.Where(c => c.StartsWith("region_", StringComparison.Ordinal)))
        {
            var line = plot.Add.ScatterLine(x, Figures.Column(t, column).Skip(1).Take(keep - 1).Select(Log).ToArray(), Color.FromHex("#b0b0b0"));
            line.LineWidth = 0.6f;
        }
        var mean = plot.Add.ScatterLine(x, Figures.Column(t, "mean_field").Skip(1).Take(keep - 1).Select(Log).ToArray(), Mean);
        mean.LineWidth = 2;
        mean.LegendText = "mean field";
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    static Plot Comodulogram(OutputData data, string name, Table t)
    {
        var phase = Figures.Column(t, t.Columns[0]);
        var amp = Figures.Column(t, t.Columns[1]);
        var mi = Figures.Column(t, "mi");
        var ps = phase.Distinct().OrderBy(v => v).ToArray();
        var amps = amp.Distinct().OrderBy(v => v).ToArray();
        var grid = new double[amps.Length, ps.Length];
        for (int i = 0; i < mi.Length; i++) grid[amps.Length - 1 - Array.IndexOf(amps, amp[i]), Array.IndexOf(ps, phase[i])] = mi[i];
        var plot = Figures.NewPlot($"{data.Case}: {name}, comodulogram of the mean field", "phase frequency (Hz)", "amplitude frequency (Hz)");
        var heat = plot.Add.Heatmap(grid);
        double dx = ps.Length > 1 ? ps[1] - ps[0] : 1, dy = amps.Length > 1 ? amps[1] - amps[0] : 1;
        heat.Extent = new CoordinateRect(ps[0] - dx / 2, ps[^1] + dx / 2, amps[0] - dy / 2, amps[^1] + dy / 2);
        heat.Colormap = new ScottPlot.Colormaps.Viridis();
        var bar = plot.Add.ColorBar(heat);
        bar.Label = "modulation index";
        plot.Axes.SetLimits(ps[0] - dx / 2, ps[^1] + dx / 2, amps[0] - dy / 2, amps[^1] + dy / 2);
        return plot;
    }

    /// <summary>
    /// Columns <paramref name="first"/>, first + <paramref name="stride"/>, … (<paramref name="count"/> of
    /// them) of a C-order float64 .npy file as cont writes them (<c>simulations/NAME.npy</c>), one array
    /// per column: one region's variable over time.
    /// </summary>
    /// <exception cref="PlotInputException">Not such a file.</exception>
    public static double[][] ReadColumns(string path, int first, int stride, int count)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var prefix = new byte[10];
        stream.ReadExactly(prefix);
        if (prefix[0] != 0x93 || Encoding.ASCII.GetString(prefix, 1, 5) != "NUMPY") throw new PlotInputException(path, 0, "not a .npy file");
        var header = new byte[BinaryPrimitives.ReadUInt16LittleEndian(prefix.AsSpan(8))];
        stream.ReadExactly(header);
        string text = Encoding.ASCII.GetString(header);
        int open = text.IndexOf("'shape': (", StringComparison.Ordinal);
        if (open < 0 || !text.Contains("'<f8'", StringComparison.Ordinal)) throw new PlotInputException(path, 0, "expected a float64 array");
        var shape = text[(open + 10)..text.IndexOf(')', open)].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        int rows = (int)shape[0], columns = (int)shape[1];
        if (shape.Length != 2 || first + (long)(count - 1) * stride >= columns) throw new PlotInputException(path, 0, $"expected at least {first + (count - 1) * stride + 1} columns");
        var result = new double[count][];
        for (int c = 0; c < count; c++) result[c] = new double[rows];
        var row = new byte[columns * 8];
        for (int r = 0; r < rows; r++)
        {
            stream.ReadExactly(row);
            for (int c = 0; c < count; c++) result[c][r] = BinaryPrimitives.ReadDoubleLittleEndian(row.AsSpan((first + c * stride) * 8));
        }
        return result;
    }
}
