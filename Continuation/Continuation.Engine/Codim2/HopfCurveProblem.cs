using System.Numerics;
using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.Systems;

namespace Continuation.Codim2;

/// <summary>
/// The Hopf curve of equilibria in two parameters, by the standard augmented system
/// f(u, p) = 0, f_u q_r + ω q_i = 0, f_u q_i − ω q_r = 0, |q_r|² + |q_i|² = 1 and the phase
/// Im⟨q̃, q⟩ = 0 (q = q_r + i q_i, A q = iω q). Codimension-two points: generalised Hopf (GH:
/// l1 = 0), zero-Hopf (ZH: det f_u changes sign), double Hopf (HH: another imaginary pair),
/// Bogdanov–Takens (BT: ω → 0; the curve then continues as a neutral-saddle curve, which this
/// system cannot represent: the branch ends there with a note).
/// </summary>
/// <remarks>Kuznetsov, Elements of Applied Bifurcation Theory, ch. 8 and 10.2.</remarks>
internal sealed class HopfCurveProblem : DenseAugmentedProblem, IContinuationProblem
{
    static readonly PointKind[] Kinds = [PointKind.GH, PointKind.ZH, PointKind.HH, PointKind.BT];
    readonly double[] _qrRef, _qiRef;
    readonly double _omegaFloor;
    int Qr => N + 2;
    int Qi => 2 * N + 2;
    int Omega => 3 * N + 2;

    /// <param name="system">The model.</param>
    /// <param name="parameters">Every model parameter at the start (the two continued ones included).</param>
    /// <param name="first">Index of the first continued parameter (the primary one of the driver).</param>
    /// <param name="second">Index of the second continued parameter.</param>
    /// <param name="omegaFloor">|ω| below which the BT test function is taken as zero (the pair is about to merge on the real axis).</param>
    public HopfCurveProblem(OdeSystem system, ReadOnlySpan<double> parameters, int first, int second, double omegaFloor = 1e-3)
        : base(system, parameters, first, second, 2 * system.Dimension + 1)
    {
        _qrRef = new double[N];
        _qiRef = new double[N];
        _omegaFloor = omegaFloor;
    }

    /// <summary>GH, ZH, HH and BT, in that order.</summary>
    public override IReadOnlyList<PointKind> TestFunctionKinds => Kinds;

    /// <summary>The start x = (u, p_a, p_b, q_r, q_i, ω) at a Hopf point with frequency ω.</summary>
    public double[] Start(ReadOnlySpan<double> u, double omega)
    {
        var x = new double[Dimension];
        u.CopyTo(x);
        x[N] = P[First];
        x[N + 1] = P[Second];
        D.StateJacobian(u, Params(x), Jac);
        var q = HopfCoefficients.CriticalEigenvector(Jac, N, omega);
        for (int i = 0; i < N; i++) { x[Qr + i] = q[i].Real; x[Qi + i] = q[i].Imaginary; }
        x[Omega] = omega;
        Accept(x);
        return x;
    }

    /// <summary>f(u, p), f_u q_r + ω q_i, f_u q_i − ω q_r, |q_r|² + |q_i|² − 1 and the phase Im⟨q̃, q⟩ (3n + 2 equations).</summary>
    protected override void Evaluate(ReadOnlySpan<double> x, Span<double> r)
    {
        int n = N;
        var p = Params(x);
        var u = x[..n];
        var qr = x.Slice(Qr, n);
        var qi = x.Slice(Qi, n);
        double w = x[Omega];
        D.Evaluate(u, p, r[..n]);
        D.StateJacobian(u, p, Jac);
        double norm = -1, phase = 0;
        for (int i = 0; i < n; i++)
        {
            double ar = 0, ai = 0;
            for (int j = 0; j < n; j++) { ar += Jac[i * n + j] * qr[j]; ai += Jac[i * n + j] * qi[j]; }
            r[n + i] = ar + w * qi[i];
            r[2 * n + i] = ai - w * qr[i];
            norm += qr[i] * qr[i] + qi[i] * qi[i];
            phase += _qrRef[i] * qi[i] - _qiRef[i] * qr[i];
        }
        r[3 * n] = norm;
        r[3 * n + 1] = phase;
    }

    /// <summary>Takes q at the accepted point as the reference q̃ of the phase condition.</summary>
    public override void Accept(ReadOnlySpan<double> x)
    {
        x.Slice(Qr, N).CopyTo(_qrRef);
        x.Slice(Qi, N).CopyTo(_qiRef);
    }

    /// <summary>Indices of the critical pair ±iω in the sorted spectrum.</summary>
    static (int, int) CriticalPair(Complex[] ev, double omega)
    {
        int a = 0, b = 0;
        double ba = double.PositiveInfinity, bb = double.PositiveInfinity;
        for (int i = 0; i < ev.Length; i++)
        {
            double da = (ev[i] - new Complex(0, omega)).Magnitude, db = (ev[i] - new Complex(0, -omega)).Magnitude;
            if (da < ba) { ba = da; a = i; }
            if (db < bb) { bb = db; b = i; }
        }
        return (a, b);
    }

