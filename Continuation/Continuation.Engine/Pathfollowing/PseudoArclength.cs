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
public sealed partial class PseudoArclength
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
    bool _curvatureValid;

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
        // The last point whose stability was known and the crossings found since: a change of
        // stability across points whose stability is not known (multipliers not trusted) is
        // accounted for where it is known again.
        // (Not the start: it may sit on a crossing, from: fp.BP1, as the first step's accounting allows.)
        PathState? known = null;
        (int Real, int Flip, int Pair) since = default;
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
            if (b.Analysis.Signature is { } sb)
            {
                if (a.Analysis.Signature is null && known?.Analysis.Signature is { } sk && ChecksStability
                    && !events.Any(e => e.Kind == PointKind.EP || e.Details?.EndsBranch == true))
                {
                    var (real, flip, pair) = Count(events);
                    if (!StabilitySignature.Explains(sk, sb, since.Real + real, since.Flip + flip, since.Pair + pair))
                        AddUnexplained(known, b, h, events, since);
                }
                (known, since) = (b, default);
            }
            else
            {
                var (real, flip, pair) = Count(events);
                since = (since.Real + real, since.Flip + flip, since.Pair + pair);
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
                if (step > 3 && farthest > 4 * chord)
                {
                    sLoop = ChordPassage(sigA, sigB, first, h);
                    // A branch of equilibria (or a curve) that passes its start must pass it the way it
                    // left: coming back on the other sheet of a sharp fold is no loop.
                    if (!double.IsNaN(sLoop) && _problem.FoldKind == PointKind.LP && Along(start.T, b.T) <= 0.5) sLoop = double.NaN;
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
            // The tangent before b, for the predictor's curvature term; a new discretisation carries it along.
            a.T.CopyTo(_previousTangent, 0);
            _previousStep = h;
            _curvatureValid = true;
            if (_problem.Adapt(b.X, b.T, _previousTangent))
            {
                _newton.FactorValid = false;
                _problem.FillWeights(_weights);
                _weights[_k] *= _options.ParameterWeight;
            }
            progress?.Report(new PathProgress(step, b.X[_k], h, lastSpecial));
            before = a;
            beforeStep = h;
            a = b;
            ds = b.Iterations <= _options.EasyIterations ? Math.Min(h * _options.GrowthFactor, _options.DsMax) : h;
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
            // The corrector factors at the predicted point. The factorisation made at a (for its
            // tangent) lies a whole step away: chord iterations from it contract at a rate that grows
            // with the step (0.05–0.1 per iteration on a cycle branch at ds_max: five iterations a
            // step); from the predicted point the rate is of the order of the predictor's error, and
            // two iterations reach the tolerance.
            _newton.FactorValid = false;
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
}
