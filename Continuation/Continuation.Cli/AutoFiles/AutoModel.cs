using System.Globalization;
using System.Text.RegularExpressions;

namespace Continuation.Cli.AutoFiles;

/// <summary>A local variable of FUNC after one assignment (a second assignment is a new local: single assignment).</summary>
sealed record FortranLocal(string Key, string Name, FExpr Value, int Line)
{
    /// <summary>The value when it is a constant (no state, no parameter).</summary>
    public double? Constant { get; init; }
}

/// <summary>A user output from PVLS: PAR(<paramref name="Parameter"/>) = min, max or mean of a state, or an expression.</summary>
sealed record AutoOutput(int Parameter, string Function, int State, FExpr? Expression, int Line);

/// <summary>
/// What the FUNC, STPNT and PVLS of an AUTO-07p equations file say: the right-hand sides, the
/// locals they use, the parameters and states they read, the start, and the user outputs.
/// </summary>
sealed partial class AutoModel
{
    public required string File { get; init; }
    public int Dimension { get; init; }
    public required IReadOnlyDictionary<int, (FExpr Value, int Line)> Equations { get; init; }
    public required IReadOnlyList<FortranLocal> Locals { get; init; }
    /// <summary>Locals that are exactly U(i) or PAR(i) (their names name those, when the constants file does not).</summary>
    public required IReadOnlyDictionary<int, string> StateAliases { get; init; }
    public required IReadOnlyDictionary<int, string> ParameterAliases { get; init; }
    public required IReadOnlySet<int> ParametersRead { get; init; }
    public required IReadOnlyDictionary<int, double> ParameterStart { get; init; }
    public required IReadOnlyDictionary<int, double> StateStart { get; init; }
    public required IReadOnlyList<AutoOutput> Outputs { get; init; }
    /// <summary>What the case cannot say as AUTO did (listed at the top of the case).</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    [GeneratedRegex(@"^(IMPLICIT|INTEGER|DOUBLE\s*PRECISION|REAL|LOGICAL|CHARACTER|COMPLEX|EXTERNAL|INTRINSIC|DIMENSION|PARAMETER|COMMON|DATA|SAVE|USE|INCLUDE|EQUIVALENCE)\b(?!\s*=)", RegexOptions.IgnoreCase)]
    private static partial Regex Declaration();

    [GeneratedRegex(@"^IF\s*\(\s*IJAC\s*(?:\.EQ\.|==)\s*0\s*\)\s*RETURN$", RegexOptions.IgnoreCase)]
    private static partial Regex JacobianReturn();

    [GeneratedRegex(@"^(DO|IF|ELSE|ELSEIF|ENDIF|ENDDO|CALL|GOTO|GO\s+TO|SELECT|CASE|WHERE|FORALL|READ|OPEN|CLOSE|STOP|CYCLE|EXIT|ALLOCATE|DEALLOCATE|ASSIGN|PAUSE|ENTRY)\b(?!\s*=)", RegexOptions.IgnoreCase)]
    private static partial Regex Control();

    [GeneratedRegex(@"^(PRINT|WRITE)\b(?!\s*=)", RegexOptions.IgnoreCase)]
    private static partial Regex Output();

