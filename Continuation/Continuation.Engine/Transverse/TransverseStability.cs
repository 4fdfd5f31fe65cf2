using System.Diagnostics;
using System.Numerics;
using Eigen = Continuation.Algebra.Spectrum;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;
using MathNet.Numerics.LinearAlgebra;

namespace Continuation.Transverse;

/// <summary>
/// Transverse (master-stability) analysis of homogeneous states of a network of identical nodes:
/// for every mode Λ of the connectivity W, the growth of perturbations along that mode, from the
/// homogeneous system (an <see cref="OdeSystem"/> that is an <see cref="ICoupledSystem"/>) alone.
/// </summary>
/// <remarks>
/// <para>
/// The transverse operator of mode Λ is DF + εΛ DH = J_hom + ε(Λ − 1) DH (Pecora and Carroll,
/// Phys. Rev. Lett. 80, 2109 (1998)). At an equilibrium the growth rates are its eigenvalues (real
/// Λ: a real n × n eigenproblem; complex Λ: a complex one). On a cycle they are the Floquet exponents
/// of ξ' = T [J_hom(u(t)) + ε(Λ − 1) DH(u(t))] ξ, computed on the cycle's own collocation mesh:
/// the homogeneous mode (Λ = 1) by the branch's own computation, so it reproduces the branch's
/// multipliers; the transverse modes of a point by one <see cref="CycleTransverseOperator"/> (the
/// same collocation equations eliminated interval by interval, the coupling's low rank exploited),
/// which agrees with the structured solver (<see cref="CycleMultipliers"/>, via
/// <see cref="PeriodicOrbitProblem.MultipliersWith"/>; for complex Λ the real form of the complex
/// equation, <see cref="RealifiedSystem"/>) to rounding and costs about 1/15 of it.
/// </para>
/// <para>
/// The instance holds only immutable data and may be shared; every call works in its own buffers.
/// Independent points (or, for few points, modes) are spread over
/// <see cref="TransverseOptions.MaxDegreeOfParallelism"/> threads, each with its own
/// <see cref="Derivatives"/> and <see cref="PeriodicOrbitProblem"/>.
/// </para>
/// </remarks>
public sealed class TransverseStability
{
    readonly ICoupledSystem _coupled;
    readonly int _n;

    /// <summary>
    /// Prepares the analysis of <paramref name="system"/>'s homogeneous states on the network whose
    /// modes are <paramref name="spectrum"/>. Throws <see cref="ArgumentException"/> when the system
    /// declares no coupling or its coupling parameter is not one of its parameters.
    /// </summary>
    public TransverseStability(OdeSystem system, ConnectivitySpectrum spectrum, TransverseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(spectrum);
        _coupled = system as ICoupledSystem
            ?? throw new ArgumentException($"model {system.Name} declares no network coupling (it does not implement {nameof(ICoupledSystem)})", nameof(system));
        CouplingParameterIndex = system.ParameterIndex(_coupled.CouplingParameter);
        if (CouplingParameterIndex < 0)
            throw new ArgumentException($"model {system.Name} names '{_coupled.CouplingParameter}' as its coupling parameter, which is not one of its parameters", nameof(system));
        System = system;
        Spectrum = spectrum;
        Options = (options ?? TransverseOptions.Default).Validate();
        _n = system.Dimension;
    }

    /// <summary>The homogeneous system.</summary>
    public OdeSystem System { get; }

    /// <summary>The network's modes.</summary>
    public ConnectivitySpectrum Spectrum { get; }

    /// <summary>The settings in force.</summary>
    public TransverseOptions Options { get; }

    /// <summary>Index of ε among the system's parameters.</summary>
    public int CouplingParameterIndex { get; }

    /// <summary>True when mode <paramref name="mode"/> is treated as real.</summary>
    bool IsReal(int mode) => Math.Abs(Spectrum.Eigenvalues[mode].Imaginary) <= Options.RealTolerance;

    // ---------------------------------------------------------------- equilibria

