using System.Reflection.Emit;

namespace Models.Equations;

/// <summary>
/// A compiled list of expressions: reads the state from <paramref name="u"/> and the parameters
/// from <paramref name="p"/> (the first elements of spans, by reference) and writes expression
/// i to <c>result[i]</c>. Pure: no allocation, no shared state, safe to call from any thread.
/// </summary>
public delegate void Kernel(ref double u, ref double p, ref double result);

/// <summary>A <see cref="Kernel"/> that also reads a direction <paramref name="x"/> (for directional derivatives).</summary>
public delegate void DirectionalKernel(ref double u, ref double p, ref double x, ref double result);

/// <summary>Where a name of a compiled expression is read from: argument 0 (state), 1 (parameters) or 2 (direction), at an index.</summary>
public readonly record struct Slot(int Argument, int Index)
{
    public static Slot State(int index) => new(0, index);
    public static Slot Parameter(int index) => new(1, index);
    public static Slot Direction(int index) => new(2, index);
}

/// <summary>
/// Compiles expressions to IL (<see cref="DynamicMethod"/>) over byrefs to the first elements of
/// the caller's spans, so a call costs what hand-written C# over spans costs: no copies, no
/// allocation, no bounds checks inside, and the JIT's full optimisation (dynamic methods are
/// not tiered).
/// </summary>
/// <remarks>
/// Every state and parameter that is used is loaded once into a local; every subexpression
/// that occurs more than once across all outputs (structurally equal trees) is computed once
/// into a local (common-subexpression elimination), which is what makes a Jacobian, whose
/// entries repeat the same factors, cheap. Operations are emitted in the order the
/// <see cref="Evaluator"/> performs them, so compiled and interpreted values agree exactly.
/// </remarks>
public static class KernelCompiler
{
    /// <summary>Compiles <paramref name="outputs"/>; every <see cref="Sym"/> must resolve through <paramref name="resolve"/>.</summary>
    public static Kernel Compile(string name, IReadOnlyList<Expr> outputs, Func<string, Slot> resolve)
        => (Kernel)Build(name, outputs, resolve, inputs: 2).CreateDelegate(typeof(Kernel), null);

    /// <summary>As <see cref="Compile"/>, with names that may also resolve to <see cref="Slot.Direction"/>.</summary>
    public static DirectionalKernel CompileDirectional(string name, IReadOnlyList<Expr> outputs, Func<string, Slot> resolve)
        => (DirectionalKernel)Build(name, outputs, resolve, inputs: 3).CreateDelegate(typeof(DirectionalKernel), null);

    static DynamicMethod Build(string name, IReadOnlyList<Expr> outputs, Func<string, Slot> resolve, int inputs)
    {
        // A first (unused) object argument, bound to null: a delegate closed over its first argument is
        // called directly, while an open static one goes through an argument-shuffling stub.
        var byRef = typeof(double).MakeByRefType();
        var method = new DynamicMethod(name, typeof(void), [typeof(object), .. Enumerable.Repeat(byRef, inputs + 1)], typeof(KernelCompiler).Module, skipVisibility: true);
        new Emitter(method.GetILGenerator(), outputs, resolve, inputs).EmitAll();
        return method;
    }

    sealed class Emitter
    {
        readonly ILGenerator _il;
        readonly IReadOnlyList<Expr> _outputs;
        readonly Dictionary<Expr, int> _uses = [];
        readonly Dictionary<Expr, LocalBuilder> _computed = [];
        readonly Dictionary<string, LocalBuilder> _names = [];
        readonly Func<string, Slot> _resolve;
        readonly int _inputs;

        public Emitter(ILGenerator il, IReadOnlyList<Expr> outputs, Func<string, Slot> resolve, int inputs)
        {
            _il = il;
            _outputs = outputs;
            _resolve = resolve;
            _inputs = inputs;
        }

        public void EmitAll()
        {
            foreach (var e in _outputs) Count(e);
            // Load every name once (the stores to result could alias u or p, so the JIT would otherwise reload them).
            foreach (var s in _uses.Keys.OfType<Sym>().Select(s => s.Name).Distinct().Order(StringComparer.Ordinal))
            {
                var slot = _resolve(s);
                var local = _il.DeclareLocal(typeof(double));
                if (slot.Argument >= _inputs) throw new ArgumentException($"'{s}' resolves to argument {slot.Argument}, the kernel has {_inputs} inputs");
                _il.Emit(OpCodes.Ldarg, (short)(slot.Argument + 1));
                Offset(slot.Index);
                _il.Emit(OpCodes.Ldind_R8);
                _il.Emit(OpCodes.Stloc, local);
                _names[s] = local;
            }
            for (int i = 0; i < _outputs.Count; i++)
            {
                _il.Emit(OpCodes.Ldarg, (short)(_inputs + 1));
                Offset(i);
                Emit(_outputs[i]);
                _il.Emit(OpCodes.Stind_R8);
            }
            _il.Emit(OpCodes.Ret);
        }

