using System.Diagnostics;
using System.Numerics;
using Continuation.Algebra;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Systems;

namespace Continuation.Transverse;

/// <summary>One axis of a map: a parameter from <see cref="From"/> to <see cref="To"/> in steps of <see cref="Step"/>, both ends included.</summary>
public sealed record MapAxis(string Parameter, double From, double To, double Step)
{
    /// <summary>Number of grid values (To is included when it lies on the grid, up to rounding).</summary>
    public int Count => (int)Math.Floor((To - From) / Step + 1e-9) + 1;

    /// <summary>The i-th grid value, computed from From (no accumulated rounding).</summary>
    public double Value(int i) => From + i * Step;

    /// <summary>Throws <see cref="ArgumentException"/> for an empty or reversed axis.</summary>
    public MapAxis Validate()
    {
        if (!double.IsFinite(From) || !double.IsFinite(To)) throw new ArgumentException($"{Parameter}: the range must be finite, got [{From}, {To}]");
        if (!(Step > 0) || !double.IsFinite(Step)) throw new ArgumentException($"{Parameter}: the step must be positive, got {Step}");
        if (To < From) throw new ArgumentException($"{Parameter}: the range must increase, got [{From}, {To}]");
        return this;
    }
}

/// <summary>Settings of an instability map.</summary>
public sealed record MapOptions
{
    /// <summary>
    /// NTST × NCOL of the cycles. A map needs growth rates to a few digits, not the branch accuracy:
    /// the default (NTST 40, NCOL 4, adapted every 4 cells) keeps the transverse growth of the
    /// neural-mass cycles within about 1e-4 of NTST 100, NCOL 7.
    /// </summary>
    public CycleMesh Discretisation { get; init; } = CycleMesh.Uniform(40, 4);

    /// <summary>How the cycles' discretisation is used (adapted every 4 cells by default).</summary>
    public CollocationOptions Collocation { get; init; } = new() { AdaptEvery = 4 };

    /// <summary>How a lost attractor is searched for by integration.</summary>
    public AttractorOptions Attractors { get; init; } = new();

    /// <summary>Grid lines computed at once (default: every core).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Newton tolerance of the cell-to-cell corrections (relative to 1 + |x|).</summary>
    public double NewtonTolerance { get; init; } = 1e-9;

    /// <summary>The state every line starts from (default: zero, as the paper's authors did).</summary>
    public double[]? InitialState { get; init; }

    /// <summary>This, when every setting (the collocation settings included) is in range; otherwise an <see cref="ArgumentException"/>.</summary>
    public MapOptions Validate()
    {
        Collocation.Validate();
        if (MaxDegreeOfParallelism < 1) throw new ArgumentException($"MaxDegreeOfParallelism must be at least 1, got {MaxDegreeOfParallelism}.");
        if (!(NewtonTolerance > 0)) throw new ArgumentException($"the Newton tolerance must be positive, got {NewtonTolerance}.");
        return this;
    }
}

/// <summary>What the homogeneous system settles on in a cell.</summary>
public enum MapState
{
    /// <summary>A stable equilibrium.</summary>
    Equilibrium,
    /// <summary>A stable periodic orbit.</summary>
    Cycle,
    /// <summary>Neither: chaos, quasi-periodicity, escape or a transient too long to settle.</summary>
    Other,
}

/// <summary>
/// One cell of the map: the attractor of the homogeneous system reached there, and the growth of the
/// network modes on it.
/// </summary>
/// <param name="MaxGrowth">Largest real part of a transverse eigenvalue (equilibria) or Floquet exponent (cycles, per unit time) over Λ ≠ 1; NaN for <see cref="MapState.Other"/>.</param>
/// <param name="ArgmaxLambda">Λ of the mode where <paramref name="MaxGrowth"/> occurs.</param>
/// <param name="UnstableModes">Transverse modes with positive growth.</param>
/// <param name="Period">The cycle's period; null otherwise.</param>
/// <param name="Found">How the attractor was obtained: "continued" from the previous cell of the line, or "integrated" (a new search from the previous state, or from the initial state at a line's first cell).</param>
/// <param name="Note">Why a cell is <see cref="MapState.Other"/>, or what happened.</param>
/// <param name="Cause">For <see cref="MapState.Other"/>: not_settled (chaos, quasi-periodicity or a long transient),
/// escaped, integration_failed, or unstable_on_mesh (a periodic orbit found by integration that the map's discretisation
/// does not confirm as stable); null otherwise.</param>
public sealed record MapCell(double X, double Y, MapState State, double MaxGrowth, Complex ArgmaxLambda, int UnstableModes,
    double? Period, string Found, string? Note = null, string? Cause = null)
{
    /// <summary>True when some network mode grows on a stable homogeneous state.</summary>
    public bool TransverselyUnstable => State != MapState.Other && UnstableModes > 0;
}

