namespace Continuation.Pathfollowing;

/// <summary>Progress of a running continuation, reported after every accepted step.</summary>
public readonly record struct PathProgress(int Steps, double Parameter, double StepSize, PointKind LastSpecial);

/// <summary>
/// Keller's pseudo-arclength continuation: tangent predictor, bordered Newton corrector on
/// F(x) = 0, ⟨w∘t, x − x_a⟩ = s, adaptive step, and location of the zeros of test functions
/// (fold, branch point, the problem's own, user values, bounds) by a safeguarded secant
/// (Illinois) iteration on the arclength, re-correcting at each trial point.
/// </summary>
/// <remarks>
/// H. B. Keller, "Numerical solution of bifurcation and nonlinear eigenvalue problems" (1977);
/// E. Doedel, H. B. Keller, J.-P. Kernévez, Int. J. Bifurcation and Chaos 1 (1991), for the
/// test functions; the branch-point test is the sign of det [F_x; tᵀ].
/// The driver is an iterator: it yields the branch one point at a time, the last one an
/// <see cref="PointKind.EP"/> whose <see cref="PathPoint.StopReason"/> says why it ended.
/// Newton failure is an ordinary outcome: the step shrinks, down to ds_min.
/// </remarks>
public sealed class PseudoArclength
{
    readonly IContinuationProblem _problem;
    readonly ContinuationOptions _options;
    readonly StopConditions _stops;
    readonly int _n, _k;
    readonly double[] _weights;
    readonly double[] _residual, _border, _work, _trial;
    readonly int _nProblemTests;

    public PseudoArclength(IContinuationProblem problem, ContinuationOptions options, StopConditions? stops = null)
    {
        _problem = problem;
        _options = options.Validate();
        _stops = stops ?? new StopConditions();
        _n = problem.Dimension;
        _k = problem.ParameterComponent;
        _weights = new double[_n];
        problem.FillWeights(_weights);
        _weights[_k] *= options.ParameterWeight;
        _residual = new double[_n];
        _previousTangent = new double[_n];
        _border = new double[_n];
        _work = new double[_n];
        _trial = new double[_n];
        _nProblemTests = problem.TestFunctionKinds.Count;
    }

    /// <summary>Total Newton iterations spent so far (including location of special points).</summary>
    public int NewtonIterations { get; private set; }

    /// <summary>Factorisations of the bordered Jacobian so far.</summary>
    public int Factorizations { get; private set; }

    // True while the problem holds a factorisation near the current point that a chord
    // corrector may reuse (made at the base point or an earlier iterate).
    bool _factorValid;

    // The tangent and step before the current base point, for the curvature term of the predictor.
    double[] _previousTangent = [];
    double _previousStep = 1;
    bool _curvatureValid, _adapted;

    // Layout of the test-function vector: [fold, branch point, problem tests…, user values…, bound mins…, bound maxes…]
    int TestCount => 2 + _nProblemTests + _stops.UserValues.Count + 2 * _stops.Bounds.Count;

    sealed class State
    {
        public required double[] X;
        public required double[] T;
        public required double[] Tests;
        public required PointAnalysis Analysis;
        public int Iterations;
    }