    /// <summary>
    /// Eigenvalues of J_hom + ε(Λ − 1)DH at the equilibrium (<paramref name="state"/>,
    /// <paramref name="parameters"/>), sorted by decreasing real part. Λ = 1 gives the eigenvalues
    /// of the homogeneous system itself.
    /// </summary>
    public Complex[] EquilibriumEigenvalues(ReadOnlySpan<double> state, ReadOnlySpan<double> parameters, Complex lambda)
    {
        var w = new EquilibriumWorker(this);
        w.Load(state, parameters);
        var ev = w.Eigenvalues(lambda, Math.Abs(lambda.Imaginary) <= Options.RealTolerance);
        Array.Sort(ev, (a, b) => b.Real.CompareTo(a.Real));
        return ev;
    }

    /// <summary>The growth of every mode at an equilibrium point (its <see cref="BranchPoint.State"/> and <see cref="BranchPoint.Parameters"/>).</summary>
    public TransversePoint AnalyzeEquilibrium(BranchPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        return new EquilibriumWorker(this).Analyze(point);
    }

    /// <summary>Per-thread buffers for equilibria (also one per line of an <see cref="InstabilityMap"/>).</summary>
    /// <summary>Eigenvalues that could not be computed: NaN, so that the growth they give is unknown.</summary>
    static Complex[] Unknown(int n) => Enumerable.Repeat(new Complex(double.NaN, double.NaN), n).ToArray();

    internal sealed class EquilibriumWorker(TransverseStability owner)
    {
        readonly Derivatives _d = new(owner.System);
        readonly int _n = owner._n;
        readonly double[] _jac = new double[owner._n * owner._n], _dh = new double[owner._n * owner._n];
        readonly double[] _real = new double[owner._n * owner._n];
        readonly Complex[] _complex = new Complex[owner._n * owner._n];
        double _eps;

        public void Load(ReadOnlySpan<double> state, ReadOnlySpan<double> parameters)
        {
            _d.StateJacobian(state, parameters, _jac);
            owner._coupled.CouplingJacobian(state, parameters, _dh);
            _eps = parameters[owner.CouplingParameterIndex];
        }

        /// <summary>Eigenvalues of J_hom + ε(Λ − 1)DH (unsorted).</summary>
        public Complex[] Eigenvalues(Complex lambda, bool real)
        {
            int n = _n;
            if (real)
            {
                double c = _eps * (lambda.Real - 1);
                for (int i = 0; i < n * n; i++) _real[i] = _jac[i] + c * _dh[i];
                return Eigen.TryEigenvalues(_real, n) ?? Unknown(n);
            }
            else
            {
                Complex c = _eps * (lambda - 1);
                for (int i = 0; i < n * n; i++) _complex[i] = _jac[i] + c * _dh[i];
                return Eigen.TryEigenvalues(_complex, n) ?? Unknown(n);
            }
        }

        /// <summary>The largest real part of an eigenvalue of J_hom + ε(Λ − 1)DH.</summary>
        public double LargestRealPart(Complex lambda, bool real)
        {
            double g = double.NegativeInfinity;
            foreach (var z in Eigenvalues(lambda, real)) g = Math.Max(g, z.Real);
            return g;
        }

        public TransversePoint Analyze(BranchPoint point)
        {
            Load(point.State, point.Parameters);
            var spectrum = owner.Spectrum;
            int h = spectrum.HomogeneousMode;
            var modes = new ModeGrowth[spectrum.Size];
            for (int a = 0; a < modes.Length; a++)
            {
                var lambda = spectrum.Eigenvalues[a];
                // The homogeneous mode is the homogeneous system itself: Λ = 1 exactly.
                var ev = a == h ? Eigenvalues(1, real: true) : Eigenvalues(lambda, owner.IsReal(a));
                modes[a] = new ModeGrowth(lambda, Dominant(ev));
            }
            return new TransversePoint(point, HomogeneousStateKind.Equilibrium, modes, h, null);
        }

        /// <summary>The eigenvalue of largest real part; among ties the one with non-negative imaginary part.</summary>
        static Complex Dominant(Complex[] ev)
        {
            if (ev.Length == 0) return new Complex(double.NaN, double.NaN);
            var best = ev[0];
            foreach (var z in ev)
                if (z.Real > best.Real || (z.Real == best.Real && z.Imaginary > best.Imaginary)) best = z;
            return best;
        }
    }

