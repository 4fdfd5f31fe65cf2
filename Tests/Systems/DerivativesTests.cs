using System.Numerics;
using Continuation.Systems;
using Models;

namespace Tests.Systems;

public class DerivativesTests
{
    static readonly double[] NeuralState = [0.04, -0.46, 0.043, 0.017, -1.18, 0.0169];

    [Fact]
    public void FiniteDifferenceJacobiansAgreeWithAnalyticOnes()
    {
        var model = new NextGenNeuralMassHomogeneous();
        var d = new Derivatives(model);
        var p = model.DefaultParameters();
        p[model.ParameterIndex("Iext_e")] = 6;
        p[model.ParameterIndex("eps")] = 12;
        var analytic = new double[36];
        var fd = new double[36];
        model.StateJacobian(NeuralState, p, analytic);
        d.FiniteDifferenceStateJacobian(NeuralState, p, fd);
        for (int i = 0; i < 36; i++) Assert.Equal(analytic[i], fd[i], 1e-7 * (1 + Math.Abs(analytic[i])));
        var colA = new double[6];
        var colF = new double[6];
        for (int k = 0; k < model.Parameters.Count; k++)
        {
            model.ParameterJacobian(NeuralState, p, k, colA);
            d.FiniteDifferenceParameterDerivative(NeuralState, p, k, colF);
            for (int i = 0; i < 6; i++) Assert.Equal(colA[i], colF[i], 1e-7 * (1 + Math.Abs(colA[i])));
        }
    }

    [Fact]
    public void BilinearFormOfAQuadraticSystemIsTheChangeOfItsJacobian()
    {
        // f is quadratic in u, so J(u + y) x − J(u) x = B(x, y) exactly.
        var model = new NextGenNeuralMassHomogeneous();
        var d = new Derivatives(model);
        var p = model.DefaultParameters();
        double[] x = [0.3, -0.1, 0.2, 0.5, 0.7, -0.4];
        double[] y = [-0.2, 0.4, 0.1, 0.3, -0.6, 0.25];
        var j0 = new double[36];
        var j1 = new double[36];
        var shifted = NeuralState.Zip(y, (a, b) => a + b).ToArray();
        model.StateJacobian(NeuralState, p, j0);
        model.StateJacobian(shifted, p, j1);
        var b = d.RealBilinear(NeuralState, p, x, y);
        for (int i = 0; i < 6; i++)
        {
            double expected = 0;
            for (int k = 0; k < 6; k++) expected += (j1[i * 6 + k] - j0[i * 6 + k]) * x[k];
            Assert.Equal(expected, b[i], 1e-7 * (1 + Math.Abs(expected)));
        }
        // Complex extension: B(q, q̄) is real for any q.
        Complex[] q = [new(0.3, 0.1), new(-0.2, 0.5), new(0.1, 0), new(0, 0.4), new(0.2, -0.3), new(0.05, 0.05)];
        var bq = d.Bilinear(NeuralState, p, q, q.Select(Complex.Conjugate).ToArray());
        Assert.All(bq, v => Assert.Equal(0.0, v.Imaginary, 1e-8));
    }

    [Fact]
    public void TrilinearFormOfTheHopfNormalForm()
    {
        // The cubic part of f is g(u) = σ u (u·u), whose third derivative is
        // C(a, b, c) = 2σ [a (b·c) + b (a·c) + c (a·b)]; so C(q, q, q̄) = 2σ [2 (q·q̄) q + (q·q) q̄].
        var model = new HopfNormalForm();
        var d = new Derivatives(model);
        double sigma = -1;
        double[] p = [0.2, sigma];
        Complex[] q = [new(0.6, 0.2), new(-0.3, 0.7)];
        var c = d.TrilinearQQQbar([0.0, 0.0], p, q);
        double norm2 = q.Sum(v => (v * Complex.Conjugate(v)).Real);
        Complex dot = q[0] * q[0] + q[1] * q[1];
        for (int i = 0; i < 2; i++)
        {
            var expected = 2 * sigma * (2 * norm2 * q[i] + dot * Complex.Conjugate(q[i]));
            Assert.Equal(expected.Real, c[i].Real, 1e-6);
            Assert.Equal(expected.Imaginary, c[i].Imaginary, 1e-6);
        }
    }

