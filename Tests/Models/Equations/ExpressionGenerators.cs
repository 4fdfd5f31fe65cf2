using CsCheck;
using Models.Equations;

namespace Tests.Models.Equations;

/// <summary>CsCheck generators of random expression trees over the names x, y and k.</summary>
internal static class ExpressionGenerators
{
    public static readonly string[] Names = ["x", "y", "k"];

    static readonly Function[] UnarySmooth =
        [Function.Exp, Function.Log, Function.Sqrt, Function.Sin, Function.Cos, Function.Tan, Function.Sinh,
         Function.Cosh, Function.Tanh, Function.Atan, Function.Sigmoid, Function.Asin, Function.Acos];

    static readonly Function[] UnaryAny = [.. UnarySmooth, Function.Abs, Function.Sign, Function.Heaviside];

    static readonly Function[] BinarySmooth = [Function.Atan2];

    static readonly Function[] BinaryAny = [Function.Atan2, Function.Min, Function.Max];

    /// <summary>
    /// Trees of depth up to <paramref name="depth"/> as the parser makes them (non-negative finite
    /// numbers, any function); with <paramref name="smooth"/> only differentiable functions, and
    /// numbers kept small so that values stay finite more often.
    /// </summary>
    public static Gen<Expr> Tree(int depth, bool smooth)
    {
        var number = smooth
            ? Any((1, Gen.Int[0, 5].Select(i => (double)i)), (1, Gen.Int[1, 300].Select(i => i / 100.0)))
            : Any((2, Gen.Int[0, 100].Select(i => (double)i)), (1, Gen.Double[0, 1e6]), (1, Gen.Double[0, 1e300]), (1, Gen.Double[0, 1e-3]));
        var leaf = Any((1, number.Select(v => (Expr)new Num(v))), (1, Gen.OneOf(Names).Select(n => (Expr)new Sym(n))));
        var unary = smooth ? UnarySmooth : UnaryAny;
        var binary = smooth ? BinarySmooth : BinaryAny;
        var operators = Enum.GetValues<BinaryOperator>();

        var level = leaf;
        for (int d = 0; d < depth; d++)
        {
            var below = level;
            var smallInteger = Gen.Int[-3, 4].Select(i => i < 0 ? (Expr)new Neg(new Num(-i)) : new Num(i));
            level = Any(
                (3, leaf),
                (1, below.Select(e => (Expr)new Neg(e))),
                (5, Gen.Select(Gen.OneOf(operators), below, below, (op, a, b) => (Expr)new Binary(op, a, b))),
                (2, Gen.Select(below, smallInteger, (a, n) => (Expr)new Binary(BinaryOperator.Power, a, n))),
                (2, Gen.Select(Gen.OneOf(unary), below, (f, a) => (Expr)new Call(f, a))),
                (1, Gen.Select(Gen.OneOf(binary), below, below, (f, a, b) => (Expr)new Call(f, a, b))));
        }
        return level;
    }

    static Gen<T> Any<T>(params (int Weight, Gen<T> Gen)[] choices)
        => Gen.Frequency(choices.Select(c => (c.Weight, (IGen<T>)c.Gen)).ToArray());
}
