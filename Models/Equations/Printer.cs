using System.Globalization;
using System.Text;

namespace Models.Equations;

/// <summary>
/// Writes an expression in the equation language with the fewest parentheses needed for
/// <see cref="Parser"/> to read back the same tree (for trees whose numbers are finite and
/// non-negative, as parsed trees are; a negative number is written as a negation, <c>-2</c>).
/// </summary>
public static class Printer
{
    enum Level { Sum = 1, Product = 2, Unary = 3, Power = 4, Primary = 5 }

    /// <summary>The expression as text, e.g. <c>A - (B + 1)*x + x^2*y</c>.</summary>
    public static string Print(Expr e)
    {
        var sb = new StringBuilder();
        Write(sb, e);
        return sb.ToString();
    }

    static Level LevelOf(Expr e) => e switch
    {
        Num n => n.Value < 0 || double.IsNegative(n.Value) ? Level.Unary : Level.Primary,
        Sym or Call => Level.Primary,
        Neg => Level.Unary,
        Binary { Operator: BinaryOperator.Add or BinaryOperator.Subtract } => Level.Sum,
        Binary { Operator: BinaryOperator.Multiply or BinaryOperator.Divide } => Level.Product,
        Binary => Level.Power,
        _ => throw new ArgumentException($"unknown node {e.GetType().Name}"),
    };

    /// <summary>Writes <paramref name="e"/>, in parentheses when its level is below <paramref name="min"/> (or it is a negation and <paramref name="wrapNegation"/>).</summary>
    static void Operand(StringBuilder sb, Expr e, Level min, bool wrapNegation = false)
    {
        bool parens = LevelOf(e) < min || (wrapNegation && LevelOf(e) == Level.Unary);
        if (parens) sb.Append('(');
        Write(sb, e);
        if (parens) sb.Append(')');
    }

    static void Write(StringBuilder sb, Expr e)
    {
        switch (e)
        {
            case Num n:
                // A negative number is written like a negation (and re-parses as one).
                if (n.Value < 0 || double.IsNegative(n.Value)) sb.Append('-').Append(Number(-n.Value));
                else sb.Append(Number(n.Value));
                break;
            case Sym s:
                sb.Append(s.Name);
                break;
            case Neg neg:
                sb.Append('-');
                // "-(-x)" rather than "--x"; a product or sum needs parentheses ("-a*b" is (-a)*b).
                Operand(sb, neg.Operand, Level.Unary, wrapNegation: true);
                break;
            case Binary b:
                switch (b.Operator)
                {
                    case BinaryOperator.Add or BinaryOperator.Subtract:
                        Operand(sb, b.Left, Level.Sum);
                        sb.Append(b.Operator == BinaryOperator.Add ? " + " : " - ");
                        Operand(sb, b.Right, Level.Product, wrapNegation: true);
                        break;
                    case BinaryOperator.Multiply or BinaryOperator.Divide:
                        Operand(sb, b.Left, Level.Product);
                        sb.Append(b.Operator == BinaryOperator.Multiply ? '*' : '/');
                        Operand(sb, b.Right, Level.Unary, wrapNegation: true);
                        break;
                    default:
                        Operand(sb, b.Left, Level.Primary);
                        sb.Append('^');
                        Operand(sb, b.Right, Level.Unary, wrapNegation: true);
                        break;
                }
                break;
            case Call c:
                sb.Append(c.Function.Name).Append('(');
                Write(sb, c.Argument);
                if (c.Second is not null) { sb.Append(", "); Write(sb, c.Second); }
                sb.Append(')');
                break;
            default:
                throw new ArgumentException($"unknown node {e.GetType().Name}");
        }
    }

    /// <summary>A non-negative number with round-trip precision.</summary>
    static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
