using System.Numerics;
using Continuation.Pathfollowing;
using Continuation.Results;

namespace Continuation.Transverse;

/// <summary>Settings of a transverse-stability analysis. Immutable; checked by <see cref="Validate"/>.</summary>
public sealed record TransverseOptions
{
    /// <summary>Default options: all cores.</summary>
    public static TransverseOptions Default { get; } = new();

    /// <summary>Threads working on independent points or modes at once (default: every core).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// A mode whose |Im Λ| is at most this is treated as real (the real fast path, with Re Λ).
    /// The general eigen-decomposition of a W that is similar to a symmetric matrix leaves
    /// imaginary parts of the order of rounding; the default ignores those.
    /// </summary>
    public double RealTolerance { get; init; } = 1e-12;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public TransverseOptions Validate()
    {
        if (MaxDegreeOfParallelism < 1) throw new ArgumentException($"MaxDegreeOfParallelism must be at least 1, got {MaxDegreeOfParallelism}.");
        if (!(RealTolerance >= 0)) throw new ArgumentException($"RealTolerance must be non-negative, got {RealTolerance}.");
        return this;
    }
}

/// <summary>
/// The growth of one network mode at one homogeneous state: the point of its dispersion relation.
/// </summary>
/// <param name="Lambda">The mode's eigenvalue Λ of W.</param>
/// <param name="Growth">
/// The dominant growth rate of a perturbation along the mode. For an equilibrium: the eigenvalue of
/// J_hom + ε(Λ − 1)DH with the largest real part. For a cycle: the Floquet exponent ln|μ|/T + i arg(μ)/T
/// of the multiplier of largest modulus (the trivial multiplier excluded for the homogeneous mode).
/// Among a tie (a complex-conjugate pair) the one with non-negative imaginary part. NaN when the
/// multipliers could not be computed.
/// </param>
public readonly record struct ModeGrowth(Complex Lambda, Complex Growth)
{
    /// <summary>True when perturbations along this mode grow: Re <see cref="Growth"/> &gt; 0.</summary>
    public bool Unstable => Growth.Real > 0;

    /// <summary>False when the growth could not be computed (NaN).</summary>
    public bool Computed => !double.IsNaN(Growth.Real);
}

/// <summary>What kind of homogeneous state a transverse analysis looked at.</summary>
public enum HomogeneousStateKind
{
    /// <summary>An equilibrium: growth rates are eigenvalues.</summary>
    Equilibrium,
    /// <summary>A periodic orbit: growth rates are Floquet exponents (per unit time).</summary>
    Cycle,
}

/// <summary>Transverse stability of one homogeneous state: every mode's growth and the summary over the transverse modes.</summary>
public sealed class TransversePoint
{
    internal TransversePoint(BranchPoint point, HomogeneousStateKind kind, ModeGrowth[] modes, int homogeneousMode, double? trivialError)
    {
        Index = point.Index;
        Kind = point.Kind;
        Label = point.Label;
        Parameters = point.Parameters;
        Period = kind == HomogeneousStateKind.Cycle ? point.Period : null;
        StateKind = kind;
        Modes = modes;
        HomogeneousMode = homogeneousMode;
        TrivialError = trivialError;
        int argmax = -1, unstable = 0, failed = 0;
        for (int a = 0; a < modes.Length; a++)
        {
            if (a == homogeneousMode) continue;
            var g = modes[a];
            if (!g.Computed) { failed++; continue; }
            if (g.Unstable) unstable++;
            if (argmax < 0 || g.Growth.Real > modes[argmax].Growth.Real) argmax = a;
        }
        ArgmaxMode = argmax;
        UnstableModes = unstable;
        FailedModes = failed;
    }

    /// <summary>Index of the analysed point in its branch.</summary>
    public int Index { get; }

    /// <summary>The branch point's kind (regular or special).</summary>
    public PointKind Kind { get; }

    /// <summary>The branch point's label (HB1, PD2 …) or null.</summary>
    public string? Label { get; }

    /// <summary>Every model parameter at the point.</summary>
    public double[] Parameters { get; }

    /// <summary>The cycle's period; null for equilibria.</summary>
    public double? Period { get; }

    /// <summary>Equilibrium or cycle.</summary>
    public HomogeneousStateKind StateKind { get; }

    /// <summary>Growth of every mode, in the order of <see cref="ConnectivitySpectrum.Eigenvalues"/>: the dispersion relation at this point.</summary>
    public IReadOnlyList<ModeGrowth> Modes { get; }

    /// <summary>Index in <see cref="Modes"/> of the homogeneous mode (Λ = 1).</summary>
    public int HomogeneousMode { get; }

    /// <summary>The homogeneous mode's growth: the state's own stability within the homogeneous system.</summary>
    public ModeGrowth Homogeneous => Modes[HomogeneousMode];

    /// <summary>Index of the transverse mode with the largest growth rate, or −1 when none was computed.</summary>
    public int ArgmaxMode { get; }

    /// <summary>The largest real growth rate over the transverse modes (NaN when none was computed).</summary>
    public double MaxGrowth => ArgmaxMode < 0 ? double.NaN : Modes[ArgmaxMode].Growth.Real;

    /// <summary>Λ of the most unstable (least stable) transverse mode (NaN when none was computed).</summary>
    public Complex ArgmaxLambda => ArgmaxMode < 0 ? new Complex(double.NaN, double.NaN) : Modes[ArgmaxMode].Lambda;

    /// <summary>Number of transverse modes with a growing perturbation (Re growth &gt; 0).</summary>
    public int UnstableModes { get; }

    /// <summary>Transverse modes whose multipliers could not be computed (their growth is NaN).</summary>
    public int FailedModes { get; }

    /// <summary>For cycles: distance of the homogeneous mode's trivial multiplier from 1 (a quality figure); null for equilibria.</summary>
    public double? TrivialError { get; }
}

/// <summary>The transverse stability of every point of a branch of homogeneous states.</summary>
public sealed class TransverseBranch
{
    /// <summary>Name of the analysed branch.</summary>
    public required string Branch { get; init; }

    /// <summary>Kind of the analysed branch.</summary>
    public required BranchKind BranchKind { get; init; }

    /// <summary>The branch's continued parameters.</summary>
    public required IReadOnlyList<string> ContinuedParameters { get; init; }

    /// <summary>The network modes used.</summary>
    public required ConnectivitySpectrum Spectrum { get; init; }

    /// <summary>One entry per branch point, in branch order.</summary>
    public required IReadOnlyList<TransversePoint> Points { get; init; }

    /// <summary>Wall-clock time of the analysis.</summary>
    public double WallMilliseconds { get; init; }

    /// <summary>Threads used.</summary>
    public int Threads { get; init; }

    /// <summary>The analysed point with this label (e.g. "HB1"), or null.</summary>
    public TransversePoint? Find(string label) => Points.FirstOrDefault(p => p.Label == label);
}
