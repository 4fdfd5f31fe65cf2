using System.Numerics;

namespace Continuation.Systems;

/// <summary>
/// Derivatives of an <see cref="OdeSystem"/>: analytic where the system provides them,
/// otherwise central finite differences with steps scaled to the variable. Also the
/// multilinear forms B, C, D, E (orders 2 to 5) of Kuznetsov's normal-form formulas, by
/// polarization identities from the directional derivatives dᵏ/dtᵏ f(u + t x): orders 2 and 3
/// analytic when the system has them (<see cref="OdeSystem.HasHigherDerivatives"/>), else finite
/// differences of f; orders 4 and 5 by central differences of the analytic third derivative,
/// else of f.
/// </summary>
/// <remarks>
/// One instance owns its work buffers and is not thread-safe; create one per run/thread.
/// </remarks>
public sealed class Derivatives
{
    readonly OdeSystem _system;
    readonly int _n;
    readonly double[] _u, _p, _f1, _f2, _f3, _f4;

    /// <summary>Derivatives of <paramref name="system"/>, with work buffers sized to it.</summary>
    public Derivatives(OdeSystem system)
    {
        _system = system;
        _n = system.Dimension;
        _u = new double[_n];
        _p = new double[system.Parameters.Count];
        _f1 = new double[_n]; _f2 = new double[_n]; _f3 = new double[_n]; _f4 = new double[_n];
    }

    /// <summary>The system differentiated.</summary>
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
    public void QuadraticForm(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, Span<double> result)
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
    public void CubicForm(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, Span<double> result)
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

    /// <summary>
    /// d⁴/dt⁴ (k = 4) or d⁵/dt⁵ (k = 5) f(u + t x) at t = 0, x real. With analytic third
    /// derivatives: the first or second derivative in t of g(t) = d³/ds³ f(u + t x + s x), by
    /// fourth-order central differences; else fourth-order central differences of f itself, with
    /// the step chosen among five by comparing neighbouring estimates.
    /// </summary>
    void HighDirectional(int k, ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, Span<double> result)
    {
        double xn = Norm(x);
        result.Clear();
        if (xn == 0) return;
        if (_system.HasHigherDerivatives)
        {
            // g'(0) ≈ [g(−2h) − 8 g(−h) + 8 g(h) − g(2h)] / (12 h); g''(0) ≈ [−g(−2h) + 16 g(−h) − 30 g(0) + 16 g(h) − g(2h)] / (12 h²)
            ReadOnlySpan<double> w = k == 4 ? [1, -8, 0, 8, -1] : [-1, 16, -30, 16, -1];
            double h = (k == 4 ? 1e-3 : 3e-3) * Scale(u) / xn;
            for (int m = 0; m < 5; m++)
            {
                if (w[m] == 0) continue;
                for (int i = 0; i < _n; i++) _u[i] = u[i] + (m - 2) * h * x[i];
                _system.ThirdDirectionalDerivative(_u, p, x, _f1);
                for (int i = 0; i < _n; i++) result[i] += w[m] * _f1[i];
            }
            double inv = 1.0 / (12 * (k == 4 ? h : h * h));
            for (int i = 0; i < _n; i++) result[i] *= inv;
        }
        else
        {
            // f⁗ ≈ Σ w_m f(m h) / h⁴ over m = −3…3; f⁽⁵⁾ ≈ Σ w_m f(m h) / h⁵ over m = −4…4 (error O(h⁴) for both).
            // No single step suits every f: truncation grows with f's higher derivatives, rounding
            // with the size of the terms that cancel in f. Estimates at h0, h0/2, …, h0/16: keep the
            // finer of the two neighbours that agree best (their difference estimates the error).
            ReadOnlySpan<double> w = k == 4
                ? [-1.0 / 6, 2, -13.0 / 2, 28.0 / 3, -13.0 / 2, 2, -1.0 / 6]
                : [1.0 / 6, -3.0 / 2, 13.0 / 3, -29.0 / 6, 0, 29.0 / 6, -13.0 / 3, 3.0 / 2, -1.0 / 6];
            double h = (k == 4 ? 2e-2 : 4e-2) * Scale(u) / xn;
            var coarse = new double[_n];
            var fine = new double[_n];
            Stencil(w, k, u, p, x, h, coarse);
            double best = double.PositiveInfinity;
            for (int j = 1; j <= 4; j++)
            {
                h /= 2;
                Stencil(w, k, u, p, x, h, fine);
                double diff = 0;
                for (int i = 0; i < _n; i++) diff = Math.Max(diff, Math.Abs(fine[i] - coarse[i]));
                if (diff < best) { best = diff; fine.CopyTo(result); }
                (coarse, fine) = (fine, coarse);
            }
        }
    }

