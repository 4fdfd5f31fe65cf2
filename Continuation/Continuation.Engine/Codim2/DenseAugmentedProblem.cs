using System.Numerics;
using Continuation.Algebra;
using Continuation.Pathfollowing;
using Continuation.Systems;
using MathNet.Numerics.LinearAlgebra;

namespace Continuation.Codim2;

/// <summary>
/// Base of the codimension-one curves of equilibria continued in two parameters (fold, Hopf):
/// unknowns x = (u, p_a, p_b, extra…), a residual written by the subclass, and its Jacobian by
/// central differences of the residual with a dense LU (the systems have size ~3n).
/// </summary>
internal abstract class DenseAugmentedProblem : IContinuationProblem
{
    readonly double[] _r1, _r2, _xh;
    readonly DenseLu _lu;
    /// <summary>The model's full parameter vector; <see cref="Params"/> overwrites the two continued entries from x.</summary>
    protected readonly double[] P;

    /// <param name="system">The model.</param>
    /// <param name="parameters">Every model parameter at the start (the two continued ones included).</param>
    /// <param name="first">Index of the first continued parameter (the primary one of the driver).</param>
    /// <param name="second">Index of the second continued parameter.</param>
    /// <param name="extra">Number of unknowns after (u, p_a, p_b).</param>
    /// <exception cref="ArgumentException">The two parameters are the same.</exception>
    protected DenseAugmentedProblem(OdeSystem system, ReadOnlySpan<double> parameters, int first, int second, int extra)
    {
        if (first == second) throw new ArgumentException("the two parameters must differ");
        System = system;
        First = first;
        Second = second;
        D = new Derivatives(system);
        N = system.Dimension;
        Dimension = N + 2 + extra;
        P = parameters.ToArray();
        _r1 = new double[Dimension];
        _r2 = new double[Dimension];
        _xh = new double[Dimension];
        _lu = new DenseLu(Dimension);
        Jac = new double[N * N];
    }

    /// <summary>The model.</summary>
    public OdeSystem System { get; }
    /// <summary>Indices (in the model's parameter vector) of the two continued parameters.</summary>
    public int First { get; }
    /// <inheritdoc cref="First"/>
    public int Second { get; }
    /// <summary>Derivatives of the model (work buffers of this problem).</summary>
    protected Derivatives D { get; }
    /// <summary>State dimension.</summary>
    protected int N { get; }
    /// <summary>Scratch n×n Jacobian.</summary>
    protected double[] Jac { get; }
    /// <summary>Number of unknowns n + 2 + extra.</summary>
    public int Dimension { get; }
    /// <summary>Index n of the first parameter in x.</summary>
    public int ParameterComponent => N;
    /// <summary>Index of the second parameter in x.</summary>
    public int SecondComponent => N + 1;
    /// <inheritdoc/>
    public int DeterminantSign => _lu.DeterminantSign;
    /// <inheritdoc/>
    public double LogAbsDeterminant => _lu.LogAbsDeterminant;
    /// <inheritdoc/>
    public abstract IReadOnlyList<PointKind> TestFunctionKinds { get; }

    /// <summary>The model's full parameter vector at x.</summary>
    public double[] ParametersAt(ReadOnlySpan<double> x)
    {
        var p = (double[])P.Clone();
        p[First] = x[N];
        p[Second] = x[N + 1];
        return p;
    }

    /// <summary>Sets the parameter buffer from x and returns it.</summary>
    protected double[] Params(ReadOnlySpan<double> x)
    {
        P[First] = x[N];
        P[Second] = x[N + 1];
        return P;
    }

    /// <summary>The residual (Dimension − 1 equations).</summary>
    protected abstract void Evaluate(ReadOnlySpan<double> x, Span<double> r);

    /// <summary><see cref="Evaluate"/> into r (length Dimension − 1). Returns false if any value is not finite.</summary>
    public bool Residual(ReadOnlySpan<double> x, Span<double> r)
    {
        Evaluate(x, r);
        for (int i = 0; i < Dimension - 1; i++) if (!double.IsFinite(r[i])) return false;
        return true;
    }

