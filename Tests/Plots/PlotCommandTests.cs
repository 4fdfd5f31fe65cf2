using Continuation.Cli;
using SkiaSharp;

namespace Tests.Plots;

/// <summary>`cont plot` on small synthetic output directories (DESIGN.md section 5 layout).</summary>
public sealed class PlotCommandTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "cont-plot-" + Guid.NewGuid().ToString("N"));

    public PlotCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "branches"));
        File.WriteAllText(Path.Combine(_dir, "summary.json"), """
            { "case": "synthetic", "model": "toy", "time_unit": "ms", "states": ["x"], "plot_window": { "mu": [-0.5, 1] },
              "branches": [ { "name": "fp", "kind": "equilibrium", "parameters": ["mu"], "wall_ms": 1, "end_reason": "bound mu = 1" },
                            { "name": "lc", "kind": "periodic", "parameters": ["mu"], "wall_ms": 2, "end_reason": "bound mu = 1" },
                            { "name": "hopf", "kind": "hopf-curve", "parameters": ["mu", "nu"], "wall_ms": 3, "end_reason": "bound nu = 1" } ],
              "complete": true }
            """);
        var fp = new System.Text.StringBuilder("index,type,stable,n_unstable,mu,period,x,x_min,x_max,l2norm\n");
        var lc = new System.Text.StringBuilder("index,type,stable,n_unstable,mu,period,x,x_min,x_max,l2norm,floquet_1,floquet_2,trivial_error\n");
        for (int i = 0; i <= 40; i++)
        {
            double mu = -1 + i / 20.0;
            string type = i == 20 ? "HB" : i == 40 ? "EP" : "";
            fp.AppendLine($"{i},{type},{(mu < 0 ? "true" : "false")},{(mu < 0 ? 0 : 2)},{mu},{(i == 20 ? "6.28" : "")},0,0,0,0");
            if (mu >= 0)
            {
                double r = Math.Sqrt(mu);
                lc.AppendLine($"{i - 20},{(i == 30 ? "PD" : "")},{(mu < 0.5 ? "true" : "false")},0,{mu},{6.28 + mu},{r},{-r},{r},{r},1,0.5,1e-12");
            }
        }
        File.WriteAllText(Path.Combine(_dir, "branches", "fp.csv"), fp.ToString());
        var hopf = new System.Text.StringBuilder("index,type,stable,n_unstable,mu,nu,period,x,l2norm\n");
        for (int i = 0; i <= 30; i++) hopf.AppendLine($"{i},{(i == 15 ? "GH" : "")},false,2,{Math.Sin(i / 10.0)},{i / 30.0},6.28,0,0");
        File.WriteAllText(Path.Combine(_dir, "branches", "hopf.csv"), hopf.ToString());
        File.WriteAllText(Path.Combine(_dir, "branches", "lc.csv"), lc.ToString());
        File.WriteAllText(Path.Combine(_dir, "special_points.csv"),
            "branch,index,type,mu,period,omega,l1,x,x_min,x_max,note\nfp,20,HB,0,6.28,1,-2,0,0,0,supercritical\nlc,10,PD,0.5,6.78,,,0.7,-0.7,0.7,\"multipliers 1 -1\"\n");
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    (int Code, string Out, string Err) Plot(params string[] extra)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(["plot", _dir, .. extra], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    static double PixelVariance(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        double sum = 0, sum2 = 0;
        int count = 0;
        for (int y = 0; y < bitmap.Height; y += 3)
            for (int x = 0; x < bitmap.Width; x += 3)
            {
                var c = bitmap.GetPixel(x, y);
                double v = (c.Red + c.Green + c.Blue) / 3.0;
                sum += v; sum2 += v * v; count++;
            }
        double mean = sum / count;
        return sum2 / count - mean * mean;
    }

    [Fact]
    public void DrawsTheOneParameterAndFrequencyDiagramsAndTheReport()
    {
        var (code, _, err) = Plot();
        Assert.True(code == ExitCodes.Success, err);
        foreach (var name in new[] { "bifurcation-mu-x.png", "frequency-mu.png", "two-parameter-mu-nu.png" })
        {
            string path = Path.Combine(_dir, name);
            Assert.True(File.Exists(path), name);
            using (var bitmap = SKBitmap.Decode(path))
            {
                Assert.Equal(global::Plots.Figures.Width, bitmap.Width);
                Assert.Equal(global::Plots.Figures.Height, bitmap.Height);
            }
            Assert.True(PixelVariance(path) > 50, $"{name} looks blank");
        }
        string report = File.ReadAllText(Path.Combine(_dir, "report.md"));
        Assert.Contains("| fp | HB1 | HB |", report);
        Assert.Contains("| lc | PD1 | PD |", report);
        Assert.Contains("![bifurcation-mu-x.png](bifurcation-mu-x.png)", report);
    }

    [Fact]
    public void DrawsTransverseStabilityFigures()
    {
        string t = Path.Combine(_dir, "transverse");
        Directory.CreateDirectory(t);
        var along = new System.Text.StringBuilder("index,type,mu,max_growth,argmax_lambda,n_unstable\n");
        for (int i = 0; i <= 20; i++) along.AppendLine($"{i},,{-1 + i / 10.0},{0.05 * (i - 12) / 8.0},-0.2,{(i > 12 ? 30 : 0)}");
        File.WriteAllText(Path.Combine(t, "fp.csv"), along.ToString());
        var dispersion = new System.Text.StringBuilder("lambda_re,lambda_im,growth_re,growth_im\n1,0,0,0\n");
        for (int i = 0; i < 30; i++) dispersion.AppendLine($"{-0.26 + i * 0.03},0,{0.02 - 0.08 * (-0.26 + i * 0.03)},0");
        File.WriteAllText(Path.Combine(t, "dispersion-fp-HB1.csv"), dispersion.ToString());
        var map = new System.Text.StringBuilder("mu,nu,state,max_growth,argmax_lambda,n_unstable,period\n");
        for (int j = 0; j < 12; j++)
            for (int i = 0; i < 16; i++)
                map.AppendLine($"{i * 0.1},{j * 0.5},equilibrium,{Math.Sin(i * 0.3) * Math.Cos(j * 0.4)},-0.2,0,");
        File.WriteAllText(Path.Combine(t, "map.csv"), map.ToString());
        var (code, _, err) = Plot();
        Assert.True(code == ExitCodes.Success, err);
        foreach (var name in new[] { "transverse-fp.png", "transverse-dispersion-fp-HB1.png", "transverse-map.png" })
        {
            string path = Path.Combine(_dir, name);
            Assert.True(File.Exists(path), name);
            Assert.True(PixelVariance(path) > 50, $"{name} looks blank");
        }
        Assert.Contains("![transverse-map.png](transverse-map.png)", File.ReadAllText(Path.Combine(_dir, "report.md")));
    }

    [Fact]
    public void SvgOnRequest()
    {
        var (code, _, err) = Plot("--svg");
        Assert.True(code == ExitCodes.Success, err);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(_dir, "frequency-mu.svg")));
    }

    [Fact]
    public void AMalformedBranchFileIsReportedWithItsLine()
    {
        File.AppendAllText(Path.Combine(_dir, "branches", "fp.csv"), "41,,true,0,1.05\n");
        var (code, _, err) = Plot();
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("fp.csv:43: expected 10 cells as in the header, got 5", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void ANonNumberIsReportedWithItsLineAndColumn()
    {
        var path = Path.Combine(_dir, "branches", "lc.csv");
        var lines = File.ReadAllLines(path);
        var cells = lines[3].Split(',');
        cells[4] = "zero point one";
        lines[3] = string.Join(',', cells);
        File.WriteAllLines(path, lines);
        var (code, _, err) = Plot();
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("lc.csv:4: column 'mu': expected a number, got 'zero point one'", err);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        File.Delete(Path.Combine(_dir, "special_points.csv"));
        var (code, _, err) = Plot();
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("special_points.csv: file not found", err);
    }
}
