using Continuation.Codim2;
using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;

namespace Continuation.Runs;

/// <summary>What every continuation run takes besides its start: how far, how fine, where to stop.</summary>
public sealed record RunSettings
{
    /// <summary>The branch's name (labels of later runs refer to it).</summary>
    public required string Name { get; init; }
    /// <summary>Which way along the branch from the start (curves follow both ways unless given).</summary>
    public Direction Direction { get; init; } = Direction.Forward;
    /// <summary>The direction was chosen: a branch switched at a branch point otherwise follows both halves, and curves always do.</summary>
    public bool DirectionGiven { get; init; }
    /// <summary>Step sizes, tolerances and what is detected.</summary>
    public ContinuationOptions Options { get; init; } = new();
    /// <summary>How cycles are discretised besides their size (mesh adaptation, period weight, threads).</summary>
    public CollocationOptions Collocation { get; init; } = new();
    /// <summary>
    /// NTST × NCOL of cycles (<see cref="CycleMesh.Uniform"/>). Null: a run from a cycle keeps the
    /// cycle's, a run from a Hopf point takes <see cref="CycleMesh.Default"/>.
    /// </summary>
    public CycleMesh? Discretisation { get; init; }
    /// <summary>
    /// For a branch of cycles: what the caller needs of a regular point's orbit (its outputs), computed as the point
    /// is followed; the branch then keeps regular points without their orbits (<see cref="BranchPoint.Measures"/>),
    /// so that memory does not grow with the branch. Null: every point keeps its orbit (e.g. for a later analysis of
    /// every point). Labelled points, and the last two of each half, always keep theirs.
    /// </summary>
    public Func<BranchPoint, double[]>? Measure { get; init; }
    /// <summary>Bounds on the continued parameters (and, for cycles, on "period"), by name.</summary>
    public IReadOnlyList<NamedBound> Bounds { get; init; } = [];
    /// <summary>Values of the continued parameters where points are reported (UZ), by name.</summary>
    public IReadOnlyList<NamedValue> Values { get; init; } = [];
}

/// <summary>How a branch was asked for: its kind, where it started (a labelled point of another branch, or a state) and its settings.</summary>
/// <param name="From">The branch and label it started from ("fp.HB1"); null when it started from a state.</param>
public sealed record BranchOrigin(BranchKind Kind, string? From, IReadOnlyList<string> Parameters, RunSettings Settings);

/// <summary>A start point that cannot start the requested branch: no point with that label, or one of the wrong kind.</summary>
public sealed class StartPointException(string message) : ArgumentException(message);

/// <summary>
/// Continuation in a few calls: equilibria from a state, and every other branch from a labelled
/// point of a finished one — cycles from a Hopf point (HB) or any cycle, the doubled cycle from a
/// period doubling (PD), the other branch through a branch point (BP, BPC), fold and Hopf curves
/// from LP and HB points, curves of cycle bifurcations from LPC, PD and NS points, the homoclinic
/// approximation from a cycle of large period.
/// </summary>
/// <example>
/// <code>
/// var fp = Continue.Equilibria(model, p, "Iext_e", state, new RunSettings { Name = "fp", Bounds = [new("Iext_e", -5, 20)] });
/// var lc = Continue.From(fp, "HB1", BranchKind.Periodic, "Iext_e", new RunSettings { Name = "lc" });
/// var hopf = Continue.From(fp, "HB1", BranchKind.HopfCurve, "Iext_e", new RunSettings { Name = "hopf" }, second: "eps");
/// </code>
/// </example>
public static class Continue
{
    /// <summary>Equilibria in <paramref name="parameter"/> from <paramref name="state"/> (polished by Newton; first integrated for <paramref name="settleTime"/> when given).</summary>
    public static Branch Equilibria(OdeSystem system, double[] parameters, string parameter, double[] state, RunSettings settings,
        double? settleTime = null, IProgress<BranchProgress>? progress = null, CancellationToken cancellation = default)
    {
        var branch = EquilibriumContinuation.Run(EquilibriumRunFor(system, parameters, parameter, state, settings) with { SettleTime = settleTime }, progress, cancellation);
        branch.Origin = new BranchOrigin(BranchKind.Equilibrium, null, [parameter], settings);
        return branch;
    }

