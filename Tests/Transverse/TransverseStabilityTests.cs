using System.Numerics;
using Continuation.Integration;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;
using Continuation.Transverse;
using Continuation.Cli.Connectivity;
using Models;
using Xunit.Abstractions;

namespace Tests.Transverse;

/// <summary>
/// The transverse analysis of the 6-D homogeneous system against the whole network: the spectrum of
/// the 6N × 6N network Jacobian (and the network's monodromy) at a homogeneous state is the union of
/// the transverse spectra of the N modes.
/// </summary>
public class TransverseStabilityTests(ITestOutputHelper output)
{
    static readonly NextGenNeuralMassHomogeneous Model = new();

    static BranchPoint EquilibriumAt(string label) => Networks.Equilibria12.Value.Find(label)!;

    /// <summary>Eigenvalues of the full network Jacobian at the homogeneous equilibrium against the union of the transverse spectra.</summary>
    double EquilibriumMismatch(ConnectivityMatrix w, BranchPoint point)
    {
        var spectrum = ConnectivitySpectrum.Compute(w);
        var analysis = new TransverseStability(Model, spectrum);
        var network = new NextGenNeuralMassNetwork(w);
        var u = network.Homogeneous(point.State);
        var f = new double[network.Dimension];
        network.Evaluate(u, point.Parameters, f);
        Assert.True(f.Max(Math.Abs) < 1e-8, $"the homogeneous equilibrium is not an equilibrium of the network: |f| = {f.Max(Math.Abs)}");
        var jac = new double[network.Dimension * network.Dimension];
        network.StateJacobian(u, point.Parameters, jac);
        var full = Networks.Eigenvalues(jac, network.Dimension);
        var union = spectrum.Eigenvalues.SelectMany(l => analysis.EquilibriumEigenvalues(point.State, point.Parameters, l)).ToList();
        double d = Networks.MatchDistance(full, union, out string worst);
        output.WriteLine($"N = {w.Size}: {full.Length} eigenvalues, max relative mismatch {d:G3} ({worst})");
        return d;
    }

    [Theory]
    [InlineData("ring", 10)]
    [InlineData("random", 8)]
    [InlineData("random", 12)]
    [InlineData("directed", 9)]
    public void NetworkJacobianSpectrumIsTheUnionOfTransverseSpectra(string kind, int n)
    {
        var w = kind switch
        {
            "ring" => Networks.Ring(n),
            "random" => Networks.RandomSymmetric(n, seed: n),
            _ => Networks.DirectedRing(n),
        };
        if (kind == "directed") Assert.False(ConnectivitySpectrum.Compute(w).IsReal(1e-3));
        foreach (var label in new[] { "UZ1", "UZ2" })
            Assert.True(EquilibriumMismatch(w, EquilibriumAt(label)) < 1e-8);
    }

    [Fact]
    public void PaperNetworkJacobianSpectrumIsTheUnionOfThe90TransverseSpectra()
    {
        var w = NpzReader.Read(Path.Combine(RepositoryPaths.Shared, "data", "NormalizedMatrix.npz"));
        var point = EquilibriumAt("UZ1"); // ε = 12, I_ext^E = 2
        Assert.Equal(2.0, point.Parameters[NextGenNeuralMassHomogeneous.IextE], 1e-9);
        Assert.True(EquilibriumMismatch(w, point) < 1e-8);
    }

    [Fact]
    public void EquilibriumPointSummarisesTheTransverseModes()
    {
        var w = Networks.Ring(10);
        var spectrum = ConnectivitySpectrum.Compute(w);
        var analysis = new TransverseStability(Model, spectrum);
        var point = EquilibriumAt("UZ2");
        var tp = analysis.AnalyzeEquilibrium(point);
        Assert.Equal(10, tp.Modes.Count);
        Assert.Equal(HomogeneousStateKind.Equilibrium, tp.StateKind);
        // The homogeneous mode is the branch's own stability.
        var own = point.Analysis.Spectrum.MaxBy(z => z.Real);
        Assert.Equal(own.Real, tp.Homogeneous.Growth.Real, 1e-10);
        for (int a = 0; a < 10; a++)
        {
            var ev = analysis.EquilibriumEigenvalues(point.State, point.Parameters, spectrum.Eigenvalues[a]);
            if (a != spectrum.HomogeneousMode) Assert.Equal(ev[0].Real, tp.Modes[a].Growth.Real, 1e-12);
        }
        var transverse = spectrum.TransverseModes.Select(a => tp.Modes[a]).ToList();
        Assert.Equal(transverse.Max(m => m.Growth.Real), tp.MaxGrowth);
        Assert.Equal(transverse.Count(m => m.Growth.Real > 0), tp.UnstableModes);
        Assert.Equal(transverse.MaxBy(m => m.Growth.Real).Lambda, tp.ArgmaxLambda);
        Assert.Null(tp.TrivialError);
        Assert.Null(tp.Period);
    }

