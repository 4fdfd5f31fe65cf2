using System.Globalization;

namespace Continuation.Cli.AutoFiles;

/// <summary>A statement outside the Fortran subset, or a malformed one; the reader adds file and line.</summary>
sealed class FortranException(string message) : Exception(message);

/// <summary>
/// Parses one Fortran expression of AUTO's subset: literals (<c>2</c>, <c>1.D0</c>, <c>2.5d-3</c>,
/// <c>.5</c>), names, <c>U(i)</c> and <c>PAR(i)</c> with integer literal indices, <c>+ - * / **</c> with
/// Fortran's precedence (** binds tightest and to the right, unary minus below * and /), and the
/// intrinsic functions of <see cref="Intrinsics"/>. Names are case-insensitive; the resolver
/// turns a name into a local's value or refuses it.
/// </summary>
sealed class FortranParser
{
    /// <summary>Fortran's intrinsic functions (and their specific double-precision names) in the case-file language.</summary>
    public static readonly IReadOnlyDictionary<string, string> Intrinsics = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["EXP"] = "exp", ["DEXP"] = "exp", ["LOG"] = "log", ["DLOG"] = "log", ["ALOG"] = "log",
        ["SQRT"] = "sqrt", ["DSQRT"] = "sqrt", ["SIN"] = "sin", ["DSIN"] = "sin", ["COS"] = "cos", ["DCOS"] = "cos",
        ["TAN"] = "tan", ["DTAN"] = "tan", ["SINH"] = "sinh", ["DSINH"] = "sinh", ["COSH"] = "cosh", ["DCOSH"] = "cosh",
        ["TANH"] = "tanh", ["DTANH"] = "tanh", ["ASIN"] = "asin", ["DASIN"] = "asin", ["ACOS"] = "acos", ["DACOS"] = "acos",
        ["ATAN"] = "atan", ["DATAN"] = "atan", ["ATAN2"] = "atan2", ["DATAN2"] = "atan2", ["ABS"] = "abs", ["DABS"] = "abs",
        ["MIN"] = "min", ["DMIN1"] = "min", ["AMIN1"] = "min", ["MAX"] = "max", ["DMAX1"] = "max", ["AMAX1"] = "max",
        ["LOG10"] = "log10", ["DLOG10"] = "log10", ["DBLE"] = "", ["DFLOAT"] = "", ["FLOAT"] = "", ["REAL"] = "",
    };

    readonly string _text;
    readonly Func<string, FExpr> _name;
    int _i;

    FortranParser(string text, Func<string, FExpr> name)
    {
        _text = text;
        _name = name;
    }

    /// <summary>The expression <paramref name="text"/>; <paramref name="name"/> resolves a plain name (it throws for an unknown one).</summary>
    /// <param name="singlePrecision">Receives the real literals written without a D exponent whose single-precision value differs from the decimal one (Fortran reads 0.1 as REAL*4).</param>
    public static FExpr Parse(string text, Func<string, FExpr> name, ICollection<string>? singlePrecision = null)
    {
        var p = new FortranParser(text, name);
        var e = p.Sum();
        p.Skip();
        if (p._i < text.Length)
            throw new FortranException(text[p._i] is '.' or '<' or '>' or '='
                ? $"logical or relational operators ('{text[p._i..].Trim().Split(' ')[0]}') are not supported in an expression"
                : $"unexpected '{text[p._i..].Trim()}' in '{text.Trim()}'");
        if (singlePrecision is not null) foreach (var s in p._single) singlePrecision.Add(s);
        return e;
    }

    readonly List<string> _single = [];

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

    FExpr Sum()
    {
        FExpr e;
        Skip();
        // A leading sign applies to the first term: -a*b is -(a*b), -a**2 is -(a**2).
        if (Accept("-")) e = new FExpr.Negate(Product());
        else
        {
            Accept("+");
            e = Product();
        }
        while (true)
        {
            Skip();
            if (Accept("+")) e = new FExpr.Binary('+', e, Product());
            else if (Accept("-")) e = new FExpr.Binary('-', e, Product());
            else return e;
        }
    }

    FExpr Product()
    {
        var e = Power();
        while (true)
        {
            Skip();
            if (_i + 1 < _text.Length && _text[_i] == '*' && _text[_i + 1] == '*') return e;
            if (Accept("*")) e = Multiply(e, Power());
            else if (Accept("/")) e = Divide(e, Power());
            else return e;
        }
    }

    static FExpr Multiply(FExpr a, FExpr b)
        => a is FExpr.Number { IsInteger: true } x && b is FExpr.Number { IsInteger: true } y
            ? new FExpr.Number(x.Value * y.Value, true) : new FExpr.Binary('*', a, b);

    /// <summary>Fortran divides integers with truncation (1/2 is 0); both integer constants are folded so.</summary>
    static FExpr Divide(FExpr a, FExpr b)
    {
        if (a is FExpr.Number { IsInteger: true } x && b is FExpr.Number { IsInteger: true } y)
        {
            if (y.Value == 0) throw new FortranException("integer division by zero");
            return new FExpr.Number(Math.Truncate(x.Value / y.Value), true);
        }
        return new FExpr.Binary('/', a, b);
    }

    FExpr Power()
    {
        var e = Primary();
        Skip();
        if (Accept("**"))
        {
            Skip();
            // Right-associative; a signed exponent (a**-2) is a common extension.
            var exponent = Accept("-") ? new FExpr.Negate(Power()) : Power();
            return new FExpr.Binary('^', e, exponent);
        }
        return e;
    }

    FExpr Primary()
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
        if (!char.IsAsciiLetter(c)) throw new FortranException($"unexpected '{c}' in '{_text.Trim()}'");
        int start = _i;
        while (_i < _text.Length && (char.IsAsciiLetterOrDigit(_text[_i]) || _text[_i] == '_')) _i++;
        string name = _text[start.._i];
        Skip();
        if (_i < _text.Length && _text[_i] == '(')
        {
            _i++;
            var args = new List<FExpr>();
            Skip();
            if (!Accept(")"))
            {
                do args.Add(Sum()); while (Accept(","));
                if (!Accept(")")) throw new FortranException($"missing ')' after the arguments of {name}");
            }
            return Apply(name, args);
        }
        return _name(name);
    }

    FExpr Apply(string name, List<FExpr> args)
    {
        string upper = name.ToUpperInvariant();
        if (upper is "U" or "PAR")
        {
            if (args.Count != 1 || args[0] is not FExpr.Number { IsInteger: true } k || k.Value < 1)
                throw new FortranException($"{upper}(…) needs one integer constant index here, such as {upper}(1)");
            return upper == "U" ? new FExpr.State((int)k.Value) : new FExpr.Parameter((int)k.Value);
        }
        if (!Intrinsics.TryGetValue(name, out var function))
            throw new FortranException($"'{name}(…)' is not supported: only U(i), PAR(i) and the intrinsic functions {string.Join(", ", Intrinsics.Keys.Where(k => !k.StartsWith('D') && !k.StartsWith('A') || k is "ABS" or "ATAN" or "ATAN2" or "ASIN" or "ACOS"))} (and their D… forms) are read; arrays and function calls are not");
        int arity = function is "atan2" ? 2 : function is "min" or "max" ? -1 : 1;
        if (arity == -1 ? args.Count < 2 : args.Count != arity)
            throw new FortranException($"{name} takes {(arity == -1 ? "two or more" : arity.ToString(CultureInfo.InvariantCulture))} argument{(arity == 1 ? "" : "s")}, got {args.Count}");
        if (function == "") return args[0] is FExpr.Number n ? n with { IsInteger = false } : args[0];
        if (function == "log10") return new FExpr.Binary('/', new FExpr.Call("log", [args[0]]), new FExpr.Call("log", [new FExpr.Number(10, false)]));
        if (arity == -1)
        {
            var e = args[0];
            for (int i = 1; i < args.Count; i++) e = new FExpr.Call(function, [e, args[i]]);
            return e;
        }
        return new FExpr.Call(function, args);
    }

    FExpr Literal()
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
        if (_i < _text.Length && _text[_i] is 'd' or 'D' or 'e' or 'E')
        {
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
        bool doublePrecision = exponent.Length > 0 && _text[start + mantissa.Length] is 'd' or 'D';
        if (!integer && !doublePrecision && (double)(float)value != value) _single.Add(_text[start.._i]);
        return new FExpr.Number(value, integer);
    }
}
