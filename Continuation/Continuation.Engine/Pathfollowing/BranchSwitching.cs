using MathNet.Numerics.LinearAlgebra;

namespace Continuation.Pathfollowing;

/// <summary>
/// The tangent of the other branch through a simple branch point of F(x) = 0, F: ℝ^{N+1} → ℝ^N,
/// given the point and the tangent of the branch on which it was found.
/// </summary>
/// <remarks>
/// At a simple branch point the Jacobian F_x has a two-dimensional null space, spanned by the known
/// tangent t and a vector φ orthogonal to it (in the problem's weighted inner product). φ is found by
/// inverse iteration with the bordered matrix [F_x; (w∘t)ᵀ], singular exactly in that direction, so
/// that a structured problem (collocation) needs no dense algebra. The branches' tangents are the
/// roots of the algebraic branching equation c11 α² + 2 c12 αβ + c22 β² = 0, c_ij = ψᵀF_xx[v_i, v_j]
/// with ψ the left null vector and (v1, v2) = (t, φ) (Keller 1977; Doedel, Keller, Kernévez 1991,
/// Int. J. Bifurcation and Chaos 1, section 5; Kuznetsov, Elements of Applied Bifurcation Theory,
/// 3rd ed., section 10.2.2): t is one root (c11 = 0), the other is (α, β) = (−c22, 2c12). The second
/// derivatives are central differences of F, and ψ comes from a dense SVD of F_x, so the equation is
/// solved for problems of up to <see cref="DenseLimit"/> unknowns (equilibria, curves of them); for
/// larger ones (cycles) the other branch leaves along φ, AUTO-07p's switch, exact for the pitchfork
/// of a symmetry-breaking bifurcation and transversal to the known branch otherwise.
/// </remarks>
internal static class BranchSwitching
{
    /// <summary>Largest problem for which the branching equation is solved with dense algebra.</summary>
    public const int DenseLimit = 400;

    /// <summary>Outcome of <see cref="OtherTangent"/>.</summary>
    /// <param name="Tangent">Unit tangent (weighted norm) of the other branch; null if none was found.</param>
    /// <param name="Method">How it was found, for notes: "branching equation" or "null vector orthogonal to the branch".</param>
    /// <param name="Failure">Why there is none, when <paramref name="Tangent"/> is null.</param>
    public sealed record Result(double[]? Tangent, string Method, string? Failure = null);

    /// <summary>The tangent of the other branch through the branch point x of <paramref name="problem"/>; <paramref name="tangent"/> is the known branch's.</summary>
    public static Result OtherTangent(IContinuationProblem problem, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent)
    {
        int n = problem.Dimension;
        var w = new double[n];
        problem.FillWeights(w);
        var t = tangent.ToArray();
        if (!Normalize(t, w)) return new Result(null, "", "the branch tangent at the branch point is zero");
        var point = x.ToArray();
        problem.Accept(point);

        var phi = SecondNullVector(problem, point, t, w);
        if (phi is null) return new Result(null, "", "the extended Jacobian at the branch point is not finite");

        if (n - 1 <= DenseLimit && BranchingEquation(problem, point, t, phi, w) is { } root)
            return new Result(root, "branching equation");
        return new Result(phi, "null vector orthogonal to the branch");
    }

    /// <summary>φ ⟂_w t with F_x φ ≈ 0, by inverse iteration with [F_x; (w∘t)ᵀ] (nearly singular at the branch point).</summary>
    static double[]? SecondNullVector(IContinuationProblem problem, double[] x, double[] t, double[] w)
    {
        int n = problem.Dimension;
        var border = new double[n];
        for (int i = 0; i < n; i++) border[i] = w[i] * t[i];
        var lin = problem.Factor(x, border);
        if (lin == Linearization.NonFinite) return null;
        if (lin == Linearization.Singular)
        {
            // Exactly singular (a branch point hit on the nose): move off it a little along the branch.
            var shifted = new double[n];
            for (int i = 0; i < n; i++) shifted[i] = x[i] + 1e-7 * (1 + Math.Abs(x[i])) * t[i];
            if (problem.Factor(shifted, border) != Linearization.Factored) return null;
        }
        // A fixed pseudo-random start, so that a run is reproducible.
        var v = new double[n];
        for (int i = 0; i < n - 1; i++) v[i] = Math.Sin(1.3 + 2.1 * i);
        for (int it = 0; it < 3; it++)
        {
            v[n - 1] = 0;
            problem.Solve(v);
            Orthogonalize(v, t, w);
            if (!Normalize(v, w)) return null;
        }
        return v;
    }