/// <summary>An instability map: cells row by row (<see cref="Y"/> outer, <see cref="X"/> inner).</summary>
public sealed class MapResult
{
    /// <summary>The horizontal axis (inner: consecutive cells of a row).</summary>
    public required MapAxis X { get; init; }
    /// <summary>The vertical axis (outer: one row, a grid line, per value).</summary>
    public required MapAxis Y { get; init; }
    /// <summary>Every cell, row by row: cell (ix, iy) at index iy · X.Count + ix.</summary>
    public required IReadOnlyList<MapCell> Cells { get; init; }
    /// <summary>Wall-clock time of the computation, in milliseconds.</summary>
    public required double WallMilliseconds { get; init; }
    /// <summary>Grid lines computed at once (at most the number of lines).</summary>
    public required int Threads { get; init; }
    /// <summary>Cells whose attractor had to be searched by integration.</summary>
    public int Searches => Cells.Count(c => c.Found == "integrated");
    /// <summary>The cell at grid indices (<paramref name="ix"/>, <paramref name="iy"/>).</summary>
    /// <param name="ix">Index along <see cref="X"/> (0 … X.Count − 1).</param>
    /// <param name="iy">Index along <see cref="Y"/> (0 … Y.Count − 1).</param>
    public MapCell At(int ix, int iy) => Cells[iy * X.Count + ix];
}

/// <summary>
/// The transverse instability map of a parameter plane: in every cell of a grid, the attractor of the
/// homogeneous system and the growth of every network mode on it.
/// </summary>
/// <remarks>
/// <para>
/// Each grid line (fixed <see cref="MapResult.Y"/>) is swept in increasing X like a slow
/// experiment: the first cell's attractor is found by integrating from the initial state (zero, as
/// the paper's authors started every cell), every further cell continues the previous cell's
/// attractor by Newton at the new parameter value (equilibria directly, cycles by collocation at fixed
/// parameter, with a secant predictor and an adapted mesh). Only when the continued state is lost (a
/// fold, a Hopf point, a period doubling, a torus) is the new attractor searched by integrating from
/// the last state (<see cref="Attractors.Find"/>). Where two attractors coexist the line keeps the one
/// it came from; the cell's <see cref="MapCell.Found"/> says whether it was continued or searched.
/// </para>
/// <para>
/// Equilibria: the eigenvalues of J + ε(Λ − 1)DH for every mode. Cycles: the transverse Floquet
/// exponents by one <see cref="CycleTransverseOperator"/> per cell. Lines are independent and run on
/// <see cref="MapOptions.MaxDegreeOfParallelism"/> threads; the result does not depend on the number
/// of threads.
/// </para>
/// </remarks>
public static class InstabilityMap
{
    /// <summary>
    /// Computes the map over the grid <paramref name="x"/> × <paramref name="y"/> of the analysis's
    /// homogeneous system, other parameters from <paramref name="parameters"/>.
    /// <paramref name="progress"/> receives the number of finished lines.
    /// </summary>
    public static MapResult Compute(TransverseStability analysis, ReadOnlySpan<double> parameters, MapAxis x, MapAxis y,
        MapOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellation = default)
        => Compute(analysis, parameters, x, y, null, null, options, progress, cancellation);

