namespace Continuation.Pathfollowing;

/// <summary>Step control and Newton settings of pseudo-arclength continuation.</summary>
/// <remarks>Validated at construction through <see cref="Validate"/>; immutable afterwards.</remarks>
public sealed record ContinuationOptions
{
    /// <summary>Initial arclength step (its sign is ignored; the direction is chosen separately).</summary>
    public double Ds { get; init; } = 0.01;
    /// <summary>Smallest step before the branch is declared not convergent.</summary>
    public double DsMin { get; init; } = 1e-5;
    /// <summary>Largest step.</summary>
    public double DsMax { get; init; } = 0.1;
    /// <summary>Maximum number of continuation steps per direction.</summary>
    public int MaxSteps { get; init; } = 2000;
    /// <summary>Newton converges when the weighted update and the residual are below this (relative to 1 + |x|).</summary>
    public double NewtonTolerance { get; init; } = 1e-9;
    /// <summary>Newton iterations before a step is rejected.</summary>
    public int MaxNewtonIterations { get; init; } = 10;
    /// <summary>The step grows after a corrector that needed at most this many iterations.</summary>
    public int EasyIterations { get; init; } = 3;
    /// <summary>Growth factor for easy steps (shrink factor is 1/2).</summary>
    public double GrowthFactor { get; init; } = 1.5;
    /// <summary>Weight of the continuation parameter against the state in the arclength norm.</summary>
    public double ParameterWeight { get; init; } = 1.0;
    /// <summary>Special points are located until the arclength bracket is below this (relative to 1 + |x|).</summary>
    public double LocationTolerance { get; init; } = 1e-10;
    /// <summary>
    /// A located special point whose defining condition (<see cref="IContinuationProblem.DefiningResidual"/>)
    /// exceeds this is reported as not located, with the bracket it lies in.
    /// </summary>
    public double VerificationTolerance { get; init; } = 1e-6;
    /// <summary>
    /// Largest angle (degrees) between the tangents at the ends of an accepted step; a step that
    /// turns more is halved (down to ds_min), so that a sharp fold is not stepped over and the
    /// points between the ends stay a graph over the chord on which special points are located.
    /// </summary>
    public double MaxTurnDegrees { get; init; } = 30;
    /// <summary>
    /// Chord Newton: keep the last factorised Jacobian while the iterations contract fast, and
    /// refactor only when they do not. A step's corrector factors at its predicted point and keeps
    /// that factorisation (two iterations on a smooth branch); the corrections that locate a special
    /// point start from the factorisation of the point before. Off: a fresh Jacobian every iteration.
    /// </summary>
    public bool ReuseJacobian { get; init; } = true;
    /// <summary>Detect folds (LP, or LPC on cycles).</summary>
    public bool DetectFolds { get; init; } = true;
    /// <summary>Detect branch points (BP / BPC).</summary>
    public bool DetectBranchPoints { get; init; } = true;
    /// <summary>Evaluate the problem's own test functions (HB, PD, NS …).</summary>
    public bool DetectBifurcations { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public ContinuationOptions Validate()
    {
        if (!(Ds > 0) || !double.IsFinite(Ds)) throw new ArgumentException($"ds must be a positive number, got {Ds}.");
        if (!(DsMin > 0)) throw new ArgumentException($"ds_min must be positive, got {DsMin}.");
        if (!(DsMax >= DsMin)) throw new ArgumentException($"ds_max ({DsMax}) must be at least ds_min ({DsMin}).");
        if (Ds < DsMin || Ds > DsMax) throw new ArgumentException($"ds ({Ds}) must lie between ds_min ({DsMin}) and ds_max ({DsMax}).");
        if (MaxSteps < 1) throw new ArgumentException($"max_steps must be at least 1, got {MaxSteps}.");
        if (!(NewtonTolerance > 0)) throw new ArgumentException($"newton_tolerance must be positive, got {NewtonTolerance}.");
        if (MaxNewtonIterations < 1) throw new ArgumentException($"max_newton_iterations must be at least 1, got {MaxNewtonIterations}.");
        if (!(ParameterWeight > 0)) throw new ArgumentException($"parameter_weight must be positive, got {ParameterWeight}.");
        if (!(VerificationTolerance > 0)) throw new ArgumentException($"verification tolerance must be positive, got {VerificationTolerance}.");
        if (!(MaxTurnDegrees > 0 && MaxTurnDegrees <= 180)) throw new ArgumentException($"max_turn must be in (0, 180] degrees, got {MaxTurnDegrees}.");
        if (!(GrowthFactor >= 1)) throw new ArgumentException($"growth factor must be at least 1, got {GrowthFactor}.");
        return this;
    }
}

/// <summary>A bound on one unknown; crossing it ends the branch with an EP located on the bound.</summary>
public sealed record ComponentBound(int Component, string Name, double Min, double Max);

/// <summary>A user value: a UZ point is located wherever unknown <paramref name="Component"/> equals <paramref name="Value"/>.</summary>
public sealed record UserValue(int Component, string Name, double Value);

/// <summary>A name and an interval: a parameter's bounds, or "period" — how runs state their bounds (Min = Max: a stop value, reached from either side).</summary>
public sealed record NamedBound(string Name, double Min, double Max);

/// <summary>A user value of a named parameter: a UZ point wherever the parameter takes it.</summary>
public sealed record NamedValue(string Name, double Value);

/// <summary>When a branch stops, besides Newton failure.</summary>
public sealed record StopConditions
{
    /// <summary>Bounds on unknowns; crossing one ends the branch (none by default).</summary>
    public IReadOnlyList<ComponentBound> Bounds { get; init; } = [];
    /// <summary>Values of unknowns at which UZ points are located (none by default).</summary>
    public IReadOnlyList<UserValue> UserValues { get; init; } = [];
    /// <summary>Stop after one lap when the branch returns to its first point.</summary>
    public bool DetectClosedLoop { get; init; } = true;
}

/// <summary>Why a branch ended.</summary>
public enum StopReason
{
    /// <summary>A bound was reached (or the problem ended the branch itself, e.g. a cycle shrinking onto a Hopf point).</summary>
    Bound,
    /// <summary><see cref="ContinuationOptions.MaxSteps"/> steps were taken.</summary>
    MaxSteps,
    /// <summary>The branch returned to its first point.</summary>
    ClosedLoop,
    /// <summary>Newton failed at the smallest step (ds_min), or a numerical routine gave up.</summary>
    NoConvergence,
    /// <summary>The right-hand side was not finite beyond the last point.</summary>
    NonFinite,
    /// <summary>The run was cancelled.</summary>
    Cancelled,
    /// <summary>The branch could not be started: correcting, settling or switching at the start point failed.</summary>
    StartFailed,
}