    /// <summary>
    /// The eigenvalues of f_u at x (decreasing real part) and stability; test values: GH the first
    /// Lyapunov coefficient, ZH det f_u (scaled), HH Π_{i&lt;j} (λ_i + λ_j) over the eigenvalues other
    /// than the critical pair, BT ω (set to 0 where |ω| is below the constructor's omegaFloor).
    /// </summary>
    public override PointAnalysis Analyze(ReadOnlySpan<double> x, Span<double> testValues)
    {
        var a = JacobianMatrix(x);
        var (ev, unstable) = Spectrum(a);
        double omega = Math.Abs(x[Omega]);
        var (c1, c2) = CriticalPair(ev, omega);
        testValues[0] = FirstLyapunov(x);
        // det f_u = ω² Π(others): its sign changes when another real eigenvalue crosses zero (ZH).
        testValues[1] = a.Determinant() / (1 + Math.Abs(a.Determinant()));
        testValues[2] = PairSumProduct(ev, i => i == c1 || i == c2);
        // ω passes through zero at BT (the system is symmetric under ω → −ω, q_i → −q_i), or
        // comes close to it where the pair is about to merge on the real axis.
        testValues[3] = Math.Abs(x[Omega]) < _omegaFloor ? 0 : x[Omega];
        return new PointAnalysis(unstable == 0, unstable, ev);
    }

    /// <summary>The first Lyapunov coefficient at the Hopf point x.</summary>
    public double FirstLyapunov(ReadOnlySpan<double> x)
    {
        var p = Params(x);
        D.StateJacobian(x[..N], p, Jac);
        return HopfCoefficients.FirstLyapunov(D, x[..N], (double[])p.Clone(), Jac, Math.Abs(x[Omega]));
    }

    /// <summary>The second Lyapunov coefficient at the Hopf point x (meaningful where l1 = 0), or null if it is not finite.</summary>
    public double? SecondLyapunov(ReadOnlySpan<double> x)
    {
        var p = Params(x);
        D.StateJacobian(x[..N], p, Jac);
        double l2 = HopfCoefficients.SecondLyapunov(D, x[..N], (double[])p.Clone(), Jac, Math.Abs(x[Omega]));
        return double.IsFinite(l2) ? l2 : null;
    }

    /// <summary>The note of a generalised Hopf point: l2 and what its sign means.</summary>
    static string GeneralisedHopfNote(double? l2)
    {
        if (l2 is not { } v) return "generalised Hopf (Bautin): l1 = 0; folds of cycles are born here";
        string value = v.ToString("0.000e+00", global::System.Globalization.CultureInfo.InvariantCulture);
        string meaning = v < 0
            ? "l2 < 0: folds of cycles on the subcritical side (l1 > 0), a stable cycle around an unstable one"
            : "l2 > 0: folds of cycles on the supercritical side (l1 < 0), an unstable cycle around a stable one";
        return $"generalised Hopf (Bautin): l1 = 0, l2 = {value} ({meaning})";
    }

    /// <summary>
    /// A branch point of the extended system where |ω| is below the floor is the Bogdanov–Takens
    /// point itself: at ω = 0 the real and imaginary parts of the eigenvector decouple and the
    /// system is singular (the symmetry ω → −ω). Whether the BT test (ω) or the branch-point test
    /// fires first depends on the steps; either way the point is the BT and the curve ends there.
    /// </summary>
    public PointKind Reclassify(PointKind kind, ReadOnlySpan<double> x, ref SpecialPointDetails? details)
    {
        if (kind != PointKind.BP || !(Math.Abs(x[Omega]) < _omegaFloor)) return kind;
        details = (Describe(3, x, PointAnalysis.None) ?? new SpecialPointDetails()) with
        {
            Located = details?.Located ?? true, Residual = details?.Residual, Tolerance = details?.Tolerance,
        };
        return PointKind.BT;
    }

    /// <summary>
    /// GH with the second Lyapunov coefficient, ZH with l1, HH only where another pair is ±iω₂ (else
    /// null), BT as the end of the branch (the curve continues as neutral saddles, not followed).
    /// </summary>
    public override SpecialPointDetails? Describe(int testFunction, ReadOnlySpan<double> x, PointAnalysis analysis)
    {
        double omega = Math.Abs(x[Omega]);
        switch (Kinds[testFunction])
        {
            case PointKind.GH:
            {
                var l2 = SecondLyapunov(x);
                return new SpecialPointDetails(Omega: omega, Period: 2 * Math.PI / omega, FirstLyapunov: 0, SecondLyapunov: l2,
                    Note: GeneralisedHopfNote(l2));
            }
            case PointKind.ZH:
                return new SpecialPointDetails(Omega: omega, Period: 2 * Math.PI / omega, FirstLyapunov: FirstLyapunov(x),
                    Note: "zero-Hopf: a real eigenvalue crosses zero on the Hopf curve");
            case PointKind.HH:
            {
                var ev = analysis.Spectrum;
                var (c1, c2) = CriticalPair(ev, omega);
                var (i, _, imaginary) = ClosestPair(ev, k => k == c1 || k == c2);
                if (!imaginary) return null; // a neutral-saddle pair among the others: not a double Hopf
                return new SpecialPointDetails(Omega: omega, Period: 2 * Math.PI / omega, FirstLyapunov: FirstLyapunov(x),
                    Note: $"double Hopf: second frequency {Math.Abs(ev[i].Imaginary).ToString("G6", global::System.Globalization.CultureInfo.InvariantCulture)}");
            }
            default:
                return new SpecialPointDetails(Omega: omega, EndsBranch: true,
                    Note: "Bogdanov-Takens: omega -> 0, the Hopf curve turns into a neutral-saddle curve (not followed)");
        }
    }
}
