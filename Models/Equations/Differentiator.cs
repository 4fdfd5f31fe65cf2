using static Models.Equations.Simplifier;

namespace Models.Equations;

/// <summary>
/// Symbolic differentiation of an expression with respect to one name, simplified as it is
/// built (<see cref="Simplifier"/>), so that structurally zero derivatives are the number 0.
/// </summary>
/// <remarks>
/// Rules: sum, product and quotient rules; x^c → c·x^(c−1)·x′ for a power that does not depend
/// on the variable, c^y → c^y·log(c)·y′ for a base that does not, and the general
/// a^b·(b′·log a + b·a′/a) otherwise; the chain rule with each function's partial derivatives
/// (<see cref="Function"/>). abs, sign, heaviside, min and max are differentiated away from
/// their kinks (sign′ = heaviside′ = 0; min and max pick the active argument, half each on a tie).
/// </remarks>
public static class Differentiator
{
    /// <summary>∂e/∂<paramref name="variable"/>, simplified.</summary>
    public static Expr Differentiate(Expr e, string variable) => DifferentiateSimplified(Simplify(e), variable);

    /// <summary>∂e/∂<paramref name="variable"/> for an <paramref name="e"/> that is already simplified.</summary>
    public static Expr DifferentiateSimplified(Expr e, string variable)
    {
        if (!DependsOn(e, variable)) return Expr.Zero;
        return D(e, variable, new Memo());
    }

    /// <summary>The names that occur in <paramref name="e"/>.</summary>
    public static HashSet<string> Names(Expr e)
    {
        var names = new HashSet<string>();
        foreach (var x in Nodes(e)) if (x is Sym s) names.Add(s.Name);
        return names;
    }

    /// <summary>True when <paramref name="e"/> mentions <paramref name="variable"/>.</summary>
    public static bool DependsOn(Expr e, string variable) => Nodes(e).Any(x => x is Sym s && s.Name == variable);

    /// <summary>Every distinct node of <paramref name="e"/> (by identity) once, without recursion: linear in the shared graph, whatever its depth.</summary>
    public static IEnumerable<Expr> Nodes(Expr e)
    {
        var seen = new HashSet<Expr>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Expr>();
        stack.Push(e);
        while (stack.Count > 0)
        {
            var x = stack.Pop();
            if (!seen.Add(x)) continue;
            yield return x;
            switch (x)
            {
                case Neg n: stack.Push(n.Operand); break;
                case Binary b: stack.Push(b.Right); stack.Push(b.Left); break;
                case Call c: if (c.Second is not null) stack.Push(c.Second); stack.Push(c.Argument); break;
            }
        }
    }

    /// <summary>What one differentiation has done, by node identity: derivatives, and simplified partial derivatives of functions.</summary>
    sealed class Memo
    {
        public readonly Dictionary<Expr, Expr> Derivatives = new(ReferenceEqualityComparer.Instance);
        public readonly Dictionary<Expr, Expr> Simplified = new(ReferenceEqualityComparer.Instance);
    }

    static Expr D(Expr e, string x, Memo cache)
    {
        if (cache.Derivatives.TryGetValue(e, out var done)) return done;
        Expr result = e switch
        {
            Num => Expr.Zero,
            Sym s => s.Name == x ? Expr.One : Expr.Zero,
            Neg n => Negate(D(n.Operand, x, cache)),
            Binary b => DBinary(b, x, cache),
            Call c => DCall(c, x, cache),
            _ => throw new ArgumentException($"unknown node {e.GetType().Name}"),
        };
        cache.Derivatives[e] = result;
        return result;
    }

    static Expr DBinary(Binary b, string x, Memo cache)
    {
        Expr a = b.Left, c = b.Right;
        switch (b.Operator)
        {
            case BinaryOperator.Add: return Combine(BinaryOperator.Add, D(a, x, cache), D(c, x, cache));
            case BinaryOperator.Subtract: return Combine(BinaryOperator.Subtract, D(a, x, cache), D(c, x, cache));
            case BinaryOperator.Multiply:
                return Combine(BinaryOperator.Add,
                    Combine(BinaryOperator.Multiply, D(a, x, cache), c),
                    Combine(BinaryOperator.Multiply, a, D(c, x, cache)));
            case BinaryOperator.Divide:
            {
                // (a/c)' = a'/c − a·c'/c²
                var da = D(a, x, cache);
                var dc = D(c, x, cache);
                var first = Combine(BinaryOperator.Divide, da, c);
                if (dc is Num { Value: 0 }) return first;
                var second = Combine(BinaryOperator.Divide, Combine(BinaryOperator.Multiply, a, dc), Combine(BinaryOperator.Power, c, new Num(2)));
                return Combine(BinaryOperator.Subtract, first, second);
            }
            default:
            {
                var da = D(a, x, cache);
                var dc = D(c, x, cache);
                if (dc is Num { Value: 0 })
                {
                    // a^c with c independent of x: c·a^(c−1)·a′
                    if (da is Num { Value: 0 }) return Expr.Zero;
                    var lowered = Combine(BinaryOperator.Power, a, Combine(BinaryOperator.Subtract, c, Expr.One));
                    return Combine(BinaryOperator.Multiply, Combine(BinaryOperator.Multiply, c, lowered), da);
                }
                if (da is Num { Value: 0 })
                    return Combine(BinaryOperator.Multiply, Combine(BinaryOperator.Multiply, b, Apply(Function.Log, a, null)), dc);
                // a^c·(c′·log a + c·a′/a)
                var inner = Combine(BinaryOperator.Add,
                    Combine(BinaryOperator.Multiply, dc, Apply(Function.Log, a, null)),
                    Combine(BinaryOperator.Divide, Combine(BinaryOperator.Multiply, c, da), a));
                return Combine(BinaryOperator.Multiply, b, inner);
            }
        }
    }

    static Expr DCall(Call call, string x, Memo cache)
    {
        var partials = call.Function.Partials(call.Argument, call.Second);
        Expr sum = Expr.Zero;
        var args = call.Second is null ? [call.Argument] : new[] { call.Argument, call.Second };
        for (int k = 0; k < args.Length; k++)
        {
            var dk = D(args[k], x, cache);
            if (dk is Num { Value: 0 }) continue;
            sum = Combine(BinaryOperator.Add, sum, Combine(BinaryOperator.Multiply, Simplify(partials[k], cache.Simplified), dk));
        }
        return sum;
    }
}
