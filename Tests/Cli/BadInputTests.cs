using Continuation.Cli;
using static Tests.Cli.CliHarness;

namespace Tests.Cli;

/// <summary>
/// Bad input gives exit code 2 and one clear message on stderr that names the file, the line and
/// the key (or what was expected), never a stack trace. Cases are variations of
/// <see cref="CliHarness.FoldCase"/>; see there for its line numbers.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>
    /// <c>cont validate</c> rejects <paramref name="text"/> with a message at case.yaml:<paramref name="line"/>
    /// containing <paramref name="expected"/>; <c>cont run</c> gives the same message and writes nothing.
    /// </summary>
    void AssertRejected(string text, int line, params string[] expected)
    {
        string path = _cli.WriteCase(text);
        var (code, stdout, stderr) = Run(["validate", path]);
        AssertOneCleanError(code, stderr, [$"case.yaml:{line}: ", .. expected]);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Trim().Split('\n'));

        string output = _cli.PathOf("out");
        var run = Run(["run", path, "--out", output, "--quiet"]);
        Assert.Equal(ExitCodes.BadInput, run.Code);
        Assert.Equal(stderr, run.Stderr);
        Assert.False(Directory.Exists(output), "a case that fails validation must not write output");
    }

    [Fact]
    public void TheBaseCaseIsValid()
    {
        var (code, stdout, stderr) = Run(["validate", _cli.WriteCase(FoldCase)]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("ok: case fold, model NormalForm.Fold, 1 run(s): fp (equilibrium in mu)", stdout);
        Assert.Equal("", stderr);
    }

    // ---- YAML syntax ----------------------------------------------------------------------------

    [Theory]
    // An unclosed '{' followed by more lines (YamlDotNet used to throw InvalidOperationException here).
    [InlineData("parameters: { mu: 1 }", "parameters: { mu: 1", 3, "YAML syntax error", "'{'", "not closed")]
    // An unclosed '[' followed by more lines.
    [InlineData("start: { state: [1] }", "start: { state: [1 }", 4, "YAML syntax error", "']'")]
    // Bad indentation: a run key one column left of its siblings.
    [InlineData("    parameter: mu", "   parameter: mu", 9, "YAML syntax error", "did not find expected")]
    // A key indented too far.
    [InlineData("model: NormalForm.Fold", "model: NormalForm.Fold\n  parameters_too_deep: 1", 3, "YAML syntax error")]
    // A tab as indentation (YamlDotNet places this at line 1).
    [InlineData("    parameter: mu", "\tparameter: mu", 9, "YAML syntax error", "tab")]
    // A duplicate key.
    [InlineData("name: fold", "name: fold\nname: again", 2, "YAML syntax error", "Duplicate key")]
    public void SyntaxErrorsNameTheLine(string old, string replacement, int line, params string[] expected)
        => AssertRejected(ReplaceOnce(FoldCase, old, replacement), line, expected);

    [Theory]
    [InlineData("name: t\nmodel: NormalForm.Fold\nruns: [ fp\n", 3, "'['", "not closed")]
    [InlineData("name: t\nmodel: NormalForm.Fold\nparameters: { mu: [1, 2]", 3, "'{'", "not closed")]
    public void AnUnclosedBracketAtTheEndOfTheFileIsReportedWhereItOpens(string text, int line, params string[] expected)
        => AssertRejected(text, line, ["YAML syntax error", .. expected]);

    // ---- unknown keys ---------------------------------------------------------------------------

    [Theory]
    [InlineData("    stop: { mu: [-1, 2] }", "    stop: { mu: [-1, 2] }\nplot: yes", 12, "plot: unknown key 'plot'", "expected one of name, model")]
    [InlineData("    stop: { mu: [-1, 2] }", "    stop: { mu: [-1, 2] }\n    colour: red", 12, "runs[0].colour: unknown key 'colour'", "kind, parameter")]
    [InlineData("numerics: { ds: 0.05,", "numerics: { step: 0.05,", 5, "numerics.step: unknown key 'step'", "ds, ds_min, ds_max")]
    [InlineData("numerics: { ds: 0.05, ds_max: 0.1, max_steps: 200 }", "numerics:\n  ds: 0.05\n  dsmax: 0.1", 7, "numerics.dsmax: unknown key 'dsmax'")]
    [InlineData("    stop: { mu: [-1, 2] }", "    stop: { mu: [-1, 2] }\n    numerics: { dsmax: 1 }", 12, "runs[0] (fp).numerics.dsmax: unknown key 'dsmax'")]
    [InlineData("start: { state: [1] }", "start: { state: [1], t_end: 5 }", 4, "start.t_end: unknown key 't_end'", "state, integrate")]
    public void UnknownKeysAreNamed(string old, string replacement, int line, params string[] expected)
        => AssertRejected(ReplaceOnce(FoldCase, old, replacement), line, expected);

    [Theory]
    [InlineData("plots: { window: { nu: [0, 1] } }", "plots.window: 'nu' is neither a parameter nor a state variable")]
    [InlineData("plots: { window: { mu: [1, 0] } }", "plots.window.mu: expected [min, max] with min < max")]
    [InlineData("plots: { frame: { mu: [0, 1] } }", "plots.frame: unknown key 'frame'")]
    public void PlotWindowsAreChecked(string plots, params string[] expected)
        => AssertRejected(ReplaceOnce(FoldCase, "start: { state: [1] }", "start: { state: [1] }\n" + plots), 5, expected);

    // ---- unknown names --------------------------------------------------------------------------

    [Theory]
    [InlineData("model: NormalForm.Fold", "model: NormalForm.Flod", 2, "model: unknown model 'NormalForm.Flod'", "cont models")]
    [InlineData("parameters: { mu: 1 }", "parameters: { mu: 1, nu: 2 }", 3, "parameters: unknown parameter 'nu'", "NormalForm.Fold has mu")]
    [InlineData("parameters: { mu: 1 }", "parameters:\n  mu: 1\n  nu: 2", 5, "parameters: unknown parameter 'nu'")]
    [InlineData("    parameter: mu", "    parameter: lambda", 9, "runs[0] (fp).parameter: unknown parameter 'lambda'", "has mu")]
    [InlineData("    stop: { mu: [-1, 2] }", "    stop: { nu: [-1, 2] }", 11, "runs[0] (fp).stop: unknown parameter 'nu'")]
    [InlineData("    stop: { mu: [-1, 2] }", "    stop:\n      max_steps: 10\n      nu: [-1, 2]", 13, "runs[0] (fp).stop: unknown parameter 'nu'")]
    [InlineData("    stop: { mu: [-1, 2] }", "    stop: { mu: [-1, 2] }\n    parameters: { sigma: 1 }", 12, "runs[0] (fp).parameters: unknown parameter 'sigma'")]
    public void UnknownNamesAreNamed(string old, string replacement, int line, params string[] expected)
        => AssertRejected(ReplaceOnce(FoldCase, old, replacement), line, expected);

    // ---- wrong types ----------------------------------------------------------------------------

    [Theory]
    [InlineData("ds: 0.05", "ds: fast", 5, "numerics.ds: expected a number, got 'fast'")]
    [InlineData("ds: 0.05", "ds: [0.05, 0.1]", 5, "numerics.ds: expected a single value, got a list")]
    [InlineData("max_steps: 200", "max_steps: 1.5", 5, "numerics.max_steps: expected an integer, got '1.5'")]
    [InlineData("    parameter: mu", "    parameter: [mu]", 9, "runs[0] (fp).parameter: expected a single value, got a list")]
    [InlineData("model: NormalForm.Fold", "model: [NormalForm.Fold]", 2, "model: expected a built-in model name", "or a mapping with equations:")]
    [InlineData("model: NormalForm.Fold", "model: { name: NormalForm.Fold }", 2, "model: missing key 'equations'")]
    [InlineData("parameters: { mu: 1 }", "parameters: [1]", 3, "parameters: expected a mapping")]
    [InlineData("parameters: { mu: 1 }", "parameters: { mu: one }", 3, "parameters.mu: expected a number, got 'one'")]
    [InlineData("    stop: { mu: [-1, 2] }", "    stop: { mu: [-1, 2], max_steps: 1.5 }", 11, "runs[0] (fp).stop.max_steps: expected an integer, got '1.5'")]
    [InlineData("    stop: { mu: [-1, 2] }", "    stop: { mu: [2, -1] }", 11, "runs[0] (fp).stop.mu: expected [min, max] with min < max")]
    [InlineData("    direction: backward", "    direction: sideways", 10, "runs[0] (fp).direction: expected forward, backward or both, got 'sideways'")]
    public void WrongTypesSayWhatWasExpected(string old, string replacement, int line, params string[] expected)
        => AssertRejected(ReplaceOnce(FoldCase, old, replacement), line, expected);

    // ---- step sizes -----------------------------------------------------------------------------

    [Theory]
    [InlineData("ds: 0.05", "ds: 0", 5, "numerics.ds: must be positive, got 0")]
    [InlineData("ds: 0.05", "ds: -0.1", 5, "numerics.ds: must be positive, got -0.1")]
    [InlineData("ds: 0.05, ds_max: 0.1", "ds: 0.05, ds_min: 0.1, ds_max: 0.01", 5, "numerics: ds_max (0.01) must be at least ds_min (0.1)")]
    // Block style: the message points at the ds_max line, not at the start of the mapping.
    [InlineData("numerics: { ds: 0.05, ds_max: 0.1, max_steps: 200 }", "numerics:\n  ds: 0.001\n  ds_min: 0.01\n  ds_max: 0.001", 8, "numerics: ds_max (0.001) must be at least ds_min (0.01)")]
    [InlineData("    stop: { mu: [-1, 2] }", "    stop: { mu: [-1, 2] }\n    numerics: { ds: 0 }", 12, "runs[0] (fp).numerics.ds: must be positive, got 0")]
    [InlineData("    stop: { mu: [-1, 2] }", "    stop: { mu: [-1, 2] }\n    numerics: { ds_max: 0.001 }", 12, "runs[0] (fp).numerics: ds (0.05) must lie between", "ds_max (0.001)")]
    public void BadStepSizesAreRejected(string old, string replacement, int line, params string[] expected)
        => AssertRejected(ReplaceOnce(FoldCase, old, replacement), line, expected);

    // ---- from: ----------------------------------------------------------------------------------

    [Theory]
    [InlineData("nope.LP1", "runs[1] (b).from: no earlier run named 'nope'", "earlier runs: fp")]
    [InlineData("fp.XY1", "runs[1] (b).from: 'XY1' is not a point label")]
    [InlineData("LP1", "runs[1] (b).from: expected <branch>.<label>")]
    public void AFromThatCannotBeResolvedIsRejectedAtValidation(string from, params string[] expected)
        => AssertRejected(FoldCaseWithSecondRunFrom(from), 15, expected);

    [Fact]
    public void AFromLabelMissingOnAnExistingBranchFailsTheRunAfterWritingTheFinishedBranch()
    {
        string path = _cli.WriteCase(FoldCaseWithSecondRunFrom("fp.HB1"));
        Assert.Equal(ExitCodes.Success, Run(["validate", path]).Code); // only known once fp has been computed

        string output = _cli.PathOf("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "summary.json"), "{ \"stale\": 1, \"complete\": true }\n");
        var (code, _, stderr) = Run(["run", path, "--out", output, "--quiet"]);
        AssertOneCleanError(code, stderr, "case.yaml:15: ", "from: branch 'fp' has no point 'HB1'", "LP1");
        Assert.Single(stderr.Trim().Split('\n'));

        Assert.True(File.Exists(Path.Combine(output, "branches", "fp.csv")), "the finished branch is written");
        Assert.False(File.Exists(Path.Combine(output, "branches", "b.csv")));
        Assert.Contains("fp,", File.ReadAllText(Path.Combine(output, "special_points.csv")));
        string summary = File.ReadAllText(Path.Combine(output, "summary.json"));
        Assert.DoesNotContain("stale", summary);
        Assert.Matches("\"complete\": false\\s*}\\s*$", summary);
        using var json = System.Text.Json.JsonDocument.Parse(summary);
        Assert.Equal("fp", json.RootElement.GetProperty("branches")[0].GetProperty("name").GetString());
        Assert.Contains("case.yaml:15:", json.RootElement.GetProperty("stopped").GetString());
    }

    // ---- start state ----------------------------------------------------------------------------

    [Theory]
    [InlineData("start: { state: [1] }", "start: { state: [1, 2] }", 4, "start.state: expected 1 values (x), got 2")]
    [InlineData("start: { state: [1] }", "start: { state: { y: 1 } }", 4, "start.state: unknown state variable 'y'", "NormalForm.Fold has x")]
    [InlineData("start: { state: [1] }", "start:\n  state:\n    x: 1\n    y: 2", 7, "start.state: unknown state variable 'y'")]
    [InlineData("start: { state: [1] }", "start: { state: { } }", 4, "start.state: expected a value for every state variable; missing x")]
    [InlineData("    stop: { mu: [-1, 2] }", "    stop: { mu: [-1, 2] }\n    start: { state: [1, 2, 3] }", 12, "runs[0] (fp).start.state: expected 1 values")]
    public void ABadStartStateIsRejected(string old, string replacement, int line, params string[] expected)
        => AssertRejected(ReplaceOnce(FoldCase, old, replacement), line, expected);

    [Fact]
    public void AStartStateOfTheWrongLengthIsRejectedForATwoDimensionalModel()
    {
        string hopf = """
            name: hopf
            model: NormalForm.Hopf
            parameters: { beta: -1, sigma: -1 }
            start: { state: [0, 0, 0] }
            runs:
              - { name: fp, kind: equilibrium, parameter: beta, stop: { beta: [-1, 1] } }
            """;
        AssertRejected(hopf, 4, "start.state: expected 2 values (x, y), got 3");
    }

    // ---- run kind -------------------------------------------------------------------------------

    [Theory]
    [InlineData("kind: limit-cycle", "runs[0] (fp).kind: unknown run kind 'limit-cycle'", "equilibrium")]
    public void AnUnknownOrUnavailableKindIsRejected(string replacement, params string[] expected)
        => AssertRejected(ReplaceOnce(FoldCase, "kind: equilibrium", replacement), 8, expected);

    [Fact]
    public void ATorusCurveIsContinuedInTwoParameters()
        => AssertRejected(ReplaceOnce(FoldCase, "kind: equilibrium", "kind: ns-curve"), 9,
            "runs[0] (fp).parameter: a ns-curve is continued in two parameters: write parameters: [a, b]");

    // ---- command line ---------------------------------------------------------------------------

    [Theory]
    [InlineData("run CASE --fast", "unknown option '--fast'")]
    [InlineData("run CASE --out OUT --verbose", "unknown option '--verbose'")]
    [InlineData("validate CASE --out OUT", "unknown option '--out'")]
    [InlineData("run CASE extra.yaml", "unexpected argument 'extra.yaml'")]
    public void UnknownCommandLineArgumentsAreUsageErrors(string commandLine, string expected)
    {
        string path = _cli.WriteCase(FoldCase);
        string[] args = commandLine.Split(' ').Select(a => a == "CASE" ? path : a == "OUT" ? _cli.PathOf("out") : a).ToArray();
        var (code, _, stderr) = Run(args);
        AssertOneCleanError(code, stderr, expected);
        Assert.Contains("usage:", stderr);
        Assert.False(Directory.Exists(_cli.PathOf("out")));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("validate")]
    public void AMissingCaseFileArgumentIsAUsageError(string command)
    {
        var (code, _, stderr) = Run([command]);
        AssertOneCleanError(code, stderr, "missing the case file");
        Assert.Contains("usage:", stderr);
    }

    [Fact]
    public void AnOptionWithoutItsValueIsAUsageError()
    {
        var (code, _, stderr) = Run(["run", _cli.WriteCase(FoldCase), "--out"]);
        AssertOneCleanError(code, stderr, "--out needs a value");
    }

    [Theory]
    [InlineData("run")]
    [InlineData("validate")]
    public void ANonExistentCaseFileIsNamed(string command)
    {
        string missing = _cli.PathOf("no-such-case.yaml");
        var (code, _, stderr) = Run([command, missing]);
        AssertOneCleanError(code, stderr, "no-such-case.yaml", "case file not found");
    }

    [Fact]
    public void AnUnknownCommandIsAUsageError()
    {
        var (code, _, stderr) = Run(["frobnicate"]);
        AssertOneCleanError(code, stderr, "unknown command 'frobnicate'");
    }

    [Theory]
    [InlineData(new[] { "models", "extra" }, "unexpected argument 'extra'")]
    [InlineData(new[] { "bench", "--repeat", "abc" }, "--repeat: expected a number of runs")]
    [InlineData(new[] { "bench", "--repeat", "0" }, "--repeat: expected a number of runs")]
    [InlineData(new[] { "bench", "--only", "nothing" }, "--only: expected cycles, transverse, map, network or lyapunov, got 'nothing'")]
    [InlineData(new[] { "bench", "extra" }, "unexpected argument 'extra'")]
    [InlineData(new[] { "--version", "extra" }, "unexpected argument 'extra'")]
    [InlineData(new[] { "validate", "a.yaml", "b.yaml" }, "unexpected argument 'b.yaml'")]
    [InlineData(new[] { "run", "a.yaml", "--frobnicate" }, "unknown option '--frobnicate'")]
    public void ArgumentsACommandDoesNotTakeAreUsageErrors(string[] args, string expected)
    {
        var (code, _, stderr) = Run(args);
        AssertOneCleanError(code, stderr, expected);
    }

    [Fact]
    public void VersionPrintsTheEngineVersion()
    {
        var (code, stdout, stderr) = Run(["--version"]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Matches(@"^cont \d+\.\d+\.\d+ ", stdout);
    }

    [Fact]
    public void AnOutputDirectoryThatCannotBeCreatedIsReportedWithoutAStackTrace()
    {
        string blocker = _cli.PathOf("a-file");
        File.WriteAllText(blocker, "not a directory");
        var (code, _, stderr) = Run(["run", _cli.WriteCase(FoldCase), "--out", blocker, "--quiet"]);
        AssertOneCleanError(code, stderr, "cannot create the output directory", "a-file");
    }
}
