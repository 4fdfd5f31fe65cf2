namespace Models.Equations;

/// <summary>
/// A checked equation model: state and parameter names, and every right-hand side and
/// definition as a tree over states and parameters only (constants, <c>pi</c> and definitions
/// substituted), simplified.
/// </summary>
public sealed record ResolvedModel(
    IReadOnlyList<string> States,
    IReadOnlyList<NamedValue> Parameters,
    IReadOnlyList<Expr> RightHandSides,
    IReadOnlyList<string> DefinitionNames,
    IReadOnlyList<Expr> Definitions);

/// <summary>
/// Checks an <see cref="EquationModelDefinition"/>: names are valid and declared once, every
/// state has one equation, every name used is declared (definitions only above their use), no
/// division by a literal zero; and resolves it to a <see cref="ResolvedModel"/>.
/// </summary>
public static class ModelResolver
{
    /// <summary>
    /// The deepest a right-hand side or definition may nest once the definitions it uses are written
    /// out (operations on the longest path: a sum of n terms is n deep). Differentiation deepens a
    /// tree by a small factor; the symbolic work runs on a thread whose stack holds that.
    /// </summary>
    public const int MaxDepth = 2000;

    enum Kind { Parameter, Constant, Definition, State }

    sealed record Declaration(Kind Kind, int Line, int Order);

    /// <summary>Checks and resolves <paramref name="model"/>.</summary>
    /// <exception cref="EquationModelException">The first problem found, with its source line.</exception>
    public static ResolvedModel Resolve(EquationModelDefinition model)
    {
        var declared = new Dictionary<string, Declaration>();
        void Declare(string name, Kind kind, int line, int order)
        {
            string what = Describe(kind);
            if (!Lexer.IsName(name))
                throw new EquationModelException($"{what} '{name}': not a valid name (a letter or _, then letters, digits or _)", line);
            if (name == "pi") throw new EquationModelException($"{what} 'pi': pi is built in (3.14159…) and cannot be redeclared", line);
            if (Function.Find(name) is not null) throw new EquationModelException($"{what} '{name}': {name} is a function and cannot be a name", line);
            if (declared.TryGetValue(name, out var first))
                throw new EquationModelException($"'{name}' is declared twice: as a {Describe(first.Kind)}{(first.Line > 0 ? $" (line {first.Line})" : "")} and as a {what}", line);
            declared[name] = new Declaration(kind, line, order);
        }

        if (model.Equations.Count == 0)
            throw new EquationModelException("no equations: give one right-hand side per state variable under equations:", model.Line);

        for (int i = 0; i < model.Parameters.Count; i++) Declare(model.Parameters[i].Name, Kind.Parameter, model.Parameters[i].Line, i);
        foreach (var c in model.Constants) Declare(c.Name, Kind.Constant, c.Line, 0);
        for (int i = 0; i < model.Definitions.Count; i++) Declare(model.Definitions[i].Name, Kind.Definition, model.Definitions[i].Line, i);

        // States: the keys of equations:, or an explicit list that the equations must match.
        var equationFor = new Dictionary<string, NamedText>();
        foreach (var eq in model.Equations)
        {
            if (!equationFor.TryAdd(eq.Name, eq))
                throw new EquationModelException($"two equations for '{eq.Name}'", eq.Line);
        }
        List<string> states;
        if (model.States is { } listed)
        {
            states = [];
            foreach (var s in listed)
            {
                Declare(s, Kind.State, model.StatesLine, states.Count);
                states.Add(s);
            }
            foreach (var eq in model.Equations)
            {
                if (!states.Contains(eq.Name))
                    throw new EquationModelException(declared.TryGetValue(eq.Name, out var d) && d.Kind != Kind.State
                        ? $"equation for '{eq.Name}', which is a {Describe(d.Kind)}, not a state (states: {string.Join(", ", states)})"
                        : $"equation for '{eq.Name}', which is not a state (states: {string.Join(", ", states)})", eq.Line);
            }
            foreach (var s in states)
            {
                if (!equationFor.ContainsKey(s))
                    throw new EquationModelException($"state '{s}' has no equation (every state needs one under equations:)", model.StatesLine);
            }
        }
        else
        {
            states = [];
            foreach (var eq in model.Equations)
            {
                if (declared.TryGetValue(eq.Name, out var d))
                    throw new EquationModelException($"equation for '{eq.Name}', which is a {Describe(d.Kind)}{(d.Line > 0 ? $" (line {d.Line})" : "")}, not a state " +
                        "(the state variables are the names under equations:)", eq.Line);
                Declare(eq.Name, Kind.State, eq.Line, states.Count);
                states.Add(eq.Name);
            }
        }

        var constants = model.Constants.ToDictionary(c => c.Name, c => c.Value);
        // Definitions are shared, not copied: each is resolved and simplified once, and every use refers to
        // that one tree, so that the work is linear in the model's size even when definitions build on each other.
        var definitions = new Dictionary<string, Expr>();
        var definitionTrees = new List<Expr>();
        var simplified = new Dictionary<Expr, Expr>(ReferenceEqualityComparer.Instance);
        Expr Simplified(Expr tree, string where, int line)
        {
            var result = Simplifier.Simplify(tree, simplified);
            simplified[result] = result;
            if (result.Depth > MaxDepth)
                throw new EquationModelException($"in {where}: the expression, with the definitions it uses written out, nests {result.Depth} operations deep " +
                    $"(at most {MaxDepth}): split long sums or chains of definitions", line);
            return result;
        }
        for (int i = 0; i < model.Definitions.Count; i++)
        {
            var d = model.Definitions[i];
            string where = $"definition of {d.Name}";
            var tree = Simplified(ResolveText(d.Text, where, d.Line, declared, constants, definitions, i), where, d.Line);
            definitions[d.Name] = tree;
            definitionTrees.Add(tree);
        }

        var rhs = new List<Expr>();
        foreach (var s in states)
        {
            var eq = equationFor[s];
            string where = $"equation for {s}";
            rhs.Add(Simplified(ResolveText(eq.Text, where, eq.Line, declared, constants, definitions, int.MaxValue), where, eq.Line));
        }

        return new ResolvedModel(states, model.Parameters, rhs, model.Definitions.Select(d => d.Name).ToList(), definitionTrees);
    }

