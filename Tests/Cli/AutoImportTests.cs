using System.Globalization;
using Continuation.Cli;
using Continuation.Cli.Cases;
using Continuation.Results;
using Models;

namespace Tests.Cli;

/// <summary>
/// <c>cont import-auto</c>: AUTO-07p problems as AUTO users have them (a Fortran FUNC/STPNT/PVLS and one
/// constants file per run) become cases that reproduce AUTO's special points. Oracles: the bundled
/// ε = 0 case for the paper authors' own files (to 1e-8), AUTO's printed special points of six demos
/// (Tests/Peer/auto, written in the same subset; to 1e-4), Fortran's arithmetic for the translation,
/// and a file:line message with exit code 2 for everything outside the subset.
/// </summary>
public sealed class AutoImportTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "cont-import-" + Guid.NewGuid().ToString("N"));

    public AutoImportTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static string Fixtures => Path.Combine(RepositoryPaths.Root, "Tests", "Peer", "auto");

    (int Code, string Out, string Err) Cont(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void TheAuthorsFilesReproduceTheBundledEps0CaseToOneInTenToTheEight()
    {
        string auto = Path.Combine(RepositoryPaths.Shared, "data", "auto");
        string yaml = Path.Combine(_dir, "ngsyn.yaml");
        var imported = Cont("import-auto", Path.Combine(auto, "ngsyn.f90"), Path.Combine(auto, "c.ngsyn"),
            Path.Combine(Fixtures, "ngsyn", "c.ngsyn.lc1"), "--out", yaml);
        Assert.True(imported.Code == 0, imported.Err);
        string text = File.ReadAllText(yaml);
        // PVLS: the authors' GETUY_MIN/GETUY_MAX (MINVAL/MAXVAL of U(2,:)) are min and max of v_e.
        Assert.Contains("- { name: y_min, min: v_e }", text);
        Assert.Contains("- { name: y_max, max: v_e }", text);
        Assert.Contains("pi", text); // pi = 4*DATAN(1.D0) is the built-in pi

        string ours = Path.Combine(_dir, "imported"), bundled = Path.Combine(_dir, "bundled");
        Assert.Equal(0, Cont("run", yaml, "--out", ours, "--quiet", "--no-plots").Code);
        Assert.Equal(0, Cont("run", RepositoryPaths.Case("homogeneous-iext-eps0.yaml"), "--out", bundled, "--quiet", "--no-plots").Code);
        var a = global::Plots.Table.Read(Path.Combine(ours, "special_points.csv"));
        var b = global::Plots.Table.Read(Path.Combine(bundled, "special_points.csv"));
        int compared = 0;
        for (int i = 0; i < b.Rows.Count; i++)
        {
            string type = b.Text(i, "type");
            if (type is "UZ" || type == "EP" && b.Text(i, "branch") == "fp") continue; // user points and bounds differ by design
            int j = Enumerable.Range(0, a.Rows.Count).Single(k => a.Text(k, "branch") == b.Text(i, "branch") && a.Text(k, "label") == b.Text(i, "label"));
            foreach (var column in new[] { "Iext_e", "period", "r_e", "v_e", "s_e", "r_i", "v_i", "s_i" })
            {
                if (b.Text(i, column).Length == 0) continue;
                double expected = D(b.Text(i, column)), actual = D(a.Text(j, column));
                Assert.True(Math.Abs(actual - expected) <= 1e-8 * Math.Max(1, Math.Abs(expected)),
                    $"{b.Text(i, "branch")}.{b.Text(i, "label")} {column}: imported {actual:R}, bundled {expected:R}");
            }
            // The outputs of the authors' PVLS are the bundled case's v_e_min and v_e_max.
            Assert.Equal(D(b.Text(i, "v_e_min")), D(a.Text(j, "y_min")), 1e-8);
            Assert.Equal(D(b.Text(i, "v_e_max")), D(a.Text(j, "y_max")), 1e-8);
            compared++;
        }
        Assert.True(compared >= 3, $"only {compared} special points compared");
    }

    public static TheoryData<string> Demos()
    {
        var data = new TheoryData<string>();
        foreach (var d in Directory.GetDirectories(Fixtures).Where(d => File.Exists(Path.Combine(d, "import.txt"))).Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(d));
        return data;
    }

    [Fact]
    public void SixDemosAreFixtures()
        => Assert.Equal(["ab", "abc", "cusp", "enz", "lrz", "pp2"],
            Directory.GetDirectories(Fixtures).Where(d => File.Exists(Path.Combine(d, "import.txt"))).Select(Path.GetFileName).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Demos))]
    public void AnImportedDemoReproducesAutosSpecialPoints(string demo)
    {
        string folder = Path.Combine(Fixtures, demo);
        var arguments = File.ReadAllText(Path.Combine(folder, "import.txt")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(a => Path.Combine(folder, a)).ToList();
        string yaml = Path.Combine(_dir, demo + ".yaml");
        var imported = Cont(["import-auto", .. arguments, "--out", yaml]);
        Assert.True(imported.Code == 0, imported.Err);

        var result = PeerSuite.RunCase(yaml, Path.Combine(RepositoryPaths.Root, "Tests", "Peer", demo + ".reference.csv"), demo, Path.Combine(_dir, "out"), onlyItsBranches: true);
        Assert.Null(result.Error);
        var expected = result.Rows.Where(r => r.Expected).ToList();
        var misses = expected
            .Where(r => r.Ours is not { } v || r.Unlocated || Math.Abs(v - r.Value) > Math.Min(r.Tolerance, 1e-4 * Math.Max(1, Math.Abs(r.Value))))
            .Select(r => $"{r.Branch} {r.Type} {r.Parameter} = {r.Value:R} (ours: {(r.Ours is { } v ? $"{v:R}{(r.Unlocated ? ", not located" : "")}" : "none")})").ToList();
        Assert.True(misses.Count == 0, $"{demo}: {string.Join("; ", misses)}");
        Assert.True(expected.Count >= 5, $"{demo}: only {expected.Count} reference points");
    }

    /// <summary>A one-run constants file for the Fortran-only tests.</summary>
    string Constants(int ndim, string extra = "")
        => Write("c.m", $"NDIM = {ndim}, IPS = 1, IRS = 0, ICP = [1]\nNMX = 5, DS = 0.01, DSMIN = 0.001, DSMAX = 0.1\n{extra}");

    /// <summary>Imports FUNC text and returns the model (read back through the case reader) and the case text.</summary>
    (Continuation.Systems.OdeSystem Model, string Yaml) Import(string func, string? stpnt = null, int ndim = 2)
    {
        string f90 = Write("m.f90", $"""
            SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
            IMPLICIT NONE
            INTEGER NDIM, ICP(*), IJAC
            DOUBLE PRECISION U(NDIM), PAR(*), F(NDIM), DFDU(NDIM,*), DFDP(NDIM,*)
            {func}
            END SUBROUTINE FUNC
            SUBROUTINE STPNT(NDIM,U,PAR,T)
            IMPLICIT NONE
            INTEGER NDIM
            DOUBLE PRECISION U(NDIM), PAR(*), T
            {stpnt ?? "PAR(1) = 0.5D0"}
            END SUBROUTINE STPNT
            """);
        string yaml = Path.Combine(_dir, "m.yaml");
        var r = Cont("import-auto", f90, Constants(ndim), "--out", yaml);
        Assert.True(r.Code == 0, r.Err);
        return (CaseReader.Read(yaml, n => ModelCatalog.TryGet(n, out var m) ? m : null).Model, File.ReadAllText(yaml));
    }

    static double[] Rhs(Continuation.Systems.OdeSystem model, double[] x, double[] p)
    {
        var f = new double[model.Dimension];
        model.Evaluate(x, p, f);
        return f;
    }

    [Fact]
    public void TheTranslationKeepsFortransArithmetic()
    {
        // Integer division truncates (1/2 = 0, 7/2 = 3), ** binds tighter than unary minus and to the right,
        // a - (b - c) keeps its parentheses, D exponents, continuation lines and ';' between statements.
        var (model, yaml) = Import("""
            DOUBLE PRECISION a, b
            a = U(1); b = 7/2 + 1/2
            F(1) = -a**2 + 2**3**2 - (a - (b - PAR(1))) &
                   + 2.5d-3*a**-2
            F(2) = DEXP(U(2))/(1 + DABS(a)) + DMAX1(a, U(2), 0.5D0) + (1/2)*U(2) + DBLE(3)/2
            """);
        double x1 = 1.3, x2 = -0.4, p1 = 0.5;
        var f = Rhs(model, [x1, x2], [p1]);
        double b = 3;
        Assert.Equal(-x1 * x1 + Math.Pow(2, 9) - (x1 - (b - p1)) + 2.5e-3 * Math.Pow(x1, -2), f[0], 12);
        Assert.Equal(Math.Exp(x2) / (1 + Math.Abs(x1)) + Math.Max(Math.Max(x1, x2), 0.5) + 0 * x2 + 1.5, f[1], 12);
        Assert.Contains("b: 3", yaml); // 7/2 + 1/2 = 3 + 0 is a constant
    }

    [Fact]
    public void IntegerSubexpressionsFoldAsFortranComputesThem()
    {
        // 2**(-1) = 0, (1+1)/4 = 0, (-3)/2 = -1, MAX(3,4)/2 = 2; N = 5 (implicitly INTEGER) gives (N+1)/4 = 1;
        // a DOUBLE PRECISION PARAMETER is real even where implicit typing would make it INTEGER; INTEGER*4 is an INTEGER.
        string f90 = Write("i.f90", """
                  SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
                  IMPLICIT DOUBLE PRECISION (A-H,O-Z)
                  DIMENSION U(NDIM),PAR(*),F(NDIM)
                  DOUBLE PRECISION, PARAMETER :: NU = 2.D0
                  INTEGER*4 K
                  N = 5
                  K = 3
                  F(1) = 2**(-1)*U(1) + (1+1)/4 + (-3)/2 + MAX(3,4)/2 - PAR(1)
                  F(2) = (N+1)/4*U(2) + NU/4*U(1) + K/2
                  END
            """);
        string yaml = Path.Combine(_dir, "i.yaml");
        var r = Cont("import-auto", f90, Constants(2), "--out", yaml);
        Assert.True(r.Code == 0, r.Err);
        var model = CaseReader.Read(yaml, _ => null).Model;
        var f = Rhs(model, [0.7, -1.9], [0.25]);
        Assert.Equal(0 * 0.7 + 0 - 1 + 2 - 0.25, f[0], 14);
        Assert.Equal(1 * -1.9 + 0.5 * 0.7 + 1, f[1], 14);
    }

    [Fact]
    public void TheDummyArgumentsNameTheArraysByTheirPositionInAutosCall()
    {
        // AUTO calls FUNC(NDIM,U,ICP,PAR,IJAC,F,…) by position: here the state is X, the parameters P, the right-hand side G.
        string f90 = Write("d.f90", "SUBROUTINE FUNC(N,X,ICP,P,IJAC,G,DGDX,DGDP)\nIMPLICIT NONE\nINTEGER N, ICP(*), IJAC\nDOUBLE PRECISION X(N), P(*), G(N), DGDX(N,*), DGDP(N,*)\n" +
                                      "G(1) = X(2) - P(1)\nG(2) = -X(1)\nIF (IJAC .NE. 0) THEN\nDGDX(1,1) = 0\nDO 10 ICP = 1, 2\nEND IF\nEND\n");
        string yaml = Path.Combine(_dir, "d.yaml");
        var r = Cont("import-auto", f90, Constants(2), "--out", yaml);
        Assert.True(r.Code == 0, r.Err);
        var f = Rhs(CaseReader.Read(yaml, _ => null).Model, [0.3, 0.9], [0.5]);
        Assert.Equal([0.9 - 0.5, -0.3], f);
    }

    [Fact]
    public void PVLSHasItsOwnLocalsAndFixedFormTabsAreColumnsAsGfortranReadsThem()
    {
        // FUNC's X and PVLS's X are different variables; in fixed form a tab in the label field starts column 7 and a
        // digit after it continues the line, while a tab inside the statement is one column (the 72-column cut).
        string f = Write("t.f", "\tSUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)\n\tIMPLICIT NONE\n\tINTEGER NDIM,ICP(*),IJAC\n" +
            "\tDOUBLE PRECISION U(NDIM),PAR(*),F(NDIM),DFDU(NDIM,*),DFDP(NDIM,*)\n\tDOUBLE PRECISION X\n\tX = U(1)**2 + U(2)**2\n" +
            "\tF(1) = PAR(1) - X\t\t\t\t\t\t\t\t\t+ 2.D0*U(2)\n\tF(2) = -U(2)\n\t1 + U(1)\n\tEND\n" +
            "\tSUBROUTINE PVLS(NDIM,U,PAR)\n\tIMPLICIT NONE\n\tINTEGER NDIM\n\tDOUBLE PRECISION U(NDIM),PAR(*),X\n\tX = U(1) + 10.D0\n\tPAR(4) = X\n\tEND\n");
        string yaml = Path.Combine(_dir, "t.yaml");
        var r = Cont("import-auto", f, Constants(2), "--out", yaml);
        Assert.True(r.Code == 0, r.Err);
        var model = CaseReader.Read(yaml, _ => null).Model;
        var rhs = Rhs(model, [0.3, 0.4], [0.5]);
        Assert.Equal(0.5 - 0.25 + 0.8, rhs[0], 14);
        Assert.Equal(-0.4 + 0.3, rhs[1], 14);
        string output = Path.Combine(_dir, "t-out");
        Assert.Equal(0, Cont("run", yaml, "--out", output, "--quiet", "--no-plots").Code);
        var points = global::Plots.Table.Read(Path.Combine(output, "branches", "fp.csv"));
        for (int i = 0; i < points.Rows.Count; i++)
            Assert.Equal(points.Number(i, "u1") + 10, points.Number(i, "par4"), 12);
    }

    [Fact]
    public void ValidFortranOfTheSubsetIsRead()
    {
        // A comment and a blank line between a line ending in '&' and its continuation; an INTEGER PARAMETER.
        var (model, _) = Import("INTEGER, PARAMETER :: M = 2\nF(1) = U(1) + &\n! the second term\n\n   M*U(2)\nF(2) = -U(2)");
        Assert.Equal([0.3 + 2 * 0.4, -0.4], Rhs(model, [0.3, 0.4], [0.5]));
    }

    [Fact]
    public void ARealLiteralWithoutADExponentIsNotedAsSinglePrecision()
    {
        var (_, yaml) = Import("F(1) = 0.1*U(1)\nF(2) = 0.5*U(2) + 0.1D0");
        Assert.Contains("single precision in Fortran, read here in double precision", yaml);
        Assert.Contains(": 0.1\n", yaml + "\n"); // 0.5 is exact in single precision, 0.5*U(2) a double-precision product
        var (_, text) = Import("F(1) = (1.0/3.0)*U(1) + 4.0*ATAN(1.0)\nF(2) = 2.0*0.5*U(2)");
        string operations = text.Split('\n').Single(l => l.Contains("single precision in Fortran"));
        Assert.Contains("1/3", operations);      // computed in REAL*4 by Fortran
        Assert.Contains("atan(1)", operations);
        Assert.DoesNotContain("2*0.5", operations); // exact in either precision
    }

    [Fact]
    public void STPNTGivesTheParameterDefaultsAndTheStartState()
    {
        var (model, yaml) = Import("F(1) = PAR(1) - U(1)\nF(2) = PAR(2)*U(2)", "DOUBLE PRECISION h\nh = 0.25D0\nPAR(1) = 2*h\nPAR(2) = PAR(1) + 1\nU(1) = 4.D0*DATAN(1.D0)\nU(2) = -h");
        Assert.Equal([0.5, 1.5], model.DefaultParameters());
        Assert.Contains($"initial: {{ u1: {Math.PI.ToString("R", CultureInfo.InvariantCulture)}, u2: -0.25 }}", yaml);
    }

    public static TheoryData<string, string, string> Unsupported() => new()
    {
        { "INTEGER(KIND=KIND(1)) :: a\na = 0.5D0*U(1)\nF(1) = a\nF(2) = 0", "m.f90:6", "cannot read the declaration" },
        { "LOGICAL q\nq = 1\nF(1) = 0\nF(2) = 0", "m.f90:7", "'q' is LOGICAL" },
        { "INTEGER k\nk = 1.3 - 0.3\nF(1) = k*U(1)\nF(2) = 0", "m.f90:7", "truncates differently in single and double precision" },
        { "c = 0.D0\nc = -1.D0/c\nF(1) = c\nF(2) = 0", "m.f90:7", "is not a finite number" },
        { "F(1) = " + new string('(', 300) + "U(1)" + new string(')', 300) + "\nF(2) = 0", "m.f90:6", "nests more than" },
        { "F(1) = " + string.Join(" + ", Enumerable.Repeat("U(1)", 2000)) + "\nF(2) = 0", "m.f90:6", "more than 1500 operations" },
        { "DO i = 1, 2\nF(i) = 0\nEND DO\nF(1) = 0\nF(2) = 0", "m.f90:6", "'DO' is not supported" },
        { "CALL RHS(U, F)\nF(1) = 0\nF(2) = 0", "m.f90:6", "'CALL' is not supported" },
        { "GOTO 10\nF(1) = 0\nF(2) = 0", "m.f90:6", "'GOTO' is not supported" },
        { "IF (U(1) > 0) F(1) = 1\nF(1) = 0\nF(2) = 0", "m.f90:6", "'IF' is not supported" },
        { "COMMON /blk/ c\nF(1) = 0\nF(2) = 0", "m.f90:6", "'COMMON' is not supported" },
        { "DOUBLE PRECISION w(2)\nw(1) = U(1)\nF(1) = w(1)\nF(2) = 0", "m.f90:7", "local arrays and statement functions are not supported" },
        { "INTEGER k\nk = U(1)\nF(1) = k\nF(2) = 0", "m.f90:7", "'k' is an INTEGER (declared)" },
        { "F(1) = BESSEL_J0(U(1))\nF(2) = 0", "m.f90:6", "'BESSEL_J0(…)' is not supported" },
        { "F(1) = PAR(11)*U(2)\nF(2) = 0", "m.f90:6", "PAR(11), AUTO's period" },
        { "F(1) = U(1)\nF(3) = 0", "m.f90:8", "F(2) nowhere" },
        { "F(1) = U(2)", "m.f90:6", "U(2) is read but FUNC only assigns F(1)" },
        { "F(1) = c*U(2)\nF(2) = 0", "m.f90:6", "'c' is used before it is assigned" },
        { "F(1) = U(1) .GT. 0\nF(2) = 0", "m.f90:6", "logical or relational operators" },
        { "F(1) = U(NDIM)\nF(2) = 0", "m.f90:6", "'NDIM' is not supported in an expression" },
        { "c = 2*U(3)\nF(1) = c\nF(2) = 0", "m.f90:6", "U(3) is read but FUNC only assigns F(1) … F(2)" },
        { "c = PAR(11)\nF(1) = c*U(1)\nF(2) = 0", "m.f90:6", "PAR(11), AUTO's period" },
        { "IF (IJAC .NE. 0) THEN\nF(1) = 0\nEND IF\nF(1) = 0\nF(2) = 0", "m.f90:7", "inside the IF block of the analytic Jacobian" },
        { "REAL*16 q\nF(1) = 0\nF(2) = 0", "m.f90:6", "the type 'REAL*16 q' is not supported" },
        { "d = U(1)\nF(1) = d\nF(2) = 0", "m.f90:6", "'d' is not declared (IMPLICIT NONE)" },
        { "c(x) = x/(1 + x)\nF(1) = c(U(1))\nF(2) = 0", "m.f90:6", "local arrays and statement functions are not supported" },
        { "F(1) = U(1) - -U(2)\nF(2) = 0", "m.f90:6", "two operators in a row" },
        { "F(1) = SQRT(2)*U(1)\nF(2) = 0", "m.f90:6", "SQRT of an INTEGER argument" },
        { "F(1) = U(1.5)\nF(2) = 0", "m.f90:6", "U(…) needs one integer constant index" },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void EveryConstructOutsideTheSubsetIsAnErrorAtItsLine(string func, string where, string message)
    {
        string f90 = Write("m.f90", $"""
            SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
            IMPLICIT NONE
            INTEGER NDIM, ICP(*), IJAC
            DOUBLE PRECISION U(NDIM), PAR(*), F(NDIM), DFDU(NDIM,*), DFDP(NDIM,*)
            DOUBLE PRECISION c
            {func}
            END SUBROUTINE FUNC
            """);
        string output = Path.Combine(_dir, "m.yaml");
        var r = Cont("import-auto", f90, Constants(2), "--out", output);
        Assert.Equal(ExitCodes.BadInput, r.Code);
        Assert.StartsWith($"error: {Path.Combine(_dir, where)}: ", r.Err);
        Assert.Contains(message, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.False(File.Exists(output));
    }

    public static TheoryData<string, string, string> BadConstants() => new()
    {
        { "NDIM = 2, IPS = 1, IRS = 2, ICP = [1]", "c.m:1", "IRS = 2: a label number names a point of AUTO's own output" },
        { "NDIM = 2, IPS = 4, ICP = [1]", "c.m:1", "IPS = 4 (boundary-value problems) is not supported" },
        { "2 1 0 1   NDIM,IPS,IRS,ILP", "c.m:1", "older positional constants format" },
        { "NDIM = 2, IPS = 1, ICP = [1]\nNTHETA = 3", "c.m:2", "unknown AUTO constant 'NTHETA'" },
        { "NDIM = 3, IPS = 1, ICP = [1]", "c.m:1", "NDIM = 3 but FUNC" },
        { "NDIM = 2, IPS = 1, ICP = [1]\ndat = 'start.dat'", "c.m:2", "a start from a data file is not supported" },
        { "NDIM = 2, IPS = 2, ICP = [1, 11]", "c.m:1", "IPS = 2 from IRS = 0" },
        { "NDIM = 2, IPS = 1, ICP = [1], UZR = {1: [0.5}", "c.m:1", "expected ',' or ']'" },
        { "NDIM = 2, IPS = 1, ICP = ['q']", "c.m:1", "'q' is not a parameter name" },
    };

    [Theory]
    [MemberData(nameof(BadConstants))]
    public void ConstantsOutsideWhatMapsAreAnErrorAtTheirLine(string constants, string where, string message)
    {
        string f90 = Write("m.f90", "SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)\nF(1) = PAR(1) - U(1)\nF(2) = -U(2)\nEND\n");
        var r = Cont("import-auto", f90, Write("c.m", constants));
        Assert.Equal(ExitCodes.BadInput, r.Code);
        Assert.StartsWith($"error: {Path.Combine(_dir, where)}: ", r.Err);
        Assert.Contains(message, r.Err);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void HostileFilesAndPathsAreRefusedWithAMessage()
    {
        string f90 = Write("m.f90", "SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)\nF(1) = PAR(1) - U(1)\nEND\n");
        string c = Write("c.m", "NDIM = 1, IPS = 1, ICP = [1]\nNMX = 5");
        File.WriteAllBytes(Path.Combine(_dir, "binary.f90"), [0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]);
        foreach (var (args, message) in new (string[], string)[]
        {
            (["import-auto", "/dev/zero", c], "larger than 4 MB"),
            (["import-auto", Path.Combine(_dir, "binary.f90"), c], "binary content"),
            (["import-auto", _dir, c], "is a directory"),
            (["import-auto", f90, Path.Combine(_dir, "missing")], "file not found"),
            (["import-auto", f90], "at least one constants file"),
            (["import-auto", f90, c, "--out", Path.Combine(_dir, "no", "such", "dir", "x.yaml")], "cannot write"),
            (["import-auto", f90, c, "--out", _dir], "is a directory"),
            (["export-auto", _dir], "summary.json"),
            (["export-auto", Path.Combine(_dir, "none")], "no such directory"),
        })
        {
            var r = Cont(args);
            Assert.Equal(ExitCodes.BadInput, r.Code);
            Assert.Contains(message, r.Err);
            Assert.DoesNotContain("   at ", r.Err);
        }
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void AConstantsFileMapsToARunWithItsStopsUserPointsAndNotes()
    {
        string f90 = Write("m.f90", "SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)\nF(1) = PAR(1) - U(1)**2\nEND\n");
        string c1 = Write("c.m.fp", "parnames = {1: 'mu'}\nunames = {1: 'x'}\nNDIM = 1, IPS = 1, IRS = 0, ICP = ['mu']\nNMX = 50, DS = -0.02, DSMIN = 0.001, DSMAX = 0.05\n" +
                                    "UZR = {'mu': [0.5, 0.25]}, RL0 = -1, RL1 = 2, THL = {1: 0.5}, A1 = 10\nU = {'x': 1}, PAR = {'mu': 1}");
        string c2 = Write("c.m.back", "NDIM = 1, IPS = 1, IRS = 'LP1', s = 'fp', ISW = 1, ICP = [1]\nNMX = 20, DS = 0.01\nUZSTOP = {1: 0.5}");
        var r = Cont("import-auto", f90, c1, c2);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("- { name: fp, kind: equilibrium, parameter: mu, direction: backward, numerics: { ds: 0.02, ds_max: 0.05, ds_min: 0.001, max_steps: 50 }, stop: { mu: [-1, 2] }, values: { mu: [0.5, 0.25] } }", r.Out);
        Assert.Contains("- { name: back, kind: equilibrium, from: fp.LP1, parameter: mu, direction: forward,", r.Out);
        Assert.Contains("stop: { mu: 0.5 }", r.Out);
        Assert.Contains("parameters: { mu: 1 }", r.Out);
        Assert.Contains("start: { state: { x: 1 } }", r.Out);
        Assert.Contains("THL = {1: 0.5} (weights of the arclength)", r.Out);
        Assert.Contains("A0/A1 (bounds on the L2 norm) have no equivalent", r.Out);
    }

    [Fact]
    public void RunsFollowAutosSemantics()
    {
        string f90 = Write("r.f90", "SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)\nF(1) = PAR(1) - U(1)\nEND\nSUBROUTINE STPNT(NDIM,U,PAR,T)\nPAR(1) = 1.D0\nU(1) = 1.D0\nEND\n");
        // A later run from STPNT (IRS = 0) starts from STPNT again, not from the first run's PAR and U.
        string a = Write("c.r.a", "NDIM = 1, IPS = 1, IRS = 0, ICP = [1], NMX = 5\nPAR = {1: 4.0}, U = {1: 2.0}");
        string b = Write("c.r.b", "NDIM = 1, IPS = 1, IRS = 0, ICP = [1], NMX = 200, DS = 0.05\nUZSTOP = {1: [2, 3, -1]}");
        var r = Cont("import-auto", f90, a, b);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("parameters: { p1: 4 }", r.Out);
        Assert.Contains("start: { state: { u1: 2 } }", r.Out);
        // b starts at p1 = 1, u1 = 1 and stops at the first of its stop values it reaches (2 going up), as AUTO does.
        Assert.Contains("- { name: b, kind: equilibrium, parameter: p1, direction: forward, parameters: { p1: 1 }, start: { state: { u1: 1 } }", r.Out);
        Assert.Contains("stop: { p1: { at: [2, 3, -1] } }", r.Out);
        string yaml = Path.Combine(_dir, "r.yaml");
        Assert.Equal(0, Cont("import-auto", f90, a, b, "--out", yaml).Code);
        string output = Path.Combine(_dir, "r-out");
        Assert.Equal(0, Cont("run", yaml, "--out", output, "--quiet", "--no-plots").Code);
        var end = global::Plots.Table.Read(Path.Combine(output, "special_points.csv"));
        Assert.Equal("2", Enumerable.Range(0, end.Rows.Count).Where(i => end.Text(i, "branch") == "b" && end.Text(i, "type") == "EP").Select(i => end.Text(i, "p1")).Single());

        // An integration is only read as the first run; ISW = 1 at a period doubling is AUTO's own branch, not the doubled one.
        var late = Cont("import-auto", f90, a, Write("c.r.i", "NDIM = 1, IPS = -2, NMX = 100"));
        Assert.Equal(ExitCodes.BadInput, late.Code);
        Assert.Contains("is read only as the first constants file", late.Err);
        var bp = Cont("import-auto", f90, a, Write("c.r.bp", "NDIM = 1, IPS = 1, IRS = 'BP1', ISW = 1, ICP = [1], NMX = 5"));
        Assert.Equal(ExitCodes.BadInput, bp.Code);
        Assert.Contains("ISW = 1 at 'BP1' continues AUTO's own branch", bp.Err);
        // A restart label must be one the source run can have.
        var pd = Cont("import-auto", f90, a, Write("c.r.lc", "NDIM = 1, IPS = 2, IRS = 'PD1', ISW = -1, ICP = [1, 11], NMX = 5"));
        Assert.Equal(ExitCodes.BadInput, pd.Code);
        Assert.Contains("c.r.lc:1: IRS = 'PD1': a periodic run starts from 'HB…' of the equilibrium run 'a'", pd.Err);
        var alone = Cont("import-auto", f90, Write("c.r.only", "NDIM = 1, IPS = -2, NMX = 100"));
        Assert.Equal(ExitCodes.BadInput, alone.Code);
        Assert.Contains("alone makes no run", alone.Err);
    }

    [Fact]
    public void NamesThatAreOutputColumnsAreRenamed()
    {
        string f90 = Write("n.f90", "SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)\nF(1) = PAR(1) - U(1)\nF(2) = PAR(2)*U(2)\nEND\n");
        var r = Cont("import-auto", f90, Write("c.n", "unames = {1: 'type', 2: 'floquet_1'}, parnames = {1: 'period', 2: 'omega'}\nNDIM = 2, IPS = 1, ICP = [1], NMX = 5"));
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("parameters: { period_2: 0, omega_2: 0 }", r.Out);
        Assert.Contains("type_2: period_2 - type_2", r.Out);
        Assert.Contains("u2: omega_2*u2", r.Out);
    }

    [Fact]
    public void StopValuesAndAnIntervalTogether()
    {
        // x' = mu - x from mu = 0: the first stop value reached going up is 0.5 (inside the interval); a start on a stop value goes on.
        using var output = new Tests.Cases.CaseOutput();
        output.RunText("""
            name: line
            model:
              parameters: { mu: 0 }
              equations: { x: mu - x }
            runs:
              - { name: fp, kind: equilibrium, parameter: mu, numerics: { ds: 0.05, ds_max: 0.05 }, stop: { mu: { within: [-1, 2], at: [0, 0.5, 1.5] } } }
            """);
        var end = output.Csv("special_points.csv").Single(r => r["type"] == "EP");
        Assert.Equal(0.5, D(end["mu"]), 12);
        foreach (var (stop, message) in new[] { ("{ at: [] }", "expected within: [min, max] and/or at: [values]"), ("{ upto: 3 }", "upto"), ("{ within: [2, 1] }", "min < max") })
        {
            string path = Write("bad.yaml", $"name: bad\nmodel:\n  parameters: {{ mu: 0 }}\n  equations: {{ x: mu - x }}\nruns:\n  - {{ name: fp, kind: equilibrium, parameter: mu, stop: {{ mu: {stop} }} }}\n");
            var r = Cont("validate", path);
            Assert.Equal(ExitCodes.BadInput, r.Code);
            Assert.Contains("bad.yaml:6:", r.Err);
            Assert.Contains(message, r.Err);
        }
    }

    [Fact]
    public void AStopValueEndsTheBranchFromEitherSide()
    {
        // x' = mu - x: the branch x = mu, started at mu = 0 and followed both ways, ends where mu reaches 0.7 going up and -0.3 going down.
        foreach (var (start, direction, stop) in new[] { (0.0, "forward", 0.7), (0.0, "backward", -0.3), (1.0, "backward", 0.7) })
        {
            using var output = new Tests.Cases.CaseOutput();
            output.RunText($$"""
                name: line
                model:
                  parameters: { mu: {{start.ToString(CultureInfo.InvariantCulture)}} }
                  equations: { x: mu - x }
                  initial: { x: {{start.ToString(CultureInfo.InvariantCulture)}} }
                runs:
                  - { name: fp, kind: equilibrium, parameter: mu, direction: {{direction}}, numerics: { ds: 0.05, ds_max: 0.05 }, stop: { mu: {{stop.ToString(CultureInfo.InvariantCulture)}} } }
                """);
            var end = output.Csv("special_points.csv").Single(r => r["type"] == "EP");
            Assert.Equal(stop, D(end["mu"]), 12);
            Assert.Contains("bound mu", end["note"]);
        }
    }
}

/// <summary>
/// <c>cont export-auto</c>: the b. and s. files read back by a small reader of AUTO's fort.7/fort.8 layout
/// (as AUTO's parseB and parseS read them) give every point of every branch, the labels and AUTO's type
/// codes of the special points, and the solutions (cycles on their mesh) of the labelled points.
/// </summary>
public sealed class AutoExportTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "cont-export-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    sealed record BPoint(int Br, int Pt, int Ty, int Lab, Dictionary<string, double> Values);

    /// <summary>fort.7: blocks of header lines (first field 0), the last naming the columns (19 characters each after 20), then points.</summary>
    static List<List<BPoint>> ReadB(string path)
    {
        var branches = new List<List<BPoint>>();
        List<string>? names = null;
        List<BPoint>? current = null;
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields[0] == "0")
            {
                if (current is not null) { branches.Add(current); current = null; }
                if (line.Contains(" PT  TY  LAB "))
                    names = Enumerable.Range(0, (line.Length - 20 + 18) / 19).Select(i => line.Substring(20 + 19 * i, Math.Min(19, line.Length - 20 - 19 * i)).Trim()).ToList();
                continue;
            }
            current ??= [];
            Assert.NotNull(names);
            var values = new Dictionary<string, double>();
            for (int i = 0; i < names!.Count; i++) values[names[i]] = D(line.Substring(19 + 19 * i, 19));
            current.Add(new BPoint(int.Parse(line[..4]), int.Parse(line[4..10]), int.Parse(line[10..14]), int.Parse(line[14..19]), values));
        }
        if (current is not null) branches.Add(current);
        return branches;
    }

    sealed record Solution(int[] Header, double[][] Rows, double[] Par);

    /// <summary>fort.8: a header of 16 integers, NTPL rows of t and the state (seven numbers to a line), then NPAR parameters.</summary>
    static List<Solution> ReadS(string path)
    {
        var tokens = File.ReadAllText(path).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var list = new List<Solution>();
        int k = 0;
        while (k < tokens.Length)
        {
            var h = tokens[k..(k + 16)].Select(int.Parse).ToArray();
            k += 16;
            int ntpl = h[6], nar = h[7], npar = h[11];
            var rows = new double[ntpl][];
            for (int r = 0; r < ntpl; r++) { rows[r] = tokens[k..(k + nar)].Select(D).ToArray(); k += nar; }
            var par = tokens[k..(k + npar)].Select(D).ToArray();
            k += npar;
            list.Add(new Solution(h, rows, par));
        }
        return list;
    }

    static void Close(double expected, double actual, string what)
        => Assert.True(Math.Abs(actual - expected) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: {actual:R} against {expected:R}");

    [Fact]
    public void LongNamesKeepTheColumnsApart()
    {
        using var output = new Tests.Cases.CaseOutput();
        output.RunText("""
            name: long
            model:
              parameters: { bifurcation_parameter_mu: 0 }
              equations: { concentration_of_substrate: bifurcation_parameter_mu - concentration_of_substrate }
            runs:
              - { name: fp, kind: equilibrium, parameter: bifurcation_parameter_mu, numerics: { ds: 0.1, ds_max: 0.1 }, stop: { bifurcation_parameter_mu: 1 } }
            """);
        Assert.Equal(0, Program.Run(["export-auto", output.Directory], new StringWriter(), new StringWriter()));
        var b = ReadB(Path.Combine(output.Directory, "b.long"));
        var p = b.Single()[^1];
        Assert.Equal(["bifurcation_parame", "L2-NORM", "concentration_of_s"], p.Values.Keys);
        Assert.Equal(1, p.Values["bifurcation_parame"], 12);
        Assert.Equal(1, p.Values["L2-NORM"], 12);
    }

    [Fact]
    public void TheBranchAndSolutionFilesHoldEveryPointAndEveryLabelledSolution()
    {
        string output = Path.Combine(_dir, "abc");
        Assert.Equal(0, Program.Run(["run", Path.Combine(RepositoryPaths.Root, "Tests", "Peer", "abc.yaml"), "--out", output, "--quiet", "--no-plots"], new StringWriter(), new StringWriter()));
        var stdout = new StringWriter();
        Assert.Equal(0, Program.Run(["export-auto", output], stdout, new StringWriter()));
        Assert.Contains("b.abc", stdout.ToString());

        var data = global::Plots.OutputData.Load(output);
        var b = ReadB(Path.Combine(output, "b.abc"));
        var s = ReadS(Path.Combine(output, "s.abc"));
        Assert.Equal(data.Branches.Count, b.Count);
        int labels = 0;
        var byLabel = new Dictionary<int, (BPoint Point, global::Plots.BranchData Branch, int Row)>();
        for (int i = 0; i < b.Count; i++)
        {
            var branch = data.Branches[i];
            var t = branch.Points;
            Assert.Equal(t.Rows.Count, b[i].Count);
            string first = branch.Parameters[0];
            for (int r = 0; r < t.Rows.Count; r++)
            {
                var p = b[i][r];
                Assert.Equal(i + 1, p.Br);
                Assert.Equal(r + 1, Math.Abs(p.Pt));
                Assert.Equal(t.Text(r, "stable") == "true", p.Pt < 0);
                Close(t.Number(r, first), p.Values[first], $"{branch.Name}[{r}] {first}");
                Close(t.Number(r, "l2norm"), p.Values["L2-NORM"], $"{branch.Name}[{r}] L2-NORM");
                if (branch.Kind.CarriesCycles()) Close(t.Number(r, "period"), p.Values["PERIOD"], $"{branch.Name}[{r}] PERIOD");
                if (branch.Parameters.Count == 2) Close(t.Number(r, branch.Parameters[1]), p.Values[branch.Parameters[1]], $"{branch.Name}[{r}] {branch.Parameters[1]}");
                string type = t.Text(r, "type");
                Assert.Equal(Continuation.Cli.AutoFiles.AutoExport.TypeCode(type, branch.Kind.CarriesCycles()), p.Ty);
                Assert.Equal(type.Length > 0, p.Lab > 0);
                if (p.Lab > 0)
                {
                    Assert.Equal(++labels, p.Lab);
                    byLabel[p.Lab] = (p, branch, r);
                }
            }
        }
        Assert.True(b.SelectMany(x => x).Count(p => p.Ty == 5 && p.Lab > 0) >= 3, "the folds of cycles carry AUTO's code 5");

        Assert.Equal(labels, s.Count);
        var states = new[] { "x1", "x2", "x3" };
        foreach (var solution in s)
        {
            var h = solution.Header;
            var (p, branch, row) = byLabel[h[3]];
            Assert.Equal(p.Br, h[0]);
            Assert.Equal(p.Pt, h[1]);
            Assert.Equal(p.Ty, h[2]);
            Assert.Equal(states.Length + 1, h[7]);
            var t = branch.Points;
            if (branch.Kind.CarriesCycles())
            {
                Assert.Equal(h[9] * h[10] + 1, h[6]); // NTPL = NTST·NCOL + 1
                Assert.Equal(0, solution.Rows[0][0]);
                Assert.Equal(1, solution.Rows[^1][0], 12);
                Close(t.Number(row, "period"), solution.Par[10], $"{branch.Name}[{row}] PAR(11)");
            }
            else Assert.Equal(1, h[6]);
            // The solution at t = 0 is the point's state; its parameters are the model's in order.
            for (int j = 0; j < states.Length; j++) Close(t.Number(row, states[j]), solution.Rows[0][j + 1], $"{branch.Name}[{row}] {states[j]}");
            Close(t.Number(row, "D"), solution.Par[0], $"{branch.Name}[{row}] PAR(1)");
            Close(t.Number(row, "alpha"), solution.Par[1], $"{branch.Name}[{row}] PAR(2)");
        }
    }
}

/// <summary>The figures pair a state's minimum and maximum by what the outputs are (summary.json), not by their names.</summary>
public sealed class OutputEnvelopeTests
{
    [Fact]
    public void OutputsNamedFreelyGiveTheEnvelopeOfTheirState()
    {
        // x' = mu - x, y' = -y: the outputs lo and hi (min and max of y, as an imported AUTO problem names them) make y the variable drawn.
        using var output = new Tests.Cases.CaseOutput();
        output.RunText("""
            name: env
            model:
              parameters: { mu: 0 }
              equations: { x: mu - x, y: -y }
            outputs:
              - { name: lo, min: y }
              - { name: hi, max: y }
            runs:
              - { name: fp, kind: equilibrium, parameter: mu, numerics: { ds: 0.1, ds_max: 0.1 }, stop: { mu: 1 } }
            """);
        Assert.True(File.Exists(Path.Combine(output.Directory, "bifurcation-mu-y.png")));
        Assert.False(File.Exists(Path.Combine(output.Directory, "bifurcation-mu-x.png")));
        var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output.Directory, "summary.json"))).RootElement;
        Assert.Equal("""[{"name":"lo","function":"min","of":"y"},{"name":"hi","function":"max","of":"y"}]""",
            System.Text.Json.JsonSerializer.Serialize(summary.GetProperty("outputs")));
    }
}