    /// <summary>
    /// As <see cref="Compute(TransverseStability, ReadOnlySpan{double}, MapAxis, MapAxis, MapOptions?, IProgress{int}?, CancellationToken)"/>
    /// for the lines (values of <paramref name="y"/>) in <paramref name="lines"/> only (null: all):
    /// lines are independent, so a map can be shared out by lines. The cells of other lines are null.
    /// <paramref name="onLine"/> receives each line's cells as soon as it is done.
    /// </summary>
    public static MapResult Compute(TransverseStability analysis, ReadOnlySpan<double> parameters, MapAxis x, MapAxis y,
        IReadOnlyList<int>? lines, Action<int, MapCell[]>? onLine,
        MapOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        options = (options ?? new MapOptions()).Validate();
        x.Validate();
        y.Validate();
        var system = analysis.System;
        int ix = system.ParameterIndex(x.Parameter), iy = system.ParameterIndex(y.Parameter);
        if (ix < 0) throw new ArgumentException($"model {system.Name} has no parameter '{x.Parameter}'");
        if (iy < 0) throw new ArgumentException($"model {system.Name} has no parameter '{y.Parameter}'");
        if (ix == iy) throw new ArgumentException($"the two axes are the same parameter '{x.Parameter}'");
        if (options.InitialState is { } s0 && s0.Length != system.Dimension)
            throw new ArgumentException($"the initial state has {s0.Length} components, model {system.Name} has {system.Dimension}");
        var clock = Stopwatch.StartNew();
        int nx = x.Count, ny = y.Count;
        var cells = new MapCell[nx * ny];
        var p0 = parameters.ToArray();
        var rows = lines ?? Enumerable.Range(0, ny).ToList();
        int threads = Math.Max(1, Math.Min(options.MaxDegreeOfParallelism, ny));
        // A cycle factorisation uses one thread when lines already run in parallel.
        var lineOptions = threads > 1 ? options with { Collocation = options.Collocation with { MaxThreads = 1 } } : options;
        int done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellation };
        try
        {
            Parallel.ForEach(rows, parallel, row =>
            {
                var line = new Line(analysis, lineOptions, p0, ix, iy, y.Value(row), cancellation);
                for (int col = 0; col < nx; col++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    cells[row * nx + col] = line.Next(x.Value(col));
                }
                onLine?.Invoke(row, cells[(row * nx)..((row + 1) * nx)]);
                progress?.Report(Interlocked.Increment(ref done));
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.Flatten().InnerExceptions[0]).Throw();
        }
        return new MapResult { X = x, Y = y, Cells = cells, WallMilliseconds = clock.Elapsed.TotalMilliseconds, Threads = threads };
    }

    /// <summary>The sweep of one grid line: the current attractor and its buffers.</summary>
    sealed class Line
    {
        readonly TransverseStability _analysis;
        readonly OdeSystem _system;
        readonly ICoupledSystem _coupled;
        readonly MapOptions _options;
        readonly double[] _p;
        readonly int _ix, _iy, _n;
        readonly double _y;
        readonly double[] _f;
        readonly TransverseStability.EquilibriumWorker _equilibria;
        // Plain Newton for equilibria; chord Newton at fixed parameter for cycles, its factorisation
        // carried from cell to cell (the one at the previous cell's solution) while it contracts fast.
        readonly NewtonCorrector _equilibriumNewton, _cycleNewton;
        readonly EquilibriumNewtonSystem _equilibriumSystem;
        FixedParameterSystem? _cycleSystem;
        double[] _residual = [];

        // The attractor of the previous cell.
        double[]? _equilibrium, _equilibriumBefore;
        PeriodicOrbitProblem? _cycleProblem;
        double[]? _cycle, _cycleBefore;
        CycleMesh? _cycleBeforeMesh;
        double[] _seed;

        readonly CancellationToken _cancellation;

        public Line(TransverseStability analysis, MapOptions options, double[] parameters, int ix, int iy, double y, CancellationToken cancellation)
        {
            _cancellation = cancellation;
            _analysis = analysis;
            _system = analysis.System;
            _coupled = (ICoupledSystem)analysis.System;
            _options = options;
            _p = (double[])parameters.Clone();
            _ix = ix;
            _iy = iy;
            _y = y;
            _p[iy] = y;
            _n = _system.Dimension;
            _f = new double[_n];
            _equilibriumSystem = new EquilibriumNewtonSystem(_system, _p);
            _equilibriumNewton = new NewtonCorrector(new NewtonRule { MaxIterations = 12, Tolerance = options.NewtonTolerance });
            _cycleNewton = new NewtonCorrector(new NewtonRule
            {
                MaxIterations = 15, Tolerance = options.NewtonTolerance, Chord = true,
                RefactorRatio = 0.3, DivergenceAfter = 4, DivergenceRatio = 2, RestartRateOnFactor = true,
            });
            _equilibria = new TransverseStability.EquilibriumWorker(analysis);
            _seed = options.InitialState is { } s ? (double[])s.Clone() : new double[_n];
        }

