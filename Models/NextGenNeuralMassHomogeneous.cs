using Continuation.Systems;
using Continuation.Transverse;

namespace Models;

/// <summary>
/// The homogeneous system of the network of next-generation neural-mass nodes: the dynamics
/// on the invariant manifold where all nodes are equal. It is the single node
/// (<see cref="NextGenNeuralMassNode"/>) with J_ee → J_ee + ε and J_ie → J_ie + ε.
/// </summary>
/// <remarks>
/// With a row-normalised connectivity W (Σ_j W_kj = 1), the coupling input τ ε Σ_j W_kj s_e,j
/// in the v_e and v_i equations reduces to τ ε s_e on the homogeneous manifold
/// (DESIGN.md section 2). Both Jacobians are analytic; ∂f/∂ε = ∂f/∂J_ee + ∂f/∂J_ie.
/// </remarks>
public sealed class NextGenNeuralMassHomogeneous : OdeSystem, ICoupledSystem
{
    /// <summary>Parameter indices, in the order of <see cref="Parameters"/>.</summary>
    public const int IextE = 0, Eps = 1, IextI = 2, TauE = 3, TauI = 4, TauSE = 5, TauSI = 6,
        NuE = 7, NuI = 8, DeltaE = 9, DeltaI = 10, Jee = 11, Jei = 12, Jii = 13, Jie = 14;

    private static readonly IReadOnlyList<Parameter> ParameterList = NextGenNeuralMassEquations.ParameterList(coupling: true);

    /// <inheritdoc/>
    public override string Name => "NextGenNeuralMass.Homogeneous";

    /// <inheritdoc/>
    public override string Description => "Homogeneous manifold of the coupled neural-mass network (node with J_ee+ε, J_ie+ε), 6-D.";

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
        var q = Resolve(p);
        switch (parameter)
        {
            case IextE: NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.IextE, column); break;
            case Eps:
                NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.Jee, column);
                NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.Jie, column, add: true);
                break;
            case IextI: NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.IextI, column); break;
            case TauE: NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.TauE, column); break;
            case TauI: NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.TauI, column); break;
            case TauSE: NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.TauSE, column); break;
            case TauSI: NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.TauSI, column); break;
            case NuE: NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.NuE, column); break;
            case NuI: NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.NuI, column); break;
            case DeltaE: NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.DeltaE, column); break;
            case DeltaI: NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.DeltaI, column); break;
            case Jee: NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.Jee, column); break;
            case Jei: NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.Jei, column); break;
            case Jii: NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.Jii, column); break;
            case Jie: NextGenNeuralMassEquations.ParameterColumn(q, u, NodeParameter.Jie, column); break;
            default: throw new ArgumentOutOfRangeException(nameof(parameter));
        }
    }

    /// <inheritdoc/>
    public string CouplingParameter => "eps";

    /// <summary>
    /// DH of the network coupling ε Σ_j W_kj s_e,j, which enters the v_e and v_i equations (after
    /// division by τ, DESIGN.md section 2): 1 at (v_e, s_e) and (v_i, s_e), zero elsewhere.
    /// </summary>
    public void CouplingJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> dh)
    {
        const int n = 6, ve = NextGenNeuralMassEquations.VE, vi = NextGenNeuralMassEquations.VI, se = NextGenNeuralMassEquations.SE;
        dh[..(n * n)].Clear();
        dh[ve * n + se] = 1.0;
        dh[vi * n + se] = 1.0;
    }

    /// <summary>H(u) = s_e in the v_e and v_i equations (= ∂f/∂ε), zero elsewhere.</summary>
    public void CouplingInput(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> h)
    {
        h[..6].Clear();
        h[NextGenNeuralMassEquations.VE] = u[NextGenNeuralMassEquations.SE];
        h[NextGenNeuralMassEquations.VI] = u[NextGenNeuralMassEquations.SE];
    }

    private static NodeParameters Resolve(ReadOnlySpan<double> p) => new(
        IextE: p[IextE], IextI: p[IextI],
        TauE: p[TauE], TauI: p[TauI], TauSE: p[TauSE], TauSI: p[TauSI],
        NuE: p[NuE], NuI: p[NuI],
        DeltaE: p[DeltaE], DeltaI: p[DeltaI],
        Jee: p[Jee] + p[Eps], Jei: p[Jei], Jii: p[Jii], Jie: p[Jie] + p[Eps]);
}
