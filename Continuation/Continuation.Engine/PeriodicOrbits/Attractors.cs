using System.Globalization;
using System.Numerics;
using Continuation.Algebra;
using Continuation.Equilibria;
using Continuation.Integration;
using Continuation.Pathfollowing;
using Continuation.Systems;

namespace Continuation.PeriodicOrbits;

/// <summary>What a trajectory settles on at fixed parameters (<see cref="Attractors.Find"/>).</summary>
public abstract record Attractor
{
    /// <summary>Time integrated (transient included) when the decision was made.</summary>
    public double Time { get; init; }

    /// <summary>A stable equilibrium, Newton-refined (f(State) = 0 to rounding).</summary>
    /// <param name="State">The equilibrium.</param>
    public sealed record Equilibrium(double[] State) : Attractor
    {
        /// <summary>Eigenvalues of the Jacobian at <see cref="State"/>, by decreasing real part (all negative).</summary>
        public Complex[] Eigenvalues { get; init; } = [];
    }

    /// <summary>
    /// A stable periodic orbit as a Newton-converged collocation solution in the layout of
    /// <see cref="PeriodicOrbitProblem"/>: node values on <paramref name="Mesh"/>, then the period,
    /// then the value of parameter 0 (a placeholder: the parameters were fixed). Ready for
    /// <see cref="CycleStart.Cycle"/>.
    /// </summary>
    /// <param name="Mesh">The collocation mesh, adapted to the orbit: the requested intervals times ⌈k/4⌉ for
    /// k = <see cref="Returns"/>, doubled when that did not resolve the orbit.</param>
    /// <param name="Unknowns">Node values, period, parameter 0.</param>
    /// <param name="Period">The period.</param>
    public sealed record Cycle(CycleMesh Mesh, double[] Unknowns, double Period) : Attractor
    {
        /// <summary>
        /// Crossings of the Poincaré section per period. A loop may cross more than once (the
        /// neural-mass gamma cycle crosses twice) and each period doubling doubles the count, so
        /// this is not the period multiplicity: compare periods for that.
        /// </summary>
        public int Returns { get; init; } = 1;

        /// <summary>Floquet multipliers (the trivial one included, near 1; all others inside the unit circle).</summary>
        public Complex[] Multipliers { get; init; } = [];

        /// <summary>The state at phase 0 (on the Poincaré section).</summary>
        public double[] InitialState => Unknowns[..((Unknowns.Length - 2) / Mesh.Nodes)];
    }

    /// <summary>Neither: chaos, quasi-periodicity, escape, a transient longer than the budget, or a failed integration.</summary>
    /// <param name="Reason">For a human, e.g. "no stable equilibrium or periodic orbit within t = 3000 (chaotic or quasi-periodic?)".</param>
    /// <param name="FinalState">The state where the search stopped.</param>
    public sealed record Other(string Reason, double[] FinalState) : Attractor
    {
        /// <summary>Why the search ended without an attractor.</summary>
        public OtherCause Cause { get; init; }
    }
}

/// <summary>Why <see cref="Attractors.Find"/> returned <see cref="Attractor.Other"/>.</summary>
public enum OtherCause
{
    /// <summary>The trajectory did not settle on a stable equilibrium or periodic orbit within the time budget.</summary>
    NotSettled,
    /// <summary>The state left the ball of radius <see cref="AttractorOptions.EscapeNorm"/> or became non-finite.</summary>
    Escaped,
    /// <summary>The integrator gave up (step-size underflow or the step budget): stiffness or a singularity.</summary>
    IntegrationFailed,
}

