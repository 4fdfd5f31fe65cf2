using Continuation.Algebra;
using Continuation.Systems;

namespace Continuation.PeriodicOrbits;

/// <summary>
/// The period-doubling normal-form coefficient of a cycle from its collocation data, by periodic
/// normalisation: no integration, no Poincaré section.
/// </summary>
/// <remarks>
/// <para>
/// Kuznetsov, Govaerts, Doedel and Dhooge, "Numerical periodic normalization for codim 1
/// bifurcations of limit cycles", SIAM J. Numer. Anal. 43 (2005). Near a cycle x0 of period T with
/// a multiplier −1 the centre manifold is x = x0(τ) + ξ v(τ) + ½ξ² h2(τ) + ⅙ξ³ h3(τ) + …, on which
/// dτ/dt = 1 + a ξ² + …, dξ/dt = c ξ³ + …, with v anti-periodic (v' = A v, v(T) = −v(0)), h2
/// periodic and h3 anti-periodic. Collecting powers of ξ in ẋ = f(x):
/// </para>
/// <code>
/// h2' − A h2 = B(v, v) − 2a f(x0)                      (periodic: fixes a)
/// h3' − A h3 = C(v, v, v) + 3B(v, h2) − 6a A v − 6c v   (anti-periodic: fixes c)
/// </code>
/// <para>
/// Each is solved as it stands, bordered by its unknown scalar (the solvability condition is then
/// met by the solve itself, so no adjoint eigenfunction is needed) and by one normalising row that
/// removes the kernel (f(x0) for h2, v for h3; c does not depend on it). Both are linear
/// boundary-value problems on the cycle's own mesh, solved with the structured collocation solver;
/// B and C come from <see cref="Derivatives"/> at the collocation points.
/// </para>
/// <para>
/// With v normalised by (1/T)∫₀ᵀ|v|² dt = 1 the coefficient returned is −T c, the cubic coefficient
/// of the return map along v(0)/|v(0)| when |v| is constant: positive supercritical (the doubled
/// cycles are stable), negative subcritical, as <see cref="CycleNormalForms.PeriodDoubling"/>. It
/// depends neither on the cycle's phase nor on a section.
/// </para>
/// </remarks>
internal static class PeriodicNormalization
{
    /// <summary>
    /// The coefficient at the cycle <paramref name="profile"/> (node values on <paramref name="mesh"/>,
    /// time scaled to [0, 1]) of period <paramref name="period"/>; <paramref name="flip"/>: the
    /// anti-periodic eigenfunction v at the nodes (null: from <paramref name="monodromy"/>'s
    /// eigenvector for −1, carried along the cycle by the variational equation). NaN when it cannot
    /// be computed (no multiplier near −1, a singular system).
    /// </summary>
    public static double PeriodDoubling(OdeSystem system, ReadOnlySpan<double> parameters, CycleMesh mesh,
        ReadOnlySpan<double> profile, double period, ReadOnlySpan<double> monodromy, ReadOnlySpan<double> flip = default)
    {
        var work = new Work(system, parameters.ToArray(), mesh, profile, period);
        var v = flip.IsEmpty ? work.FlipFromMonodromy(monodromy) : flip.ToArray();
        if (v is null || !work.Normalise(v)) return double.NaN;
        return work.Coefficient(v);
    }

    /// <summary>
    /// Below this (with v of mean square 1) every term of the cubic equation is taken for the
    /// rounding of the finite differences that give B and C, and the coefficient is not defined.
    /// </summary>
    const double DegenerateLevel = 1e-7;

    /// <summary>The cycle at its collocation points and the solver for the three linear problems.</summary>
    sealed class Work
    {
        readonly OdeSystem _system;
        readonly Derivatives _d;
        readonly double[] _p;
        readonly CycleMesh _mesh;
        readonly double _T;
        readonly int _n, _m, _N, _nodes;
        readonly double[] _weights;     // ∫₀¹ ds per node value
        readonly double[][] _u, _f, _jac; // x0, f(x0) and f_u(x0) at collocation point j·m + c
        readonly double[][] _fNodes;    // f(x0) at the nodes
        readonly CollocationSolver _solver;