        public MapCell Next(double x)
        {
            _p[_ix] = x;
            if (_equilibrium is not null && ContinueEquilibrium())
                return EquilibriumCell(x, "continued");
            if (_cycle is not null && ContinueCycle())
                return CycleCell(x, "continued");
            // Lost (or first cell): search from the last state, nudged off it (an equilibrium or a
            // cycle that has just lost stability repels its own neighbourhood only slowly).
            if (_equilibrium is not null || _cycle is not null)
            {
                _seed = _equilibrium is not null ? (double[])_equilibrium.Clone() : _cycle![.._n];
                for (int i = 0; i < _n; i++) _seed[i] += 1e-4 * (1 + Math.Abs(_seed[i])) * (i % 2 == 0 ? 1 : -1);
            }
            Forget();
            var found = Attractors.Find(_system, _p, _seed, _options.Discretisation, _options.Collocation, _options.Attractors, _cancellation);
            switch (found)
            {
                case Attractor.Equilibrium e:
                    _equilibrium = e.State;
                    return EquilibriumCell(x, "integrated");
                case Attractor.Cycle c:
                    _cycleProblem = new PeriodicOrbitProblem(_system, _p, _ix, c.Mesh, _options.Collocation);
                    _cycle = (double[])c.Unknowns.Clone();
                    _cycle[_cycleProblem.ParameterComponent] = x;
                    _cycleProblem.Accept(_cycle);
                    var mu = _cycleProblem.Multipliers(_cycle); // factors with the same border: the next chord's Jacobian
                    _cycleNewton.FactorValid = true;
                    return CycleCell(x, "integrated", mu);
                case Attractor.Other o:
                    _seed = o.FinalState;
                    return new MapCell(x, _y, MapState.Other, double.NaN, new Complex(double.NaN, double.NaN), 0, null, "integrated", o.Reason,
                        o.Cause switch { OtherCause.Escaped => "escaped", OtherCause.IntegrationFailed => "integration_failed", _ => "not_settled" });
                default:
                    throw new InvalidOperationException("unknown attractor kind");
            }
        }

        void Forget()
        {
            _equilibrium = _equilibriumBefore = null;
            _cycle = _cycleBefore = null;
            _cycleBeforeMesh = null;
            _cycleProblem = null;
            _cycleNewton.FactorValid = false;
        }

        // ------------------------------------------------------------ equilibria

        /// <summary>Newton from the secant prediction; true when it converged to a stable equilibrium.</summary>
        bool ContinueEquilibrium()
        {
            var u = (double[])_equilibrium!.Clone();
            if (_equilibriumBefore is not null)
                for (int i = 0; i < _n; i++) u[i] += u[i] - _equilibriumBefore[i];
            if (!NewtonEquilibrium(u) || !StableEquilibrium(u)) return false;
            _equilibriumBefore = _equilibrium;
            _equilibrium = u;
            return true;
        }

        bool NewtonEquilibrium(double[] u) => _equilibriumNewton.Correct(_equilibriumSystem, u, _f, out _) == NewtonOutcome.Converged;

        bool StableEquilibrium(double[] u)
        {
            _equilibria.Load(u, _p);
            return _equilibria.LargestRealPart(1, real: true) < 0;
        }

        MapCell EquilibriumCell(double x, string found)
        {
            var spectrum = _analysis.Spectrum;
            _equilibria.Load(_equilibrium!, _p);
            double best = double.NegativeInfinity;
            Complex argmax = new(double.NaN, double.NaN);
            int unstable = 0;
            for (int a = 0; a < spectrum.Size; a++)
            {
                if (a == spectrum.HomogeneousMode) continue;
                var lambda = spectrum.Eigenvalues[a];
                double g = _equilibria.LargestRealPart(lambda, Math.Abs(lambda.Imaginary) <= _analysis.Options.RealTolerance);
                if (g > 0) unstable++;
                if (g > best) { best = g; argmax = lambda; }
            }
            return new MapCell(x, _y, MapState.Equilibrium, spectrum.Size > 1 ? best : double.NaN, argmax, unstable, null, found);
        }

        // ------------------------------------------------------------ cycles

        /// <summary>Collocation Newton at the new parameter value; true when it converged to a stable cycle of the same family.</summary>
        bool ContinueCycle()
        {
            var problem = _cycleProblem!;
            var x = (double[])_cycle!.Clone();
            int iL = problem.ParameterComponent, iT = problem.PeriodComponent;
            if (_cycleBefore is not null && ReferenceEquals(_cycleBeforeMesh, problem.Mesh))
                for (int i = 0; i < x.Length; i++) x[i] += x[i] - _cycleBefore[i];
            x[iL] = _p[_ix];
            double amplitude = problem.Amplitude(_cycle), period = _cycle[iT];
            if (!NewtonCycle(problem, x)) return false;
            // The same family: no collapse onto an equilibrium, no jump of the period.
            if (problem.Amplitude(x) < 1e-3 * amplitude || Math.Abs(x[iT] - period) > 0.25 * period) return false;
            // One factorisation at the solution: its multipliers, and the next cell's chord Jacobian.
            if (SystemFor(problem).Factor(x) != Linearization.Factored) { _cycleNewton.FactorValid = false; return false; }
            _cycleNewton.FactorValid = true;
            var mu = problem.MultipliersOfLastFactorization();
            if (!StableCycle(mu)) return false;
            _cycleBefore = _cycle;
            _cycleBeforeMesh = problem.Mesh;
            problem.Accept(x);
            _cycle = x;
            _multipliers = mu;
            // Redistribute the mesh now and then (the problem decides when); the secant and the chord restart after.
            if (problem.Adapt(x, new double[x.Length], new double[x.Length])) _cycleNewton.FactorValid = false;
            return true;
        }

