using System.Numerics;
using Continuation.Algebra;
using Continuation.Systems;

namespace Continuation.PeriodicOrbits;

/// <summary>
/// Normal-form coefficients of the period doubling and the Neimark–Sacker bifurcation of a cycle
/// from its collocation data, by periodic normalisation: no integration, no Poincaré section.
/// </summary>
/// <remarks>
/// <para>
/// Kuznetsov, Govaerts, Doedel and Dhooge, "Numerical periodic normalization for codim 1
/// bifurcations of limit cycles", SIAM J. Numer. Anal. 43 (2005). Near a cycle x0 of period T the
/// centre manifold is written x = x0(τ) + (terms in the critical coordinate ξ) with τ the phase,
/// dτ/dt = 1 + a|ξ|² + …, and collecting powers of ξ in ẋ = f(x) gives linear boundary-value
/// problems along the cycle (A = f_u(x0(τ)), B and C the second and third derivatives of f):
/// </para>
/// <code>
/// period doubling, dξ/dt = c ξ³, v anti-periodic with v' = A v:
///   h2' − A h2 = B(v, v) − 2a f(x0)                            (periodic)
///   h3' − A h3 = C(v, v, v) + 3B(v, h2) − 6a A v − 6c v         (anti-periodic)
/// Neimark–Sacker, dξ/dt = iωξ + d ξ|ξ|², ω = θ/T, v periodic with v' = A v − iωv:
///   h20' − A h20 + 2iω h20 = B(v, v)                            (periodic)
///   h11' − A h11 = B(v, v̄) − a f(x0)                             (periodic)
///   h21' − A h21 + iω h21 = C(v, v, v̄) + B(v̄, h20) + 2B(v, h11) − 2a(A v − iω v) − 2d v   (periodic)
/// </code>
/// <para>
/// An equation whose operator is singular (the solvability condition fixes a, c or d) is solved as
/// it stands, bordered by its unknown scalar and by one row that removes the kernel (f(x0) or v;
/// the coefficient does not depend on it): the solve meets the solvability condition itself, so no
/// adjoint eigenfunction is needed. Complex problems are solved as real ones of twice the size. All
/// are boundary-value problems on the cycle's own mesh, solved with the structured collocation
/// solver; B and C come from <see cref="Derivatives"/> at the collocation points.
/// </para>
/// <para>
/// With v normalised by (1/T)∫₀ᵀ|v|² dt = 1 the coefficients returned are −T c (period doubling:
/// positive supercritical) and T Re d (torus: negative supercritical): where |v| is constant along
/// the cycle they are the cubic coefficients of the return map along v(0) (|q| = 1), as
/// <see cref="CycleNormalForms"/> computes them; in general they depend neither on the cycle's phase
/// nor on a section.
/// </para>
/// </remarks>
internal static class PeriodicNormalization
{
    /// <summary>
    /// The period-doubling coefficient −T c at the cycle <paramref name="profile"/> (node values on
    /// <paramref name="mesh"/>, time scaled to [0, 1]) of period <paramref name="period"/>;
    /// <paramref name="flip"/>: the anti-periodic eigenfunction v at the nodes (empty: from
    /// <paramref name="monodromy"/>'s eigenvector for −1, carried along the cycle by the variational
    /// equation). NaN when it cannot be computed (no multiplier near −1, a singular system, no cubic
    /// term at all).
    /// </summary>
    public static double PeriodDoubling(OdeSystem system, ReadOnlySpan<double> parameters, CycleMesh mesh,
        ReadOnlySpan<double> profile, double period, ReadOnlySpan<double> monodromy, ReadOnlySpan<double> flip = default)
    {
        var cycle = new Cycle(system, parameters.ToArray(), mesh, profile, period);
        var v = flip.IsEmpty ? cycle.FlipFromMonodromy(monodromy) : flip.ToArray();
        if (v is null || !cycle.Normalise(v)) return double.NaN;
        return cycle.PeriodDoubling(v);
    }

