using System.Globalization;
using Continuation.Cli;
using Continuation.Cli.Cases;
using Continuation.Network;
using Continuation.Transverse;
using Models;
using static Tests.Cli.CliHarness;

namespace Tests.Cli;

/// <summary>
/// A model written as equations declares its network coupling (<c>coupling:</c>): it then is the
/// homogeneous reduction of a network, with H = ∂f/∂ε and DH exact, and the transverse analysis and
/// the network simulation work on it as on the built-in model.
/// </summary>
public sealed class EquationCouplingTests : IDisposable
{
    readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>The bundled equations case's model with a coupling declaration (line 9 of the model text below).</summary>
    static string Model(string coupling = "coupling: { parameter: eps, variable: s_e, enters: [v_e, v_i] }")
    {
        var lines = File.ReadAllLines(RepositoryPaths.Case("homogeneous-iext-eps0-equations.yaml"));
        int start = Array.FindIndex(lines, l => l.StartsWith("model:", StringComparison.Ordinal));
        int end = Array.FindIndex(lines, l => l.StartsWith("parameters:", StringComparison.Ordinal));
        return string.Join("\n", lines[start..end]) + "\n  " + coupling + "\n";
    }

    static string Case(string model, string runs) => $$"""
        name: coupled-equations
        connectivity: {{Path.Combine(RepositoryPaths.Shared, "data", "NormalizedMatrix.npz").Replace('\\', '/')}}
        parameters: { Iext_e: -5.0, eps: 12.0 }
        start: { integrate: { t_end: 5000 } }
        numerics: { ds: 0.01, ds_min: 1.0e-5, ds_max: 0.1, ntst: 40, ncol: 4 }
        runs:
        {{runs}}
        """ + "\n" + model;

    [Fact]
    public void DeclaredCouplingIsTheBuiltInModelsAndItsNetworkTheSame()
    {
        var file = CaseReader.Parse(Case(Model(), "  - { name: fp, kind: equilibrium, parameter: Iext_e, stop: { Iext_e: [-5, 5] } }"), _cli.PathOf("c.yaml"), name => ModelCatalog.TryGet(name, out var m) ? m : null);
        var equations = Assert.IsAssignableFrom<ICoupledSystem>(file.Model);
        ICoupledSystem builtIn = new NextGenNeuralMassHomogeneous();
        Assert.Equal("eps", equations.CouplingParameter);
        var rng = new Random(4);
        for (int trial = 0; trial < 5; trial++)
        {
            var u = Enumerable.Range(0, 6).Select(_ => rng.NextDouble() - 0.3).ToArray();
            var p = file.Parameters.ToArray();
            p[1] = 20 * rng.NextDouble();
            var (h1, h2, d1, d2) = (new double[6], new double[6], new double[36], new double[36]);
            equations.CouplingInput(u, p, h1);
            builtIn.CouplingInput(u, p, h2);
            equations.CouplingJacobian(u, p, d1);
            builtIn.CouplingJacobian(u, p, d2);
            for (int i = 0; i < 6; i++) Assert.Equal(h2[i], h1[i], 1e-14);
            for (int i = 0; i < 36; i++) Assert.Equal(d2[i], d1[i], 1e-14);
        }
        var w = NetworkSystemTestsAccess.Paper;
        var a = new NetworkSystem(file.Model, w);
        var b = new NetworkSystem(new NextGenNeuralMassHomogeneous(), w);
        var x = Enumerable.Range(0, 540).Select(i => 0.05 * Math.Sin(i)).ToArray();
        var (fa, fb) = (new double[540], new double[540]);
        a.Evaluate(x, file.Parameters, fa);
        b.Evaluate(x, file.Parameters, fb);
        for (int i = 0; i < 540; i++) Assert.Equal(fb[i], fa[i], 1e-12);
    }

    [Fact]
    public void TransverseAnalysisOfTheEquationsModelMatchesTheBuiltInModel()
    {
        const string runs = """
              - { name: fp, kind: equilibrium, parameter: Iext_e, stop: { Iext_e: [-5, 5] }, values: { Iext_e: [2] } }
              - { name: fp_tr, kind: transverse, of: fp }
            """;
        string o1 = _cli.PathOf("eq"), o2 = _cli.PathOf("builtin");
        var (c1, _, e1) = Run(["run", _cli.WriteCase(Case(Model(), runs), "eq.yaml"), "--out", o1, "--no-plots"]);
        Assert.True(c1 == ExitCodes.Success, e1);
        var (c2, _, e2) = Run(["run", _cli.WriteCase(Case("model: NextGenNeuralMass.Homogeneous", runs), "builtin.yaml"), "--out", o2, "--no-plots"]);
        Assert.True(c2 == ExitCodes.Success, e2);
        var t1 = File.ReadAllLines(Path.Combine(o1, "transverse", "dispersion-fp-UZ1.csv"));
        var t2 = File.ReadAllLines(Path.Combine(o2, "transverse", "dispersion-fp-UZ1.csv"));
        Assert.Equal(t2.Length, t1.Length);
        for (int i = 1; i < t1.Length; i++)
        {
            var r1 = t1[i].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var r2 = t2[i].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            for (int j = 0; j < r1.Length; j++) Assert.Equal(r2[j], r1[j], 1e-9);
        }
    }

    [Theory]
    [InlineData("coupling: { parameter: eps, variable: s_e, enters: [v_e] }", "eps appears in the equation of v_i, which is not in enters")]
    [InlineData("coupling: { parameter: eps, variable: r_e, enters: [v_e, v_i] }", "depends on s_e, not only on the declared variable r_e")]
    [InlineData("coupling: { parameter: eps, variable: s_e, enters: [v_e, v_i, s_i] }", "the equation of s_i does not contain eps")]
    [InlineData("coupling: { parameter: epsilon, variable: s_e, enters: [v_e, v_i] }", "'epsilon' is not a parameter")]
    [InlineData("coupling: { parameter: eps, variable: s_e }", "missing key 'enters'")]
    [InlineData("coupling: { parameter: eps, variable: s_e, enters: [v_e, v_i], weight: 2 }", "unknown key 'weight'")]
    public void AWrongDeclarationIsRefusedAtItsLine(string coupling, string message)
    {
        string text = Case(Model(coupling), "  - { name: fp, kind: equilibrium, parameter: Iext_e, stop: { Iext_e: [-5, 5] } }");
        int line = text.Split('\n').ToList().FindIndex(l => l.Contains("coupling:")) + 1;
        var (code, _, stderr) = Run(["validate", _cli.WriteCase(text)]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(message, stderr);
        Assert.Contains($":{line}:", stderr);
    }

    [Fact]
    public void ACouplingThatIsNotLinearInEpsilonIsRefused()
    {
        string model = Model().Replace("(J_ee + eps)*s_e", "(J_ee + eps + 0.01*eps^2)*s_e");
        Assert.Contains("eps^2", model);
        var (code, _, stderr) = Run(["validate", _cli.WriteCase(Case(model, "  - { name: fp, kind: equilibrium, parameter: Iext_e, stop: { Iext_e: [-5, 5] } }"))]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("not linear in eps", stderr);
    }
}

/// <summary>The paper's matrix, shared with the network tests.</summary>
static class NetworkSystemTestsAccess
{
    public static ConnectivityMatrix Paper => Tests.Network.NetworkSystemTests.Paper.Value;
}