    /// <summary>
    /// Follows the branch from <paramref name="x0"/> (corrected first with the parameter fixed),
    /// starting in the direction where the parameter increases (<paramref name="direction"/> = +1)
    /// or decreases (−1), or along <paramref name="initialTangent"/> when given.
    /// </summary>
    /// <param name="startIsSolution">
    /// x0 is a solution at which the branch must not be corrected nor its tangent recomputed
    /// (a branch point such as a Hopf point for cycles): the first step goes along
    /// <paramref name="initialTangent"/>, which is then required.
    /// </param>
    public IEnumerable<PathPoint> Follow(double[] x0, int direction, double[]? initialTangent = null,
        IProgress<PathProgress>? progress = null, CancellationToken cancellation = default, bool startIsSolution = false)
    {
        string? failure = null;
        var start = startIsSolution ? Given(x0, initialTangent ?? throw new ArgumentNullException(nameof(initialTangent)))
                                    : Start(x0, direction, initialTangent, out failure);
        if (start is null)
        {
            yield return new PathPoint((double[])x0.Clone(), new double[_n], PointKind.EP, PointAnalysis.None, 0,
                Note: failure, StopReason: StopReason.StartFailed);
            yield break;
        }
        if (!startIsSolution) _problem.Accept(start.X);
        var first = _problem.Signature(start.X);
        var a = start;
        PathPoint pending = ToPoint(a, PointKind.Regular);
        double ds = _options.Ds;
        double farthest = 0;
        var lastSpecial = PointKind.Regular;
        var events = new List<(double S, State P, PointKind Kind, SpecialPointDetails? Details, int Test)>();

        for (int step = 1; ; step++)
        {
            if (cancellation.IsCancellationRequested)
            {
                yield return pending with { Kind = pending.Kind == PointKind.Regular ? PointKind.EP : pending.Kind, Note = "cancelled", StopReason = StopReason.Cancelled };
                yield break;
            }
            if (step > _options.MaxSteps)
            {
                yield return AsEnd(pending, $"max steps ({_options.MaxSteps})", StopReason.MaxSteps);
                yield break;
            }

            // Predictor–corrector with step control.
            State? b = null;
            bool nonFinite = false;
            double h = ds;
            while (true)
            {
                // Tangent predictor with a curvature term from the last two tangents (second order).
                for (int i = 0; i < _n; i++)
                    _trial[i] = a.X[i] + h * a.T[i] + (_curvatureValid ? 0.5 * h * h * (a.T[i] - _previousTangent[i]) / _previousStep : 0);
                var outcome = Correct(_trial, a, h, out int its);
                if (outcome == Outcome.Converged)
                {
                    b = Complete(_trial, a.T, its);
                    if (b is not null) break;
                    outcome = Outcome.Failed;
                }
                nonFinite |= outcome == Outcome.NonFinite;
                h *= 0.5;
                if (h < _options.DsMin) break;
            }
            if (b is null)
            {
                string where = $"{ParameterName()} = {a.X[_k].ToString("G8", System.Globalization.CultureInfo.InvariantCulture)}";
                yield return nonFinite
                    ? AsEnd(pending, $"non-finite right-hand side beyond {where}", StopReason.NonFinite)
                    : AsEnd(pending, $"no convergence at ds_min beyond {where}", StopReason.NoConvergence);
                yield break;
            }

            // Test functions: detect sign changes between a and b, and locate each zero.
            events.Clear();
            for (int j = 0; j < TestCount; j++)
            {
                if (!IsActive(j)) continue;
                double fa = a.Tests[j], fb = b.Tests[j];
                if (!(fa * fb < 0)) continue;
                var located = Locate(j, a, b, h);
                if (located is null) continue;
                var (s, p) = located.Value;
                // A branch started at a special point (from: fp.LP1) must not find it again.
                if (step == 1 && Math.Abs(s) < 1e-3 * Math.Abs(h) && j < 2 + _nProblemTests) continue;
                var kind = KindOf(j);
                SpecialPointDetails? details = null;
                if (j >= 2 && j < 2 + _nProblemTests)
                {
                    details = _problem.Describe(j - 2, p.X, p.Analysis);
                    if (details is null) continue;
                }
                else if (j < 2)
                {
                    kind = _problem.Reclassify(kind, p.X, p.T, ref details);
                    if (kind == PointKind.Regular) continue;
                }
                else if (kind == PointKind.UZ)
                {
                    var uv = _stops.UserValues[j - 2 - _nProblemTests];
                    p.X[uv.Component] = uv.Value;   // exact by construction up to the location tolerance
                }
                events.Add((s, p, kind, details, j));
            }
            events.Sort((e1, e2) => e1.S.CompareTo(e2.S));

            // A bound ends the branch at the first bound event.
            int boundAt = events.FindIndex(e => e.Kind == PointKind.EP || e.Details?.EndsBranch == true);

            // Closed loop: the new chord passes by the first point after the branch has gone away.
            double sLoop = double.NaN;
            if (_stops.DetectClosedLoop && boundAt < 0)
            {
                var sigA = _problem.Signature(a.X);
                var sigB = _problem.Signature(b.X);
                double chord = Distance(sigA, sigB);
                farthest = Math.Max(farthest, Distance(sigB, first));
                if (step > 3 && farthest > 10 * chord)
                {
                    sLoop = ChordPassage(sigA, sigB, first, h);
                    // Back at the start without passing through it: the branch folds there (e.g. a
                    // period-doubled branch returning to the branch point it started from).
                    if (double.IsNaN(sLoop) && Distance(sigB, first) < 1.5 * chord) sLoop = h;
                }
            }

            yield return pending;
            int emitted = boundAt >= 0 ? boundAt : events.Count;
            for (int e = 0; e < emitted; e++)
            {
                if (!double.IsNaN(sLoop) && events[e].S >= sLoop) break;
                lastSpecial = events[e].Kind;
                yield return ToPoint(events[e].P, events[e].Kind, events[e].Details);
            }
            if (boundAt >= 0 && (double.IsNaN(sLoop) || events[boundAt].S < sLoop) && events[boundAt].Test < 2 + _nProblemTests)
            {
                // A problem's own stop test (e.g. a cycle shrinking onto a Hopf point, a Hopf curve reaching BT).
                var ev = events[boundAt];
                if (ev.Kind != PointKind.EP) yield return ToPoint(ev.P, ev.Kind, ev.Details);
                yield return ToPoint(ev.P, PointKind.EP, ev.Details, ev.Details?.Note ?? "stop", StopReason.Bound);
                yield break;
            }
            if (boundAt >= 0 && (double.IsNaN(sLoop) || events[boundAt].S < sLoop))
            {
                var bound = _stops.Bounds[(events[boundAt].Test - 2 - _nProblemTests - _stops.UserValues.Count) % _stops.Bounds.Count];
                var end = events[boundAt].P;
                bool atMin = events[boundAt].Test - 2 - _nProblemTests - _stops.UserValues.Count < _stops.Bounds.Count;
                end.X[bound.Component] = atMin ? bound.Min : bound.Max;
                yield return ToPoint(end, PointKind.EP, null, $"bound {bound.Name} = {(atMin ? bound.Min : bound.Max).ToString("G10", System.Globalization.CultureInfo.InvariantCulture)}", StopReason.Bound);
                yield break;
            }
            if (!double.IsNaN(sLoop))
            {
                // The chord a→b passes the first point: b is where the curve has come round.
                yield return ToPoint(b, PointKind.EP, null, "closed loop", StopReason.ClosedLoop);
                yield break;
            }

            _problem.Accept(b.X);
            pending = ToPoint(b, PointKind.Regular);
            if (_problem.Adapt(b.X, b.T))
            {
                _adapted = true;
                _factorValid = false;
                _problem.FillWeights(_weights);
                _weights[_k] *= _options.ParameterWeight;
            }
            progress?.Report(new PathProgress(step, b.X[_k], h, lastSpecial));
            // Keep the previous tangent for the curvature term (not across a change of discretisation).
            if (!_adapted)
            {
                a.T.CopyTo(_previousTangent, 0);
                _previousStep = h;
                _curvatureValid = true;
            }
            else _curvatureValid = false;
            _adapted = false;
            a = b;
            int easy = _options.ReuseJacobian ? _options.EasyIterations + 2 : _options.EasyIterations;
            ds = b.Iterations <= easy ? Math.Min(h * _options.GrowthFactor, _options.DsMax) : h;
        }
    }

