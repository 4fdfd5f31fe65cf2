namespace Continuation.Integration;

/// <summary>
/// Outcome of one call to <see cref="DormandPrince"/>: the exit condition and run statistics.
/// The state itself is updated in place by the integrator.
/// </summary>
/// <param name="Status">Why the integration ended.</param>
/// <param name="FinalTime">Time of the state left in the caller's span (the target time on success,
/// otherwise the time of the last accepted step).</param>
/// <param name="AcceptedSteps">Number of accepted steps.</param>
/// <param name="RejectedSteps">Number of rejected steps (error too large or non-finite trial values).</param>
/// <param name="Evaluations">Number of right-hand-side evaluations.</param>
/// <param name="LastStepSize">Size of the last step attempted, signed in the direction of integration.</param>
public readonly record struct IntegrationResult(
    IntegrationStatus Status,
    double FinalTime,
    int AcceptedSteps,
    int RejectedSteps,
    int Evaluations,
    double LastStepSize)
{
    /// <summary>True when the final time was reached.</summary>
    public bool IsSuccess => Status == IntegrationStatus.Success;
}