    /// <summary>Σ w_m f(u + (m − M) h x) / hᵏ for a central stencil w of length 2M + 1.</summary>
    void Stencil(ReadOnlySpan<double> w, int k, ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, double h, Span<double> result)
    {
        result.Clear();
        int half = w.Length / 2;
        for (int m = 0; m < w.Length; m++)
        {
            if (w[m] == 0) continue;
            Shifted(u, p, x, (m - half) * h, _f1);
            for (int i = 0; i < _n; i++) result[i] += w[m] * _f1[i];
        }
        double inv = 1.0 / Math.Pow(h, k);
        for (int i = 0; i < _n; i++) result[i] *= inv;
    }

    /// <summary>dᵏ/dtᵏ f(u + t x) at t = 0 for k = 2…5.</summary>
    void Directional(int k, ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, Span<double> result)
    {
        switch (k)
        {
            case 2: QuadraticForm(u, p, x, result); break;
            case 3: CubicForm(u, p, x, result); break;
            default: HighDirectional(k, u, p, x, result); break;
        }
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

    /// <summary>
    /// The symmetric k-linear form M(x₁, …, x_k) = Σ ∂ᵏf/∂u_{j₁}…∂u_{j_k} x₁_{j₁}…x_k_{j_k} at u,
    /// for k = <paramref name="args"/>.Length between 2 and 5 (B, C, D, E of Kuznetsov's
    /// normal-form formulas) and complex arguments.
    /// </summary>
    /// <remarks>
    /// Each complex argument is split into its real and imaginary parts, so M is a sum of at most
    /// 2ᵏ real forms with powers of i; each real form comes from 2ᵏ⁻¹ directional derivatives by
    /// the polarization identity M(x₁, …, x_k) = Σ_{ε₁ = 1, ε₂…ε_k = ±1} ε₂…ε_k M(v, …, v) / (2ᵏ⁻¹ k!),
    /// v = Σ εᵢ xᵢ, with every argument scaled to unit length first. Allocates: meant for the
    /// coefficients at a located point, not for an inner loop.
    /// </remarks>
    public Complex[] Multilinear(ReadOnlySpan<double> u, ReadOnlySpan<double> p, params Complex[][] args)
    {
        int k = args.Length, n = _n;
        if (k < 2 || k > 5) throw new ArgumentOutOfRangeException(nameof(args), k, "Multilinear forms of order 2 to 5 only.");
        var parts = new double[k][][];
        for (int a = 0; a < k; a++)
        {
            if (args[a].Length != n) throw new ArgumentException($"Argument {a} has length {args[a].Length}, not {n}.", nameof(args));
            var re = new double[n]; var im = new double[n];
            for (int i = 0; i < n; i++) { re[i] = args[a][i].Real; im[i] = args[a][i].Imaginary; }
            parts[a] = [re, im];
        }
        var result = new Complex[n];
        var chosen = new double[k][];
        for (int mask = 0; mask < 1 << k; mask++)
        {
            int imaginary = 0;
            bool zero = false;
            for (int a = 0; a < k; a++)
            {
                int bit = (mask >> a) & 1;
                imaginary += bit;
                chosen[a] = parts[a][bit];
                if (Norm(chosen[a]) == 0) { zero = true; break; }
            }
            if (zero) continue;
            var real = RealMultilinear(u, p, chosen);
            // i^imaginary
            Complex factor = (imaginary % 4) switch { 0 => 1, 1 => Complex.ImaginaryOne, 2 => -1, _ => -Complex.ImaginaryOne };
            for (int i = 0; i < n; i++) result[i] += factor * real[i];
        }
        return result;
    }

    /// <summary>The symmetric k-linear form (k = 2…5) on real arguments, by polarization; see <see cref="Multilinear"/>.</summary>
    public double[] RealMultilinear(ReadOnlySpan<double> u, ReadOnlySpan<double> p, params double[][] args)
    {
        int k = args.Length, n = _n;
        if (k < 2 || k > 5) throw new ArgumentOutOfRangeException(nameof(args), k, "Multilinear forms of order 2 to 5 only.");
        var result = new double[n];
        double scale = 1;
        var unit = new double[k][];
        for (int a = 0; a < k; a++)
        {
            double norm = Norm(args[a]);
            if (norm == 0) return result;
            scale *= norm;
            unit[a] = new double[n];
            for (int i = 0; i < n; i++) unit[a][i] = args[a][i] / norm;
        }
        var v = new double[n];
        var d = new double[n];
        for (int signs = 0; signs < 1 << (k - 1); signs++)
        {
            double sign = 1;
            unit[0].CopyTo(v, 0);
            for (int a = 1; a < k; a++)
            {
                double e = ((signs >> (a - 1)) & 1) == 0 ? 1 : -1;
                sign *= e;
                for (int i = 0; i < n; i++) v[i] += e * unit[a][i];
            }
            Directional(k, u, p, v, d);
            for (int i = 0; i < n; i++) result[i] += sign * d[i];
        }
        double factorial = 1;
        for (int j = 2; j <= k; j++) factorial *= j;
        double c = scale / ((1 << (k - 1)) * factorial);
        for (int i = 0; i < n; i++) result[i] *= c;
        return result;
    }
}
