using System.Numerics;
using Continuation.Systems;
using MathNet.Numerics.LinearAlgebra;
using Vector = MathNet.Numerics.LinearAlgebra.Vector<double>;
using CVector = MathNet.Numerics.LinearAlgebra.Vector<System.Numerics.Complex>;

namespace Continuation.Equilibria;

/// <summary>Normal-form coefficients at an Andronov–Hopf point.</summary>
internal static class HopfCoefficients
{
    /// <summary>
    /// The critical eigenvector q (A q = iω q) of the row-major n×n Jacobian, with ⟨q, q⟩ = 1 and
    /// its largest component real.
    /// </summary>
    public static Complex[] CriticalEigenvector(ReadOnlySpan<double> jacobian, int n, double omega)
    {
        var jac = jacobian.ToArray();
        var ac = Matrix<double>.Build.Dense(n, n, (i, j) => jac[i * n + j]).ToComplex();
        var m = ac - Matrix<Complex>.Build.DenseIdentity(n) * new Complex(0, omega);
        var q = m.Svd(true).VT.Row(n - 1).Conjugate().ToArray();
        int big = 0;
        for (int i = 1; i < n; i++) if (q[i].Magnitude > q[big].Magnitude) big = i;
        var rot = Complex.Conjugate(q[big]) / q[big].Magnitude;
        double norm = Math.Sqrt(q.Sum(v => v.Magnitude * v.Magnitude));
        for (int i = 0; i < n; i++) q[i] = q[i] * rot / norm;
        return q;
    }

    /// <summary>
    /// The first Lyapunov coefficient l1 at an equilibrium u of f(·, p) whose Jacobian
    /// <paramref name="jacobian"/> (row-major) has eigenvalues ±iω. Negative: supercritical
    /// (a stable cycle is born); positive: subcritical.
    /// </summary>
    /// <remarks>
    /// Kuznetsov, Elements of Applied Bifurcation Theory (3rd ed.), eq. (3.20):
    /// l1 = Re[⟨p, C(q,q,q̄)⟩ − 2⟨p, B(q, A⁻¹B(q,q̄))⟩ + ⟨p, B(q̄, (2iω − A)⁻¹B(q,q))⟩] / (2ω),
    /// with Aq = iωq, Aᵀp = −iωp, ⟨q,q⟩ = ⟨p,q⟩ = 1. B and C come from <see cref="Derivatives"/>.
    /// </remarks>
    public static double FirstLyapunov(Derivatives derivatives, ReadOnlySpan<double> u, ReadOnlySpan<double> p,
        ReadOnlySpan<double> jacobian, double omega)
    {
        var (a, q, pv) = Basis(jacobian, u.Length, omega);
        var (c1, _, _) = Cubic(derivatives, u, p, a, q, pv, omega);
        return c1.Real / omega;
    }

