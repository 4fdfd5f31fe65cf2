namespace Continuation.PeriodicOrbits;

/// <summary>
/// Operations on collocation meshes on [0, 1] and on piecewise-polynomial profiles stored at the
/// mesh nodes.
/// </summary>
/// <remarks>
/// <para>A mesh is 0 = τ_0 &lt; τ_1 &lt; … &lt; τ_N = 1 (N = NTST intervals). A profile with n
/// components is a flat array of length n(N m + 1): node i = j m + k (k = 0 … m − 1) of interval j
/// sits at t = τ_j + (k/m) h_j, the last node i = N m at t = 1, and component s of node i is
/// stored at index i n + s. Node j m is the shared mesh point τ_j.</para>
/// </remarks>
public static class Mesh
{
    /// <summary>Multiple of machine epsilon times Σ|c_k u_k| / h^m taken as the rounding level of an m-th derivative.</summary>
    private const double RoundingFactor = 64 * 2.220446049250313e-16;

    /// <summary>The uniform mesh τ_j = j/ntst.</summary>
    /// <param name="ntst">Number of intervals (≥ 1).</param>
    /// <returns>Array of length ntst + 1 with first entry 0 and last entry exactly 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ntst"/> &lt; 1.</exception>
    public static double[] Uniform(int ntst)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ntst, 1);
        var mesh = new double[ntst + 1];
        for (int j = 0; j < ntst; j++) mesh[j] = (double)j / ntst;
        mesh[ntst] = 1.0;
        return mesh;
    }

    /// <summary>Length of the flat node-value array of a profile with n components on ntst intervals.</summary>
    /// <param name="scheme">Collocation scheme (degree m).</param>
    /// <param name="ntst">Number of mesh intervals.</param>
    /// <param name="n">Number of components.</param>
    public static int ProfileLength(CollocationScheme scheme, int ntst, int n)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        return n * (ntst * scheme.Degree + 1);
    }

    /// <summary>
    /// Evaluates the piecewise-polynomial profile given on <paramref name="mesh"/> at the nodes of
    /// <paramref name="newMesh"/> (same degree m, any number of intervals).
    /// </summary>
    /// <param name="scheme">Collocation scheme (degree m) of both profiles.</param>
    /// <param name="mesh">Old mesh (sorted, length N + 1).</param>
    /// <param name="values">Old profile, length n(N m + 1).</param>
    /// <param name="n">Number of components.</param>
    /// <param name="newMesh">New mesh (sorted, length N' + 1, covering the same range).</param>
    /// <param name="newValues">Receives the new profile, length n(N' m + 1); must not overlap <paramref name="values"/>.</param>
    /// <remarks>
    /// Intervals are located by a single forward sweep (both meshes are sorted). A new interval
    /// that coincides exactly with an old one is copied, so interpolating onto the same mesh is the
    /// identity bit for bit. Does not allocate.
    /// </remarks>
    /// <exception cref="ArgumentException">Inconsistent lengths.</exception>
    public static void Interpolate(
        CollocationScheme scheme,
        ReadOnlySpan<double> mesh,
        ReadOnlySpan<double> values,
        int n,
        ReadOnlySpan<double> newMesh,
        Span<double> newValues)
    {
        int m = Validate(scheme, mesh, values, n);
        int nOld = mesh.Length - 1;
        if (newMesh.Length < 2)
            throw new ArgumentException("A mesh needs at least two points.", nameof(newMesh));
        int nNew = newMesh.Length - 1;
        if (newValues.Length != n * (nNew * m + 1))
            throw new ArgumentException($"Expected {n * (nNew * m + 1)} values for the new mesh, got {newValues.Length}.", nameof(newValues));

        Span<double> basis = stackalloc double[m + 1];
        var nodes = scheme.Nodes;
        int jOld = 0;
        for (int jNew = 0; jNew < nNew; jNew++)
        {
            double a = newMesh[jNew], h = newMesh[jNew + 1] - a;

            // Fast path: identical interval → copy node values.
            while (jOld < nOld - 1 && mesh[jOld + 1] <= a) jOld++;
            if (mesh[jOld] == a && mesh[jOld + 1] == newMesh[jNew + 1])
            {
                values.Slice(jOld * m * n, m * n).CopyTo(newValues.Slice(jNew * m * n, m * n));
                continue;
            }

            for (int k = 0; k < m; k++)
            {
                double t = k == 0 ? a : a + nodes[k] * h;
                while (jOld < nOld - 1 && mesh[jOld + 1] <= t) jOld++;
                EvaluateOnInterval(scheme, mesh, values, n, jOld, t, basis, newValues.Slice((jNew * m + k) * n, n));
            }
        }

        // Last node t = τ_N'.
        double tEnd = newMesh[nNew];
        if (tEnd == mesh[nOld])
            values.Slice(nOld * m * n, n).CopyTo(newValues.Slice(nNew * m * n, n));
        else
        {
            while (jOld < nOld - 1 && mesh[jOld + 1] <= tEnd) jOld++;
            EvaluateOnInterval(scheme, mesh, values, n, jOld, tEnd, basis, newValues.Slice(nNew * m * n, n));
        }
    }

    /// <summary>Evaluates the profile at one time t.</summary>
    /// <param name="scheme">Collocation scheme (degree m).</param>
    /// <param name="mesh">Mesh (sorted, length N + 1, normally from 0 to 1).</param>
    /// <param name="values">Profile, length n(N m + 1).</param>
    /// <param name="n">Number of components.</param>
    /// <param name="t">
    /// Time. Values outside [mesh[0], mesh[N]] are wrapped periodically into the mesh range (the
    /// profile is a periodic orbit); values inside are used as they are.
    /// </param>
    /// <param name="result">Receives the n components.</param>
    /// <remarks>Binary search for the interval; does not allocate.</remarks>
    /// <exception cref="ArgumentException">Inconsistent lengths.</exception>
    public static void EvaluateAt(
        CollocationScheme scheme,
        ReadOnlySpan<double> mesh,
        ReadOnlySpan<double> values,
        int n,
        double t,
        Span<double> result)
    {
        int m = Validate(scheme, mesh, values, n);
        if (result.Length < n)
            throw new ArgumentException($"Need at least {n} entries.", nameof(result));
        int nInt = mesh.Length - 1;
        double t0 = mesh[0], t1 = mesh[nInt];
        if (t < t0 || t > t1)
        {
            double period = t1 - t0;
            t = t0 + ((t - t0) % period + period) % period;
        }
        int j = FindInterval(mesh, t);
        Span<double> basis = stackalloc double[m + 1];
        EvaluateOnInterval(scheme, mesh, values, n, j, t, basis, result[..n]);
    }

    /// <summary>∫ of one component of the profile over the mesh range, by the closed Newton–Cotes node weights.</summary>
    /// <param name="scheme">Collocation scheme (degree m).</param>
    /// <param name="mesh">Mesh (length N + 1).</param>
    /// <param name="values">Profile, length n(N m + 1).</param>
    /// <param name="n">Number of components.</param>
    /// <param name="component">Component index in [0, n).</param>
    /// <exception cref="ArgumentException">Inconsistent lengths.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="component"/> out of range.</exception>
    public static double Integrate(
        CollocationScheme scheme,
        ReadOnlySpan<double> mesh,
        ReadOnlySpan<double> values,
        int n,
        int component)
    {
        int m = Validate(scheme, mesh, values, n);
        ArgumentOutOfRangeException.ThrowIfNegative(component);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(component, n);
        var w = scheme.NodeWeights;
        double total = 0;
        for (int j = 0; j < mesh.Length - 1; j++)
        {
            double s = 0;
            int baseIndex = j * m;
            for (int k = 0; k <= m; k++) s += w[k] * values[(baseIndex + k) * n + component];
            total += (mesh[j + 1] - mesh[j]) * s;
        }
        return total;
    }

    /// <summary>
    /// A new mesh with <paramref name="newNtst"/> intervals that equidistributes the collocation
    /// error monitor of the profile (AUTO-07p / de Boor).
    /// </summary>
    /// <param name="scheme">Collocation scheme (degree m).</param>
    /// <param name="mesh">Current mesh (length N + 1, from 0 to 1).</param>
    /// <param name="values">Profile, length n(N m + 1).</param>
    /// <param name="n">Number of components.</param>
    /// <param name="newNtst">Number of intervals of the new mesh (≥ 1).</param>
    /// <returns>The new mesh: length newNtst + 1, first entry 0, last entry 1, strictly increasing.</returns>
    /// <remarks>
    /// <para>On each interval j the m-th derivative d_j = (Σ_k c_k u_{j,k}) / h_j^m
    /// (<see cref="CollocationScheme.HighestDerivative"/>) is constant. Jumps are reduced by the
    /// rounding level of the two d's (64 ε Σ_k |c_k u_{j,k}| / h_j^m), so that cancellation noise
    /// does not drive the mesh. The (m + 1)-th derivative
    /// on interval j is estimated as the mean of the two one-sided jumps
    /// ‖d_{j+1} − d_j‖_∞ / ((h_j + h_{j+1})/2) and ‖d_j − d_{j−1}‖_∞ / ((h_{j−1} + h_j)/2), with
    /// periodic wrap-around (interval N − 1 neighbours interval 0). The monitor is
    /// ρ_j = e_j^{1/(m+1)} plus a floor of 1e-12 max ρ + 1e-3 mean ρ (so that a flat monitor gives
    /// a near-uniform mesh, and every ρ_j is positive); the new mesh points are where the
    /// cumulative integral of the piecewise-constant ρ reaches k/newNtst of its total. If the
    /// monitor vanishes identically (a profile that is a single polynomial of degree ≤ m) the
    /// uniform mesh is returned.</para>
    /// <para>Allocates O(N n) work arrays.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">Inconsistent lengths.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="newNtst"/> &lt; 1.</exception>
    public static double[] Adapt(
        CollocationScheme scheme,
        ReadOnlySpan<double> mesh,
        ReadOnlySpan<double> values,
        int n,
        int newNtst)
    {
        int m = Validate(scheme, mesh, values, n);
        ArgumentOutOfRangeException.ThrowIfLessThan(newNtst, 1);
        int nInt = mesh.Length - 1;
        double t0 = mesh[0], t1 = mesh[nInt];

        // m-th derivative per interval.
        var c = scheme.HighestDerivative;
        var d = new double[nInt * n];
        var h = new double[nInt];
        var noise = new double[nInt];        // rounding level of d_j (∞-norm over components)
        for (int j = 0; j < nInt; j++)
        {
            h[j] = mesh[j + 1] - mesh[j];
            if (!(h[j] > 0))
                throw new ArgumentException("The mesh must be strictly increasing.", nameof(mesh));
            double scale = 1.0 / Math.Pow(h[j], m);
            double noiseMax = 0;
            for (int s = 0; s < n; s++)
            {
                double acc = 0, mag = 0;
                for (int k = 0; k <= m; k++)
                {
                    double term = c[k] * values[(j * m + k) * n + s];
                    acc += term;
                    mag += Math.Abs(term);
                }
                d[j * n + s] = acc * scale;
                noiseMax = Math.Max(noiseMax, mag * scale);
            }
            noise[j] = RoundingFactor * noiseMax;
        }

        // Forward jump rate between interval j and j+1 (periodic), then the monitor.
        var jump = new double[nInt];
        for (int j = 0; j < nInt; j++)
        {
            int jn = (j + 1) % nInt;
            double norm = 0;
            for (int s = 0; s < n; s++) norm = Math.Max(norm, Math.Abs(d[jn * n + s] - d[j * n + s]));
            // A jump below the rounding level of the m-th derivative carries no information: count it
            // at that level. The level scales as h^-(m+1), so such intervals keep their present size
            // (an over-resolved profile keeps its mesh instead of collapsing onto a few noisy jumps).
            norm = Math.Max(norm, noise[j] + noise[jn]);
            jump[j] = norm / (0.5 * (h[j] + h[jn]));
        }
        var rho = new double[nInt];
        double power = 1.0 / (m + 1);
        double maxRho = 0, integral = 0;
        for (int j = 0; j < nInt; j++)
        {
            int jp = (j - 1 + nInt) % nInt;
            double e = 0.5 * (jump[j] + jump[jp]);
            rho[j] = Math.Pow(e, power);
            if (!double.IsFinite(rho[j]))
                throw new ArgumentException("The profile contains non-finite values.", nameof(values));
            maxRho = Math.Max(maxRho, rho[j]);
            integral += rho[j] * h[j];
        }
        var result = new double[newNtst + 1];
        if (!(maxRho > 0))
        {
            for (int k = 0; k <= newNtst; k++) result[k] = t0 + (t1 - t0) * k / newNtst;
            result[newNtst] = t1;
            return result;
        }
        double floor = 1e-12 * maxRho + 1e-3 * integral / (t1 - t0);
        double total = 0;
        for (int j = 0; j < nInt; j++)
        {
            rho[j] += floor;
            total += rho[j] * h[j];
        }

        // Invert the piecewise-linear cumulative integral at k/newNtst of the total.
        result[0] = t0;
        result[newNtst] = t1;
        int i = 0;
        double cum = 0;                       // ∫ρ up to mesh[i]
        for (int k = 1; k < newNtst; k++)
        {
            double target = total * k / newNtst;
            while (i < nInt - 1 && cum + rho[i] * h[i] < target)
            {
                cum += rho[i] * h[i];
                i++;
            }
            double t = mesh[i] + (target - cum) / rho[i];
            t = Math.Clamp(t, mesh[i], mesh[i + 1]);
            result[k] = t;
        }

        // Guard against rounding producing non-increasing points (practically unreachable).
        for (int k = 1; k <= newNtst; k++)
        {
            if (!(result[k] > result[k - 1]))
                return EnsureIncreasing(result, t0, t1);
        }
        return result;
    }

    /// <summary>Fallback: blend with the uniform mesh until strictly increasing.</summary>
    private static double[] EnsureIncreasing(double[] mesh, double t0, double t1)
    {
        int nInt = mesh.Length - 1;
        for (double theta = 0.5; ; theta *= 0.5)
        {
            var blended = new double[nInt + 1];
            bool ok = true;
            for (int k = 0; k <= nInt; k++)
            {
                double uniform = t0 + (t1 - t0) * k / nInt;
                blended[k] = theta * mesh[k] + (1 - theta) * uniform;
                if (k > 0 && !(blended[k] > blended[k - 1])) ok = false;
            }
            blended[0] = t0;
            blended[nInt] = t1;
            if (ok || theta < 1e-6)
            {
                if (!ok)
                    for (int k = 1; k < nInt; k++) blended[k] = t0 + (t1 - t0) * k / nInt;
                return blended;
            }
        }
    }

    /// <summary>Index j of the interval [τ_j, τ_{j+1}] containing t (clamped to [0, N − 1]).</summary>
    private static int FindInterval(ReadOnlySpan<double> mesh, double t)
    {
        int lo = 0, hi = mesh.Length - 2;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (mesh[mid] <= t) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>Evaluates the polynomial of interval j at time t into result[0..n).</summary>
    private static void EvaluateOnInterval(
        CollocationScheme scheme,
        ReadOnlySpan<double> mesh,
        ReadOnlySpan<double> values,
        int n,
        int j,
        double t,
        Span<double> basis,
        Span<double> result)
    {
        int m = scheme.Degree;
        double a = mesh[j], h = mesh[j + 1] - a;
        double z = (t - a) / h;
        scheme.EvaluateBasis(z, basis);
        result.Clear();
        int baseIndex = j * m * n;
        for (int k = 0; k <= m; k++)
        {
            double l = basis[k];
            if (l == 0) continue;
            var node = values.Slice(baseIndex + k * n, n);
            for (int s = 0; s < n; s++) result[s] += l * node[s];
        }
    }

    /// <summary>Checks the common arguments and returns the degree m.</summary>
    private static int Validate(CollocationScheme scheme, ReadOnlySpan<double> mesh, ReadOnlySpan<double> values, int n)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (mesh.Length < 2)
            throw new ArgumentException("A mesh needs at least two points.", nameof(mesh));
        int m = scheme.Degree;
        int expected = n * ((mesh.Length - 1) * m + 1);
        if (values.Length != expected)
            throw new ArgumentException($"Expected {expected} values for {mesh.Length - 1} intervals, degree {m} and {n} components, got {values.Length}.", nameof(values));
        return m;
    }
}
