using Continuation.Systems;

namespace Models;

/// <summary>Normal form of the supercritical pitchfork bifurcation: x' = μ x − x³.</summary>
/// <remarks>
/// The trivial equilibrium x = 0 loses stability at μ = 0 where the branch x = ±√μ bifurcates
/// (Kuznetsov, Elements of Applied Bifurcation Theory, 3rd ed., section 7.4). Analytic Jacobians.
/// </remarks>
public sealed class PitchforkNormalForm : OdeSystem
{
    private static readonly IReadOnlyList<string> States = ["x"];
    private static readonly IReadOnlyList<Parameter> ParameterList = [new("mu", -1.0, "unfolding parameter μ")];

    /// <inheritdoc/>
    public override string Name => "NormalForm.Pitchfork";

    /// <inheritdoc/>
    public override string Description => "Pitchfork normal form x' = mu x - x^3 (branch point at mu = 0).";

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
    {
        double x = u[0];
        du[0] = p[0] * x - x * x * x;
    }

    /// <inheritdoc/>
    public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
        => jac[0] = p[0] - 3.0 * u[0] * u[0];

    /// <inheritdoc/>
    public override void ParameterJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, int parameter, Span<double> column)
    {
        if (parameter != 0) throw new ArgumentOutOfRangeException(nameof(parameter));
        column[0] = u[0];
    }
}
