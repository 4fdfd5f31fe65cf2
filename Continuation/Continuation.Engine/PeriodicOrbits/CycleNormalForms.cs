using System.Numerics;
using Continuation.Integration;
using Continuation.Systems;
using MathNet.Numerics.LinearAlgebra;

using RealVector = MathNet.Numerics.LinearAlgebra.Vector<double>;

namespace Continuation.PeriodicOrbits;

/// <summary>
/// Normal-form coefficients of the codimension-one bifurcations of a cycle with a multiplier −1 or
/// e^{±iθ}, from its return map (<see cref="NeimarkSacker"/> for the torus). For a period doubling
/// the return map, restricted to its centre manifold, is η ↦ −η + c η³ + O(η⁴) (after a change of
/// coordinates). c &gt; 0: the
/// doubled cycles exist on the side where the cycle is unstable and are stable (supercritical);
/// c &lt; 0: they exist where the cycle is stable and are unstable (subcritical). A zero of c along
/// a period-doubling curve is a generalised period doubling (GPD).
/// </summary>
/// <remarks>
/// <para>
/// c = ⟨p, C(q,q,q)⟩/6 + ⟨p, B(q, (I − A)⁻¹B(q,q))⟩/2 for the map P with A = DP, B = D²P and
/// C = D³P at the fixed point, Aq = −q, Aᵀp = −p, ⟨p,q⟩ = 1 (Kuznetsov, Elements of Applied
/// Bifurcation Theory, the flip bifurcation of maps; for x ↦ −x + ax² + bx³ it gives b + a², as
/// the second iterate x − 2(a² + b)x³ requires).
/// </para>
/// <para>
/// P is the return map to the hyperplane through the cycle's point x0 orthogonal to f(x0): one
/// period of integration (Dormand–Prince at tolerance 1e-12) and Newton on the return time.
/// A is the monodromy projected on the hyperplane, Π M; B and C are central differences of P along
/// the hyperplane (second and third, with Richardson extrapolation; NaN when the two steps disagree
/// by more than 10 %), B(q, w) by polarisation. The result is accurate to a few digits — enough for
/// its sign and for locating its zero. Its magnitude depends on the section (the cycle's point at
/// t = 0) and the normalisation |q| = 1; its sign does not.
/// </para>
/// <para>
/// The coefficients reported on branches and curves are those of
/// <see cref="PeriodicNormalization"/> (collocation data, section-independent); these return-map
/// computations are the independent ones the tests hold them against.
/// </para>
/// </remarks>
internal static class CycleNormalForms
{
    /// <summary>
    /// c at a period-doubling cycle through <paramref name="x0"/> with period <paramref name="period"/>
    /// and monodromy <paramref name="monodromy"/> (row-major n × n, with a multiplier near −1);
    /// NaN when it cannot be computed (no multiplier near −1, an integration failure).
    /// </summary>
    public static double PeriodDoubling(OdeSystem system, ReadOnlySpan<double> parameters, ReadOnlySpan<double> x0, double period, ReadOnlySpan<double> monodromy)
    {
        if (Linearised(system, parameters, x0, monodromy) is not { } linearised) return double.NaN;
        var (p, x, f0, a) = linearised;
        int n = system.Dimension;
        var q = FlipVector(a);
        var pv = FlipVector(a.Transpose());
        if (q is null || pv is null) return double.NaN;
        q = q / q.L2Norm();
        double pq = pv.DotProduct(q);
        if (Math.Abs(pq) < 1e-12) return double.NaN;
        pv = pv / pq;

        var map = new ReturnMap(system, p, x, f0, period);
        double scale = Math.Max(1, x.Max(Math.Abs));
        var b = SecondDerivative(map, q, scale);
        if (b is null) return double.NaN;
        var w = (Matrix<double>.Build.DenseIdentity(n) - a).Solve(b);
        var c3 = ThirdDerivative(map, q, scale);
        if (c3 is null) return double.NaN;
        // B(q, w) = [B(q + w, q + w) − B(q − w, q − w)] / 4.
        var bp = SecondDerivative(map, q + w, scale);
        var bm = SecondDerivative(map, q - w, scale);
        if (bp is null || bm is null) return double.NaN;
        var bqw = (bp - bm) / 4;
        double cubic = pv.DotProduct(c3) / 6, quadratic = pv.DotProduct(bqw) / 2;
        // Both terms at the level of the differences' rounding: the map has no cubic normal-form term at
        // all (e.g. a linear block times a cycle), and the sign of their sum would be noise.
        if (Math.Abs(cubic) + Math.Abs(quadratic) < DegenerateLevel) return double.NaN;
        return cubic + quadratic;
    }

