namespace Continuation.Integration;

/// <summary>
/// Options of the <see cref="DormandPrince"/> integrator, validated when set.
/// </summary>
public sealed record DormandPrinceOptions
{
    /// <summary>Relative tolerance of the local error per component (default 1e-8).</summary>
    public double RelativeTolerance
    {
        get;
        init => field = value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(RelativeTolerance), value, "Must be finite and non-negative.");
    } = 1e-8;

    /// <summary>Absolute tolerance of the local error per component (default 1e-10).</summary>
    public double AbsoluteTolerance
    {
        get;
        init => field = value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(AbsoluteTolerance), value, "Must be finite and non-negative.");
    } = 1e-10;

    /// <summary>First trial step size (positive; its sign is taken from the direction of integration).
    /// Null chooses it automatically (Hairer's HINIT).</summary>
    public double? InitialStep
    {
        get;
        init => field = value is null || (value > 0 && double.IsFinite(value.Value))
            ? value
            : throw new ArgumentOutOfRangeException(nameof(InitialStep), value, "Must be positive and finite.");
    }

    /// <summary>Maximum number of attempted (accepted + rejected) steps per call (default 1 000 000).</summary>
    public int MaxSteps
    {
        get;
        init => field = value > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxSteps), value, "Must be positive.");
    } = 1_000_000;

    /// <summary>Largest allowed step size (positive). Null means the whole interval.</summary>
    public double? MaxStep
    {
        get;
        init => field = value is null || (value > 0 && !double.IsNaN(value.Value))
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxStep), value, "Must be positive.");
    }

    /// <summary>The defaults.</summary>
    public static DormandPrinceOptions Default { get; } = new();
}