    /// <summary>
    /// The torus coefficient T Re d at the cycle with multipliers e^{±iθ} (<paramref name="theta"/> in
    /// (0, π)); the critical eigenfunction from <paramref name="monodromy"/>'s eigenvector for e^{iθ}.
    /// NaN when it cannot be computed.
    /// </summary>
    public static double NeimarkSacker(OdeSystem system, ReadOnlySpan<double> parameters, CycleMesh mesh,
        ReadOnlySpan<double> profile, double period, ReadOnlySpan<double> monodromy, double theta)
    {
        if (!(theta > 0 && theta < Math.PI)) return double.NaN;
        var cycle = new Cycle(system, parameters.ToArray(), mesh, profile, period);
        if (cycle.RotatingFromMonodromy(monodromy, theta) is not var (vr, vi, found) || !cycle.Normalise(vr, vi)) return double.NaN;
        return cycle.NeimarkSacker(vr, vi, found);
    }

    /// <summary>
    /// Below this (with v of mean square 1) every term of the cubic equation is taken for the
    /// rounding of the finite differences that give B and C, and the coefficient is not defined.
    /// </summary>
    const double DegenerateLevel = 1e-7;

    /// <summary>The cycle at its collocation points: x0, f(x0), f_u(x0), and the linear problems along it.</summary>
    sealed class Cycle
    {
        readonly Derivatives _d;
        readonly double[] _p;
        readonly CycleMesh _mesh;
        readonly double _T;
        readonly int _n, _m, _N, _nodes, _points;
        readonly double[] _weights;     // ∫₀¹ ds per node value
        readonly double[][] _u, _f, _jac; // x0, f(x0) and f_u(x0) at collocation point j·m + c
        readonly double[][] _fNodes;    // f(x0) at the nodes

        public Cycle(OdeSystem system, double[] parameters, CycleMesh mesh, ReadOnlySpan<double> profile, double period)
        {
            _d = new Derivatives(system);
            _p = parameters;
            _mesh = mesh;
            _T = period;
            _n = system.Dimension;
            _m = mesh.Degree;
            _N = mesh.Intervals;
            _nodes = mesh.Nodes;
            _points = _N * _m;
            _weights = new double[_nodes * _n];
            Profiles.AddQuadratureWeights(mesh, _n, _n, _weights);
            _u = new double[_points][];
            _f = new double[_points][];
            _jac = new double[_points][];
            for (int i = 0; i < _points; i++)
            {
                _u[i] = AtCollocation(profile, i);
                _f[i] = new double[_n];
                _d.Evaluate(_u[i], _p, _f[i]);
                _jac[i] = new double[_n * _n];
                _d.StateJacobian(_u[i], _p, _jac[i]);
            }
            _fNodes = new double[_nodes][];
            for (int i = 0; i < _nodes; i++)
            {
                _fNodes[i] = new double[_n];
                _d.Evaluate(profile.Slice(i * _n, _n), _p, _fNodes[i]);
            }
        }

        /// <summary>The interpolant of node values (<paramref name="values"/>, n per node) at collocation point i.</summary>
        double[] AtCollocation(ReadOnlySpan<double> values, int i)
        {
            int j = i / _m, c = i % _m;
            var result = new double[_n];
            var basis = _mesh.Scheme.Basis;
            for (int k = 0; k <= _m; k++)
            {
                double b = basis[c, k];
                var node = values.Slice((j * _m + k) * _n, _n);
                for (int s = 0; s < _n; s++) result[s] += b * node[s];
            }
            return result;
        }

        /// <summary>Node values as one array per node.</summary>
        double[][] PerNode(double[] values) => Enumerable.Range(0, _nodes).Select(i => values[(i * _n)..((i + 1) * _n)]).ToArray();

        /// <summary>Scales v (real, or re and im) to ∫₀¹|v|² ds = 1; false if v vanishes or is not finite.</summary>
        public bool Normalise(double[] re, double[]? im = null)
        {
            double sum = 0;
            for (int i = 0; i < re.Length; i++) sum += _weights[i] * (re[i] * re[i] + (im is null ? 0 : im[i] * im[i]));
            if (!(sum > 0) || !double.IsFinite(sum)) return false;
            double scale = 1 / Math.Sqrt(sum);
            for (int i = 0; i < re.Length; i++) { re[i] *= scale; if (im is not null) im[i] *= scale; }
            return true;
        }