    string ParameterName()
    {
        foreach (var bound in _stops.Bounds) if (bound.Component == _k) return bound.Name;
        return $"x[{_k}]";
    }

    static PathPoint AsEnd(PathPoint p, string note, StopReason reason)
        => p with { Kind = p.Kind == PointKind.Regular ? PointKind.EP : p.Kind, Note = note, StopReason = reason };

    PathPoint ToPoint(State s, PointKind kind, SpecialPointDetails? details = null, string? note = null, StopReason? reason = null)
        => new((double[])s.X.Clone(), (double[])s.T.Clone(), kind, s.Analysis, s.Iterations, details, note ?? details?.Note, reason,
               _problem.Snapshot(s.X));

    bool IsActive(int j)
    {
        if (j == 0) return _options.DetectFolds;
        if (j == 1) return _options.DetectBranchPoints;
        if (j < 2 + _nProblemTests) return _options.DetectBifurcations;
        return true;
    }

    PointKind KindOf(int j)
    {
        if (j == 0) return _problem.FoldKind;
        if (j == 1) return _problem.BranchPointKind;
        if (j < 2 + _nProblemTests) return _problem.TestFunctionKinds[j - 2];
        if (j < 2 + _nProblemTests + _stops.UserValues.Count) return PointKind.UZ;
        return PointKind.EP;
    }

