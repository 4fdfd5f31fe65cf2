namespace Continuation.Transverse;

/// <summary>
/// A capability of an <see cref="Systems.OdeSystem"/> that is the homogeneous reduction of a
/// network of identical nodes: node k obeys x_k' = F(x_k) + ε Σ_j W_kj H(x_j) with Σ_j W_kj = 1,
/// so on the homogeneous manifold (all x_k equal) the system is u' = F(u) + ε H(u). The system
/// declares only which parameter is ε and the Jacobian DH of the coupling input; the engine never
/// needs to know which variables couple.
/// </summary>
/// <remarks>
/// The system's own Jacobian is J_hom = DF + ε DH, so the transverse operator of a mode with
/// eigenvalue Λ of W is DF + ε Λ DH = J_hom + ε (Λ − 1) DH (Pecora and Carroll, Phys. Rev. Lett.
/// 80, 2109 (1998)). Implementations must be thread-safe and should not allocate, like the rest
/// of <see cref="Systems.OdeSystem"/>.
/// </remarks>
public interface ICoupledSystem
{
    /// <summary>Name of the parameter that is the global coupling strength ε (e.g. <c>eps</c>).</summary>
    string CouplingParameter { get; }

    /// <summary>
    /// Writes DH(u), the Jacobian of the coupling input H with respect to the state of the sending
    /// node, row-major n × n (entry (i, j) at i·n + j), at the state <paramref name="u"/> and
    /// parameters <paramref name="p"/>. It does not include the factor ε.
    /// </summary>
    void CouplingJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> dh);

    /// <summary>
    /// Writes H(u), the coupling input a node in state <paramref name="u"/> sends (length n), without
    /// the factor ε. Since the system is F + ε H with F free of ε, this is ∂f/∂ε: the network
    /// (<see cref="Network.NetworkSystem"/>) is built from it.
    /// </summary>
    void CouplingInput(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> h);
}
