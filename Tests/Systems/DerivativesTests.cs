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
}