/// <summary>Settings of <see cref="Attractors.Find"/>, validated when set. Times are in the system's time unit.</summary>
public sealed record AttractorOptions
{
    /// <summary>Time integrated before anything is looked at (default 500).</summary>
    public double Transient
    {
        get;
        init => field = value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Transient), value, "Must be finite and non-negative.");
    } = 500;

    /// <summary>
    /// Total time budget, transient included (default 3000). After the transient the trajectory is
    /// watched in 50 equal windows of (MaxTime − Transient)/50; the search stops as soon as it has
    /// an answer. Must exceed <see cref="Transient"/>.
    /// </summary>
    public double MaxTime
    {
        get;
        init => field = value > 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxTime), value, "Must be finite and positive.");
    } = 3000;

    /// <summary>Largest number of section returns per period looked for: period-k orbits with k up to this (default 16, after four period doublings).</summary>
    public int MaxPeriodMultiple
    {
        get;
        init => field = value is >= 1 and <= 256
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxPeriodMultiple), value, "Must be in [1, 256].");
    } = 16;

    /// <summary>
    /// Agreement that counts as "settled" (default 1e-4). A periodic orbit is tried when k + 1
    /// consecutive pairs of Poincaré returns k apart agree to this, relative to the extent of each
    /// state component on the recent trajectory, and their k-return times agree to this relative
    /// to the period; also, for orbits that attract slowly (near a bifurcation), when the agreement
    /// is below 1e-2 and has shrunk geometrically over three windows. An equilibrium is accepted
    /// at once when the trajectory is within this of it, relative to 1 + ‖u*‖∞. Loose on purpose:
    /// a candidate is then converged by Newton and kept only if stable, so the tolerance decides
    /// when to try, not what is returned (the cycle is converged to <see cref="NewtonTolerance"/>);
    /// a failed candidate makes the tolerances for its k and its multiples ten times tighter than
    /// the agreement it had.
    /// </summary>
    public double Tolerance
    {
        get;
        init => field = value > 0 && value < 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Tolerance), value, "Must be in (0, 1).");
    } = 1e-4;

    /// <summary>Newton tolerance for the equilibrium and the collocation cycle: relative size of the last correction (default 1e-9).</summary>
    public double NewtonTolerance
    {
        get;
        init => field = value > 0 && value < 1e-2
            ? value
            : throw new ArgumentOutOfRangeException(nameof(NewtonTolerance), value, "Must be in (0, 1e-2).");
    } = 1e-9;

    /// <summary>At most this many collocation cycles are tried per call (default 6); each costs a few factorisations.</summary>
    public int MaxCycleAttempts
    {
        get;
        init => field = value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxCycleAttempts), value, "Must be non-negative.");
    } = 6;

    /// <summary>The trajectory has escaped when ‖u‖∞ exceeds this (default 1e8).</summary>
    public double EscapeNorm
    {
        get;
        init => field = value > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(EscapeNorm), value, "Must be positive.");
    } = 1e8;

    /// <summary>The time integrator's settings (default: relative 1e-8, absolute 1e-10, as <see cref="DormandPrinceOptions.Default"/>).</summary>
    public DormandPrinceOptions Integration { get; init; } = DormandPrinceOptions.Default;

    /// <summary>The defaults.</summary>
    public static AttractorOptions Default { get; } = new();
}

/// <summary>
/// Finds the attractor reached from an initial state at fixed parameters: integrates, then
/// recognises a stable equilibrium or a stable periodic orbit (converged as a collocation
/// solution), or says why it found neither.
/// </summary>
/// <remarks>
/// <para>Method. (1) Integrate over the transient (Dormand–Prince). (2) Watch the trajectory in
/// 50 windows up to <see cref="AttractorOptions.MaxTime"/>. After each, Newton on f(u) = 0 from
/// the window's last and mean states; an equilibrium is accepted if all its eigenvalues have
/// negative real part and the trajectory is within <see cref="AttractorOptions.Tolerance"/> of it,
/// or, for weakly attracting ones, if over three windows the trajectory's distance to it shrinks
/// at the rate of the slowest eigenvalue (it is in the linear regime). (3) Poincaré section:
/// upward crossings of the window mean of the component with the largest variance, located on
/// the cubic Hermite interpolant of the step, re-integrated to the crossing and projected onto
/// the section to second order (the section is chosen again if the trajectory stops crossing
/// it). The smallest k ≤ <see cref="AttractorOptions.MaxPeriodMultiple"/> for which returns k
/// apart repeat (states and k-return times) gives a candidate of period t_m − t_{m−k}; k counts
/// crossings, so it is 2 for a loop that crosses twice and 2^j·(crossings per loop) after j
/// period doublings. (4) The candidate is re-integrated over one period at the nodes of a
/// uniform mesh of ⌈k/4⌉ times the requested intervals, the mesh is adapted to that profile
/// (<see cref="Mesh.Adapt"/>) and the profile sampled again at the adapted nodes; Newton (a chord
/// method) on <see cref="PeriodicOrbitProblem"/> with the parameter held fixed (border row e_λ),
/// phase condition against the guess. If Newton fails or the trivial multiplier is off by more
/// than 1e-3, once more on twice the intervals. A k-fold cover of a shorter orbit
/// (u(t + T/j) = u(t), as near but before a period doubling, where returns two loops apart agree
/// first) is reduced to the shorter orbit. (5) Floquet multipliers from the last factorisation:
/// stable when all but the trivial one lie inside the unit circle. A rejected candidate (unstable,
/// or not converged) leaves the search running until <see cref="AttractorOptions.MaxTime"/>; the
/// last rejection is quoted in the reason of <see cref="Attractor.Other"/>.</para>
/// <para>Limits: an attractor approached more slowly than the budget allows (very near a
/// bifurcation) or an initial state on an unstable invariant set (e.g. exactly on a cycle that
/// has just lost stability: rounding alone takes long to push it off) gives
/// <see cref="OtherCause.NotSettled"/>; perturb the state or raise the budget. A periodic orbit
/// whose section component does not cross its mean (a drifting angle) is not recognised.</para>
/// <para>Poincaré maps and the recognition of steady states from trajectories: Parker and Chua,
/// <i>Practical Numerical Algorithms for Chaotic Systems</i> (1989); Seydel, <i>Practical
/// Bifurcation and Stability Analysis</i>, 3rd ed. (2010). Collocation: Doedel, Keller,
/// Kernévez, Int. J. Bifurcation and Chaos 1 (1991).</para>
/// <para>Each call owns all its state (integrators, buffers, the collocation problem), so calls
/// may run in parallel on different threads; the result depends only on the arguments.</para>
/// </remarks>
public static class Attractors
{
    /// <summary>
    /// Integrates <paramref name="system"/> from <paramref name="initial"/> at <paramref name="parameters"/>
    /// and classifies where the trajectory settles.
    /// </summary>
    /// <param name="system">The system (at least one parameter: the collocation problem needs a parameter slot).</param>
    /// <param name="parameters">The parameter vector, held fixed.</param>
    /// <param name="initial">Initial state.</param>
    /// <param name="discretisation">Size of a cycle's discretisation: its degree as given, its intervals times ⌈k/4⌉ for an orbit of k returns (doubled if needed).</param>
    /// <param name="collocation">How a cycle's discretisation is used (null: the defaults).</param>
    /// <param name="options">Null for <see cref="AttractorOptions.Default"/>.</param>
    /// <param name="cancellation">Checked between windows and between Newton attempts.</param>
    /// <returns>A stable equilibrium, a stable cycle, or <see cref="Attractor.Other"/> with the reason.</returns>
    /// <exception cref="ArgumentException">Inconsistent lengths, a non-finite initial state, no parameters, or MaxTime ≤ Transient.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was signalled.</exception>
    public static Attractor Find(OdeSystem system, ReadOnlySpan<double> parameters, ReadOnlySpan<double> initial,
        CycleMesh discretisation, CollocationOptions? collocation = null, AttractorOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(discretisation);
        collocation ??= new CollocationOptions();
        options ??= AttractorOptions.Default;
        if (parameters.Length != system.Parameters.Count)
            throw new ArgumentException($"{system.Name} has {system.Parameters.Count} parameters, got {parameters.Length}.", nameof(parameters));
        if (system.Parameters.Count == 0)
            throw new ArgumentException($"{system.Name} has no parameters; the collocation problem needs one.", nameof(system));
        if (initial.Length != system.Dimension)
            throw new ArgumentException($"{system.Name} has dimension {system.Dimension}, got a state of length {initial.Length}.", nameof(initial));
        foreach (double v in initial)
            if (!double.IsFinite(v)) throw new ArgumentException("The initial state must be finite.", nameof(initial));
        if (!(options.MaxTime > options.Transient))
            throw new ArgumentException($"MaxTime ({options.MaxTime}) must exceed Transient ({options.Transient}).", nameof(options));
        collocation.Validate();
        return new AttractorSearch(system, parameters.ToArray(), discretisation, collocation, options, cancellation).Run(initial);
    }
}

