namespace Models.Equations;

/// <summary>Columns of the nodes of a parsed tree, by node identity (not structural equality).</summary>
public sealed class SourceMap
{
    readonly Dictionary<Expr, int> _columns = new(ReferenceEqualityComparer.Instance);

    internal void Add(Expr node, int column) => _columns[node] = column;

    /// <summary>
    /// The 1-based column of a node: of the name for names and calls, of the operator for
    /// operations, of the literal for numbers; 0 for nodes the parser did not make.
    /// </summary>
    public int ColumnOf(Expr node) => _columns.TryGetValue(node, out int c) ? c : 0;
}

/// <summary>A parsed expression: the tree, where its nodes were written, and the text.</summary>
public sealed record ParsedExpression(Expr Tree, SourceMap Map, string Text);

/// <summary>
/// Recursive-descent parser of the equation language.
/// </summary>
/// <remarks>
/// Grammar (lowest precedence first; <c>^</c> is right-associative and binds tighter than unary
/// minus, so <c>-x^2</c> is −(x²) and <c>2^-x</c> is 2^(−x); <c>-a*b</c> is (−a)·b):
/// <code>
/// sum     := product (('+' | '-') product)*
/// product := unary (('*' | '/') unary)*
/// unary   := ('-' | '+') unary | power
/// power   := primary ('^' unary)?
/// primary := number | name | function '(' sum (',' sum)* ')' | '(' sum ')'
/// </code>
/// </remarks>
public sealed class Parser
{
    /// <summary>How deep parentheses, function calls, signs and powers may nest in one expression.</summary>
    public const int MaxNesting = 500;

    readonly List<Token> _tokens;
    readonly SourceMap _map = new();
    int _next;
    int _nesting;

    Parser(List<Token> tokens) => _tokens = tokens;

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="ExpressionException">A syntax error, at its column.</exception>
    public static ParsedExpression Parse(string text)
    {
        var parser = new Parser(Lexer.Tokenize(text));
        if (parser.Peek.Kind == TokenKind.End) throw new ExpressionException("empty expression", 0);
        var tree = parser.Sum();
        if (tree.Depth > ModelResolver.MaxDepth)
            throw new ExpressionException($"the expression nests {tree.Depth} operations deep (at most {ModelResolver.MaxDepth}; a sum of n terms is n deep): split it into definitions", 0);
        var end = parser.Peek;
        if (end.Kind != TokenKind.End)
            throw new ExpressionException(end.Kind == TokenKind.RightParen ? "unmatched ')'" : $"unexpected '{end.Text}' (missing operator?)", end.Column);
        return new ParsedExpression(tree, parser._map, text);
    }

    Token Peek => _tokens[_next];

    Token Take() => _tokens[_next++];

    T At<T>(T node, int column) where T : Expr
    {
        _map.Add(node, column);
        return node;
    }

    Expr Sum()
    {
        var left = Product();
        while (Peek.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = Take();
            var right = Product();
            left = At(new Binary(op.Kind == TokenKind.Plus ? BinaryOperator.Add : BinaryOperator.Subtract, left, right), op.Column);
        }
        return left;
    }

    Expr Product()
    {
        var left = Unary();
        while (Peek.Kind is TokenKind.Star or TokenKind.Slash)
        {
            var op = Take();
            var right = Unary();
            left = At(new Binary(op.Kind == TokenKind.Star ? BinaryOperator.Multiply : BinaryOperator.Divide, left, right), op.Column);
        }
        return left;
    }

    /// <summary>Enters one more level of nesting at <paramref name="at"/> (every operand passes through <see cref="Unary"/>: a sign, the exponent of a power, parentheses and arguments each add one); throws past <see cref="MaxNesting"/>.</summary>
    void Enter(Token at)
    {
        if (++_nesting > MaxNesting)
            throw new ExpressionException($"nested more than {MaxNesting} deep (parentheses, calls, signs and powers)", at.Column);
    }

    Expr Unary()
    {
        Enter(Peek);
        try { return UnaryInner(); }
        finally { _nesting--; }
    }

    Expr UnaryInner()
    {
        if (Peek.Kind == TokenKind.Minus)
        {
            var op = Take();
            return At(new Neg(Unary()), op.Column);
        }
        if (Peek.Kind == TokenKind.Plus)
        {
            Take();
            return Unary();
        }
        return Power();
    }

    Expr Power()
    {
        var base_ = Primary();
        if (Peek.Kind != TokenKind.Caret) return base_;
        var op = Take();
        return At(new Binary(BinaryOperator.Power, base_, Unary()), op.Column);
    }

    Expr Primary()
    {
        var t = Take();
        switch (t.Kind)
        {
            case TokenKind.Number:
                return At(new Num(t.Value), t.Column);
            case TokenKind.Name:
                var function = Functions(t.Text);
                if (Peek.Kind == TokenKind.LeftParen)
                {
                    if (function is null)
                        throw new ExpressionException($"unknown function '{t.Text}' (functions: {string.Join(", ", Function.All.Select(f => f.Name))})", t.Column);
                    Take();
                    var args = new List<Expr> { Sum() };
                    while (Peek.Kind == TokenKind.Comma) { Take(); args.Add(Sum()); }
                    Expect(TokenKind.RightParen, t);
                    if (args.Count != function.Arity)
                        throw new ExpressionException($"{function.Name} takes {function.Arity} argument{(function.Arity == 1 ? "" : "s")}, got {args.Count}", t.Column);
                    return At(new Call(function, args[0], args.Count > 1 ? args[1] : null), t.Column);
                }
                if (function is not null)
                    throw new ExpressionException($"'{t.Text}' is a function: write {t.Text}(…)", t.Column);
                return At(new Sym(t.Text), t.Column);
            case TokenKind.LeftParen:
                var inner = Sum();
                Expect(TokenKind.RightParen, t);
                return inner;
            case TokenKind.End:
                throw new ExpressionException("unexpected end of the expression", t.Column);
            case TokenKind.RightParen:
                throw new ExpressionException("unexpected ')'", t.Column);
            default:
                throw new ExpressionException($"unexpected '{t.Text}'", t.Column);
        }
    }

    void Expect(TokenKind kind, Token opening)
    {
        if (Peek.Kind == kind) { Take(); return; }
        var t = Peek;
        throw t.Kind == TokenKind.End
            ? new ExpressionException($"the '(' at column {(opening.Kind == TokenKind.LeftParen ? opening.Column : opening.Column + opening.Text.Length)} is not closed", t.Column)
            : new ExpressionException($"expected ')' or an operator, got '{t.Text}'", t.Column);
    }

    static Function? Functions(string name) => Function.Find(name);
}