    /// <summary>
    /// The root of the branching equation other than t, with the left null vector from a dense SVD of
    /// a finite-difference F_x and second derivatives by central differences; null when the equation
    /// is degenerate (c12 too small to tell the branches apart).
    /// </summary>
    static double[]? BranchingEquation(IContinuationProblem problem, double[] x, double[] t, double[] phi, double[] w)
    {
        int n = problem.Dimension, m = n - 1;
        var f0 = new double[m];
        if (!problem.Residual(x, f0)) return null;
        var jac = Matrix<double>.Build.Dense(m, n);
        var xp = (double[])x.Clone();
        var fp = new double[m];
        var fm = new double[m];
        for (int j = 0; j < n; j++)
        {
            double h = 1e-6 * (1 + Math.Abs(x[j]));
            xp[j] = x[j] + h;
            if (!problem.Residual(xp, fp)) return null;
            xp[j] = x[j] - h;
            if (!problem.Residual(xp, fm)) return null;
            xp[j] = x[j];
            for (int i = 0; i < m; i++) jac[i, j] = (fp[i] - fm[i]) / (2 * h);
        }
        var svd = jac.Svd(true);
        var psi = svd.U.Column(m - 1).ToArray();

        double scale = 0;
        foreach (var v in x) scale = Math.Max(scale, Math.Abs(v));
        double step = 1e-4 * (1 + scale);
        double B(double[] u, double[] v)
        {
            // ψᵀ F_xx[u, v] = ψᵀ [F(x + hu + hv) − F(x + hu − hv) − F(x − hu + hv) + F(x − hu − hv)] / 4h²
            double s = 0;
            foreach (var (cu, cv, sign) in new[] { (1, 1, 1.0), (1, -1, -1.0), (-1, 1, -1.0), (-1, -1, 1.0) })
            {
                for (int i = 0; i < n; i++) xp[i] = x[i] + step * (cu * u[i] + cv * v[i]);
                if (!problem.Residual(xp, fp)) return double.NaN;
                for (int i = 0; i < m; i++) s += sign * psi[i] * fp[i];
            }
            return s / (4 * step * step);
        }
        double c12 = B(t, phi), c22 = B(phi, phi), c11 = B(t, t);
        if (!double.IsFinite(c12) || !double.IsFinite(c22)) return null;
        double size = Math.Abs(c11) + Math.Abs(c12) + Math.Abs(c22);
        if (!(Math.Abs(c12) > 1e-3 * size)) return null;
        // Roots of c11 α² + 2 c12 αβ + c22 β² = 0 with c11 ≈ 0: β = 0 (the known branch) and (−c22, 2 c12).
        var root = new double[n];
        for (int i = 0; i < n; i++) root[i] = -c22 * t[i] + 2 * c12 * phi[i];
        return Normalize(root, w) ? root : null;
    }

    static void Orthogonalize(double[] v, double[] t, double[] w)
    {
        double dot = 0;
        for (int i = 0; i < v.Length; i++) dot += w[i] * v[i] * t[i];
        for (int i = 0; i < v.Length; i++) v[i] -= dot * t[i];
    }

    static bool Normalize(double[] v, double[] w)
    {
        double norm = 0;
        for (int i = 0; i < v.Length; i++) norm += w[i] * v[i] * v[i];
        norm = Math.Sqrt(norm);
        if (!(norm > 0) || !double.IsFinite(norm)) return false;
        for (int i = 0; i < v.Length; i++) v[i] /= norm;
        return true;
    }

    /// <summary>
    /// The tangent oriented for a direction: forward where the continued parameter (component
    /// <paramref name="parameter"/>) increases, or, where the new branch is orthogonal to the
    /// parameter (a pitchfork), where its largest state component increases.
    /// </summary>
    public static double[] Oriented(double[] tangent, int parameter, int sign)
    {
        double lead = tangent[parameter];
        if (Math.Abs(lead) <= 1e-6)
        {
            int best = -1;
            for (int i = 0; i < tangent.Length; i++)
                if (i != parameter && (best < 0 || Math.Abs(tangent[i]) > Math.Abs(tangent[best]) + 1e-12)) best = i;
            lead = tangent[best];
        }
        return lead * sign >= 0 ? (double[])tangent.Clone() : tangent.Select(v => -v).ToArray();
    }
}
