using Continuation.Transverse;
using Models;

namespace Tests.Models;

public class NextGenNeuralMassNetworkTests
{
    static NextGenNeuralMassNetwork Network() => new(Tests.Transverse.Networks.RandomSymmetric(4, seed: 2));

    static IEnumerable<(double[] U, double[] P)> Samples(NextGenNeuralMassNetwork network)
    {
        var rng = new Random(7);
        foreach (var (u6, p) in SamplePoints.For(new NextGenNeuralMassHomogeneous(), count: 4))
        {
            var u = network.Homogeneous(u6);
            for (int i = 0; i < u.Length; i++) u[i] *= 1 + 0.2 * (rng.NextDouble() - 0.5); // off the homogeneous manifold
            p[NextGenNeuralMassHomogeneous.Eps] = 3 + 10 * rng.NextDouble();
            yield return (u, p);
        }
    }

    [Fact]
    public void StateJacobianMatchesCentralDifferences()
    {
        var network = Network();
        foreach (var (u, p) in Samples(network))
            Assert.True(FiniteDifferenceOracle.StateJacobianMismatch(network, u, p) < 1e-6);
    }

    [Fact]
    public void ParameterJacobianMatchesCentralDifferences()
    {
        var network = Network();
        foreach (var (u, p) in Samples(network))
            Assert.True(FiniteDifferenceOracle.ParameterJacobianMismatch(network, u, p, out int worst) < 1e-6, $"parameter {worst}");
    }

    [Fact]
    public void OnTheHomogeneousManifoldEveryNodeFollowsTheHomogeneousSystem()
    {
        var network = Network();
        var homogeneous = new NextGenNeuralMassHomogeneous();
        foreach (var (u6, p) in SamplePoints.For(homogeneous, count: 4))
        {
            var f6 = new double[6];
            homogeneous.Evaluate(u6, p, f6);
            var f = new double[network.Dimension];
            network.Evaluate(network.Homogeneous(u6), p, f);
            for (int k = 0; k < network.Nodes; k++)
                for (int s = 0; s < 6; s++) Assert.Equal(f6[s], f[6 * k + s], 1e-12 * (1 + Math.Abs(f6[s])));
        }
        Assert.Equal(24, network.Dimension);
        Assert.Equal("s_e_3", network.StateNames[20]);
        Assert.Equal(homogeneous.Parameters.Select(p => p.Name), network.Parameters.Select(p => p.Name));
    }
}
