namespace Continuation.Pathfollowing;

/// <summary>A converged point of the path with what the driver knows about it.</summary>
internal sealed class PathState
{
    public required double[] X;
    /// <summary>Unit tangent in the weighted norm, oriented along the branch.</summary>
    public required double[] T;
    /// <summary>Test-function values, one slot per <see cref="BranchEvent"/>.</summary>
    public required double[] Tests;
    public required PointAnalysis Analysis;
    public int Iterations;
    /// <summary>Sign of the branch-point test γ (the bordered determinant per unit projection of the border on the tangent).</summary>
    public int BranchSign;
    /// <summary>log |γ|, NaN when the problem gives only the sign.</summary>
    public double BranchLog = double.NaN;
    /// <summary>Sign and log |det| of the bordered matrix as factored for this point (border of its guide, no normalisation).</summary>
    public int BorderedSign;
    /// <inheritdoc cref="BorderedSign"/>
    public double BorderedLog = double.NaN;
}

/// <summary>How a special point changes the <see cref="StabilitySignature"/>.</summary>
internal enum SignatureEffect
{
    None,
    /// <summary>A real eigenvalue through 0, a real multiplier through +1 (LP, BP, LPC, BPC).</summary>
    Real,
    /// <summary>A multiplier through −1 (PD).</summary>
    Flip,
    /// <summary>A complex pair through the imaginary axis or the unit circle (HB, NS).</summary>
    Pair,
}

/// <summary>
/// A test function along a branch whose zero is a special point: what it is called, how its value is
/// read from a point, how a crossing is detected and what the point does to the stability counts.
/// The driver (<see cref="PseudoArclength"/>) locates every crossing on the arc between two accepted
/// points and verifies it; the events keep the knowledge of what each test means in one place.
/// </summary>
internal abstract class BranchEvent(int slot)
{
    /// <summary>Index of this event's value in <see cref="PathState.Tests"/>.</summary>
    public int Slot { get; } = slot;

    /// <summary>The kind of point the zero is, before the problem confirms it.</summary>
    public abstract PointKind Kind { get; }

    /// <summary>Evaluated at all under these options.</summary>
    public virtual bool Active(ContinuationOptions options) => true;

    /// <summary>The value located by a sign-preserving iteration, relative to the step start <paramref name="a"/> where the test needs one.</summary>
    public virtual double Value(PathState a, PathState p) => p.Tests[Slot];

    /// <summary>The test changes sign between the ends of the step.</summary>
    public virtual bool Crossed(PathState a, PathState b)
    {
        double fa = Value(a, a), fb = Value(a, b);
        return fa * fb < 0;
    }

    /// <summary>Only the sign is known: locate by bisection.</summary>
    public virtual bool Discrete => false;

    /// <summary>Smooth enough that a quadratic through three consecutive values predicts a double crossing inside a step.</summary>
    public virtual bool Watched => Effect(Kind) != SignatureEffect.None;

    /// <summary>How a special point of this kind changes the stability counts.</summary>
    public static SignatureEffect Effect(PointKind kind) => kind switch
    {
        PointKind.LP or PointKind.BP or PointKind.LPC or PointKind.BPC => SignatureEffect.Real,
        PointKind.PD => SignatureEffect.Flip,
        PointKind.HB or PointKind.NS => SignatureEffect.Pair,
        _ => SignatureEffect.None,
    };
}

/// <summary>Fold: the parameter component of the unit tangent changes sign.</summary>
internal sealed class FoldEvent(int slot, PointKind kind) : BranchEvent(slot)
{
    public override PointKind Kind => kind;
    public override bool Active(ContinuationOptions options) => options.DetectFolds;
}

/// <summary>
/// Branch point: γ = det [F_x; (w∘g)ᵀ] / ⟨w∘g, t⟩ changes sign (a border-independent multiple of
/// the determinant of the extended Jacobian restricted to the tangent). Continuous when the problem
/// gives log |det|, so that the point is located by a secant iteration; otherwise a sign, bisected.
/// </summary>
internal sealed class BranchPointEvent(int slot, PointKind kind) : BranchEvent(slot)
{
    public override PointKind Kind => kind;
    public override bool Active(ContinuationOptions options) => options.DetectBranchPoints;
    public override bool Watched => false;

    public override double Value(PathState a, PathState p)
    {
        if (double.IsNaN(a.BranchLog) || double.IsNaN(p.BranchLog)) return p.BranchSign;
        if (double.IsNegativeInfinity(p.BranchLog)) return 0;
        return p.BranchSign * Math.Exp(Math.Clamp(p.BranchLog - a.BranchLog, -700, 700));
    }

    public override bool Crossed(PathState a, PathState b) => a.BranchSign * b.BranchSign < 0;

    public override bool Discrete => false;

    /// <summary>True when either end has no magnitude: only the sign can be bisected.</summary>
    public static bool SignOnly(PathState a, PathState b) => double.IsNaN(a.BranchLog) || double.IsNaN(b.BranchLog);
}

/// <summary>One of the problem's own test functions (HB; PD, NS; codimension-two tests …).</summary>
internal sealed class ProblemEvent(int slot, int index, PointKind kind) : BranchEvent(slot)
{
    /// <summary>Index among the problem's <see cref="IContinuationProblem.TestFunctionKinds"/>.</summary>
    public int Index { get; } = index;
    public override PointKind Kind => kind;
    public override bool Active(ContinuationOptions options) => options.DetectBifurcations;
}

/// <summary>A user value of an unknown (UZ).</summary>
internal sealed class UserValueEvent(int slot, UserValue value) : BranchEvent(slot)
{
    public UserValue UserValue { get; } = value;
    public override PointKind Kind => PointKind.UZ;
}

/// <summary>
/// A stop bound: the branch ends where it leaves [min, max], including a branch that starts on
/// the bound and leaves at once.
/// </summary>
internal sealed class BoundEvent(int slot, ComponentBound bound, bool atMin) : BranchEvent(slot)
{
    public ComponentBound Bound { get; } = bound;
    public bool AtMin { get; } = atMin;
    public double Limit => AtMin ? Bound.Min : Bound.Max;
    public override PointKind Kind => PointKind.EP;

    public override bool Crossed(PathState a, PathState b)
    {
        double fa = Value(a, a), fb = Value(a, b);
        // A stop value (Min = Max) is crossed strictly: a branch that starts on it goes on (as AUTO's UZSTOP).
        if (Bound.Min == Bound.Max) return AtMin ? fa > 0 && fb <= 0 : fa < 0 && fb >= 0;
        return AtMin ? fa >= 0 && fb < 0 : fa <= 0 && fb > 0;
    }

    /// <summary>
    /// The point lies outside the interval on this bound's side. An interval of one value is a
    /// stop value (AUTO's UZSTOP): a start on either side of it lies inside, and the branch ends
    /// where it crosses the value in either direction.
    /// </summary>
    public bool Outside(ReadOnlySpan<double> x) => Bound.Min != Bound.Max && (AtMin ? x[Bound.Component] < Bound.Min : x[Bound.Component] > Bound.Max);
}