    [Fact]
    public void AtZeroCouplingEveryModeIsTheHomogeneousSystem()
    {
        var spectrum = ConnectivitySpectrum.Compute(Networks.RandomSymmetric(8, 3));
        var analysis = new TransverseStability(Model, spectrum);
        var point = EquilibriumAt("UZ1");
        var p = (double[])point.Parameters.Clone();
        p[NextGenNeuralMassHomogeneous.Eps] = 0;
        var own = analysis.EquilibriumEigenvalues(point.State, p, 1);
        foreach (var l in spectrum.Eigenvalues)
            Assert.True(Networks.MatchDistance(own, analysis.EquilibriumEigenvalues(point.State, p, l), out _) < 1e-14);
    }

    [Fact]
    public void CouplingJacobianIsTheEpsilonDerivativeOfTheHomogeneousJacobian()
    {
        // J_hom = DF + ε DH, so ∂J_hom/∂ε = DH.
        foreach (var (u, p) in Tests.Models.SamplePoints.For(Model, count: 4))
        {
            var j0 = new double[36];
            var j1 = new double[36];
            var dh = new double[36];
            var q = (double[])p.Clone();
            q[NextGenNeuralMassHomogeneous.Eps] = p[NextGenNeuralMassHomogeneous.Eps] + 1;
            Model.StateJacobian(u, p, j0);
            Model.StateJacobian(u, q, j1);
            ((ICoupledSystem)Model).CouplingJacobian(u, p, dh);
            for (int i = 0; i < 36; i++) Assert.Equal(j1[i] - j0[i], dh[i], 1e-12);
        }
        Assert.Equal("eps", ((ICoupledSystem)Model).CouplingParameter);
    }

    [Fact]
    public void CycleAtUnitLambdaReproducesTheBranchMultipliers()
    {
        var branch = Networks.Cycles12.Value;
        var spectrum = ConnectivitySpectrum.Compute(Networks.Ring(6));
        var analysis = new TransverseStability(Model, spectrum);
        int k = NextGenNeuralMassHomogeneous.IextE;
        foreach (var point in branch.Points.Skip(1).Where((_, i) => i % 7 == 0))
        {
            var own = point.Analysis.Spectrum;
            var mu = analysis.CycleMultipliers(point, k, 1);
            double d = Networks.MatchDistance(own, mu, out string worst);
            Assert.True(d < 1e-9, $"point {point.Index}: {worst}");
            var tp = analysis.AnalyzeCycle(point, k);
            Assert.True(tp.TrivialError < 1e-6, $"trivial error {tp.TrivialError}");
            int trivial = PeriodicOrbitProblem.TrivialIndex(own);
            double ownGrowth = own.Where((_, i) => i != trivial).Max(z => Math.Log(z.Magnitude)) / point.Period!.Value;
            Assert.Equal(ownGrowth, tp.Homogeneous.Growth.Real, 1e-9);
        }
    }

    [Fact]
    public void ComplexPathAgreesWithTheRealPathForRealLambda()
    {
        var branch = Networks.Cycles12.Value;
        var point = branch.Points[^1];
        var spectrum = ConnectivitySpectrum.Compute(Networks.Ring(6));
        var real = new TransverseStability(Model, spectrum);
        var complex = new TransverseStability(Model, spectrum, new TransverseOptions { RealTolerance = 0 });
        int k = NextGenNeuralMassHomogeneous.IextE;
        foreach (double l in new[] { -0.3, 0.4 })
        {
            var a = real.CycleMultipliers(point, k, l);
            var b = complex.CycleMultipliers(point, k, new Complex(l, 1e-300)); // takes the complex (realified) route
            Assert.True(Networks.MatchDistance(a, b, out string worst) < 1e-9, worst);
            var ea = real.EquilibriumEigenvalues(EquilibriumAt("UZ1").State, EquilibriumAt("UZ1").Parameters, l);
            var eb = complex.EquilibriumEigenvalues(EquilibriumAt("UZ1").State, EquilibriumAt("UZ1").Parameters, new Complex(l, 1e-300));
            Assert.True(Networks.MatchDistance(ea, eb, out worst) < 1e-12, worst);
        }
    }