/// <summary>The state of one <see cref="Attractors.Find"/> call.</summary>
file sealed class AttractorSearch
{
    const int Windows = 50;
    /// <summary>Tightest return agreement asked for after failed candidates (above the integrator's noise it is never reached anyway).</summary>
    const double TightestTolerance = 1e-9;
    /// <summary>Shift mismatch (relative to the extent) below which a cycle counts as a multiple cover of a shorter one.</summary>
    const double CoverTolerance = 1e-5;
    const int MaxNewtonSteps = 12;
    /// <summary>Agreement of returns below which a steadily improving trajectory is tried as a cycle.</summary>
    const double LooseTolerance = 1e-2;
    /// <summary>Windows over which the agreement must have shrunk for the loose trigger.</summary>
    const int TrendWindows = 3;

    readonly OdeSystem _system;
    readonly double[] _p;
    readonly CycleMesh _discretisation;
    readonly CollocationOptions _collocation;
    readonly AttractorOptions _options;
    readonly CancellationToken _cancellation;
    readonly int _n;
    readonly DormandPrince _flow, _aux;
    readonly Derivatives _derivatives;
    readonly Action<double, ReadOnlySpan<double>> _record;

    // The current window's accepted steps, rows (t, u_0 … u_{n−1}).
    double[] _points;
    int _count;

    readonly List<WindowSummary> _windows = [];
    readonly List<Return> _returns = [];
    Section? _section;
    readonly double[] _tolerance, _loose;
    // Agreements of the returns per window (index k), since the section was chosen.
    readonly List<double[]> _agreements = [];
    int _attempts;
    string? _lastRejection;
    readonly List<Sighting> _sightings = [];
    Complex[]? _lastEigenvalues;
    double _time;

    readonly double[] _f, _f0, _f1, _jac;
    readonly DenseLu _lu;

    public AttractorSearch(OdeSystem system, double[] parameters, CycleMesh discretisation, CollocationOptions collocation, AttractorOptions options, CancellationToken cancellation)
    {
        _system = system;
        _p = parameters;
        _discretisation = discretisation;
        _collocation = collocation;
        _options = options;
        _cancellation = cancellation;
        _n = system.Dimension;
        _flow = new DormandPrince(system, options.Integration);
        _aux = new DormandPrince(system, options.Integration);
        _derivatives = new Derivatives(system);
        _points = new double[256 * (_n + 1)];
        _record = Append;
        _tolerance = new double[options.MaxPeriodMultiple + 1];
        Array.Fill(_tolerance, options.Tolerance);
        _loose = new double[options.MaxPeriodMultiple + 1];
        Array.Fill(_loose, Math.Max(options.Tolerance, LooseTolerance));
        _f = new double[_n]; _f0 = new double[_n]; _f1 = new double[_n];
        _jac = new double[_n * _n];
        _lu = new DenseLu(_n);
    }

    sealed record WindowSummary(double Start, double End, double[] Min, double[] Max, double[] Mean, double[] Variance);
    sealed record Return(double Time, double[] State);
    sealed record Section(int Component, double Level);
    sealed record Sighting(double[] Equilibrium, double MaxDistance, double Rate);

    public Attractor Run(ReadOnlySpan<double> initial)
    {
        var u = initial.ToArray();
        double t0 = _options.Transient;
        if (t0 > 0)
        {
            var r = _flow.Integrate(_p, u, 0, t0);
            if (!r.IsSuccess) return Failed(r, u, initial);
        }
        _time = t0;
        if (Escaped(u)) return EscapedAt(u);
        _count = 0;
        Append(t0, u);
        if (CheckEquilibrium(0) is { } settled) return settled;

        double window = (_options.MaxTime - t0) / Windows;
        for (int w = 0; w < Windows; w++)
        {
            _cancellation.ThrowIfCancellationRequested();
            double t1 = w == Windows - 1 ? _options.MaxTime : t0 + (w + 1) * window;
            _count = 0;
            var r = _flow.Integrate(_p, u, _time, t1, _record);
            if (!r.IsSuccess) return Failed(r, u, StateAt(0));
            _time = t1;
            if (Escaped(u)) return EscapedAt(u);
            Summarize();
            if (CheckEquilibrium(window) is { } equilibrium) return equilibrium;
            CollectReturns();
            if (CheckCycle() is { } cycle) return cycle;
        }
        string reason = $"no stable equilibrium or periodic orbit (up to {_options.MaxPeriodMultiple} returns per period) within t = {F(_options.MaxTime)} (chaotic or quasi-periodic, or a long transient?)";
        if (_lastRejection is not null) reason += "; last candidate: " + _lastRejection;
        return new Attractor.Other(reason, u) { Cause = OtherCause.NotSettled, Time = _time };
    }

    // ---------------------------------------------------------------- trajectory bookkeeping

    void Append(double t, ReadOnlySpan<double> u)
    {
        int row = _n + 1;
        if ((_count + 1) * row > _points.Length) Array.Resize(ref _points, 2 * _points.Length);
        int off = _count * row;
        _points[off] = t;
        u.CopyTo(_points.AsSpan(off + 1, _n));
        _count++;
    }

    double TimeAt(int i) => _points[i * (_n + 1)];
    ReadOnlySpan<double> StateAt(int i) => _points.AsSpan(i * (_n + 1) + 1, _n);

    /// <summary>Range, time-weighted mean and variance of each component over the current window.</summary>
    void Summarize()
    {
        int n = _n;
        var min = new double[n]; var max = new double[n]; var mean = new double[n]; var variance = new double[n];
        double start = TimeAt(0), end = TimeAt(_count - 1), span = end - start;
        for (int s = 0; s < n; s++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity, sum = 0;
            for (int i = 0; i < _count; i++)
            {
                double v = StateAt(i)[s];
                lo = Math.Min(lo, v); hi = Math.Max(hi, v);
                if (i > 0) sum += 0.5 * (v + StateAt(i - 1)[s]) * (TimeAt(i) - TimeAt(i - 1));
            }
            double m = span > 0 ? sum / span : StateAt(_count - 1)[s];
            double sq = 0;
            for (int i = 1; i < _count; i++)
            {
                double a = StateAt(i)[s] - m, b = StateAt(i - 1)[s] - m;
                sq += 0.5 * (a * a + b * b) * (TimeAt(i) - TimeAt(i - 1));
            }
            min[s] = lo; max[s] = hi; mean[s] = m; variance[s] = span > 0 ? sq / span : 0;
        }
        _windows.Add(new WindowSummary(start, end, min, max, mean, variance));
    }

    bool Escaped(ReadOnlySpan<double> u)
    {
        foreach (double v in u) if (!(Math.Abs(v) <= _options.EscapeNorm)) return true;
        return false;
    }

    Attractor.Other EscapedAt(double[] u) => new(
        $"escape: |u| exceeded {F(_options.EscapeNorm)} by t = {F(_time)}", u) { Cause = OtherCause.Escaped, Time = _time };

    /// <summary>The integration from <paramref name="start"/> stopped early at u.</summary>
    Attractor.Other Failed(IntegrationResult r, double[] u, ReadOnlySpan<double> start)
    {
        _time = r.FinalTime;
        if (r.Status == IntegrationStatus.NonFinite)
            return new($"escape: the solution became non-finite at t = {F(r.FinalTime)}", u) { Cause = OtherCause.Escaped, Time = r.FinalTime };
        // Steps shrinking to nothing while the state grows by orders of magnitude: a finite-time blow-up.
        if (r.Status == IntegrationStatus.StepSizeUnderflow && MaxAbs(u) > 1e3 * (1 + MaxAbs(start)))
            return new($"escape: the solution blows up near t = {F(r.FinalTime)}", u) { Cause = OtherCause.Escaped, Time = r.FinalTime };
        return new($"integration failed at t = {F(r.FinalTime)} ({r.Status}): stiff or singular?", u) { Cause = OtherCause.IntegrationFailed, Time = r.FinalTime };
    }

    // ---------------------------------------------------------------- equilibria

    /// <summary>
    /// A stable equilibrium the current window has reached, or null. <paramref name="window"/> is
    /// the window length (0 for the single point after the transient).
    /// </summary>
    Attractor.Equilibrium? CheckEquilibrium(double window)
    {
        var end = StateAt(_count - 1).ToArray();
        var eq = NewtonEquilibrium(end);
        if (eq is null && _count > 1) eq = NewtonEquilibrium(_windows[^1].Mean);
        if (eq is null) { _sightings.Clear(); return null; }

        double scale = 1 + MaxAbs(eq);
        double dEnd = Distance(end, eq) / scale, dMax = 0;
        for (int i = 0; i < _count; i++) dMax = Math.Max(dMax, Distance(StateAt(i), eq) / scale);
        // Far from the trajectory: another equilibrium, not where it goes.
        if (dEnd > 0.1) { _sightings.Clear(); return null; }

        Complex[] eigenvalues;
        if (_sightings.Count > 0 && Distance(_sightings[^1].Equilibrium, eq) <= 1e-8 * scale)
        {
            eq = _sightings[^1].Equilibrium;
            eigenvalues = _lastEigenvalues!;
        }
        else
        {
            _sightings.Clear();
            _derivatives.StateJacobian(eq, _p, _jac);
            try { eigenvalues = EquilibriumProblem.EigenvaluesOf(_jac, _n); }
            catch (MathNet.Numerics.NonConvergenceException) { return null; }
            _lastEigenvalues = eigenvalues;
        }
        double alpha = eigenvalues.Length == 0 ? -1 : eigenvalues[0].Real;
        if (!(alpha < 0)) { _sightings.Clear(); return null; }
        if (dEnd <= _options.Tolerance)
            return new Attractor.Equilibrium(eq) { Eigenvalues = eigenvalues, Time = _time };
        if (window <= 0) return null;

        // Weakly attracting: accept when the distance has shrunk over three windows at the rate of
        // the slowest eigenvalue (the trajectory is in the linear regime of a stable equilibrium).
        double rate = _sightings.Count > 0 ? Math.Log(dMax / _sightings[^1].MaxDistance) / window : double.NaN;
        _sightings.Add(new Sighting(eq, dMax, rate));
        if (_sightings.Count >= 3)
        {
            bool linear = true;
            for (int i = _sightings.Count - 2; i < _sightings.Count; i++)
            {
                double r = _sightings[i].Rate;
                linear &= r <= 0.5 * alpha && r >= 2 * alpha;
            }
            if (linear) return new Attractor.Equilibrium(eq) { Eigenvalues = eigenvalues, Time = _time };
        }
        return null;
    }

    /// <summary>Damped Newton on f(u) = 0 with the state Jacobian; null if it does not converge.</summary>
    double[]? NewtonEquilibrium(ReadOnlySpan<double> start)
    {
        int n = _n;
        var u = start.ToArray();
        var trial = new double[n];
        var step = new double[n];
        _system.Evaluate(u, _p, _f);
        double norm = MaxAbs(_f);
        if (!double.IsFinite(norm)) return null;
        for (int it = 0; it < 40; it++)
        {
            _derivatives.StateJacobian(u, _p, _jac);
            if (!_lu.Factor(_jac)) return null;
            _f.CopyTo(step, 0);
            _lu.Solve(step);
            double size = MaxAbs(step);
            if (!double.IsFinite(size)) return null;
            double lambda = 1;
            double trialNorm = double.PositiveInfinity;
            for (int halving = 0; halving < 12; halving++, lambda *= 0.5)
            {
                for (int i = 0; i < n; i++) trial[i] = u[i] - lambda * step[i];
                _system.Evaluate(trial, _p, _f);
                trialNorm = MaxAbs(_f);
                if (trialNorm <= (1 - 0.25 * lambda) * norm || (lambda == 1 && size <= 1e-6 * (1 + MaxAbs(u)))) break;
            }
            if (!double.IsFinite(trialNorm)) return null;
            trial.CopyTo(u, 0);
            norm = trialNorm;
            if (lambda * size <= _options.NewtonTolerance * (1 + MaxAbs(u))) return u;
        }
        return null;
    }

    // ---------------------------------------------------------------- Poincaré returns

    /// <summary>Adds the current window's section crossings to the returns, choosing the section first if needed.</summary>
    void CollectReturns()
    {
        if (_section is not null && AddCrossings(_section) > 0) return;
        // No section yet, or the trajectory has left it: the window mean of the component with the largest variance.
        var summary = _windows[^1];
        int c = 0;
        for (int s = 1; s < _n; s++) if (summary.Variance[s] > summary.Variance[c]) c = s;
        double range = summary.Max[c] - summary.Min[c];
        _returns.Clear();
        _agreements.Clear();
        if (!(range > 1e-12 * (1 + Math.Abs(summary.Mean[c])))) { _section = null; return; }
        _section = new Section(c, summary.Mean[c]);
        AddCrossings(_section);
    }

    /// <summary>Upward crossings of the section in the current window, refined; returns their number.</summary>
    int AddCrossings(Section section)
    {
        int c = section.Component, found = 0;
        double level = section.Level;
        int keep = 2 * _options.MaxPeriodMultiple + 2;
        for (int i = 0; i + 1 < _count; i++)
        {
            if (!(StateAt(i)[c] < level && StateAt(i + 1)[c] >= level)) continue;
            _returns.Add(Crossing(i, section));
            found++;
            if (_returns.Count > keep) _returns.RemoveAt(0);
        }
        return found;
    }

    /// <summary>
    /// The crossing between stored steps i and i + 1: root of the cubic Hermite interpolant of the
    /// section component, then the trajectory re-integrated from step i to that time and moved
    /// onto the section along the flow (u + δt f(u), δt = (level − u_c)/f_c).
    /// </summary>
    Return Crossing(int i, Section section)
    {
        int c = section.Component;
        double t0 = TimeAt(i), t1 = TimeAt(i + 1), h = t1 - t0;
        var y0 = StateAt(i);
        var y1 = StateAt(i + 1);
        _system.Evaluate(y0, _p, _f0);
        _system.Evaluate(y1, _p, _f1);
        double a = y0[c], b = y1[c], da = h * _f0[c], db = h * _f1[c];
        double Hermite(double s) =>
            (2 * s * s * s - 3 * s * s + 1) * a + (s * s * s - 2 * s * s + s) * da + (-2 * s * s * s + 3 * s * s) * b + (s * s * s - s * s) * db;
        double lo = 0, hi = 1;
        for (int it = 0; it < 60; it++)
        {
            double mid = 0.5 * (lo + hi);
            if (Hermite(mid) < section.Level) lo = mid; else hi = mid;
        }
        double tc = t0 + 0.5 * (lo + hi) * h;
        var u = y0.ToArray();
        var r = _aux.Integrate(_p, u, t0, tc);
        if (!r.IsSuccess)
        {
            // Not expected on a step the main integrator took; fall back on linear interpolation.
            double s = (section.Level - a) / (b - a);
            for (int k = 0; k < _n; k++) u[k] = y0[k] + s * (y1[k] - y0[k]);
            return new Return(t0 + s * h, u);
        }
        _system.Evaluate(u, _p, _f);
        double dt = _f[c] != 0 ? (section.Level - u[c]) / _f[c] : 0;
        if (!(Math.Abs(dt) <= h)) dt = 0;
        for (int k = 0; k < _n; k++) u[k] += dt * _f[k];
        u[c] = section.Level;
        return new Return(tc + dt, u);
    }

    /// <summary>Extent of each component over the windows since <paramref name="from"/>, with a floor of 1e-3 of the largest.</summary>
    double[]? Extent(double from)
    {
        var extent = new double[_n];
        var lo = new double[_n]; var hi = new double[_n];
        Array.Fill(lo, double.PositiveInfinity); Array.Fill(hi, double.NegativeInfinity);
        foreach (var w in _windows)
        {
            if (w.End < from) continue;
            for (int s = 0; s < _n; s++) { lo[s] = Math.Min(lo[s], w.Min[s]); hi[s] = Math.Max(hi[s], w.Max[s]); }
        }
        double largest = 0;
        for (int s = 0; s < _n; s++) { extent[s] = hi[s] - lo[s]; largest = Math.Max(largest, extent[s]); }
        if (!(largest > 0)) return null;
        for (int s = 0; s < _n; s++) extent[s] = Math.Max(extent[s], 1e-3 * largest);
        return extent;
    }

    /// <summary>
    /// How well the returns repeat with k returns per period, for k = 1 … K (NaN where there are
    /// too few returns): the worst, over the k + 1 latest pairs (j − k, j), of the state mismatch
    /// relative to the extent of each component and of the mismatch of the k-return times
    /// t_j − t_{j−k} relative to the period.
    /// </summary>
    double[] Agreements()
    {
        var result = new double[_options.MaxPeriodMultiple + 1];
        Array.Fill(result, double.NaN);
        int m = _returns.Count - 1;
        for (int k = 1; k <= _options.MaxPeriodMultiple && 2 * k <= m; k++)
        {
            var extent = Extent(_returns[m - 2 * k].Time);
            if (extent is null) break;
            double period = _returns[m].Time - _returns[m - k].Time;
            double worst = 0;
            for (int j = m - k; j <= m; j++)
            {
                var a = _returns[j].State;
                var b = _returns[j - k].State;
                for (int s = 0; s < _n; s++) worst = Math.Max(worst, Math.Abs(a[s] - b[s]) / extent[s]);
                double span = _returns[j].Time - _returns[j - k].Time;
                worst = Math.Max(worst, Math.Abs(span - period) / period);
            }
            result[k] = worst;
        }
        return result;
    }

    /// <summary>
    /// A cycle with k section returns per period when the returns repeat: the smallest k whose
    /// agreement is within its tolerance, or within the loose tolerance and shrinking steadily
    /// (<see cref="Converging"/>: a slowly attracting orbit near a bifurcation, which would take
    /// too long to reach the tolerance; Newton converges from much rougher guesses).
    /// </summary>
    Attractor.Cycle? CheckCycle()
    {
        var agreement = Agreements();
        _agreements.Add(agreement);
        if (_attempts >= _options.MaxCycleAttempts) return null;
        int k = 0;
        for (int j = 1; j < agreement.Length && k == 0; j++)
        {
            double a = agreement[j];
            if (!(a <= _loose[j])) continue;
            if (a <= _tolerance[j] || Converging(j)) k = j;
        }
        if (k == 0) return null;
        _cancellation.ThrowIfCancellationRequested();
        _attempts++;
        var last = _returns[^1];
        double period = last.Time - _returns[^(k + 1)].Time;
        var outcome = ConvergeCycle(last.State, period, k);
        if (outcome.Cycle is { } cycle) return cycle with { Time = _time };
        _lastRejection = outcome.Note;
        // Demand better agreement before trying this k (or a multiple, which repeats whenever k does) again.
        for (int j = k; j < _tolerance.Length; j += k)
        {
            _tolerance[j] = Math.Max(TightestTolerance, Math.Min(_tolerance[j], agreement[k] / 10));
            _loose[j] = Math.Max(TightestTolerance, Math.Min(_loose[j], agreement[k] / 10));
        }
        return null;
    }

    /// <summary>
    /// True when the agreement for k has shrunk geometrically over the last
    /// <see cref="TrendWindows"/> windows: every ratio in [0.3, 1) and the largest at most 1.5
    /// times the smallest, as the approach to an orbit with a slow multiplier shows. (Near returns
    /// of a chaotic trajectory drop suddenly or sit on plateaus instead.)
    /// </summary>
    bool Converging(int k)
    {
        if (_agreements.Count <= TrendWindows) return false;
        double lo = double.PositiveInfinity, hi = 0;
        for (int w = 0; w < TrendWindows; w++)
        {
            double ratio = _agreements[^(w + 1)][k] / _agreements[^(w + 2)][k];
            if (!(ratio >= 0.3 && ratio < 1)) return false;
            lo = Math.Min(lo, ratio);
            hi = Math.Max(hi, ratio);
        }
        return hi <= 1.5 * lo;
    }

    /// <param name="Cycle">The stable cycle, or null.</param>
    /// <param name="Note">What was found, for the reason of an <see cref="Attractor.Other"/>.</param>
    /// <param name="Unresolved">Newton failed or the trivial multiplier is off: a finer mesh may succeed.</param>
    sealed record CycleOutcome(Attractor.Cycle? Cycle, string Note, bool Unresolved = false);

    /// <summary>
    /// Converges the orbit through <paramref name="start"/> of estimated period <paramref name="period"/>
    /// (k section returns) as a collocation solution at the fixed parameters, and checks its
    /// stability. The mesh has ⌈k/4⌉ times the requested intervals (an orbit with many returns
    /// winds several times), doubled once more if that is not enough.
    /// </summary>
    CycleOutcome ConvergeCycle(double[] start, double period, int k)
    {
        int intervals = _discretisation.Intervals * ((k + 3) / 4);
        var outcome = ConvergeCycle(start, period, k, intervals, 1e-3);
        return outcome.Unresolved ? ConvergeCycle(start, period, k, 2 * intervals, 1e-2) : outcome;
    }

    /// <param name="trivialTolerance">Largest acceptable distance of the trivial multiplier from 1 (a measure of the discretisation error).</param>
    CycleOutcome ConvergeCycle(double[] start, double period, int k, int intervals, double trivialTolerance)
    {
        int n = _n;
        string what = k == 1 ? $"cycle of period ≈ {F(period)}" : $"period-{k} cycle of period ≈ {F(period)}";
        var collocation = _collocation;
        var scheme = _discretisation.Scheme;
        var uniform = new CycleMesh(scheme, Mesh.Uniform(intervals));
        var profile = SampleOrbit(start, period, uniform);
        if (profile is null) return new(null, what + ": integration failed");
        CycleMesh mesh;
        try
        {
            mesh = new CycleMesh(scheme, Mesh.Adapt(scheme, uniform.Mesh, profile, n, intervals));
        }
        catch (ArgumentException)
        {
            return new(null, what + ": no mesh for the profile");
        }
        profile = SampleOrbit(start, period, mesh);
        if (profile is null) return new(null, what + ": integration failed");

        int iT = profile.Length;
        var x = new double[iT + 2];
        profile.CopyTo(x, 0);
        x[iT] = period;
        x[iT + 1] = _p[0];
        var problem = new PeriodicOrbitProblem(_system, _p, 0, mesh, collocation);
        problem.Accept(x);
        double guessAmplitude = problem.Amplitude(x);
        if (!Newton(problem, x)) return new(null, what + $": collocation Newton did not converge on {intervals} intervals", Unresolved: true);
        double T = x[iT];
        double amplitude = problem.Amplitude(x);
        if (!(T > 0) || Math.Abs(T - period) > 0.2 * period || !(amplitude > 0.5 * guessAmplitude && amplitude < 2 * guessAmplitude))
            return new(null, what + $": Newton went to another solution (period {F(T)}, amplitude {F(amplitude)})");

        // A k-fold cover of a shorter orbit (e.g. near, but before, a period doubling): reduce it.
        for (int j = 2; j <= k; j++)
        {
            if (k % j != 0 || !IsPrime(j)) continue;
            if (IsCover(mesh, x, j, iT)) return ConvergeCycle(x[..n], T / j, k / j);
        }

        var mu = problem.Analyze(x, new double[problem.TestFunctionKinds.Count]).Spectrum;
        if (mu.Any(v => !double.IsFinite(v.Real) || !double.IsFinite(v.Imaginary)))
            return new(null, what + ": no Floquet multipliers");
        int trivial = PeriodicOrbitProblem.TrivialIndex(mu);
        double largest = 0;
        for (int i = 0; i < mu.Length; i++) if (i != trivial) largest = Math.Max(largest, mu[i].Magnitude);
        string found = (k == 1 ? "cycle" : $"period-{k} cycle") + $" of period {F(T)}";
        if ((mu[trivial] - 1).Magnitude > trivialTolerance)
            return new(null, found + $": trivial multiplier {F(mu[trivial].Real)} on {intervals} intervals (mesh too coarse?)", Unresolved: true);
        if (!(largest < 1))
            return new(null, found + $" is unstable (largest nontrivial |multiplier| {F(largest)})");
        return new(new Attractor.Cycle(problem.Mesh, x, T) { Returns = k, Multipliers = mu }, found);
    }

    /// <summary>The trajectory from <paramref name="start"/> at the times period·τ_i of the mesh nodes, or null.</summary>
    double[]? SampleOrbit(double[] start, double period, CycleMesh mesh)
    {
        int nodes = mesh.Nodes, n = _n;
        var times = new double[nodes];
        for (int i = 0; i < nodes; i++) times[i] = period * mesh.NodeTime(i);
        for (int i = 1; i < nodes; i++) if (!(times[i] > times[i - 1])) return null;
        var profile = new double[n * nodes];
        int next = 0;
        var u = (double[])start.Clone();
        var r = _aux.Integrate(_p, u, 0, times, (_, y) => y.CopyTo(profile.AsSpan(n * next++, n)));
        return r.IsSuccess && next == nodes ? profile : null;
    }

    /// <summary>
    /// Newton on the collocation equations with the parameter fixed (bordering row e_λ, right-hand
    /// side 0), as a chord method: the Jacobian is refactored only when the corrections shrink by
    /// less than a factor 10 (the guess from the trajectory is usually within 1e-5), and once more
    /// at the solution if it has moved since. The last factorisation then holds the monodromy.
    /// </summary>
    bool Newton(PeriodicOrbitProblem problem, double[] x)
    {
        int iT = problem.PeriodComponent;
        var system = new FixedParameterSystem(problem);
        var newton = new NewtonCorrector(new NewtonRule
        {
            MaxIterations = MaxNewtonSteps, Tolerance = _options.NewtonTolerance, Chord = true,
            RefactorRatio = 0.1, DivergenceAfter = 3, DivergenceRatio = 1,
            // The profile's correction relative to its size, the period's relative to the period.
            Measure = (x, dx) => (Math.Max(MaxAbs(dx[..iT]) / (1 + MaxAbs(x[..iT])), Math.Abs(dx[iT]) / Math.Abs(x[iT])), 1),
        });
        if (newton.Correct(system, x, new double[problem.Dimension], out _, _cancellation) != NewtonOutcome.Converged) return false;
        // Multipliers from a factorisation this close to the solution are as good as at it.
        return newton.MovedSinceFactor <= 1e-6 || system.Factor(x) == Linearization.Factored;
    }

    /// <summary>True when u(τ + 1/j) = u(τ) at every node: the cycle is a j-fold cover of a shorter one.</summary>
    bool IsCover(CycleMesh mesh, double[] x, int j, int iT)
    {
        int n = _n;
        var profile = x.AsSpan(0, iT);
        double extent = Profiles.Amplitude(profile, mesh.Nodes, n, n);
        var shifted = new double[n];
        double worst = 0;
        for (int i = 0; i < mesh.Nodes; i++)
        {
            double t = mesh.NodeTime(i) + 1.0 / j;
            Mesh.EvaluateAt(mesh.Scheme, mesh.Mesh, profile, n, t >= 1 ? t - 1 : t, shifted);
            for (int s = 0; s < n; s++) worst = Math.Max(worst, Math.Abs(shifted[s] - profile[i * n + s]));
            if (worst > CoverTolerance * extent) return false;
        }
        return true;
    }

    static bool IsPrime(int k)
    {
        for (int d = 2; d * d <= k; d++) if (k % d == 0) return false;
        return k >= 2;
    }

    static double MaxAbs(ReadOnlySpan<double> v)
    {
        double m = 0;
        foreach (double x in v) m = Math.Max(m, Math.Abs(x)); // NaN propagates
        return m;
    }

    static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double d = 0;
        for (int i = 0; i < a.Length; i++) d = Math.Max(d, Math.Abs(a[i] - b[i]));
        return d;
    }

    static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