    /// <summary>
    /// The Neimark–Sacker coefficient d = Re(e^{−iθ} c1) of the return map of a cycle with
    /// multipliers e^{±iθ} (<paramref name="theta"/> in (0, π)): on its centre manifold the map is
    /// ξ ↦ e^{iθ}ξ + c1 ξ|ξ|² + … with |q| = 1, where
    /// c1 = ⟨p, C(q,q,q̄) + 2B(q,(I − A)⁻¹B(q,q̄)) + B(q̄,(e^{2iθ} − A)⁻¹B(q,q))⟩/2
    /// (Kuznetsov, Elements, the Neimark–Sacker bifurcation of maps). d &lt; 0: supercritical (a
    /// stable invariant torus); d &gt; 0: subcritical. A zero along a torus curve is a Chenciner
    /// point (CH). NaN when it cannot be computed. About 130 integrations over one period.
    /// </summary>
    public static double NeimarkSacker(OdeSystem system, ReadOnlySpan<double> parameters, ReadOnlySpan<double> x0, double period,
        ReadOnlySpan<double> monodromy, double theta)
    {
        if (!(theta > 0 && theta < Math.PI)) return double.NaN;
        if (Linearised(system, parameters, x0, monodromy) is not { } linearised) return double.NaN;
        var (p, x, f0, a) = linearised;
        int n = system.Dimension;
        var mu = Complex.FromPolarCoordinates(1, theta);
        var q = ComplexVector(a.ToComplex(), mu);
        var pv = ComplexVector(a.Transpose().ToComplex(), Complex.Conjugate(mu)); // Aᴴp = e^{−iθ}p for real A
        if (q is null || pv is null) return double.NaN;
        q = q / q.L2Norm();
        var pq = pv.ConjugateDotProduct(q); // ⟨p, q⟩ = p̄ᵀq
        if (pq.Magnitude < 1e-12) return double.NaN;
        pv = pv / Complex.Conjugate(pq);
        var qa = q.Map(z => z.Real);
        var qb = q.Map(z => z.Imaginary);

        var map = new ReturnMap(system, p, x, f0, period);
        double scale = Math.Max(1, x.Max(Math.Abs));
        RealVector? B(RealVector u, RealVector v)
        {
            var plus = SecondDerivative(map, u + v, scale);
            var minus = SecondDerivative(map, u - v, scale);
            return plus is null || minus is null ? null : (plus - minus) / 4;
        }
        var baa = SecondDerivative(map, qa, scale);
        var bbb = SecondDerivative(map, qb, scale);
        var bab = B(qa, qb);
        var caaa = ThirdDerivative(map, qa, scale);
        var cbbb = ThirdDerivative(map, qb, scale);
        var cplus = ThirdDerivative(map, qa + qb, scale);
        var cminus = ThirdDerivative(map, qa - qb, scale);
        if (baa is null || bbb is null || bab is null || caaa is null || cbbb is null || cplus is null || cminus is null) return double.NaN;
        // C(a,a,b) and C(a,b,b) by polarisation of the cubes along a ± b.
        var caab = (cplus - cminus - 2 * cbbb) / 6;
        var cabb = (cplus + cminus - 2 * caaa) / 6;
        var cQQQbar = Combine(caaa + cabb, caab + cbbb);
        var bqq = Combine(baa - bbb, 2 * bab);
        var bQQbar = baa + bbb;
        var w1 = (Matrix<double>.Build.DenseIdentity(n) - a).Solve(bQQbar);
        var w2 = (Matrix<Complex>.Build.DenseIdentity(n) * (mu * mu) - a.ToComplex()).Solve(bqq);
        var w2r = w2.Map(z => z.Real);
        var w2i = w2.Map(z => z.Imaginary);
        var baw1 = B(qa, w1);
        var bbw1 = B(qb, w1);
        var baw2r = B(qa, w2r);
        var bbw2i = B(qb, w2i);
        var baw2i = B(qa, w2i);
        var bbw2r = B(qb, w2r);
        if (baw1 is null || bbw1 is null || baw2r is null || bbw2i is null || baw2i is null || bbw2r is null) return double.NaN;
        var bqw1 = Combine(baw1, bbw1);                     // B(a + ib, w1)
        var bQbarW2 = Combine(baw2r + bbw2i, baw2i - bbw2r);   // B(a − ib, w2r + i w2i)
        var terms = new[] { pv.ConjugateDotProduct(cQQQbar), 2 * pv.ConjugateDotProduct(bqw1), pv.ConjugateDotProduct(bQbarW2) };
        if (terms.Sum(t => t.Magnitude) / 2 < DegenerateLevel) return double.NaN; // no cubic term at all: see Coefficient
        var c1 = (terms[0] + terms[1] + terms[2]) / 2;
        return (Complex.Conjugate(mu) * c1).Real;
    }