        public Work(OdeSystem system, double[] parameters, CycleMesh mesh, ReadOnlySpan<double> profile, double period)
        {
            _system = system;
            _d = new Derivatives(system);
            _p = parameters;
            _mesh = mesh;
            _T = period;
            _n = system.Dimension;
            _m = mesh.Degree;
            _N = mesh.Intervals;
            _nodes = mesh.Nodes;
            _weights = new double[_nodes * _n];
            Profiles.AddQuadratureWeights(mesh, _n, _n, _weights);
            int points = _N * _m;
            _u = new double[points][];
            _f = new double[points][];
            _jac = new double[points][];
            for (int i = 0; i < points; i++)
            {
                _u[i] = AtCollocation(profile, i / _m, i % _m);
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
            _solver = new CollocationSolver(_n, _m, _N, 1, maxThreads: 1);
        }

        /// <summary>The interpolant of node values <paramref name="values"/> at collocation point c of interval j.</summary>
        double[] AtCollocation(ReadOnlySpan<double> values, int j, int c)
        {
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

        /// <summary>Scales v to ∫₀¹|v|² ds = 1; false if v vanishes or is not finite.</summary>
        public bool Normalise(double[] v)
        {
            double sum = 0;
            for (int i = 0; i < v.Length; i++) sum += _weights[i] * v[i] * v[i];
            if (!(sum > 0) || !double.IsFinite(sum)) return false;
            double scale = 1 / Math.Sqrt(sum);
            for (int i = 0; i < v.Length; i++) v[i] *= scale;
            return true;
        }

        /// <summary>
        /// Fills the blocks with h' − T f_u(x0) h and the global column T·<paramref name="column"/>
        /// (per collocation point), the boundary rows h(0) + sign·h(1) (or h(0) = given for sign 0),
        /// and the border row ∫⟨<paramref name="row"/>, h⟩ (null: the global itself); factors.
        /// </summary>
        bool Factor(double[][] column, int sign, double[][]? row)
        {
            int n = _n, m = _m, ni = n * (m - 1), stride = _solver.IntervalStride;
            var scheme = _mesh.Scheme;
            for (int j = 0; j < _N; j++)
            {
                var block = _solver.IntervalBlock(j);
                block.Clear();
                double h = _mesh.Mesh[j + 1] - _mesh.Mesh[j];
                for (int c = 0; c < m; c++)
                {
                    var jac = _jac[j * m + c];
                    for (int s = 0; s < n; s++)
                    {
                        int r = (c * n + s) * stride;
                        for (int k = 0; k <= m; k++)
                        {
                            int col0 = k == 0 ? ni : k == m ? ni + n : (k - 1) * n;
                            double tb = -_T * scheme.Basis[c, k];
                            for (int q = 0; q < n; q++) block[r + col0 + q] = tb * jac[s * n + q];
                            block[r + col0 + s] += scheme.BasisDerivative[c, k] / h;
                        }
                        block[r + ni + 2 * n] = _T * column[j * m + c][s];
                    }
                }
            }
            var boundary = _solver.Boundary;
            boundary.Clear();
            int bcols = 2 * n + 1;
            for (int s = 0; s < n; s++)
            {
                boundary[s * bcols + s] = 1;
                boundary[s * bcols + n + s] = sign;
            }
            var border = _solver.Border;
            border.Clear();
            if (row is null) border[_solver.Unknowns - 1] = 1;
            else
                for (int i = 0; i < _nodes; i++)
                    for (int s = 0; s < n; s++) border[i * n + s] = _weights[i * n + s] * row[i][s];
            return _solver.Factor();
        }

        /// <summary>Right-hand side with <paramref name="atCollocation"/> (times T) on the collocation rows and <paramref name="boundary"/> on the boundary rows.</summary>
        double[] Rhs(Func<int, double[]>? atCollocation, ReadOnlySpan<double> boundary = default)
        {
            var rhs = new double[_solver.Unknowns];
            int n = _n, colloc = _N * _m * n;
            if (atCollocation is not null)
                for (int i = 0; i < _N * _m; i++)
                {
                    var g = atCollocation(i);
                    for (int s = 0; s < n; s++) rhs[i * n + s] = _T * g[s];
                }
            if (!boundary.IsEmpty) boundary.CopyTo(rhs.AsSpan(colloc, n));
            return rhs;
        }

        /// <summary>v at the nodes: v(0) the monodromy's eigenvector for −1, carried by v' = T f_u v.</summary>
        public double[]? FlipFromMonodromy(ReadOnlySpan<double> monodromy)
        {
            if (Spectrum.TryNearest(monodromy, _n, -1) is not var (value, vector)) return null;
            if ((value + 1).Magnitude > 1e-2 || Math.Abs(value.Imaginary) > 1e-8) return null;
            var zero = new double[_N * _m][];
            for (int i = 0; i < zero.Length; i++) zero[i] = new double[_n];
            if (!Factor(zero, 0, null)) return null;
            var rhs = Rhs(null, vector);
            _solver.Solve(rhs);
            return rhs[..(_nodes * _n)];
        }

        /// <summary>−T c for the normalised anti-periodic eigenfunction v (node values).</summary>
        public double Coefficient(double[] v)
        {
            int n = _n, points = _N * _m;
            var vc = new double[points][];
            for (int i = 0; i < points; i++) vc[i] = AtCollocation(v, i / _m, i % _m);
            var vNodes = new double[_nodes][];
            for (int i = 0; i < _nodes; i++) vNodes[i] = v[(i * n)..((i + 1) * n)];

            // h2' − T A h2 + 2T f a = T B(v, v), h2 periodic, ∫⟨f(x0), h2⟩ = 0.
            var twiceF = new double[points][];
            for (int i = 0; i < points; i++) twiceF[i] = _f[i].Select(x => 2 * x).ToArray();
            if (!Factor(twiceF, -1, _fNodes)) return double.NaN;
            var bvv = new double[points][];
            for (int i = 0; i < points; i++)
            {
                bvv[i] = new double[n];
                _d.QuadraticForm(_u[i], _p, vc[i], bvv[i]);
            }
            var h2 = Rhs(i => bvv[i]);
            _solver.Solve(h2);
            double a = h2[^1];

            // h3' − T A h3 + 6T v c = T [C(v, v, v) + 3B(v, h2) − 6a A v], h3 anti-periodic, ∫⟨v, h3⟩ = 0.
            var sixV = new double[points][];
            for (int i = 0; i < points; i++) sixV[i] = vc[i].Select(x => 6 * x).ToArray();
            var g = new double[points][];
            double size = 0;
            var plus = new double[n];
            var minus = new double[n];
            var cube = new double[n];
            for (int i = 0; i < points; i++)
            {
                var h2c = AtCollocation(h2, i / _m, i % _m);
                _d.CubicForm(_u[i], _p, vc[i], cube);
                // B(v, h2) by polarisation: [B(v + h2, v + h2) − B(v − h2, v − h2)] / 4.
                var sum = new double[n];
                var diff = new double[n];
                for (int s = 0; s < n; s++) { sum[s] = vc[i][s] + h2c[s]; diff[s] = vc[i][s] - h2c[s]; }
                _d.QuadraticForm(_u[i], _p, sum, plus);
                _d.QuadraticForm(_u[i], _p, diff, minus);
                var jac = _jac[i];
                g[i] = new double[n];
                for (int s = 0; s < n; s++)
                {
                    double av = 0;
                    for (int q = 0; q < n; q++) av += jac[s * n + q] * vc[i][q];
                    double bvh = 0.75 * (plus[s] - minus[s]);
                    g[i][s] = cube[s] + bvh - 6 * a * av;
                    size = Math.Max(size, Math.Max(Math.Abs(cube[s]), Math.Max(Math.Abs(bvh), Math.Abs(6 * a * av))));
                }
            }
            // No cubic term at all (e.g. a linear block times a cycle): the coefficient is rounding noise.
            if (size < DegenerateLevel) return double.NaN;
            if (!Factor(sixV, 1, vNodes)) return double.NaN;
            var h3 = Rhs(i => g[i]);
            _solver.Solve(h3);
            double c = h3[^1];
            double result = -_T * c;
            return double.IsFinite(result) ? result : double.NaN;
        }
    }
}
