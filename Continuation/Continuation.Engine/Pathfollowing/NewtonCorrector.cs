using Continuation.Algebra;
using Continuation.Systems;

namespace Continuation.Pathfollowing;

/// <summary>A square system G(x) = 0 as Newton's method needs it: the residual, a factorisation of G′ at x, a solve with the last one.</summary>
public interface INewtonSystem
{
    /// <summary>Leading rows of the residual that are equations proper (what a residual check measures; a border row that only places the point is left out).</summary>
    int Equations { get; }

    /// <summary>G(x) into r; false when a value is not finite.</summary>
    bool Residual(ReadOnlySpan<double> x, Span<double> r);

    /// <summary>Linearises at x and factors G′(x).</summary>
    Linearization Factor(ReadOnlySpan<double> x);

    /// <summary>r ← G′⁻¹ r with the last factorisation.</summary>
    void Solve(Span<double> r);
}

/// <summary>How a Newton iteration ends.</summary>
public enum NewtonOutcome
{
    /// <summary>The update (and, where asked, the residual) is below the tolerance.</summary>
    Converged,
    /// <summary>Singular Jacobian, growing updates, or no convergence within the iterations allowed.</summary>
    Failed,
    /// <summary>A residual, Jacobian entry or update that is not finite.</summary>
    NonFinite,
}

/// <summary>The size of a Newton update and the scale it is compared with (converged when size ≤ tolerance · scale).</summary>
public delegate (double Size, double Scale) StepMeasure(ReadOnlySpan<double> x, ReadOnlySpan<double> update);

/// <summary>
/// The rules of a <see cref="NewtonCorrector"/>: when it has converged, when it refactors, when it
/// gives up. Each user states its own; the defaults are plain Newton with a fresh Jacobian at every
/// iterate, converged when max|Δx| ≤ tolerance · max(1, max|x|).
/// </summary>
public sealed record NewtonRule
{
    /// <summary>Iterations allowed.</summary>
    public int MaxIterations { get; init; } = 12;

    /// <summary>Converged when the update's size is at most this times its scale.</summary>
    public double Tolerance { get; init; } = 1e-9;

    /// <summary>Chord iterations: keep a factorisation (across calls too) while the updates contract fast.</summary>
    public bool Chord { get; init; }

    /// <summary>An update larger than this fraction of the previous one: refactor at the next iterate.</summary>
    public double RefactorRatio { get; init; } = 0.3;

    /// <summary>From iteration DivergenceAfter + 1 on, an update larger than <see cref="DivergenceRatio"/> times the previous one fails.</summary>
    public int DivergenceAfter { get; init; } = int.MaxValue;

    /// <summary>Growth of successive updates that counts as divergence.</summary>
    public double DivergenceRatio { get; init; } = 2;

    /// <summary>A fresh factorisation forgets the previous update (its contraction rate starts over).</summary>
    public bool RestartRateOnFactor { get; init; }

    /// <summary>
    /// Also converged when the error left after a contracting chord update, about update·ρ/(1 − ρ) at
    /// rate ρ &lt; ½ (the ratio of the last two updates), is below a tenth of the tolerance.
    /// </summary>
    public bool EstimateRemaining { get; init; }

    /// <summary>When positive, a converged update is confirmed by max|G_i(x)| ≤ this · tolerance · scale over the equations proper.</summary>
    public double ResidualFactor { get; init; }

    /// <summary>Size and scale of an update (evaluated before it is applied); null: max|Δx| against max(1, max|x − Δx|).</summary>
    public StepMeasure? Measure { get; init; }

    /// <summary>This rule, or an <see cref="ArgumentException"/> naming the setting out of range.</summary>
    public NewtonRule Validate()
    {
        if (MaxIterations < 1) throw new ArgumentException($"Newton needs at least one iteration, got {MaxIterations}.");
        if (!(Tolerance > 0)) throw new ArgumentException($"the Newton tolerance must be positive, got {Tolerance}.");
        if (!(RefactorRatio > 0) || !(DivergenceRatio > 0)) throw new ArgumentException("the refactor and divergence ratios must be positive.");
        return this;
    }
}

/// <summary>
/// The one Newton corrector of the engine: the pseudo-arclength driver's corrector, the instability
/// map's cell-to-cell corrections and the attractor finder's collocation and equilibrium solves are
/// all this loop under their own <see cref="NewtonRule"/>. It owns the chord state
/// (<see cref="FactorValid"/>), which its user may set when it factors the system itself (e.g. for
/// a tangent or for multipliers at the solution). No allocation per iteration.
/// </summary>
public sealed class NewtonCorrector(NewtonRule rule)
{
    /// <summary>The rules it follows.</summary>
    public NewtonRule Rule { get; } = rule.Validate();


    /// <summary>True while the system holds a factorisation near x that a chord iteration may reuse.</summary>
    public bool FactorValid { get; set; }

    /// <summary>Iterations over every call.</summary>
    public int Iterations { get; private set; }

    /// <summary>Factorisations over every call.</summary>
    public int Factorizations { get; private set; }

    /// <summary>Sum of the update sizes since the last factorisation (how far the iterate has moved from where it was factored).</summary>
    public double MovedSinceFactor { get; private set; }

    /// <summary>Size of the last update.</summary>
    public double LastUpdate { get; private set; }