        void Offset(int index)
        {
            if (index == 0) return;
            _il.Emit(OpCodes.Ldc_I4, index * sizeof(double));
            _il.Emit(OpCodes.Conv_I);
            _il.Emit(OpCodes.Add);
        }

        /// <summary>Counts occurrences of each distinct subtree; the children of a repeated subtree are counted once.</summary>
        void Count(Expr e)
        {
            _uses[e] = _uses.TryGetValue(e, out int n) ? n + 1 : 1;
            if (n > 0) return;
            switch (e)
            {
                case Neg neg: Count(neg.Operand); break;
                case Binary b: Count(b.Left); Count(b.Right); break;
                case Call c: Count(c.Argument); if (c.Second is not null) Count(c.Second); break;
            }
        }

        void Emit(Expr e)
        {
            switch (e)
            {
                case Num n:
                    _il.Emit(OpCodes.Ldc_R8, n.Value);
                    return;
                case Sym s:
                    _il.Emit(OpCodes.Ldloc, _names[s.Name]);
                    return;
            }
            if (_computed.TryGetValue(e, out var done))
            {
                _il.Emit(OpCodes.Ldloc, done);
                return;
            }
            switch (e)
            {
                case Neg neg:
                    Emit(neg.Operand);
                    _il.Emit(OpCodes.Neg);
                    break;
                case Binary { Operator: BinaryOperator.Power } pow:
                    EmitPower(pow);
                    break;
                case Binary b:
                    Emit(b.Left);
                    Emit(b.Right);
                    _il.Emit(b.Operator switch
                    {
                        BinaryOperator.Add => OpCodes.Add,
                        BinaryOperator.Subtract => OpCodes.Sub,
                        BinaryOperator.Multiply => OpCodes.Mul,
                        _ => OpCodes.Div,
                    });
                    break;
                case Call c:
                    Emit(c.Argument);
                    if (c.Second is not null) Emit(c.Second);
                    _il.Emit(OpCodes.Call, c.Function.Method);
                    break;
                default:
                    throw new ArgumentException($"unknown node {e.GetType().Name}");
            }
            if (_uses[e] > 1)
            {
                var local = _il.DeclareLocal(typeof(double));
                _il.Emit(OpCodes.Dup);
                _il.Emit(OpCodes.Stloc, local);
                _computed[e] = local;
            }
        }

        void EmitPower(Binary pow)
        {
            if (Powers.IntegerExponent(pow.Right) is int k)
            {
                if (k == 0) { _il.Emit(OpCodes.Ldc_R8, 1.0); return; }
                if (k < 0) _il.Emit(OpCodes.Ldc_R8, 1.0);
                // The same multiplications as Powers.IntegerPower.
                var square = _il.DeclareLocal(typeof(double));
                var result = _il.DeclareLocal(typeof(double));
                Emit(pow.Left);
                _il.Emit(OpCodes.Stloc, square);
                bool started = false;
                for (int m = Math.Abs(k); ; )
                {
                    if ((m & 1) != 0)
                    {
                        if (started)
                        {
                            _il.Emit(OpCodes.Ldloc, result);
                            _il.Emit(OpCodes.Ldloc, square);
                            _il.Emit(OpCodes.Mul);
                        }
                        else _il.Emit(OpCodes.Ldloc, square);
                        _il.Emit(OpCodes.Stloc, result);
                        started = true;
                    }
                    m >>= 1;
                    if (m == 0) break;
                    _il.Emit(OpCodes.Ldloc, square);
                    _il.Emit(OpCodes.Ldloc, square);
                    _il.Emit(OpCodes.Mul);
                    _il.Emit(OpCodes.Stloc, square);
                }
                _il.Emit(OpCodes.Ldloc, result);
                if (k < 0) _il.Emit(OpCodes.Div);
                return;
            }
            Emit(pow.Left);
            if (pow.Right is Num { Value: 0.5 })
            {
                _il.Emit(OpCodes.Call, typeof(Math).GetMethod(nameof(Math.Sqrt), [typeof(double)])!);
                return;
            }
            Emit(pow.Right);
            _il.Emit(OpCodes.Call, typeof(Math).GetMethod(nameof(Math.Pow), [typeof(double), typeof(double)])!);
        }
    }
}
