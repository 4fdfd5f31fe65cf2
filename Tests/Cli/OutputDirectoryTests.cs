using System.Diagnostics;
using Continuation.Cli;
using Continuation.Cli.Output;
using static Tests.Cli.CliHarness;

namespace Tests.Cli;

/// <summary>
/// An output directory belongs to one run at a time and holds one run's results: a second run into
/// it is refused (tested across two processes), files of the run before are removed, and the path
/// comes only from <c>--out</c> or <c>out/&lt;name&gt;</c>.
/// </summary>
public sealed class OutputDirectoryTests : IDisposable
{
    readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>Starts <c>cont</c> (the build beside the tests) as a separate process.</summary>
    static Process StartCont(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "cont.dll");
        Assert.True(File.Exists(dll), dll);
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    [Fact]
    public void ASecondProcessIsRefusedWhileADirectoryIsInUse()
    {
        string output = _cli.PathOf("out");
        string casePath = _cli.WriteCase(FoldCase);
        using (OutputDirectory.Acquire(output))
        {
            using var child = StartCont("run", casePath, "--out", output, "--quiet", "--no-plots");
            string stderr = child.StandardError.ReadToEnd();
            Assert.True(child.WaitForExit(60_000), "the second cont did not finish");
            Assert.Equal(ExitCodes.BadInput, child.ExitCode);
            Assert.Contains("is in use by another cont run", stderr);
            Assert.Single(stderr.Trim().Split('\n'));
            Assert.DoesNotContain("   at ", stderr);
            Assert.False(File.Exists(Path.Combine(output, "summary.json")), "the refused run wrote into the directory");
        }
        // Released: the same run now goes through.
        var (code, _, err) = Run(["run", casePath, "--out", output, "--quiet", "--no-plots"]);
        Assert.True(code == ExitCodes.Success, err);
    }

