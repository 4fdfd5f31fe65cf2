namespace Continuation.PeriodicOrbits;

/// <summary>
/// Reference data of orthogonal collocation of degree m on the local interval z ∈ [0, 1]: the
/// polynomial on an interval is represented by its values at the m + 1 equally spaced nodes
/// z_k = k/m, and the collocation equations are imposed at the m Gauss–Legendre points.
/// </summary>
/// <remarks>
/// <para>All tables are computed once in the constructor; the arrays returned by the properties
/// are shared and must not be modified by callers (they are exposed as arrays so that hot loops
/// can index them without copying). The instance is otherwise immutable and thread-safe.</para>
/// <para>Lagrange basis functions are evaluated in product form with barycentric weights
/// w_k = 1 / Π_{j≠k} (z_k − z_j), ℓ_k(z) = w_k Π_{j≠k} (z − z_j); derivatives follow from the
/// product rule with prefix/suffix products, so evaluation at a node is exact in form (no
/// division by z − z_j).</para>
/// </remarks>
public sealed class CollocationScheme
{
    /// <summary>Smallest supported degree.</summary>
    public const int MinDegree = 2;

    /// <summary>Largest supported degree.</summary>
    public const int MaxDegree = 7;

    private readonly double[] _barycentric;

    /// <summary>Builds the tables for collocation degree <paramref name="m"/> (NCOL).</summary>
    /// <param name="m">Polynomial degree per interval, 2 ≤ m ≤ 7.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="m"/> is outside [2, 7].</exception>
    public CollocationScheme(int m)
    {
        if (m < MinDegree || m > MaxDegree)
            throw new ArgumentOutOfRangeException(nameof(m), m, $"Collocation degree must be in [{MinDegree}, {MaxDegree}].");
        Degree = m;

        Nodes = new double[m + 1];
        for (int k = 0; k <= m; k++) Nodes[k] = (double)k / m;
        Nodes[m] = 1.0;

        _barycentric = new double[m + 1];
        for (int k = 0; k <= m; k++)
        {
            double prod = 1.0;
            for (int j = 0; j <= m; j++)
                if (j != k) prod *= Nodes[k] - Nodes[j];
            _barycentric[k] = 1.0 / prod;
        }

        (GaussPoints, GaussWeights) = GaussLegendre(m);

        Basis = new double[m, m + 1];
        BasisDerivative = new double[m, m + 1];
        Span<double> v = stackalloc double[m + 1];
        Span<double> d = stackalloc double[m + 1];
        for (int c = 0; c < m; c++)
        {
            EvaluateBasisAndDerivative(GaussPoints[c], v, d);
            for (int k = 0; k <= m; k++)
            {
                Basis[c, k] = v[k];
                BasisDerivative[c, k] = d[k];
            }
        }

        NodeDerivative = new double[m + 1, m + 1];
        for (int i = 0; i <= m; i++)
        {
            EvaluateBasisAndDerivative(Nodes[i], v, d);
            for (int k = 0; k <= m; k++) NodeDerivative[i, k] = d[k];
        }

        // Closed Newton–Cotes weights w_k = ∫_0^1 ℓ_k; the m-point Gauss rule is exact for degree ≤ 2m − 1 ≥ m.
        NodeWeights = new double[m + 1];
        for (int k = 0; k <= m; k++)
        {
            double s = 0;
            for (int c = 0; c < m; c++) s += GaussWeights[c] * Basis[c, k];
            NodeWeights[k] = s;
        }
        // Symmetrise (w_k = w_{m−k} exactly in exact arithmetic).
        for (int k = 0; k <= m / 2; k++)
        {
            double avg = 0.5 * (NodeWeights[k] + NodeWeights[m - k]);
            NodeWeights[k] = avg;
            NodeWeights[m - k] = avg;
        }

        // m-th forward difference with step 1/m, divided by (1/m)^m: c_k = m^m (−1)^{m−k} C(m, k).
        HighestDerivative = new double[m + 1];
        double scale = Math.Pow(m, m);
        double binom = 1.0;
        for (int k = 0; k <= m; k++)
        {
            HighestDerivative[k] = ((m - k) % 2 == 0 ? 1.0 : -1.0) * binom * scale;
            binom = binom * (m - k) / (k + 1);
        }
    }

    /// <summary>Polynomial degree m per interval (NCOL).</summary>
    public int Degree { get; }

    /// <summary>The m + 1 equally spaced representation nodes z_k = k/m on [0, 1].</summary>
    public double[] Nodes { get; }

    /// <summary>The m Gauss–Legendre points on (0, 1), ascending.</summary>
    public double[] GaussPoints { get; }

    /// <summary>Gauss–Legendre weights on [0, 1] (sum 1), matching <see cref="GaussPoints"/>.</summary>
    public double[] GaussWeights { get; }

    /// <summary>Basis[c, k] = ℓ_k(g_c): Lagrange basis function of node k at Gauss point c.</summary>
    public double[,] Basis { get; }

    /// <summary>BasisDerivative[c, k] = ℓ_k'(g_c) (derivative with respect to z).</summary>
    public double[,] BasisDerivative { get; }

    /// <summary>NodeDerivative[i, k] = ℓ_k'(z_i) (derivative with respect to z).</summary>
    public double[,] NodeDerivative { get; }

