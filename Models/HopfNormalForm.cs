using Continuation.Systems;

namespace Models;

/// <summary>
/// Normal form of the Andronov–Hopf bifurcation:
/// x' = β x − y + σ x (x² + y²), y' = x + β y + σ y (x² + y²).
/// </summary>
/// <remarks>
/// In polar coordinates ρ' = β ρ + σ ρ³, θ' = 1. The equilibrium at the origin has eigenvalues
/// β ± i; at β = 0 a Hopf bifurcation occurs with first Lyapunov coefficient of the sign of σ:
/// σ = −1 supercritical (stable cycle of radius √β, period 2π, for β &gt; 0), σ = +1 subcritical
/// (Kuznetsov, Elements of Applied Bifurcation Theory, 3rd ed., section 3.4). Analytic Jacobians.
/// </remarks>
public sealed class HopfNormalForm : OdeSystem
{
    /// <summary>Parameter indices, in the order of <see cref="Parameters"/>.</summary>
    public const int Beta = 0, Sigma = 1;

    private static readonly IReadOnlyList<string> States = ["x", "y"];
    private static readonly IReadOnlyList<Parameter> ParameterList =
    [
        new("beta", -1.0, "real part of the eigenvalues at the origin"),
        new("sigma", -1.0, "sign of the cubic term: -1 supercritical, +1 subcritical"),
    ];

    /// <inheritdoc/>
    public override string Name => "NormalForm.Hopf";

    /// <inheritdoc/>
    public override string Description => "Hopf normal form (Hopf at beta = 0; sigma = -1 supercritical, +1 subcritical).";

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
        double x = u[0], y = u[1], beta = p[Beta], sigma = p[Sigma];
        double rho2 = x * x + y * y;
        du[0] = beta * x - y + sigma * x * rho2;
        du[1] = x + beta * y + sigma * y * rho2;
    }

    /// <inheritdoc/>
    public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
    {
        double x = u[0], y = u[1], beta = p[Beta], sigma = p[Sigma];
        jac[0] = beta + sigma * (3.0 * x * x + y * y);
        jac[1] = -1.0 + 2.0 * sigma * x * y;
        jac[2] = 1.0 + 2.0 * sigma * x * y;
        jac[3] = beta + sigma * (x * x + 3.0 * y * y);
    }

    /// <inheritdoc/>
    public override void ParameterJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, int parameter, Span<double> column)
    {
        double x = u[0], y = u[1];
        switch (parameter)
        {
            case Beta:
                column[0] = x;
                column[1] = y;
                break;
            case Sigma:
                double rho2 = x * x + y * y;
                column[0] = x * rho2;
                column[1] = y * rho2;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(parameter));
        }
    }
}
