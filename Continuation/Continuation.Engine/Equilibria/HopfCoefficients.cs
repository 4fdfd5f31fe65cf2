using System.Numerics;
using Continuation.Systems;
using MathNet.Numerics.LinearAlgebra;
using Vector = MathNet.Numerics.LinearAlgebra.Vector<double>;
using CVector = MathNet.Numerics.LinearAlgebra.Vector<System.Numerics.Complex>;

namespace Continuation.Equilibria;

/// <summary>Normal-form coefficients at an Andronov–Hopf point.</summary>
public static class HopfCoefficients
{
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

    public static double FirstLyapunov(Derivatives derivatives, ReadOnlySpan<double> u, ReadOnlySpan<double> p,
        ReadOnlySpan<double> jacobian, double omega)
    {
        int n = u.Length;
        var jac = jacobian.ToArray();
        var a = Matrix<double>.Build.Dense(n, n, (i, j) => jac[i * n + j]);
        var ac = a.ToComplex();
        var iw = new Complex(0, omega);
        var m = ac - Matrix<Complex>.Build.DenseIdentity(n) * iw;
        var svd = m.Svd(true);
        var q = svd.VT.Row(n - 1).Conjugate();
        var pv = svd.U.Column(n - 1);
        q = q / q.L2Norm();
        var pq = pv.ConjugateDotProduct(q); // pᴴ q
        pv = pv / Complex.Conjugate(pq);

        var qa = q.ToArray();
        var qbar = q.Conjugate().ToArray();
        var bqqbar = derivatives.Bilinear(u, p, qa, qbar);   // real up to rounding
        var bqq = derivatives.Bilinear(u, p, qa, qa);
        var c = derivatives.TrilinearQQQbar(u, p, qa);

        var h11 = a.Solve(Vector.Build.Dense(n, i => bqqbar[i].Real));
        var h20 = (Matrix<Complex>.Build.DenseIdentity(n) * (2 * iw) - ac).Solve(CVector.Build.Dense(bqq));

        var h11c = new Complex[n];
        for (int i = 0; i < n; i++) h11c[i] = h11[i];
        var b1 = derivatives.Bilinear(u, p, qa, h11c);
        var b2 = derivatives.Bilinear(u, p, qbar, h20.ToArray());

        Complex sum = 0;
        for (int i = 0; i < n; i++)
            sum += Complex.Conjugate(pv[i]) * (c[i] - 2 * b1[i] + b2[i]);
        return sum.Real / (2 * omega);
    }
}
