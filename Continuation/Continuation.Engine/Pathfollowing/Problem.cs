using System.Numerics;

namespace Continuation.Pathfollowing;

/// <summary>Kinds of labelled points on a branch (DESIGN.md section 5).</summary>
public enum PointKind
{
    /// <summary>An ordinary computed point.</summary>
    Regular,
    /// <summary>Fold (limit point) of equilibria.</summary>
    LP,
    /// <summary>Andronov–Hopf bifurcation.</summary>
    HB,
    /// <summary>Branch point (the augmented Jacobian is singular without a fold).</summary>
    BP,
    /// <summary>Fold of cycles.</summary>
    LPC,
    /// <summary>Period doubling.</summary>
    PD,
    /// <summary>Neimark–Sacker (torus).</summary>
    NS,
    /// <summary>Branch point of cycles.</summary>
    BPC,
    /// <summary>Cusp (codim 2: fold curve, the fold's quadratic coefficient vanishes).</summary>
    CP,
    /// <summary>Cusp of cycles (codim 2 on a fold-of-cycles curve).</summary>
    CPC,
    /// <summary>Bogdanov–Takens (double zero eigenvalue).</summary>
    BT,
    /// <summary>Zero-Hopf (a zero eigenvalue and an imaginary pair).</summary>
    ZH,
    /// <summary>Generalised Hopf / Bautin (first Lyapunov coefficient zero).</summary>
    GH,
    /// <summary>Double Hopf (two imaginary pairs).</summary>
    HH,
    /// <summary>1:1 resonance (a double nontrivial multiplier +1): a torus (NS) curve meets a fold-of-cycles curve.</summary>
    R1,
    /// <summary>1:2 resonance (a double multiplier −1): a torus curve meets a period-doubling curve.</summary>
    R2,
    /// <summary>1:3 resonance on a torus curve: θ = 2π/3.</summary>
    R3,
    /// <summary>1:4 resonance on a torus curve: θ = π/2.</summary>
    R4,
    /// <summary>Fold–Neimark–Sacker: multipliers +1 and e^{±iθ} (on a torus or fold-of-cycles curve).</summary>
    LPNS,
    /// <summary>Flip–Neimark–Sacker: multipliers −1 and e^{±iθ} (on a torus or period-doubling curve).</summary>
    PDNS,
    /// <summary>Fold–flip: multipliers +1 and −1 (on a fold-of-cycles or period-doubling curve).</summary>
    LPPD,
    /// <summary>Generalised period doubling: the period-doubling normal-form coefficient vanishes (on a period-doubling curve).</summary>
    GPD,
    /// <summary>Chenciner: the Neimark–Sacker normal-form coefficient vanishes (on a torus curve).</summary>
    CH,
    /// <summary>User value of a parameter.</summary>
    UZ,
    /// <summary>End point of a branch.</summary>
    EP,
}

/// <summary>What a problem says about one point: stability and its spectrum.</summary>
/// <param name="Signature">
/// The counts the driver checks special points against (null: the problem keeps none, e.g. curves
/// in two parameters, or the spectrum could not be trusted at this point).
/// </param>
public sealed record PointAnalysis(bool Stable, int UnstableCount, Complex[] Spectrum, StabilitySignature? Signature = null)
{
    /// <summary>No analysis: an empty spectrum, so stability is unknown (<see cref="StabilityKnown"/> is false).</summary>
    public static readonly PointAnalysis None = new(false, 0, []);

    /// <summary>
    /// The spectrum was computed but cannot be trusted (e.g. Floquet multipliers whose trivial one is
    /// far from 1): the point's stability is unknown and no bifurcation is read off the spectrum.
    /// </summary>
    public bool Unreliable { get; init; }

    /// <summary>Why the spectrum of an <see cref="Unreliable"/> point cannot be trusted (null: untrusted Floquet multipliers).</summary>
    public string? UnknownBecause { get; init; }