    /// <summary>
    /// Why a branch of <paramref name="kind"/> cannot start at a <paramref name="point"/> point of a
    /// branch of kind <paramref name="source"/>, as "an LP point of an equilibrium branch" (what it
    /// starts at); null when it can. Known before anything is computed.
    /// </summary>
    public static string? CannotStart(BranchKind kind, BranchKind source, PointKind point) => kind switch
    {
        BranchKind.FoldCurve or BranchKind.HopfCurve when !(source == BranchKind.Equilibrium && point == kind.Locus()) && !(source == kind && point == PointKind.BP)
            => $"{Article(kind.Locus()!.Value)} {kind.Locus()} point of an equilibrium branch (or a BP point of a {kind.Name()}, to switch to the other curve)",
        BranchKind.LpcCurve or BranchKind.PdCurve or BranchKind.NsCurve when !(source == BranchKind.Periodic && point == kind.Locus())
            => $"{Article(kind.Locus()!.Value)} {kind.Locus()} point of a periodic branch",
        BranchKind.Homoclinic when source != BranchKind.Periodic
            => "a point of a periodic branch (for instance the end of a run with stop: { period: 300 })",
        BranchKind.Periodic when !(source == BranchKind.Equilibrium && point == PointKind.HB) && !source.CarriesCycles()
            => "an HB point of an equilibrium branch or a point of a branch of cycles (a periodic branch, an lpc-, pd- or ns-curve, a homoclinic branch)",
        BranchKind.Equilibrium when source is not (BranchKind.Equilibrium or BranchKind.FoldCurve or BranchKind.HopfCurve)
            => "a point of an equilibrium branch or of a fold- or hopf-curve",
        _ => null,
    };

    /// <summary>"an" before a point kind read letter by letter from L, H, N, E, R, M (an LP, an HB), else "a" (a PD).</summary>
    public static string Article(PointKind kind) => kind.ToString()[0] is 'L' or 'H' or 'N' or 'E' or 'R' or 'M' ? "an" : "a";

    /// <summary>
    /// A branch of <paramref name="kind"/> in <paramref name="parameter"/> (and <paramref name="second"/>
    /// for curves) from the point labelled <paramref name="label"/> of <paramref name="source"/>, at
    /// that point's parameters changed by <paramref name="parameterValues"/>.
    /// </summary>
    /// <exception cref="StartPointException">No point <paramref name="label"/>, or one this kind cannot start from (<see cref="CannotStart"/>).</exception>
    public static Branch From(Branch source, string label, BranchKind kind, string parameter, RunSettings settings, string? second = null,
        IReadOnlyDictionary<string, double>? parameterValues = null, IProgress<BranchProgress>? progress = null, CancellationToken cancellation = default)
    {
        var branch = Start(source, label, kind, parameter, settings, second, parameterValues, progress, cancellation);
        branch.Origin = new BranchOrigin(kind, $"{source.Name}.{label}", second is null ? [parameter] : [parameter, second], settings);
        return branch;
    }

