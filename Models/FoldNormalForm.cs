using Continuation.Systems;

namespace Models;

/// <summary>Normal form of the fold (saddle-node) bifurcation: x' = μ − x².</summary>
/// <remarks>
/// Equilibria x = ±√μ for μ &gt; 0 meet in a fold at (x, μ) = (0, 0); x = +√μ is stable
/// (Kuznetsov, Elements of Applied Bifurcation Theory, 3rd ed., section 3.2). Analytic Jacobians.
/// </remarks>
public sealed class FoldNormalForm : OdeSystem
{
    private static readonly IReadOnlyList<string> States = ["x"];
    private static readonly IReadOnlyList<Parameter> ParameterList = [new("mu", -1.0, "unfolding parameter μ")];

    /// <inheritdoc/>
    public override string Name => "NormalForm.Fold";

    /// <inheritdoc/>
    public override string Description => "Fold normal form x' = mu - x^2 (fold at mu = 0).";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => States;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => ParameterList;

    /// <inheritdoc/>
    public override bool HasStateJacobian => true;

    /// <inheritdoc/>
    public override bool HasParameterJacobian => true;

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        => du[0] = p[0] - u[0] * u[0];

    /// <inheritdoc/>
    public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
        => jac[0] = -2.0 * u[0];

    /// <inheritdoc/>
    public override void ParameterJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, int parameter, Span<double> column)
    {
        if (parameter != 0) throw new ArgumentOutOfRangeException(nameof(parameter));
        column[0] = 1.0;
    }
}
