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
    object? Solution = null);
