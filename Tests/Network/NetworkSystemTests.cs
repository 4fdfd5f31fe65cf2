using Continuation.Integration;
using Continuation.Network;
using Continuation.Systems;
using Continuation.Transverse;
using Continuation.Cli.Connectivity;
using Models;
using Tests.Transverse;
using Xunit.Abstractions;

namespace Tests.Network;

/// <summary>The network built from the homogeneous system: its right-hand side, structured Jacobian and invariant manifold.</summary>
public class NetworkSystemTests(ITestOutputHelper output)
{
    static readonly NextGenNeuralMassHomogeneous Model = new();
    internal static readonly Lazy<ConnectivityMatrix> Paper = new(() => NpzReader.Read(Path.Combine(RepositoryPaths.Shared, "data", "NormalizedMatrix.npz")));

    static double[] RandomState(int size, int seed)
    {
        var rng = new Random(seed);
        var u = new double[size];
        for (int k = 0; k < size / 6; k++)
        {
            u[6 * k] = 0.01 + 0.1 * rng.NextDouble(); u[6 * k + 1] = 2 * rng.NextDouble() - 1; u[6 * k + 2] = 0.1 * rng.NextDouble();
            u[6 * k + 3] = 0.01 + 0.1 * rng.NextDouble(); u[6 * k + 4] = 2 * rng.NextDouble() - 1; u[6 * k + 5] = 0.1 * rng.NextDouble();
        }
        return u;
    }

    [Fact]
    public void RightHandSideEqualsTheHandWrittenNetwork()
    {
        // Two independent codes: the generic network from the homogeneous system, and the neural-mass network written out.
        var w = Paper.Value;
        var generic = new NetworkSystem(Model, w);
        var written = new NextGenNeuralMassNetwork(w);
        Assert.Equal(540, generic.Dimension);
        foreach (double eps in new[] { 0.0, 12.0, 29.5 })
        {
            var p = Networks.Parameters(eps, 7.3);
            var u = RandomState(540, (int)eps + 1);
            var a = new double[540];
            var b = new double[540];
            generic.Evaluate(u, p, a);
            written.Evaluate(u, p, b);
            for (int i = 0; i < 540; i++) Assert.Equal(b[i], a[i], 1e-12 * Math.Max(1, Math.Abs(b[i])));
        }
    }

