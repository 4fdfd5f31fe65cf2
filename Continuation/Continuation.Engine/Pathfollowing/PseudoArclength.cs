using System.Globalization;

namespace Continuation.Pathfollowing;

/// <summary>Progress of a running continuation, reported after every accepted step.</summary>
public readonly record struct PathProgress(int Steps, double Parameter, double StepSize, PointKind LastSpecial);

/// <summary>
/// Keller's pseudo-arclength continuation: tangent predictor, bordered Newton corrector on
/// F(x) = 0, ⟨w∘t, x − x_a⟩ = s, adaptive step, and detection, location and verification of
/// special points (folds, branch points, the problem's own, user values, bounds).
/// </summary>
/// <remarks>
/// H. B. Keller, "Numerical solution of bifurcation and nonlinear eigenvalue problems" (1977);
/// E. Doedel, H. B. Keller, J.-P. Kernévez, Int. J. Bifurcation and Chaos 1 (1991), for the
/// test functions; the branch-point test is det [F_x; tᵀ], made continuous through log |det|.
/// <para>
/// A step is accepted only when everything that happened in it is accounted for: the tangent did
/// not turn by more than <see cref="ContinuationOptions.MaxTurnDegrees"/>; no watched test function
/// is predicted (by the quadratic through the last three points) to have crossed zero twice; every
/// crossing was located and verified; and the change of the problem's
/// <see cref="StabilitySignature"/> is explained by the special points found
/// (<see cref="StabilitySignature.Explains"/>). Otherwise the step is halved, down to ds_min; what
/// is still unexplained there is written as a point that is not located, with its bracket.
/// </para>
/// <para>
/// Special points are located on the chord between the ends of the step: each trial point is
/// corrected onto the curve in the hyperplane ⟨w∘d, x − x_a⟩ = θ|d|², d = x_b − x_a, by a regula
/// falsi (Illinois) iteration on θ that never leaves the bracket, and must lie near the chord. The
/// located point is then verified against its defining condition
/// (<see cref="IContinuationProblem.DefiningResidual"/>).
/// </para>
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
    readonly double[] _residual, _border, _trial, _direction;
    readonly int _nProblemTests;
    readonly BranchEvent[] _events;
    readonly int _slots;
    readonly double _cosMaxTurn;
    readonly NewtonCorrector _newton;
    readonly ArclengthStep _step;

    /// <summary>Halvings of one step for refinement before what is left is reported as it is.</summary>
    const int MaxRefinements = 24;

    /// <summary>A continuation driver for <paramref name="problem"/>.</summary>
    /// <param name="problem">The problem whose solution curve is followed.</param>
    /// <param name="options">Step control and Newton settings; validated here (<see cref="ContinuationOptions.Validate"/>).</param>
    /// <param name="stops">Bounds, user values and closed-loop detection (null: no bounds or user values, closed loops detected).</param>
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
        _trial = new double[_n];
        _direction = new double[_n];
        _nProblemTests = problem.TestFunctionKinds.Count;
        _cosMaxTurn = Math.Cos(options.MaxTurnDegrees * Math.PI / 180);
        _newton = new NewtonCorrector(new NewtonRule
        {
            MaxIterations = options.MaxNewtonIterations, Tolerance = options.NewtonTolerance, Chord = options.ReuseJacobian,
            RefactorRatio = 0.3, DivergenceAfter = 2, DivergenceRatio = 2, EstimateRemaining = true, ResidualFactor = 10,
        });
        _step = new ArclengthStep(problem, _border);

        var events = new List<BranchEvent> { new FoldEvent(0, problem.FoldKind), new BranchPointEvent(1, problem.BranchPointKind) };
        for (int i = 0; i < _nProblemTests; i++) events.Add(new ProblemEvent(events.Count, i, problem.TestFunctionKinds[i]));
        foreach (var uv in _stops.UserValues) events.Add(new UserValueEvent(events.Count, uv));
        foreach (var bd in _stops.Bounds) events.Add(new BoundEvent(events.Count, bd, atMin: true));
        foreach (var bd in _stops.Bounds) events.Add(new BoundEvent(events.Count, bd, atMin: false));
        _events = [.. events];
        _slots = _events.Length;
    }

    /// <summary>Total Newton iterations spent so far (including location of special points).</summary>
    public int NewtonIterations => _newton.Iterations + _otherIterations;

    /// <summary>Factorisations of the bordered Jacobian so far.</summary>
    public int Factorizations => _newton.Factorizations + _otherFactorizations;

    // Iterations and factorisations outside the corrector: the start, polishing, tangents.
    int _otherIterations, _otherFactorizations;

    /// <summary>
    /// Crossings of a test function that were not reported because what they rest on cannot be
    /// trusted there (Floquet multipliers whose trivial one is far from 1): kind, continued
    /// parameter, why. The branch's warnings summarise them.
    /// </summary>
    public List<SuppressedPoint> Suppressed { get; } = [];
    readonly List<SuppressedPoint> _suppressedInStep = [];

    /// <summary>Steps halved because the tangent turned too far, a test function threatened to cross twice, or the stability counts were not explained.</summary>
    public int Refinements { get; private set; }

    // _newton.FactorValid: true while the problem holds a factorisation near the current point
    // that a chord corrector may reuse (made at the base point or an earlier iterate).

    // The tangent and step before the current base point, for the curvature term of the predictor.
    double[] _previousTangent = [];
    double _previousStep = 1;
    bool _curvatureValid, _adapted;

    /// <summary>A special point found in a step: where along the chord, the point, what it is.</summary>
    sealed record Found(double S, PathState P, PointKind Kind, SpecialPointDetails? Details, BranchEvent? Event);

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
        // A start outside a stop interval ends the branch where it is.
        foreach (var e in _events)
            if (e is BoundEvent bound && bound.Outside(start.X))
            {
                yield return ToPoint(start, PointKind.EP, null,
                    $"start outside the stop interval: {bound.Bound.Name} = {Fmt(start.X[bound.Bound.Component], "G10")} {(bound.AtMin ? "<" : ">")} {Fmt(bound.Limit, "G10")}",
                    StopReason.Bound);
                yield break;
            }
        var first = _problem.Signature(start.X);
        var a = start;
        PathState? before = null;   // the point before a, for the double-crossing prediction
        double beforeStep = 0;
        PathPoint pending = ToPoint(a, PointKind.Regular);
        double ds = _options.Ds;
        double farthest = 0;
        var lastSpecial = PointKind.Regular;

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

            // Predictor–corrector with step control; then the step is checked and refined until
            // every event in it is isolated, located and accounted for.
            double h = ds;
            PathState? b = null;
            List<Found> events = [];
            bool nonFinite = false;
            for (int refinements = 0; ; refinements++)
            {
                b = Advance(a, ref h, ref nonFinite);
                if (b is null) break;
                // Refinement isolates events, so it may go below ds_min (which bounds steps that fail):
                // a fold and a period doubling can lie closer than that near a homoclinic orbit.
                // With every detection off (a frozen-period homoclinic run) there is nothing to isolate.
                bool canRefine = refinements < MaxRefinements && 0.5 * h >= 1e-12 * (1 + MaxAbs(a.X))
                    && (_options.DetectFolds || _options.DetectBranchPoints || _options.DetectBifurcations);
                if (canRefine && (TurnsTooFar(a, b) || PredictsDoubleCrossing(before, beforeStep, a, b, h)))
                {
                    h *= 0.5; Refinements++;
                    continue;
                }
                events = FindEvents(a, b, h, step, out bool unsettled);
                // The first step may start on a special point (from: fp.BP1), whose crossing it half
                // contains; a step in which the branch ends (a bound, a cycle reaching a Hopf point) is
                // accounted for only up to that end.
                bool accounted = step == 1 || events.Any(e => e.Kind == PointKind.EP || e.Details?.EndsBranch == true) || Accounted(a, b, events);
                if (canRefine && (unsettled || !accounted))
                {
                    h *= 0.5; Refinements++;
                    continue;
                }
                if (!accounted) AddUnexplained(a, b, h, events);
                break;
            }
            if (b is null)
            {
                string where = $"{ParameterName()} = {Fmt(a.X[_k], "G8")}";
                yield return nonFinite
                    ? AsEnd(pending, $"non-finite right-hand side beyond {where}", StopReason.NonFinite)
                    : AsEnd(pending, $"no convergence at ds_min beyond {where}", StopReason.NoConvergence);
                yield break;
            }
            events.Sort((e1, e2) => e1.S.CompareTo(e2.S));
            Suppressed.AddRange(_suppressedInStep);

            // The first event that ends the branch (a bound, a problem's end such as a cycle reaching a Hopf point).
            int endAt = events.FindIndex(e => e.Kind == PointKind.EP || e.Details?.EndsBranch == true);

            // Closed loop: the new chord passes by the first point after the branch has gone away.
            double sLoop = double.NaN;
            if (_stops.DetectClosedLoop && endAt < 0)
            {
                var sigA = _problem.Signature(a.X);
                var sigB = _problem.Signature(b.X);
                double chord = Distance(sigA, sigB);
                farthest = Math.Max(farthest, Distance(sigB, first));
                if (step > 3 && farthest > 10 * chord)
                {
                    sLoop = ChordPassage(sigA, sigB, first, h);
                    // Back at the start without passing through it: the branch folds there (e.g. a
                    // period-doubled branch returning to the branch point it started from, where the
                    // cycles' signature cannot tell the two halves apart). Elsewhere the branch must come
                    // back the way it left: passing near the start after a sharp fold is no loop.
                    if (double.IsNaN(sLoop) && Distance(sigB, first) < 0.5 * chord && (_problem.FoldKind != PointKind.LP || Along(start.T, b.T) > 0.5)) sLoop = h;
                }
            }

            yield return pending;
            int emitted = endAt >= 0 ? endAt : events.Count;
            for (int e = 0; e < emitted; e++)
            {
                if (!double.IsNaN(sLoop) && events[e].S >= sLoop) break;
                lastSpecial = events[e].Kind;
                yield return ToPoint(events[e].P, events[e].Kind, events[e].Details);
            }
            if (endAt >= 0 && (double.IsNaN(sLoop) || events[endAt].S < sLoop))
            {
                var ev = events[endAt];
                if (ev.Event is BoundEvent bound)
                {
                    var end = ev.P;
                    if (ev.Details?.Located != false) end.X[bound.Bound.Component] = bound.Limit;
                    string note = $"bound {bound.Bound.Name} = {Fmt(bound.Limit, "G10")}" + (ev.Details?.Located == false ? $" ({ev.Details.Note})" : "");
                    yield return ToPoint(end, PointKind.EP, ev.Details?.Located == false ? ev.Details : null, note, StopReason.Bound);
                    yield break;
                }
                // A problem's own end (e.g. a cycle shrinking onto a Hopf point, a Hopf curve reaching BT).
                if (ev.Kind != PointKind.EP) yield return ToPoint(ev.P, ev.Kind, ev.Details);
                yield return ToPoint(ev.P, PointKind.EP, ev.Details, ev.Details?.Note ?? "stop", StopReason.Bound);
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
                _newton.FactorValid = false;
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
            before = a;
            beforeStep = h;
            a = b;
            int easy = _options.ReuseJacobian ? _options.EasyIterations + 2 : _options.EasyIterations;
            ds = b.Iterations <= easy ? Math.Min(h * _options.GrowthFactor, _options.DsMax) : h;
        }
    }

    /// <summary>Predictor and corrector from a with step h, halving h on failure; null below ds_min.</summary>
    PathState? Advance(PathState a, ref double h, ref bool nonFinite)
    {
        while (true)
        {
            // Tangent predictor with a curvature term from the last two tangents (second order).
            for (int i = 0; i < _n; i++)
                _trial[i] = a.X[i] + h * a.T[i] + (_curvatureValid ? 0.5 * h * h * (a.T[i] - _previousTangent[i]) / _previousStep : 0);
            var outcome = Correct(_trial, a.X, a.T, h, out int its);
            if (outcome == NewtonOutcome.Converged)
            {
                var b = Complete(_trial, a.T, its);
                if (b is not null) return b;
                outcome = NewtonOutcome.Failed;
            }
            nonFinite |= outcome == NewtonOutcome.NonFinite;
            h *= 0.5;
            if (h < _options.DsMin) return null;
        }
    }

    /// <summary>The tangent turned by more than the largest angle allowed in one step.</summary>
    bool TurnsTooFar(PathState a, PathState b)
    {
        double c = 0;
        for (int i = 0; i < _n; i++) c += _weights[i] * a.T[i] * b.T[i];
        return c < _cosMaxTurn;
    }

    /// <summary>
    /// A watched test function keeps its sign from a to b, but the parabola through its values at
    /// the point before a, at a and at b dips across zero inside the step: two crossings are likely
    /// (two folds, or two Hopf points, within one step).
    /// </summary>
    bool PredictsDoubleCrossing(PathState? before, double hp, PathState a, PathState b, double h)
    {
        if (before is null || !(hp > 0)) return false;
        foreach (var e in _events)
        {
            if (!e.Watched || !e.Active(_options)) continue;
            if (ParabolaDips(before.Tests[e.Slot], a.Tests[e.Slot], b.Tests[e.Slot], hp, h)) return true;
        }
        // The growth exponents (real parts of eigenvalues, logarithms of multipliers) are smoother
        // than the products the test functions are: two Hopf points 0.02 apart in a step of 0.5 bend
        // one of them into a parabola whose dip the test function's curvature hides.
        if (before.Analysis.Exponents is { } ep && a.Analysis.Exponents is { } ea && b.Analysis.Exponents is { } eb
            && ep.Length == ea.Length && ea.Length == eb.Length && _options.DetectBifurcations)
        {
            for (int i = 0; i < ea.Length; i++)
                if (ParabolaDips(ep[i], ea[i], eb[i], hp, h)) return true;
        }
        return false;
    }

    /// <summary>
    /// f keeps its sign from a (s = 0) to b (s = h), but the parabola through its values at s = −hp,
    /// 0 and h has its vertex inside the step on the other side of zero.
    /// </summary>
    static bool ParabolaDips(double fp, double fa, double fb, double hp, double h)
    {
        if (!double.IsFinite(fp) || !double.IsFinite(fa) || !double.IsFinite(fb) || !(fa * fb > 0)) return false;
        // f(s) = fa + c1 s + c2 s² through (−hp, fp), (0, fa), (h, fb).
        double c2 = ((fb - fa) / h + (fp - fa) / hp) / (h + hp);
        double c1 = (fb - fa) / h - c2 * h;
        if (c2 == 0) return false;
        double sv = -c1 / (2 * c2);
        if (!(sv > 0 && sv < h)) return false;
        double fv = fa + c1 * sv + c2 * sv * sv;
        return fv * fa < 0;
    }

    /// <summary>The change of the stability counts from a to b is explained by the special points found between them.</summary>
    bool Accounted(PathState a, PathState b, List<Found> events)
    {
        // The counts can only be explained by the crossings the run looks for.
        if (!(_options.DetectFolds && _options.DetectBranchPoints && _options.DetectBifurcations)) return true;
        if (a.Analysis.Signature is not { } sa || b.Analysis.Signature is not { } sb) return true;
        var (real, flip, pair) = Count(events);
        return StabilitySignature.Explains(sa, sb, real, flip, pair);
    }

    static (int Real, int Flip, int Pair) Count(List<Found> events)
    {
        int real = 0, flip = 0, pair = 0;
        foreach (var e in events)
            switch (BranchEvent.Effect(e.Kind))
            {
                case SignatureEffect.Real: real++; break;
                case SignatureEffect.Flip: flip++; break;
                case SignatureEffect.Pair: pair++; break;
            }
        return (real, flip, pair);
    }

    /// <summary>
    /// The step cannot be refined further and the stability counts still changed without the
    /// special points to explain it: report what is missing as points that are not located.
    /// </summary>
    void AddUnexplained(PathState a, PathState b, double h, List<Found> events)
    {
        var (real, flip, pair) = Count(events);
        var (addReal, addFlip, addPair) = StabilitySignature.Missing(a.Analysis.Signature!, b.Analysis.Signature!, real, flip, pair);
        bool foldChanged = a.Tests[0] * b.Tests[0] < 0;
        var realKind = foldChanged ? _problem.FoldKind : _problem.BranchPointKind;
        var pairKind = _problem.FoldKind == PointKind.LPC ? PointKind.NS : PointKind.HB;
        string why = $"not located: the stability changed between {ParameterName()} = {Fmt(a.X[_k], "G10")} and {Fmt(b.X[_k], "G10")} without a detected crossing (bracket [{Fmt(a.X[_k], "G10")}, {Fmt(b.X[_k], "G10")}])";
        void Add(PointKind kind, int count)
        {
            for (int i = 0; i < count; i++)
                events.Add(new Found(0.5 * h, b, kind, Unlocated(a.X[_k], b.X[_k], why), null));
        }
        Add(realKind, addReal);
        Add(PointKind.PD, addFlip);
        Add(pairKind, addPair);
    }

    static SpecialPointDetails Unlocated(double from, double to, string note, SpecialPointDetails? details = null)
        => (details ?? new SpecialPointDetails()) with
        {
            Located = false,
            BracketFrom = Math.Min(from, to),
            BracketTo = Math.Max(from, to),
            Note = details?.Note is { Length: > 0 } existing ? note + "; " + existing : note,
        };

    /// <summary>
    /// Every event that crossed between a and b, located, confirmed by the problem and verified.
    /// <paramref name="unsettled"/> is set when a crossing could not be located or verified (a
    /// smaller step may isolate it).
    /// </summary>
    List<Found> FindEvents(PathState a, PathState b, double h, int step, out bool unsettled)
    {
        unsettled = false;
        _stepStart = a; _stepEnd = b;
        _suppressedInStep.Clear();
        var found = new List<Found>();
        // The problem's own ends first (a cycle shrinking onto a Hopf point): where the branch ends in
        // the step, the fold or branch point of the branch turning back on itself there is that end.
        bool ended = false;
        foreach (var e in _events.OrderBy(e => e is ProblemEvent { Kind: PointKind.EP } ? 0 : 1))
        {
            if (!e.Active(_options) || !e.Crossed(a, b)) continue;
            if (ended && e is FoldEvent or BranchPointEvent) continue;
            if (e is BoundEvent bound && bound.Value(a, a) == 0)
            {
                // Started on the bound and leaving the interval: the branch ends where it is.
                found.Add(new Found(0, Copy(a), PointKind.EP, null, e));
                continue;
            }
            if (e is FoldEvent && _problem.FoldKind == PointKind.LPC && (a.Analysis.Unreliable || b.Analysis.Unreliable) && IsSmallTurn(a))
            {
                // See Confirm: where the multipliers are inaccurate and the branch runs parallel to the
                // parameter axis, a sign change of the fold test is rounding; not worth locating.
                _suppressedInStep.Add(new SuppressedPoint(e.Kind, b.X[_k], "Floquet multipliers inaccurate (trivial multiplier off by more than 1e-4)"));
                continue;
            }
            var loc = Locate(e, a, b, h);
            if (loc.P is null)
            {
                // Never located. The problem may still recognise the end of the step as an end of the
                // branch that needs no location (a cycle arriving at a Hopf point: the facade puts
                // the end on the Hopf point itself); otherwise the point is reported as not located.
                var at = Copy(Math.Abs(e.Value(a, a)) <= Math.Abs(e.Value(a, b)) ? a : b);
                if (Confirm(e, at) is { Kind: PointKind.EP } end)
                {
                    found.Add(new Found(loc.S, at, PointKind.EP, end.Details, e));
                    ended |= e is ProblemEvent;
                    continue;
                }
                found.Add(new Found(loc.S, at, e.Kind, Unlocated(loc.From, loc.To, $"not located: bracket [{Fmt(Math.Min(loc.From, loc.To), "G10")}, {Fmt(Math.Max(loc.From, loc.To), "G10")}]"), e));
                continue;
            }
            var p = loc.P;
            // A fold whose parameter moves less than Newton resolves (a branch running parallel to the
            // parameter axis, e.g. cycles approaching a homoclinic orbit) is rounding, not a fold.
            if (e is FoldEvent && IsUnresolvedTurn(a, b, p)) continue;
            // A branch started at a special point (from: fp.LP1) must not find it again.
            if (step == 1 && loc.S <= 1e-6 * (1 + MaxAbs(a.X)) && e is FoldEvent or BranchPointEvent or ProblemEvent) continue;
            if (Confirm(e, p) is not { } confirmed) continue;
            var (kind, details) = confirmed;
            if (kind == PointKind.EP && e is not BoundEvent)
            {
                // An end the problem declares (e.g. the arrival at a Hopf point): its own business.
                found.Add(new Found(loc.S, p, kind, details, e));
                ended |= e is ProblemEvent;
                continue;
            }
            double residual = Residual(e, kind, a, b, p, loc, out bool relative);
            double tolerance = Math.Max(_options.VerificationTolerance, _problem.ResidualFloor(kind, p.Analysis));
            // A branch point verified only by the determinant relative to the step's ends (a structured
            // problem: the determinant of a collocation system is far from linear across the step) is
            // held to the square root of the tolerance.
            if (relative && e is BranchPointEvent) tolerance = Math.Sqrt(tolerance);
            // So is a point where the problem ends the branch (R1, R2 on a torus curve …): the curve's
            // extended system is singular there, and its corrector resolves it no better.
            bool ends = details?.EndsBranch == true;
            if (ends) tolerance = Math.Sqrt(tolerance);
            bool located = (loc.Converged || ends) && residual <= tolerance;
            if (!located && loc.Converged && e is not BranchPointEvent)
            {
                // A test that moves fast (a multiplier sweeping through −1 near a homoclinic orbit) needs a
                // tighter bracket than the location tolerance gives: locate once more, 10⁻⁴ tighter.
                var again = Locate(e, a, b, h, 1e-4);
                if (again.P is { } q && again.Converged && Confirm(e, q) is { } reconfirmed)
                {
                    double r = Residual(e, reconfirmed.Kind, a, b, q, again, out _);
                    if (r <= tolerance) { loc = again; p = q; (kind, details) = reconfirmed; residual = r; located = true; }
                }
            }
            details = (details ?? new SpecialPointDetails()) with { Residual = residual, Tolerance = tolerance };
            if (!located)
            {
                details = Unlocated(loc.From, loc.To,
                    $"not located: bracket [{Fmt(Math.Min(loc.From, loc.To), "G10")}, {Fmt(Math.Max(loc.From, loc.To), "G10")}], residual {Fmt(residual, "G3")}", details);
            }
            found.Add(new Found(loc.S, p, kind, details, e));
        }
        // A branch point where the branch also turns (the tip of a pitchfork's parabola): the hyperplanes
        // of the chord contain the other branch there, so that the corrector resolves the point only to
        // the square root of its tolerance across the fold. The fold, located in the same step, is the
        // estimate of both; their conditions are held to the square root of the tolerance.
        int fold = found.FindIndex(f => f.Event is FoldEvent);
        int branch = found.FindIndex(f => f.Event is BranchPointEvent);
        if (fold >= 0 && branch >= 0 && (found[fold].Details?.Located == false || found[branch].Details?.Located == false))
        {
            var p = found[fold].P;
            double loose = Math.Sqrt(_options.VerificationTolerance);
            var nowhere = new Location(p, found[fold].S, true, p.X[_k], p.X[_k]);
            double foldResidual = Residual(found[fold].Event!, found[fold].Kind, a, b, p, nowhere, out _);
            double branchResidual = found[branch].Details?.Located == false
                ? Residual(found[branch].Event!, found[branch].Kind, a, b, p, nowhere, out _)
                : 0;
            if (foldResidual <= loose && branchResidual <= loose && found[branch].Details?.Located == true)
            {
                // The branch point was located on its own: only the fold needs the looser tolerance.
                found[fold] = found[fold] with { Details = (found[fold].Details ?? new SpecialPointDetails()) with { Located = true, Residual = foldResidual, Tolerance = loose, Note = "at the tip of a pitchfork (a fold of this branch at a branch point): its condition to the square root of the tolerance", BracketFrom = null, BracketTo = null } };
            }
            else if (foldResidual <= loose && branchResidual <= loose)
            {
                const string note = "at the tip of a pitchfork (a fold of this branch at a branch point): located together, their conditions to the square root of the tolerance";
                if (found[fold].Details?.Located == false)
                    found[fold] = found[fold] with { Details = (found[fold].Details ?? new SpecialPointDetails()) with { Located = true, Residual = foldResidual, Tolerance = loose, Note = note, BracketFrom = null, BracketTo = null } };
                found[branch] = found[branch] with
                {
                    S = found[fold].S, P = Copy(p),
                    Details = new SpecialPointDetails { Residual = branchResidual, Tolerance = loose, Note = note },
                };
            }
        }
        // Where the problem ends the branch inside the step (a cycle shrinking onto a Hopf point, where the
        // branch of cycles turns back on itself), a fold or branch point there that could not be located
        // is that end, not a point of its own.
        if (found.Any(f => f.Event is ProblemEvent && (f.Kind == PointKind.EP || f.Details?.EndsBranch == true)))
            found.RemoveAll(f => f.Event is FoldEvent or BranchPointEvent && f.Details?.Located == false);
        // A smaller step isolates most events, but not a branch point: near one the corrector may land
        // on the other branch, and refining there makes the branch jump.
        // Nor a point where the problem ends the branch (R1, R2, BT …): the extended system is singular
        // there, and a smaller step only fails closer to it.
        unsettled = found.Any(f => f.Details?.Located == false && f.Event is not BranchPointEvent && f.Details?.EndsBranch != true);
        return found;
    }

    /// <summary>The continued parameter at the turn differs from both ends of the step by no more than the corrector resolves.</summary>
    bool IsUnresolvedTurn(PathState a, PathState b, PathState p)
    {
        double noise = 10 * _options.NewtonTolerance * (1 + Math.Abs(p.X[_k]));
        return Math.Abs(p.X[_k] - a.X[_k]) <= noise && Math.Abs(p.X[_k] - b.X[_k]) <= noise;
    }

    // The ends of the step being located (for IsSmallTurn).
    PathState? _stepStart, _stepEnd;

    /// <summary>
    /// The branch runs parallel to the parameter axis through the whole step (the parameter
    /// component of the unit tangent below 10⁻⁵ at both ends). Near a homoclinic orbit, where the
    /// multipliers are inaccurate too, the branch then wiggles at the level of the discretisation
    /// error: a turn inside such a step cannot be told from rounding (checked on the approach of
    /// Chua's circuit to its homoclinic orbit: hundreds of sign changes within 10⁻⁶ of the parameter).
    /// </summary>
    bool IsSmallTurn(PathState p)
    {
        if (_stepStart is null || _stepEnd is null) return false;
        return Math.Abs(_stepStart.T[_k]) < 1e-5 && Math.Abs(_stepEnd.T[_k]) < 1e-5;
    }

    /// <summary>
    /// What the problem makes of a zero of event <paramref name="e"/> at p: its kind and details, or
    /// null when it is no special point (a neutral saddle for HB, a turning point of a curve …).
    /// </summary>
    (PointKind Kind, SpecialPointDetails? Details)? Confirm(BranchEvent e, PathState p)
    {
        SpecialPointDetails? details = null;
        switch (e)
        {
            case ProblemEvent pe:
                if (e.Kind is PointKind.PD or PointKind.NS && p.Analysis.Unreliable)
                {
                    _suppressedInStep.Add(new SuppressedPoint(e.Kind, p.X[_k], "Floquet multipliers inaccurate (trivial multiplier off by more than 1e-4)"));
                    return null;
                }
                details = _problem.Describe(pe.Index, p.X, p.Analysis);
                return details is null ? null : (e.Kind, details);
            case FoldEvent or BranchPointEvent:
                var kind = _problem.Reclassify(e.Kind, p.X, p.T, ref details);
                if (kind == PointKind.Regular) return null;
                // A fold of cycles rests on the tangent, not on the multipliers; but where they are
                // inaccurate (near a homoclinic orbit) the branch wiggles at the level of the
                // discretisation error, and a fold it does not clearly resolve is not reported.
                if ((kind is PointKind.BPC || kind is PointKind.LPC && IsSmallTurn(p)) && p.Analysis.Unreliable)
                {
                    _suppressedInStep.Add(new SuppressedPoint(kind, p.X[_k], "Floquet multipliers inaccurate (trivial multiplier off by more than 1e-4)"));
                    return null;
                }
                return (kind, details);
            case UserValueEvent uv:
                p.X[uv.UserValue.Component] = uv.UserValue.Value;   // exact by construction up to the location tolerance
                return (PointKind.UZ, null);
            default:
                return (e.Kind, null);
        }
    }

    /// <summary>The defining condition at a located point, or the test's value relative to its values at the ends.</summary>
    double Residual(BranchEvent e, PointKind kind, PathState a, PathState b, PathState p, Location loc, out bool relative)
    {
        relative = false;
        switch (e)
        {
            case UserValueEvent uv: return Math.Abs(p.X[uv.UserValue.Component] - uv.UserValue.Value) / (1 + Math.Abs(uv.UserValue.Value));
            case BoundEvent: return 0;
        }
        if (_problem.DefiningResidual(kind, p.X, p.T, p.Analysis) is { } r) return r;
        relative = true;
        if (e is BranchPointEvent && BranchPointEvent.SignOnly(a, b))
            return Math.Abs(loc.To - loc.From) / (1 + Math.Abs(b.X[_k] - a.X[_k]));
        double fa = Math.Abs(e.Value(a, a)), fb = Math.Abs(e.Value(a, b)), fp = Math.Abs(e.Value(a, p));
        double scale = Math.Max(fa, fb);
        return scale > 0 ? fp / scale : fp;
    }

    /// <summary>Outcome of a location: the point (null if no trial point converged), its arclength along the chord, the final bracket in the continued parameter.</summary>
    readonly record struct Location(PathState? P, double S, bool Converged, double From, double To);

    /// <summary>
    /// The zero of event <paramref name="e"/>'s test on the arc between a and b: regula falsi with
    /// the Illinois modification (bisection for a sign-only test) on θ ∈ (0, 1), each trial point
    /// corrected onto the curve in the hyperplane ⟨w∘d, x − x_a⟩ = θ|d|² (d = x_b − x_a) and
    /// required to lie near the chord; a trial that fails is replaced by the bracket's midpoint,
    /// and a second failure ends the location with what is known.
    /// </summary>
    Location Locate(BranchEvent e, PathState a, PathState b, double h, double tighter = 1)
    {
        double length = 0;
        for (int i = 0; i < _n; i++)
        {
            double d = b.X[i] - a.X[i];
            length += _weights[i] * d * d;
        }
        length = Math.Sqrt(length);
        if (!(length > 0)) return new Location(null, 0, false, a.X[_k], b.X[_k]);
        var direction = new double[_n];
        for (int i = 0; i < _n; i++) direction[i] = (b.X[i] - a.X[i]) / length;

        bool discrete = e.Discrete || (e is BranchPointEvent && BranchPointEvent.SignOnly(a, b));
        // A branch point is located on det [F_x; (w∘d)ᵀ] with the chord's border d for every point,
        // smooth along the arc and free of the tangent, which is ill-determined near the branch point.
        Func<PathState, double> value = p => e.Value(a, p);
        PathState ea = a, eb = b;
        if (e is BranchPointEvent && !discrete)
        {
            if (Complete(a.X, direction, 0) is not { } ca || Complete(b.X, direction, 0) is not { } cb || double.IsNaN(ca.BorderedLog))
                return new Location(null, 0.5 * length, false, a.X[_k], b.X[_k]);
            double reference = ca.BorderedLog;
            value = p => double.IsNegativeInfinity(p.BorderedLog) || p.BorderedSign == 0 ? 0
                : p.BorderedSign * Math.Exp(Math.Clamp(p.BorderedLog - reference, -700, 700));
            ea = ca; eb = cb;
            if (!(value(ea) * value(eb) < 0)) return new Location(null, 0.5 * length, false, a.X[_k], b.X[_k]);
        }
        double t0 = 0, f0 = value(ea), t1 = 1, f1 = value(eb);
        // Every point of this branch computed here, with the test's value (f0, f1 are Illinois-scaled).
        var history = new List<(double T, double G, PathState P)> { (0, f0, ea), (1, f1, eb) };
        PathState s0 = ea, s1 = eb;
        PathState? best = null;
        double bestT = 0;
        int side = 0;
        double tol = tighter * _options.LocationTolerance * (1 + MaxAbs(b.X)) / length;
        bool converged = false;
        // Points of this arc have tangents at least as aligned with the chord as its ends (the arc turns
        // less than 90° between them); a trial that is not lies on another branch through a branch point.
        double alignment = Math.Min(Along(direction, a.T), Along(direction, b.T)) - 0.1;
        // The factorisation held is bordered by the step's tangent; the trials share the chord's border.
        _newton.FactorValid = false;
        for (int it = 0; it < 100; it++)
        {
            if (Math.Abs(t1 - t0) <= tol) { converged = best is not null; break; }
            double lo = Math.Min(t0, t1), hi = Math.Max(t0, t1);
            double theta = discrete ? 0.5 * (t0 + t1) : (t0 * f1 - t1 * f0) / (f1 - f0);
            if (!(theta > lo && theta < hi)) theta = 0.5 * (lo + hi);
            bool polish = e is BranchPointEvent;
            var p = Trial(a, s0, t0, s1, t1, direction, length, theta, alignment, polish)
                    ?? Trial(a, s0, t0, s1, t1, direction, length, theta = 0.5 * (lo + hi), alignment, polish);
            if (p is null) break;
            double f = value(p);
            best = p; bestT = theta;
            history.Add((theta, f, p));
            if (f == 0) { converged = true; break; }
            if (f * f1 < 0)
            {
                // The root lies between θ and the newer end: the old end 1 becomes end 0.
                t0 = t1; f0 = f1; s0 = s1;
                t1 = theta; f1 = f; s1 = p;
                side = 0;
            }
            else
            {
                t1 = theta; f1 = f; s1 = p;
                if (side == 1) f0 *= 0.5; // Illinois: halve the stale end's value
                side = 1;
            }
        }
        if (e is BranchPointEvent && !discrete && !converged && history.Count >= 2)
        {
            // Near a branch point the corrector fails or reaches the other branch before the bracket is
            // tight. γ is linear near its zero, and so is the branch: the secant through the two points
            // of this branch with the smallest |γ| (on either side) gives the branch point to second
            // order in their distance from it (the defining condition is checked there like at any
            // located point).
            history.Sort((u, v) => Math.Abs(u.G).CompareTo(Math.Abs(v.G)));
            var (ta, ga, pa) = history[0];
            var (tb, gb, pb) = history.Skip(1).FirstOrDefault(h => h.T != ta);
            if (pb is not null && gb != ga)
            {
                double w = ga / (ga - gb);
                double theta = ta + w * (tb - ta);
                var x = new double[_n];
                for (int i = 0; i < _n; i++) x[i] = pa.X[i] + w * (pb.X[i] - pa.X[i]);
                var p = Complete(x, direction, 0) ?? Singular(x, Math.Abs(w) < 0.5 ? pa : pb);
                best = p; bestT = theta;
                converged = true;
            }
        }
        if (e is BranchPointEvent && best is not null)
        {
            // At the branch point the tangent of this branch is not what the bordered system gives
            // (its null space is two-dimensional there): interpolate it between the ends of the step,
            // so that a switch from this point knows which branch it came along.
            double w = Math.Clamp(bestT, 0, 1);
            var t = new double[_n];
            for (int i = 0; i < _n; i++) t[i] = a.T[i] + w * (b.T[i] - a.T[i]);
            if (Normalize(t)) best.T = t;
        }
        // The factorisation held now belongs to a trial point (near a branch point, nearly singular):
        // the next step must not start a chord corrector from it.
        _newton.FactorValid = false;
        if (best is null) return new Location(null, 0.5 * length, false, s0.X[_k], s1.X[_k]);
        return new Location(best, bestT * length, converged, s0.X[_k], s1.X[_k]);
    }

    /// <summary>⟨w∘d, t⟩: the cosine of the angle between a unit direction and a unit tangent.</summary>
    double Along(double[] direction, double[] t)
    {
        double c = 0;
        for (int i = 0; i < _n; i++) c += _weights[i] * direction[i] * t[i];
        return c;
    }

    /// <summary>
    /// The point of the curve at chord parameter θ, predicted from the nearer of the two bracket
    /// ends along its tangent (or on the chord) and corrected in the hyperplane of θ; null when the
    /// corrector fails, the point strays from the chord or its tangent is less aligned with the chord
    /// than <paramref name="alignment"/> (a point on another branch).
    /// </summary>
    PathState? Trial(PathState a, PathState s0, double t0, PathState s1, double t1, double[] direction, double length, double theta, double alignment, bool polish = false)
    {
        var q = Math.Abs(theta - t0) <= Math.Abs(theta - t1) ? s0 : s1;
        double tq = ReferenceEquals(q, s0) ? t0 : t1;
        double along = 0;
        for (int i = 0; i < _n; i++) along += _weights[i] * direction[i] * q.T[i];
        var x = new double[_n];
        if (along > 0.2)
        {
            double step = (theta - tq) * length / along;
            for (int i = 0; i < _n; i++) x[i] = q.X[i] + step * q.T[i];
        }
        else
        {
            for (int i = 0; i < _n; i++) x[i] = a.X[i] + theta * length * direction[i];
        }
        if (Correct(x, a.X, direction, theta * length, out int its, polish) != NewtonOutcome.Converged) return null;
        // Stay on this arc: the corrected point lies within one chord length of the chord.
        double off = 0;
        for (int i = 0; i < _n; i++)
        {
            double d = x[i] - (a.X[i] + theta * length * direction[i]);
            off += _weights[i] * d * d;
        }
        if (Math.Sqrt(off) > length) return null;
        var p = Complete(x, direction, its);
        // Corrected, but the extended Jacobian is exactly singular there: a branch point hit on the
        // nose (e.g. a trivial branch, solved exactly, at the parameter value of a pitchfork).
        if (p is null && _problem.DeterminantSign == 0) return Singular(x, q);
        return p is not null && Along(direction, p.T) >= alignment ? p : null;
    }

    /// <summary>A point at which the bordered matrix is singular (γ = 0), with the tangent of a neighbour.</summary>
    PathState Singular(double[] x, PathState neighbour)
    {
        var tests = new double[_slots];
        Array.Fill(tests, double.NaN);
        return new PathState
        {
            X = (double[])x.Clone(), T = (double[])neighbour.T.Clone(), Tests = tests, Analysis = neighbour.Analysis,
            Iterations = 0, BranchSign = 0, BranchLog = double.NegativeInfinity,
        };
    }

    static PathState Copy(PathState s) => new()
    {
        X = (double[])s.X.Clone(), T = (double[])s.T.Clone(), Tests = (double[])s.Tests.Clone(), Analysis = s.Analysis,
        Iterations = s.Iterations, BranchSign = s.BranchSign, BranchLog = s.BranchLog,
    };

    /// <summary>The continued parameter's name (from the stop conditions), for notes.</summary>
    public string ParameterName()
    {
        foreach (var bound in _stops.Bounds) if (bound.Component == _k) return bound.Name;
        foreach (var uv in _stops.UserValues) if (uv.Component == _k) return uv.Name;
        return $"x[{_k}]";
    }

    static string Fmt(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    static PathPoint AsEnd(PathPoint p, string note, StopReason reason)
        => p with { Kind = p.Kind == PointKind.Regular ? PointKind.EP : p.Kind, Note = note, StopReason = reason };

    PathPoint ToPoint(PathState s, PointKind kind, SpecialPointDetails? details = null, string? note = null, StopReason? reason = null)
        => new((double[])s.X.Clone(), (double[])s.T.Clone(), kind, s.Analysis, s.Iterations, details, note ?? details?.Note, reason,
               _problem.Snapshot(s.X));

    /// <summary>
    /// Newton on F(x) = 0, ⟨w∘t, x − origin⟩ = s, in place on <paramref name="x"/>, with t = <paramref name="along"/>
    /// (the corrector's rule: chord iterations, the remaining-error estimate, the residual confirmed).
    /// </summary>
    NewtonOutcome Correct(double[] x, double[] origin, double[] along, double s, out int iterations, bool polish = false)
    {
        for (int i = 0; i < _n; i++) _border[i] = _weights[i] * along[i];
        _step.Place(origin, s);
        var outcome = _newton.Correct(_step, x, _residual, out iterations);
        if (outcome == NewtonOutcome.Converged && polish) Polish(x, origin, s, _newton.LastUpdate);
        return outcome;
    }

    /// <summary>F(x) = 0 bordered by the arclength condition ⟨border, x − origin⟩ = s.</summary>
    sealed class ArclengthStep(IContinuationProblem problem, double[] border) : INewtonSystem
    {
        double[] _origin = [];
        double _s;

        /// <summary>Sets the base point and the step of the arclength condition.</summary>
        public void Place(double[] origin, double s) => (_origin, _s) = (origin, s);

        public int Equations => border.Length - 1;

        public bool Residual(ReadOnlySpan<double> x, Span<double> r)
        {
            if (!problem.Residual(x, r)) return false;
            double arc = -_s;
            for (int i = 0; i < border.Length; i++) arc += border[i] * (x[i] - _origin[i]);
            r[border.Length - 1] = arc;
            return true;
        }

        public Linearization Factor(ReadOnlySpan<double> x) => problem.Factor(x, border);

        public void Solve(Span<double> r) => problem.Solve(r);
    }

    /// <summary>
    /// A few more exact Newton iterations on a converged point while they still gain: near a branch
    /// point the Jacobian's smallest singular value σ is small and a point converged to the tolerance
    /// can be off by tolerance/σ; iterating to rounding level restores it.
    /// </summary>
    void Polish(double[] x, double[] origin, double s, double update)
    {
        var previous = new double[_n];
        for (int k = 0; k < 3; k++)
        {
            Array.Copy(x, previous, _n);
            if (!_problem.Residual(x, _residual)) break;
            double arc = -s;
            for (int i = 0; i < _n; i++) arc += _border[i] * (x[i] - origin[i]);
            _residual[_n - 1] = arc;
            if (_problem.Factor(x, _border) != Linearization.Factored) break;
            _otherFactorizations++;
            _otherIterations++;
            _problem.Solve(_residual);
            double next = 0;
            for (int i = 0; i < _n; i++) { x[i] -= _residual[i]; next = Math.Max(next, Math.Abs(_residual[i])); }
            if (!double.IsFinite(next) || next > update) { Array.Copy(previous, x, _n); break; }
            if (next > 0.5 * update) break;
            update = next;
        }
        _newton.FactorValid = false;
    }

    /// <summary>Tangent, analysis and test functions at a converged point; the tangent is oriented along <paramref name="guide"/>.</summary>
    PathState? Complete(double[] x, double[] guide, int iterations)
    {
        var t = new double[_n];
        for (int i = 0; i < _n; i++) _border[i] = _weights[i] * guide[i];
        _otherFactorizations++;
        if (_problem.Factor(x, _border) != Linearization.Factored) { _newton.FactorValid = false; return null; }
        // The next corrector may start from this factorisation (chord Newton).
        _newton.FactorValid = _options.ReuseJacobian;
        int detSign = _problem.DeterminantSign;
        double logDet = _problem.LogAbsDeterminant;
        t[_n - 1] = 1;
        _problem.Solve(t);
        if (!Normalize(t)) return null;
        double orient = 0;
        for (int i = 0; i < _n; i++) orient += _border[i] * t[i];
        if (orient < 0) for (int i = 0; i < _n; i++) t[i] = -t[i];
        var tests = new double[_slots];
        var analysis = Evaluate(x, t, detSign, tests);
        // γ = det [F_x; (w∘g)ᵀ] / ⟨w∘g, t⟩ does not depend on the border g (see BranchPointEvent).
        double projection = Math.Abs(orient);
        return new PathState
        {
            X = (double[])x.Clone(), T = t, Tests = tests, Analysis = analysis, Iterations = iterations,
            BranchSign = detSign,
            BranchLog = double.IsNaN(logDet) || !(projection > 0) ? double.NaN : logDet - Math.Log(projection),
            BorderedSign = detSign,
            BorderedLog = logDet,
        };
    }

    PointAnalysis Evaluate(double[] x, double[] t, int detSign, double[] tests)
    {
        tests[0] = t[_k];
        tests[1] = detSign;
        var analysis = _problem.Analyze(x, tests.AsSpan(2, _nProblemTests));
        for (int j = 2 + _nProblemTests; j < _slots; j++)
            tests[j] = _events[j] switch
            {
                UserValueEvent uv => x[uv.UserValue.Component] - uv.UserValue.Value,
                BoundEvent bd => x[bd.Bound.Component] - bd.Limit,
                _ => double.NaN,
            };
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

    static double MaxAbs(double[] x)
    {
        double m = 0;
        foreach (var v in x) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    /// <summary>A start point taken as it is, with a given tangent and no test-function values.</summary>
    PathState Given(double[] x0, double[] tangent)
    {
        var t = (double[])tangent.Clone();
        if (!Normalize(t)) throw new ArgumentException("the initial tangent is zero or not finite", nameof(tangent));
        var tests = new double[_slots];
        Array.Fill(tests, double.NaN);
        // Bounds and user values are known without any analysis.
        for (int j = 2 + _nProblemTests; j < _slots; j++)
            tests[j] = _events[j] switch
            {
                UserValueEvent uv => x0[uv.UserValue.Component] - uv.UserValue.Value,
                BoundEvent bd => x0[bd.Bound.Component] - bd.Limit,
                _ => double.NaN,
            };
        return new PathState { X = (double[])x0.Clone(), T = t, Tests = tests, Analysis = PointAnalysis.None, Iterations = 0 };
    }

    /// <summary>
    /// Start correction when the parameter cannot be held fixed: estimate the tangent at x0 with a
    /// tilted border, then solve F(x) = 0 with ⟨t, x − x0⟩ = 0.
    /// </summary>
    PathState? StartAlongTangent(double[] x0, int direction, int iterations)
    {
        var guide = new double[_n];
        double sign = direction >= 0 ? 1 : -1;
        for (int i = 0; i < _n; i++) guide[i] = sign * 1e-2 * Math.Sin(1.0 + i);
        guide[_k] = sign;
        var estimate = Complete((double[])x0.Clone(), guide, iterations);
        if (estimate is null) return null;
        var x = (double[])x0.Clone();
        _newton.FactorValid = false;
        if (Correct(x, x0, estimate.T, 0, out int its) != NewtonOutcome.Converged) return null;
        var state = Complete(x, estimate.T, its);
        return state is null ? null : Complete(x, state.T, its) ?? state;
    }

    /// <summary>Corrects the start point at fixed parameter and computes its tangent.</summary>
    PathState? Start(double[] x0, int direction, double[]? initialTangent, out string? failure)
    {
        failure = null;
        var x = (double[])x0.Clone();
        Array.Clear(_border);
        _border[_k] = 1;
        int its = 0;
        for (int it = 1; it <= Math.Max(20, _options.MaxNewtonIterations); it++)
        {
            its = it;
            _otherIterations++;
            _newton.FactorValid = false;
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
            state.BranchSign = -state.BranchSign;
        }
        return state;
    }
}
