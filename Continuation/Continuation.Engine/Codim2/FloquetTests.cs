using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Continuation.Codim2;

/// <summary>
/// Test functions on the Floquet multipliers of the cycle along a curve of cycle bifurcations,
/// computed from its monodromy M. Where a multiplier is pinned at ±1 by the curve itself (the
/// trivial one, the fold's, the flip's), the products over the others are taken as derivatives of
/// the characteristic polynomial p(λ) = det(λI − M) at ±1 — sums of principal minors of λI − M —
/// which stay well conditioned where multipliers meet in a Jordan block (the fold of cycles),
/// unlike products of computed eigenvalues.
/// </summary>
internal static class FloquetTests
{
    /// <summary>
    /// p^(k)(λ)/k! for k = 0, 1, 2: det(λI − M), the sum of its principal (n−1)-minors, the sum of its
    /// principal (n−2)-minors. With j multipliers exactly at λ, p^(j)(λ)/j! = Π(λ − μ_i) over the others.
    /// </summary>
    public static double CharacteristicTaylor(double[] monodromy, int n, double lambda, int order)
    {
        var a = Matrix<double>.Build.Dense(n, n, (i, j) => (i == j ? lambda : 0) - monodromy[i * n + j]);
        switch (order)
        {
            case 0:
                return a.Determinant();
            case 1:
            {
                double sum = 0;
                for (int k = 0; k < n; k++) sum += a.RemoveRow(k).RemoveColumn(k).Determinant();
                return sum;
            }
            case 2:
            {
                double sum = 0;
                for (int k = 0; k < n; k++)
                    for (int l = k + 1; l < n; l++)
                    {
                        var keep = Enumerable.Range(0, n).Where(i => i != k && i != l).ToArray();
                        sum += n == 2 ? 1 : Matrix<double>.Build.Dense(n - 2, n - 2, (i, j) => a[keep[i], keep[j]]).Determinant();
                    }
                return sum;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(order), "orders 0, 1 and 2");
        }
    }

    /// <summary>Π(1 + Σ|μ|) over the multipliers: a scale that keeps the products of order one.</summary>
    public static double Scale(Complex[] mu)
    {
        double s = 1;
        foreach (var z in mu) s *= 1 + z.Magnitude;
        return s;
    }

    /// <summary>
    /// Re Π_{i&lt;j}(μ_i μ_j − 1) over the multipliers not excluded, each factor divided by
    /// 1 + |μ_i μ_j|: zero where a pair of them lies on the unit circle (a Neimark–Sacker-type
    /// crossing; real reciprocal pairs, neutral saddles, also give zero and are rejected by the
    /// caller).
    /// </summary>
    public static double TorusProduct(Complex[] mu, Func<int, bool> excluded)
    {
        Complex p = 1;
        for (int i = 0; i < mu.Length; i++)
        {
            if (excluded(i)) continue;
            for (int j = i + 1; j < mu.Length; j++)
                if (!excluded(j)) p *= (mu[i] * mu[j] - 1) / (1 + (mu[i] * mu[j]).Magnitude);
        }
        return p.Real;
    }

    /// <summary>Index of the multiplier closest to <paramref name="target"/> among those not excluded, or −1.</summary>
    public static int Closest(Complex[] mu, Complex target, Func<int, bool>? excluded = null)
    {
        int best = -1;
        for (int i = 0; i < mu.Length; i++)
        {
            if (excluded?.Invoke(i) == true) continue;
            if (best < 0 || (mu[i] - target).Magnitude < (mu[best] - target).Magnitude) best = i;
        }
        return best;
    }

    /// <summary>Eigenvalues of the row-major n×n monodromy, largest modulus first; NaN when not computable.</summary>
    public static Complex[] Multipliers(double[] monodromy, int n)
    {
        var mu = Algebra.Spectrum.TryEigenvalues(monodromy.AsSpan(0, n * n), n);
        if (mu is null) return Enumerable.Repeat(new Complex(double.NaN, double.NaN), n).ToArray();
        Array.Sort(mu, (p, q) => q.Magnitude.CompareTo(p.Magnitude));
        return mu;
    }
}