    [Theory]
    [InlineData("random", 5, false)]
    [InlineData("directed", 4, false)]
    [InlineData("random", 6, true)]
    [InlineData("directed", 5, true)]
    public void NetworkMonodromyMultipliersAreTheUnionOfTransverseMultipliers(string kind, int n, bool far)
    {
        var w = kind == "random" ? Networks.RandomSymmetric(n, seed: 11) : Networks.DirectedRing(n);
        var spectrum = ConnectivitySpectrum.Compute(w);
        var analysis = new TransverseStability(Model, spectrum);
        var point = far ? Networks.Cycles12Far.Value.Find("UZ1")! : Networks.Cycles12.Value.Points[^1];
        double period = point.Period!.Value;
        int k = NextGenNeuralMassHomogeneous.IextE;
        var union = spectrum.Eigenvalues.SelectMany(l => analysis.CycleMultipliers(point, k, l)).ToList();

        var network = new NextGenNeuralMassNetwork(w);
        int dim = network.Dimension;
        var variational = new Networks.Variational(network);
        var y = new double[dim + dim * dim];
        network.Homogeneous(point.State).CopyTo(y, 0);
        for (int i = 0; i < dim; i++) y[dim + i * dim + i] = 1;
        var result = new DormandPrince(variational, new DormandPrinceOptions { RelativeTolerance = 1e-12, AbsoluteTolerance = 1e-13 })
            .Integrate(point.Parameters, y, 0, period);
        Assert.True(result.IsSuccess);
        var full = Networks.Eigenvalues(y[dim..], dim);
        double d = Networks.MatchDistance(full, union, out string worst);
        output.WriteLine($"{kind} N = {n}, T = {period:G6}: {full.Length} multipliers, largest |μ| {full.Max(z => z.Magnitude):G4}, max relative mismatch {d:G3} ({worst})");
        output.WriteLine($"Iext_e = {point.Parameters[k]:G6}; |μ|: " + string.Join(" ", full.Select(z => z.Magnitude).OrderDescending().Take(8).Select(v => v.ToString("G4"))));
        Assert.True(d < 1e-6, worst);
        // The cycle itself returns (the collocation orbit is accurate).
        for (int s = 0; s < 6; s++) Assert.Equal(point.State[s], y[s], 1e-5);
    }

    [Fact]
    public void BranchAnalysisUsesEveryPointAndBothKinds()
    {
        var spectrum = ConnectivitySpectrum.Compute(Networks.RandomSymmetric(8, 5));
        var analysis = new TransverseStability(Model, spectrum, new TransverseOptions { MaxDegreeOfParallelism = 2 });
        var eq = Networks.Equilibria12.Value;
        var te = analysis.Analyze(eq);
        Assert.Equal(eq.Points.Count, te.Points.Count);
        Assert.Equal(eq.Points.Select(p => p.Index), te.Points.Select(p => p.Index));
        var one = analysis.AnalyzeEquilibrium(eq.Points[17]);
        Assert.Equal(one.MaxGrowth, te.Points[17].MaxGrowth);
        Assert.NotNull(te.Find("HB1"));

        var lc = Networks.Cycles12.Value;
        var tc = analysis.Analyze(lc);
        Assert.Equal(lc.Points.Count, tc.Points.Count);
        var single = new TransverseStability(Model, spectrum, new TransverseOptions { MaxDegreeOfParallelism = 1 });
        var p5 = single.AnalyzeCycle(lc.Points[5], NextGenNeuralMassHomogeneous.IextE);
        for (int a = 0; a < spectrum.Size; a++)
            Assert.Equal(p5.Modes[a].Growth.Real, tc.Points[5].Modes[a].Growth.Real, 1e-12);
        Assert.All(tc.Points.Skip(1), p => Assert.Equal(HomogeneousStateKind.Cycle, p.StateKind));
        Assert.All(tc.Points.Skip(1), p => Assert.Equal(0, p.FailedModes));
    }