    [GeneratedRegex(@"^([A-Za-z]\w*)\s*(?:\(\s*([^()]*?)\s*\))?\s*=(?!=)\s*(.+)$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^(?:DOUBLE\s*PRECISION|REAL\s*\*\s*8|REAL\s*\(\s*(?:KIND\s*=\s*)?8\s*\))\s*,\s*PARAMETER\s*::\s*(.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex ParameterDeclaration();

    [GeneratedRegex(@"^PARAMETER\s*\((.+)\)$", RegexOptions.IgnoreCase)]
    private static partial Regex ParameterStatement();

    [GeneratedRegex(@"^IMPLICIT\s+(?:DOUBLE\s*PRECISION|REAL\s*\*\s*8)\s*\(\s*A\s*-\s*H\s*,\s*O\s*-\s*Z\s*\)$", RegexOptions.IgnoreCase)]
    private static partial Regex ImplicitDouble();

    [GeneratedRegex(@"^(INTEGER|REAL(?!\s*[*(])|DOUBLE\s*PRECISION|REAL\s*\*\s*8|REAL\s*\(\s*(?:KIND\s*=\s*)?8\s*\))\b\s*(?:,[^:]*)?(?:::)?\s*(.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex TypeDeclaration();

    /// <summary>Reads <paramref name="path"/>; every construct outside the subset is an <see cref="AutoImportException"/> at its line.</summary>
    public static AutoModel Read(string path) => new Reader(path, AutoText.Read(path)).Read();

    /// <summary>Reads Fortran text (tests).</summary>
    public static AutoModel Parse(string path, string text) => new Reader(path, text).Read();

    sealed class Reader(string path, string text)
    {
        readonly List<string> _notes = [];
        readonly HashSet<string> _single = [];
        IReadOnlyList<FortranUnit> _units = [];

        AutoImportException Error(int line, string message) => new(path, line, message);

        public AutoModel Read()
        {
            _units = FortranSource.Read(text, path);
            var func = Unit("FUNC") ?? throw Error(0, "no SUBROUTINE FUNC: AUTO's right-hand side is FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)");
            var scope = new Scope(this, func);
            var equations = new Dictionary<int, (FExpr, int)>();
            var locals = new List<FortranLocal>();
            foreach (var s in func.Statements)
            {
                if (s.Label is not null && !Regex.IsMatch(s.Text, @"^CONTINUE$", RegexOptions.IgnoreCase))
                    throw Error(s.Line, $"FUNC: statement label {s.Label} is not supported (labels go with GOTO and DO loops)");
                if (JacobianReturn().IsMatch(s.Text)) break; // the analytic Jacobian below is not needed: ours are exact
                if (Regex.IsMatch(s.Text, @"^RETURN$", RegexOptions.IgnoreCase)) break;
                if (scope.Declaration(s)) continue;
                if (Output().IsMatch(s.Text) || Regex.IsMatch(s.Text, @"^CONTINUE$", RegexOptions.IgnoreCase)) continue;
                if (Control().Match(s.Text) is { Success: true } control)
                    throw Error(s.Line, $"FUNC: '{control.Groups[1].Value.ToUpperInvariant()}' is not supported: the subset reads declarations, assignments to local variables and to F(i), and IF(IJAC.EQ.0)RETURN (loops, calls, branches and jumps would make a model this import cannot check)");
                var m = Assignment().Match(s.Text);
                if (!m.Success) throw Error(s.Line, $"FUNC: cannot read '{Short(s.Text)}' (expected an assignment such as F(1) = -U(1) + PAR(1))");
                string target = m.Groups[1].Value, upper = target.ToUpperInvariant();
                string index = m.Groups[2].Value;
                var value = scope.Expression(m.Groups[3].Value, s.Line);
                if (upper is "DFDU" or "DFDP") continue; // a Jacobian written before the IJAC test
                if (upper == "F")
                {
                    int k = Index(index, s.Line, "F", func);
                    equations[k] = (value, s.Line);
                    scope.Equation(k, value);
                    continue;
                }
                if (upper is "U" or "PAR" or "NDIM" or "ICP" or "IJAC")
                    throw Error(s.Line, $"FUNC: assigning to {upper} is not supported (FUNC reads U and PAR and writes F)");
                if (m.Groups[2].Success && index.Length > 0)
                    throw Error(s.Line, $"FUNC: '{target}({index})': local arrays are not supported (write one local variable per element)");
                locals.Add(scope.Assign(target, value, s.Line));
            }
            if (equations.Count == 0) throw Error(func.Line, "FUNC assigns no F(i)");
            int n = equations.Keys.Max();
            for (int k = 1; k <= n; k++)
                if (!equations.ContainsKey(k)) throw Error(func.EndLine, $"FUNC assigns F({k.ToString(CultureInfo.InvariantCulture)}) nowhere (F(1) … F({n.ToString(CultureInfo.InvariantCulture)}) are assigned elsewhere)");
            foreach (var e in equations.Values)
                foreach (var node in e.Item1.Nodes())
                    if (node is FExpr.State st && st.Index > n) throw Error(e.Item2, $"U({st.Index}) is read but FUNC only assigns F(1) … F({n})");
            var parametersRead = new HashSet<int>();
            foreach (var node in equations.Values.SelectMany(e => e.Item1.Nodes()).Concat(locals.SelectMany(l => l.Value.Nodes())))
                if (node is FExpr.Parameter p) parametersRead.Add(p.Index);
            foreach (var (k, (e, line)) in equations)
                foreach (var node in e.Nodes())
                    if (node is FExpr.Parameter { Index: 11 })
                        throw Error(line, "FUNC reads PAR(11), AUTO's period (a time-rescaled or boundary-value problem): not supported");

            var (parStart, uStart) = Start(n);
            var outputs = Outputs(n);
            if (_single.Count > 0)
                _notes.Add($"real literals without a D exponent ({string.Join(", ", _single.Order(StringComparer.Ordinal).Take(6))}{(_single.Count > 6 ? ", …" : "")}) are single precision in Fortran (0.1 is 0.100000001490116…); they are read here as written, in double precision");
            var stateAliases = new Dictionary<int, string>();
            var parameterAliases = new Dictionary<int, string>();
            foreach (var l in locals)
            {
                if (l.Value is FExpr.State s && !stateAliases.ContainsKey(s.Index)) stateAliases[s.Index] = l.Name;
                if (l.Value is FExpr.Parameter p && !parameterAliases.ContainsKey(p.Index)) parameterAliases[p.Index] = l.Name;
            }
            return new AutoModel
            {
                File = path, Dimension = n, Equations = equations, Locals = locals, StateAliases = stateAliases, ParameterAliases = parameterAliases,
                ParametersRead = parametersRead, ParameterStart = parStart, StateStart = uStart, Outputs = outputs, Notes = _notes,
            };
        }

        FortranUnit? Unit(string name) => _units.FirstOrDefault(u => u.Name == name);

        int Index(string text, int line, string array, FortranUnit unit)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int k) || k < 1)
                throw Error(line, $"{unit.Name}: {array}({text}) needs an integer constant index such as {array}(1)");
            return k;
        }

        /// <summary>STPNT: PAR(i) and U(i) set to constants (the start of a run with IRS = 0).</summary>
        (Dictionary<int, double>, Dictionary<int, double>) Start(int n)
        {
            var pars = new Dictionary<int, double>();
            var us = new Dictionary<int, double>();
            if (Unit("STPNT") is not { } stpnt) return (pars, us);
            var scope = new Scope(this, stpnt) { ParameterValue = k => pars.TryGetValue(k, out var v) ? v : null };
            foreach (var s in stpnt.Statements)
            {
                if (Regex.IsMatch(s.Text, @"^RETURN$", RegexOptions.IgnoreCase)) break;
                if (scope.Declaration(s) || Output().IsMatch(s.Text) || Regex.IsMatch(s.Text, @"^CONTINUE$", RegexOptions.IgnoreCase)) continue;
                if (Control().Match(s.Text) is { Success: true } control)
                    throw Error(s.Line, $"STPNT: '{control.Groups[1].Value.ToUpperInvariant()}' is not supported: STPNT sets PAR(i) and U(i) to numbers");
                var m = Assignment().Match(s.Text);
                if (!m.Success) throw Error(s.Line, $"STPNT: cannot read '{Short(s.Text)}' (expected PAR(1) = 0.5 or U(1) = 0)");
                string upper = m.Groups[1].Value.ToUpperInvariant();
                var value = scope.Expression(m.Groups[3].Value, s.Line);
                double? number = scope.Value(value);
                if (upper is "PAR" or "U")
                {
                    int k = Index(m.Groups[2].Value, s.Line, upper, stpnt);
                    if (number is not { } v)
                        throw Error(s.Line, $"STPNT: {upper}({k}) is not a number this import can evaluate (a start that depends on T, a start on a periodic orbit, is not supported)");
                    if (upper == "U" && k > n) throw Error(s.Line, $"STPNT sets U({k}) but FUNC has {n} equations");
                    (upper == "PAR" ? pars : us)[k] = v;
                    continue;
                }
                if (m.Groups[2].Value.Length > 0) throw Error(s.Line, $"STPNT: local arrays are not supported");
                scope.Assign(m.Groups[1].Value, value, s.Line);
            }
            return (pars, us);
        }

        /// <summary>
        /// PVLS: PAR(k) = GETP('MIN'|'MAX'|'INT', i, U), or a FUNCTION of the file that returns
        /// MINVAL/MAXVAL of U(i,:), or an expression of U(i) and PAR(i). Anything else is left out with a note.
        /// </summary>
        List<AutoOutput> Outputs(int n)
        {
            var outputs = new List<AutoOutput>();
            if (Unit("PVLS") is not { } pvls) return outputs;
            var opaque = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var scope = new Scope(this, pvls) { Lenient = opaque };
            foreach (var s in pvls.Statements)
            {
                if (Regex.IsMatch(s.Text, @"^RETURN$", RegexOptions.IgnoreCase)) break;
                if (scope.Declaration(s) || Output().IsMatch(s.Text)) continue;
                var m = Assignment().Match(s.Text);
                if (!m.Success || Control().IsMatch(s.Text))
                {
                    _notes.Add($"PVLS (line {s.Line}): '{Short(s.Text)}' and the outputs after it are not imported (only PAR(k) = GETP('MIN'|'MAX'|'INT', i, U), MINVAL/MAXVAL of U(i,:) or expressions of U(i) and PAR(i) are read)");
                    break;
                }
                string upper = m.Groups[1].Value.ToUpperInvariant();
                string rhs = m.Groups[3].Value.Trim();
                if (upper != "PAR")
                {
                    try { scope.Assign(m.Groups[1].Value, scope.Expression(rhs, s.Line), s.Line); }
                    catch (AutoImportException) { opaque.Add(m.Groups[1].Value); }
                    continue;
                }
                int k = Index(m.Groups[2].Value, s.Line, "PAR", pvls);
                if (Extremum(rhs) is { } ex)
                {
                    if (ex.State < 1 || ex.State > n) throw Error(s.Line, $"PVLS: PAR({k}) reads U({ex.State}) but FUNC has {n} equations");
                    outputs.Add(new AutoOutput(k, ex.Function, ex.State, null, s.Line));
                    continue;
                }
                try
                {
                    var e = scope.Expression(rhs, s.Line);
                    outputs.Add(new AutoOutput(k, "value", 0, e, s.Line));
                }
                catch (AutoImportException e)
                {
                    _notes.Add($"PVLS (line {s.Line}): PAR({k}) = {Short(rhs)} is not imported ({e.Message})");
                }
            }
            return outputs;
        }

        /// <summary>GETP('MAX', i, U) and friends, or a FUNCTION of the file returning MAXVAL/MINVAL of U(i,:).</summary>
        (string Function, int State)? Extremum(string rhs)
        {
            var getp = Regex.Match(rhs, @"^GETP\s*\(\s*'(MIN|MAX|INT)'\s*,\s*(\d+)\s*,\s*U\s*\)$", RegexOptions.IgnoreCase);
            if (getp.Success)
                return (getp.Groups[1].Value.ToUpperInvariant() switch { "MIN" => "min", "MAX" => "max", _ => "mean" }, int.Parse(getp.Groups[2].Value, CultureInfo.InvariantCulture));
            var call = Regex.Match(rhs, @"^([A-Za-z]\w*)\s*\(");
            if (!call.Success || Unit(call.Groups[1].Value.ToUpperInvariant()) is not { } f) return null;
            // The function's result is MAXVAL/MINVAL of U(i,:), directly or through a local array copy.
            var copies = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            (string, int)? result = null;
            foreach (var s in f.Statements)
            {
                if (Declaration().IsMatch(s.Text)) continue;
                var copy = Regex.Match(s.Text, @"^([A-Za-z]\w*)\s*=\s*U\s*\(\s*(\d+)\s*,\s*:\s*\)$", RegexOptions.IgnoreCase);
                if (copy.Success) { copies[copy.Groups[1].Value] = int.Parse(copy.Groups[2].Value, CultureInfo.InvariantCulture); continue; }
                var ret = Regex.Match(s.Text, @"^([A-Za-z]\w*)\s*=\s*(MAXVAL|MINVAL)\s*\(\s*(?:U\s*\(\s*(\d+)\s*,\s*:\s*\)|([A-Za-z]\w*))\s*\)$", RegexOptions.IgnoreCase);
                if (ret.Success && string.Equals(ret.Groups[1].Value, f.Name, StringComparison.OrdinalIgnoreCase))
                {
                    int state = ret.Groups[3].Success ? int.Parse(ret.Groups[3].Value, CultureInfo.InvariantCulture)
                        : copies.TryGetValue(ret.Groups[4].Value, out var c) ? c : -1;
                    if (state < 0) return null;
                    result = (ret.Groups[2].Value.ToUpperInvariant() == "MAXVAL" ? "max" : "min", state);
                    continue;
                }
                return null; // anything else: not the pattern
            }
            return result;
        }

        static string Short(string text) => text.Length <= 60 ? text : text[..57] + "...";

        /// <summary>The locals of one routine: their types and current assignments (single assignment: a reassignment is a new local).</summary>
        sealed class Scope(Reader reader, FortranUnit unit)
        {
            readonly Dictionary<string, FortranLocal> _current = new(StringComparer.OrdinalIgnoreCase);
            readonly Dictionary<string, int> _count = new(StringComparer.OrdinalIgnoreCase);
            readonly HashSet<string> _integers = new(StringComparer.OrdinalIgnoreCase);
            readonly HashSet<string> _reals = new(StringComparer.OrdinalIgnoreCase);
            readonly Dictionary<int, FExpr> _equations = [];
            bool _implicitNone, _implicitDouble;

            /// <summary>PAR(i) values known so far (STPNT).</summary>
            public Func<int, double?>? ParameterValue { get; init; }

            /// <summary>Names whose values could not be read (PVLS): an expression using one fails without stopping the import.</summary>
            public HashSet<string>? Lenient { get; init; }

            public bool Declaration(FortranStatement s)
            {
                if (!AutoModel.Declaration().IsMatch(s.Text)) return false;
                string t = s.Text;
                if (Regex.IsMatch(t, @"^IMPLICIT\s+NONE$", RegexOptions.IgnoreCase)) { _implicitNone = true; return true; }
                if (ImplicitDouble().IsMatch(t)) { _implicitDouble = true; return true; }
                if (Regex.IsMatch(t, @"^IMPLICIT\b", RegexOptions.IgnoreCase))
                    throw reader.Error(s.Line, $"{unit.Name}: '{Short(t)}' is not supported (IMPLICIT NONE or IMPLICIT DOUBLE PRECISION (A-H,O-Z))");
                if (Regex.IsMatch(t, @"^(COMMON|DATA|SAVE|USE|INCLUDE|EQUIVALENCE)\b", RegexOptions.IgnoreCase))
                    throw reader.Error(s.Line, $"{unit.Name}: '{t.Split(' ', '(', '/')[0].ToUpperInvariant()}' is not supported (state shared between routines or kept between calls cannot be read as equations)");
                if (ParameterDeclaration().Match(t) is { Success: true } pd) { Constants(pd.Groups[1].Value, s.Line); return true; }
                if (ParameterStatement().Match(t) is { Success: true } ps) { Constants(ps.Groups[1].Value, s.Line); return true; }
                if (TypeDeclaration().Match(t) is { Success: true } td)
                {
                    var names = SplitTop(td.Groups[2].Value).Select(n => n.Split('(', '=')[0].Trim()).Where(n => n.Length > 0);
                    bool integer = td.Groups[1].Value.StartsWith("INTEGER", StringComparison.OrdinalIgnoreCase);
                    bool single = !integer && Regex.IsMatch(td.Groups[1].Value, @"^REAL$", RegexOptions.IgnoreCase);
                    foreach (var name in names)
                    {
                        if (integer) _integers.Add(name); else _reals.Add(name);
                        if (single) reader._notes.Add($"{unit.Name} declares '{name}' REAL (single precision in Fortran); read in double precision");
                    }
                    if (SplitTop(td.Groups[2].Value).Any(n => n.Contains('=')))
                        throw reader.Error(s.Line, $"{unit.Name}: initialised declarations are not supported (write PARAMETER, or assign in the body)");
                }
                return true; // DIMENSION, EXTERNAL, INTRINSIC, LOGICAL, …: nothing to read
            }

            void Constants(string list, int line)
            {
                foreach (var item in SplitTop(list))
                {
                    int eq = item.IndexOf('=');
                    if (eq <= 0) throw reader.Error(line, $"{unit.Name}: cannot read the PARAMETER '{Short(item)}'");
                    Assign(item[..eq].Trim(), Expression(item[(eq + 1)..], line), line);
                }
            }

            static IEnumerable<string> SplitTop(string text)
            {
                int depth = 0, from = 0;
                for (int i = 0; i < text.Length; i++)
                {
                    if (text[i] == '(') depth++;
                    else if (text[i] == ')') depth--;
                    else if (text[i] == ',' && depth == 0) { yield return text[from..i]; from = i + 1; }
                }
                yield return text[from..];
            }

            bool IsInteger(string name)
                => _integers.Contains(name) || (!_reals.Contains(name) && !_implicitNone && char.ToUpperInvariant(name[0]) is >= 'I' and <= 'N');

            public FExpr Expression(string text, int line)
            {
                try
                {
                    return FortranParser.Parse(text, Name, reader._single);
                }
                catch (FortranException e)
                {
                    throw reader.Error(line, $"{unit.Name}: {e.Message}");
                }
            }

            FExpr Name(string name)
            {
                if (_current.TryGetValue(name, out var local))
                    return local.Constant is { } c && IsInteger(name) ? new FExpr.Number(c, true) : new FExpr.Local(local.Key);
                if (Lenient is not null && Lenient.Contains(name)) throw new FortranException($"'{name}' has no value this import can read");
                string upper = name.ToUpperInvariant();
                if (upper is "NDIM" or "IJAC" or "ICP" or "T" or "U" or "PAR" or "F")
                    throw new FortranException($"'{name}' is not supported in an expression here");
                throw new FortranException($"'{name}' is used before it is assigned");
            }

            public void Equation(int k, FExpr value) => _equations[k] = value;

            public FortranLocal Assign(string name, FExpr value, int line)
            {
                int count = _count[name] = _count.GetValueOrDefault(name) + 1;
                double? constant = Value(value);
                if (IsInteger(name))
                {
                    if (constant is not { } c || c != Math.Truncate(c))
                        throw reader.Error(line, $"{unit.Name}: '{name}' is an INTEGER ({(_integers.Contains(name) ? "declared" : "by Fortran's implicit typing: names from I to N")}) and Fortran would truncate the value assigned to it; declare it DOUBLE PRECISION");
                }
                else if (!_reals.Contains(name) && !_implicitNone && !_implicitDouble)
                    reader._notes.Add($"{unit.Name}: '{name}' is REAL by Fortran's implicit typing (single precision); read in double precision");
                var local = new FortranLocal(count == 1 ? name : $"{name}#{count}", name, value, line) { Constant = constant };
                _current[name] = local;
                _locals[local.Key] = local;
                return local;
            }

            readonly Dictionary<string, FortranLocal> _locals = [];

            public double? Value(FExpr e) => FortranPrinter.Evaluate(e, node => node switch
            {
                FExpr.Local l => _locals.TryGetValue(l.Key, out var v) ? v.Constant : null,
                FExpr.Parameter p => ParameterValue?.Invoke(p.Index),
                _ => null,
            });
        }
    }
}
