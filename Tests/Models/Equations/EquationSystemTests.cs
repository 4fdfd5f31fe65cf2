using Continuation.Cli.Cases;
using Continuation.Systems;
using Models;
using Models.Equations;

namespace Tests.Models.Equations;

/// <summary>
/// The compiled equation system: the neural-mass homogeneous system written as equations (the
/// bundled case file) against the hand-written <see cref="NextGenNeuralMassHomogeneous"/>, thread
/// safety, no allocation, and the checks of a model definition.
/// </summary>
public sealed class EquationSystemTests
{
    static readonly Lazy<EquationSystem> NeuralMass = new(() =>
        (EquationSystem)CaseReader.Read(RepositoryPaths.Case("homogeneous-iext-eps0-equations.yaml"), _ => null).Model);

    static readonly NextGenNeuralMassHomogeneous HandWritten = new();

    /// <summary>|a − b| ≤ 4 ulps of the larger magnitude of the terms: equal up to rounding.</summary>
    static void AssertRoundingClose(double expected, double actual, double scale, string what)
        => Assert.True(Math.Abs(expected - actual) <= 1e-14 * Math.Max(1, scale), $"{what}: hand-written {expected:R}, equations {actual:R}");

    [Fact]
    public void TheNeuralMassEquationsHaveTheBuiltInModelsNamesAndDefaults()
    {
        var m = NeuralMass.Value;
        Assert.Equal(HandWritten.StateNames, m.StateNames);
        Assert.Equal(HandWritten.Parameters.Select(p => (p.Name, p.Default)), m.Parameters.Select(p => (p.Name, p.Default)));
        Assert.Equal("ms", m.TimeUnit);
        Assert.Equal(["I_e", "I_i"], m.DefinitionNames);
    }

    [Fact]
    public void RightHandSideAndAllJacobiansEqualTheHandWrittenOnesToRounding()
    {
        var m = NeuralMass.Value;
        int n = m.Dimension;
        foreach (var (u, p) in SamplePoints.For(HandWritten, 50))
        {
            var f1 = new double[n]; var f2 = new double[n];
            HandWritten.Evaluate(u, p, f1);
            m.Evaluate(u, p, f2);
            for (int i = 0; i < n; i++) AssertRoundingClose(f1[i], f2[i], 100, $"f[{i}]");

            var j1 = new double[n * n]; var j2 = new double[n * n];
            HandWritten.StateJacobian(u, p, j1);
            m.StateJacobian(u, p, j2);
            for (int k = 0; k < n * n; k++) AssertRoundingClose(j1[k], j2[k], 100, $"df{k / n}/du{k % n}");

            for (int k = 0; k < p.Length; k++)
            {
                var c1 = new double[n]; var c2 = new double[n];
                HandWritten.ParameterJacobian(u, p, k, c1);
                m.ParameterJacobian(u, p, k, c2);
                for (int i = 0; i < n; i++) AssertRoundingClose(c1[i], c2[i], 100, $"df{i}/d{m.Parameters[k].Name}");
            }

            var x = u.Select((v, i) => Math.Sin(i + v)).ToArray();
            var b1 = new double[n]; var b2 = new double[n]; var c3 = new double[n];
            HandWritten.SecondDirectionalDerivative(u, p, x, b1);
            m.SecondDirectionalDerivative(u, p, x, b2);
            m.ThirdDirectionalDerivative(u, p, x, c3);
            for (int i = 0; i < n; i++) AssertRoundingClose(b1[i], b2[i], 1000, $"B(x, x)[{i}]");
            Assert.All(c3, v => Assert.Equal(0.0, v));
        }
    }

    [Fact]
    public void ExactDerivativesAgreeWithFiniteDifferences()
    {
        var m = NeuralMass.Value;
        var d = new Derivatives(m);
        int n = m.Dimension;
        foreach (var (u, p) in SamplePoints.For(HandWritten, 10))
        {
            var exact = new double[n * n]; var fd = new double[n * n];
            m.StateJacobian(u, p, exact);
            d.FiniteDifferenceStateJacobian(u, p, fd);
            Assert.True(FiniteDifferenceOracle.RelativeMismatch(exact, fd) < 1e-6);
        }
    }