    /// <summary>
    /// Newton on <paramref name="system"/> from <paramref name="x"/>, in place; <paramref name="work"/>
    /// (length of x) holds residuals and updates.
    /// </summary>
    /// <param name="iterations">Iterations of this call.</param>
    /// <param name="cancellation">Checked before every iteration.</param>
    public NewtonOutcome Correct(INewtonSystem system, Span<double> x, Span<double> work, out int iterations, CancellationToken cancellation = default)
    {
        var rule = Rule;
        iterations = 0;
        double previous = double.PositiveInfinity;
        for (int it = 1; it <= rule.MaxIterations; it++)
        {
            cancellation.ThrowIfCancellationRequested();
            iterations = it;
            Iterations++;
            if (!system.Residual(x, work)) return NewtonOutcome.NonFinite;
            if (!FactorValid)
            {
                switch (system.Factor(x))
                {
                    case Linearization.NonFinite: FactorValid = false; return NewtonOutcome.NonFinite;
                    case Linearization.Singular: FactorValid = false; return NewtonOutcome.Failed;
                }
                Factorizations++;
                FactorValid = rule.Chord;
                MovedSinceFactor = 0;
                if (rule.RestartRateOnFactor) previous = double.PositiveInfinity;
            }
            system.Solve(work);
            double update, scale;
            if (rule.Measure is { } measure)
            {
                (update, scale) = measure(x, work);
                for (int i = 0; i < x.Length; i++) x[i] -= work[i];
            }
            else
            {
                update = 0; scale = 1;
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] -= work[i];
                    update = Math.Max(update, Math.Abs(work[i]));
                    scale = Math.Max(scale, Math.Abs(x[i]));
                }
            }
            if (!double.IsFinite(update)) return NewtonOutcome.NonFinite;
            LastUpdate = update;
            MovedSinceFactor += update;
            double tolerance = rule.Tolerance * scale;
            bool small = update <= tolerance;
            if (!small && rule.EstimateRemaining && double.IsFinite(previous))
            {
                // With linear (chord) convergence at rate ρ the remaining error is about update·ρ/(1−ρ);
                // the rate needs two updates (after one, a Newton step's error is of the order of its square).
                double rate = update / previous;
                small = rate < 0.5 && update * rate / (1 - rate) <= 0.1 * rule.Tolerance * scale;
            }
            if (small)
            {
                if (rule.ResidualFactor <= 0) return NewtonOutcome.Converged;
                if (!system.Residual(x, work)) return NewtonOutcome.NonFinite;
                double r = 0;
                for (int i = 0; i < system.Equations; i++) r = Math.Max(r, Math.Abs(work[i]));
                if (r <= rule.ResidualFactor * rule.Tolerance * scale) return NewtonOutcome.Converged;
            }
            // Chord iterations with an old Jacobian: refactor when they stop contracting fast.
            if (FactorValid && update > rule.RefactorRatio * previous) FactorValid = false;
            // Divergence guard: an update growing after the first iterations will not converge.
            if (it > rule.DivergenceAfter && update > rule.DivergenceRatio * previous) { FactorValid = false; return NewtonOutcome.Failed; }
            previous = update;
        }
        return NewtonOutcome.Failed;
    }
}

/// <summary>
/// A continuation problem at a fixed value of its parameter: F(x) = 0 bordered by the row
/// e_k (k = <see cref="IContinuationProblem.ParameterComponent"/>) with right-hand side 0, so that
/// Newton leaves the parameter where it is.
/// </summary>
internal sealed class FixedParameterSystem : INewtonSystem
{
    readonly IContinuationProblem _problem;
    readonly double[] _border;

    /// <param name="problem">The problem; its parameter component stays fixed.</param>
    public FixedParameterSystem(IContinuationProblem problem)
    {
        _problem = problem;
        _border = new double[problem.Dimension];
        _border[problem.ParameterComponent] = 1;
    }

    /// <summary>The problem.</summary>
    public IContinuationProblem Problem => _problem;

    /// <inheritdoc/>
    public int Equations => _problem.Dimension - 1;

    /// <inheritdoc/>
    public bool Residual(ReadOnlySpan<double> x, Span<double> r)
    {
        if (!_problem.Residual(x, r[..^1])) return false;
        r[^1] = 0;
        return true;
    }

    /// <inheritdoc/>
    public Linearization Factor(ReadOnlySpan<double> x) => _problem.Factor(x, _border);

    /// <inheritdoc/>
    public void Solve(Span<double> r) => _problem.Solve(r);
}

/// <summary>Equilibria f(u, p) = 0 at fixed parameters, with the exact state Jacobian and a dense LU.</summary>
internal sealed class EquilibriumNewtonSystem(OdeSystem system, double[] parameters) : INewtonSystem
{
    readonly Derivatives _d = new(system);
    readonly double[] _jac = new double[system.Dimension * system.Dimension];
    readonly DenseLu _lu = new(system.Dimension);

    /// <summary>The parameters (the caller may change them between solves).</summary>
    public double[] Parameters { get; } = parameters;

    /// <inheritdoc/>
    public int Equations => system.Dimension;

    /// <summary>f(u, p) into r; always true (a value that is not finite shows in the update).</summary>
    public bool Residual(ReadOnlySpan<double> x, Span<double> r)
    {
        _d.Evaluate(x, Parameters, r);
        return true;
    }

    /// <inheritdoc/>
    public Linearization Factor(ReadOnlySpan<double> x)
    {
        _d.StateJacobian(x, Parameters, _jac);
        return _lu.Factor(_jac) ? Linearization.Factored : Linearization.Singular;
    }

    /// <inheritdoc/>
    public void Solve(Span<double> r) => _lu.Solve(r);
}