    /// <summary>
    /// Growth exponents sorted in decreasing order — the real parts of the eigenvalues of an
    /// equilibrium, ln |μ| of the nontrivial multipliers of a cycle — whose zeros are the crossings
    /// of the stability boundary. The driver watches them for two crossings within one step
    /// (a parabola through three consecutive points dipping across zero). Null: none.
    /// </summary>
    public double[]? Exponents { get; init; }

    /// <summary>True when <see cref="Stable"/> and <see cref="UnstableCount"/> mean something.</summary>
    public bool StabilityKnown => Spectrum.Length > 0 && !Unreliable;
}

/// <summary>
/// Counts of unstable eigenvalues (equilibria: real part &gt; 0) or nontrivial Floquet multipliers
/// (cycles: modulus &gt; 1) at a point. Between two points of a branch, every change of these counts
/// must be accounted for by special points: a real eigenvalue through 0 or a real multiplier through
/// +1 (LP, BP; LPC, BPC) changes <see cref="Unstable"/> and <see cref="RealPositive"/> by one, a
/// multiplier through −1 (PD) changes <see cref="Unstable"/> and <see cref="RealNegative"/> by one,
/// a complex pair (HB, NS) changes <see cref="Unstable"/> by two. Collisions of real values off the
/// imaginary axis (the unit circle) change the real counts by two, never their parity.
/// </summary>
/// <param name="Unstable">Eigenvalues with positive real part, or nontrivial multipliers outside the unit circle.</param>
/// <param name="RealPositive">Of those, the real ones (&gt; 0; multipliers &gt; +1).</param>
/// <param name="RealNegative">Multipliers &lt; −1 (always 0 for equilibria).</param>
/// <param name="Marginal">Some eigenvalue (multiplier) lies too close to the axis (circle) to be counted reliably: the counts are not checked across this point.</param>
public sealed record StabilitySignature(int Unstable, int RealPositive, int RealNegative, bool Marginal)
{
    /// <summary>
    /// Whether the changes from <paramref name="a"/> to <paramref name="b"/> can be produced by
    /// <paramref name="real"/> real crossings (LP, BP, LPC, BPC), <paramref name="flip"/> crossings of −1
    /// (PD) and <paramref name="pair"/> crossings of a complex pair (HB, NS), each in either direction.
    /// </summary>
    public static bool Explains(StabilitySignature a, StabilitySignature b, int real, int flip, int pair)
    {
        if (a.Marginal || b.Marginal) return true;
        int dU = b.Unstable - a.Unstable, dP = b.RealPositive - a.RealPositive, dN = b.RealNegative - a.RealNegative;
        int total = real + flip + 2 * pair;
        return ((dP - real) & 1) == 0 && ((dN - flip) & 1) == 0 && Math.Abs(dU) <= total && ((total - dU) & 1) == 0;
    }

    /// <summary>
    /// What is missing when <see cref="Explains"/> fails: the number of real crossings, crossings of
    /// −1 and complex pairs to add (each at least what the parities and the total require).
    /// </summary>
    public static (int Real, int Flip, int Pair) Missing(StabilitySignature a, StabilitySignature b, int real, int flip, int pair)
    {
        int dU = b.Unstable - a.Unstable, dP = b.RealPositive - a.RealPositive, dN = b.RealNegative - a.RealNegative;
        int addReal = ((dP - real) & 1) != 0 ? 1 : 0;
        int addFlip = ((dN - flip) & 1) != 0 ? 1 : 0;
        int total = real + addReal + flip + addFlip + 2 * pair;
        int addPair = 0;
        while (Math.Abs(dU) > total + 2 * addPair) addPair++;
        if (((total - dU) & 1) != 0) addReal++;
        return (addReal, addFlip, addPair);
    }
}