    /// <summary>
    /// The second Lyapunov coefficient l2 at a generalised Hopf (Bautin) point, where l1 = 0: the
    /// equilibrium u of f(·, p) with row-major Jacobian <paramref name="jacobian"/> and eigenvalues
    /// ±iω. Negative: the cycles born near the point fold on the subcritical side (l1 &gt; 0), where
    /// a stable cycle surrounds an unstable one; positive: on the supercritical side, an unstable
    /// cycle around a stable one.
    /// </summary>
    /// <remarks>
    /// Kuznetsov, Numerical normalization techniques for all codim 2 bifurcations of equilibria in
    /// ODEs, SIAM J. Numer. Anal. 36 (1999), and Elements of Applied Bifurcation Theory (3rd ed.),
    /// section 8.7.2. With x = z q + z̄ q̄ + Σ h_jk zʲ z̄ᵏ / (j! k!) and the normal form
    /// ż = iω z + c1 z|z|² + c2 z|z|⁴, the homological equation (iω(j − k) − A) h_jk = [F]_jk − [N]_jk
    /// gives, order by order (B, C, D, E the multilinear forms of orders 2 to 5):
    /// <code>
    /// h20 = (2iω − A)⁻¹ B(q,q),  h11 = −A⁻¹ B(q,q̄),  c1 = ½ ⟨p, C(q,q,q̄) + B(q̄,h20) + 2B(q,h11)⟩
    /// h30 = (3iω − A)⁻¹ [C(q,q,q) + 3B(q,h20)]
    /// (iω − A) h21 = C(q,q,q̄) + B(q̄,h20) + 2B(q,h11) − 2c1 q,  ⟨p, h21⟩ = 0 (bordered solve)
    /// h31 = (2iω − A)⁻¹ [D(q,q,q,q̄) + 3C(q,q,h11) + 3C(q,q̄,h20) + 3B(h20,h11) + B(q̄,h30) + 3B(q,h21) − 6c1 h20]
    /// h22 = −A⁻¹ [D(q,q,q̄,q̄) + 4C(q,q̄,h11) + C(q̄,q̄,h20) + C(q,q,h̄20) + 2B(h11,h11) + 2B(q,h̄21)
    ///             + 2B(q̄,h21) + B(h20,h̄20) − 4(c1 + c̄1) h11]
    /// 12 c2 = ⟨p, E(q,q,q,q̄,q̄) + D(q,q,q,h̄20) + 3D(q,q̄,q̄,h20) + 6D(q,q,q̄,h11) + C(q̄,q̄,h30)
    ///           + 3C(q,q,h̄21) + 6C(q,q̄,h21) + 3C(q,h20,h̄20) + 6C(q,h11,h11) + 6C(q̄,h20,h11)
    ///           + 2B(q̄,h31) + 3B(q,h22) + B(h̄20,h30) + 3B(h̄21,h20) + 6B(h11,h21)⟩
    /// </code>
    /// and l2 = Re c2 / ω, the same normalisation (⟨q,q⟩ = ⟨p,q⟩ = 1, divided by ω) as
    /// <see cref="FirstLyapunov"/>'s l1 = Re c1 / ω. For ρ' = β1 ρ + β2 ρ³ + s ρ⁵, θ' = ω in
    /// Cartesian coordinates this gives l1 = 2β2/ω and l2 = 4s/ω. Re c2 does not depend on the
    /// choice of h21 along q (that only moves Im c2). D and E come from
    /// <see cref="Derivatives.Multilinear"/> (finite differences where the system has no analytic
    /// derivatives of that order).
    /// </remarks>
    public static double SecondLyapunov(Derivatives derivatives, ReadOnlySpan<double> u, ReadOnlySpan<double> p,
        ReadOnlySpan<double> jacobian, double omega)
    {
        int n = u.Length;
        var (a, q, pv) = Basis(jacobian, n, omega);
        var (c1, h20, h11) = Cubic(derivatives, u, p, a, q, pv, omega);
        var iw = new Complex(0, omega);
        var ac = a.ToComplex();
        var eye = Matrix<Complex>.Build.DenseIdentity(n);
        var qa = q.ToArray();
        var qb = q.Conjugate().ToArray();
        var h20b = Conj(h20);

        var (ua, pa) = (u.ToArray(), p.ToArray());
        Complex[] B(Complex[] x, Complex[] y) => derivatives.Bilinear(ua, pa, x, y);
        Complex[] M(params Complex[][] args) => derivatives.Multilinear(ua, pa, args);
        Complex[] Solve(Matrix<Complex> m, Complex[] rhs) => m.Solve(CVector.Build.Dense(rhs)).ToArray();

        // Third order: h30 and h21 (h21 ⟂ p, from the bordered system [iω − A, q; pᴴ, 0]).
        var h30 = Solve(eye * (3 * iw) - ac, Sum((1, M(qa, qa, qa)), (3, B(qa, h20))));
        var r21 = Sum((1, derivatives.TrilinearQQQbar(u, p, qa)), (1, B(qb, h20)), (2, B(qa, h11)), (-2 * c1, qa));
        var bordered = Matrix<Complex>.Build.Dense(n + 1, n + 1);
        bordered.SetSubMatrix(0, 0, eye * iw - ac);
        for (int i = 0; i < n; i++) { bordered[i, n] = q[i]; bordered[n, i] = Complex.Conjugate(pv[i]); }
        var h21 = Solve(bordered, [.. r21, 0])[..n];
        var h21b = Conj(h21);

        // Fourth order: h31 and h22 (real).
        var h31 = Solve(eye * (2 * iw) - ac, Sum(
            (1, M(qa, qa, qa, qb)), (3, M(qa, qa, h11)), (3, M(qa, qb, h20)), (3, B(h20, h11)),
            (1, B(qb, h30)), (3, B(qa, h21)), (-6 * c1, h20)));
        var r22 = Sum(
            (1, M(qa, qa, qb, qb)), (4, M(qa, qb, h11)), (1, M(qb, qb, h20)), (1, M(qa, qa, h20b)),
            (2, B(h11, h11)), (2, B(qa, h21b)), (2, B(qb, h21)), (1, B(h20, h20b)), (-4 * (c1 + Complex.Conjugate(c1)), h11));
        var h22 = Solve(-ac, [.. r22.Select(v => new Complex(v.Real, 0))]);

        // Fifth order: ⟨p, [F]_32⟩ = 12 c2.
        var g32 = Sum(
            (1, M(qa, qa, qa, qb, qb)), (1, M(qa, qa, qa, h20b)), (3, M(qa, qb, qb, h20)), (6, M(qa, qa, qb, h11)),
            (1, M(qb, qb, h30)), (3, M(qa, qa, h21b)), (6, M(qa, qb, h21)), (3, M(qa, h20, h20b)), (6, M(qa, h11, h11)),
            (6, M(qb, h20, h11)), (2, B(qb, h31)), (3, B(qa, h22)), (1, B(h20b, h30)), (3, B(h21b, h20)), (6, B(h11, h21)));
        var c2 = Pair(pv, g32) / 12;
        return c2.Real / omega;
    }

