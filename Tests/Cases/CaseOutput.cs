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

    public List<Dictionary<string, string>> Csv(string relativePath)
    {
        var lines = File.ReadAllLines(Path.Combine(Directory, relativePath));
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => SplitCsv(l))
            .Select(cells => header.Zip(cells).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    static string[] SplitCsv(string line)
    {
        var cells = new List<string>();
        var cur = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cur.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cur.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cur.ToString()); cur.Clear(); }
            else cur.Append(c);
        }
        cells.Add(cur.ToString());
        return cells.ToArray();
    }

    public static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
