using Continuation.Cli;
using Tests.Cases;
using static Tests.Cli.CliHarness;

namespace Tests.Cli;

/// <summary>
/// Models written as equations in the case file, through the CLI: a Brusselator case runs (Hopf at
/// B = 1 + A², a definition as an output), and every class of error is one clean message at the
/// right line (and column inside an expression) with exit code 2.
/// </summary>
public sealed class EquationModelCliTests : IDisposable
{
    readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>
    /// Lines: 1 name, 2 model, 3 model name, 4 time_unit, 5 parameters, 6 constants, 7 where,
    /// 8 x2y, 9 equations, 10 x, 11 y, 12 initial, 13 outputs, 14 output, 15 runs, 16 fp, 17 lc.
    /// </summary>
    const string Brusselator = """
        name: brusselator
        model:
          name: brusselator
          time_unit: s
          parameters: { A: 1.0, B: 1.5 }
          constants: { one: 1 }
          where:
            x2y: x^2*y
          equations:
            x: A - (B + one)*x + x2y
            y: B*x - x2y
          initial: { x: 1.0, y: 1.5 }
        outputs:
          - { name: x2y_max, max: x2y }
        runs:
          - { name: fp, kind: equilibrium, parameter: B, stop: { B: [1.5, 3] } }
          - { name: lc, kind: periodic, from: fp.HB1, parameter: B, numerics: { ntst: 40, ncol: 4 }, stop: { B: [1.5, 3], max_steps: 25 } }
        """;