    enum Outcome { Converged, Failed, NonFinite }

    /// <summary>
    /// Newton on F(x) = 0, ⟨w∘t_a, x − x_a⟩ = s, in place on <paramref name="x"/>.
    /// </summary>
    Outcome Correct(double[] x, State a, double s, out int iterations)
    {
        for (int i = 0; i < _n; i++) _border[i] = _weights[i] * a.T[i];
        iterations = 0;
        double previousUpdate = double.PositiveInfinity;
        for (int it = 1; it <= _options.MaxNewtonIterations; it++)
        {
            iterations = it;
            NewtonIterations++;
            if (!_problem.Residual(x, _residual)) return Outcome.NonFinite;
            double arc = -s;
            for (int i = 0; i < _n; i++) arc += _border[i] * (x[i] - a.X[i]);
            _residual[_n - 1] = arc;
            if (!_factorValid)
            {
                switch (_problem.Factor(x, _border))
                {
                    case Linearization.NonFinite: _factorValid = false; return Outcome.NonFinite;
                    case Linearization.Singular: _factorValid = false; return Outcome.Failed;
                }
                Factorizations++;
                _factorValid = _options.ReuseJacobian;
            }
            _problem.Solve(_residual);
            double update = 0, scale = 1;
            for (int i = 0; i < _n; i++)
            {
                x[i] -= _residual[i];
                update = Math.Max(update, Math.Abs(_residual[i]));
                scale = Math.Max(scale, Math.Abs(x[i]));
            }
            if (!double.IsFinite(update)) return Outcome.NonFinite;
            // With linear (chord) convergence at rate ρ the remaining error is about update·ρ/(1−ρ).
            double rate = update / previousUpdate;
            double remaining = rate < 0.5 ? update * rate / (1 - rate) : update;
            if (update <= _options.NewtonTolerance * scale || remaining <= 0.1 * _options.NewtonTolerance * scale)
            {
                if (!_problem.Residual(x, _residual)) return Outcome.NonFinite;
                double r = 0;
                for (int i = 0; i < _n - 1; i++) r = Math.Max(r, Math.Abs(_residual[i]));
                if (r <= 10 * _options.NewtonTolerance * scale) return Outcome.Converged;
            }
            // Chord iterations with an old Jacobian: refactor when they stop contracting fast.
            if (_factorValid && update > 0.3 * previousUpdate) _factorValid = false;
            // Divergence guard: an update growing after the first iterations will not converge.
            if (it > 2 && update > 2 * previousUpdate) { _factorValid = false; return Outcome.Failed; }
            previousUpdate = update;
        }
        return Outcome.Failed;
    }

    /// <summary>Tangent, analysis and test functions at a converged point.</summary>
    State? Complete(double[] x, double[] previousTangent, int iterations)
    {
        var t = new double[_n];
        for (int i = 0; i < _n; i++) _border[i] = _weights[i] * previousTangent[i];
        Factorizations++;
        if (_problem.Factor(x, _border) != Linearization.Factored) { _factorValid = false; return null; }
        // The next corrector may start from this factorisation (chord Newton).
        _factorValid = _options.ReuseJacobian;
        int detSign = _problem.DeterminantSign;
        t[_n - 1] = 1;
        _problem.Solve(t);
        if (!Normalize(t)) return null;
        double orient = 0;
        for (int i = 0; i < _n; i++) orient += _border[i] * t[i];
        if (orient < 0) for (int i = 0; i < _n; i++) t[i] = -t[i];
        var tests = new double[TestCount];
        var analysis = Evaluate(x, t, detSign, tests);
        return new State { X = (double[])x.Clone(), T = t, Tests = tests, Analysis = analysis, Iterations = iterations };
    }

    PointAnalysis Evaluate(double[] x, double[] t, int detSign, double[] tests)
    {
        tests[0] = t[_k];
        tests[1] = detSign;
        var analysis = _problem.Analyze(x, tests.AsSpan(2, _nProblemTests));
        int o = 2 + _nProblemTests;
        foreach (var uv in _stops.UserValues) tests[o++] = x[uv.Component] - uv.Value;
        foreach (var bd in _stops.Bounds) tests[o++] = x[bd.Component] - bd.Min;
        foreach (var bd in _stops.Bounds) tests[o++] = x[bd.Component] - bd.Max;
        return analysis;
    }