        /// <summary>f_u(x0) at collocation point i, or the real form [[A, σI], [−σI, A]] of A − iσ for a complex unknown.</summary>
        double[] Operator(int i, double? sigma)
        {
            if (sigma is not { } s) return _jac[i];
            int n = _n, nn = 2 * n;
            var m = new double[nn * nn];
            for (int r = 0; r < n; r++)
            {
                for (int q = 0; q < n; q++)
                {
                    m[r * nn + q] = _jac[i][r * n + q];
                    m[(n + r) * nn + n + q] = _jac[i][r * n + q];
                }
                m[r * nn + n + r] = s;
                m[(n + r) * nn + r] = -s;
            }
            return m;
        }

        /// <summary>v at the nodes: v(0) the monodromy's eigenvector for −1, carried by v' = T f_u v.</summary>
        public double[]? FlipFromMonodromy(ReadOnlySpan<double> monodromy)
        {
            if (Spectrum.TryNearest(monodromy, _n, -1) is not var (value, vector)) return null;
            if ((value + 1).Magnitude > 1e-2 || Math.Abs(value.Imaginary) > 1e-8) return null;
            return Carried(vector);
        }

        /// <summary>φ' = T f_u φ from φ(0) = <paramref name="initial"/>, at the nodes.</summary>
        double[]? Carried(double[] initial)
        {
            var bvp = new LinearProblem(_mesh, _n, 0);
            if (!bvp.Factor(_T, i => _jac[i], [], 0, [])) return null;
            return bvp.Solve(_T, null, initial)[..(_nodes * _n)];
        }

        /// <summary>
        /// v(s) = e^{−iθs} φ(s) at the nodes (real and imaginary parts), φ the solution of the variational
        /// equation from the monodromy's eigenvector for the multiplier nearest e^{iθ}, and θ that
        /// multiplier's argument (so that v is periodic, v' = T(f_u − iω) v, ω = θ/T).
        /// </summary>
        public (double[] Real, double[] Imaginary, double Theta)? RotatingFromMonodromy(ReadOnlySpan<double> monodromy, double theta)
        {
            var target = Complex.FromPolarCoordinates(1, theta);
            var complex = new Complex[monodromy.Length];
            for (int i = 0; i < complex.Length; i++) complex[i] = monodromy[i];
            if (Spectrum.TryNearest(complex, _n, target) is not var (value, vector)) return null;
            if ((value - target).Magnitude > 1e-2 || !(value.Phase > 0)) return null;
            theta = value.Phase;
            var pr = Carried(vector.Select(z => z.Real).ToArray());
            var pi = Carried(vector.Select(z => z.Imaginary).ToArray());
            if (pr is null || pi is null) return null;
            var vr = new double[pr.Length];
            var vi = new double[pr.Length];
            var times = NodeTimes();
            for (int i = 0; i < _nodes; i++)
            {
                double cos = Math.Cos(theta * times[i]), sin = Math.Sin(theta * times[i]);
                for (int s = 0; s < _n; s++)
                {
                    int k = i * _n + s;
                    // e^{−iθs}(φr + iφi)
                    vr[k] = cos * pr[k] + sin * pi[k];
                    vi[k] = cos * pi[k] - sin * pr[k];
                }
            }
            return (vr, vi, theta);
        }

        /// <summary>The scaled time s ∈ [0, 1] of every node.</summary>
        double[] NodeTimes()
        {
            var times = new double[_nodes];
            var z = _mesh.Scheme.Nodes;
            for (int j = 0; j < _N; j++)
            {
                double a = _mesh.Mesh[j], h = _mesh.Mesh[j + 1] - a;
                for (int k = 0; k <= _m; k++) times[j * _m + k] = a + h * z[k];
            }
            return times;
        }

