using System.Numerics;
using Continuation.Integration;
using Continuation.Results;
using Continuation.Systems;
using Continuation.Transverse;

namespace Continuation.Network;

/// <summary>Whether a homogeneous state is an equilibrium or a cycle.</summary>
public enum HomogeneousState
{
    /// <summary>An equilibrium: growth rates are eigenvalues.</summary>
    Equilibrium,
    /// <summary>A periodic orbit: growth rates are Floquet exponents, ln|μ|/T.</summary>
    Cycle,
}

/// <summary>A growth rate fitted to a simulation: the slope of ln|c(t)| by least squares.</summary>
/// <param name="Rate">The fitted rate (per time unit); NaN when fewer than three samples were in the linear regime.</param>
/// <param name="Samples">Samples used.</param>
/// <param name="From">First time used.</param>
/// <param name="To">Last time used.</param>
/// <param name="Scatter">Root-mean-square deviation of ln|c| from the fitted line.</param>
public sealed record GrowthFit(double Rate, int Samples, double From, double To, double Scatter);

/// <summary>
/// Prediction meets simulation for one network mode α on one homogeneous state: the transverse
/// analysis predicts how a perturbation along the mode grows; the probe gives the perturbation that
/// excites that growth, samples the simulated network and fits the rate it actually grew at.
/// </summary>
/// <remarks>
/// <para>The network's deviation along mode α is z(t) = Σ_k u_α,k x_k(t) (u_α the left eigenvector
/// of W); linearised, it obeys z' = [J(x(t)) + ε(Λ_α − 1) DH(x(t))] z, the transverse equation.
/// The probe reads c(t) = yᵀ z(t) with y the left eigenvector of the leading growth: for an
/// equilibrium c(t) = e^{λt} c(0) exactly, for a cycle c(t₀ + mT) = μ^m c(t₀) at the
/// stroboscopic times, with no transient from the other directions. The fitted rate is the slope
/// of ln|c| over the samples in the linear regime (|c| between 10⁻⁶ and 10³ times its start).</para>
/// <para>The prediction is the transverse analysis's (<see cref="TransverseStability"/>: the
/// eigenvalues of the transverse matrix, or the collocation Floquet multipliers). The leading
/// Floquet vectors of a cycle come from the mode's monodromy matrix integrated along the cycle
/// (tolerance 1e-11), whose leading multiplier is reported too as an independent check.</para>
/// </remarks>
public sealed class ModeProbe
{
    readonly Complex[] _left;
    readonly int _n;
    readonly List<(double T, double LogAbs)> _samples = [];
    readonly Complex[] _z;

    ModeProbe(NetworkModes modes, int mode, HomogeneousState kind, double? period, double predicted, Complex leading, Complex? integrated,
        double[] direction, Complex[] left, double? maxStep = null)
    {
        MaxStep = maxStep;
        Modes = modes;
        Mode = mode;
        Kind = kind;
        Period = period;
        PredictedRate = predicted;
        Leading = leading;
        IntegratedLeading = integrated;
        NodeDirection = direction;
        _left = left;
        _n = direction.Length;
        _z = new Complex[_n];
    }

    /// <summary>The network's modes.</summary>
    public NetworkModes Modes { get; }

    /// <summary>The mode α probed.</summary>
    public int Mode { get; }

    /// <summary>Λ_α.</summary>
    public Complex Lambda => Modes.Eigenvalue(Mode);

    /// <summary>Equilibrium or cycle.</summary>
    public HomogeneousState Kind { get; }

    /// <summary>The cycle's period; null for an equilibrium.</summary>
    public double? Period { get; }

    /// <summary>The predicted growth rate: Re λ, or ln|μ|/T (per time unit).</summary>
    public double PredictedRate { get; }

    /// <summary>The leading eigenvalue λ (equilibrium) or Floquet multiplier μ (cycle) of the transverse analysis.</summary>
    public Complex Leading { get; }

    /// <summary>For a cycle, the leading multiplier of the monodromy integrated along it (a check on <see cref="Leading"/>); null for an equilibrium.</summary>
    public Complex? IntegratedLeading { get; }

