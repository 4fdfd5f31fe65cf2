using System.Globalization;
using Continuation.Cli;

namespace Tests.Cases;

/// <summary>Runs a case through the CLI into a temporary directory and reads its CSV outputs.</summary>
public sealed class CaseOutput : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "cont-case-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>Runs the case file; asserts exit code 0.</summary>
    public void Run(string casePath)
    {
        var stderr = new StringWriter();
        int code = Program.Run(["run", casePath, "--out", Directory, "--quiet"], new StringWriter(), stderr);
        Assert.True(code == 0, stderr.ToString());
    }

    /// <summary>Runs case text written to a file in the output's parent directory.</summary>
    public void RunText(string yaml)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string path = Path.Combine(Directory, "case.yaml");
        File.WriteAllText(path, yaml);
        Run(path);
    }

    /// <summary>Rows of an output CSV as column → cell maps (parsed by the Plots reader, which handles quoting).</summary>
    public List<Dictionary<string, string>> Csv(string relativePath)
    {
        var table = global::Plots.Table.Read(Path.Combine(Directory, relativePath));
        return table.Rows.Select(cells => table.Columns.Zip(cells).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    public static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