        /// <summary>The period-doubling coefficient −T c for the normalised anti-periodic eigenfunction v (node values).</summary>
        public double PeriodDoubling(double[] v)
        {
            int n = _n;
            var vc = Enumerable.Range(0, _points).Select(i => AtCollocation(v, i)).ToArray();

            // h2' − T A h2 + 2T f a = T B(v, v), h2 periodic, ∫⟨f(x0), h2⟩ = 0.
            var h2Problem = new LinearProblem(_mesh, n, 1);
            if (!h2Problem.Factor(_T, i => _jac[i], [_f.Select(f => f.Select(x => 2 * x).ToArray()).ToArray()], -1, [_fNodes])) return double.NaN;
            var h2 = h2Problem.Solve(_T, i => Quadratic(i, vc[i]), default);
            double a = h2[^1];

            // h3' − T A h3 + 6T v c = T [C(v, v, v) + 3B(v, h2) − 6a A v], h3 anti-periodic, ∫⟨v, h3⟩ = 0.
            var g = new double[_points][];
            double size = 0;
            for (int i = 0; i < _points; i++)
            {
                var cube = new double[n];
                _d.CubicForm(_u[i], _p, vc[i], cube);
                var bvh = Bilinear(i, vc[i], AtCollocation(h2, i));
                var av = Apply(_jac[i], vc[i]);
                g[i] = new double[n];
                for (int s = 0; s < n; s++)
                {
                    g[i][s] = cube[s] + 3 * bvh[s] - 6 * a * av[s];
                    size = Math.Max(size, Math.Max(Math.Abs(cube[s]), Math.Max(Math.Abs(3 * bvh[s]), Math.Abs(6 * a * av[s]))));
                }
            }
            // No cubic term at all (e.g. a linear block times a cycle): the coefficient is rounding noise.
            if (size < DegenerateLevel) return double.NaN;
            var h3Problem = new LinearProblem(_mesh, n, 1);
            if (!h3Problem.Factor(_T, i => _jac[i], [vc.Select(x => x.Select(y => 6 * y).ToArray()).ToArray()], 1, [PerNode(v)])) return double.NaN;
            double c = h3Problem.Solve(_T, i => g[i], default)[^1];
            double result = -_T * c;
            return double.IsFinite(result) ? result : double.NaN;
        }

        /// <summary>The torus coefficient T Re d for the normalised periodic eigenfunction v = vr + i vi (node values).</summary>
        public double NeimarkSacker(double[] vr, double[] vi, double theta)
        {
            int n = _n, nn = 2 * n;
            double omega = theta / _T;
            var ar = Enumerable.Range(0, _points).Select(i => AtCollocation(vr, i)).ToArray();
            var ai = Enumerable.Range(0, _points).Select(i => AtCollocation(vi, i)).ToArray();

            // h20' − T(A − 2iω) h20 = T B(v, v), periodic: B(v, v) = B(vr, vr) − B(vi, vi) + 2i B(vr, vi).
            var h20Problem = new LinearProblem(_mesh, nn, 0);
            if (!h20Problem.Factor(_T, i => Operator(i, 2 * omega), [], -1, [])) return double.NaN;
            var h20 = h20Problem.Solve(_T, i =>
            {
                var rr = Quadratic(i, ar[i]);
                var ii = Quadratic(i, ai[i]);
                var ri = Bilinear(i, ar[i], ai[i]);
                var rhs = new double[nn];
                for (int s = 0; s < n; s++) { rhs[s] = rr[s] - ii[s]; rhs[n + s] = 2 * ri[s]; }
                return rhs;
            }, default);

            // h11' − T A h11 + T f a = T B(v, v̄), periodic, ∫⟨f(x0), h11⟩ = 0: B(v, v̄) = B(vr, vr) + B(vi, vi).
            var h11Problem = new LinearProblem(_mesh, n, 1);
            if (!h11Problem.Factor(_T, i => _jac[i], [_f], -1, [_fNodes])) return double.NaN;
            var h11 = h11Problem.Solve(_T, i =>
            {
                var rr = Quadratic(i, ar[i]);
                var ii = Quadratic(i, ai[i]);
                return rr.Select((x, s) => x + ii[s]).ToArray();
            }, default);
            double a = h11[^1];

            // h21' − T(A − iω) h21 + 2T v d = T [C(v, v, v̄) + B(v̄, h20) + 2B(v, h11) − 2a(A − iω) v],
            // periodic, ⟨v, h21⟩ = 0 (complex): d = dr + i di, columns 2v and 2iv.
            var g = new double[_points][];
            double size = 0;
            for (int i = 0; i < _points; i++)
            {
                var v = new Complex[n];
                for (int s = 0; s < n; s++) v[s] = new Complex(ar[i][s], ai[i][s]);
                var vbar = v.Select(Complex.Conjugate).ToArray();
                var h20c = AtCollocationComplex(h20, i);
                var h11c = AtCollocation(h11, i).Select(x => new Complex(x, 0)).ToArray();
                var cube = _d.TrilinearQQQbar(_u[i], _p, v);
                var b1 = _d.Bilinear(_u[i], _p, vbar, h20c);
                var b2 = _d.Bilinear(_u[i], _p, v, h11c);
                var av = new Complex[n];
                for (int s = 0; s < n; s++)
                {
                    Complex sum = 0;
                    for (int q = 0; q < n; q++) sum += _jac[i][s * n + q] * v[q];
                    av[s] = sum - Complex.ImaginaryOne * omega * v[s];
                }
                g[i] = new double[nn];
                for (int s = 0; s < n; s++)
                {
                    var value = cube[s] + b1[s] + 2 * b2[s] - 2 * a * av[s];
                    g[i][s] = value.Real;
                    g[i][n + s] = value.Imaginary;
                    size = Math.Max(size, Math.Max(cube[s].Magnitude, Math.Max((b1[s] + 2 * b2[s]).Magnitude, (2 * a * av[s]).Magnitude)));
                }
            }
            if (size < DegenerateLevel) return double.NaN;
            // Columns: d_r multiplies 2v = 2(vr, vi); d_i multiplies 2iv = 2(−vi, vr).
            var columnReal = Enumerable.Range(0, _points).Select(i => ar[i].Select(x => 2 * x).Concat(ai[i].Select(x => 2 * x)).ToArray()).ToArray();
            var columnImag = Enumerable.Range(0, _points).Select(i => ai[i].Select(x => -2 * x).Concat(ar[i].Select(x => 2 * x)).ToArray()).ToArray();
            // Rows: Re⟨v, h⟩ = ∫ vr·hr + vi·hi, Im⟨v, h⟩ = ∫ vr·hi − vi·hr.
            var rowReal = Enumerable.Range(0, _nodes).Select(k => vr[(k * n)..((k + 1) * n)].Concat(vi[(k * n)..((k + 1) * n)]).ToArray()).ToArray();
            var rowImag = Enumerable.Range(0, _nodes).Select(k => vi[(k * n)..((k + 1) * n)].Select(x => -x).Concat(vr[(k * n)..((k + 1) * n)]).ToArray()).ToArray();
            var h21Problem = new LinearProblem(_mesh, nn, 2);
            if (!h21Problem.Factor(_T, i => Operator(i, omega), [columnReal, columnImag], -1, [rowReal, rowImag], _weights)) return double.NaN;
            var h21 = h21Problem.Solve(_T, i => g[i], default);
            double result = _T * h21[^2];
            return double.IsFinite(result) ? result : double.NaN;
        }

