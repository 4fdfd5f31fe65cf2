namespace Continuation.Pathfollowing;

/// <summary>A point of a continuation path: the unknowns, the unit tangent and what was found there.</summary>
public sealed record PathPoint(
    double[] X,
    double[] Tangent,
    PointKind Kind,
    PointAnalysis Analysis,
    int NewtonIterations,
    SpecialPointDetails? Details = null,
    string? Note = null,
    StopReason? StopReason = null,
    object? Solution = null)
{
    /// <summary>
    /// What the run's caller computed of the point's solution (<see cref="Runs.RunSettings.Measure"/>) when the
    /// point was compacted: <see cref="X"/> then holds only what a branch point needs without its orbit.
    /// </summary>
    public double[]? Measures { get; init; }
}

/// <summary>A crossing the driver did not report because what it rests on could not be trusted there.</summary>
/// <param name="Parameter">The continued parameter where it was found.</param>
public sealed record SuppressedPoint(PointKind Kind, double Parameter, string Reason);