    /// <summary>
    /// f(u) = (exp(a·u), sin(b·u)): every multilinear form is known, M_k(x₁…x_k) =
    /// (exp(a·u) Π a·xᵢ, sin⁽ᵏ⁾(b·u) Π b·xᵢ). With <paramref name="analytic"/> the system gives its
    /// second and third directional derivatives, so D and E come from differences of the third.
    /// </summary>
    sealed class ExpSin(bool analytic) : OdeSystem
    {
        public static readonly double[] A = [0.7, -0.4, 0.3], Bv = [-0.5, 0.9, 0.6];
        public override string Name => "exp-sin";
        public override IReadOnlyList<string> StateNames => ["u1", "u2", "u3"];
        public override IReadOnlyList<Parameter> Parameters => [];
        public override bool HasHigherDerivatives => analytic;
        static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> x) => a[0] * x[0] + a[1] * x[1] + a[2] * x[2];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            du[0] = Math.Exp(Dot(A, u));
            du[1] = Math.Sin(Dot(Bv, u));
            du[2] = 0;
        }
        public override void SecondDirectionalDerivative(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, Span<double> result)
        {
            result[0] = Math.Exp(Dot(A, u)) * Math.Pow(Dot(A, x), 2);
            result[1] = -Math.Sin(Dot(Bv, u)) * Math.Pow(Dot(Bv, x), 2);
            result[2] = 0;
        }
        public override void ThirdDirectionalDerivative(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, Span<double> result)
        {
            result[0] = Math.Exp(Dot(A, u)) * Math.Pow(Dot(A, x), 3);
            result[1] = -Math.Cos(Dot(Bv, u)) * Math.Pow(Dot(Bv, x), 3);
            result[2] = 0;
        }

        /// <summary>The exact k-linear form on complex arguments.</summary>
        public static Complex[] Exact(ReadOnlySpan<double> u, Complex[][] args)
        {
            Complex pa = 1, pb = 1;
            foreach (var x in args)
            {
                pa *= A[0] * x[0] + A[1] * x[1] + A[2] * x[2];
                pb *= Bv[0] * x[0] + Bv[1] * x[1] + Bv[2] * x[2];
            }
            double bu = Dot(Bv, u);
            double sink = (args.Length % 4) switch { 0 => Math.Sin(bu), 1 => Math.Cos(bu), 2 => -Math.Sin(bu), _ => -Math.Cos(bu) };
            return [Math.Exp(Dot(A, u)) * pa, sink * pb, 0];
        }
    }

    [Theory]
    [InlineData(false, 2, 1e-8)]
    [InlineData(false, 3, 1e-6)]
    [InlineData(false, 4, 1e-6)]
    [InlineData(false, 5, 3e-6)]
    [InlineData(true, 4, 1e-10)]
    [InlineData(true, 5, 1e-9)]
    public void MultilinearFormsOnComplexArgumentsMatchTheExactOnes(bool analytic, int order, double tolerance)
    {
        var d = new Derivatives(new ExpSin(analytic));
        double[] u = [0.2, -0.3, 0.5];
        Complex[][] pool =
        [
            [new(0.6, 0.2), new(-0.3, 0.7), new(0.1, -0.4)],
            [new(0.6, -0.2), new(-0.3, -0.7), new(0.1, 0.4)],
            [new(1.5, 0), new(-2.0, 0), new(0.8, 0)],
            [new(0, 0.3), new(0.2, 0.1), new(-0.05, 0)],
            [new(-0.4, 1.1), new(0.9, 0.3), new(0.2, 0.2)],
        ];
        var args = pool[..order];
        var m = d.Multilinear(u, [], args);
        var exact = ExpSin.Exact(u, args);
        double scale = exact.Max(v => v.Magnitude);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(exact[i].Real, m[i].Real, tolerance * scale);
            Assert.Equal(exact[i].Imaginary, m[i].Imaginary, tolerance * scale);
        }
    }
}