    static Branch Start(Branch source, string label, BranchKind kind, string parameter, RunSettings settings, string? second,
        IReadOnlyDictionary<string, double>? parameterValues, IProgress<BranchProgress>? progress, CancellationToken cancellation)
    {
        var point = source.Find(label) ?? throw new StartPointException(
            $"branch '{source.Name}' has no point '{label}' (its labelled points: {LabelList(source)})");
        if (CannotStart(kind, source.Kind, point.Kind) is { } expected)
            throw new StartPointException($"a {kind.Name()} starts at {expected}; {source.Name}.{label} is {Article(point.Kind)} {point.Kind} point of the {source.Kind.Name()} branch '{source.Name}'");
        if (kind.ContinuedParameters() == 2 && second is null)
            throw new ArgumentException($"a {kind.Name()} is continued in two parameters: give the second", nameof(second));
        var system = source.System;
        var parameters = (double[])point.Parameters.Clone();
        if (parameterValues is not null)
            foreach (var (name, value) in parameterValues)
                parameters[system.ParameterIndex(name) is int i and >= 0 ? i : throw new ArgumentException($"model {system.Name} has no parameter '{name}'")] = value;
        var values = settings.Values;

        switch (kind)
        {
            case BranchKind.FoldCurve or BranchKind.HopfCurve:
            {
                // From a branch point of a curve of the same kind in the same parameters: the other curve through it.
                bool curveSwitch = point.Kind == PointKind.BP && source.Kind == kind && source.ContinuedParameters.SequenceEqual([parameter, second!]);
                if (point.Kind == PointKind.BP && !curveSwitch)
                    throw new StartPointException($"{source.Name}.{label} is a branch point of the {kind.Name()} in {string.Join(", ", source.ContinuedParameters)}: switch in the same parameters");
                return CurveContinuation.Run(new CurveRun
                {
                    Name = settings.Name, System = system, Kind = kind, Parameters = parameters, First = parameter, Second = second!,
                    Start = curveSwitch ? new CurveStart.CurveBranchPoint(point.Unknowns, point.Tangent)
                        : kind == BranchKind.FoldCurve ? new CurveStart.Fold(point.State) : new CurveStart.Hopf(point.State, point.Details?.Omega ?? 0),
                    Direction = settings.Direction, Options = settings.Options, Bounds = settings.Bounds, Values = values,
                }, progress, cancellation);
            }
            case BranchKind.LpcCurve or BranchKind.PdCurve or BranchKind.NsCurve:
                return CurveContinuation.Run(new CurveRun
                {
                    Name = settings.Name, System = system, Kind = kind, Parameters = parameters, First = parameter, Second = second!,
                    Start = new CurveStart.Cycle(point.Cycle!, point.Unknowns, point.Tangent),
                    Collocation = settings.Collocation, Discretisation = settings.Discretisation,
                    Direction = settings.Direction, Options = settings.Options, Bounds = settings.Bounds, Values = values,
                }, progress, cancellation);
            case BranchKind.Homoclinic:
                return PeriodicOrbitContinuation.Run(new PeriodicRun
                {
                    Name = settings.Name, System = system, Parameters = parameters, Parameter = parameter, SecondParameter = second,
                    Start = new CycleStart.Cycle(point.Cycle!, point.Unknowns),
                    Direction = settings.Direction, Options = settings.Options, Collocation = settings.Collocation, Discretisation = settings.Discretisation,
                    Bounds = settings.Bounds, Values = values.Where(v => v.Name == parameter).Select(v => v.Value).ToList(),
                    SecondValues = values.Where(v => v.Name == second).Select(v => v.Value).ToList(),
                }, progress, cancellation);
            case BranchKind.Periodic:
            {
                bool sameParameter = source.ContinuedParameters[0] == parameter;
                CycleStart start = (source.Kind, point.Kind) switch
                {
                    (BranchKind.Equilibrium, PointKind.HB) => new CycleStart.Hopf(point.State, point.Details!.Omega!.Value),
                    (BranchKind.Periodic, PointKind.PD) => new CycleStart.PeriodDoubling(point.Cycle!, point.Unknowns),
                    (BranchKind.Periodic, PointKind.BPC) when sameParameter => new CycleStart.BranchPoint(point.Cycle!, point.Unknowns, point.Tangent),
                    // A frozen-period branch keeps its second parameter in the period's place: put the period back.
                    (BranchKind.Homoclinic, _) => new CycleStart.Cycle(point.Cycle!, WithPeriod(point)),
                    _ => new CycleStart.Cycle(point.Cycle!, point.Unknowns),
                };
                return PeriodicOrbitContinuation.Run(new PeriodicRun
                {
                    Name = settings.Name, System = system, Parameters = parameters, Parameter = parameter, Start = start,
                    Direction = start is CycleStart.BranchPoint && !settings.DirectionGiven ? Direction.Both : settings.Direction,
                    Options = settings.Options, Collocation = settings.Collocation, Discretisation = settings.Discretisation,
                    Bounds = settings.Bounds, Values = values.Select(v => v.Value).ToList(), Measure = settings.Measure,
                }, progress, cancellation);
            }
            default:
            {
                // From a branch point in the parameter of the branch it was found on: the other branch.
                bool branchSwitch = point.Kind == PointKind.BP && source.ContinuedParameters[0] == parameter;
                var run = EquilibriumRunFor(system, parameters, parameter, (double[])point.State.Clone(), settings);
                return EquilibriumContinuation.Run(run with
                {
                    BranchTangent = branchSwitch ? point.Tangent : null,
                    Direction = branchSwitch && !settings.DirectionGiven ? Direction.Both : settings.Direction,
                }, progress, cancellation);
            }
        }
    }

    static EquilibriumRun EquilibriumRunFor(OdeSystem system, double[] parameters, string parameter, double[] state, RunSettings settings)
    {
        return new EquilibriumRun
        {
            Name = settings.Name, System = system, Parameters = parameters, Parameter = parameter, State = state,
            Direction = settings.Direction, Options = settings.Options,
            Bounds = settings.Bounds, Values = settings.Values.Where(v => v.Name == parameter).Select(v => v.Value).ToList(),
        };
    }

    static double[] WithPeriod(BranchPoint point)
    {
        var x = (double[])point.Unknowns.Clone();
        x[^2] = point.Period ?? x[^2];
        return x;
    }

    static string LabelList(Branch b)
    {
        var labels = b.SpecialPoints.Select(p => p.Label!).ToList();
        return labels.Count == 0 ? "none" : string.Join(", ", labels);
    }
}
