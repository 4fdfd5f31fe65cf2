using Continuation.Network;
using Continuation.Pathfollowing;
using Continuation.Results;
using Continuation.Transverse;
using Models;
using Tests.Transverse;
using Xunit.Abstractions;

namespace Tests.Network;

/// <summary>
/// Prediction meets simulation: a perturbation of amplitude 1e-8 along a network mode of a homogeneous
/// state, simulated in the whole 540-D network on the paper's matrix, grows or decays at the rate the
/// transverse analysis of the 6-D homogeneous system predicts.
/// </summary>
public class ModePredictionTests(ITestOutputHelper output)
{
    static readonly NextGenNeuralMassHomogeneous Model = new();
    static readonly Lazy<(NetworkSystem Network, TransverseStability Analysis, NetworkModes Modes)> Setup = new(() =>
    {
        var w = NetworkSystemTests.Paper.Value;
        var spectrum = ConnectivitySpectrum.Compute(w);
        return (new NetworkSystem(Model, w), new TransverseStability(Model, spectrum), new NetworkModes(spectrum));
    });

    static readonly Lazy<Branch> Equilibria = new(() => Continuation.Equilibria.EquilibriumContinuation.Run(new Continuation.Equilibria.EquilibriumRun
    {
        Name = "fp", System = Model, Parameters = Networks.Equilibria12.Value.Points[0].Parameters, Parameter = "Iext_e",
        State = Networks.Equilibria12.Value.Points[0].State,
        Options = new Continuation.Pathfollowing.ContinuationOptions { Ds = 0.05, DsMin = 1e-5, DsMax = 0.5, MaxSteps = 3000 },
        Bounds = [new Continuation.Pathfollowing.NamedBound("Iext_e", -5, 30)],
        Values = [2, 20, 29],
    }));

    (double Predicted, double Fitted) Measure(BranchPoint point, bool cycle, double duration, int? mode = null)
    {
        var (network, analysis, modes) = Setup.Value;
        var tp = cycle ? analysis.AnalyzeCycle(point, NextGenNeuralMassHomogeneous.IextE) : analysis.AnalyzeEquilibrium(point);
        int alpha = mode ?? modes.Nearest(tp.ArgmaxLambda);
        var probe = cycle ? ModeProbe.ForCycle(analysis, modes, alpha, point, NextGenNeuralMassHomogeneous.IextE) : ModeProbe.ForEquilibrium(analysis, modes, alpha, point);
        var u = probe.Perturbed(network, point.State, 1e-8);
        var result = Simulation.Run(network, point.Parameters, u, 0, duration, [probe.Grid(0, duration)], new SimulationOptions { MaxStep = probe.MaxStep });
        Assert.True(result.Succeeded);
        var fit = probe.Fit();
        output.WriteLine($"I = {point.Parameters[0]:F3} {(cycle ? "cycle" : "equilibrium")}, mode {alpha} (Λ = {probe.Lambda.Real:F4}): predicted {probe.PredictedRate:G6}, " +
            $"fitted {fit.Rate:G6} over {fit.Samples} samples [{fit.From:F0}, {fit.To:F0}] ms (scatter {fit.Scatter:G2}); leading {probe.Leading:G6}" +
            (probe.IntegratedLeading is { } m ? $", integrated {m:G6}" : "") + $"; {result.Steps} steps, {result.WallMilliseconds:F0} ms");
        if (cycle) Assert.Equal(probe.Leading.Magnitude, probe.IntegratedLeading!.Value.Magnitude, 1e-5);
        return (probe.PredictedRate, fit.Rate);
    }

    [Theory]
    [InlineData(2.0)]     // stable, modes decay
    [InlineData(20.0)]    // stable
    [InlineData(29.0)]    // homogeneous-stable but transversally unstable (Λ ≈ −0.26 grows)
    public void EquilibriumModesGrowAtTheTransverseEigenvalue(double iext)
    {
        var point = Equilibria.Value.Points.First(p => p.Label is not null && p.Kind == PointKind.UZ && Math.Abs(p.Parameters[0] - iext) < 1e-9);
        var (predicted, fitted) = Measure(point, cycle: false, duration: 1500);
        if (iext == 29.0) Assert.True(predicted > 0);
        Assert.True(Math.Abs(fitted - predicted) <= 1e-3 * Math.Abs(predicted), $"fitted {fitted:G6} against predicted {predicted:G6}");
    }

    [Theory]
    [InlineData(20)]   // I ≈ 4.2: stable, transversally stable
    [InlineData(30)]   // I ≈ 6.1: stable, transversally stable
    [InlineData(-1)]   // I = 8.6: stable cycle, transversally unstable
    public void CycleModesGrowAtTheTransverseFloquetExponent(int index)
    {
        var point = index < 0 ? Networks.Cycles12Far.Value.Find("UZ1")! : Networks.Cycles12Far.Value.Points[index];
        var (predicted, fitted) = Measure(point, cycle: true, duration: 1200);
        if (index < 0) Assert.True(predicted > 0);
        Assert.True(Math.Abs(fitted - predicted) <= 1e-3 * Math.Abs(predicted), $"fitted {fitted:G6} against predicted {predicted:G6}");
    }
}