/// <summary>Extra numbers describing a special point (Hopf frequency, Lyapunov coefficients …).</summary>
/// <param name="SecondLyapunov">The second Lyapunov coefficient l2 at a generalised Hopf point.</param>
/// <param name="EndsBranch">The branch ends here (after this point, an EP with the same note).</param>
public sealed record SpecialPointDetails(double? Omega = null, double? Period = null, double? FirstLyapunov = null, string? Note = null,
    double? SecondLyapunov = null, bool EndsBranch = false)
{
    /// <summary>
    /// False when the point could not be located where its defining condition holds: it lies
    /// somewhere between <see cref="BracketFrom"/> and <see cref="BracketTo"/> (values of the continued
    /// parameter) and its note says so.
    /// </summary>
    public bool Located { get; init; } = true;

    /// <summary>
    /// The curve's own extended system is singular at this point (R2 on a period-doubling curve, R1
    /// on a fold-of-cycles curve: a Jordan block at the pinned multiplier), so that its corrector
    /// fails arbitrarily close to it and a smaller step only fails closer. A location that came
    /// closer than its tolerance before the corrector failed is taken, its condition held to the
    /// square root of the tolerance, as at a point where the problem ends the branch; the branch
    /// goes on past it.
    /// </summary>
    public bool SingularSystem { get; init; }

    /// <summary>The defining condition's value at the point (e.g. the smallest singular value of the Jacobian at a fold), or null where none applies.</summary>
    public double? Residual { get; init; }

    /// <summary>What <see cref="Residual"/> was held to (the verification tolerance, or its square root at a degenerate point).</summary>
    public double? Tolerance { get; init; }

    /// <summary>The continued parameter at the ends of the step in which an unlocated point lies.</summary>
    public double? BracketFrom { get; init; }

    /// <inheritdoc cref="BracketFrom"/>
    public double? BracketTo { get; init; }

    /// <summary>The branch of cycles ends here because the cycle has shrunk onto an equilibrium (a Hopf point).</summary>
    public bool HopfArrival { get; init; }

    /// <summary>The note already lists the Floquet multipliers (writers do not add them again).</summary>
    public bool ListsMultipliers { get; init; }
}

/// <summary>Outcome of linearising and factoring a bordered system.</summary>
public enum Linearization
{
    /// <summary>Factored; ready to solve.</summary>
    Factored,
    /// <summary>The bordered matrix is singular.</summary>
    Singular,
    /// <summary>The Jacobian has entries that are not finite.</summary>
    NonFinite,
}

/// <summary>
/// A problem F(x) = 0, F: ℝ^{N+1} → ℝ^N, whose solution curve is followed by
/// <see cref="PseudoArclength"/>. The problem owns its linear algebra, so a structured
/// problem (collocation) can solve its bordered systems without a dense factorisation.
/// </summary>
public interface IContinuationProblem
{
    /// <summary>Number of unknowns N + 1 (one more than the number of equations).</summary>
    int Dimension { get; }

    /// <summary>Index in x of the primary continuation parameter (used for the fold test and for bounds).</summary>
    int ParameterComponent { get; }

    /// <summary>F(x) into r (length N). Returns false if any value is not finite.</summary>
    bool Residual(ReadOnlySpan<double> x, Span<double> r);

    /// <summary>
    /// Linearises at x and factors the bordered matrix [F_x(x); borderᵀ] (size N + 1).
    /// </summary>
    Linearization Factor(ReadOnlySpan<double> x, ReadOnlySpan<double> border);

    /// <summary>Solves with the last factored bordered matrix, in place (length N + 1).</summary>
    void Solve(Span<double> rhs);

    /// <summary>Sign of det of the last factored bordered matrix (branch-point test).</summary>
    int DeterminantSign { get; }

    /// <summary>
    /// log |det| of the last factored bordered matrix, or NaN when the problem cannot tell: with
    /// <see cref="DeterminantSign"/> it makes the branch-point test continuous, so that a branch
    /// point is located by a secant iteration instead of bisection on a sign.
    /// </summary>
    double LogAbsDeterminant => double.NaN;

    /// <summary>What a fold of this problem is called (LP for equilibria, LPC for cycles).</summary>
    PointKind FoldKind => PointKind.LP;

    /// <summary>What a branch point of this problem is called (BP, BPC).</summary>
    PointKind BranchPointKind => PointKind.BP;