    bool Normalize(double[] t)
    {
        double norm = 0;
        for (int i = 0; i < _n; i++) norm += _weights[i] * t[i] * t[i];
        norm = Math.Sqrt(norm);
        if (!(norm > 0) || !double.IsFinite(norm)) return false;
        for (int i = 0; i < _n; i++) t[i] /= norm;
        return true;
    }

    static double Distance(double[] x, double[] y)
    {
        double d = 0;
        for (int i = 0; i < x.Length; i++) d += (x[i] - y[i]) * (x[i] - y[i]);
        return Math.Sqrt(d);
    }

    /// <summary>
    /// If the chord a→b passes within a small distance of <paramref name="p"/>, the arclength
    /// (in [0, h]) of the closest passage; otherwise NaN.
    /// </summary>
    static double ChordPassage(double[] a, double[] b, double[] p, double h)
    {
        double ab = 0, ap = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += (b[i] - a[i]) * (b[i] - a[i]);
            ap += (p[i] - a[i]) * (b[i] - a[i]);
        }
        if (ab == 0) return double.NaN;
        double tau = ap / ab;
        if (tau < 0 || tau > 1) return double.NaN;
        double d = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double c = a[i] + tau * (b[i] - a[i]) - p[i];
            d += c * c;
        }
        return Math.Sqrt(d) < 0.25 * Math.Sqrt(ab) + 1e-9 ? tau * h : double.NaN;
    }

    /// <summary>
    /// Zero of test function j between a (arclength 0) and b (arclength h) by the Illinois
    /// variant of regula falsi; each trial point is corrected onto the curve with the arclength
    /// constraint of the step a→b. Returns the arclength and the point, or null if a trial
    /// point could not be corrected.
    /// </summary>
    (double S, State P)? Locate(int j, State a, State b, double h)
    {
        double sLo = 0, fLo = a.Tests[j], sHi = h, fHi = b.Tests[j];
        State? best = null;
        double bestS = 0;
        int side = 0;
        double tol = _options.LocationTolerance * (1 + MaxAbs(b.X));
        bool discrete = j == 1; // the branch-point test is a sign: bisect
        for (int it = 0; it < 100; it++)
        {
            double s = discrete ? 0.5 * (sLo + sHi) : sHi - fHi * (sHi - sLo) / (fHi - fLo);
            if (!(s > Math.Min(sLo, sHi) && s < Math.Max(sLo, sHi))) s = 0.5 * (sLo + sHi);
            double theta = s / h;
            var x = new double[_n];
            for (int i = 0; i < _n; i++) x[i] = a.X[i] + theta * (b.X[i] - a.X[i]);
            if (Correct(x, a, s, out int its) != Outcome.Converged) return best is null ? null : (bestS, best);
            var p = Complete(x, a.T, its);
            if (p is null) return best is null ? null : (bestS, best);
            double f = p.Tests[j];
            best = p; bestS = s;
            if (f == 0 && !discrete) break;
            if (f * fHi < 0)
            {
                sLo = sHi; fLo = fHi;
                sHi = s; fHi = f;
                side = 0;
            }
            else
            {
                sHi = s; fHi = f;
                if (side == 1) fLo *= 0.5; // Illinois: halve the stale end's value
                side = 1;
            }
            if (Math.Abs(sHi - sLo) <= tol) break;
        }
        return (bestS, best!);
    }

    static double MaxAbs(double[] x)
    {
        double m = 0;
        foreach (var v in x) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    /// <summary>A start point taken as it is, with a given tangent and no test-function values.</summary>
    State Given(double[] x0, double[] tangent)
    {
        var t = (double[])tangent.Clone();
        if (!Normalize(t)) throw new ArgumentException("the initial tangent is zero or not finite", nameof(tangent));
        var tests = new double[TestCount];
        Array.Fill(tests, double.NaN);
        return new State { X = (double[])x0.Clone(), T = t, Tests = tests, Analysis = PointAnalysis.None, Iterations = 0 };
    }

    /// <summary>
    /// Start correction when the parameter cannot be held fixed: estimate the tangent at x0 with a
    /// tilted border, then solve F(x) = 0 with ⟨t, x − x0⟩ = 0.
    /// </summary>
    State? StartAlongTangent(double[] x0, int direction, int iterations)
    {
        var guide = new double[_n];
        double sign = direction >= 0 ? 1 : -1;
        for (int i = 0; i < _n; i++) guide[i] = sign * 1e-2 * Math.Sin(1.0 + i);
        guide[_k] = sign;
        var estimate = Complete((double[])x0.Clone(), guide, iterations);
        if (estimate is null) return null;
        var a = new State { X = (double[])x0.Clone(), T = estimate.T, Tests = estimate.Tests, Analysis = estimate.Analysis };
        var x = (double[])x0.Clone();
        _factorValid = false;
        if (Correct(x, a, 0, out int its) != Outcome.Converged) return null;
        var state = Complete(x, estimate.T, its);
        return state is null ? null : Complete(x, state.T, its) ?? state;
    }

    /// <summary>Corrects the start point at fixed parameter and computes its tangent.</summary>
    State? Start(double[] x0, int direction, double[]? initialTangent, out string? failure)
    {
        failure = null;
        var x = (double[])x0.Clone();
        Array.Clear(_border);
        _border[_k] = 1;
        int its = 0;
        for (int it = 1; it <= Math.Max(20, _options.MaxNewtonIterations); it++)
        {
            its = it;
            NewtonIterations++;
            _factorValid = false;
            if (!_problem.Residual(x, _residual)) { failure = "non-finite right-hand side at the start point"; return null; }
            _residual[_n - 1] = 0;
            double r = 0, scale = 1;
            for (int i = 0; i < _n - 1; i++) r = Math.Max(r, Math.Abs(_residual[i]));
            for (int i = 0; i < _n; i++) scale = Math.Max(scale, Math.Abs(x[i]));
            // Already a solution (e.g. a labelled point of an earlier branch, possibly a fold where
            // the fixed-parameter Jacobian is singular): keep it as it is.
            if (r <= 0.1 * _options.NewtonTolerance * scale) break;
            var lin = _problem.Factor(x, _border);
            if (lin != Linearization.Factored)
            {
                failure = lin == Linearization.NonFinite ? "non-finite Jacobian at the start point" : "singular Jacobian at the start point";
                return null;
            }
            _problem.Solve(_residual);
            double update = 0;
            for (int i = 0; i < _n; i++) { x[i] -= _residual[i]; update = Math.Max(update, Math.Abs(_residual[i])); }
            if (!double.IsFinite(update)) { failure = "Newton diverged at the start point"; return null; }
            if (update <= _options.NewtonTolerance * scale && r <= 1e3 * _options.NewtonTolerance * scale) break;
            if (it == Math.Max(20, _options.MaxNewtonIterations))
            {
                // Fixing the parameter does not determine the point where the branch runs
                // orthogonally to it: correct orthogonally to an estimated tangent instead.
                var retry = StartAlongTangent(x0, direction, its);
                if (retry is not null) return retry;
                failure = "Newton did not converge at the start point";
                return null;
            }
        }
        double[] guide;
        if (initialTangent is not null)
        {
            guide = (double[])initialTangent.Clone();
        }
        else
        {
            // The parameter direction, tilted a little so that the bordered system stays regular
            // where the branch is orthogonal to it (a fold, or a curve along which the first
            // parameter is constant); one more solve with the result as border then refines it.
            guide = new double[_n];
            double sign = direction >= 0 ? 1 : -1;
            for (int i = 0; i < _n; i++) guide[i] = sign * 1e-2 * Math.Sin(1.0 + i);
            guide[_k] = sign;
        }
        var state = Complete(x, guide, its);
        if (state is not null && initialTangent is null) state = Complete(x, state.T, its) ?? state;
        if (state is null)
        {
            failure = "could not compute a tangent at the start point";
            return null;
        }
        // Forward means the parameter increases, where the branch is not orthogonal to it.
        if (initialTangent is null && Math.Abs(state.T[_k]) > 1e-6 && state.T[_k] * direction < 0)
        {
            for (int i = 0; i < _n; i++) state.T[i] = -state.T[i];
            state.Tests[0] = state.T[_k];
        }
        return state;
    }
}
