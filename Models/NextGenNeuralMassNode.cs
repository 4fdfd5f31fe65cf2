using Continuation.Systems;

namespace Models;

/// <summary>
/// One uncoupled next-generation neural-mass node: excitatory and inhibitory populations,
/// each with firing rate r, mean membrane potential v and synaptic activation s.
/// </summary>
/// <remarks>
/// Per population p ∈ {e, i} (DESIGN.md section 2):
/// <code>
/// τ_p r_p'  = Δ_p/(π τ_p) + 2 r_p v_p
/// τ_p v_p'  = v_p² + ν_p − (π τ_p r_p)² + I_p + τ_p J_pe s_e − τ_p J_pi s_i
/// τ_sp s_p' = −s_p + r_p
/// </code>
/// with I_e = <c>Iext_e</c>, I_i = <c>Iext_i</c>. The firing-rate equations are the exact
/// mean field of Montbrió, Pazó and Roxin (Phys. Rev. X 5, 021028, 2015). Both Jacobians are analytic.
/// </remarks>
public sealed class NextGenNeuralMassNode : OdeSystem
{
    /// <summary>Parameter indices, in the order of <see cref="Parameters"/>.</summary>
    public const int IextE = 0, IextI = 1, TauE = 2, TauI = 3, TauSE = 4, TauSI = 5,
        NuE = 6, NuI = 7, DeltaE = 8, DeltaI = 9, Jee = 10, Jei = 11, Jii = 12, Jie = 13;

    private static readonly IReadOnlyList<Parameter> ParameterList = NextGenNeuralMassEquations.ParameterList(coupling: false);

    /// <inheritdoc/>
    public override string Name => "NextGenNeuralMass.Node";

    /// <inheritdoc/>
    public override string Description => "Uncoupled next-generation neural-mass node (E–I, synaptic dynamics), 6-D.";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => NextGenNeuralMassEquations.StateNames;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => ParameterList;

    /// <inheritdoc/>
    public override string? TimeUnit => "ms";

    /// <summary>Firing rates and synaptic activations in 1/ms (kHz), mean membrane potentials in mV.</summary>
    public override IReadOnlyList<string?>? StateUnits => NextGenNeuralMassEquations.StateUnits;

    /// <inheritdoc/>
    public override bool HasStateJacobian => true;

    /// <inheritdoc/>
    public override bool HasParameterJacobian => true;

    /// <inheritdoc/>
    public override bool HasHigherDerivatives => true;

    /// <inheritdoc/>
    public override void SecondDirectionalDerivative(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, Span<double> result)
        => NextGenNeuralMassEquations.SecondDirectional(Resolve(p), x, result);

    /// <inheritdoc/>
    public override void ThirdDirectionalDerivative(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, Span<double> result)
        => result[..Dimension].Clear(); // f is quadratic in the state

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        => NextGenNeuralMassEquations.Evaluate(Resolve(p), u, du);

    /// <inheritdoc/>
    public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
        => NextGenNeuralMassEquations.StateJacobian(Resolve(p), u, jac);

    /// <inheritdoc/>
    public override void ParameterJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, int parameter, Span<double> column)
    {
        if ((uint)parameter >= (uint)ParameterList.Count)
            throw new ArgumentOutOfRangeException(nameof(parameter));
        // The node's parameter order is exactly the order of NodeParameter.
        NextGenNeuralMassEquations.ParameterColumn(Resolve(p), u, (NodeParameter)parameter, column);
    }

    private static NodeParameters Resolve(ReadOnlySpan<double> p) => new(
        IextE: p[IextE], IextI: p[IextI],
        TauE: p[TauE], TauI: p[TauI], TauSE: p[TauSE], TauSI: p[TauSI],
        NuE: p[NuE], NuI: p[NuI],
        DeltaE: p[DeltaE], DeltaI: p[DeltaI],
        Jee: p[Jee], Jei: p[Jei], Jii: p[Jii], Jie: p[Jie]);
}
