namespace Models.Equations;

/// <summary>
/// A tree-walking interpreter: the reference semantics of the language, used for constant
/// folding checks and by tests. It evaluates every operation exactly as the compiled code
/// does (<see cref="Powers"/> for <c>^</c>), so the two agree bit for bit on the same tree.
/// </summary>
public static class Evaluator
{
    /// <summary>The value of <paramref name="e"/> with names looked up by <paramref name="lookup"/>; each shared node is evaluated once.</summary>
    public static double Evaluate(Expr e, Func<string, double> lookup)
    {
        var values = new Dictionary<Expr, double>(ReferenceEqualityComparer.Instance);
        double Value(Expr x)
        {
            if (x is Num n) return n.Value;
            if (x is Sym s) return lookup(s.Name);
            if (values.TryGetValue(x, out double known)) return known;
            double v = x switch
            {
                Neg neg => -Value(neg.Operand),
                Binary b => b.Operator switch
                {
                    BinaryOperator.Add => Value(b.Left) + Value(b.Right),
                    BinaryOperator.Subtract => Value(b.Left) - Value(b.Right),
                    BinaryOperator.Multiply => Value(b.Left) * Value(b.Right),
                    BinaryOperator.Divide => Value(b.Left) / Value(b.Right),
                    _ => Powers.Power(Value(b.Left), b.Right, Value),
                },
                Call c => c.Function.Evaluate(Value(c.Argument), c.Second is null ? 0 : Value(c.Second)),
                _ => throw new ArgumentException($"unknown node {x.GetType().Name}"),
            };
            values[x] = v;
            return v;
        }
        return Value(e);
    }
}

/// <summary>How <c>a^b</c> is computed: small integer powers by multiplication, ½ by a square root, else <see cref="Math.Pow(double, double)"/>.</summary>
public static class Powers
{
    /// <summary>Integer exponents up to this magnitude are computed by repeated multiplication.</summary>
    public const int MaxIntegerExponent = 16;

    /// <summary>The integer exponent of <paramref name="exponent"/> when it is a small integer literal.</summary>
    public static int? IntegerExponent(Expr exponent)
        => exponent is Num { Value: var v } && v == Math.Round(v) && Math.Abs(v) <= MaxIntegerExponent ? (int)v : null;

    internal static double Power(double a, Expr exponent, Func<Expr, double> evaluate)
    {
        if (IntegerExponent(exponent) is int k) return IntegerPower(a, k);
        if (exponent is Num { Value: 0.5 }) return Math.Sqrt(a);
        return Math.Pow(a, evaluate(exponent));
    }

    /// <summary>a^k by binary powering (the same multiplications the compiled code does); 1/a^|k| for k &lt; 0.</summary>
    public static double IntegerPower(double a, int k)
    {
        if (k == 0) return 1.0;
        if (k < 0) return 1.0 / IntegerPower(a, -k);
        double result = 0;
        bool started = false;
        double square = a;
        while (true)
        {
            if ((k & 1) != 0) { result = started ? result * square : square; started = true; }
            k >>= 1;
            if (k == 0) return result;
            square *= square;
        }
    }
}