    // ---------------------------------------------------------------- cycles

    /// <summary>
    /// Floquet multipliers of ξ' = T [J_hom + ε(Λ − 1)DH] ξ along the cycle of <paramref name="point"/>
    /// (a point of a cycle branch continued in the parameter with index <paramref name="parameter"/>;
    /// for a frozen-period branch also <paramref name="secondParameter"/>), sorted by decreasing modulus.
    /// Λ = 1 gives the cycle's own multipliers. NaN entries when they could not be computed.
    /// </summary>
    public Complex[] CycleMultipliers(BranchPoint point, int parameter, Complex lambda, int secondParameter = -1)
    {
        var w = new CycleWorker(this, point, parameter, secondParameter);
        var mu = w.Multipliers(lambda, Math.Abs(lambda.Imaginary) <= Options.RealTolerance);
        Array.Sort(mu, (a, b) => b.Magnitude.CompareTo(a.Magnitude));
        return mu;
    }

    /// <summary>
    /// The growth (Floquet exponent) of every mode on the cycle of <paramref name="point"/>, modes
    /// spread over the threads. <paramref name="parameter"/> is the branch's continued parameter
    /// (and <paramref name="secondParameter"/> its second one on a frozen-period branch).
    /// </summary>
    public TransversePoint AnalyzeCycle(BranchPoint point, int parameter, int secondParameter = -1)
    {
        ArgumentNullException.ThrowIfNull(point);
        CycleWorker.Check(point);
        int modes = Spectrum.Size, threads = Math.Min(Options.MaxDegreeOfParallelism, modes);
        var growth = new ModeGrowth[modes];
        double? trivial = null;
        Unwrap(() => Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var w = new CycleWorker(this, point, parameter, secondParameter);
            for (int a = t * modes / threads; a < (t + 1) * modes / threads; a++)
            {
                growth[a] = w.Growth(a, out double? e);
                if (e is not null) trivial = e;
            }
        }));
        return new TransversePoint(point, HomogeneousStateKind.Cycle, growth, Spectrum.HomogeneousMode, trivial);
    }

    /// <summary>One cycle's discretisation for one thread: the problem on the point's own mesh, and on demand its realified twin.</summary>
    sealed class CycleWorker
    {
        readonly TransverseStability _owner;
        readonly BranchPoint _point;
        readonly int _parameter, _second, _n;
        readonly PeriodicOrbitProblem _problem;
        readonly double _eps, _period;
        PeriodicOrbitProblem? _realified;
        double[]? _realifiedUnknowns;
        CycleTransverseOperator? _operator;
        CycleTransverseOperator.Workspace? _workspace;

        public CycleWorker(TransverseStability owner, BranchPoint point, int parameter, int secondParameter)
        {
            Check(point);
            _owner = owner;
            _point = point;
            _parameter = parameter;
            _second = secondParameter;
            _n = owner._n;
            _problem = Build(owner.System, point.Unknowns);
            _eps = point.Parameters[owner.CouplingParameterIndex];
            _period = _problem.PeriodAt(point.Unknowns);
        }

        public static void Check(BranchPoint point)
        {
            if (point.Cycle is null) throw new ArgumentException($"point {point.Index} is not a point of a cycle branch (no collocation mesh)", nameof(point));
        }

        PeriodicOrbitProblem Build(OdeSystem system, double[] unknowns)
        {
            var mesh = _point.Cycle!;
            var options = new CollocationOptions();
            var problem = _second >= 0
                ? new FrozenPeriodProblem(system, _point.Parameters, _parameter, _second, _point.Period ?? double.NaN, mesh, options)
                : new PeriodicOrbitProblem(system, _point.Parameters, _parameter, mesh, options);
            problem.Accept(unknowns);
            return problem;
        }

        /// <summary>Multipliers of mode Λ (unsorted).</summary>
        public Complex[] Multipliers(Complex lambda, bool real)
        {
            var coupled = _owner._coupled;
            int n = _n;
            if (real)
            {
                double c = _eps * (lambda.Real - 1);
                if (c == 0) return _problem.Multipliers(_point.Unknowns); // exactly the branch's own computation
                return _problem.MultipliersWith(_point.Unknowns, (u, p, jac) =>
                {
                    Span<double> dh = n * n <= 256 ? stackalloc double[256] : new double[n * n];
                    dh = dh[..(n * n)];
                    coupled.CouplingJacobian(u, p, dh);
                    for (int i = 0; i < dh.Length; i++) jac[i] += c * dh[i];
                });
            }
            Complex cc = _eps * (lambda - 1);
            double re = cc.Real, im = cc.Imaginary;
            if (_realified is null)
            {
                var x = _point.Unknowns;
                int nodes = _point.Cycle!.Nodes;
                var x2 = new double[2 * n * nodes + (x.Length - n * nodes)];
                for (int i = 0; i < nodes; i++)
                {
                    x.AsSpan(i * n, n).CopyTo(x2.AsSpan(2 * i * n, n));
                    x.AsSpan(i * n, n).CopyTo(x2.AsSpan(2 * i * n + n, n));
                }
                x.AsSpan(n * nodes).CopyTo(x2.AsSpan(2 * n * nodes));
                _realifiedUnknowns = x2;
                _realified = Build(new RealifiedSystem(_owner.System), x2);
            }
            var m2 = _realified.MonodromyWith(_realifiedUnknowns, (u, p, jac) =>
            {
                int n2 = 2 * n;
                Span<double> dh = n * n <= 256 ? stackalloc double[256] : new double[n * n];
                dh = dh[..(n * n)];
                coupled.CouplingJacobian(u[..n], p, dh);
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double d = dh[i * n + j];
                        if (d == 0) continue;
                        jac[i * n2 + j] += re * d;
                        jac[i * n2 + n + j] -= im * d;
                        jac[(n + i) * n2 + j] += im * d;
                        jac[(n + i) * n2 + n + j] += re * d;
                    }
            });
            // The complex monodromy from the realified one's upper-left and lower-left blocks.
            var m = new Complex[n * n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) m[i * n + j] = new Complex(m2[i * 2 * n + j], m2[(n + i) * 2 * n + j]);
            return Eigen.TryEigenvalues(m, n) ?? Unknown(n);
        }

        /// <summary>Growth of mode <paramref name="mode"/>; for the homogeneous mode also the trivial multiplier's distance from 1.</summary>
        public ModeGrowth Growth(int mode, out double? trivialError)
        {
            var spectrum = _owner.Spectrum;
            var lambda = spectrum.Eigenvalues[mode];
            bool homogeneous = mode == spectrum.HomogeneousMode;
            trivialError = null;
            if (!homogeneous)
            {
                // Transverse modes: the interval operators of this cycle, built once for all modes.
                try { _operator ??= CycleTransverseOperator.Build(_owner.System, _owner._coupled, _point.Cycle!, _point.Unknowns, _point.Parameters, _period); }
                catch (ArithmeticException) { return new ModeGrowth(lambda, new Complex(double.NaN, double.NaN)); }
                _workspace ??= new CycleTransverseOperator.Workspace(_operator);
                var kappa = _eps * ((_owner.IsReal(mode) ? new Complex(lambda.Real, 0) : lambda) - 1);
                return new ModeGrowth(lambda, _operator.DominantExponent(kappa, _workspace));
            }
            var mu = Multipliers(1, real: true);
            int skip = -1;
            if (homogeneous && mu.Length > 0)
            {
                skip = PeriodicOrbitProblem.TrivialIndex(mu);
                trivialError = (mu[skip] - 1).Magnitude;
            }
            return new ModeGrowth(lambda, Exponent(mu, skip, _period));
        }

        /// <summary>ln|μ|/T + i arg(μ)/T of the multiplier of largest modulus, skipping index <paramref name="skip"/>.</summary>
        static Complex Exponent(Complex[] mu, int skip, double period)
        {
            int best = -1;
            for (int i = 0; i < mu.Length; i++)
            {
                if (i == skip) continue;
                if (double.IsNaN(mu[i].Real) || double.IsNaN(mu[i].Imaginary)) return new Complex(double.NaN, double.NaN);
                if (best < 0 || mu[i].Magnitude > mu[best].Magnitude
                    || (mu[i].Magnitude == mu[best].Magnitude && mu[i].Imaginary > mu[best].Imaginary)) best = i;
            }
            if (best < 0) return new Complex(double.NegativeInfinity, 0);
            return new Complex(Math.Log(mu[best].Magnitude) / period, mu[best].Phase / period);
        }
    }

    // ---------------------------------------------------------------- branches

    /// <summary>
    /// Transverse stability of every point of <paramref name="branch"/>: equilibria for
    /// equilibrium branches and curves of equilibria (fold, Hopf), cycles for periodic and
    /// frozen-period (homoclinic) branches and for curves of folds, period doublings or torus
    /// bifurcations of cycles. Points are spread over the threads (modes, when the
    /// branch has fewer points than threads). <paramref name="progress"/> receives the number
    /// of points done. Throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public TransverseBranch Analyze(Branch branch, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(branch);
        if (!ReferenceEquals(branch.System, System) && branch.System.Name != System.Name)
            throw new ArgumentException($"branch {branch.Name} is of model {branch.System.Name}, not {System.Name}", nameof(branch));
        var clock = Stopwatch.StartNew();
        var points = branch.Points;
        var results = new TransversePoint[points.Count];
        // Curves of cycle bifurcations store each point's cycle (unknowns and mesh) as cycle branches do.
        bool cycles = branch.Kind.CarriesCycles();
        int parameter = -1, second = -1;
        if (cycles)
        {
            parameter = System.ParameterIndex(branch.ContinuedParameters[0]);
            if (branch.Kind == BranchKind.Homoclinic) second = System.ParameterIndex(branch.ContinuedParameters[1]);
        }
        int threads = Math.Max(1, Math.Min(Options.MaxDegreeOfParallelism, points.Count));
        int done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellation };
        if (!cycles)
        {
            Unwrap(() => Parallel.For(0, threads, parallel, t =>
            {
                var w = new EquilibriumWorker(this);
                for (int i = t * points.Count / threads; i < (t + 1) * points.Count / threads; i++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    results[i] = w.Analyze(points[i]);
                    progress?.Report(Interlocked.Increment(ref done));
                }
            }));
        }
        else if (points.Count >= 2 * Options.MaxDegreeOfParallelism)
        {
            // Many points: one point per thread at a time, its modes in sequence (one problem per point and thread).
            foreach (var point in points) CycleWorker.Check(point);
            Unwrap(() => Parallel.For(0, points.Count, parallel, i =>
            {
                results[i] = AnalyzeCycleSequential(points[i], parameter, second);
                progress?.Report(Interlocked.Increment(ref done));
            }));
        }
        else
        {
            foreach (var (point, i) in points.Select((p, i) => (p, i)))
            {
                cancellation.ThrowIfCancellationRequested();
                results[i] = AnalyzeCycle(point, parameter, second);
                progress?.Report(++done);
            }
        }
        return new TransverseBranch
        {
            Branch = branch.Name,
            BranchKind = branch.Kind,
            ContinuedParameters = branch.ContinuedParameters,
            Spectrum = Spectrum,
            Points = results,
            WallMilliseconds = clock.Elapsed.TotalMilliseconds,
            Threads = cycles && points.Count < 2 * Options.MaxDegreeOfParallelism ? Math.Min(Options.MaxDegreeOfParallelism, Spectrum.Size) : threads,
        };
    }

    /// <summary>Runs a parallel loop and rethrows the first error of its workers as itself, not wrapped.</summary>
    static void Unwrap(Action loop)
    {
        try { loop(); }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            var first = e.Flatten().InnerExceptions[0];
            global::System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    TransversePoint AnalyzeCycleSequential(BranchPoint point, int parameter, int second)
    {
        var w = new CycleWorker(this, point, parameter, second);
        var growth = new ModeGrowth[Spectrum.Size];
        double? trivial = null;
        for (int a = 0; a < growth.Length; a++)
        {
            growth[a] = w.Growth(a, out double? e);
            if (e is not null) trivial = e;
        }
        return new TransversePoint(point, HomogeneousStateKind.Cycle, growth, Spectrum.HomogeneousMode, trivial);
    }
}
