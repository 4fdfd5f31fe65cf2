using System.Reflection;
using System.Runtime.CompilerServices;

namespace Models.Equations;

/// <summary>
/// A built-in function of the equation language: its name, arity, how to evaluate it (for
/// constant folding and the reference interpreter), the method the compiler calls, and its
/// partial derivatives as expressions.
/// </summary>
public sealed class Function
{
    Function(string name, int arity, MethodInfo method, Func<Expr, Expr?, Expr[]> partials)
    {
        Name = name;
        Arity = arity;
        Method = method;
        Partials = partials;
        if (arity == 1) _unary = method.CreateDelegate<Func<double, double>>();
        else _binary = method.CreateDelegate<Func<double, double, double>>();
    }

    readonly Func<double, double>? _unary;
    readonly Func<double, double, double>? _binary;

    /// <summary>The name as written in equations.</summary>
    public string Name { get; }

    /// <summary>Number of arguments (1 or 2).</summary>
    public int Arity { get; }

    /// <summary>The static method the compiled code calls: <c>double M(double)</c> or <c>double M(double, double)</c>.</summary>
    internal MethodInfo Method { get; }

    /// <summary>∂f/∂(argument k) as expressions in the arguments, one per argument.</summary>
    internal Func<Expr, Expr?, Expr[]> Partials { get; }

    /// <summary>Evaluates the function (the same method the compiled code calls).</summary>
    public double Evaluate(double a, double b = 0) => _unary is not null ? _unary(a) : _binary!(a, b);

    public override string ToString() => Name;

    static MethodInfo M(Type type, string name, int arity)
        => type.GetMethod(name, BindingFlags.Public | BindingFlags.Static, Enumerable.Repeat(typeof(double), arity).ToArray())
           ?? throw new InvalidOperationException($"{type.Name}.{name} not found");

    static Function Unary(string name, MethodInfo method, Func<Expr, Expr> derivative)
        => new(name, 1, method, (a, _) => [derivative(a)]);

    static Function Binary(string name, MethodInfo method, Func<Expr, Expr, (Expr, Expr)> partials)
        => new(name, 2, method, (a, b) => { var (da, db) = partials(a, b!); return [da, db]; });

    public static readonly Function Exp = Unary("exp", M(typeof(Math), nameof(Math.Exp), 1), a => E.Call(Exp!, a));
    public static readonly Function Log = Unary("log", M(typeof(Math), nameof(Math.Log), 1), a => E.Div(Expr.One, a));
    public static readonly Function Sqrt = Unary("sqrt", M(typeof(Math), nameof(Math.Sqrt), 1), a => E.Div(E.N(0.5), E.Call(Sqrt!, a)));
    public static readonly Function Sin = Unary("sin", M(typeof(Math), nameof(Math.Sin), 1), a => E.Call(Cos!, a));
    public static readonly Function Cos = Unary("cos", M(typeof(Math), nameof(Math.Cos), 1), a => E.Neg(E.Call(Sin, a)));
    public static readonly Function Tan = Unary("tan", M(typeof(Math), nameof(Math.Tan), 1), a => E.Div(Expr.One, E.Pow(E.Call(Cos, a), E.N(2))));
    public static readonly Function Sinh = Unary("sinh", M(typeof(Math), nameof(Math.Sinh), 1), a => E.Call(Cosh!, a));
    public static readonly Function Cosh = Unary("cosh", M(typeof(Math), nameof(Math.Cosh), 1), a => E.Call(Sinh, a));
    public static readonly Function Tanh = Unary("tanh", M(typeof(Math), nameof(Math.Tanh), 1), a => E.Sub(Expr.One, E.Pow(E.Call(Tanh!, a), E.N(2))));
    public static readonly Function Asin = Unary("asin", M(typeof(Math), nameof(Math.Asin), 1), a => E.Div(Expr.One, E.Call(Sqrt, E.Sub(Expr.One, E.Pow(a, E.N(2))))));
    public static readonly Function Acos = Unary("acos", M(typeof(Math), nameof(Math.Acos), 1), a => E.Neg(E.Div(Expr.One, E.Call(Sqrt, E.Sub(Expr.One, E.Pow(a, E.N(2)))))));
    public static readonly Function Atan = Unary("atan", M(typeof(Math), nameof(Math.Atan), 1), a => E.Div(Expr.One, E.Add(Expr.One, E.Pow(a, E.N(2)))));
    public static readonly Function Abs = Unary("abs", M(typeof(Math), nameof(Math.Abs), 1), a => E.Call(Sign!, a));
    public static readonly Function Sign = Unary("sign", M(typeof(Kernels), nameof(Kernels.Sign), 1), _ => Expr.Zero);
    public static readonly Function Heaviside = Unary("heaviside", M(typeof(Kernels), nameof(Kernels.Heaviside), 1), _ => Expr.Zero);
    public static readonly Function Sigmoid = Unary("sigmoid", M(typeof(Kernels), nameof(Kernels.Sigmoid), 1),
        a => E.Mul(E.Call(Sigmoid!, a), E.Sub(Expr.One, E.Call(Sigmoid!, a))));
    public static readonly Function Min = Binary("min", M(typeof(Math), nameof(Math.Min), 2),
        (a, b) => (E.Call(Heaviside, E.Sub(b, a)), E.Call(Heaviside, E.Sub(a, b))));
    public static readonly Function Max = Binary("max", M(typeof(Math), nameof(Math.Max), 2),
        (a, b) => (E.Call(Heaviside, E.Sub(a, b)), E.Call(Heaviside, E.Sub(b, a))));
    public static readonly Function Atan2 = Binary("atan2", M(typeof(Math), nameof(Math.Atan2), 2),
        (y, x) =>
        {
            var r2 = E.Add(E.Pow(x, E.N(2)), E.Pow(y, E.N(2)));
            return (E.Div(x, r2), E.Neg(E.Div(y, r2)));
        });

    /// <summary>Every built-in function.</summary>
    public static IReadOnlyList<Function> All { get; } =
        [Exp, Log, Sqrt, Sin, Cos, Tan, Sinh, Cosh, Tanh, Asin, Acos, Atan, Abs, Sign, Heaviside, Sigmoid, Min, Max, Atan2];

    /// <summary>The function with this name, or null.</summary>
    public static Function? Find(string name) => All.FirstOrDefault(f => f.Name == name);

    /// <summary>True for the functions whose derivative is zero or undefined on a set of measure zero (kinks, jumps).</summary>
    public bool IsSmooth => this != Abs && this != Sign && this != Heaviside && this != Min && this != Max;
}

/// <summary>The functions that <see cref="Math"/> lacks, as the compiled code calls them.</summary>
public static class Kernels
{
    /// <summary>−1, 0 or 1 (NaN for NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sign(double x) => x > 0 ? 1.0 : x < 0 ? -1.0 : x == 0 ? 0.0 : double.NaN;

    /// <summary>1 for x &gt; 0, 0 for x &lt; 0, ½ at 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Heaviside(double x) => x > 0 ? 1.0 : x < 0 ? 0.0 : x == 0 ? 0.5 : double.NaN;

    /// <summary>The logistic function 1/(1 + e^(−x)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));
}