    /// <summary>
    /// A second look at a located fold or branch point: the problem may rename it, e.g. a fold of
    /// cycles at zero amplitude is the arrival at a Hopf point and ends the branch (EP), or
    /// drop it by returning <see cref="PointKind.Regular"/> (a turning point of a curve in one
    /// parameter is no bifurcation).
    /// </summary>
    PointKind Reclassify(PointKind kind, ReadOnlySpan<double> x, ref SpecialPointDetails? details) => kind;

    /// <summary>As <see cref="Reclassify(PointKind, ReadOnlySpan{double}, ref SpecialPointDetails?)"/>, with the unit tangent at the point.</summary>
    PointKind Reclassify(PointKind kind, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, ref SpecialPointDetails? details)
        => Reclassify(kind, x, ref details);

    /// <summary>Kinds of the problem's own test functions (e.g. HB for equilibria).</summary>
    IReadOnlyList<PointKind> TestFunctionKinds { get; }

    /// <summary>
    /// Analyses a converged point: stability, spectrum, and the values of the problem's
    /// test functions (one per <see cref="TestFunctionKinds"/> entry) into <paramref name="testValues"/>.
    /// </summary>
    PointAnalysis Analyze(ReadOnlySpan<double> x, Span<double> testValues);

    /// <summary>
    /// Confirms a located zero of test function <paramref name="testFunction"/> and describes it,
    /// or returns null when it is not a bifurcation of that kind (e.g. a neutral saddle for HB).
    /// </summary>
    SpecialPointDetails? Describe(int testFunction, ReadOnlySpan<double> x, PointAnalysis analysis);

    /// <summary>
    /// The residual of the defining condition of a located special point of this kind at x (unit
    /// tangent and analysis there), scaled so that it is compared with
    /// <see cref="ContinuationOptions.VerificationTolerance"/>: e.g. the smallest singular value of
    /// the Jacobian relative to its norm at a fold of equilibria, |Re λ|/|λ| of the critical pair
    /// at a Hopf point, |μ + 1| at a period doubling. Null: the driver takes the test function's
    /// value at the point relative to its values at the ends of the step.
    /// </summary>
    double? DefiningResidual(PointKind kind, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, PointAnalysis analysis) => null;

    /// <summary>
    /// The smallest residual of a defining condition the problem can resolve at this point, when it is
    /// above the verification tolerance (e.g. multipliers known only as well as the trivial one is);
    /// the driver holds the point to the larger of the two. Default: none.
    /// </summary>
    double ResidualFloor(PointKind kind, PointAnalysis analysis) => 0;

    /// <summary>Called when a point is accepted on the branch (e.g. to update a phase condition).</summary>
    void Accept(ReadOnlySpan<double> x);

    /// <summary>
    /// Weights of the unknowns in the arclength inner product (e.g. quadrature weights of a
    /// discretised profile). Default: all 1. The driver multiplies the parameter's weight by
    /// <see cref="ContinuationOptions.ParameterWeight"/>.
    /// </summary>
    void FillWeights(Span<double> weights) => weights.Fill(1.0);

    /// <summary>
    /// A summary of x that does not depend on its discretisation or phase, used to detect that a
    /// branch has closed on itself. Default: x itself.
    /// </summary>
    double[] Signature(ReadOnlySpan<double> x) => x.ToArray();

    /// <summary>
    /// Gives the problem the chance to change its discretisation after an accepted point
    /// (mesh adaptation), transforming the point, its tangent and <paramref name="previous"/> (the
    /// tangent at the point before, which the predictor's curvature term needs) in place.
    /// Default: never.
    /// </summary>
    bool Adapt(double[] x, double[] tangent, double[] previous) => false;

    /// <summary>
    /// What the branch should keep besides x to interpret a point later (e.g. the collocation
    /// mesh of a cycle); null if x alone suffices.
    /// </summary>
    object? Snapshot(ReadOnlySpan<double> x) => null;
}
