using Continuation.Algebra;
using Continuation.Pathfollowing;

namespace Tests.Pathfollowing;

/// <summary>
/// The driver on its own, without a model or a facade: the unit circle x² + λ² = 1 in the
/// parameter λ, whose folds sit at λ = ±1 (x = 0) and which closes on itself. Its folds are found
/// and located on the chord to the location tolerance whatever the largest step, and the branch
/// ends where it comes round to its first point.
/// </summary>
public sealed class PseudoArclengthTests
{
    /// <summary>
    /// A curve G(x, λ) = 0 in the plane, continued in λ and bordered and factored densely; the
    /// analysis says one real eigenvalue, of the sign of x, unless a test double says otherwise.
    /// </summary>
    abstract class PlaneCurve : IContinuationProblem
    {
        readonly DenseLu _lu = new(2);
        public int Dimension => 2;
        public int ParameterComponent => 1;
        public int DeterminantSign => _lu.DeterminantSign;
        public IReadOnlyList<PointKind> TestFunctionKinds => [];

        /// <summary>G(x, λ).</summary>
        protected abstract double Value(double x, double lambda);

        /// <summary>(∂G/∂x, ∂G/∂λ).</summary>
        protected abstract (double X, double Lambda) Gradient(double x, double lambda);

        public bool Residual(ReadOnlySpan<double> x, Span<double> r)
        {
            r[0] = Value(x[0], x[1]);
            return true;
        }

        public Linearization Factor(ReadOnlySpan<double> x, ReadOnlySpan<double> border)
        {
            var (gx, gl) = Gradient(x[0], x[1]);
            return _lu.Factor([gx, gl, border[0], border[1]]) ? Linearization.Factored : Linearization.Singular;
        }

        public void Solve(Span<double> rhs) => _lu.Solve(rhs);
        public virtual PointAnalysis Analyze(ReadOnlySpan<double> x, Span<double> testValues) => new(x[0] < 0, x[0] > 0 ? 1 : 0, [2 * x[0]]);
        public SpecialPointDetails? Describe(int testFunction, ReadOnlySpan<double> x, PointAnalysis analysis) => null;
        public void Accept(ReadOnlySpan<double> x) { }
    }