        Complex[]? _multipliers;
        int _argmax = -1;

        /// <summary>The fixed-parameter system of <paramref name="problem"/> (made again when the problem changes).</summary>
        FixedParameterSystem SystemFor(PeriodicOrbitProblem problem)
        {
            if (_cycleSystem?.Problem != problem)
            {
                _cycleSystem = new FixedParameterSystem(problem);
                _residual = new double[problem.Dimension];
            }
            return _cycleSystem;
        }

        /// <summary>Chord Newton at fixed parameter (<see cref="_cycleNewton"/>); a failure drops the factorisation.</summary>
        bool NewtonCycle(PeriodicOrbitProblem problem, double[] x)
        {
            if (_cycleNewton.Correct(SystemFor(problem), x, _residual, out _) == NewtonOutcome.Converged) return true;
            _cycleNewton.FactorValid = false;
            return false;
        }

        static bool StableCycle(Complex[] mu)
        {
            if (mu.Length == 0 || mu.Any(z => !double.IsFinite(z.Real) || !double.IsFinite(z.Imaginary))) return false;
            int trivial = PeriodicOrbitProblem.TrivialIndex(mu);
            if ((mu[trivial] - 1).Magnitude > 1e-2) return false; // the discretisation no longer resolves the cycle
            for (int i = 0; i < mu.Length; i++) if (i != trivial && mu[i].Magnitude >= 1) return false;
            return true;
        }

        MapCell CycleCell(double x, string found, Complex[]? mu = null)
        {
            var problem = _cycleProblem!;
            var cycle = _cycle!;
            double period = cycle[problem.PeriodComponent];
            mu ??= _multipliers;
            if (found == "integrated" && mu is not null && !StableCycle(mu))
            {
                // The finder's cycle does not pass our own check on this discretisation: count it as other.
                var state = cycle[.._n];
                Forget();
                _seed = state;
                return new MapCell(x, _y, MapState.Other, double.NaN, new Complex(double.NaN, double.NaN), 0, period, found,
                    "a periodic orbit was found by integration but is not stable on the map's discretisation", "unstable_on_mesh");
            }
            var spectrum = _analysis.Spectrum;
            CycleTransverseOperator op;
            try { op = CycleTransverseOperator.Build(_system, _coupled, problem.Mesh, cycle, _p, period); }
            catch (ArithmeticException e)
            {
                return new MapCell(x, _y, MapState.Cycle, double.NaN, new Complex(double.NaN, double.NaN), 0, period, found, e.Message);
            }
            var ws = new CycleTransverseOperator.Workspace(op);
            double eps = _p[_analysis.CouplingParameterIndex];
            double best = double.NegativeInfinity;
            Complex argmax = new(double.NaN, double.NaN);
            int unstable = 0, failed = 0;
            // The previous cell's most unstable mode first: with a high maximum early, most other modes
            // are settled by a cheap bound on their growth (RealGrowth) instead of their eigenvalues.
            int size = spectrum.Size, first = _argmax >= 0 && _argmax < size ? _argmax : 0, argmaxMode = -1;
            for (int k = 0; k < size; k++)
            {
                int a = (first + k) % size;
                if (a == spectrum.HomogeneousMode) continue;
                var lambda = spectrum.Eigenvalues[a];
                double g;
                if (Math.Abs(lambda.Imaginary) <= _analysis.Options.RealTolerance)
                {
                    g = op.RealGrowth(eps * (lambda.Real - 1), ws, Math.Min(0, best), out bool exact);
                    if (!exact) continue; // decays, and more slowly than the largest so far: neither counted nor the maximum
                }
                else g = op.DominantExponent(eps * (lambda - 1), ws).Real;
                if (double.IsNaN(g)) { failed++; continue; }
                if (g > 0) unstable++;
                if (g > best) { best = g; argmax = lambda; argmaxMode = a; }
            }
            _argmax = argmaxMode;
            string? note = failed > 0 ? $"{failed} modes could not be computed" : null;
            return new MapCell(x, _y, MapState.Cycle, best == double.NegativeInfinity ? double.NaN : best, argmax, unstable, period, found, note);
        }
    }
}
