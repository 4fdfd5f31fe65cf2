using Models;
using Xunit;

namespace Tests.Models;

/// <summary>Analytic facts about the normal forms (equilibria, eigenvalues) as oracles.</summary>
public class NormalFormTests
{
    [Theory]
    [InlineData(0.25)]
    [InlineData(4.0)]
    public void FoldHasEquilibriaAtPlusMinusSqrtMu(double mu)
    {
        var fold = new FoldNormalForm();
        var f = new double[1];
        var jac = new double[1];
        foreach (double x in new[] { Math.Sqrt(mu), -Math.Sqrt(mu) })
        {
            fold.Evaluate([x], [mu], f);
            Assert.Equal(0.0, f[0], 1e-14);
            fold.StateJacobian([x], [mu], jac);
            Assert.Equal(-2 * x, jac[0], 1e-14); // stable on the upper branch
        }
        fold.Evaluate([0.0], [mu], f);
        Assert.Equal(mu, f[0]);
        Assert.Equal(-1.0, fold.DefaultParameters()[0]);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(2.0)]
    public void PitchforkHasTrivialAndSymmetricEquilibria(double mu)
    {
        var pitchfork = new PitchforkNormalForm();
        var f = new double[1];
        var jac = new double[1];
        pitchfork.Evaluate([0.0], [mu], f);
        Assert.Equal(0.0, f[0]);
        pitchfork.StateJacobian([0.0], [mu], jac);
        Assert.Equal(mu, jac[0]);
        foreach (double x in new[] { Math.Sqrt(mu), -Math.Sqrt(mu) })
        {
            pitchfork.Evaluate([x], [mu], f);
            Assert.Equal(0.0, f[0], 1e-14);
            pitchfork.StateJacobian([x], [mu], jac);
            Assert.Equal(-2 * mu, jac[0], 1e-14);
        }
    }

    [Theory]
    [InlineData(-1.0, -1.0)]
    [InlineData(0.3, 1.0)]
    public void HopfOriginHasEigenvaluesBetaPlusMinusI(double beta, double sigma)
    {
        var hopf = new HopfNormalForm();
        var jac = new double[4];
        hopf.StateJacobian([0.0, 0.0], [beta, sigma], jac);
        double trace = jac[0] + jac[3], det = jac[0] * jac[3] - jac[1] * jac[2];
        Assert.Equal(2 * beta, trace, 1e-15);      // λ = β ± i ⇒ trace 2β
        Assert.Equal(beta * beta + 1, det, 1e-15); // and determinant β² + 1
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(1.0)]
    public void SupercriticalHopfCycleOfRadiusSqrtBetaIsRotation(double beta)
    {
        // On ρ = √β (σ = −1) the field is the pure rotation (−y, x).
        var hopf = new HopfNormalForm();
        var f = new double[2];
        double rho = Math.Sqrt(beta), theta = 0.7;
        double x = rho * Math.Cos(theta), y = rho * Math.Sin(theta);
        hopf.Evaluate([x, y], [beta, -1.0], f);
        Assert.Equal(-y, f[0], 1e-15);
        Assert.Equal(x, f[1], 1e-15);
    }

    [Fact]
    public void BrusselatorEquilibriumIsAAndBOverA()
    {
        var b = new Brusselator();
        var f = new double[2];
        foreach (var (a, bb) in new[] { (1.0, 1.5), (2.0, 3.7), (0.5, 0.9) })
        {
            b.Evaluate([a, bb / a], [a, bb], f);
            Assert.Equal(0.0, f[0], 1e-14);
            Assert.Equal(0.0, f[1], 1e-14);
        }
        Assert.Equal([1.0, 1.5], b.DefaultParameters());
    }

    [Fact]
    public void BrusselatorJacobianTraceCrossesZeroAtBEqualsOnePlusASquared()
    {
        // Trace of the Jacobian at (A, B/A) is B − 1 − A² (Hopf at B = 1 + A²); determinant A².
        var b = new Brusselator();
        double a = 1.3, bb = 2.1;
        var jac = FiniteDifferenceOracle.StateJacobian(b, [a, bb / a], [a, bb]);
        Assert.Equal(bb - 1 - a * a, jac[0] + jac[3], 1e-8);
        Assert.Equal(a * a, jac[0] * jac[3] - jac[1] * jac[2], 1e-8);
        Assert.Throws<NotSupportedException>(() => b.StateJacobian([a, bb / a], [a, bb], new double[4]));
        Assert.Throws<NotSupportedException>(() => b.ParameterJacobian([a, bb / a], [a, bb], 0, new double[2]));
    }
}
