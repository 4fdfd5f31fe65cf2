using Continuation.Pathfollowing;
using Continuation.Systems;

namespace Continuation.Results;

/// <summary>What kind of solutions a branch holds.</summary>
public enum BranchKind
{
    /// <summary>Equilibria in one parameter.</summary>
    Equilibrium,
    /// <summary>Periodic orbits (limit cycles) in one parameter.</summary>
    Periodic,
    /// <summary>Fold (saddle-node) curve of equilibria in two parameters.</summary>
    FoldCurve,
    /// <summary>Hopf curve of equilibria in two parameters.</summary>
    HopfCurve,
    /// <summary>Cycles of a frozen large period in two parameters: the approximation of a homoclinic curve.</summary>
    Homoclinic,
    /// <summary>Fold of cycles (LPC) in two parameters.</summary>
    LpcCurve,
    /// <summary>Period doubling (PD) in two parameters.</summary>
    PdCurve,
    /// <summary>Neimark–Sacker (torus, NS) in two parameters.</summary>
    NsCurve,
}


/// <summary>Which way to go from the start point.</summary>
public enum Direction
{
    /// <summary>The continued parameter increases at the start.</summary>
    Forward,
    /// <summary>The continued parameter decreases at the start.</summary>
    Backward,
    /// <summary>Both half-branches, joined into one in order along the curve.</summary>
    Both,
}

/// <summary>One point of a finished branch.</summary>
/// <param name="Index">Position in the branch (0-based).</param>
/// <param name="Kind">Regular, or the kind of special point.</param>
/// <param name="Label">For special points: kind + ordinal within the branch (HB1, LP2, EP1 …).</param>
/// <param name="State">The state (for cycles: at t = 0).</param>
/// <param name="Parameters">Every model parameter, in model order.</param>
/// <param name="Period">Cycle period, or 2π/ω at a Hopf point; null otherwise.</param>
public sealed record BranchPoint(
    int Index,
    PointKind Kind,
    string? Label,
    double[] State,
    double[] Parameters,
    double? Period,
    PointAnalysis Analysis,
    SpecialPointDetails? Details,
    string? Note,
    double[] Unknowns,
    double[] Tangent,
    PeriodicOrbits.CycleMesh? Cycle = null)
{
    /// <summary>For cycles: the node values of the profile (n per node) on <see cref="Cycle"/>'s mesh.</summary>
    public ReadOnlySpan<double> Profile => Cycle is null ? default : Unknowns.AsSpan(0, Cycle.Nodes * State.Length);

    /// <summary>
    /// For a regular point of a branch of cycles followed with <see cref="Runs.RunSettings.Measure"/>: what that
    /// function computed of the orbit while it was known (the orbit itself is not kept: <see cref="Unknowns"/> empty).
    /// </summary>
    public double[]? Measures { get; init; }

    /// <summary>True for a labelled point (any kind but <see cref="PointKind.Regular"/>).</summary>
    public bool IsSpecial => Kind != PointKind.Regular;
}

/// <summary>How one half-branch ended.</summary>
public sealed record BranchEnd(StopReason Reason, string Note);

/// <summary>
/// A finished branch: its points and special points, why it ended, run statistics and
/// the problem it solved (system, continued parameters).
/// </summary>
public sealed class Branch
{
    /// <summary>Name of the branch (e.g. "fp", "lc"), as given by the run.</summary>
    public required string Name { get; init; }
    /// <summary>What kind of solutions the branch holds.</summary>
    public required BranchKind Kind { get; init; }
    /// <summary>The system whose solutions the branch holds.</summary>
    public required OdeSystem System { get; init; }
    /// <summary>Names of the parameters that vary along the branch.</summary>
    public required IReadOnlyList<string> ContinuedParameters { get; init; }
    /// <summary>The points in order along the branch, special points included.</summary>
    public required IReadOnlyList<BranchPoint> Points { get; init; }
    /// <summary>One end per direction followed.</summary>
    public required IReadOnlyList<BranchEnd> Ends { get; init; }
    /// <summary>Total Newton iterations, including those spent locating special points.</summary>
    public int NewtonIterations { get; init; }
    /// <summary>Factorisations of the (bordered) Jacobian, the dominant cost for large discretisations.</summary>
    public int Factorizations { get; init; }
    /// <summary>Wall-clock time of the run, in milliseconds.</summary>
    public double WallMilliseconds { get; init; }
    /// <summary>What a reader must know besides the points: stability unknown somewhere, crossings not reported, and why.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>How the branch was started when that is worth saying (e.g. "branch switched at the branch point (branching equation)").</summary>
    public string? StartNote { get; init; }
    /// <summary>Steps halved to isolate special points (turns, double crossings, unexplained changes of stability).</summary>
    public int Refinements { get; init; }

    /// <summary>How the branch was asked for, when it was made through <see cref="Runs.Continue"/>: its start and settings.</summary>
    public Runs.BranchOrigin? Origin { get; internal set; }

    /// <summary>The labelled points (<see cref="BranchPoint.IsSpecial"/>), in order along the branch.</summary>
    public IEnumerable<BranchPoint> SpecialPoints => Points.Where(p => p.IsSpecial);

    /// <summary>True if a half-branch ended because Newton failed, a value was not finite or the start failed.</summary>
    public bool Failed => Ends.Any(e => e.Reason is StopReason.NoConvergence or StopReason.NonFinite or StopReason.StartFailed);

    /// <summary>True if the run was cancelled while this branch was computed.</summary>
    public bool Cancelled => Ends.Any(e => e.Reason == StopReason.Cancelled);

    /// <summary>The special point with this label (e.g. "HB1"), or null.</summary>
    public BranchPoint? Find(string label) => Points.FirstOrDefault(p => p.Label == label);

    /// <summary>
    /// This branch with the cycle profiles (unknowns, tangent, mesh) of its regular points dropped
    /// (state at t = 0, parameters, period and multipliers kept): what a branch keeps once it is
    /// written and no later analysis needs every point's orbit. Labelled points keep theirs (runs
    /// start from them). A branch of equilibria is returned as it is.
    /// </summary>
    public Branch WithoutRegularProfiles()
    {
        if (!Points.Any(p => p.Cycle is not null && !p.IsSpecial)) return this;
        var points = Points.Select(p => p.Cycle is null || p.IsSpecial ? p : p with { Unknowns = [], Tangent = [], Cycle = null }).ToList();
        return new Branch
        {
            Name = Name, Kind = Kind, System = System, ContinuedParameters = ContinuedParameters, Points = points, Ends = Ends,
            NewtonIterations = NewtonIterations, Factorizations = Factorizations, WallMilliseconds = WallMilliseconds, Warnings = Warnings,
            StartNote = StartNote, Refinements = Refinements, Origin = Origin,
        };
    }
}
