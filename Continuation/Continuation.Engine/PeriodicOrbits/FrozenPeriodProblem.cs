using Continuation.Systems;

namespace Continuation.PeriodicOrbits;

/// <summary>
/// Cycles of one fixed, large period T in two parameters: the large-period approximation of a
/// homoclinic curve. The collocation system is that of <see cref="PeriodicOrbitProblem"/>; the
/// period is frozen at T and the second parameter takes its place among the unknowns (x at
/// <see cref="SecondParameterComponent"/>, the period's slot).
/// </summary>
/// <remarks>
/// A cycle of large period spends most of it near a saddle; continued at fixed period in two
/// parameters it follows the homoclinic curve, with a parameter error exponentially small in T
/// (Beyn, IMA J. Numer. Anal. 10 (1990) 379–405; Kuznetsov, Elements of Applied Bifurcation
/// Theory, ch. 10). Folds, branch points and bifurcations of the family are not detected along it
/// (the facade switches them off).
/// </remarks>
public sealed class FrozenPeriodProblem : PeriodicOrbitProblem
{
    readonly int _second;
    readonly double _period;

    /// <param name="system">The vector field.</param>
    /// <param name="parameters">The full parameter vector (both continued ones are overwritten from x).</param>
    /// <param name="parameter">Index of the first continued parameter.</param>
    /// <param name="secondParameter">Index of the second continued parameter (in the period's slot of x).</param>
    /// <param name="period">The frozen period (positive).</param>
    /// <param name="mesh">The discretisation.</param>
    /// <param name="options">Mesh adaptation and threads (the period weight does not apply: the slot holds a parameter, weighted 1).</param>
    public FrozenPeriodProblem(OdeSystem system, ReadOnlySpan<double> parameters, int parameter, int secondParameter, double period,
        CycleMesh mesh, CollocationOptions options)
        : base(system, parameters, parameter, mesh, options)
    {
        if (!(period > 0)) throw new ArgumentException($"a frozen period must be positive, got {period}", nameof(period));
        if (secondParameter < 0 || secondParameter >= system.Parameters.Count || secondParameter == parameter)
            throw new ArgumentException($"{secondParameter} is not a second parameter of model {system.Name}", nameof(secondParameter));
        _second = secondParameter;
        _period = period;
    }

    /// <summary>Index of the second parameter in x (the slot the period has in a <see cref="PeriodicOrbitProblem"/>).</summary>
    public int SecondParameterComponent => PeriodComponent;

    /// <summary>The second continued parameter's index in the parameter vector.</summary>
    public int SecondParameter => _second;

    /// <summary>The frozen period, whatever x.</summary>
    public override double PeriodAt(ReadOnlySpan<double> x) => _period;

    private protected override void SetParameters(ReadOnlySpan<double> x, double[] p)
    {
        base.SetParameters(x, p);
        p[_second] = x[SecondParameterComponent];
    }

    /// <summary>∂(u' − T f)/∂p₂ = −T ∂f/∂p₂ at the frozen T.</summary>
    private protected override void PeriodColumn(Derivatives d, double[] u, double[] p, double period, double[] f)
    {
        d.ParameterDerivative(u, p, _second, f);
        for (int s = 0; s < f.Length; s++) f[s] = -period * f[s];
    }

    private protected override double PeriodWeight => 1;

    private protected override PeriodicOrbitProblem Twin(double[] parameters, CollocationOptions options)
        => new FrozenPeriodProblem(System, parameters, Parameter, _second, _period, Mesh, options);
}