    /// <summary>G(x, λ) = x² + λ² − r².</summary>
    sealed class Circle(double radius) : PlaneCurve
    {
        protected override double Value(double x, double lambda) => x * x + lambda * lambda - radius * radius;
        protected override (double X, double Lambda) Gradient(double x, double lambda) => (2 * x, 2 * lambda);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.2)]
    [InlineData(0.7)]
    public void TheCirclesFoldsAreLocatedWhateverTheLargestStepAndItClosesOnItself(double dsMax)
    {
        var options = new ContinuationOptions { Ds = 0.01, DsMax = dsMax, MaxSteps = 2000 };
        var driver = new PseudoArclength(new Circle(1), options);
        var path = driver.Follow([0.9, 0.0], +1).ToList();

        // Started at λ = 0 on x = 1 (corrected at fixed λ), going up in λ.
        Assert.Equal(1.0, path[0].X[0], 12);
        var folds = path.Where(p => p.Kind == PointKind.LP).ToList();
        Assert.Equal(2, folds.Count);
        Assert.Equal(1.0, folds[0].X[1], 8);
        Assert.Equal(-1.0, folds[1].X[1], 8);
        Assert.All(folds, f => Assert.True(Math.Abs(f.X[0]) < 1e-4, $"x = {f.X[0]} at the fold"));
        // Every point is on the circle, to the corrector's residual check (10 · newton_tolerance · scale).
        Assert.All(path, p => Assert.True(Math.Abs(p.X[0] * p.X[0] + p.X[1] * p.X[1] - 1) <= 10 * options.NewtonTolerance, $"({p.X[0]}, {p.X[1]})"));
        // It ends where it began: a closed loop, not the step limit.
        Assert.Equal(StopReason.ClosedLoop, path[^1].StopReason);
        Assert.True(driver.NewtonIterations >= path.Count - 1 && driver.Factorizations <= driver.NewtonIterations + 2 * path.Count);
    }

    [Fact]
    public void AStartThatIsNoSolutionAtAnyNearbyParameterEndsAtOnceAndSaysWhy()
    {
        // Outside the circle's parameter range: at λ = 2 there is no x with x² = 1 − λ², nor along a tangent.
        var driver = new PseudoArclength(new Circle(1), new ContinuationOptions { MaxSteps = 10 });
        var path = driver.Follow([0.0, 2.0], +1).ToList();
        var end = Assert.Single(path);
        Assert.Equal(StopReason.StartFailed, end.StopReason);
        Assert.False(string.IsNullOrEmpty(end.Note));
    }

    /// <summary>
    /// The line x = λ whose analysis says one real eigenvalue is positive below λ = 0.3, that it
    /// cannot tell between 0.3 and 0.5 (as Floquet multipliers that are not trusted), and that the
    /// eigenvalue is negative above (or positive again when <paramref name="changes"/> is false).
    /// No test function crosses anywhere.
    /// </summary>
    sealed class HiddenCrossing(bool changes) : PlaneCurve
    {
        protected override double Value(double x, double lambda) => x - lambda;
        protected override (double X, double Lambda) Gradient(double x, double lambda) => (1, -1);

        public override PointAnalysis Analyze(ReadOnlySpan<double> x, Span<double> testValues)
        {
            double lambda = x[1];
            if (lambda >= 0.3 && lambda <= 0.5) return new PointAnalysis(false, 0, [new(double.NaN, 0)]) { Unreliable = true };
            bool positive = lambda < 0.3 || !changes;
            return new PointAnalysis(!positive, positive ? 1 : 0, [new(positive ? 1 : -1, 0)], new StabilitySignature(positive ? 1 : 0, positive ? 1 : 0, 0, false));
        }
    }

    /// <summary>
    /// A change of stability behind points whose stability is not known is still reported, as a
    /// point that is not located, with the bracket from the last point of known stability to the
    /// first one after; where the stability comes back as it was, nothing is reported.
    /// </summary>
    [Theory]
    [InlineData(true, 0.02)]
    [InlineData(true, 0.3)]
    [InlineData(false, 0.02)]
    public void AStabilityChangeAcrossPointsOfUnknownStabilityIsReportedNotLocated(bool changes, double dsMax)
    {
        var driver = new PseudoArclength(new HiddenCrossing(changes), new ContinuationOptions { Ds = 0.01, DsMax = dsMax, MaxSteps = 200 },
            new StopConditions { Bounds = [new ComponentBound(1, "lambda", -1, 1)] });
        var path = driver.Follow([0.0, 0.0], +1).ToList();
        Assert.Equal(StopReason.Bound, path[^1].StopReason);
        var special = path.Where(p => p.Kind is not (PointKind.Regular or PointKind.EP)).ToList();
        if (!changes) { Assert.Empty(special); return; }
        var bp = Assert.Single(special);
        Assert.Equal(PointKind.BP, bp.Kind);
        Assert.False(bp.Details!.Located);
        Assert.True(bp.Details.BracketFrom < 0.3 && bp.Details.BracketTo > 0.5, $"[{bp.Details.BracketFrom}, {bp.Details.BracketTo}]");
        Assert.Contains("not known", bp.Note);
    }

    /// <summary>The hairpin λ = 1 − (x/ε)², ε = 0.01: one sharp fold at λ = 1, no loop.</summary>
    sealed class Hairpin : PlaneCurve
    {
        const double Eps = 0.01;
        protected override double Value(double x, double lambda) => lambda - 1 + x * x / (Eps * Eps);
        protected override (double X, double Lambda) Gradient(double x, double lambda) => (2 * x / (Eps * Eps), 1);
    }

    /// <summary>
    /// A branch that comes back past its start on the other sheet of a sharp fold has not closed on
    /// itself: it ends at its bound whatever the largest step (it ended as a "closed loop" at some).
    /// </summary>
    [Theory]
    [InlineData(0.05)]
    [InlineData(0.1)]
    [InlineData(0.2)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    public void ABranchFoldingBackPastItsStartIsNoClosedLoop(double dsMax)
    {
        var driver = new PseudoArclength(new Hairpin(), new ContinuationOptions { Ds = 0.001, DsMin = 1e-6, DsMax = dsMax, MaxSteps = 2000 },
            new StopConditions { Bounds = [new ComponentBound(1, "lambda", -1, 2)] });
        var path = driver.Follow([-0.01, 0.0], +1).ToList();
        Assert.Equal(StopReason.Bound, path[^1].StopReason);
        var fold = Assert.Single(path, p => p.Kind == PointKind.LP);
        Assert.Equal(1.0, fold.X[1], 1e-8);
        Assert.True(path[^1].X[0] > 0, "the branch ends on the other sheet");
    }
}