    [Fact]
    public void ARunningProcessHoldsItsDirectoryAndReleasesItWhenKilled()
    {
        string output = _cli.PathOf("out");
        // The two-parameter case runs for about a minute: long enough to be caught running.
        using var child = StartCont("run", RepositoryPaths.Case("homogeneous-2d.yaml"), "--out", output, "--quiet", "--no-plots");
        try
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(output, OutputDirectory.LockName)) && clock.Elapsed < TimeSpan.FromSeconds(60) && !child.HasExited)
                Thread.Sleep(20);
            // (Reading the child's stderr here would wait for it to end.)
            Assert.False(child.HasExited, "the first run ended before it could be caught");

            var (code, _, stderr) = Run(["run", _cli.WriteCase(FoldCase), "--out", output, "--quiet", "--no-plots"]);
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Contains("in use by another cont run", stderr);
        }
        finally
        {
            if (!child.HasExited) child.Kill();
            child.WaitForExit();
        }

        // Killed, the first process leaves a partial result and a lock file that nobody holds; the next
        // run takes the directory and removes what the killed run wrote.
        var next = Run(["run", _cli.WriteCase(FoldCase), "--out", output, "--quiet", "--no-plots"]);
        Assert.True(next.Code == ExitCodes.Success, next.Stderr);
        Assert.Equal(["fp.csv"], Directory.GetFiles(Path.Combine(output, "branches")).Select(Path.GetFileName));
        Assert.Contains("\"case\": \"fold\"", File.ReadAllText(Path.Combine(output, "summary.json")));
    }

    [Fact]
    public void ATerminatedRunExits143WithWhatItFinished()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // SIGTERM
        string output = _cli.PathOf("out");
        using var child = StartCont("run", RepositoryPaths.Case("homogeneous-2d.yaml"), "--out", output);
        // Its progress is read as it comes (a full pipe would block the child).
        var log = new System.Text.StringBuilder();
        child.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        child.BeginErrorReadLine();
        // Wait until the first branch is written, then send SIGTERM.
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(output, "special_points.csv")) && clock.Elapsed < TimeSpan.FromSeconds(60) && !child.HasExited)
            Thread.Sleep(20);
        Assert.False(child.HasExited, "the run ended before it could be terminated");
        using (var kill = Process.Start("kill", ["-TERM", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        var stopping = Stopwatch.StartNew();
        Assert.True(child.WaitForExit(60_000), "the run did not stop on SIGTERM");
        child.WaitForExit(); // (the end of the asynchronous reads)
        lock (log) Assert.True(child.ExitCode == ExitCodes.Terminated, $"exit code {child.ExitCode}:\n{log}");
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(20), $"SIGTERM took {stopping.Elapsed} to stop the run");
        lock (log) Assert.Contains("interrupted", log.ToString());
        string summary = File.ReadAllText(Path.Combine(output, "summary.json"));
        Assert.Matches("\"complete\": false", summary);
        Assert.Empty(Directory.GetFiles(output, "*.png"));
        Assert.False(File.Exists(Path.Combine(output, OutputDirectory.LockName)), "the lock file outlived the run");
    }

    [Fact]
    public void AFigureThatCannotBeWrittenIsExitCode1AndLeavesNoPartialFile()
    {
        string output = _cli.PathOf("out");
        // Where the figure should go there is a directory: writing it fails as a full disk would.
        Directory.CreateDirectory(Path.Combine(output, "bifurcation-mu-x.png"));
        var (code, _, stderr) = Run(["run", _cli.WriteCase(FoldCase), "--out", output]);
        Assert.True(code == ExitCodes.BranchFailed, $"exit code {code}:\n{stderr}");
        Assert.Contains("error: figures not drawn", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Empty(Directory.GetFiles(output, "*.tmp"));
        Assert.Empty(Directory.GetFiles(output, ".*.tmp"));
        // The results themselves are complete.
        Assert.Matches("\"complete\": true", File.ReadAllText(Path.Combine(output, "summary.json")));
    }

    [Fact]
    public void ResultsOfTheCaseBeforeAreRemoved()
    {
        string output = _cli.PathOf("out");
        var first = Run(["run", _cli.WriteCase(FoldCaseWithSecondRunFrom("fp.LP1"), "first.yaml"), "--out", output, "--quiet"]);
        Assert.True(first.Code == ExitCodes.Success, first.Stderr);
        Assert.True(File.Exists(Path.Combine(output, "branches", "b.csv")));
        string figure = Directory.GetFiles(output, "*.png").First();
        // Files that are not cont's results stay.
        string notes = Path.Combine(output, "notes.txt");
        File.WriteAllText(notes, "mine");

        var second = Run(["run", _cli.WriteCase(FoldCase.Replace("name: fp", "name: other")), "--out", output, "--quiet", "--no-plots"]);
        Assert.True(second.Code == ExitCodes.Success, second.Stderr);
        Assert.Equal(["other.csv"], Directory.GetFiles(Path.Combine(output, "branches")).Select(Path.GetFileName));
        Assert.False(File.Exists(figure), "a figure of the run before is still there");
        Assert.False(File.Exists(Path.Combine(output, "report.md")));
        Assert.True(File.Exists(notes));
        Assert.DoesNotContain(",fp,", "," + string.Join("\n,", File.ReadAllLines(Path.Combine(output, "special_points.csv"))));
        var manifest = File.ReadAllLines(Path.Combine(output, OutputDirectory.ManifestName));
        Assert.Equal(["branches/other.csv", "special_points.csv", "summary.json"], manifest);
    }

    [Fact]
    public void AnOutputDirectoryWrittenBeforeManifestsIsCleanedByTheNamesContUses()
    {
        string output = _cli.PathOf("out");
        Directory.CreateDirectory(Path.Combine(output, "branches"));
        File.WriteAllText(Path.Combine(output, "branches", "lc8.csv"), "index\n1\n");
        File.WriteAllText(Path.Combine(output, "bifurcation-lc8.png"), "old");
        File.WriteAllText(Path.Combine(output, "summary.json"), "{}");
        File.WriteAllText(Path.Combine(output, "data.csv"), "mine");

        var (code, _, stderr) = Run(["run", _cli.WriteCase(FoldCase), "--out", output, "--quiet", "--no-plots"]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.False(File.Exists(Path.Combine(output, "branches", "lc8.csv")));
        Assert.False(File.Exists(Path.Combine(output, "bifurcation-lc8.png")));
        Assert.True(File.Exists(Path.Combine(output, "data.csv")));
    }

    [Fact]
    public void AnEmptyOutDirectoryIsAUsageError()
    {
        var (code, _, stderr) = Run(["run", _cli.WriteCase(FoldCase), "--out", "", "--quiet"]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--out", stderr);
    }

    [Theory]
    [InlineData("../../escape")]
    [InlineData("/tmp/absolute")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    public void ACaseNameIsANameNeverAPath(string name)
    {
        string path = _cli.WriteCase(ReplaceOnce(FoldCase, "name: fold", $"name: \"{name}\""));
        var (code, stdout, stderr) = Run(["validate", path]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", stdout);
        Assert.Contains("case.yaml:1: ", stderr);
        Assert.Contains("name", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void ARunNameLongerThanAFileNameIsRejectedByValidate()
    {
        string path = _cli.WriteCase(ReplaceOnce(FoldCase, "- name: fp", "- name: " + new string('r', 300)));
        var (code, _, stderr) = Run(["validate", path]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("case.yaml:7: ", stderr);
    }

    [Theory]
    [InlineData("\"x_max,extra\"")]
    [InlineData("\"two\\nlines\"")]
    [InlineData("index")]
    public void AnOutputNameMustBeAPlainColumnName(string name)
    {
        string text = FoldCase.Replace("numerics:", $"outputs: [ {{ name: {name}, max: x }} ]\nnumerics:");
        var (code, _, stderr) = Run(["validate", _cli.WriteCase(text)]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("case.yaml:5: ", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
