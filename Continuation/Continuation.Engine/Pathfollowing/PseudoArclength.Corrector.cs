using System.Globalization;

namespace Continuation.Pathfollowing;

// The driver's corrector, tangents and start: Newton on the bordered system, the analysis of a
// converged point, the first point.
public sealed partial class PseudoArclength
{
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
