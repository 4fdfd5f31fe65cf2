using System.Numerics;
using Continuation.Pathfollowing;
using Continuation.Systems;
using MathNet.Numerics.LinearAlgebra;

namespace Continuation.Codim2;

/// <summary>
/// The fold (saddle-node) curve of equilibria in two parameters, by the standard augmented system
/// f(u, p) = 0, f_u v = 0, ⟨ṽ, v⟩ = 1 (ṽ: the previous null vector). Codimension-two points:
/// cusp (CP: a = ⟨w, B(v, v)⟩ = 0), Bogdanov–Takens (BT: ⟨w, v⟩ = 0, the zero eigenvalue becomes
/// double) and zero-Hopf (ZH: a pair of the other eigenvalues with zero sum, purely imaginary).
/// </summary>
/// <remarks>Kuznetsov, Elements of Applied Bifurcation Theory, ch. 8 and 10.2; Govaerts (2000), ch. 4.</remarks>
internal sealed class FoldCurveProblem : DenseAugmentedProblem
{
    static readonly PointKind[] Kinds = [PointKind.CP, PointKind.BT, PointKind.ZH];
    readonly double[] _vRef;
    double[] _wRef;

    /// <param name="system">The model.</param>
    /// <param name="parameters">Every model parameter at the start (the two continued ones included).</param>
    /// <param name="first">Index of the first continued parameter (the primary one of the driver).</param>
    /// <param name="second">Index of the second continued parameter.</param>
    public FoldCurveProblem(OdeSystem system, ReadOnlySpan<double> parameters, int first, int second)
        : base(system, parameters, first, second, system.Dimension)
    {
        _vRef = new double[N];
        _wRef = new double[N];
    }

    /// <summary>CP, BT and ZH, in that order.</summary>
    public override IReadOnlyList<PointKind> TestFunctionKinds => Kinds;

    /// <summary>The start x = (u, p_a, p_b, v) at a fold point of the equilibria, v the null vector of f_u.</summary>
    public double[] Start(ReadOnlySpan<double> u)
    {
        var x = new double[Dimension];
        u.CopyTo(x);
        x[N] = P[First];
        x[N + 1] = P[Second];
        var a = JacobianMatrix(x);
        var svd = a.Svd(true);
        var v = svd.VT.Row(N - 1).ToArray();
        var w = svd.U.Column(N - 1).ToArray();
        v.CopyTo(x, N + 2);
        v.CopyTo(_vRef, 0);
        _wRef = w;
        return x;
    }

    /// <summary>f(u, p), f_u v and ⟨ṽ, v⟩ − 1 (2n + 1 equations).</summary>
    protected override void Evaluate(ReadOnlySpan<double> x, Span<double> r)
    {
        int n = N;
        var p = Params(x);
        var u = x[..n];
        var v = x.Slice(n + 2, n);
        D.Evaluate(u, p, r[..n]);
        D.StateJacobian(u, p, Jac);
        double norm = -1;
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += Jac[i * n + j] * v[j];
            r[n + i] = s;
            norm += _vRef[i] * v[i];
        }
        r[2 * n] = norm;
    }

    /// <summary>Rescales the reference ṽ so that ⟨ṽ, v⟩ = 1 at the accepted point, and updates the left null vector w.</summary>
    public override void Accept(ReadOnlySpan<double> x)
    {
        var v = x.Slice(N + 2, N);
        double nv = 0;
        foreach (var e in v) nv += e * e;
        nv = Math.Sqrt(nv);
        for (int i = 0; i < N; i++) _vRef[i] = v[i] / (nv * nv); // keeps ⟨ṽ, v⟩ = 1 at the accepted point
        _wRef = LeftNullVector(x);
    }

    /// <summary>Unit left null vector of f_u at x, oriented like the previous one.</summary>
    double[] LeftNullVector(ReadOnlySpan<double> x)
    {
        var a = JacobianMatrix(x);
        var w = a.Svd(true).U.Column(N - 1).ToArray();
        double dot = 0;
        for (int i = 0; i < N; i++) dot += w[i] * _wRef[i];
        if (dot < 0) for (int i = 0; i < N; i++) w[i] = -w[i];
        return w;
    }

    /// <summary>
    /// The eigenvalues of f_u at x (decreasing real part) and stability; test values: CP ⟨w, B(v, v)⟩,
    /// BT ⟨w, v⟩ (v, w the unit right and left null vectors), ZH Π_{i&lt;j} (λ_i + λ_j) over the
    /// eigenvalues other than the one closest to zero.
    /// </summary>
    public override PointAnalysis Analyze(ReadOnlySpan<double> x, Span<double> testValues)
    {
        var a = JacobianMatrix(x);
        var (ev, unstable) = Spectrum(a);
        var v = x.Slice(N + 2, N).ToArray();
        double nv = Math.Sqrt(v.Sum(e => e * e));
        for (int i = 0; i < N; i++) v[i] /= nv;
        var w = LeftNullVector(x);
        var bvv = D.RealBilinear(x[..N], Params(x), v, v);
        double cusp = 0, bt = 0;
        for (int i = 0; i < N; i++) { cusp += w[i] * bvv[i]; bt += w[i] * v[i]; }
        int zero = ZeroIndex(ev);
        testValues[0] = cusp;
        testValues[1] = bt;
        testValues[2] = PairSumProduct(ev, i => i == zero);
        return new PointAnalysis(unstable == 0, unstable, ev);
    }

    static int ZeroIndex(Complex[] ev)
    {
        int z = 0;
        for (int i = 1; i < ev.Length; i++) if (ev[i].Magnitude < ev[z].Magnitude) z = i;
        return z;
    }

    /// <summary>CP and BT as located; ZH only where the pair with the smallest sum is ±iω (a real pair ±μ gives null).</summary>
    public override SpecialPointDetails? Describe(int testFunction, ReadOnlySpan<double> x, PointAnalysis analysis)
    {
        switch (Kinds[testFunction])
        {
            case PointKind.CP:
                return new SpecialPointDetails(Note: "cusp: the quadratic coefficient of the fold vanishes");
            case PointKind.BT:
                return new SpecialPointDetails(Note: "Bogdanov-Takens: double zero eigenvalue");
            default:
            {
                var ev = analysis.Spectrum;
                int zero = ZeroIndex(ev);
                var (i, _, imaginary) = ClosestPair(ev, k => k == zero);
                if (!imaginary) return null; // a real pair ±μ: not a zero-Hopf point
                double omega = Math.Abs(ev[i].Imaginary);
                return new SpecialPointDetails(Omega: omega, Period: 2 * Math.PI / omega, Note: "zero-Hopf: a zero eigenvalue and the pair ±iω");
            }
        }
    }
}
