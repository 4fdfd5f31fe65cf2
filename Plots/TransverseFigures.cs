using ScottPlot;

namespace Plots;

/// <summary>
/// Figures of transverse (network) stability from DIR/transverse/: the largest transverse growth
/// rate along each analysed branch, the dispersion relations (growth rate against the connectivity
/// eigenvalue Λ, unstable modes highlighted), and the instability map of a parameter plane as a
/// heat map with its colour bar, the two-parameter curves drawn over it.
/// </summary>
public static class TransverseFigures
{
    static readonly Color Unstable = Color.FromHex("#d62728");
    static readonly Color Stable = Color.FromHex("#1f77b4");

    public static List<string> DrawAll(OutputData data, FigureFormat format, Func<Plot, string, string> save)
    {
        var written = new List<string>();
        string dir = Path.Combine(data.Directory, "transverse");
        if (!Directory.Exists(dir)) return written;
        foreach (var path in Directory.GetFiles(dir, "*.csv").OrderBy(p => p, StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            var table = Table.Read(path);
            if (table.Rows.Count == 0) continue;
            if (name.StartsWith("dispersion-", StringComparison.Ordinal))
                written.Add(save(Dispersion(data, table, name["dispersion-".Length..]), $"transverse-{name}"));
            else if (name == "map")
                written.Add(save(Map(data, table), "transverse-map"));
            else if (table.Has("max_growth"))
                written.Add(save(AlongBranch(data, table, name), $"transverse-{name}"));
        }
        return written;
    }

    /// <summary>Largest transverse growth rate along a branch; unstable points in red.</summary>
    static Plot AlongBranch(OutputData data, Table t, string branch)
    {
        // The continued parameter(s) sit between "type" and "max_growth".
        int first = t.Column("type") + 1;
        string parameter = t.Columns[first];
        var x = Figures.Column(t, parameter);
        var g = Figures.Column(t, "max_growth");
        var plot = Figures.NewPlot($"{data.Case}: transverse stability of {branch}", Figures.AxisName(parameter), "largest transverse growth rate");
        var line = plot.Add.ScatterLine(x, g, Stable);
        line.LineWidth = 2;
        line.LegendText = "max over Λ ≠ 1";
        var ux = x.Where((_, i) => g[i] > 0).ToArray();
        var uy = g.Where(v => v > 0).ToArray();
        if (ux.Length > 0)
        {
            var markers = plot.Add.ScatterPoints(ux, uy, Unstable);
            markers.MarkerSize = 5;
            markers.LegendText = "transversally unstable";
        }
        var zero = plot.Add.HorizontalLine(0, 1, Color.FromHex("#000000"), LinePattern.Dotted);
        zero.LineWidth = 1;
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Dispersion relation: growth rate against Λ; unstable modes red, the homogeneous mode open.</summary>
    static Plot Dispersion(OutputData data, Table t, string label)
    {
        var lambda = Figures.Column(t, "lambda_re");
        var growth = Figures.Column(t, "growth_re");
        var plot = Figures.NewPlot($"{data.Case}: dispersion relation at {label}", "connectivity eigenvalue Λ", "growth rate");
        int homogeneous = Array.FindIndex(lambda, l => Math.Abs(l - 1) < 1e-6);
        var idx = Enumerable.Range(0, lambda.Length).Where(i => i != homogeneous).ToList();
        var stable = idx.Where(i => !(growth[i] > 0)).ToList();
        var unstable = idx.Where(i => growth[i] > 0).ToList();
        if (stable.Count > 0)
        {
            var s = plot.Add.ScatterPoints(stable.Select(i => lambda[i]).ToArray(), stable.Select(i => growth[i]).ToArray(), Stable);
            s.MarkerSize = 7;
            s.LegendText = "stable modes";
        }
        if (unstable.Count > 0)
        {
            var u = plot.Add.ScatterPoints(unstable.Select(i => lambda[i]).ToArray(), unstable.Select(i => growth[i]).ToArray(), Unstable);
            u.MarkerSize = 8;
            u.LegendText = $"unstable modes ({unstable.Count})";
        }
        if (homogeneous >= 0)
        {
            var h = plot.Add.Marker(lambda[homogeneous], growth[homogeneous], MarkerShape.OpenCircle, 12, Color.FromHex("#000000"));
            h.LegendText = "homogeneous mode (Λ = 1)";
        }
        plot.Add.HorizontalLine(0, 1, Color.FromHex("#000000"), LinePattern.Dotted);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Instability map: largest transverse growth over a parameter grid, with the two-parameter curves over it.</summary>
    static Plot Map(OutputData data, Table t)
    {
        var g = Figures.Column(t, "max_growth");
        // The scale resolves the growing modes (decay rates of resting states are much larger and saturate).
        var positive = g.Where(v => v > 0 && double.IsFinite(v)).OrderBy(v => v).ToArray();
        var finite = positive.Length > 0 ? positive : g.Where(double.IsFinite).Select(Math.Abs).OrderBy(v => v).ToArray();
        double limit = finite.Length == 0 ? 1 : Math.Max(finite[(int)(0.98 * (finite.Length - 1))], 1e-12);
        // Diverging colours centred on zero growth: blue where every network mode decays, red where
        // one grows; grey where the homogeneous system has no stable equilibrium or cycle ("other").
        return PlaneHeatmap(data, t, g, limit, $"{data.Case}: transverse instability (red: a network mode grows)", "largest transverse growth rate (grey: other)");
    }

    /// <summary>
    /// A quantity over a plane (the first two columns of <paramref name="t"/> are the axes) in diverging
    /// colours from −<paramref name="limit"/> to +<paramref name="limit"/>, grey where it is missing, with
    /// the case's two-parameter curves in the same plane drawn over it.
    /// </summary>
    internal static Plot PlaneHeatmap(OutputData data, Table t, double[] value, double limit, string title, string label)
    {
        string xName = t.Columns[0], yName = t.Columns[1];
        var x = Figures.Column(t, xName);
        var y = Figures.Column(t, yName);
        var xs = x.Distinct().OrderBy(v => v).ToArray();
        var ys = y.Distinct().OrderBy(v => v).ToArray();
        var grid = new double[ys.Length, xs.Length];
        for (int r = 0; r < ys.Length; r++) for (int c = 0; c < xs.Length; c++) grid[r, c] = double.NaN;
        var xi = xs.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
        var yi = ys.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
        for (int i = 0; i < x.Length; i++) grid[ys.Length - 1 - yi[y[i]], xi[x[i]]] = value[i];
        var plot = Figures.NewPlot(title, Figures.AxisName(xName), Figures.AxisName(yName));
        var heat = plot.Add.Heatmap(grid);
        double dx = xs.Length > 1 ? (xs[^1] - xs[0]) / (xs.Length - 1) : 1, dy = ys.Length > 1 ? (ys[^1] - ys[0]) / (ys.Length - 1) : 1;
        heat.Extent = new CoordinateRect(xs[0] - dx / 2, xs[^1] + dx / 2, ys[0] - dy / 2, ys[^1] + dy / 2);
        heat.Colormap = new ScottPlot.Colormaps.Balance();
        heat.ManualRange = new ScottPlot.Range(-limit, limit);
        heat.NaNCellColor = Color.FromHex("#9e9e9e");
        var bar = plot.Add.ColorBar(heat);
        bar.Label = label;
        foreach (var b in data.Branches.Where(b => b.Parameters.Count == 2 && b.Parameters[0] == xName && b.Parameters[1] == yName))
        {
            var line = plot.Add.ScatterLine(Figures.Column(b.Points, xName), Figures.Column(b.Points, yName), Color.FromHex("#000000"));
            line.LineWidth = 1.5f;
        }
        plot.Axes.SetLimits(xs[0] - dx / 2, xs[^1] + dx / 2, ys[0] - dy / 2, ys[^1] + dy / 2);
        return plot;
    }
}
