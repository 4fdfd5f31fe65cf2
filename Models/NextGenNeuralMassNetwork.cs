using Continuation.Systems;
using Continuation.Transverse;

namespace Models;

/// <summary>
/// The full network of N next-generation neural-mass nodes coupled through a connectivity matrix W:
/// 6N states, node k's (r_e, v_e, s_e, r_i, v_i, s_i) at 6k … 6k + 5. Node k's v_e and v_i equations
/// get + ε Σ_j W_kj s_e,j (DESIGN.md section 2, after division by τ).
/// </summary>
/// <remarks>
/// Not a catalog model (it needs a matrix): it exists to check the transverse analysis of the 6-D
/// <see cref="NextGenNeuralMassHomogeneous"/> against the whole network. Parameters are those of the
/// homogeneous system, with J_ee and J_ie the uncoupled node's (ε is not folded into them). The
/// Jacobian is analytic: block-diagonal node Jacobians plus the coupling ε W_kj in the (v_e, s_e)
/// and (v_i, s_e) entries of block (k, j); it is written densely (6N × 6N) as the
/// <see cref="OdeSystem"/> contract asks.
/// </remarks>
public sealed class NextGenNeuralMassNetwork : OdeSystem
{
    const int Node = 6;
    private static readonly IReadOnlyList<Parameter> ParameterList = NextGenNeuralMassEquations.ParameterList(coupling: true);
    readonly string[] _names;

    /// <summary>The network on the connectivity <paramref name="connectivity"/> (used as given: row-normalise it first for a homogeneous manifold).</summary>
    public NextGenNeuralMassNetwork(ConnectivityMatrix connectivity)
    {
        ArgumentNullException.ThrowIfNull(connectivity);
        Connectivity = connectivity;
        Nodes = connectivity.Size;
        _names = new string[Node * Nodes];
        for (int k = 0; k < Nodes; k++)
            for (int s = 0; s < Node; s++) _names[k * Node + s] = $"{NextGenNeuralMassEquations.StateNames[s]}_{k}";
    }

    /// <summary>The coupling matrix W.</summary>
    public ConnectivityMatrix Connectivity { get; }

    /// <summary>Number of nodes N.</summary>
    public int Nodes { get; }

    /// <inheritdoc/>
    public override string Name => "NextGenNeuralMass.Network";

    /// <inheritdoc/>
    public override string Description => $"Network of {Nodes} neural-mass nodes coupled by ε Σ_j W_kj s_e,j, {Node * Nodes}-D.";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => _names;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => ParameterList;

    /// <inheritdoc/>
    public override string? TimeUnit => "ms";

    /// <inheritdoc/>
    public override bool HasStateJacobian => true;

    /// <inheritdoc/>
    public override bool HasParameterJacobian => true;

    /// <summary>The network state with every node in the state <paramref name="node"/> (length 6).</summary>
    public double[] Homogeneous(ReadOnlySpan<double> node)
    {
        var u = new double[Node * Nodes];
        for (int k = 0; k < Nodes; k++) node[..Node].CopyTo(u.AsSpan(k * Node, Node));
        return u;
    }

    /// <summary>Σ_j W_kj s_e,j: the coupling input of node k.</summary>
    double Input(ReadOnlySpan<double> u, int k)
    {
        var row = Connectivity.Row(k);
        double c = 0;
        for (int j = 0; j < row.Length; j++) c += row[j] * u[j * Node + NextGenNeuralMassEquations.SE];
        return c;
    }

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
    {
        var q = Resolve(p);
        double eps = p[NextGenNeuralMassHomogeneous.Eps];
        for (int k = 0; k < Nodes; k++)
        {
            var dk = du.Slice(k * Node, Node);
            NextGenNeuralMassEquations.Evaluate(q, u.Slice(k * Node, Node), dk);
            if (eps == 0) continue;
            double c = eps * Input(u, k);
            dk[NextGenNeuralMassEquations.VE] += c;
            dk[NextGenNeuralMassEquations.VI] += c;
        }
    }

    /// <inheritdoc/>
    public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
    {
        int n = Node * Nodes;
        var q = Resolve(p);
        double eps = p[NextGenNeuralMassHomogeneous.Eps];
        jac[..(n * n)].Clear();
        Span<double> block = stackalloc double[Node * Node];
        for (int k = 0; k < Nodes; k++)
        {
            NextGenNeuralMassEquations.StateJacobian(q, u.Slice(k * Node, Node), block);
            for (int i = 0; i < Node; i++)
                block.Slice(i * Node, Node).CopyTo(jac.Slice((k * Node + i) * n + k * Node, Node));
            var row = Connectivity.Row(k);
            int ve = (k * Node + NextGenNeuralMassEquations.VE) * n, vi = (k * Node + NextGenNeuralMassEquations.VI) * n;
            for (int j = 0; j < Nodes; j++)
            {
                double w = eps * row[j];
                if (w == 0) continue;
                jac[ve + j * Node + NextGenNeuralMassEquations.SE] += w;
                jac[vi + j * Node + NextGenNeuralMassEquations.SE] += w;
            }
        }
    }

    /// <inheritdoc/>
    public override void ParameterJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, int parameter, Span<double> column)
    {
        if ((uint)parameter >= (uint)ParameterList.Count) throw new ArgumentOutOfRangeException(nameof(parameter));
        var q = Resolve(p);
        for (int k = 0; k < Nodes; k++)
        {
            var ck = column.Slice(k * Node, Node);
            if (parameter == NextGenNeuralMassHomogeneous.Eps)
            {
                ck.Clear();
                double c = Input(u, k);
                ck[NextGenNeuralMassEquations.VE] = c;
                ck[NextGenNeuralMassEquations.VI] = c;
            }
            else
            {
                // The node's parameter order is the homogeneous order without eps.
                var which = (NodeParameter)(parameter < NextGenNeuralMassHomogeneous.Eps ? parameter : parameter - 1);
                NextGenNeuralMassEquations.ParameterColumn(q, u.Slice(k * Node, Node), which, ck);
            }
        }
    }

    private static NodeParameters Resolve(ReadOnlySpan<double> p) => new(
        IextE: p[NextGenNeuralMassHomogeneous.IextE], IextI: p[NextGenNeuralMassHomogeneous.IextI],
        TauE: p[NextGenNeuralMassHomogeneous.TauE], TauI: p[NextGenNeuralMassHomogeneous.TauI],
        TauSE: p[NextGenNeuralMassHomogeneous.TauSE], TauSI: p[NextGenNeuralMassHomogeneous.TauSI],
        NuE: p[NextGenNeuralMassHomogeneous.NuE], NuI: p[NextGenNeuralMassHomogeneous.NuI],
        DeltaE: p[NextGenNeuralMassHomogeneous.DeltaE], DeltaI: p[NextGenNeuralMassHomogeneous.DeltaI],
        Jee: p[NextGenNeuralMassHomogeneous.Jee], Jei: p[NextGenNeuralMassHomogeneous.Jei],
        Jii: p[NextGenNeuralMassHomogeneous.Jii], Jie: p[NextGenNeuralMassHomogeneous.Jie]);
}