    [Fact]
    public void HigherDerivativesOfANonPolynomialModelAgreeWithFiniteDifferences()
    {
        var m = EquationSystem.Create(new EquationModelDefinition
        {
            Parameters = [new("a", 0.7)],
            Equations = [new("x", "a*sin(x*y) - exp(-y^2)*x"), new("y", "tanh(x) + log(1 + y^2)/(2 + cos(x))")],
        });
        double[] u = [0.3, -0.8], p = [0.7], x = [0.6, -0.4];
        double F(int i, double t)
        {
            var f = new double[2];
            m.Evaluate([u[0] + t * x[0], u[1] + t * x[1]], p, f);
            return f[i];
        }
        var second = new double[2]; var third = new double[2];
        m.SecondDirectionalDerivative(u, p, x, second);
        m.ThirdDirectionalDerivative(u, p, x, third);
        const double h = 1e-3;
        for (int i = 0; i < 2; i++)
        {
            double d2 = (-F(i, 2 * h) + 16 * F(i, h) - 30 * F(i, 0) + 16 * F(i, -h) - F(i, -2 * h)) / (12 * h * h);
            double d3 = (-F(i, 3 * h) + 8 * F(i, 2 * h) - 13 * F(i, h) + 13 * F(i, -h) - 8 * F(i, -2 * h) + F(i, -3 * h)) / (8 * h * h * h);
            Assert.Equal(d2, second[i], 1e-7);
            Assert.Equal(d3, third[i], 1e-5);
        }
    }

    [Fact]
    public void ConcurrentCallsGiveTheSameResultsAsSequentialOnes()
    {
        var m = NeuralMass.Value;
        var points = SamplePoints.For(HandWritten, 64).ToArray();
        var expected = points.Select(pt => { var j = new double[36]; m.StateJacobian(pt.U, pt.P, j); return j; }).ToArray();
        Parallel.For(0, 4, _ =>
        {
            var jac = new double[36];
            var f = new double[6];
            for (int rep = 0; rep < 200; rep++)
            {
                for (int i = 0; i < points.Length; i++)
                {
                    m.Evaluate(points[i].U, points[i].P, f);
                    m.StateJacobian(points[i].U, points[i].P, jac);
                    Assert.Equal(expected[i], jac);
                }
            }
        });
    }

    [Fact]
    public void EvaluationDoesNotAllocate()
    {
        var m = NeuralMass.Value;
        var (u, p) = SamplePoints.For(HandWritten, 1).First();
        var f = new double[6]; var jac = new double[36]; var col = new double[6]; var b = new double[6];
        void Calls()
        {
            m.Evaluate(u, p, f);
            m.StateJacobian(u, p, jac);
            m.ParameterJacobian(u, p, 1, col);
            m.SecondDirectionalDerivative(u, p, u, b);
        }
        Calls();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) Calls();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void DefinitionsAreEvaluatedAndSubstituted()
    {
        var m = NeuralMass.Value;
        var (u, p) = SamplePoints.For(HandWritten, 1).First();
        double expected = p[0] + p[3] * (p[11] + p[1]) * u[2] - p[3] * p[12] * u[5];
        Assert.Equal(expected, m.EvaluateDefinition(m.DefinitionIndex("I_e"), u, p), 1e-12);
        Assert.Equal(-1, m.DefinitionIndex("nope"));
    }

    [Fact]
    public void ShortSpansAreRejected()
    {
        var m = NeuralMass.Value;
        Assert.Throws<ArgumentException>(() => m.Evaluate(new double[5], new double[15], new double[6]));
        Assert.Throws<ArgumentException>(() => m.Evaluate(new double[6], new double[14], new double[6]));
        Assert.Throws<ArgumentException>(() => m.StateJacobian(new double[6], new double[15], new double[35]));
    }

    static EquationModelException Rejected(EquationModelDefinition d) => Assert.Throws<EquationModelException>(() => EquationSystem.Create(d));

    static readonly EquationModelDefinition Brusselator = new()
    {
        Name = "brusselator",
        Parameters = [new("A", 1, 3), new("B", 2.5, 3)],
        Constants = [new("c", 1, 4)],
        Equations = [new("x", "A - (B + c)*x + x^2*y", 6), new("y", "B*x - x^2*y", 7)],
    };