    /// <summary>
    /// Linearises at x by central differences of the residual (step 10⁻⁶ · max(1, |x_j|)) and factors
    /// the bordered matrix with a dense LU.
    /// </summary>
    public Linearization Factor(ReadOnlySpan<double> x, ReadOnlySpan<double> border)
    {
        int m = Dimension;
        var a = _lu.Matrix;
        x.CopyTo(_xh);
        for (int j = 0; j < m; j++)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(x[j]));
            _xh[j] = x[j] + h; Evaluate(_xh, _r1);
            _xh[j] = x[j] - h; Evaluate(_xh, _r2);
            _xh[j] = x[j];
            for (int i = 0; i < m - 1; i++) a[i * m + j] = (_r1[i] - _r2[i]) / (2 * h);
        }
        border.CopyTo(a.Slice((m - 1) * m, m));
        foreach (var v in a) if (!double.IsFinite(v)) return Linearization.NonFinite;
        return _lu.Factor() ? Linearization.Factored : Linearization.Singular;
    }

    /// <inheritdoc/>
    public void Solve(Span<double> rhs) => _lu.Solve(rhs);

    /// <summary>Does nothing here; subclasses update their reference vectors.</summary>
    public virtual void Accept(ReadOnlySpan<double> x) { }

    /// <summary>The state and the two parameters: the extra unknowns (null vectors, eigenvectors) may come back with the other sign after a lap of a closed curve.</summary>
    public double[] Signature(ReadOnlySpan<double> x) => x[..(N + 2)].ToArray();

    /// <inheritdoc/>
    public abstract PointAnalysis Analyze(ReadOnlySpan<double> x, Span<double> testValues);
    /// <inheritdoc/>
    public abstract SpecialPointDetails? Describe(int testFunction, ReadOnlySpan<double> x, PointAnalysis analysis);

    /// <summary>State Jacobian at x, as a MathNet matrix.</summary>
    protected Matrix<double> JacobianMatrix(ReadOnlySpan<double> x)
    {
        D.StateJacobian(x[..N], Params(x), Jac);
        var jac = Jac;
        int n = N;
        return Matrix<double>.Build.Dense(n, n, (i, j) => jac[i * n + j]);
    }

    /// <summary>Eigenvalues sorted by decreasing real part, and the number with positive real part.</summary>
    protected static (Complex[] Values, int Unstable) Spectrum(Matrix<double> a)
    {
        var ev = Algebra.Spectrum.TryEigenvalues(a.ToRowMajorArray(), a.RowCount)
            ?? throw new MathNet.Numerics.NonConvergenceException("the eigenvalues of the Jacobian could not be computed");
        Array.Sort(ev, (x, y) => y.Real.CompareTo(x.Real));
        return (ev, ev.Count(l => l.Real > 0));
    }

    /// <summary>Π_{i&lt;j} (λ_i + λ_j) over the eigenvalues not excluded, each factor scaled to stay in range.</summary>
    protected static double PairSumProduct(Complex[] ev, Func<int, bool> excluded)
    {
        Complex prod = 1;
        for (int i = 0; i < ev.Length; i++)
        {
            if (excluded(i)) continue;
            for (int j = i + 1; j < ev.Length; j++)
                if (!excluded(j)) prod *= (ev[i] + ev[j]) / (1 + ev[i].Magnitude + ev[j].Magnitude);
        }
        return prod.Real;
    }

    /// <summary>The pair (i &lt; j, both not excluded) with the smallest |λ_i + λ_j|; whether it is a complex pair on the imaginary axis.</summary>
    protected static (int I, int J, bool ImaginaryPair) ClosestPair(Complex[] ev, Func<int, bool> excluded)
    {
        int bi = -1, bj = -1;
        double best = double.PositiveInfinity;
        for (int i = 0; i < ev.Length; i++)
        {
            if (excluded(i)) continue;
            for (int j = i + 1; j < ev.Length; j++)
            {
                if (excluded(j)) continue;
                double v = (ev[i] + ev[j]).Magnitude / (1 + ev[i].Magnitude + ev[j].Magnitude);
                if (v < best) { best = v; bi = i; bj = j; }
            }
        }
        if (bi < 0) return (-1, -1, false);
        bool imaginary = Math.Abs(ev[bi].Imaginary) > 1e-7 * (1 + ev[bi].Magnitude)
            && (ev[bi] - Complex.Conjugate(ev[bj])).Magnitude <= 1e-6 * (1 + ev[bi].Magnitude);
        return (bi, bj, imaginary);
    }
}
