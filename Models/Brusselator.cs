using Continuation.Systems;

namespace Models;

/// <summary>
/// The Brusselator: x' = A − (B + 1) x + x² y, y' = B x − x² y.
/// </summary>
/// <remarks>
/// Unique equilibrium (x, y) = (A, B/A), which loses stability in a supercritical Hopf
/// bifurcation at B = 1 + A² (Prigogine and Lefever, J. Chem. Phys. 48, 1695, 1968).
/// Deliberately provides no analytic Jacobian, so that the finite-difference fallback is
/// exercised by tests and cases.
/// </remarks>
public sealed class Brusselator : OdeSystem
{
    /// <summary>Parameter indices, in the order of <see cref="Parameters"/>.</summary>
    public const int A = 0, B = 1;

    private static readonly IReadOnlyList<string> States = ["x", "y"];
    private static readonly IReadOnlyList<Parameter> ParameterList =
    [
        new("A", 1.0, "feed concentration A"),
        new("B", 1.5, "feed concentration B (Hopf at B = 1 + A^2)"),
    ];

    /// <inheritdoc/>
    public override string Name => "Brusselator";

    /// <inheritdoc/>
    public override string Description => "Brusselator chemical oscillator (Hopf at B = 1 + A^2); no analytic Jacobian.";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => States;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => ParameterList;

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
    {
        double x = u[0], y = u[1], a = p[A], b = p[B];
        double x2y = x * x * y;
        du[0] = a - (b + 1.0) * x + x2y;
        du[1] = b * x - x2y;
    }
}