    [Fact]
    public void ABrusselatorWrittenAsEquationsRunsWithItsHopfPointAtOnePlusASquared()
    {
        var (code, stdout, stderr) = Run(["validate", _cli.WriteCase(Brusselator)]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("model brusselator, 2 run(s)", stdout);

        using var output = new CaseOutput();
        output.RunText(Brusselator);
        var special = output.Csv("special_points.csv");
        var hopf = special.Single(r => r["branch"] == "fp" && r["type"] == "HB");
        Assert.Equal(2.0, CaseOutput.D(hopf["B"]), 1e-9);
        Assert.Equal(1.0, CaseOutput.D(hopf["omega"]), 1e-9);
        Assert.Equal(1.0, CaseOutput.D(hopf["x"]), 1e-9);
        Assert.True(CaseOutput.D(hopf["l1"]) < 0);
        // The definition x2y = x²y as an output: on the equilibria x = A = 1, y = B.
        Assert.Equal(CaseOutput.D(hopf["B"]), CaseOutput.D(hopf["x2y_max"]), 1e-9);

        var cycles = output.Csv(Path.Combine("branches", "lc.csv"));
        Assert.True(cycles.Count > 10);
        var last = cycles[^1];
        Assert.True(CaseOutput.D(last["x2y_max"]) > CaseOutput.D(last["B"]) + 1e-3, "on a cycle x²y rises above its equilibrium value");
    }

    /// <summary>
    /// The Bautin normal form ρ' = b1 ρ + b2 ρ³ − ρ⁵, θ' = 1 in Cartesian coordinates: its Hopf
    /// curve b1 = 0 has the generalised Hopf point at the origin with l2 = −4 (HopfCoefficients).
    /// </summary>
    const string Bautin = """
        name: bautin
        model:
          name: bautin
          parameters: { b1: -1.0, b2: -1.0 }
          where:
            g: b1 + b2*(x^2 + y^2) - (x^2 + y^2)^2
          equations:
            x: g*x - y
            y: x + g*y
          initial: { x: 0, y: 0 }
        numerics: { ds: 0.01, ds_max: 0.05 }
        runs:
          - { name: fp, kind: equilibrium, parameter: b1, stop: { b1: [-1, 1] } }
          - { name: hopf, kind: hopf-curve, from: fp.HB1, parameters: [b1, b2], stop: { b1: [-2, 2], b2: [-2, 2] } }
        """;

    [Fact]
    public void TheGeneralisedHopfPointOfTheBautinNormalFormHasItsSecondLyapunovCoefficientInTheOutputs()
    {
        using var output = new CaseOutput();
        output.RunText(Bautin);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output.Directory, "summary.json")));
        var hopf = doc.RootElement.GetProperty("branches").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "hopf");
        var gh = hopf.GetProperty("special_points").EnumerateArray().Single(p => p.GetProperty("type").GetString() == "GH");
        Assert.Equal(0.0, gh.GetProperty("b2").GetDouble(), 1e-6);
        Assert.Equal(0.0, gh.GetProperty("l1").GetDouble());
        Assert.Equal(-4.0, gh.GetProperty("l2").GetDouble(), 1e-6);
        // special_points.csv keeps its columns (DESIGN.md): l2 is in the note only.
        var row = output.Csv("special_points.csv").Single(r => r["type"] == "GH");
        Assert.False(row.ContainsKey("l2"));
        Assert.Contains("l2 = -4.000e+00", row["note"]);
        Assert.Contains("l2 = -4.000e+00", File.ReadAllText(Path.Combine(output.Directory, "report.md")));
    }

    [Fact]
    public void TheMeanOfADefinitionOverACycleIsExact()
    {
        // Averaging x' and y' over a period: mean(x) = A and mean(x²y) = B·A = B on every Brusselator cycle.
        string text = Brusselator.Replace("  - { name: x2y_max, max: x2y }",
            "  - { name: x2y_max, max: x2y }\n  - { name: x2y_mean, mean: x2y }\n  - { name: x2y_amplitude, amplitude: x2y }", StringComparison.Ordinal);
        using var output = new CaseOutput();
        output.RunText(text);
        var cycles = output.Csv(Path.Combine("branches", "lc.csv"));
        Assert.All(cycles, r => Assert.Equal(CaseOutput.D(r["B"]), CaseOutput.D(r["x2y_mean"]), 1e-6));
        Assert.True(CaseOutput.D(cycles[^1]["x2y_amplitude"]) > 0.01);
        var equilibria = output.Csv(Path.Combine("branches", "fp.csv"));
        Assert.All(equilibria, r => Assert.Equal(0.0, CaseOutput.D(r["x2y_amplitude"])));
    }

    [Fact]
    public void InitialIsTheStartStateWhenTheCaseGivesNone()
    {
        // Without initial the start would be the zero state, where the Brusselator has no equilibrium nearby.
        string text = Brusselator.Replace("  initial: { x: 1.0, y: 1.5 }", "  initial: { x: 1.0, y: 1.5 }\nstart: { integrate: { t_end: 50 } }", StringComparison.Ordinal);
        using var output = new CaseOutput();
        output.RunText(text);
        var first = output.Csv(Path.Combine("branches", "fp.csv"))[0];
        Assert.Equal(1.0, CaseOutput.D(first["x"]), 1e-9);
        Assert.Equal(1.5, CaseOutput.D(first["y"]), 1e-9);
    }

    static void AssertOneCleanError(int code, string stderr, params string[] expected)
    {
        Assert.True(code == ExitCodes.BadInput, $"exit code {code}, expected 2; stderr:\n{stderr}");
        Assert.DoesNotContain("   at ", stderr);
        Assert.DoesNotContain("Exception", stderr);
        var lines = stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1 && lines[0].StartsWith("error: ", StringComparison.Ordinal), $"expected one error line:\n{stderr}");
        foreach (var e in expected) Assert.Contains(e, lines[0]);
    }

    void AssertRejected(string text, int line, string message)
    {
        string path = _cli.WriteCase(text);
        var (code, stdout, stderr) = Run(["validate", path]);
        AssertOneCleanError(code, stderr, $"case.yaml:{line}: {message}");
        Assert.Equal("", stdout);
        var run = Run(["run", path, "--out", _cli.PathOf("out"), "--quiet"]);
        Assert.Equal(ExitCodes.BadInput, run.Code);
        Assert.Equal(stderr, run.Stderr);
        Assert.False(Directory.Exists(_cli.PathOf("out")));
    }

    static string Edit(string old, string replacement) => ReplaceOnce(Brusselator, old, replacement);

    [Theory]
    // An unknown name, at its column in the expression, with a suggestion.
    [InlineData("x: A - (B + one)*x", "x: A - (B + onee)*x", 10, "in equation for x, column 10: unknown name 'onee' (did you mean 'one'?)")]
    // A parameter used in an equation but not declared.
    [InlineData("y: B*x - x2y", "y: B*x - C*x2y", 11, "in equation for y, column 7: unknown name 'C' (not a state, parameter, constant or definition)")]
    // Division by a literal zero (also by a constant expression that is zero).
    [InlineData("y: B*x - x2y", "y: B*x/0 - x2y", 11, "in equation for y, column 4: division by zero")]
    [InlineData("y: B*x - x2y", "y: B*x/(one - 1) - x2y", 11, "in equation for y, column 4: division by zero")]
    // Syntax errors.
    [InlineData("x: A - (B + one)*x + x2y", "x: A - (B + one*x + x2y", 10, "in equation for x, column 21: the '(' at column 5 is not closed")]
    [InlineData("y: B*x - x2y", "y: B x - x2y", 11, "in equation for y, column 3: unexpected 'x' (missing operator?)")]
    [InlineData("y: B*x - x2y", "y: 2B*x - x2y", 11, "in equation for y, column 2: missing operator between '2' and 'B' (write 2*B)")]
    [InlineData("y: B*x - x2y", "y: B*x - foo(x2y)", 11, "in equation for y, column 7: unknown function 'foo'")]
    [InlineData("y: B*x - x2y", "y: [B, x]", 11, "model.equations.y: expected an expression, got a list")]
    // Errors in definitions.
    [InlineData("x2y: x^2*y", "x2y: x^2*y*w", 8, "in definition of x2y, column 7: unknown name 'w'")]
    [InlineData("x2y: x^2*y", "x2y: x^2*y*x2y", 8, "in definition of x2y, column 7: 'x2y' refers to itself")]
    // An equation for something that is not a state; a state without an equation.
    [InlineData("y: B*x - x2y", "y: B*x - x2y\n    A: x", 12, "equation for 'A', which is a parameter (line 5), not a state")]
    [InlineData("  equations:", "  states: [x, w]\n  equations:", 12, "equation for 'y', which is not a state (states: x, w)")]
    [InlineData("  equations:", "  states: [x, y, z]\n  equations:", 9, "state 'z' has no equation (every state needs one under equations:)")]
    // A name declared twice.
    [InlineData("constants: { one: 1 }", "constants: { one: 1, A: 2 }", 6, "'A' is declared twice: as a parameter (line 5) and as a constant")]
    [InlineData("x2y: x^2*y", "B: x^2*y", 8, "'B' is declared twice: as a parameter (line 5) and as a definition")]
    [InlineData("constants: { one: 1 }", "constants: { pi: 3 }", 6, "constant 'pi': pi is built in")]
    [InlineData("constants: { one: 1 }", "constants: { one: 1, exp: 2 }", 6, "constant 'exp': exp is a function and cannot be a name")]
    // A parameter used in the runs or overrides but not declared in the model.
    [InlineData("parameter: B, stop: { B: [1.5, 3] } }", "parameter: C, stop: { B: [1.5, 3] } }", 16, "runs[0] (fp).parameter: unknown parameter 'C' (model brusselator has A, B)")]
    [InlineData("outputs:", "parameters: { C: 1 }\noutputs:", 13, "parameters: unknown parameter 'C' (model brusselator has A, B)")]
    // initial, outputs and keys of the model mapping.
    [InlineData("initial: { x: 1.0, y: 1.5 }", "initial: { x: 1.0, z: 1.5 }", 12, "model.initial: 'z' is not a state variable (states: x, y)")]
    [InlineData("initial: { x: 1.0, y: 1.5 }", "initial: { x: 1.0 }", 12, "model.initial: expected a value for every state variable; missing y")]
    [InlineData("initial: { x: 1.0, y: 1.5 }", "initial: { x: 1.0, y: one }", 12, "model.initial.y: expected a number, got 'one'")]
    [InlineData("parameters: { A: 1.0, B: 1.5 }", "parameters: { A: 1.0, B: big }", 5, "model.parameters.B: expected a number, got 'big'")]
    [InlineData("{ name: x2y_max, max: x2y }", "{ name: x2y_max, max: x3y }", 14, "outputs[0].max: unknown state variable 'x3y' (model brusselator has x, y, or a definition: x2y)")]
    [InlineData("  time_unit: s", "  time_units: s", 4, "model.time_units: unknown key 'time_units'")]
    [InlineData("  where:", "  aux:\n    z: x\n  where:", 9, "model: give the definitions under where: or aux:, not both")]
    public void EveryErrorIsOneMessageAtItsLineWithExitCode2(string old, string replacement, int line, string message)
        => AssertRejected(Edit(old, replacement), line, message);

    [Fact]
    public void AModelWithoutEquationsIsRejected()
        => AssertRejected("name: t\nmodel:\n  parameters: { a: 1 }\nruns:\n  - { name: fp, kind: equilibrium, parameter: a }\n", 3, "model: missing key 'equations'");

    [Fact]
    public void AuxIsAnotherNameForWhere()
    {
        var (code, _, stderr) = Run(["validate", _cli.WriteCase(Edit("  where:", "  aux:"))]);
        Assert.True(code == ExitCodes.Success, stderr);
    }
}
