namespace Models.Equations;

/// <summary>
/// An expression of the equation language: an immutable tree with structural equality
/// (two trees are equal when they have the same shape, names and numbers). Source positions
/// are not part of the tree; the parser keeps them in a <see cref="SourceMap"/>.
/// </summary>
public abstract record Expr
{
    /// <summary>The constant 0.</summary>
    public static readonly Expr Zero = new Num(0);

    /// <summary>The constant 1.</summary>
    public static readonly Expr One = new Num(1);

    /// <summary>The written form, with the fewest parentheses that re-parse to this tree.</summary>
    public sealed override string ToString() => Printer.Print(this);
}

/// <summary>A number literal (the parser only produces finite non-negative ones; −2 is <c>Neg(Num 2)</c>).</summary>
public sealed record Num(double Value) : Expr;

/// <summary>A name: a state, parameter, constant or definition (<c>where:</c>), or <c>pi</c>.</summary>
public sealed record Sym(string Name) : Expr;

/// <summary>Unary minus.</summary>
public sealed record Neg(Expr Operand) : Expr;

/// <summary>The binary operators, in the order of the language's <c>+ - * / ^</c>.</summary>
public enum BinaryOperator { Add, Subtract, Multiply, Divide, Power }

/// <summary>A binary operation.</summary>
public sealed record Binary(BinaryOperator Operator, Expr Left, Expr Right) : Expr;

/// <summary>A call of a built-in function (see <see cref="Functions"/>) with one or two arguments.</summary>
public sealed record Call(Function Function, Expr Argument, Expr? Second = null) : Expr;

/// <summary>Shorthand constructors, used by the simplifier and the differentiator.</summary>
public static class E
{
    public static Expr N(double v) => new Num(v);
    public static Expr Add(Expr a, Expr b) => new Binary(BinaryOperator.Add, a, b);
    public static Expr Sub(Expr a, Expr b) => new Binary(BinaryOperator.Subtract, a, b);
    public static Expr Mul(Expr a, Expr b) => new Binary(BinaryOperator.Multiply, a, b);
    public static Expr Div(Expr a, Expr b) => new Binary(BinaryOperator.Divide, a, b);
    public static Expr Pow(Expr a, Expr b) => new Binary(BinaryOperator.Power, a, b);
    public static Expr Neg(Expr a) => new Neg(a);
    public static Expr Call(Function f, Expr a, Expr? b = null) => new Call(f, a, b);
}