    /// <summary>
    /// Copies of the parameters and x0, f(x0), and the linearised return map A = Π M with
    /// Π = I − f0 f0ᵀ/|f0|² (its eigenvalue 0 is the flow direction); null when f(x0) = 0.
    /// </summary>
    static (double[] P, double[] X, double[] F0, Matrix<double> A)? Linearised(OdeSystem system, ReadOnlySpan<double> parameters,
        ReadOnlySpan<double> x0, ReadOnlySpan<double> monodromy)
    {
        ArgumentNullException.ThrowIfNull(system);
        int n = system.Dimension;
        var p = parameters.ToArray();
        var x = x0.ToArray();
        var f0 = new double[n];
        system.Evaluate(x, p, f0);
        double ff = f0.Sum(v => v * v);
        if (!(ff > 0)) return null;
        var mono = monodromy.ToArray();
        var m = Matrix<double>.Build.Dense(n, n, (i, j) => mono[i * n + j]);
        var proj = Matrix<double>.Build.DenseIdentity(n) - Matrix<double>.Build.Dense(n, n, (i, j) => f0[i] * f0[j] / ff);
        return (p, x, f0, proj * m);
    }

    static MathNet.Numerics.LinearAlgebra.Vector<Complex> Combine(RealVector re, RealVector im)
        => MathNet.Numerics.LinearAlgebra.Vector<Complex>.Build.Dense(re.Count, i => new Complex(re[i], im[i]));

    /// <summary>The eigenvector of the eigenvalue closest to <paramref name="target"/>, or null when none is within 1e-2.</summary>
    static MathNet.Numerics.LinearAlgebra.Vector<Complex>? ComplexVector(Matrix<Complex> a, Complex target)
    {
        if (Algebra.Spectrum.TryNearest(a.ToRowMajorArray(), a.RowCount, target) is not var (value, vector)) return null; // no coefficient: NaN
        if ((value - target).Magnitude > 1e-2) return null;
        return MathNet.Numerics.LinearAlgebra.Vector<Complex>.Build.Dense(vector);
    }

    /// <summary>
    /// Below this the cubic and quadratic contributions (with |q| = 1) are taken for rounding noise of
    /// the differences (about 1e-9 where the map has no such terms) and the coefficient is not defined.
    /// </summary>
    const double DegenerateLevel = 1e-7;

    /// <summary>"supercritical (c = 1.23e-01)" or "subcritical (c = −4.5e-02)"; null for NaN.</summary>
    public static string? DescribePeriodDoubling(double c) => Criticality(c, c > 0, "c");

    /// <summary>"supercritical (d = −1.2e-01)" or "subcritical (d = …)" for a torus coefficient; null for NaN.</summary>
    public static string? DescribeNeimarkSacker(double d) => Criticality(d, d < 0, "d");

    static string? Criticality(double value, bool supercritical, string name) => double.IsNaN(value) ? null
        : (supercritical ? "supercritical" : "subcritical") + $" ({name} = " + value.ToString("0.###e+00", System.Globalization.CultureInfo.InvariantCulture) + ")";

    /// <summary>The real eigenvector of the eigenvalue closest to −1, or null when none is within 1e-2.</summary>
    static MathNet.Numerics.LinearAlgebra.Vector<double>? FlipVector(Matrix<double> a)
    {
        if (Algebra.Spectrum.TryNearest(a.ToRowMajorArray(), a.RowCount, -1) is not var (value, vector)) return null; // no coefficient: NaN
        if ((value + 1).Magnitude > 1e-2 || Math.Abs(value.Imaginary) > 1e-8) return null;
        return MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(vector);
    }

