using CsCheck;
using Models.Equations;
using static Models.Equations.E;

namespace Tests.Models.Equations;

/// <summary>The equation language: precedence, printing, round trips and syntax errors with their columns.</summary>
public sealed class ParserTests
{
    static readonly Expr X = new Sym("x"), Y = new Sym("y"), Z = new Sym("z");

    static Expr P(string text) => Parser.Parse(text).Tree;

    public static TheoryData<string, Expr> Precedence => new()
    {
        { "x + y*z", Add(X, Mul(Y, Z)) },
        { "x - y - z", Sub(Sub(X, Y), Z) },
        { "x/y/z", Div(Div(X, Y), Z) },
        { "x^y^z", Pow(X, Pow(Y, Z)) },
        { "-x^2", Neg(Pow(X, N(2))) },
        { "-x*y", Mul(Neg(X), Y) },
        { "2^-x", Pow(N(2), Neg(X)) },
        { "x**2", Pow(X, N(2)) },
        { "+x", X },
        { "(x + y)*z", Mul(Add(X, Y), Z) },
        { "x - -y", Sub(X, Neg(Y)) },
        { "1.5e-3*x", Mul(N(1.5e-3), X) },
        { ".5 + 2E+2", Add(N(0.5), N(200)) },
        { "min(x, y^2)", Call(Function.Min, X, Pow(Y, N(2))) },
        { "exp(-x)*sin(y)", Mul(Call(Function.Exp, Neg(X)), Call(Function.Sin, Y)) },
        { "A - (B + 1)*x + x^2*y", Add(Sub(new Sym("A"), Mul(Add(new Sym("B"), N(1)), X)), Mul(Pow(X, N(2)), Y)) },
    };

    [Theory]
    [MemberData(nameof(Precedence))]
    public void OperatorsBindAsDocumented(string text, Expr expected) => Assert.Equal(expected, P(text));

    [Theory]
    [InlineData("x+y*z", "x + y*z")]
    [InlineData("(x+y)*z", "(x + y)*z")]
    [InlineData("x-(y-z)", "x - (y - z)")]
    [InlineData("(x^y)^z", "(x^y)^z")]
    [InlineData("-(x*y)", "-(x*y)")]
    [InlineData("x*(-y)", "x*(-y)")]
    [InlineData("2^(-x)", "2^(-x)")]
    [InlineData("atan2(y,x)", "atan2(y, x)")]
    [InlineData("-(-x)", "-(-x)")]
    public void PrintsWithTheFewestParentheses(string text, string printed) => Assert.Equal(printed, Printer.Print(P(text)));

    [Fact]
    public void PrintingAndReparsingGivesTheSameTree()
    {
        ExpressionGenerators.Tree(5, smooth: false).Sample(tree =>
        {
            string text = Printer.Print(tree);
            var again = Parser.Parse(text).Tree;
            Assert.True(tree.Equals(again), $"{text} re-parsed as {Printer.Print(again)}");
        }, iter: 3000, print: Printer.Print);
    }

    [Fact]
    public void ColumnsOfNodesAreRecorded()
    {
        var parsed = Parser.Parse("a + tau/0");
        var div = (Binary)((Binary)parsed.Tree).Right;
        Assert.Equal(8, parsed.Map.ColumnOf(div));
        Assert.Equal(5, parsed.Map.ColumnOf(div.Left));
        Assert.Equal(1, parsed.Map.ColumnOf(((Binary)parsed.Tree).Left));
    }

    [Theory]
    [InlineData("", 0, "empty expression")]
    [InlineData("x +", 4, "unexpected end of the expression")]
    [InlineData("x + * y", 5, "unexpected '*'")]
    [InlineData("(x + y", 7, "the '(' at column 1 is not closed")]
    [InlineData("exp(x", 6, "the '(' at column 4 is not closed")]
    [InlineData("x + y)", 6, "unmatched ')'")]
    [InlineData("2x", 2, "missing operator between '2' and 'x' (write 2*x)")]
    [InlineData("x y", 3, "unexpected 'y' (missing operator?)")]
    [InlineData("x $ y", 3, "unexpected character '$'")]
    [InlineData("x = y", 3, "unexpected '='")]
    [InlineData("1e+", 2, "malformed number '1e+'")]
    [InlineData("foo(x)", 1, "unknown function 'foo'")]
    [InlineData("exp + 1", 1, "'exp' is a function: write exp(…)")]
    [InlineData("min(x)", 1, "min takes 2 arguments, got 1")]
    [InlineData("sin(x, y)", 1, "sin takes 1 argument, got 2")]
    [InlineData("1e999", 1, "number '1e999' is too large")]
    public void SyntaxErrorsNameTheColumn(string text, int column, string message)
    {
        var e = Assert.Throws<ExpressionException>(() => Parser.Parse(text));
        Assert.Equal(column, e.Column);
        Assert.StartsWith(message, e.Message);
    }
}