    static string Describe(Kind kind) => kind switch
    {
        Kind.Parameter => "parameter",
        Kind.Constant => "constant",
        Kind.Definition => "definition",
        _ => "state",
    };

    static Expr ResolveText(string text, string where, int line, Dictionary<string, Declaration> declared,
        Dictionary<string, double> constants, Dictionary<string, Expr> definitions, int definitionIndex)
    {
        ParsedExpression parsed;
        try { parsed = Parser.Parse(text); }
        catch (ExpressionException e) { throw At(where, e.Column, e.Message, line); }

        Expr Walk(Expr e)
        {
            switch (e)
            {
                case Num:
                    return e;
                case Sym s:
                    if (s.Name == "pi") return new Num(Math.PI);
                    if (!declared.TryGetValue(s.Name, out var d))
                        throw At(where, parsed.Map.ColumnOf(s), $"unknown name '{s.Name}'{Suggest(s.Name, declared.Keys)}", line);
                    switch (d.Kind)
                    {
                        case Kind.Constant: return new Num(constants[s.Name]);
                        case Kind.Definition:
                            if (d.Order == definitionIndex)
                                throw At(where, parsed.Map.ColumnOf(s), $"'{s.Name}' refers to itself", line);
                            if (d.Order > definitionIndex)
                                throw At(where, parsed.Map.ColumnOf(s), $"'{s.Name}' is defined below (line {d.Line}); a definition may use only those above it", line);
                            return definitions[s.Name];
                        default: return s;
                    }
                case Neg n:
                    return new Neg(Walk(n.Operand));
                case Binary b:
                    var left = Walk(b.Left);
                    var right = Walk(b.Right);
                    if (b.Operator == BinaryOperator.Divide && IsLiteralZero(right))
                        throw At(where, parsed.Map.ColumnOf(b), "division by zero", line);
                    return new Binary(b.Operator, left, right);
                case Call c:
                    return new Call(c.Function, Walk(c.Argument), c.Second is null ? null : Walk(c.Second));
                default:
                    throw new ArgumentException($"unknown node {e.GetType().Name}");
            }
        }
        return Walk(parsed.Tree);
    }

    /// <summary>True when <paramref name="e"/> has no state or parameter in it and evaluates to 0.</summary>
    static bool IsLiteralZero(Expr e)
        => !Differentiator.Nodes(e).Any(x => x is Sym) && Evaluator.Evaluate(e, _ => double.NaN) == 0;

    static EquationModelException At(string where, int column, string message, int line)
        => new(column > 0 ? $"in {where}, column {column}: {message}" : $"in {where}: {message}", line);

    /// <summary>" (did you mean 'tau_e'?)" for a close declared name, else "".</summary>
    static string Suggest(string name, IEnumerable<string> known)
    {
        var best = known.Select(k => (Name: k, Distance: Distance(name.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(c => c.Distance <= (name.Length <= 2 ? 0 : Math.Min(2, Math.Max(1, name.Length / 2))))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();
        return best.Name is null ? " (not a state, parameter, constant or definition)" : $" (did you mean '{best.Name}'?)";
    }

    static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
