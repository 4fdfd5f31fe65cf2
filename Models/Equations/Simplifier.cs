namespace Models.Equations;

/// <summary>
/// Bottom-up simplification of the obvious: constant folding, sums with 0, products with 0
/// and 1, powers 0 and 1, double negation, signs pulled out of products and quotients, and a
/// denominator cancelled against an equal factor of the numerator ((τ·x)/τ = x).
/// </summary>
/// <remarks>
/// The rewrites keep the value for every finite input up to rounding, except that 0·x and 0/x
/// become 0 even where x would be infinite or NaN, and x − x and (τ·x)/τ even where τ or x is
/// 0 or infinite (the usual convention of symbolic differentiation: a Jacobian entry that is
/// structurally zero is zero); and a zero may lose its sign.
/// </remarks>
public static class Simplifier
{
    /// <summary>The simplified expression.</summary>
    public static Expr Simplify(Expr e) => Simplify(e, new Dictionary<Expr, Expr>(ReferenceEqualityComparer.Instance));

    /// <summary>The simplified expression; <paramref name="done"/> holds the nodes already simplified (by identity), so a shared subtree is simplified once.</summary>
    public static Expr Simplify(Expr e, Dictionary<Expr, Expr> done)
    {
        if (e is Num or Sym) return e;
        if (done.TryGetValue(e, out var known)) return known;
        var result = e switch
        {
            Neg n => Negate(Simplify(n.Operand, done)),
            Binary b => Combine(b.Operator, Simplify(b.Left, done), Simplify(b.Right, done)),
            Call c => Apply(c.Function, Simplify(c.Argument, done), c.Second is null ? null : Simplify(c.Second, done)),
            _ => throw new ArgumentException($"unknown node {e.GetType().Name}"),
        };
        done[e] = result;
        return result;
    }

    static bool IsNum(Expr e, double v) => e is Num n && n.Value == v;

    /// <summary>−a, simplified at the top only.</summary>
    public static Expr Negate(Expr a) => a switch
    {
        Num n => new Num(-n.Value),
        Neg n => n.Operand,
        Binary { Operator: BinaryOperator.Subtract } b => new Binary(BinaryOperator.Subtract, b.Right, b.Left),
        _ => new Neg(a),
    };

    /// <summary>a ∘ b for already simplified operands, simplified at the top only.</summary>
    public static Expr Combine(BinaryOperator op, Expr a, Expr b)
    {
        if (a is Num x && b is Num y)
        {
            double v = op switch
            {
                BinaryOperator.Add => x.Value + y.Value,
                BinaryOperator.Subtract => x.Value - y.Value,
                BinaryOperator.Multiply => x.Value * y.Value,
                BinaryOperator.Divide => x.Value / y.Value,
                _ => Math.Pow(x.Value, y.Value),
            };
            if (double.IsFinite(v)) return new Num(v);
        }
        switch (op)
        {
            case BinaryOperator.Add:
                if (IsNum(a, 0)) return b;
                if (IsNum(b, 0)) return a;
                if (b is Neg nb) return Combine(BinaryOperator.Subtract, a, nb.Operand);
                if (b is Num { Value: < 0 } mb) return new Binary(BinaryOperator.Subtract, a, new Num(-mb.Value));
                if (a is Neg na) return Combine(BinaryOperator.Subtract, b, na.Operand);
                break;
            case BinaryOperator.Subtract:
                if (IsNum(b, 0)) return a;
                if (IsNum(a, 0)) return Negate(b);
                if (b is Neg nb2) return Combine(BinaryOperator.Add, a, nb2.Operand);
                if (b is Num { Value: < 0 } mb2) return new Binary(BinaryOperator.Add, a, new Num(-mb2.Value));
                if (a.Equals(b)) return Expr.Zero;
                break;
            case BinaryOperator.Multiply:
                if (IsNum(a, 0) || IsNum(b, 0)) return Expr.Zero;
                if (IsNum(a, 1)) return b;
                if (IsNum(b, 1)) return a;
                if (IsNum(a, -1)) return Negate(b);
                if (IsNum(b, -1)) return Negate(a);
                if (a is Neg ma) return Negate(Combine(BinaryOperator.Multiply, ma.Operand, b));
                if (b is Neg mb3) return Negate(Combine(BinaryOperator.Multiply, a, mb3.Operand));
                if (a is Num { Value: < 0 } ca) return Negate(Combine(BinaryOperator.Multiply, new Num(-ca.Value), b));
                // Numbers first, and two numbers in a row folded: c1*(c2*x) = (c1*c2)*x.
                if (b is Num && a is not Num) return Combine(BinaryOperator.Multiply, b, a);
                if (a is Num c1 && b is Binary { Operator: BinaryOperator.Multiply, Left: Num c2 } inner)
                    return Combine(BinaryOperator.Multiply, new Num(c1.Value * c2.Value), inner.Right);
                break;
            case BinaryOperator.Divide:
                if (IsNum(a, 0)) return Expr.Zero;
                if (IsNum(b, 1)) return a;
                if (IsNum(b, -1)) return Negate(a);
                if (a is Neg da) return Negate(Combine(BinaryOperator.Divide, da.Operand, b));
                if (a is Num { Value: < 0 } na2) return Negate(Combine(BinaryOperator.Divide, new Num(-na2.Value), b));
                if (b is Neg db) return Negate(Combine(BinaryOperator.Divide, a, db.Operand));
                // (τ·x)/τ = x: derivatives of quotients repeat the denominator as a factor of the numerator.
                if (b is not Num && WithoutFactor(a, b) is { } cancelled) return cancelled;
                break;
            case BinaryOperator.Power:
                if (IsNum(b, 0)) return Expr.One;
                if (IsNum(b, 1)) return a;
                if (IsNum(a, 1)) return Expr.One;
                break;
        }
        return new Binary(op, a, b);
    }

    /// <summary><paramref name="e"/> with one factor equal to <paramref name="factor"/> removed from its product (through products and negations only), or null.</summary>
    static Expr? WithoutFactor(Expr e, Expr factor)
    {
        if (e.Equals(factor)) return Expr.One;
        switch (e)
        {
            case Neg n:
                return WithoutFactor(n.Operand, factor) is { } inner ? Negate(inner) : null;
            case Binary { Operator: BinaryOperator.Multiply } m:
                if (WithoutFactor(m.Left, factor) is { } left) return Combine(BinaryOperator.Multiply, left, m.Right);
                if (WithoutFactor(m.Right, factor) is { } right) return Combine(BinaryOperator.Multiply, m.Left, right);
                return null;
            default:
                return null;
        }
    }

    /// <summary>f(a[, b]) for already simplified arguments, folded when they are numbers.</summary>
    public static Expr Apply(Function f, Expr a, Expr? b)
    {
        if (a is Num x && (b is null || b is Num))
        {
            double v = f.Evaluate(x.Value, b is Num y ? y.Value : 0);
            if (double.IsFinite(v)) return new Num(v);
        }
        return new Call(f, a, b);
    }
}