        /// <summary>The complex interpolant at collocation point i of node values stored as (re, im) pairs of n.</summary>
        Complex[] AtCollocationComplex(double[] values, int i)
        {
            int n = _n, j = i / _m, c = i % _m;
            var result = new Complex[n];
            var basis = _mesh.Scheme.Basis;
            for (int k = 0; k <= _m; k++)
            {
                double b = basis[c, k];
                int node = (j * _m + k) * 2 * n;
                for (int s = 0; s < n; s++) result[s] += b * new Complex(values[node + s], values[node + n + s]);
            }
            return result;
        }

        double[] Quadratic(int i, double[] x)
        {
            var result = new double[_n];
            _d.QuadraticForm(_u[i], _p, x, result);
            return result;
        }

        /// <summary>B(x, y) by polarisation: [B(x + y, x + y) − B(x − y, x − y)] / 4.</summary>
        double[] Bilinear(int i, double[] x, double[] y)
        {
            var plus = Quadratic(i, x.Select((v, s) => v + y[s]).ToArray());
            var minus = Quadratic(i, x.Select((v, s) => v - y[s]).ToArray());
            return plus.Select((v, s) => 0.25 * (v - minus[s])).ToArray();
        }

        static double[] Apply(double[] matrix, double[] x)
        {
            int n = x.Length;
            var result = new double[n];
            for (int r = 0; r < n; r++)
                for (int q = 0; q < n; q++) result[r] += matrix[r * n + q] * x[q];
            return result;
        }
    }

    /// <summary>
    /// h' − T M(s) h + T Σ_g column_g γ_g = T rhs on a cycle's mesh (h of dimension nn at every node,
    /// scaled time s), with h(0) + sign·h(1) given and one row per global γ_g: ∫⟨row_g, h⟩ = 0.
    /// </summary>
    /// <remarks>
    /// The solvers are kept per thread and shape: a curve evaluates its coefficient at every point,
    /// and each solver's blocks are megabytes. Problems of one shape are used one after the other
    /// (each is solved before the next is factored).
    /// </remarks>
    sealed class LinearProblem(CycleMesh mesh, int nn, int globals)
    {
        readonly CollocationSolver _solver = Solver(nn, mesh.Degree, mesh.Intervals, globals);