    /// <summary>
    /// Closed Newton–Cotes weights: ∫_0^1 p(z) dz = Σ_k w_k p(z_k), exact for polynomials of degree ≤ m.
    /// </summary>
    public double[] NodeWeights { get; }

    /// <summary>
    /// Coefficients c_k with d^m p / dz^m = Σ_k c_k p(z_k) for every polynomial p of degree ≤ m
    /// (the m-th finite difference divided by (1/m)^m).
    /// </summary>
    public double[] HighestDerivative { get; }

    /// <summary>Evaluates the m + 1 Lagrange basis functions ℓ_k(z) at an arbitrary z.</summary>
    /// <param name="z">Local coordinate (any real; extrapolates outside [0, 1]).</param>
    /// <param name="values">Receives ℓ_0(z) … ℓ_m(z) in its first m + 1 entries.</param>
    /// <exception cref="ArgumentException"><paramref name="values"/> is shorter than m + 1.</exception>
    public void EvaluateBasis(double z, Span<double> values)
    {
        int m = Degree;
        if (values.Length < m + 1)
            throw new ArgumentException($"Need at least {m + 1} entries.", nameof(values));
        // prefix[k] = Π_{j<k} (z − z_j), computed on the fly; suffix stored in values.
        double suffix = 1.0;
        for (int k = m; k >= 0; k--)
        {
            values[k] = suffix;                 // Π_{j>k} (z − z_j)
            suffix *= z - Nodes[k];
        }
        double prefix = 1.0;
        for (int k = 0; k <= m; k++)
        {
            values[k] *= prefix * _barycentric[k];
            prefix *= z - Nodes[k];
        }
    }

    /// <summary>Evaluates the derivatives ℓ_k'(z) (with respect to z) at an arbitrary z.</summary>
    /// <param name="z">Local coordinate (any real).</param>
    /// <param name="values">Receives ℓ_0'(z) … ℓ_m'(z) in its first m + 1 entries.</param>
    /// <exception cref="ArgumentException"><paramref name="values"/> is shorter than m + 1.</exception>
    public void EvaluateBasisDerivative(double z, Span<double> values)
    {
        int m = Degree;
        if (values.Length < m + 1)
            throw new ArgumentException($"Need at least {m + 1} entries.", nameof(values));
        Span<double> scratch = stackalloc double[m + 1];
        EvaluateBasisAndDerivative(z, scratch, values);
    }

    /// <summary>Evaluates both ℓ_k(z) and ℓ_k'(z).</summary>
    private void EvaluateBasisAndDerivative(double z, Span<double> values, Span<double> derivatives)
    {
        int m = Degree;
        // Suffix products S_k = Π_{j>k}(z − z_j) and their derivatives, stored in values/derivatives.
        double s = 1.0, ds = 0.0;
        for (int k = m; k >= 0; k--)
        {
            values[k] = s;
            derivatives[k] = ds;
            double f = z - Nodes[k];
            ds = ds * f + s;
            s *= f;
        }
        // Prefix products P_k = Π_{j<k}(z − z_j); ℓ_k = w_k P_k S_k, ℓ_k' = w_k (P_k' S_k + P_k S_k').
        double p = 1.0, dp = 0.0;
        for (int k = 0; k <= m; k++)
        {
            double sk = values[k], dsk = derivatives[k];
            values[k] = _barycentric[k] * p * sk;
            derivatives[k] = _barycentric[k] * (dp * sk + p * dsk);
            double f = z - Nodes[k];
            dp = dp * f + p;
            p *= f;
        }
    }

    /// <summary>Gauss–Legendre points and weights on [0, 1] by Newton iteration on P_m.</summary>
    private static (double[] Points, double[] Weights) GaussLegendre(int m)
    {
        var points = new double[m];
        var weights = new double[m];
        int half = (m + 1) / 2;
        for (int i = 0; i < half; i++)
        {
            // Root i (descending in x ∈ [−1, 1]) starting from the Tricomi-type estimate.
            double x = Math.Cos(Math.PI * (i + 0.75) / (m + 0.5));
            double dpm = 0;
            for (int iter = 0; iter < 100; iter++)
            {
                (double pm, double d) = Legendre(m, x);
                dpm = d;
                double dx = pm / d;
                x -= dx;
                if (Math.Abs(dx) <= 1e-16) break;
            }
            (_, dpm) = Legendre(m, x);
            // On [−1, 1]: w = 2 / ((1 − x²) P_m'(x)²); halve for [0, 1].
            double w = 1.0 / ((1.0 - x * x) * dpm * dpm);
            // x > 0 (or 0 for the middle root when m is odd): upper point (1 + x)/2, mirrored lower point (1 − x)/2.
            points[m - 1 - i] = 0.5 * (1.0 + x);
            points[i] = 0.5 * (1.0 - x);
            weights[m - 1 - i] = w;
            weights[i] = w;
        }
        if (m % 2 == 1) points[m / 2] = 0.5;
        return (points, weights);
    }

    /// <summary>P_m(x) and P_m'(x) by the three-term recurrence.</summary>
    private static (double Value, double Derivative) Legendre(int m, double x)
    {
        double p0 = 1.0, p1 = x;
        for (int k = 1; k < m; k++)
        {
            double p2 = ((2 * k + 1) * x * p1 - k * p0) / (k + 1);
            p0 = p1;
            p1 = p2;
        }
        double d = m * (x * p1 - p0) / (x * x - 1.0);
        return (p1, d);
    }
}
