using Continuation.Systems;
using Models;
using Xunit;

namespace Tests.Models;

/// <summary>Every analytic Jacobian of the built-in models agrees with central differences.</summary>
public class JacobianTests
{
    private const double Tolerance = 1e-6;

    public static TheoryData<string> ModelsWithStateJacobian()
    {
        var data = new TheoryData<string>();
        foreach (var m in ModelCatalog.All) if (m.HasStateJacobian) data.Add(m.Name);
        return data;
    }

    public static TheoryData<string> ModelsWithParameterJacobian()
    {
        var data = new TheoryData<string>();
        foreach (var m in ModelCatalog.All) if (m.HasParameterJacobian) data.Add(m.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsWithStateJacobian))]
    public void StateJacobianMatchesCentralDifferences(string name)
    {
        Assert.True(ModelCatalog.TryGet(name, out var system));
        foreach (var (u, p) in SamplePoints.For(system, count: 8))
        {
            double mismatch = FiniteDifferenceOracle.StateJacobianMismatch(system, u, p);
            Assert.True(mismatch < Tolerance, $"{name}: relative mismatch {mismatch:E3} at u=[{string.Join(", ", u)}]");
        }
    }

    [Theory]
    [MemberData(nameof(ModelsWithParameterJacobian))]
    public void ParameterJacobianMatchesCentralDifferences(string name)
    {
        Assert.True(ModelCatalog.TryGet(name, out var system));
        foreach (var (u, p) in SamplePoints.For(system, count: 8))
        {
            double mismatch = FiniteDifferenceOracle.ParameterJacobianMismatch(system, u, p, out int worst);
            Assert.True(mismatch < Tolerance,
                $"{name}: relative mismatch {mismatch:E3} for parameter {(worst >= 0 ? system.Parameters[worst].Name : "?")}");
        }
    }

    [Fact]
    public void EveryModelExceptTheBrusselatorHasAnalyticJacobians()
    {
        foreach (var system in ModelCatalog.All)
        {
            bool expected = system is not Brusselator;
            Assert.Equal(expected, system.HasStateJacobian);
            Assert.Equal(expected, system.HasParameterJacobian);
        }
    }

    [Fact]
    public void OracleDetectsAWrongJacobian()
    {
        // Same f as the fold normal form but with ∂f/∂x off by a factor 1.001.
        var wrong = new SlightlyWrongFold();
        double mismatch = FiniteDifferenceOracle.StateJacobianMismatch(wrong, [0.7], [0.3]);
        Assert.True(mismatch > 1e-4, $"mismatch {mismatch:E3}");
    }

    [Fact]
    public void OracleDetectsAnUnwrittenEntry()
    {
        var wrong = new SlightlyWrongFold();
        double mismatch = FiniteDifferenceOracle.ParameterJacobianMismatch(wrong, [0.7], [0.3], out _);
        Assert.True(double.IsNaN(mismatch) || mismatch > 1e-4);
    }

    private sealed class SlightlyWrongFold : OdeSystem
    {
        public override string Name => "Test.WrongFold";
        public override IReadOnlyList<string> StateNames => ["x"];
        public override IReadOnlyList<Parameter> Parameters => [new("mu", 0)];
        public override bool HasStateJacobian => true;
        public override bool HasParameterJacobian => true;
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du) => du[0] = p[0] - u[0] * u[0];
        public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac) => jac[0] = -2.002 * u[0];
        public override void ParameterJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, int parameter, Span<double> column) { }
    }
}