    [Fact]
    public void TheBrusselatorAsEquationsMatchesTheBuiltIn()
    {
        var m = EquationSystem.Create(Brusselator);
        var builtIn = new global::Models.Brusselator();
        double[] u = [0.7, 1.9], p = [1.3, 2.2];
        var f1 = new double[2]; var f2 = new double[2];
        builtIn.Evaluate(u, p, f1);
        m.Evaluate(u, p, f2);
        Assert.Equal(f1, f2);
        Assert.Equal("B*x - x^2*y", m.RightHandSides[1].ToString());
        Assert.Equal("2*x*y - (B + 1)", m.StateJacobianEntry(0, 0).ToString());
        Assert.Equal("x", m.ParameterJacobianEntry(1, 1).ToString());
    }

    [Theory]
    [InlineData("x", "A - tau*x", 6, "in equation for x, column 5: unknown name 'tau' (not a state")]
    [InlineData("x", "A - b*x", 6, "in equation for x, column 5: unknown name 'b' (did you mean 'B'?)")]
    [InlineData("x", "A - x/tauu", 6, "in equation for x, column 7: unknown name 'tauu' (did you mean 'tau_x'?)")]
    [InlineData("x", "A/(c - 1)", 6, "in equation for x, column 2: division by zero")]
    [InlineData("x", "A/0", 6, "in equation for x, column 2: division by zero")]
    [InlineData("x", "A*(x", 6, "in equation for x, column 5: the '(' at column 3 is not closed")]
    [InlineData("x", "", 6, "in equation for x: empty expression")]
    public void ExpressionErrorsNameTheEquationAndTheColumn(string state, string text, int line, string message)
    {
        var d = Brusselator with { Constants = [.. Brusselator.Constants, new("tau_x", 2, 5)], Equations = [new(state, text, 6), Brusselator.Equations[1]] };
        var e = Rejected(d);
        Assert.Equal(line, e.SourceLine);
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void ADefinitionMayUseOnlyTheDefinitionsAboveIt()
    {
        var d = Brusselator with { Definitions = [new("q", "x*w", 9), new("w", "y^2", 10)] };
        var e = Rejected(d);
        Assert.Equal(9, e.SourceLine);
        Assert.Equal("in definition of q, column 3: 'w' is defined below (line 10); a definition may use only those above it", e.Message);
        e = Rejected(Brusselator with { Definitions = [new("q", "q + 1", 9)] });
        Assert.Equal("in definition of q, column 1: 'q' refers to itself", e.Message);
    }

    [Theory]
    [InlineData("A", 4, "'A' is declared twice: as a parameter (line 3) and as a constant")]
    [InlineData("pi", 4, "constant 'pi': pi is built in")]
    [InlineData("exp", 4, "constant 'exp': exp is a function and cannot be a name")]
    [InlineData("2c", 4, "constant '2c': not a valid name")]
    public void NamesAreValidAndDeclaredOnce(string constant, int line, string message)
    {
        var e = Rejected(Brusselator with { Constants = [new(constant, 1, 4)], Equations = [new("x", "A - (B + 1)*x + x^2*y", 6), Brusselator.Equations[1]] });
        Assert.Equal(line, e.SourceLine);
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void EveryStateHasOneEquation()
    {
        var e = Rejected(Brusselator with { Equations = [.. Brusselator.Equations, new("A", "x", 8)] });
        Assert.Equal(8, e.SourceLine);
        Assert.StartsWith("equation for 'A', which is a parameter (line 3), not a state", e.Message);

        e = Rejected(Brusselator with { States = ["x", "y"], StatesLine = 5, Equations = [.. Brusselator.Equations, new("z", "x", 8)] });
        Assert.Equal(8, e.SourceLine);
        Assert.Equal("equation for 'z', which is not a state (states: x, y)", e.Message);

        e = Rejected(Brusselator with { States = ["x", "y", "z"], StatesLine = 5 });
        Assert.Equal(5, e.SourceLine);
        Assert.StartsWith("state 'z' has no equation", e.Message);

        e = Rejected(Brusselator with { Equations = [] , Line = 5 });
        Assert.StartsWith("no equations", e.Message);
    }

    [Fact]
    public void ExplicitStatesSetTheOrder()
    {
        var m = EquationSystem.Create(Brusselator with { States = ["y", "x"] });
        Assert.Equal(["y", "x"], m.StateNames);
        var f = new double[2];
        m.Evaluate([1.9, 0.7], [1.3, 2.2], f); // y, x
        Assert.Equal(2.2 * 0.7 - 0.7 * 0.7 * 1.9, f[0], 1e-15);
    }
}
