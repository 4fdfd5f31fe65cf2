using CsCheck;
using Models.Equations;
using static Models.Equations.E;

namespace Tests.Models.Equations;

/// <summary>
/// Symbolic derivatives against finite differences on random expressions, the simplifier's
/// rules, and compiled kernels against the interpreter.
/// </summary>
public sealed class DifferentiatorTests
{
    static Expr P(string text) => Parser.Parse(text).Tree;

    static Func<string, double> At(double x, double y, double k) => name => name switch { "x" => x, "y" => y, "k" => k, _ => throw new KeyNotFoundException(name) };

    [Fact]
    public void SymbolicDerivativesAgreeWithFiniteDifferencesOnRandomExpressions()
    {
        int checkedCount = 0, total = 0;
        // Points away from 0, where quotients of tiny numbers would make both sides rounding noise.
        var coordinate = Gen.Int[-200, 200].Where(i => Math.Abs(i) >= 5).Select(i => i / 100.0);
        var gen = Gen.Select(ExpressionGenerators.Tree(4, smooth: true), coordinate, coordinate, coordinate, Gen.OneOf(ExpressionGenerators.Names));
        gen.Sample((original, x, y, k, variable) =>
        {
            total++;
            // The system compiles the simplified tree (the simplifier may drop the sign of a zero, 0*k = 0,
            // which only atan2 can tell), so its derivative is compared with differences of that tree.
            var tree = Simplifier.Simplify(original);
            var derivative = Differentiator.Differentiate(tree, variable);
            var values = new Dictionary<string, double> { ["x"] = x, ["y"] = y, ["k"] = k };
            double F(double v)
            {
                var shifted = new Dictionary<string, double>(values) { [variable] = v };
                return Evaluator.Evaluate(tree, n => shifted[n]);
            }
            double at = values[variable];
            double symbolic = Evaluator.Evaluate(derivative, n => values[n]);
            // Central differences at two steps and their Richardson extrapolation; only where the
            // function is smooth at this scale (the two estimates agree) is the comparison meaningful.
            double h = 1e-4 * Math.Max(1, Math.Abs(at));
            double d1 = (F(at + h) - F(at - h)) / (2 * h);
            double d2 = (F(at + h / 2) - F(at - h / 2)) / h;
            double richardson = (4 * d2 - d1) / 3;
            double f0 = F(at);
            if (!double.IsFinite(f0) || !double.IsFinite(d1) || !double.IsFinite(d2) || !double.IsFinite(symbolic)) return;
            // Values far above 1 near the point make the differences lose their digits to rounding.
            double largest = new[] { f0, F(at + h), F(at - h), F(at + h / 2), F(at - h / 2) }.Max(Math.Abs);
            double scale = 1 + Math.Abs(richardson) + Math.Abs(f0);
            // One-sided differences that disagree mean a kink or a jump (e.g. sigmoid(1/x^3) at 0).
            double forward = (F(at + h / 2) - f0) / (h / 2), backward = (f0 - F(at - h / 2)) / (h / 2);
            if (Math.Abs(d1 - d2) > 1e-3 * scale || Math.Abs(forward - backward) > 1e-2 * scale || largest > 1e4 || scale > 1e6) return;
            // The variable absorbed by rounding (cos(3.63^(x^-2) + k/5) at x = 0.12: k/5 is lost next to 1e39), so the
            // evaluated function does not move at all while the exact one does: nothing to compare.
            if (F(at + h) == f0 && F(at - h) == f0 && symbolic != 0) return;
            checkedCount++;
            // Rounding noise of the differences (e.g. sin of a large argument) shows as d1 ≠ d2 and is allowed for.
            Assert.True(Math.Abs(symbolic - richardson) <= 1e-6 * scale + 4 * Math.Abs(d1 - d2),
                $"d/d{variable} of {Printer.Print(tree)} at x={x}, y={y}, k={k}: symbolic {symbolic} ({Printer.Print(derivative)}), finite differences {richardson}");
        }, iter: 4000, print: t => $"{Printer.Print(t.Item1)} at ({t.Item2}, {t.Item3}, {t.Item4}) by {t.Item5}");
        Assert.True(checkedCount > total / 3, $"only {checkedCount} of {total} samples were smooth and finite enough to compare");
    }

    [Fact]
    public void CompiledKernelsAgreeExactlyWithTheInterpreter()
    {
        var gen = Gen.Select(Gen.Select(ExpressionGenerators.Tree(4, smooth: false), ExpressionGenerators.Tree(3, smooth: false)).Array[1, 4], Gen.Double[-3, 3].Array[3]);
        gen.Sample((trees, point) =>
        {
            var outputs = trees.SelectMany(t => new[] { t.Item1, t.Item2, Mul(t.Item1, t.Item2), Add(t.Item2, t.Item1) }).ToArray();
            var kernel = KernelCompiler.Compile("test", outputs, name => name switch
            {
                "x" => Slot.State(0),
                "y" => Slot.State(1),
                _ => Slot.Parameter(0),
            });
            var u = new[] { point[0], point[1] };
            var p = new[] { point[2] };
            var result = new double[outputs.Length];
            kernel(ref u[0], ref p[0], ref result[0]);
            for (int i = 0; i < outputs.Length; i++)
            {
                double expected = Evaluator.Evaluate(outputs[i], At(point[0], point[1], point[2]));
                Assert.True(expected.Equals(result[i]), $"{Printer.Print(outputs[i])}: compiled {result[i]}, interpreted {expected}");
            }
        }, iter: 300);
    }

    [Theory]
    [InlineData("x^3", "x", "3*x^2")]
    [InlineData("k*x", "x", "k")]
    [InlineData("k*x", "y", "0")]
    [InlineData("x/k", "x", "1/k")]
    [InlineData("2*(3*x)", "x", "6")]
    [InlineData("exp(2*x)", "x", "2*exp(2*x)")]
    [InlineData("x^y", "y", "x^y*log(x)")]
    [InlineData("sin(x)^2", "x", "2*sin(x)*cos(x)")]
    [InlineData("-(x - y)", "y", "1")]
    [InlineData("(k - x)/k", "x", "-(1/k)")]
    [InlineData("abs(x)", "x", "sign(x)")]
    [InlineData("min(x, y)", "x", "heaviside(y - x)")]
    public void DerivativesAreSimplified(string text, string variable, string expected)
        => Assert.Equal(expected, Printer.Print(Differentiator.Differentiate(P(text), variable)));

    [Theory]
    [InlineData("0*x + 1*y - 0", "y")]
    [InlineData("x^1 + y^0", "x + 1")]
    [InlineData("--x", "x")]
    [InlineData("2*3 + 4/8", "6.5")]
    [InlineData("x - x", "0")]
    [InlineData("x + -y", "x - y")]
    [InlineData("-x*-y", "x*y")]
    [InlineData("exp(0)*x", "x")]
    public void TheSimplifierRemovesTheObvious(string text, string expected)
        => Assert.Equal(expected, Printer.Print(Simplifier.Simplify(P(text))));

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(2.0, 1.0)]
    [InlineData(-2.0, 0.0)]
    public void HeavisideIsOneHalfAtZero(double x, double expected) => Assert.Equal(expected, Function.Heaviside.Evaluate(x));

    [Theory]
    [InlineData(2.0, 3)]
    [InlineData(-1.5, 5)]
    [InlineData(0.3, -4)]
    [InlineData(7.0, 16)]
    public void IntegerPowersMultiply(double a, int k) => Assert.Equal(Math.Pow(a, k), Powers.IntegerPower(a, k), 1e-15 * Math.Abs(Math.Pow(a, k)));
}
