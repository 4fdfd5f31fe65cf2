using Continuation.Pathfollowing;

namespace Tests.Pathfollowing;

/// <summary>
/// The engine's one Newton corrector under its rules: quadratic convergence of plain Newton, chord
/// iterations that reuse a factorisation, the divergence guard, the residual confirmation, and
/// non-finite values reported as such.
/// </summary>
public sealed class NewtonCorrectorTests
{
    /// <summary>g(x) = x² − a (one equation), or a user function; counts the factorisations it is asked for.</summary>
    sealed class Scalar(Func<double, double> g, Func<double, double> dg) : INewtonSystem
    {
        double _slope;
        public int Factored { get; private set; }
        public int Equations => 1;
        public bool Residual(ReadOnlySpan<double> x, Span<double> r) { r[0] = g(x[0]); return double.IsFinite(r[0]); }
        public Linearization Factor(ReadOnlySpan<double> x)
        {
            Factored++;
            _slope = dg(x[0]);
            return !double.IsFinite(_slope) ? Linearization.NonFinite : _slope == 0 ? Linearization.Singular : Linearization.Factored;
        }
        public void Solve(Span<double> r) => r[0] /= _slope;
    }

    static Scalar Root2() => new(x => x * x - 2, x => 2 * x);

    [Fact]
    public void PlainNewtonConvergesQuadraticallyWithAFactorisationPerIteration()
    {
        var system = Root2();
        var newton = new NewtonCorrector(new NewtonRule { Tolerance = 1e-14, MaxIterations = 10 });
        double[] x = [1.0];
        Assert.Equal(NewtonOutcome.Converged, newton.Correct(system, x, new double[1], out int iterations));
        Assert.Equal(Math.Sqrt(2), x[0], 15);
        // From 1: errors 8.6e-2, 2.5e-3, 2.1e-6, 1.6e-12, then an update at rounding level.
        Assert.InRange(iterations, 5, 6);
        Assert.Equal(iterations, system.Factored);
        Assert.False(newton.FactorValid);
    }

    [Fact]
    public void ChordIterationsReuseTheFactorisationWhileTheyContractFast()
    {
        var system = Root2();
        var newton = new NewtonCorrector(new NewtonRule { Tolerance = 1e-14, MaxIterations = 40, Chord = true, RefactorRatio = 0.3 });
        double[] x = [1.4];
        Assert.Equal(NewtonOutcome.Converged, newton.Correct(system, x, new double[1], out int iterations));
        Assert.Equal(Math.Sqrt(2), x[0], 15);
        Assert.True(system.Factored < iterations, $"{system.Factored} factorisations in {iterations} iterations");
        // The factorisation is kept for the next call: a second solve near the root factors nothing.
        Assert.True(newton.FactorValid);
        int before = system.Factored;
        x[0] = Math.Sqrt(2) + 1e-9;
        Assert.Equal(NewtonOutcome.Converged, newton.Correct(system, x, new double[1], out _));
        Assert.Equal(before, system.Factored);
    }

    [Fact]
    public void GrowingUpdatesFailAfterTheAllowedIterations()
    {
        // Newton on atan(x) = 0 from |x| > 1.39 moves ever further out.
        var system = new Scalar(Math.Atan, x => 1 / (1 + x * x));
        var newton = new NewtonCorrector(new NewtonRule { DivergenceAfter = 2, MaxIterations = 50 });
        double[] x = [1.5];
        Assert.Equal(NewtonOutcome.Failed, newton.Correct(system, x, new double[1], out int iterations));
        // Given up on the first update more than twice the one before, after the second: long before the 50 allowed.
        Assert.InRange(iterations, 3, 8);
        Assert.True(Math.Abs(x[0]) > 10, $"x = {x[0]}");
    }

    [Fact]
    public void ASmallUpdateIsNotEnoughWhereTheResidualIsConfirmed()
    {
        // A measure that always calls the update small: without the residual check the first
        // iterate "converges"; with it, the iteration goes on to the root.
        var rule = new NewtonRule { Tolerance = 1e-12, MaxIterations = 20, Measure = (_, _) => (0, 1) };
        double[] x = [1.0];
        Assert.Equal(NewtonOutcome.Converged, new NewtonCorrector(rule).Correct(Root2(), x, new double[1], out int unchecked_));
        Assert.Equal(1, unchecked_);
        Assert.Equal(1.5, x[0], 15);
        x[0] = 1.0;
        Assert.Equal(NewtonOutcome.Converged, new NewtonCorrector(rule with { ResidualFactor = 10 }).Correct(Root2(), x, new double[1], out int iterations));
        Assert.True(iterations > 3);
        // Confirmed to |g| ≤ 10 · tolerance · scale: x within about 5e-12 of √2.
        Assert.True(Math.Abs(x[0] - Math.Sqrt(2)) < 1e-11, $"x = {x[0]}");
    }

    [Fact]
    public void NonFiniteValuesAndSingularJacobiansAreReportedAsSuch()
    {
        double[] x = [1.0];
        Assert.Equal(NewtonOutcome.NonFinite, new NewtonCorrector(new NewtonRule()).Correct(new Scalar(_ => double.NaN, _ => 1), x, new double[1], out _));
        Assert.Equal(NewtonOutcome.NonFinite, new NewtonCorrector(new NewtonRule()).Correct(new Scalar(v => v, _ => double.PositiveInfinity), x, new double[1], out _));
        Assert.Equal(NewtonOutcome.Failed, new NewtonCorrector(new NewtonRule()).Correct(new Scalar(v => v * v + 1, _ => 0), x, new double[1], out _));
    }

    [Fact]
    public void ARuleOutOfRangeIsRefused()
    {
        Assert.Throws<ArgumentException>(() => new NewtonCorrector(new NewtonRule { MaxIterations = 0 }));
        Assert.Throws<ArgumentException>(() => new NewtonCorrector(new NewtonRule { Tolerance = 0 }));
    }
}
