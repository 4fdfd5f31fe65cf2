using System.IO.Compression;
using System.Text;
using Continuation.Cli;
using Models.Equations;
using static Tests.Cli.CliHarness;

namespace Tests.Cli;

/// <summary>
/// Input built to break the tool, generated at test time: nesting deep enough to exhaust a stack,
/// definitions whose written-out size doubles with each, files that are not case files, archives
/// that inflate to gigabytes. Each gives exit code 2 and one message naming the file (and the line
/// where there is one), no stack trace and no output, or, where the input is legitimate however
/// large, the right result at a cost linear in its size.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>Rejected with one clean message (<see cref="CliHarness.AssertOneCleanError"/>) and nothing else on stderr.</summary>
    static void AssertRejected((int Code, string Stdout, string Stderr) result, params string[] expected)
    {
        AssertOneCleanError(result.Code, result.Stderr, expected);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    /// <summary>A case on x' = mu − x² + <paramref name="extra"/>, with the given <c>where:</c> lines (line 6 on); the equation is on the line after them.</summary>
    static string ModelCase(string extra, IEnumerable<string>? where = null)
    {
        var sb = new StringBuilder();
        sb.Append("name: hostile\nmodel:\n  name: hostile\n  parameters: { mu: 1 }\n  where:\n");
        var lines = (where ?? ["    b: x"]).ToList();
        foreach (var w in lines) sb.Append(w).Append('\n');
        sb.Append("  equations:\n    x: mu - x^2 + ").Append(extra).Append('\n');
        sb.Append("start: { state: [1] }\nnumerics: { ds: 0.05, ds_max: 0.1, max_steps: 100 }\n");
        sb.Append("runs:\n  - { name: fp, kind: equilibrium, parameter: mu, direction: backward, stop: { mu: [-1, 2] } }\n");
        return sb.ToString();
    }

    /// <summary>The line of the equation in <see cref="ModelCase"/> with <paramref name="whereLines"/> definitions.</summary>
    static int EquationLine(int whereLines) => 5 + whereLines + 2;

    // ---- recursion depth ------------------------------------------------------------------------

    [Theory]
    [InlineData("minus")]
    [InlineData("parentheses")]
    [InlineData("calls")]
    [InlineData("powers")]
    public void NestingPastTheLimitIsOneMessageNotAStackOverflow(string kind)
    {
        const int n = 100_000;
        string extra = kind switch
        {
            "minus" => new string('-', n) + "x",
            "parentheses" => new string('(', n) + "x" + new string(')', n),
            "calls" => string.Concat(Enumerable.Repeat("sin(", n)) + "x" + new string(')', n),
            _ => string.Join("^", Enumerable.Repeat("x", n)),
        };
        var path = _cli.WriteCase(ModelCase(extra));
        AssertRejected(Run(["validate", path]), $"case.yaml:{EquationLine(1)}: ", $"nested more than {Parser.MaxNesting} deep");
        AssertRejected(Run(["run", path, "--out", _cli.PathOf("out")]), $"case.yaml:{EquationLine(1)}: ", $"nested more than {Parser.MaxNesting} deep");
        Assert.False(Directory.Exists(_cli.PathOf("out")));
    }

    [Fact]
    public void NestingJustWithinTheLimitWorks()
    {
        // Parentheses, calls and signs, 150 levels each, in one equation (every level adds one or two to the nesting count).
        string extra = "1e-3*" + string.Concat(Enumerable.Repeat("sin(", 150)) + "x" + new string(')', 150)
            + " + 1e-3*" + new string('(', 150) + "x" + new string(')', 150) + " - 1e-3*" + new string('-', 150) + "x";
        var result = Run(["run", _cli.WriteCase(ModelCase(extra)), "--out", _cli.PathOf("out"), "--quiet", "--no-plots"]);
        Assert.True(result.Code == ExitCodes.Success, result.Stderr);
    }

    [Fact]
    public void AMegabyteSumIsOneMessage()
    {
        // 104 857 terms: about 1 MB of text, a tree 104 857 deep.
        string extra = string.Join(" + ", Enumerable.Repeat("x", 104_857));
        AssertRejected(Run(["validate", _cli.WriteCase(ModelCase(extra))]), $"case.yaml:{EquationLine(1)}: ", "operations deep", $"at most {ModelResolver.MaxDepth}");
    }

    [Fact]
    public void AChainOfDefinitionsPastTheDepthLimitIsRejectedWhereItGetsTooDeep()
    {
        // a_i = a_(i-1) + 1: each definition one deeper; the one past the limit is named.
        var where = new List<string> { "    a0: x" };
        for (int i = 1; i <= ModelResolver.MaxDepth; i++) where.Add($"    a{i}: 1 + a{i - 1}");
        var result = Run(["validate", _cli.WriteCase(ModelCase("a1", where))]);
        AssertRejected(result, "in definition of a", $"at most {ModelResolver.MaxDepth}");
        // a_i is i + 1 deep: a_MaxDepth, on line 6 + MaxDepth, is the first too deep.
        Assert.Contains($"case.yaml:{6 + ModelResolver.MaxDepth}: in definition of a{ModelResolver.MaxDepth}:", result.Stderr);
    }

    [Fact]
    public void AChainOfDefinitionsWithinTheDepthLimitIsDifferentiatedAndRuns()
    {
        // 1500 definitions deep, differentiated and compiled (on the symbolic work's own stack).
        var where = new List<string> { "    a0: x" };
        for (int i = 1; i < 1500; i++) where.Add($"    a{i}: x*(1e-4 + a{i - 1})/x");
        var result = Run(["run", _cli.WriteCase(ModelCase("1e-3*(a1499 - x)", where)), "--out", _cli.PathOf("out"), "--quiet", "--no-plots"]);
        Assert.True(result.Code == ExitCodes.Success, result.Stderr);
    }

    [Theory]
    [InlineData("flow lists", 3)]
    [InlineData("flow mappings", 3)]
    [InlineData("block lists", 5)]
    public void YamlNestedPastTheLimitIsOneMessage(string kind, int line)
    {
        const int n = 100_000;
        string value = kind switch
        {
            "flow lists" => "parameters: { mu: " + new string('[', n) + "1" + new string(']', n) + " }\n",
            "flow mappings" => "parameters: { mu: " + string.Concat(Enumerable.Repeat("{a: ", n)) + "1" + new string('}', n) + " }\n",
            _ => "parameters:\n  mu:\n    " + string.Concat(Enumerable.Repeat("- ", n)) + "1\n",
        };
        var path = _cli.WriteCase("name: nested\nmodel: NormalForm.Fold\n" + value);
        AssertRejected(Run(["validate", path]), $"case.yaml:{line}: ", "nested more than 64 deep");
    }

    // ---- size -----------------------------------------------------------------------------------

    [Fact]
    public void DefinitionsThatDoubleWhenWrittenOutCostWhatTheirGraphCosts()
    {
        // a_i uses a_(i-1) three times: written out, a_40 has about 3^40 nodes. Shared, it is 40 small ones,
        // differentiated once each; the compiled Jacobian agrees with central differences.
        var where = new List<string> { "    a0: x + mu" };
        for (int i = 1; i <= 40; i++) where.Add($"    a{i}: 0.5*sin(a{i - 1})*cos(a{i - 1}) + 0.5*a{i - 1}");
        string path = _cli.WriteCase(ModelCase("1e-3*a40", where));
        var model = (EquationSystem)Continuation.Cli.Cases.CaseReader.Read(path, _ => null).Model;
        double[] p = [0.7];
        foreach (double x in new[] { -0.8, 0.3, 1.1 })
        {
            var jac = new double[1];
            model.StateJacobian([x], p, jac);
            double h = 1e-6;
            var plus = new double[1];
            var minus = new double[1];
            model.Evaluate([x + h], p, plus);
            model.Evaluate([x - h], p, minus);
            Assert.Equal((plus[0] - minus[0]) / (2 * h), jac[0], 1e-7);
            var column = new double[1];
            model.ParameterJacobian([x], p, 0, column);
            model.Evaluate([x], [p[0] + h], plus);
            model.Evaluate([x], [p[0] - h], minus);
            Assert.Equal((plus[0] - minus[0]) / (2 * h), column[0], 1e-7);
        }
        var run = Run(["run", path, "--out", _cli.PathOf("out"), "--quiet", "--no-plots"]);
        Assert.True(run.Code == ExitCodes.Success, run.Stderr);
    }

    [Fact]
    public void AFileLargerThanACaseIsRefusedBeforeItIsRead()
    {
        string path = _cli.PathOf("big.yaml");
        using (var f = File.Create(path)) f.SetLength(Continuation.Cli.Cases.CaseReader.MaxCaseBytes + 1);
        // (A sparse file of zeros: the size is refused before the content is looked at.)
        AssertRejected(Run(["validate", path]), "big.yaml: ", "larger than 4 MB");
    }

    [Fact]
    public void AnEndlessDeviceIsRefused()
    {
        if (!File.Exists("/dev/zero")) return; // not on this platform
        AssertRejected(Run(["validate", "/dev/zero"]), "zero: ", "larger than 4 MB");
    }

    [Theory]
    [InlineData(new byte[] { (byte)'n', (byte)'a', (byte)'m', (byte)'e', 0, (byte)'\n' }, "binary content")]
    [InlineData(new byte[] { (byte)'n', (byte)'a', (byte)'m', (byte)'e', (byte)':', (byte)' ', 0xC3, 0x28, (byte)'\n' }, "not UTF-8")]
    public void BinaryContentIsRefused(byte[] content, string expected)
    {
        string path = _cli.PathOf("binary.yaml");
        File.WriteAllBytes(path, content);
        AssertRejected(Run(["validate", path]), "binary.yaml: ", expected);
    }

    [Fact]
    public void ADirectoryIsNotACaseFile()
        => AssertRejected(Run(["validate", _cli.Directory]), "case file");

    // ---- checks that need no computation ------------------------------------------------------------

    /// <summary>The neural-mass model with an equilibrium run (line 6), a cycle run from its HB1 (line 7) and <paramref name="run"/> on line 8.</summary>
    static string KindsCase(string run) => $$"""
        name: kinds
        model: NextGenNeuralMass.Homogeneous
        parameters: { Iext_e: -5, eps: 0 }
        numerics: { ntst: 40, ncol: 4 }
        runs:
          - { name: fp, kind: equilibrium, parameter: Iext_e, stop: { Iext_e: [-5, 20] } }
          - { name: lc, kind: periodic, parameter: Iext_e, from: fp.HB1 }
          - {{run}}
        """;

    [Theory]
    [InlineData("{ name: x, kind: periodic, parameter: Iext_e, from: fp.LP1 }", "a periodic run starts at an HB point", "fp.LP1 is an LP point of the equilibrium run 'fp'")]
    [InlineData("{ name: x, kind: fold-curve, parameters: [Iext_e, eps], from: fp.HB1 }", "a fold-curve run starts at an LP point", "fp.HB1 is an HB point")]
    [InlineData("{ name: x, kind: hopf-curve, parameters: [Iext_e, eps], from: lc.PD1 }", "a hopf-curve run starts at an HB point", "of the periodic run 'lc'")]
    [InlineData("{ name: x, kind: pd-curve, parameters: [Iext_e, eps], from: fp.HB1 }", "a pd-curve run starts at a PD point of a periodic branch")]
    [InlineData("{ name: x, kind: lpc-curve, parameters: [Iext_e, eps], from: lc.PD1 }", "an lpc-curve run starts at an LPC point")]
    [InlineData("{ name: x, kind: homoclinic, parameters: [Iext_e, eps], from: fp.EP1 }", "a homoclinic run starts at a point of a periodic branch")]
    [InlineData("{ name: x, kind: equilibrium, parameter: Iext_e, from: lc.EP1 }", "an equilibrium run starts at a point of an equilibrium branch")]
    public void ValidateRejectsAStartPointOfTheWrongKindWithoutComputing(string run, params string[] expected)
    {
        string path = _cli.WriteCase(KindsCase(run));
        AssertRejected(Run(["validate", path]), ["case.yaml:8: ", "from: ", .. expected]);
        AssertRejected(Run(["run", path, "--out", _cli.PathOf("out"), "--no-plots"]), "case.yaml:8: ");
        Assert.False(Directory.Exists(_cli.PathOf("out")), "the run computed before rejecting the case");
    }

    [Theory]
    [InlineData("{ name: x, kind: pd-curve, parameters: [Iext_e, eps], from: lc.PD1 }")]
    [InlineData("{ name: x, kind: periodic, parameter: Iext_e, from: lc.PD1 }")]
    [InlineData("{ name: x, kind: equilibrium, parameter: Iext_e, from: fp.BP1 }")]
    [InlineData("{ name: x, kind: hopf-curve, parameters: [Iext_e, eps], from: fp.HB2 }")]
    public void ValidateAcceptsAStartPointOfTheRightKind(string run)
    {
        var (code, _, stderr) = Run(["validate", _cli.WriteCase(KindsCase(run))]);
        Assert.True(code == ExitCodes.Success, stderr);
    }

    [Fact]
    public void ARunThatCannotFitInMemoryIsRefusedWithItsFigures()
    {
        string path = _cli.WriteCase(KindsCase("{ name: x, kind: periodic, parameter: Iext_e, from: lc.PD1, numerics: { ntst: 10000000 } }"));
        AssertRejected(Run(["validate", path]), "case.yaml:8: ", "runs[2] (x): needs about", "10000000 × 4 × 6", "lower ntst or max_steps");
    }

    [Theory]
    [InlineData("[0, 30, 1e-9]", true, "30000000001 values, too many for one axis")]
    [InlineData("[0, 30, 0.001]", false, "16001 × 30001 = 480046001 cells (at most 4000000)")]
    public void AMapGridTooFineIsRefusedBeforeComputing(string axis, bool atTheGrid, string expected)
    {
        string text = File.ReadAllText(RepositoryPaths.Case("network-map.yaml"))
            .Replace("[0, 16, 0.25]", "[0, 16, 0.001]").Replace("[0, 30, 0.5]", axis)
            .Replace("../../shared", RepositoryPaths.Shared);
        string path = _cli.WriteCase(text);
        // The grid's own line for an axis, the run's (two lines up: "- name: map") for the whole grid.
        int grid = Array.FindIndex(File.ReadAllLines(path), l => l.TrimStart().StartsWith("grid:", StringComparison.Ordinal)) + 1;
        AssertRejected(Run(["validate", path]), $"case.yaml:{(atTheGrid ? grid : grid - 2)}: ", expected);
    }

    // ---- connectivity files ---------------------------------------------------------------------

    /// <summary>A .npy preamble and header declaring a float64 matrix of the given shape.</summary>
    static byte[] NpyHeader(int rows, int columns)
    {
        string dict = $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {columns}), }}";
        int total = 10 + dict.Length + 1;
        dict += new string(' ', (64 - total % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 };
        bytes.AddRange(BitConverter.GetBytes((ushort)dict.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(dict));
        return [.. bytes];
    }

    /// <summary>An .npz whose one member starts with <paramref name="head"/> and goes on with <paramref name="zeros"/> zero bytes (which deflate to almost nothing).</summary>
    string Archive(string name, byte[] head, long zeros)
    {
        string path = _cli.PathOf(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using var member = zip.CreateEntry("normalized_matrix.npy", CompressionLevel.Fastest).Open();
        member.Write(head);
        var block = new byte[1 << 20];
        for (long left = zeros; left > 0; left -= block.Length) member.Write(block, 0, (int)Math.Min(block.Length, left));
        return path;
    }

    [Fact]
    public void AnArchiveDeclaringAHugeMatrixIsRefusedBeforeInflating()
    {
        string path = Archive("bomb.npz", NpyHeader(20_000, 20_000), 64L << 20);
        var result = Run(["validate", RepositoryPaths.Case("network-transverse-eps12.yaml"), "--connectivity", path]);
        AssertRejected(result, "bomb.npz", "20000 × 20000", "at most 8192 nodes");
    }

    [Fact]
    public void AnArchiveMemberIsInflatedOnlyAsFarAsItsHeaderDeclares()
    {
        // A 3 × 3 matrix followed by 256 MB of zeros in the member: read as the 3 × 3 matrix.
        var head = NpyHeader(3, 3).Concat(new double[] { 0, 1, 1, 1, 0, 1, 1, 1, 0 }.SelectMany(BitConverter.GetBytes)).ToArray();
        string path = Archive("trailing.npz", head, 256L << 20);
        var matrix = Continuation.Cli.Connectivity.NpzReader.Read(path);
        Assert.Equal(3, matrix.Size);
    }

    [Fact]
    public void AFileThatIsNotAMatrixIsNotQuotedBack()
    {
        string secret = _cli.PathOf("secret.txt");
        File.WriteAllText(secret, "password=correct-horse-battery-staple\n");
        var result = Run(["validate", RepositoryPaths.Case("network-transverse-eps12.yaml"), "--connectivity", secret]);
        AssertRejected(result, "secret.txt:1:");
        Assert.DoesNotContain("horse", result.Stderr);
    }
}
