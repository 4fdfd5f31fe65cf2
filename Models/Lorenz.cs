using Continuation.Systems;

namespace Models;

/// <summary>
/// The Lorenz system x' = σ (y − x), y' = x (ρ − z) − y, z' = x y − β z (E. N. Lorenz, J. Atmos.
/// Sci. 20, 130–141, 1963).
/// </summary>
/// <remarks>
/// At the classical σ = 10, ρ = 28, β = 8/3 the attractor is chaotic with Lyapunov exponents about
/// 0.9056, 0 and −14.5723 (their sum is exactly the trace −(σ + 1 + β)): the oracle of the Lyapunov
/// spectra. Analytic Jacobians.
/// </remarks>
public sealed class Lorenz : OdeSystem
{
    /// <summary>Parameter indices, in the order of <see cref="Parameters"/>.</summary>
    public const int Sigma = 0, Rho = 1, Beta = 2;

    private static readonly IReadOnlyList<string> States = ["x", "y", "z"];
    private static readonly IReadOnlyList<Parameter> ParameterList =
    [
        new("sigma", 10.0, "Prandtl number"),
        new("rho", 28.0, "Rayleigh number (relative)"),
        new("beta", 8.0 / 3.0, "aspect ratio"),
    ];

    /// <inheritdoc/>
    public override string Name => "Lorenz";

    /// <inheritdoc/>
    public override string Description => "Lorenz system (chaotic at sigma = 10, rho = 28, beta = 8/3).";

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
        double x = u[0], y = u[1], z = u[2];
        du[0] = p[Sigma] * (y - x);
        du[1] = x * (p[Rho] - z) - y;
        du[2] = x * y - p[Beta] * z;
    }

    /// <inheritdoc/>
    public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
    {
        double x = u[0], y = u[1], z = u[2];
        jac[0] = -p[Sigma]; jac[1] = p[Sigma]; jac[2] = 0;
        jac[3] = p[Rho] - z; jac[4] = -1; jac[5] = -x;
        jac[6] = y; jac[7] = x; jac[8] = -p[Beta];
    }

    /// <inheritdoc/>
    public override void ParameterJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, int parameter, Span<double> column)
    {
        column[..3].Clear();
        switch (parameter)
        {
            case Sigma: column[0] = u[1] - u[0]; break;
            case Rho: column[1] = u[0]; break;
            case Beta: column[2] = -u[2]; break;
            default: throw new ArgumentOutOfRangeException(nameof(parameter));
        }
    }
}
