using System.Numerics;

namespace Continuation.Systems;

/// <summary>
/// Derivatives of an <see cref="OdeSystem"/>: analytic where the system provides them,
/// otherwise central finite differences with steps scaled to the variable. Also the
/// second and third multilinear forms B and C of Kuznetsov's normal-form formulas, by
/// polarization identities from the directional derivatives d²/dt², d³/dt³ f(u + t x):
/// analytic when the system has them (<see cref="OdeSystem.HasHigherDerivatives"/>),
/// else finite differences of f.
/// </summary>
/// <remarks>
/// One instance owns its work buffers and is not thread-safe; create one per run/thread.
/// </remarks>
public sealed class Derivatives
{
    readonly OdeSystem _system;
    readonly int _n;
    readonly double[] _u, _p, _f1, _f2, _f3, _f4;

    public Derivatives(OdeSystem system)
    {
        _system = system;
        _n = system.Dimension;
        _u = new double[_n];
        _p = new double[system.Parameters.Count];
        _f1 = new double[_n]; _f2 = new double[_n]; _f3 = new double[_n]; _f4 = new double[_n];
    }

    public OdeSystem System => _system;

    /// <summary>Central-difference step for a variable of magnitude |x| (cube root of machine epsilon, scaled).</summary>
    static double Step(double x) => 6.0554544523933395e-6 * Math.Max(1.0, Math.Abs(x));