        [ThreadStatic] static Dictionary<(int, int, int, int), CollocationSolver>? _solvers;

        static CollocationSolver Solver(int nn, int m, int ntst, int globals)
        {
            _solvers ??= [];
            var key = (nn, m, ntst, globals);
            if (!_solvers.TryGetValue(key, out var solver))
            {
                if (_solvers.Count >= 8) _solvers.Clear();
                _solvers[key] = solver = new CollocationSolver(nn, m, ntst, globals);
            }
            return solver;
        }

        /// <param name="period">T.</param>
        /// <param name="matrix">M at collocation point i (nn × nn, row-major).</param>
        /// <param name="columns">Per global, its column at every collocation point (multiplied by T here).</param>
        /// <param name="sign">Boundary rows h(0) + sign·h(1): −1 periodic, +1 anti-periodic, 0 initial value.</param>
        /// <param name="rows">Per global, its row's weights at every node (times the quadrature weights).</param>
        /// <param name="weights">Quadrature weights per node value of dimension n when nn = 2n (the same for both halves); null: nn's own.</param>
        public bool Factor(double period, Func<int, double[]> matrix, double[][][] columns, double sign, double[][][] rows, double[]? weights = null)
        {
            int m = mesh.Degree, ni = nn * (m - 1), stride = _solver.IntervalStride;
            var scheme = mesh.Scheme;
            for (int j = 0; j < mesh.Intervals; j++)
            {
                var block = _solver.IntervalBlock(j);
                block.Clear();
                double h = mesh.Mesh[j + 1] - mesh.Mesh[j];
                for (int c = 0; c < m; c++)
                {
                    var a = matrix(j * m + c);
                    for (int s = 0; s < nn; s++)
                    {
                        int r = (c * nn + s) * stride;
                        for (int k = 0; k <= m; k++)
                        {
                            int col0 = k == 0 ? ni : k == m ? ni + nn : (k - 1) * nn;
                            double tb = -period * scheme.Basis[c, k];
                            for (int q = 0; q < nn; q++) block[r + col0 + q] = tb * a[s * nn + q];
                            block[r + col0 + s] += scheme.BasisDerivative[c, k] / h;
                        }
                        for (int g = 0; g < globals; g++) block[r + ni + 2 * nn + g] = period * columns[g][j * m + c][s];
                    }
                }
            }
            var boundary = _solver.Boundary;
            boundary.Clear();
            int bcols = 2 * nn + globals;
            for (int s = 0; s < nn; s++)
            {
                boundary[s * bcols + s] = 1;
                boundary[s * bcols + nn + s] = sign;
            }
            var border = _solver.Border;
            border.Clear();
            int unknowns = _solver.Unknowns;
            var w = new double[mesh.Nodes * nn];
            if (weights is null) Profiles.AddQuadratureWeights(mesh, nn, nn, w);
            else
                for (int i = 0; i < mesh.Nodes; i++)
                    for (int s = 0; s < nn; s++) w[i * nn + s] = weights[i * (nn / 2) + s % (nn / 2)];
            for (int g = 0; g < globals; g++)
                for (int i = 0; i < mesh.Nodes; i++)
                    for (int s = 0; s < nn; s++) border[g * unknowns + i * nn + s] = w[i * nn + s] * rows[g][i][s];
            return _solver.Factor();
        }

        /// <summary>The node values of h and the globals for the right-hand side T·<paramref name="rhs"/> (null: zero) and boundary values <paramref name="boundary"/>.</summary>
        public double[] Solve(double period, Func<int, double[]>? rhs, ReadOnlySpan<double> boundary)
        {
            var x = new double[_solver.Unknowns];
            int points = mesh.Intervals * mesh.Degree;
            if (rhs is not null)
                for (int i = 0; i < points; i++)
                {
                    var g = rhs(i);
                    for (int s = 0; s < nn; s++) x[i * nn + s] = period * g[s];
                }
            if (!boundary.IsEmpty) boundary.CopyTo(x.AsSpan(points * nn, nn));
            _solver.Solve(x);
            return x;
        }
    }
}