    [Theory]
    [InlineData("paper")]
    [InlineData("directed")]
    public void JacobianEqualsFiniteDifferencesAndItsStructuredProduct(string which)
    {
        var w = which == "paper" ? Paper.Value : Networks.DirectedRing(9);
        var network = new NetworkSystem(Model, w);
        int n = network.Dimension;
        var p = Networks.Parameters(12, 5);
        var u = RandomState(n, 7);
        var jac = new double[n * n];
        var fd = new double[n * n];
        network.StateJacobian(u, p, jac);
        new Derivatives(network).FiniteDifferenceStateJacobian(u, p, fd);
        double scale = jac.Max(Math.Abs), worst = 0;
        for (int i = 0; i < n * n; i++) worst = Math.Max(worst, Math.Abs(jac[i] - fd[i]));
        output.WriteLine($"{which}: max |J − J_fd| = {worst:G3} (max |J| = {scale:G3})");
        Assert.True(worst <= 1e-7 * scale, $"Jacobian off finite differences by {worst:G3}");

        var v = RandomState(n, 11);
        var y = new double[n];
        network.Jacobian(u, p).Apply(v, y, 1);
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += jac[i * n + j] * v[j];
            Assert.Equal(s, y[i], 1e-12 * Math.Max(1, Math.Abs(s)));
        }
    }

    [Fact]
    public void SpectrumAtAHomogeneousEquilibriumIsTheUnionOfTheTransverseSpectra()
    {
        var w = Paper.Value;
        var network = new NetworkSystem(Model, w);
        var spectrum = ConnectivitySpectrum.Compute(w);
        var analysis = new TransverseStability(Model, spectrum);
        var point = Networks.Equilibria12.Value.Find("UZ1")!;
        var u = network.Homogeneous(point.State);
        var jac = new double[540 * 540];
        network.StateJacobian(u, point.Parameters, jac);
        var full = Networks.Eigenvalues(jac, 540);
        var union = spectrum.Eigenvalues.SelectMany(l => analysis.EquilibriumEigenvalues(point.State, point.Parameters, l)).ToList();
        double d = Networks.MatchDistance(full, union, out string worst);
        output.WriteLine($"max relative mismatch {d:G3} ({worst})");
        Assert.True(d < 1e-8);
    }

    public static TheoryData<string> RowStochastic => new() { "paper", "ring", "random", "directed" };

    [Theory]
    [MemberData(nameof(RowStochastic))]
    public void ANetworkStartedOnTheHomogeneousManifoldStaysOnIt(string which)
    {
        // On a transversally unstable cycle (ε = 12, I = 8.6 on the paper's matrix) rounding that differed
        // from node to node would grow by e^{0.018 t}: the coupling is written as differences, so it does not arise.
        var w = which switch { "paper" => Paper.Value, "ring" => Networks.Ring(20), "random" => Networks.RandomSymmetric(30, 5), _ => Networks.DirectedRing(15) };
        var network = new NetworkSystem(Model, w);
        var point = Networks.Cycles12Far.Value.Find("UZ1")!;
        var u = network.Homogeneous(point.State);
        double worst = 0;
        var grid = new SampleGrid(0, 10, 101, (_, _, x) => worst = Math.Max(worst, NetworkPerturbation.Spread(network, x)));
        var result = Simulation.Run(network, point.Parameters, u, 0, 1000, [grid]);
        Assert.True(result.Succeeded);
        output.WriteLine($"{which}: spread after 1000 ms {worst:G3} ({result.Steps} steps, {result.WallMilliseconds:F0} ms)");
        Assert.True(worst < 1e-12, $"spread {worst:G3}");
    }

    [Fact]
    public void DenseOutputIsAccurateBetweenSteps()
    {
        // Harmonic oscillator through a few long steps: the order-4 interpolant against the exact solution.
        foreach (double tol in new[] { 1e-6, 1e-9 })
        {
            var integrator = new DormandPrince(new Rotation(), new DormandPrinceOptions { RelativeTolerance = tol, AbsoluteTolerance = tol });
            var y = new[] { 1.0, 0.0 };
            double worst = 0;
            var buffer = new double[2];
            int steps = 0;
            integrator.Integrate([], y, 0, 20, step =>
            {
                steps++;
                for (int i = 1; i < 10; i++)
                {
                    double t = step.Start + (step.End - step.Start) * i / 10;
                    step.Interpolate(t, buffer);
                    worst = Math.Max(worst, Math.Max(Math.Abs(buffer[0] - Math.Cos(t)), Math.Abs(buffer[1] - Math.Sin(t))));
                }
            });
            output.WriteLine($"tol {tol:G1}: {steps} steps, interpolation error {worst:G3}");
            Assert.True(worst < 30 * tol, $"interpolation error {worst:G3} at tolerance {tol}");
            Assert.True(Math.Abs(y[0] - Math.Cos(20)) < 30 * tol);
        }
    }

    sealed class Rotation : OdeSystem
    {
        public override string Name => "rotation";
        public override IReadOnlyList<string> StateNames => ["x", "y"];
        public override IReadOnlyList<Parameter> Parameters => [];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du) { du[0] = -u[1]; du[1] = u[0]; }
    }
}

/// <summary>A simulation allocates nothing per step: its cost does not grow with garbage collection.</summary>
public class SimulationAllocationTests
{
    [Fact]
    public void LongerSimulationsAllocateNoMore()
    {
        var model = new NextGenNeuralMassHomogeneous();
        var network = new NetworkSystem(model, NetworkSystemTests.Paper.Value);
        var point = Networks.Cycles12Far.Value.Find("UZ1")!;
        var u = NetworkPerturbation.Random(network, point.State, 0.01, 2);
        var sink = new double[network.Dimension];
        long Allocated(double tEnd)
        {
            var grid = new SampleGrid(0, 0.5, (int)(tEnd / 0.5) + 1, (_, _, x) => x.CopyTo(sink));
            long before = GC.GetAllocatedBytesForCurrentThread();
            var result = Simulation.Run(network, point.Parameters, u, 0, tEnd, [grid]);
            Assert.True(result.Succeeded);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Allocated(20); // warm-up (JIT, thread-local work space)
        long shortRun = Allocated(50), longRun = Allocated(250); // about 500 and 2500 steps
        Assert.True(longRun - shortRun < 2048, $"{longRun - shortRun} bytes more for 2000 more steps");
    }
}
