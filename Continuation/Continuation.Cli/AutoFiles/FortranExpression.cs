using System.Globalization;
using System.Text;

namespace Continuation.Cli.AutoFiles;

/// <summary>
/// An expression of AUTO-07p's Fortran subset after reading: numbers, the state U(i), the
/// parameters PAR(i), local variables (by the name of their assignment), the four operations,
/// powers, and intrinsic functions already mapped to the names of the case-file language.
/// </summary>
abstract record FExpr
{
    /// <summary>Integer constants keep Fortran's integer arithmetic when folded (1/2 is 0).</summary>
    public sealed record Number(double Value, bool IsInteger) : FExpr;
    public sealed record State(int Index) : FExpr;
    public sealed record Parameter(int Index) : FExpr;
    public sealed record Local(string Key) : FExpr;
    public sealed record Negate(FExpr Operand) : FExpr;
    public sealed record Binary(char Op, FExpr Left, FExpr Right) : FExpr;
    public sealed record Call(string Function, IReadOnlyList<FExpr> Arguments) : FExpr;

    /// <summary>Every sub-expression, depth first.</summary>
    public IEnumerable<FExpr> Nodes()
    {
        yield return this;
        IEnumerable<FExpr> children = this switch
        {
            Negate n => [n.Operand],
            Binary b => [b.Left, b.Right],
            Call c => c.Arguments,
            _ => [],
        };
        foreach (var child in children)
            foreach (var node in child.Nodes()) yield return node;
    }
}

/// <summary>
/// Writes a <see cref="FExpr"/> in the case-file expression language, keeping Fortran's
/// evaluation order (a − (b − c) keeps its parentheses) with no more parentheses than that needs.
/// </summary>
static class FortranPrinter
{
    public static string Print(FExpr e, Func<FExpr, string> name)
    {
        var sb = new StringBuilder();
        Write(e, 0, name, sb);
        return sb.ToString();
    }

    // Levels: 1 sums, 2 products, 3 negation, 4 powers, 5 primaries.
    static int Level(FExpr e) => e switch
    {
        FExpr.Binary { Op: '+' or '-' } => 1,
        FExpr.Binary { Op: '*' or '/' } => 2,
        FExpr.Negate => 3,
        FExpr.Number n when n.Value < 0 || double.IsNegative(n.Value) => 3,
        FExpr.Binary { Op: '^' } => 4,
        _ => 5,
    };

    static void Write(FExpr e, int min, Func<FExpr, string> name, StringBuilder sb)
    {
        bool wrap = Level(e) < min;
        if (wrap) sb.Append('(');
        switch (e)
        {
            case FExpr.Number n:
                sb.Append(n.Value.ToString("R", CultureInfo.InvariantCulture));
                break;
            case FExpr.Negate neg:
                sb.Append('-');
                Write(neg.Operand, 3, name, sb);
                break;
            case FExpr.Binary { Op: '^' } pow:
                Write(pow.Left, 5, name, sb);
                sb.Append('^');
                Write(pow.Right, 3, name, sb);
                break;
            case FExpr.Binary b:
                int level = b.Op is '+' or '-' ? 1 : 2;
                Write(b.Left, level, name, sb);
                sb.Append(level == 1 ? $" {b.Op} " : b.Op.ToString());
                Write(b.Right, level + 1, name, sb);
                break;
            case FExpr.Call c:
                sb.Append(c.Function).Append('(');
                for (int i = 0; i < c.Arguments.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Write(c.Arguments[i], 0, name, sb);
                }
                sb.Append(')');
                break;
            default:
                sb.Append(name(e));
                break;
        }
        if (wrap) sb.Append(')');
    }

    /// <summary>The value of a constant expression computed in single precision (REAL*4) as Fortran would, or null when it has names.</summary>
    public static float? EvaluateSingle(FExpr e)
    {
        switch (e)
        {
            case FExpr.Number n: return (float)n.Value;
            case FExpr.Negate neg: return -EvaluateSingle(neg.Operand);
            case FExpr.Binary b:
            {
                if (EvaluateSingle(b.Left) is not { } x || EvaluateSingle(b.Right) is not { } y) return null;
                return b.Op switch { '+' => x + y, '-' => x - y, '*' => x * y, '/' => x / y, _ => MathF.Pow(x, y) };
            }
            case FExpr.Call c when c.Arguments.Count == 1 && EvaluateSingle(c.Arguments[0]) is { } a:
                return c.Function switch
                {
                    "exp" => MathF.Exp(a), "log" => MathF.Log(a), "sqrt" => MathF.Sqrt(a), "sin" => MathF.Sin(a), "cos" => MathF.Cos(a),
                    "tan" => MathF.Tan(a), "sinh" => MathF.Sinh(a), "cosh" => MathF.Cosh(a), "tanh" => MathF.Tanh(a),
                    "asin" => MathF.Asin(a), "acos" => MathF.Acos(a), "atan" => MathF.Atan(a), "abs" => MathF.Abs(a),
                    _ => null,
                };
            default: return null;
        }
    }

    /// <summary>The value of a constant expression (names looked up by <paramref name="lookup"/>; null where one has no value).</summary>
    public static double? Evaluate(FExpr e, Func<FExpr, double?> lookup)
    {
        switch (e)
        {
            case FExpr.Number n: return n.Value;
            case FExpr.Negate neg: return -Evaluate(neg.Operand, lookup);
            case FExpr.Binary b:
            {
                if (Evaluate(b.Left, lookup) is not { } x || Evaluate(b.Right, lookup) is not { } y) return null;
                return b.Op switch { '+' => x + y, '-' => x - y, '*' => x * y, '/' => x / y, _ => Math.Pow(x, y) };
            }
            case FExpr.Call c:
            {
                var args = new double[c.Arguments.Count];
                for (int i = 0; i < args.Length; i++)
                    if (Evaluate(c.Arguments[i], lookup) is { } v) args[i] = v; else return null;
                return c.Function switch
                {
                    "exp" => Math.Exp(args[0]), "log" => Math.Log(args[0]), "sqrt" => Math.Sqrt(args[0]),
                    "sin" => Math.Sin(args[0]), "cos" => Math.Cos(args[0]), "tan" => Math.Tan(args[0]),
                    "sinh" => Math.Sinh(args[0]), "cosh" => Math.Cosh(args[0]), "tanh" => Math.Tanh(args[0]),
                    "asin" => Math.Asin(args[0]), "acos" => Math.Acos(args[0]), "atan" => Math.Atan(args[0]),
                    "abs" => Math.Abs(args[0]), "sign" => Math.Sign(args[0]), "atan2" => Math.Atan2(args[0], args[1]),
                    "min" => Math.Min(args[0], args[1]), "max" => Math.Max(args[0], args[1]),
                    _ => null,
                };
            }
            default: return lookup(e);
        }
    }
}
