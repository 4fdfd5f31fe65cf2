namespace Continuation.Systems;

/// <summary>A named parameter of a system with its default value.</summary>
public sealed record Parameter(string Name, double Default, string? Description = null);

/// <summary>
/// An autonomous ODE system u' = f(u, p). The right-hand side is required; analytic
/// Jacobians are optional capabilities (see <see cref="HasStateJacobian"/> and
/// <see cref="HasParameterJacobian"/>). Where they are absent, <see cref="Derivatives"/>
/// falls back to finite differences.
/// </summary>
/// <remarks>
/// Implementations must be stateless (or at least thread-safe for concurrent calls) and must
/// not allocate in <see cref="Evaluate"/> or in the Jacobian methods: they sit in the innermost
/// loops of Newton solvers and collocation.
/// </remarks>
public abstract class OdeSystem
{
    /// <summary>Name by which case files refer to the system.</summary>
    public abstract string Name { get; }

    /// <summary>One-line description, shown by <c>cont models</c>.</summary>
    public virtual string Description => "";

    /// <summary>State variable names, in the order of the state vector.</summary>
    public abstract IReadOnlyList<string> StateNames { get; }

    /// <summary>Parameters, in the order of the parameter vector, with their defaults.</summary>
    public abstract IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Unit of time (e.g. "ms"), used to turn periods into frequencies; null if none.</summary>
    public virtual string? TimeUnit => null;

    /// <summary>Units of the state variables (in state order, null entries for none), for axis labels; null if none are declared.</summary>
    public virtual IReadOnlyList<string?>? StateUnits => null;

    /// <summary>Number of state variables.</summary>
    public int Dimension => StateNames.Count;

    /// <summary>Writes f(u, p) into <paramref name="du"/>.</summary>
    public abstract void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du);

    /// <summary>True when <see cref="StateJacobian"/> is implemented analytically.</summary>
    public virtual bool HasStateJacobian => false;

    /// <summary>
    /// Writes ∂f/∂u, row-major n×n (entry (i, j) = ∂f_i/∂u_j at index i·n + j).
    /// Only called when <see cref="HasStateJacobian"/> is true.
    /// </summary>
    public virtual void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
        => throw new NotSupportedException($"{Name} has no analytic state Jacobian.");

    /// <summary>True when <see cref="ParameterJacobian"/> is implemented analytically.</summary>
    public virtual bool HasParameterJacobian => false;

    /// <summary>
    /// Writes ∂f/∂p_k (a column of length n) for the parameter with index <paramref name="parameter"/>.
    /// Only called when <see cref="HasParameterJacobian"/> is true.
    /// </summary>
    public virtual void ParameterJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, int parameter, Span<double> column)
        => throw new NotSupportedException($"{Name} has no analytic parameter Jacobian.");

    /// <summary>
    /// True when <see cref="SecondDirectionalDerivative"/> and <see cref="ThirdDirectionalDerivative"/>
    /// are implemented analytically (else the normal-form coefficients use finite differences of f).
    /// </summary>
    public virtual bool HasHigherDerivatives => false;

    /// <summary>
    /// Writes d²/dt² f(u + t x, p) at t = 0, i.e. B(x, x) = Σ ∂²f/∂u_j∂u_k x_j x_k (length n).
    /// Only called when <see cref="HasHigherDerivatives"/> is true.
    /// </summary>
    public virtual void SecondDirectionalDerivative(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, Span<double> result)
        => throw new NotSupportedException($"{Name} has no analytic second derivatives.");

    /// <summary>
    /// Writes d³/dt³ f(u + t x, p) at t = 0, i.e. C(x, x, x) = Σ ∂³f/∂u_j∂u_k∂u_l x_j x_k x_l (length n).
    /// Only called when <see cref="HasHigherDerivatives"/> is true.
    /// </summary>
    public virtual void ThirdDirectionalDerivative(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, Span<double> result)
        => throw new NotSupportedException($"{Name} has no analytic third derivatives.");

    /// <summary>Index of a state variable by name, or −1.</summary>
    public int StateIndex(string name)
    {
        for (int i = 0; i < StateNames.Count; i++) if (StateNames[i] == name) return i;
        return -1;
    }

    /// <summary>Index of a parameter by name, or −1.</summary>
    public int ParameterIndex(string name)
    {
        for (int i = 0; i < Parameters.Count; i++) if (Parameters[i].Name == name) return i;
        return -1;
    }

    /// <summary>The default parameter vector.</summary>
    public double[] DefaultParameters()
    {
        var p = new double[Parameters.Count];
        for (int i = 0; i < p.Length; i++) p[i] = Parameters[i].Default;
        return p;
    }
}