    /// <summary>D²P(v, v) by central second differences at two steps and Richardson extrapolation.</summary>
    static MathNet.Numerics.LinearAlgebra.Vector<double>? SecondDerivative(ReturnMap map, MathNet.Numerics.LinearAlgebra.Vector<double> v, double scale)
    {
        double norm = v.L2Norm();
        if (norm == 0) return MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(v.Count);
        var u = v / norm;
        MathNet.Numerics.LinearAlgebra.Vector<double>? D(double h)
        {
            var plus = map.Apply(u, h * scale);
            var minus = map.Apply(u, -h * scale);
            var zero = map.Apply(u, 0);
            if (plus is null || minus is null || zero is null) return null;
            return (plus - 2 * zero + minus) / (h * h * scale * scale);
        }
        var d1 = D(8e-4);
        var d2 = D(4e-4);
        if (d1 is null || d2 is null || !Consistent(d1, d2)) return null;
        return (4 * d2 - d1) / 3 * (norm * norm);
    }

    /// <summary>D³P(v, v, v) by central third differences at two steps and Richardson extrapolation.</summary>
    static MathNet.Numerics.LinearAlgebra.Vector<double>? ThirdDerivative(ReturnMap map, MathNet.Numerics.LinearAlgebra.Vector<double> v, double scale)
    {
        MathNet.Numerics.LinearAlgebra.Vector<double>? D(double h)
        {
            double s = h * scale;
            var p2 = map.Apply(v, 2 * s);
            var p1 = map.Apply(v, s);
            var m1 = map.Apply(v, -s);
            var m2 = map.Apply(v, -2 * s);
            if (p2 is null || p1 is null || m1 is null || m2 is null) return null;
            return (p2 - 2 * p1 + 2 * m1 - m2) / (2 * s * s * s);
        }
        var d1 = D(4e-3);
        var d2 = D(2e-3);
        if (d1 is null || d2 is null || !Consistent(d1, d2)) return null;
        return (4 * d2 - d1) / 3;
    }

    /// <summary>
    /// Two difference quotients at steps h and h/2 must agree to 10 % (their difference is the
    /// O(h²) error that Richardson removes): otherwise the map is not smooth on the scale of the
    /// steps (e.g. the loops of a period-4 cycle lie closer than the step) and the result is dropped.
    /// </summary>
    static bool Consistent(MathNet.Numerics.LinearAlgebra.Vector<double> d1, MathNet.Numerics.LinearAlgebra.Vector<double> d2)
    {
        double size = Math.Max(d1.L2Norm(), d2.L2Norm());
        return (d1 - d2).L2Norm() <= 0.1 * size + 1e-6;
    }

    /// <summary>The return map to the hyperplane through x0 orthogonal to f(x0), as a function of a displacement in it.</summary>
    sealed class ReturnMap(OdeSystem system, double[] parameters, double[] x0, double[] f0, double period)
    {
        readonly DormandPrince _integrator = new(system, new DormandPrinceOptions { RelativeTolerance = 1e-12, AbsoluteTolerance = 1e-13 });
        readonly double _ff = f0.Sum(v => v * v);

        /// <summary>P(x0 + s v) − x0, or null when the integration failed.</summary>
        public MathNet.Numerics.LinearAlgebra.Vector<double>? Apply(MathNet.Numerics.LinearAlgebra.Vector<double> v, double s)
        {
            int n = x0.Length;
            var y = new double[n];
            for (int i = 0; i < n; i++) y[i] = x0[i] + s * v[i];
            if (!_integrator.Integrate(parameters, y, 0, period).IsSuccess) return null;
            var f = new double[n];
            // Newton on the return time: ⟨y(τ) − x0, f0⟩ = 0.
            for (int it = 0; it < 6; it++)
            {
                double g = 0, gp = 0;
                system.Evaluate(y, parameters, f);
                for (int i = 0; i < n; i++) { g += (y[i] - x0[i]) * f0[i]; gp += f[i] * f0[i]; }
                if (Math.Abs(g) <= 1e-15 * _ff || gp == 0) break;
                double dt = -g / gp;
                if (!_integrator.Integrate(parameters, y, 0, dt).IsSuccess) return null;
            }
            var r = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(n);
            for (int i = 0; i < n; i++) r[i] = y[i] - x0[i];
            return r;
        }
    }
}