    /// <summary>A (real), q with A q = iω q, ⟨q,q⟩ = 1, and p with Aᵀ p = −iω p, ⟨p,q⟩ = pᴴq = 1.</summary>
    static (Matrix<double> A, CVector Q, CVector P) Basis(ReadOnlySpan<double> jacobian, int n, double omega)
    {
        var jac = jacobian.ToArray();
        var a = Matrix<double>.Build.Dense(n, n, (i, j) => jac[i * n + j]);
        var m = a.ToComplex() - Matrix<Complex>.Build.DenseIdentity(n) * new Complex(0, omega);
        var svd = m.Svd(true);
        var q = svd.VT.Row(n - 1).Conjugate();
        var pv = svd.U.Column(n - 1);
        q = q / q.L2Norm();
        var pq = pv.ConjugateDotProduct(q); // pᴴ q
        pv = pv / Complex.Conjugate(pq);
        return (a, q, pv);
    }

    /// <summary>The second-order vectors h20, h11 (real, as complex) and the cubic coefficient c1.</summary>
    static (Complex C1, Complex[] H20, Complex[] H11) Cubic(Derivatives derivatives, ReadOnlySpan<double> u, ReadOnlySpan<double> p,
        Matrix<double> a, CVector q, CVector pv, double omega)
    {
        int n = u.Length;
        var qa = q.ToArray();
        var qbar = q.Conjugate().ToArray();
        var bqqbar = derivatives.Bilinear(u, p, qa, qbar);   // real up to rounding
        var bqq = derivatives.Bilinear(u, p, qa, qa);
        var c = derivatives.TrilinearQQQbar(u, p, qa);

        var h11 = a.Solve(Vector.Build.Dense(n, i => -bqqbar[i].Real));
        var h20 = (Matrix<Complex>.Build.DenseIdentity(n) * new Complex(0, 2 * omega) - a.ToComplex()).Solve(CVector.Build.Dense(bqq)).ToArray();
        var h11c = new Complex[n];
        for (int i = 0; i < n; i++) h11c[i] = h11[i];
        var b1 = derivatives.Bilinear(u, p, qa, h11c);
        var b2 = derivatives.Bilinear(u, p, qbar, h20);
        var c1 = Pair(pv, Sum((1, c), (2, b1), (1, b2))) / 2;
        return (c1, h20, h11c);
    }

    /// <summary>⟨p, v⟩ = pᴴ v.</summary>
    static Complex Pair(CVector p, Complex[] v)
    {
        Complex s = 0;
        for (int i = 0; i < v.Length; i++) s += Complex.Conjugate(p[i]) * v[i];
        return s;
    }

    static Complex[] Conj(Complex[] v) => [.. v.Select(Complex.Conjugate)];

    /// <summary>Σ cᵢ vᵢ.</summary>
    static Complex[] Sum(params (Complex C, Complex[] V)[] terms)
    {
        var s = new Complex[terms[0].V.Length];
        foreach (var (c, v) in terms)
            for (int i = 0; i < s.Length; i++) s[i] += c * v[i];
        return s;
    }
}
