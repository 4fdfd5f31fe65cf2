namespace Models.Equations;

/// <summary>
/// An expression of the equation language: an immutable tree with structural equality
/// (two trees are equal when they have the same shape, names and numbers). Source positions
/// are not part of the tree; the parser keeps them in a <see cref="SourceMap"/>.
/// </summary>
/// <remarks>
/// Subtrees are shared, not copied: a definition used in several places is one object, and
/// derivatives share the subtrees of what they differentiate, so an expression is a DAG whose
/// written-out tree may be exponentially larger (definitions built on definitions). Each node
/// therefore gets, when it is made, a <see cref="StructureId"/>: the same number for the same
/// structure, whatever objects it is built from (a hash-consing table over the node's kind and its
/// children's ids). Equality and hashing compare ids, in constant time, and every algorithm over
/// expressions memoises by node, so that work is linear in the shared graph.
/// </remarks>
public abstract record Expr
{
    /// <summary>Nodes on the longest path from this node down to a leaf (1 for a number or a name).</summary>
    public abstract int Depth { get; }

    /// <summary>Equal for structurally equal expressions and only for them (within the process).</summary>
    public abstract long StructureId { get; }

    // (Before Zero and One: static fields are initialised in the order they are written.)
    static readonly System.Collections.Concurrent.ConcurrentDictionary<Structure, long> Structures = new();
    static long _lastId;

    /// <summary>The constant 0.</summary>
    public static readonly Expr Zero = new Num(0);

    /// <summary>The constant 1.</summary>
    public static readonly Expr One = new Num(1);

    /// <summary>The written form, with the fewest parentheses that re-parse to this tree.</summary>
    public sealed override string ToString() => Printer.Print(this);

    /// <summary>What identifies a node's structure: its kind, operator or function, its children's ids, its number or name.</summary>
    private protected readonly record struct Structure(int Kind, object? Tag, long First, long Second, double Number);

    /// <summary>The id of <paramref name="structure"/>, made on first sight. (The table keeps ids and names only, never nodes.)</summary>
    private protected static long IdOf(Structure structure)
        => Structures.TryGetValue(structure, out long id) ? id : Structures.GetOrAdd(structure, _ => Interlocked.Increment(ref _lastId));
}

/// <summary>A number literal (the parser only produces finite non-negative ones; −2 is <c>Neg(Num 2)</c>).</summary>
public sealed record Num(double Value) : Expr
{
    // Numbers compare as doubles do in Equals: 0 and −0 are one number, and so are all NaNs.
    readonly long _id = IdOf(new Structure(0, null, 0, 0, Value == 0 ? 0 : double.IsNaN(Value) ? double.NaN : Value));

    public override int Depth => 1;

    public override long StructureId => _id;

    public bool Equals(Num? other) => other is not null && _id == other._id;

    public override int GetHashCode() => _id.GetHashCode();
}

/// <summary>A name: a state, parameter, constant or definition (<c>where:</c>), or <c>pi</c>.</summary>
public sealed record Sym(string Name) : Expr
{
    readonly long _id = IdOf(new Structure(1, Name, 0, 0, 0));

    public override int Depth => 1;

    public override long StructureId => _id;

    public bool Equals(Sym? other) => other is not null && _id == other._id;

    public override int GetHashCode() => _id.GetHashCode();
}

/// <summary>Unary minus.</summary>
public sealed record Neg(Expr Operand) : Expr
{
    readonly long _id = IdOf(new Structure(2, null, Operand.StructureId, 0, 0));

    public override int Depth { get; } = Operand.Depth + 1;

    public override long StructureId => _id;

    public bool Equals(Neg? other) => other is not null && _id == other._id;

    public override int GetHashCode() => _id.GetHashCode();
}

/// <summary>The binary operators, in the order of the language's <c>+ - * / ^</c>.</summary>
public enum BinaryOperator { Add, Subtract, Multiply, Divide, Power }

/// <summary>A binary operation.</summary>
public sealed record Binary(BinaryOperator Operator, Expr Left, Expr Right) : Expr
{
    readonly long _id = IdOf(new Structure(3, Operator, Left.StructureId, Right.StructureId, 0));

    public override int Depth { get; } = Math.Max(Left.Depth, Right.Depth) + 1;

    public override long StructureId => _id;

    public bool Equals(Binary? other) => other is not null && _id == other._id;

    public override int GetHashCode() => _id.GetHashCode();
}

/// <summary>A call of a built-in function (see <see cref="Functions"/>) with one or two arguments.</summary>
public sealed record Call(Function Function, Expr Argument, Expr? Second = null) : Expr
{
    readonly long _id = IdOf(new Structure(4, Function, Argument.StructureId, Second?.StructureId ?? 0, 0));

    public override int Depth { get; } = Math.Max(Argument.Depth, Second?.Depth ?? 0) + 1;

    public override long StructureId => _id;

    public bool Equals(Call? other) => other is not null && _id == other._id;

    public override int GetHashCode() => _id.GetHashCode();
}

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
