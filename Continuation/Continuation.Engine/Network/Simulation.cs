using System.Diagnostics;
using Continuation.Integration;
using Continuation.Systems;

namespace Continuation.Network;

/// <summary>How a simulation integrates: tolerances of the adaptive Dormand–Prince method and its step limits.</summary>
public sealed record SimulationOptions
{
    /// <summary>Relative tolerance (the authors of the brain-network study used 1e-6).</summary>
    public double RelativeTolerance { get; init; } = 1e-6;

    /// <summary>Absolute tolerance.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-6;

    /// <summary>Largest step; null for none.</summary>
    public double? MaxStep { get; init; }

    /// <summary>Most steps (accepted and rejected) before the run gives up.</summary>
    public int MaxSteps { get; init; } = 100_000_000;
}

/// <summary>Receives sample <paramref name="index"/> of a grid at time <paramref name="t"/>; the span is valid only during the call.</summary>
public delegate void SampleHandler(int index, double t, ReadOnlySpan<double> u);

/// <summary>Evenly spaced sample times first + i·step, i = 0 … count − 1, and what receives them.</summary>
public sealed class SampleGrid
{
    /// <summary>A grid of <paramref name="count"/> samples from <paramref name="first"/> every <paramref name="step"/>.</summary>
    public SampleGrid(double first, double step, int count, SampleHandler onSample)
    {
        ArgumentNullException.ThrowIfNull(onSample);
        if (!double.IsFinite(first) || !(step > 0) || !double.IsFinite(step)) throw new ArgumentException("sample times need a finite start and a positive step");
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        (First, Step, Count, OnSample) = (first, step, count, onSample);
    }

    /// <summary>Time of the first sample.</summary>
    public double First { get; }

    /// <summary>Time between samples.</summary>
    public double Step { get; }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>The receiver.</summary>
    public SampleHandler OnSample { get; }

    /// <summary>Time of sample <paramref name="i"/>.</summary>
    public double Time(int i) => First + i * Step;

    /// <summary>Time of the last sample.</summary>
    public double Last => Time(Count - 1);
}

/// <summary>What a simulation did.</summary>
/// <param name="Status">How the integration ended.</param>
/// <param name="FinalTime">Where it ended.</param>
/// <param name="FinalState">The state there.</param>
/// <param name="Steps">Accepted steps.</param>
/// <param name="Rejected">Rejected steps.</param>
/// <param name="Evaluations">Right-hand side evaluations.</param>
/// <param name="WallMilliseconds">Wall-clock time.</param>
public sealed record SimulationResult(IntegrationStatus Status, double FinalTime, double[] FinalState, int Steps, int Rejected, int Evaluations, double WallMilliseconds)
{
    /// <summary>True when the integration reached its end time.</summary>
    public bool Succeeded => Status == IntegrationStatus.Success;
}

/// <summary>
/// Time integration of a system (a network, or any <see cref="OdeSystem"/>) with samples on
/// evenly spaced grids, taken from the integrator's continuous solution (no step is shortened to
/// land on a sample), so the cost does not depend on how densely it is sampled.
/// </summary>
public static class Simulation
{
    /// <summary>
    /// Integrates <paramref name="system"/> from <paramref name="initial"/> at time
    /// <paramref name="t0"/> to <paramref name="t1"/>, handing every sample of every grid to its
    /// receiver in time order (grids must lie within [t0, t1]). <paramref name="progress"/> gets the
    /// time reached, about a hundred times per run.
    /// </summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellation"/> is signalled.</exception>
    public static SimulationResult Run(OdeSystem system, ReadOnlySpan<double> parameters, ReadOnlySpan<double> initial, double t0, double t1,
        IReadOnlyList<SampleGrid> grids, SimulationOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(grids);
        options ??= new SimulationOptions();
        if (!(t1 > t0)) throw new ArgumentException($"the end time {t1} must be after the start {t0}");
        foreach (var g in grids)
            if (g.Count > 0 && (g.First < t0 || g.Last > t1 * (1 + 1e-12) + 1e-12))
                throw new ArgumentException($"samples from {g.First} to {g.Last} lie outside [{t0}, {t1}]");
        var clock = Stopwatch.StartNew();
        var integrator = new DormandPrince(system, new DormandPrinceOptions
        {
            RelativeTolerance = options.RelativeTolerance, AbsoluteTolerance = options.AbsoluteTolerance,
            MaxStep = options.MaxStep, MaxSteps = options.MaxSteps,
        });
        var state = initial.ToArray();
        var next = new int[grids.Count];
        var buffer = new double[system.Dimension];
        // Samples at the start time are the initial state.
        for (int g = 0; g < grids.Count; g++)
            while (next[g] < grids[g].Count && grids[g].Time(next[g]) <= t0)
            {
                grids[g].OnSample(next[g], grids[g].Time(next[g]), state);
                next[g]++;
            }
        double reportEvery = (t1 - t0) / 100, nextReport = t0 + reportEvery;
        var result = integrator.Integrate(parameters, state, t0, t1, step =>
        {
            if (cancellation.IsCancellationRequested) cancellation.ThrowIfCancellationRequested();
            bool last = step.End >= t1;
            for (int g = 0; g < grids.Count; g++)
            {
                var grid = grids[g];
                while (next[g] < grid.Count)
                {
                    double t = grid.Time(next[g]);
                    if (t > step.End && !last) break;
                    step.Interpolate(Math.Min(t, step.End), buffer);
                    grid.OnSample(next[g], t, buffer);
                    next[g]++;
                }
            }
            if (progress is not null && step.End >= nextReport)
            {
                progress.Report(step.End);
                nextReport = step.End + reportEvery;
            }
        });
        return new SimulationResult(result.Status, result.FinalTime, state, result.AcceptedSteps, result.RejectedSteps, result.Evaluations, clock.Elapsed.TotalMilliseconds);
    }
}