    /// <summary>
    /// The largest step that resolves the perturbation: on an equilibrium the base state does not
    /// move, so nothing but stability bounds the integrator's steps, and a perturbation far below
    /// the tolerances would be carried with steps of h·|λ| near the edge of the method's stability
    /// region (its growth then numerical, not the model's). The probe asks for h·|λ| ≤ 0.2 for the
    /// leading λ and h·ρ ≤ 2 for the spectral radius ρ over all modes. Null on a cycle (the orbit's
    /// own accuracy sets the steps).
    /// </summary>
    public double? MaxStep { get; }

    /// <summary>The node-space direction ξ of the leading growth (real part, largest entry 1): the perturbation is a·v_α,k·ξ on node k.</summary>
    public double[] NodeDirection { get; }

    /// <summary>The probe of mode <paramref name="mode"/> on the equilibrium <paramref name="point"/>.</summary>
    /// <exception cref="ArithmeticException">The transverse matrix has no eigen-decomposition.</exception>
    public static ModeProbe ForEquilibrium(TransverseStability analysis, NetworkModes modes, int mode, BranchPoint point)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(point);
        var lambda = modes.Eigenvalue(mode);
        var values = analysis.EquilibriumEigenvalues(point.State, point.Parameters, lambda);
        var leading = values.MaxBy(v => v.Real);
        if (double.IsNaN(leading.Real)) throw new ArithmeticException("the transverse eigenvalues could not be computed");
        var a = TransverseMatrix(analysis, point.State, point.Parameters, lambda);
        var (right, left) = Vectors(a, point.State.Length, leading);
        double radius = 0;
        for (int b = 0; b < modes.Count; b++)
            foreach (var v in analysis.EquilibriumEigenvalues(point.State, point.Parameters, modes.Eigenvalue(b)))
                if (double.IsFinite(v.Magnitude)) radius = Math.Max(radius, v.Magnitude);
        double maxStep = Math.Min(0.2 / Math.Max(leading.Magnitude, 1e-300), 2 / Math.Max(radius, 1e-300));
        return new ModeProbe(modes, mode, HomogeneousState.Equilibrium, null, leading.Real, leading, null, Direction(right), left, maxStep);
    }

    /// <summary>The probe of mode <paramref name="mode"/> on the cycle <paramref name="point"/> (a point of a branch continued in parameter <paramref name="parameter"/>), from its state at t = 0.</summary>
    /// <exception cref="ArithmeticException">The multipliers or the monodromy could not be computed.</exception>
    public static ModeProbe ForCycle(TransverseStability analysis, NetworkModes modes, int mode, BranchPoint point, int parameter)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(point);
        double period = point.Period ?? throw new ArgumentException("the point is not a cycle", nameof(point));
        var lambda = modes.Eigenvalue(mode);
        var mu = analysis.CycleMultipliers(point, parameter, lambda)[0];
        if (double.IsNaN(mu.Real)) throw new ArithmeticException("the transverse Floquet multipliers could not be computed");
        int n = point.State.Length;
        var monodromy = Monodromy(analysis, point.State, point.Parameters, lambda, period);
        var values = Algebra.Spectrum.TryEigenvalues(monodromy, n) ?? throw new ArithmeticException("the mode's monodromy matrix has no eigen-decomposition");
        var integrated = values.MaxBy(v => v.Magnitude);
        var (right, left) = Vectors(monodromy, n, integrated);
        return new ModeProbe(modes, mode, HomogeneousState.Cycle, period, Math.Log(mu.Magnitude) / period, mu, integrated, Direction(right), left);
    }

    /// <summary>The transverse operator J + ε(Λ − 1)·DH of mode Λ (its real part) as a tangent operator.</summary>
    static Lyapunov.DenseTangent TransverseOperator(TransverseStability analysis, ReadOnlySpan<double> p, Complex lambda)
        => new(analysis.System, (ICoupledSystem)analysis.System, p[analysis.CouplingParameterIndex] * (lambda.Real - 1));

    /// <summary>J(x) + ε(Λ − 1) DH(x), row-major.</summary>
    static double[] TransverseMatrix(TransverseStability analysis, ReadOnlySpan<double> x, ReadOnlySpan<double> p, Complex lambda)
    {
        var operatorAt = TransverseOperator(analysis, p, lambda);
        operatorAt.Load(x, p);
        return operatorAt.Matrix.ToArray();
    }

    /// <summary>The mode's monodromy matrix: Z' = [J(x) + ε(Λ − 1)DH(x)] Z along x' = f(x) over one period, row-major.</summary>
    static double[] Monodromy(TransverseStability analysis, double[] x0, double[] p, Complex lambda, double period)
        => Lyapunov.LyapunovSpectrum.Flow(analysis.System, TransverseOperator(analysis, p, lambda), p, x0, period, 1e-11, 1e-13)
           ?? throw new ArithmeticException("the mode's monodromy could not be integrated");

    /// <summary>Right and left eigenvectors of the real matrix <paramref name="a"/> for its eigenvalue nearest <paramref name="target"/>.</summary>
    static (Complex[] Right, Complex[] Left) Vectors(double[] a, int n, Complex target)
    {
        var complex = new Complex[n * n];
        var transposed = new Complex[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) { complex[i * n + j] = a[i * n + j]; transposed[j * n + i] = a[i * n + j]; }
        var right = Algebra.Spectrum.TryNearest(complex, n, target) ?? throw new ArithmeticException("no eigenvector of the transverse matrix");
        var left = Algebra.Spectrum.TryNearest(transposed, n, target) ?? throw new ArithmeticException("no left eigenvector of the transverse matrix");
        return (right.Vector, left.Vector);
    }

    /// <summary>The real part of v (the imaginary part when that is larger), largest entry 1.</summary>
    static double[] Direction(Complex[] v)
    {
        double re = v.Max(c => Math.Abs(c.Real)), im = v.Max(c => Math.Abs(c.Imaginary));
        var d = v.Select(c => im > re ? c.Imaginary : c.Real).ToArray();
        double scale = d.MaxBy(Math.Abs);
        for (int i = 0; i < d.Length; i++) d[i] /= scale;
        return d;
    }

    /// <summary>
    /// The network state <paramref name="node"/> on every node plus the mode perturbation
    /// a·v_α,k·ξ (v_α's real pattern and ξ = <see cref="NodeDirection"/> each scaled to largest entry
    /// 1, so the largest entry of the perturbation is <paramref name="amplitude"/>).
    /// </summary>
    public double[] Perturbed(NetworkSystem network, ReadOnlySpan<double> node, double amplitude)
        => NetworkPerturbation.Mode(network, node, Modes, Mode, NodeDirection, amplitude);

    /// <summary>Sample times for the fit: every period from <paramref name="t0"/> for a cycle, 400 evenly spaced for an equilibrium.</summary>
    public SampleGrid Grid(double t0, double t1)
    {
        _samples.Clear();
        double step = Period ?? (t1 - t0) / 400;
        int count = (int)Math.Floor((t1 - t0) / step * (1 + 1e-12)) + 1;
        return new SampleGrid(t0, step, count, Record);
    }

    void Record(int index, double t, ReadOnlySpan<double> u)
    {
        Modes.Project(Mode, u, _n, _z);
        Complex c = 0;
        for (int i = 0; i < _n; i++) c += _left[i] * _z[i];
        _samples.Add((t, Math.Log(c.Magnitude)));
    }

    /// <summary>ln|c(t)| at the samples taken so far.</summary>
    public IReadOnlyList<(double T, double LogAbs)> Samples => _samples;

    /// <summary>The growth rate fitted to the samples in the linear regime (|c| from 10⁻⁶ to 10³ times its first value).</summary>
    public GrowthFit Fit()
    {
        if (_samples.Count == 0) return new GrowthFit(double.NaN, 0, double.NaN, double.NaN, double.NaN);
        double start = _samples[0].LogAbs, low = start + Math.Log(1e-6), high = start + Math.Log(1e3);
        var used = new List<(double T, double L)>();
        foreach (var s in _samples)
        {
            if (!double.IsFinite(s.LogAbs) || s.LogAbs < low || s.LogAbs > high) break;
            used.Add(s);
        }
        if (used.Count < 3) return new GrowthFit(double.NaN, used.Count, double.NaN, double.NaN, double.NaN);
        double mt = used.Average(s => s.T), ml = used.Average(s => s.L);
        double sxy = used.Sum(s => (s.T - mt) * (s.L - ml)), sxx = used.Sum(s => (s.T - mt) * (s.T - mt));
        double rate = sxy / sxx, intercept = ml - rate * mt;
        double scatter = Math.Sqrt(used.Average(s => Math.Pow(s.L - intercept - rate * s.T, 2)));
        return new GrowthFit(rate, used.Count, used[0].T, used[^1].T, scatter);
    }
}