    [Fact]
    public void OnAPeriodDoublingCurveTheHomogeneousModeIsNeutral()
    {
        // Every cycle on a PD curve has a multiplier −1: the homogeneous mode's dominant exponent is
        // 0 + iπ/T where the other multipliers lie inside the unit circle.
        var hb = Networks.Equilibria12.Value.SpecialPoints.First(s => s.Kind == PointKind.HB);
        var collocation = CycleMesh.Uniform(60, 5);
        var lc = PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc", System = Model, Parameters = hb.Parameters, Parameter = "Iext_e",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.05, DsMax = 0.3, MaxSteps = 200 },
            Discretisation = collocation, Bounds = [new NamedBound("Iext_e", -5, 9.3)],
        });
        var pd = lc.SpecialPoints.First(s => s.Kind == PointKind.PD);
        var curve = Continuation.Codim2.CurveContinuation.Run(new Continuation.Codim2.CurveRun
        {
            Name = "pd", System = Model, Kind = BranchKind.PdCurve, Parameters = pd.Parameters, First = "Iext_e", Second = "eps",
            Start = new Continuation.Codim2.CurveStart.Cycle(pd.Cycle!, pd.Unknowns, pd.Tangent), Discretisation = collocation,
            Options = new ContinuationOptions { Ds = 0.02, DsMax = 0.1, MaxSteps = 6 }, Direction = Direction.Forward,
        });
        Assert.True(curve.Points.Count >= 5);
        var analysis = new TransverseStability(Model, ConnectivitySpectrum.Compute(Networks.RandomSymmetric(6, seed: 2)));
        var tr = analysis.Analyze(curve);
        Assert.Equal(curve.Points.Count, tr.Points.Count);
        foreach (var p in tr.Points)
        {
            Assert.Equal(HomogeneousStateKind.Cycle, p.StateKind);
            Assert.Equal(0, p.Homogeneous.Growth.Real, 1e-6);
            Assert.Equal(Math.PI / p.Period!.Value, Math.Abs(p.Homogeneous.Growth.Imaginary), 1e-6);
            Assert.Equal(0, p.FailedModes);
        }
        Assert.Contains(tr.Points, p => Math.Abs(p.Parameters[NextGenNeuralMassHomogeneous.Eps] - 12) > 1e-3); // ε varies along the curve
    }

    [Fact]
    public void FrozenPeriodPointsGiveTheSameMultipliers()
    {
        // On a homoclinic (frozen-period) branch the period's slot of the unknowns holds the second parameter.
        var point = Networks.Cycles12.Value.Points[^1];
        var unknowns = (double[])point.Unknowns.Clone();
        unknowns[6 * point.Cycle!.Nodes] = point.Parameters[NextGenNeuralMassHomogeneous.Eps];
        var frozen = point with { Unknowns = unknowns };
        var analysis = new TransverseStability(Model, ConnectivitySpectrum.Compute(Networks.Ring(6)));
        foreach (double l in new[] { 1.0, -0.2 })
        {
            var a = analysis.CycleMultipliers(point, NextGenNeuralMassHomogeneous.IextE, l);
            var b = analysis.CycleMultipliers(frozen, NextGenNeuralMassHomogeneous.IextE, l, secondParameter: NextGenNeuralMassHomogeneous.Eps);
            Assert.True(Networks.MatchDistance(a, b, out string worst) < 1e-12, worst);
        }
    }

    [Fact]
    public void FailurePaths()
    {
        var spectrum = ConnectivitySpectrum.Compute(Networks.Ring(6));
        var e = Assert.Throws<ArgumentException>(() => new TransverseStability(new NextGenNeuralMassNode(), spectrum));
        Assert.Contains("declares no network coupling", e.Message);
        var analysis = new TransverseStability(Model, spectrum);
        Assert.Throws<ArgumentException>(() => analysis.AnalyzeCycle(EquilibriumAt("UZ1"), 0));
        Assert.Throws<ArgumentException>(() => new TransverseStability(Model, spectrum, new TransverseOptions { MaxDegreeOfParallelism = 0 }));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => analysis.Analyze(Networks.Equilibria12.Value, cancellation: cts.Token));
    }
}
