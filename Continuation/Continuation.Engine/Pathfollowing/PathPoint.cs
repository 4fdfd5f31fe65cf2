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

/// <summary>A crossing the driver did not report because what it rests on could not be trusted there.</summary>
/// <param name="Parameter">The continued parameter where it was found.</param>
public sealed record SuppressedPoint(PointKind Kind, double Parameter, string Reason);