    /// <summary>f(u, p).</summary>
    public void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du) => _system.Evaluate(u, p, du);

    /// <summary>∂f/∂u, row-major n×n; analytic when available.</summary>
    public void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
    {
        if (_system.HasStateJacobian) { _system.StateJacobian(u, p, jac); return; }
        FiniteDifferenceStateJacobian(u, p, jac);
    }

    /// <summary>∂f/∂u by central differences, regardless of analytic availability.</summary>
    public void FiniteDifferenceStateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
    {
        int n = _n;
        u.CopyTo(_u);
        for (int j = 0; j < n; j++)
        {
            double h = Step(u[j]);
            _u[j] = u[j] + h; _system.Evaluate(_u, p, _f1);
            _u[j] = u[j] - h; _system.Evaluate(_u, p, _f2);
            _u[j] = u[j];
            double inv = 1.0 / (2 * h);
            for (int i = 0; i < n; i++) jac[i * n + j] = (_f1[i] - _f2[i]) * inv;
        }
    }

    /// <summary>∂f/∂p_k; analytic when available.</summary>
    public void ParameterDerivative(ReadOnlySpan<double> u, ReadOnlySpan<double> p, int k, Span<double> column)
    {
        if (_system.HasParameterJacobian) { _system.ParameterJacobian(u, p, k, column); return; }
        FiniteDifferenceParameterDerivative(u, p, k, column);
    }

    /// <summary>∂f/∂p_k by central differences.</summary>
    public void FiniteDifferenceParameterDerivative(ReadOnlySpan<double> u, ReadOnlySpan<double> p, int k, Span<double> column)
    {
        p.CopyTo(_p);
        double h = Step(p[k]);
        _p[k] = p[k] + h; _system.Evaluate(u, _p, _f1);
        _p[k] = p[k] - h; _system.Evaluate(u, _p, _f2);
        double inv = 1.0 / (2 * h);
        for (int i = 0; i < _n; i++) column[i] = (_f1[i] - _f2[i]) * inv;
    }

    /// <summary>Scale of the state for multilinear-form steps.</summary>
    static double Scale(ReadOnlySpan<double> u)
    {
        double s = 1;
        foreach (var x in u) s = Math.Max(s, Math.Abs(x));
        return s;
    }

    /// <summary>B(x, x) = d²/dt² f(u + t x) at t = 0, x real, by a fourth-order central difference.</summary>
    void QuadraticForm(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, Span<double> result)
    {
        if (_system.HasHigherDerivatives) { _system.SecondDirectionalDerivative(u, p, x, result); return; }
        double xn = Norm(x);
        if (xn == 0) { result.Clear(); return; }
        double h = 1e-3 * Scale(u) / xn;
        // f'' ≈ [−f(2h) + 16 f(h) − 30 f(0) + 16 f(−h) − f(−2h)] / (12 h²)
        Shifted(u, p, x, 2 * h, _f1); var a = _f1;
        Shifted(u, p, x, h, _f2);
        for (int i = 0; i < _n; i++) result[i] = -a[i] + 16 * _f2[i];
        Shifted(u, p, x, 0, _f1);
        for (int i = 0; i < _n; i++) result[i] -= 30 * _f1[i];
        Shifted(u, p, x, -h, _f1);
        Shifted(u, p, x, -2 * h, _f2);
        double inv = 1.0 / (12 * h * h);
        for (int i = 0; i < _n; i++) result[i] = (result[i] + 16 * _f1[i] - _f2[i]) * inv;
    }

    /// <summary>C(x, x, x) = d³/dt³ f(u + t x) at t = 0, x real, by a fourth-order central difference.</summary>
    void CubicForm(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, Span<double> result)
    {
        if (_system.HasHigherDerivatives) { _system.ThirdDirectionalDerivative(u, p, x, result); return; }
        double xn = Norm(x);
        if (xn == 0) { result.Clear(); return; }
        double h = 2e-3 * Scale(u) / xn;
        // f''' ≈ [−f(3h) + 8 f(2h) − 13 f(h) + 13 f(−h) − 8 f(−2h) + f(−3h)] / (8 h³)
        result.Clear();
        ReadOnlySpan<double> c = [-1, 8, -13, 0, 13, -8, 1];
        for (int m = 0; m < 7; m++)
        {
            if (c[m] == 0) continue;
            Shifted(u, p, x, (3 - m) * h, _f1);
            for (int i = 0; i < _n; i++) result[i] += c[m] * _f1[i];
        }
        double inv = 1.0 / (8 * h * h * h);
        for (int i = 0; i < _n; i++) result[i] *= inv;
    }

    void Shifted(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, double t, Span<double> f)
    {
        for (int i = 0; i < _n; i++) _u[i] = u[i] + t * x[i];
        _system.Evaluate(_u, p, f);
    }

    static double Norm(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (var v in x) s += v * v;
        return Math.Sqrt(s);
    }

    /// <summary>
    /// The symmetric bilinear form B(x, y) = Σ ∂²f/∂u_j∂u_k x_j y_k for complex x, y.
    /// </summary>
    public Complex[] Bilinear(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<Complex> x, ReadOnlySpan<Complex> y)
    {
        int n = _n;
        var xr = new double[n]; var xi = new double[n]; var yr = new double[n]; var yi = new double[n];
        for (int i = 0; i < n; i++) { xr[i] = x[i].Real; xi[i] = x[i].Imaginary; yr[i] = y[i].Real; yi[i] = y[i].Imaginary; }
        var rr = RealBilinear(u, p, xr, yr);
        var ii = RealBilinear(u, p, xi, yi);
        var ri = RealBilinear(u, p, xr, yi);
        var ir = RealBilinear(u, p, xi, yr);
        var result = new Complex[n];
        for (int k = 0; k < n; k++) result[k] = new Complex(rr[k] - ii[k], ri[k] + ir[k]);
        return result;
    }

    /// <summary>B(x, y) for real x, y by polarization: [B(x+y, x+y) − B(x−y, x−y)] / 4.</summary>
    public double[] RealBilinear(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = _n;
        var s = new double[n]; var d = new double[n];
        for (int i = 0; i < n; i++) { s[i] = x[i] + y[i]; d[i] = x[i] - y[i]; }
        var bs = new double[n]; var bd = new double[n];
        QuadraticForm(u, p, s, bs);
        QuadraticForm(u, p, d, bd);
        for (int i = 0; i < n; i++) bs[i] = 0.25 * (bs[i] - bd[i]);
        return bs;
    }

    /// <summary>
    /// C(x, x, y) for real x, y by polarization: [C(x+y)³ − C(x−y)³ − 2 C(y)³] / 6.
    /// </summary>
    public double[] RealTrilinearXXY(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = _n;
        var s = new double[n]; var d = new double[n];
        for (int i = 0; i < n; i++) { s[i] = x[i] + y[i]; d[i] = x[i] - y[i]; }
        var cs = new double[n]; var cd = new double[n]; var cy = new double[n];
        CubicForm(u, p, s, cs);
        CubicForm(u, p, d, cd);
        CubicForm(u, p, y, cy);
        for (int i = 0; i < n; i++) cs[i] = (cs[i] - cd[i] - 2 * cy[i]) / 6.0;
        return cs;
    }

    /// <summary>
    /// C(q, q, q̄) for complex q = a + i b: C(a,a,a) + C(a,b,b) + i [C(a,a,b) + C(b,b,b)].
    /// </summary>
    public Complex[] TrilinearQQQbar(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<Complex> q)
    {
        int n = _n;
        var a = new double[n]; var b = new double[n];
        for (int i = 0; i < n; i++) { a[i] = q[i].Real; b[i] = q[i].Imaginary; }
        var aaa = new double[n]; var bbb = new double[n];
        CubicForm(u, p, a, aaa);
        CubicForm(u, p, b, bbb);
        var bba = RealTrilinearXXY(u, p, b, a);
        var aab = RealTrilinearXXY(u, p, a, b);
        var result = new Complex[n];
        for (int k = 0; k < n; k++) result[k] = new Complex(aaa[k] + bba[k], aab[k] + bbb[k]);
        return result;
    }
}
