using System.Globalization;

namespace Continuation.Cli.AutoFiles;

/// <summary>A statement outside the Fortran subset, or a malformed one; the reader adds file and line.</summary>
sealed class FortranException(string message) : Exception(message);

/// <summary>Fortran's numeric types as the subset meets them: INTEGER, REAL (single precision), DOUBLE PRECISION.</summary>
enum FortranType { Integer, Single, Double }

/// <summary>What the parser asks of the routine it reads: its names, their types, and where notes go.</summary>
interface IFortranScope
{
    /// <summary>The dummy argument that holds the state (U) and the parameters (PAR), upper case.</summary>
    string StateArray { get; }
    string ParameterArray { get; }

    /// <summary>A plain name's value (a local, or a folded integer constant); throws <see cref="FortranException"/> for an unknown one.</summary>
    FExpr Name(string name);

    /// <summary>The type of a local.</summary>
    FortranType TypeOf(FExpr.Local local);

    /// <summary>Records where the Fortran computes in single precision and this import in double.</summary>
    void SinglePrecision(string what);
}

/// <summary>
/// Parses one Fortran expression of AUTO's subset: literals (<c>2</c>, <c>1.D0</c>, <c>2.5d-3</c>,
/// <c>.5</c>), names, <c>U(i)</c> and <c>PAR(i)</c> with integer constant indices, <c>+ - * / **</c> with
/// Fortran's precedence (** binds tightest and to the right, unary minus below * and /), and the
/// intrinsic functions of <see cref="Intrinsics"/>. Every node has Fortran's type: a subexpression
/// of integers (the only integers the subset has are constants) is folded with integer arithmetic
/// as Fortran evaluates it (1/2 is 0, 2**(−1) is 0); an operation Fortran carries out in single
/// precision (both operands REAL, e.g. 1.0/3.0) is reported to the scope.
/// </summary>
sealed class FortranParser
{
    /// <summary>Fortran's intrinsic functions (and their specific names) in the case-file language; "" converts to double, "single" to REAL.</summary>
    public static readonly IReadOnlyDictionary<string, string> Intrinsics = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["EXP"] = "exp", ["DEXP"] = "exp", ["LOG"] = "log", ["DLOG"] = "log", ["ALOG"] = "log",
        ["SQRT"] = "sqrt", ["DSQRT"] = "sqrt", ["SIN"] = "sin", ["DSIN"] = "sin", ["COS"] = "cos", ["DCOS"] = "cos",
        ["TAN"] = "tan", ["DTAN"] = "tan", ["SINH"] = "sinh", ["DSINH"] = "sinh", ["COSH"] = "cosh", ["DCOSH"] = "cosh",
        ["TANH"] = "tanh", ["DTANH"] = "tanh", ["ASIN"] = "asin", ["DASIN"] = "asin", ["ACOS"] = "acos", ["DACOS"] = "acos",
        ["ATAN"] = "atan", ["DATAN"] = "atan", ["ATAN2"] = "atan2", ["DATAN2"] = "atan2", ["ABS"] = "abs", ["DABS"] = "abs", ["IABS"] = "abs",
        ["MIN"] = "min", ["DMIN1"] = "min", ["AMIN1"] = "min", ["MIN0"] = "min", ["MAX"] = "max", ["DMAX1"] = "max", ["AMAX1"] = "max", ["MAX0"] = "max",
        ["LOG10"] = "log10", ["DLOG10"] = "log10", ["ALOG10"] = "log10",
        ["DBLE"] = "", ["DFLOAT"] = "", ["REAL"] = "single", ["FLOAT"] = "single", ["SNGL"] = "single",
    };

    readonly string _text;
    readonly IFortranScope _scope;
    int _i, _depth, _operations;

    /// <summary>Deepest nesting of parentheses, signs, powers and calls, and most operations in one expression (the case language reads 500 and 2000).</summary>
    const int MaxDepth = 400, MaxOperations = 1500;

    FortranParser(string text, IFortranScope scope)
    {
        _text = text;
        _scope = scope;
    }

    /// <summary>The expression <paramref name="text"/> and its Fortran type.</summary>
    public static (FExpr Value, FortranType Type) Parse(string text, IFortranScope scope)
    {
        var p = new FortranParser(text, scope);
        var e = p.Sum();
        p.Skip();
        if (p._i < text.Length)
            throw new FortranException(text[p._i] is '.' or '<' or '>' or '=' or '/'
                ? $"logical or relational operators ('{text[p._i..].Trim().Split(' ')[0]}') are not supported in an expression"
                : $"unexpected '{text[p._i..].Trim()}' in '{text.Trim()}'");
        return e;
    }

    void Skip()
    {
        while (_i < _text.Length && char.IsWhiteSpace(_text[_i])) _i++;
    }

    bool Accept(string token)
    {
        Skip();
        if (string.CompareOrdinal(_text, _i, token, 0, token.Length) != 0) return false;
        _i += token.Length;
        return true;
    }

    bool AtPower()
    {
        Skip();
        return _i + 1 < _text.Length && _text[_i] == '*' && _text[_i + 1] == '*';
    }

    (FExpr, FortranType) Sum()
    {
        (FExpr, FortranType) e;
        Skip();
        // A leading sign applies to the first term: -a*b is -(a*b), -a**2 is -(a**2).
        if (Accept("-")) e = Negate(Product());
        else
        {
            Accept("+");
            e = Product();
        }
        while (true)
        {
            if (Accept("+")) e = Operate('+', e, Product());
            else if (Accept("-")) e = Operate('-', e, Product());
            else return e;
        }
    }

    (FExpr, FortranType) Product()
    {
        var e = Power();
        while (true)
        {
            if (AtPower()) return e;
            if (Accept("*")) e = Operate('*', e, Power());
            else if (Accept("/")) e = Operate('/', e, Power());
            else return e;
        }
    }

    (FExpr, FortranType) Power()
    {
        if (++_depth > MaxDepth) throw new FortranException($"the expression nests more than {MaxDepth} deep (parentheses, powers, calls)");
        try { return PowerAt(); }
        finally { _depth--; }
    }

    (FExpr, FortranType) PowerAt()
    {
        var e = Primary();
        if (AtPower())
        {
            _i += 2;
            Skip();
            // Right-associative; a signed exponent (a**-2) is a common extension.
            var exponent = Accept("-") ? Negate(Power()) : Power();
            return Operate('^', e, exponent);
        }
        return e;
    }

    static (FExpr, FortranType) Negate((FExpr Value, FortranType Type) a)
        => a.Value is FExpr.Number n ? (n with { Value = -n.Value }, a.Type) : (new FExpr.Negate(a.Value), a.Type);

    /// <summary>A binary operation with Fortran's types: integers fold exactly, REAL with REAL is single precision.</summary>
    (FExpr, FortranType) Operate(char op, (FExpr Value, FortranType Type) a, (FExpr Value, FortranType Type) b)
    {
        if (++_operations > MaxOperations) throw new FortranException($"the expression has more than {MaxOperations} operations: split it into local variables");
        if (a.Type == FortranType.Integer && b.Type == FortranType.Integer)
        {
            if (a.Value is not FExpr.Number { } x || b.Value is not FExpr.Number { } y)
                throw new FortranException("integer arithmetic on a value that is not a constant is not supported");
            return (new FExpr.Number(IntegerOperation(op, x.Value, y.Value), true), FortranType.Integer);
        }
        var type = (FortranType)Math.Max((int)a.Type, (int)b.Type);
        var result = new FExpr.Binary(op, a.Value, b.Value);
        if (type == FortranType.Single) Single(result, op is '^' && b.Type == FortranType.Integer ? null : result);
        return (result, type);
    }

    /// <summary>Notes a single-precision operation unless both operands are constants that give the same value in either precision.</summary>
    void Single(FExpr e, FExpr? operation)
    {
        if (operation is null) return;
        double? d = FortranPrinter.Evaluate(e, _ => null);
        if (d is { } value && FortranPrinter.EvaluateSingle(e) is { } s && (double)s == value) return;
        _scope.SinglePrecision(FortranPrinter.Print(e, n => n switch
        {
            FExpr.State st => $"{_scope.StateArray}({st.Index})",
            FExpr.Parameter p => $"{_scope.ParameterArray}({p.Index})",
            FExpr.Local l => l.Key.Split('#')[0],
            _ => "?",
        }));
    }

    static double IntegerOperation(char op, double x, double y)
    {
        double r = op switch
        {
            '+' => x + y,
            '-' => x - y,
            '*' => x * y,
            '/' => y == 0 ? throw new FortranException("integer division by zero") : Math.Truncate(x / y),
            _ => y >= 0 ? Math.Pow(x, y) : x == 1 ? 1 : x == -1 ? (Math.Abs(y) % 2 == 1 ? -1 : 1) : x == 0 ? throw new FortranException("0 to a negative power") : 0,
        };
        if (Math.Abs(r) > int.MaxValue) throw new FortranException("an integer constant expression overflows a default INTEGER");
        return r;
    }

    (FExpr, FortranType) Primary()
    {
        if (++_depth > MaxDepth) throw new FortranException($"the expression nests more than {MaxDepth} deep (parentheses, powers, calls)");
        try { return PrimaryAt(); }
        finally { _depth--; }
    }

    (FExpr, FortranType) PrimaryAt()
    {
        Skip();
        if (_i >= _text.Length) throw new FortranException($"expression ends early: '{_text.Trim()}'");
        char c = _text[_i];
        if (c == '(')
        {
            _i++;
            var e = Sum();
            if (!Accept(")")) throw new FortranException($"missing ')' in '{_text.Trim()}'");
            return e;
        }
        if (char.IsAsciiDigit(c) || (c == '.' && _i + 1 < _text.Length && char.IsAsciiDigit(_text[_i + 1]))) return Literal();
        if (c == '.') throw new FortranException($"logical or relational operators ('{_text[_i..].Split(' ')[0]}') are not supported in an expression");
        if (c is '+' or '-') throw new FortranException($"two operators in a row ('{_text[Math.Max(0, _i - 1)..].Trim()}') are not standard Fortran: write a*(-b)");
        if (!char.IsAsciiLetter(c)) throw new FortranException($"unexpected '{c}' in '{_text.Trim()}'");
        int start = _i;
        while (_i < _text.Length && (char.IsAsciiLetterOrDigit(_text[_i]) || _text[_i] == '_')) _i++;
        string name = _text[start.._i];
        Skip();
        if (_i < _text.Length && _text[_i] == '(')
        {
            _i++;
            var args = new List<(FExpr, FortranType)>();
            Skip();
            if (!Accept(")"))
            {
                do args.Add(Sum()); while (Accept(","));
                if (!Accept(")")) throw new FortranException($"missing ')' after the arguments of {name}");
            }
            return Apply(name, args);
        }
        var value = _scope.Name(name);
        return (value, value switch
        {
            FExpr.Number { IsInteger: true } => FortranType.Integer,
            FExpr.Local l => _scope.TypeOf(l),
            _ => FortranType.Double,
        });
    }

    (FExpr, FortranType) Apply(string name, List<(FExpr Value, FortranType Type)> args)
    {
        string upper = name.ToUpperInvariant();
        if (upper == _scope.StateArray || upper == _scope.ParameterArray)
        {
            if (args.Count != 1 || args[0].Value is not FExpr.Number { IsInteger: true } k || k.Value < 1)
                throw new FortranException($"{upper}(…) needs one integer constant index here, such as {upper}(1)");
            return (upper == _scope.StateArray ? new FExpr.State((int)k.Value) : new FExpr.Parameter((int)k.Value), FortranType.Double);
        }
        if (!Intrinsics.TryGetValue(name, out var function))
            throw new FortranException($"'{name}(…)' is not supported: only {_scope.StateArray}(i), {_scope.ParameterArray}(i) and the intrinsic functions EXP, LOG, LOG10, SQRT, SIN, COS, TAN, SINH, COSH, TANH, ASIN, ACOS, ATAN, ATAN2, ABS, MIN, MAX, DBLE (and their D… forms) are read; arrays, statement functions and calls are not");
        int arity = function is "atan2" ? 2 : function is "min" or "max" ? -1 : 1;
        if (arity == -1 ? args.Count < 2 : args.Count != arity)
            throw new FortranException($"{name} takes {(arity == -1 ? "two or more" : arity.ToString(CultureInfo.InvariantCulture))} argument{(arity == 1 ? "" : "s")}, got {args.Count}");
        var type = (FortranType)args.Max(a => (int)a.Type);
        bool integers = args.All(a => a.Type == FortranType.Integer);
        switch (function)
        {
            case "":
                return (Real(args[0].Value), FortranType.Double);
            case "single":
                if (args[0].Type == FortranType.Double || args[0].Value is not FExpr.Number)
                    _scope.SinglePrecision($"{upper}(…)");
                return (Real(args[0].Value), FortranType.Single);
            case "min" or "max" or "abs" when integers:
                var values = args.Select(a => ((FExpr.Number)a.Value).Value).ToList();
                double v = function == "abs" ? Math.Abs(values[0]) : function == "min" ? values.Min() : values.Max();
                return (new FExpr.Number(v, true), FortranType.Integer);
        }
        if (integers && function is not ("min" or "max" or "abs"))
            throw new FortranException($"{name} of an INTEGER argument is not valid Fortran: write {name}(2.D0)");
        var operands = args.Select(a => a.Type == FortranType.Integer ? Real(a.Value) : a.Value).ToList();
        FExpr result;
        if (function == "log10")
            result = new FExpr.Binary('/', new FExpr.Call("log", [operands[0]]), new FExpr.Call("log", [new FExpr.Number(10, false)]));
        else if (arity == -1)
        {
            result = operands[0];
            for (int i = 1; i < operands.Count; i++) result = new FExpr.Call(function, [result, operands[i]]);
        }
        else result = new FExpr.Call(function, operands);
        if (type == FortranType.Single) Single(result, result);
        return (result, type);
    }

    static FExpr Real(FExpr e) => e is FExpr.Number n ? n with { IsInteger = false } : e;

    (FExpr, FortranType) Literal()
    {
        int start = _i;
        while (_i < _text.Length && char.IsAsciiDigit(_text[_i])) _i++;
        bool integer = true;
        // "1." is real; "1.EQ." would be a relational operator (not in expressions).
        if (_i < _text.Length && _text[_i] == '.' && !(_i + 1 < _text.Length && char.IsAsciiLetter(_text[_i + 1]) && _text[_i + 1] is not ('d' or 'D' or 'e' or 'E')))
        {
            integer = false;
            _i++;
            while (_i < _text.Length && char.IsAsciiDigit(_text[_i])) _i++;
        }
        string mantissa = _text[start.._i];
        string exponent = "";
        bool doublePrecision = false;
        if (_i < _text.Length && _text[_i] is 'd' or 'D' or 'e' or 'E')
        {
            doublePrecision = _text[_i] is 'd' or 'D';
            int mark = _i++;
            if (_i < _text.Length && _text[_i] is '+' or '-') _i++;
            int digits = _i;
            while (_i < _text.Length && char.IsAsciiDigit(_text[_i])) _i++;
            if (_i == digits) throw new FortranException($"malformed number '{_text[start.._i]}'");
            exponent = "e" + _text[(mark + 1).._i];
            integer = false;
        }
        if (_i < _text.Length && _text[_i] == '_')
            throw new FortranException($"kind suffixes ('{_text[start..].Split(' ', ')', '*', '+', '-', '/')[0]}') are not supported: write 1.D0");
        double value = double.Parse(mantissa + exponent, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!integer && !doublePrecision && (double)(float)value != value)
            _scope.SinglePrecision(_text[start.._i]);
        return (new FExpr.Number(value, integer), integer ? FortranType.Integer : doublePrecision ? FortranType.Double : FortranType.Single);
    }
}
