namespace Continuation.Integration;

/// <summary>How a time integration ended.</summary>
public enum IntegrationStatus
{
    /// <summary>The final time was reached.</summary>
    Success,

    /// <summary>The step budget (<see cref="DormandPrinceOptions.MaxSteps"/>) ran out first.</summary>
    MaxStepsExceeded,

    /// <summary>The step size became negligible relative to the time (stiffness or blow-up).</summary>
    StepSizeUnderflow,

    /// <summary>The state or the right-hand side became NaN or infinite and could not be avoided by shrinking the step.</summary>
    NonFinite,
}
