using System.Globalization;

namespace Continuation.Pathfollowing;

// The driver's checks of a step and the location of what happened in it: turning, predicted double
// crossings, stability counts that need explaining, and each event located on the chord and verified.
public sealed partial class PseudoArclength
{
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

    /// <summary>Stability counts can only be explained by the crossings the run looks for: all of them.</summary>
    bool ChecksStability => _options.DetectFolds && _options.DetectBranchPoints && _options.DetectBifurcations;

    /// <summary>The change of the stability counts from a to b is explained by the special points found between them.</summary>
    bool Accounted(PathState a, PathState b, List<Found> events)
    {
        if (!ChecksStability) return true;
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
    /// <param name="earlier">
    /// Crossings found before this step since <paramref name="a"/>, when a is the last point of
    /// known stability before points whose stability was not known (null: a is the step's start).
    /// </param>
    void AddUnexplained(PathState a, PathState b, double h, List<Found> events, (int Real, int Flip, int Pair)? earlier = null)
    {
        var (real, flip, pair) = Count(events);
        var before = earlier ?? default;
        var (addReal, addFlip, addPair) = StabilitySignature.Missing(a.Analysis.Signature!, b.Analysis.Signature!,
            real + before.Real, flip + before.Flip, pair + before.Pair);
        bool foldChanged = a.Tests[0] * b.Tests[0] < 0;
        var realKind = foldChanged ? _problem.FoldKind : _problem.BranchPointKind;
        var pairKind = _problem.FoldKind == PointKind.LPC ? PointKind.NS : PointKind.HB;
        string across = earlier is null ? "" : " across points whose stability is not known";
        string why = $"not located: the stability changed between {ParameterName()} = {Fmt(a.X[_k], "G10")} and {Fmt(b.X[_k], "G10")}{across} without a detected crossing (bracket [{Fmt(a.X[_k], "G10")}, {Fmt(b.X[_k], "G10")}])";
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
            // And so is a point where the curve's system is singular without ending the branch (R2 on a
            // period-doubling curve): the location gets as close as the corrector goes.
            bool singular = details?.EndsBranch == true || details?.SingularSystem == true;
            if (singular) tolerance = Math.Sqrt(tolerance);
            bool located = (loc.Converged || singular) && residual <= tolerance;
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
}
