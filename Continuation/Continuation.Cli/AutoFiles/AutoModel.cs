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

    [GeneratedRegex(@"^(DO|IF|ELSE|ELSEIF|ENDIF|ENDDO|CALL|GOTO|GO\s+TO|SELECT|CASE|WHERE|FORALL|READ|OPEN|CLOSE|STOP|CYCLE|EXIT|ALLOCATE|DEALLOCATE|ASSIGN|PAUSE|ENTRY|END\s*IF|END\s*DO)\b(?!\s*=)", RegexOptions.IgnoreCase)]
    private static partial Regex Control();

    [GeneratedRegex(@"^(PRINT|WRITE)\b(?!\s*=)", RegexOptions.IgnoreCase)]
    private static partial Regex Output();

    [GeneratedRegex(@"^([A-Za-z]\w*)\s*(?:\(\s*([^()]*?)\s*\))?\s*=(?!=)\s*(.+)$")]
    private static partial Regex Assignment();

    /// <summary>A type: INTEGER, REAL, DOUBLE PRECISION, with an optional size (*8) or kind ((8), (KIND=8)).</summary>
    [GeneratedRegex(@"^(INTEGER|REAL|DOUBLE\s*PRECISION)\s*(?:\*\s*(\d+)|\(\s*(?:KIND\s*=\s*)?(\d+)\s*\))?(?=[\s,:]|$)\s*(,[^:]*)?(?:::)?\s*(.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"^PARAMETER\s*\((.+)\)$", RegexOptions.IgnoreCase)]
    private static partial Regex ParameterStatement();

    [GeneratedRegex(@"^IMPLICIT\s+(?:DOUBLE\s*PRECISION|REAL\s*\*\s*8)\s*\(\s*A\s*-\s*H\s*,\s*O\s*-\s*Z\s*\)$", RegexOptions.IgnoreCase)]
    private static partial Regex ImplicitDouble();

    /// <summary>Reads <paramref name="path"/>; every construct outside the subset is an <see cref="AutoImportException"/> at its line.</summary>
    public static AutoModel Read(string path) => new Reader(path, AutoText.Read(path)).Read();

    sealed class Reader(string path, string text)
    {
        readonly List<string> _notes = [];
        readonly SortedSet<string> _single = new(StringComparer.Ordinal);
        IReadOnlyList<FortranLocal> _pvlsLocals = [];
        IReadOnlyList<FortranUnit> _units = [];

        AutoImportException Error(int line, string message) => new(path, line, message);

        static bool Is(string statement, string keyword) => Regex.IsMatch(statement, $@"^{keyword}$", RegexOptions.IgnoreCase);

        /// <summary>The dummy argument at <paramref name="position"/> of AUTO's calling sequence (FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)).</summary>
        string Argument(FortranUnit unit, int position, string expected, string sequence)
        {
            if (unit.Arguments.Count == 0) return expected; // SUBROUTINE PVLS without its arguments: nothing is read
            if (unit.Arguments.Count <= position)
                throw Error(unit.Line, $"{unit.Name} has {unit.Arguments.Count} arguments; AUTO calls {unit.Name}({sequence})");
            return unit.Arguments[position];
        }

        public AutoModel Read()
        {
            _units = FortranSource.Read(text, path);
            var func = Unit("FUNC") ?? throw Error(0, "no SUBROUTINE FUNC: AUTO's right-hand side is FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)");
            const string funcSequence = "NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP";
            var scope = new Scope(this, func, Argument(func, 1, "U", funcSequence), Argument(func, 3, "PAR", funcSequence));
            string f = Argument(func, 5, "F", funcSequence), ijac = Argument(func, 4, "IJAC", funcSequence);
            string dfdu = Argument(func, 6, "DFDU", funcSequence), dfdp = Argument(func, 7, "DFDP", funcSequence);
            var jacobianReturn = new Regex($@"^IF\s*\(\s*{ijac}\s*(?:\.EQ\.|==)\s*0\s*\)\s*RETURN$", RegexOptions.IgnoreCase);
            var jacobianBlock = new Regex($@"^IF\s*\(\s*{ijac}\s*(?:\.[A-Z]{{2}}\.|[<>=/]=?)\s*\d+\s*\)\s*THEN$", RegexOptions.IgnoreCase);
            var equations = new Dictionary<int, (FExpr, int)>();
            var statements = func.Statements;
            for (int si = 0; si < statements.Count; si++)
            {
                var s = statements[si];
                if (s.Label is not null && !Is(s.Text, "CONTINUE"))
                    throw Error(s.Line, $"FUNC: statement label {s.Label} is not supported (labels go with GOTO and DO loops)");
                if (jacobianReturn.IsMatch(s.Text)) break; // the analytic Jacobian below is not needed: ours are exact
                if (Is(s.Text, "RETURN")) break;
                if (jacobianBlock.IsMatch(s.Text))
                {
                    si = SkipJacobianBlock(statements, si, f, dfdu, dfdp);
                    continue;
                }
                if (scope.Declaration(s)) continue;
                if (Output().IsMatch(s.Text) || Is(s.Text, "CONTINUE")) continue;
                if (Control().Match(s.Text) is { Success: true } control)
                    throw Error(s.Line, $"FUNC: '{control.Groups[1].Value.ToUpperInvariant()}' is not supported: the subset reads declarations, assignments to local variables and to {f}(i), and IF({ijac}.EQ.0)RETURN (loops, calls, branches and jumps would make a model this import cannot check)");
                var m = Assignment().Match(s.Text);
                if (!m.Success) throw Error(s.Line, $"FUNC: cannot read '{Short(s.Text)}' (expected an assignment such as {f}(1) = -U(1) + PAR(1))");
                string target = m.Groups[1].Value, upper = target.ToUpperInvariant();
                string index = m.Groups[2].Value;
                if (upper == dfdu || upper == dfdp) continue; // a Jacobian written before the IJAC test
                if (upper == f)
                {
                    int k = Index(index, s.Line, f, func);
                    var value = scope.Expression(m.Groups[3].Value, s.Line).Value;
                    equations[k] = (value, s.Line);
                    continue;
                }
                if (upper == scope.StateArray || upper == scope.ParameterArray || upper is "NDIM" or "ICP" || upper == ijac)
                    throw Error(s.Line, $"FUNC: assigning to {upper} is not supported (FUNC reads {scope.StateArray} and {scope.ParameterArray} and writes {f})");
                if (m.Groups[2].Success && index.Length > 0)
                    throw Error(s.Line, $"FUNC: '{target}({index}) = …': local arrays and statement functions are not supported (write one local variable per element, or the expression where it is used)");
                scope.Assign(target, m.Groups[3].Value, s.Line);
            }
            var funcLocals = scope.Locals; // the body's assignments and the PARAMETERs, in order
            if (equations.Count == 0) throw Error(func.Line, $"FUNC assigns no {f}(i)");
            int n = equations.Keys.Max();
            for (int k = 1; k <= n; k++)
                if (!equations.ContainsKey(k)) throw Error(func.EndLine, $"FUNC assigns {f}({k.ToString(CultureInfo.InvariantCulture)}) nowhere ({f}(1) … {f}({n.ToString(CultureInfo.InvariantCulture)}) are assigned elsewhere)");
            // What FUNC reads, through its locals too: states it has equations for, never AUTO's period PAR(11).
            var parametersRead = new HashSet<int>();
            foreach (var (value, line) in equations.Values.Concat(funcLocals.Select(l => (l.Value, l.Line))))
                foreach (var node in value.Nodes())
                {
                    if (node is FExpr.State st && st.Index > n) throw Error(line, $"{scope.StateArray}({st.Index}) is read but FUNC only assigns {f}(1) … {f}({n})");
                    if (node is FExpr.Parameter { Index: 11 }) throw Error(line, $"FUNC reads {scope.ParameterArray}(11), AUTO's period (a time-rescaled or boundary-value problem): not supported");
                    if (node is FExpr.Parameter p) parametersRead.Add(p.Index);
                }

            var (parStart, uStart) = Start(n);
            var outputs = Outputs(n, parametersRead);
            var locals = funcLocals.Concat(_pvlsLocals).ToList();
            if (_single.Count > 0)
                _notes.Insert(0, $"single precision in Fortran, read here in double precision (AUTO computes them in REAL*4; write 1.D0 literals for double): {string.Join(", ", _single.Take(8))}{(_single.Count > 8 ? ", …" : "")}");
            var stateAliases = new Dictionary<int, string>();
            var parameterAliases = new Dictionary<int, string>();
            foreach (var l in funcLocals)
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

        /// <summary>
        /// Skips an <c>IF (IJAC …) THEN … END IF</c> block of the analytic Jacobian: it may hold only
        /// assignments to DFDU and DFDP (and DO loops over them), never to F.
        /// </summary>
        int SkipJacobianBlock(IReadOnlyList<FortranStatement> statements, int at, string f, string dfdu, string dfdp)
        {
            int depth = 0;
            for (int i = at; i < statements.Count; i++)
            {
                string t = statements[i].Text;
                if (Regex.IsMatch(t, @"^IF\s*\(.*\)\s*THEN$", RegexOptions.IgnoreCase)) { depth++; continue; }
                if (Regex.IsMatch(t, @"^END\s*IF$", RegexOptions.IgnoreCase) && --depth == 0) return i;
                if (Regex.IsMatch(t, @"^(ELSE|ELSE\s*IF\b.*|DO\b.*|END\s*DO|CONTINUE)$", RegexOptions.IgnoreCase)) continue;
                var m = Assignment().Match(t);
                string target = m.Success ? m.Groups[1].Value.ToUpperInvariant() : "";
                if (m.Success && (target == dfdu || target == dfdp)) continue;
                throw Error(statements[i].Line, $"FUNC: '{Short(t)}' inside the IF block of the analytic Jacobian: only assignments to {dfdu} and {dfdp} are read there (the right-hand side {f} must not depend on IJAC)");
            }
            throw Error(statements[at].Line, "FUNC: this IF block has no END IF");
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
            const string sequence = "NDIM,U,PAR,T";
            var scope = new Scope(this, stpnt, Argument(stpnt, 1, "U", sequence), Argument(stpnt, 2, "PAR", sequence))
            {
                ParameterValue = k => pars.TryGetValue(k, out var v) ? v : null,
                StateValue = k => us.TryGetValue(k, out var v) ? v : null,
            };
            foreach (var s in stpnt.Statements)
            {
                if (Is(s.Text, "RETURN")) break;
                if (scope.Declaration(s) || Output().IsMatch(s.Text) || Is(s.Text, "CONTINUE")) continue;
                if (Control().Match(s.Text) is { Success: true } control)
                    throw Error(s.Line, $"STPNT: '{control.Groups[1].Value.ToUpperInvariant()}' is not supported: STPNT sets {scope.ParameterArray}(i) and {scope.StateArray}(i) to numbers");
                var m = Assignment().Match(s.Text);
                if (!m.Success) throw Error(s.Line, $"STPNT: cannot read '{Short(s.Text)}' (expected {scope.ParameterArray}(1) = 0.5 or {scope.StateArray}(1) = 0)");
                string upper = m.Groups[1].Value.ToUpperInvariant();
                if (upper == scope.ParameterArray || upper == scope.StateArray)
                {
                    bool par = upper == scope.ParameterArray;
                    int k = Index(m.Groups[2].Value, s.Line, upper, stpnt);
                    var value = scope.Expression(m.Groups[3].Value, s.Line).Value;
                    if (scope.Value(value) is not { } v)
                        throw Error(s.Line, $"STPNT: {upper}({k}) is not a number this import can evaluate (a start that depends on T, a start on a periodic orbit, is not supported)");
                    if (!par && k > n) throw Error(s.Line, $"STPNT sets {upper}({k}) but FUNC has {n} equations");
                    (par ? pars : us)[k] = v;
                    continue;
                }
                if (m.Groups[2].Value.Length > 0) throw Error(s.Line, "STPNT: local arrays are not supported");
                scope.Assign(m.Groups[1].Value, m.Groups[3].Value, s.Line);
            }
            return (pars, us);
        }

        /// <summary>
        /// PVLS: PAR(k) = GETP('MIN'|'MAX'|'INT', i, U), or a FUNCTION of the file that returns
        /// MINVAL/MAXVAL of U(i,:), or an expression of U(i) and PAR(i). Anything else is left out with a note.
        /// </summary>
        List<AutoOutput> Outputs(int n, HashSet<int> parametersRead)
        {
            var outputs = new List<AutoOutput>();
            if (Unit("PVLS") is not { } pvls) return outputs;
            const string sequence = "NDIM,U,PAR";
            var opaque = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            // PVLS's locals are its own (keyed apart from FUNC's of the same name) and join the model where an output uses them.
            var scope = new Scope(this, pvls, Argument(pvls, 1, "U", sequence), Argument(pvls, 2, "PAR", sequence), "PVLS:") { Lenient = opaque };
            _pvlsLocals = scope.Locals;
            var set = new HashSet<int>();
            foreach (var s in pvls.Statements)
            {
                if (Is(s.Text, "RETURN")) break;
                if (scope.Declaration(s) || Output().IsMatch(s.Text)) continue;
                var m = Assignment().Match(s.Text);
                if (!m.Success || Control().IsMatch(s.Text))
                {
                    _notes.Add($"PVLS (line {s.Line}): '{Short(s.Text)}' and the outputs after it are not imported (only {scope.ParameterArray}(k) = GETP('MIN'|'MAX'|'INT', i, {scope.StateArray}), MINVAL/MAXVAL of {scope.StateArray}(i,:) or expressions of {scope.StateArray}(i) and {scope.ParameterArray}(i) are read)");
                    break;
                }
                string upper = m.Groups[1].Value.ToUpperInvariant();
                string rhs = m.Groups[3].Value.Trim();
                if (upper != scope.ParameterArray)
                {
                    try { scope.Assign(m.Groups[1].Value, rhs, s.Line); }
                    catch (AutoImportException) { opaque.Add(m.Groups[1].Value); }
                    continue;
                }
                int k = Index(m.Groups[2].Value, s.Line, upper, pvls);
                if (k == 11) throw Error(s.Line, $"PVLS sets {upper}(11), AUTO's period: not supported");
                if (parametersRead.Contains(k)) throw Error(s.Line, $"PVLS sets {upper}({k}), which FUNC reads as a parameter: an output must have its own index");
                set.Add(k);
                if (Extremum(rhs, scope.StateArray) is { } ex)
                {
                    if (ex.State < 1 || ex.State > n) throw Error(s.Line, $"PVLS: {upper}({k}) reads {scope.StateArray}({ex.State}) but FUNC has {n} equations");
                    outputs.Add(new AutoOutput(k, ex.Function, ex.State, null, s.Line));
                    continue;
                }
                FExpr e;
                try { e = scope.Expression(rhs, s.Line).Value; }
                catch (AutoImportException error)
                {
                    _notes.Add($"PVLS (line {s.Line}): {upper}({k}) = {Short(rhs)} is not imported ({error.Message})");
                    continue;
                }
                foreach (var node in scope.Reachable(e))
                {
                    if (node is FExpr.Parameter own && set.Contains(own.Index) && own.Index != k || node is FExpr.Parameter { Index: var j } && j == k)
                    {
                        _notes.Add($"PVLS (line {s.Line}): {upper}({k}) = {Short(rhs)} reads an output of PVLS: not imported");
                        e = null!;
                        break;
                    }
                    if (node is FExpr.State st && st.Index > n) throw Error(s.Line, $"PVLS: {upper}({k}) reads {scope.StateArray}({st.Index}) but FUNC has {n} equations");
                    if (node is FExpr.Parameter { Index: 11 })
                    {
                        _notes.Add($"PVLS (line {s.Line}): {upper}({k}) = {Short(rhs)} reads the period PAR(11): not imported");
                        e = null!;
                        break;
                    }
                }
                if (e is not null) outputs.Add(new AutoOutput(k, "value", 0, e, s.Line));
                else set.Remove(k);
            }
            return outputs;
        }

        /// <summary>GETP('MAX', i, U) and friends, or a FUNCTION of the file returning MAXVAL/MINVAL of U(i,:).</summary>
        (string Function, int State)? Extremum(string rhs, string u)
        {
            var getp = Regex.Match(rhs, $@"^GETP\s*\(\s*'(MIN|MAX|INT)'\s*,\s*(\d+)\s*,\s*{u}\s*\)$", RegexOptions.IgnoreCase);
            if (getp.Success)
                return (getp.Groups[1].Value.ToUpperInvariant() switch { "MIN" => "min", "MAX" => "max", _ => "mean" }, int.Parse(getp.Groups[2].Value, CultureInfo.InvariantCulture));
            var call = Regex.Match(rhs, @"^([A-Za-z]\w*)\s*\(");
            if (!call.Success || Unit(call.Groups[1].Value.ToUpperInvariant()) is not { } f || f.Arguments.Count == 0) return null;
            // The function's result is MAXVAL/MINVAL of its first argument's row i (the orbit's U(i,:)), directly or through a local copy.
            string array = f.Arguments[0];
            var copies = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            (string, int)? result = null;
            foreach (var s in f.Statements)
            {
                if (Declaration().IsMatch(s.Text)) continue;
                var copy = Regex.Match(s.Text, $@"^([A-Za-z]\w*)\s*=\s*{array}\s*\(\s*(\d+)\s*,\s*:\s*\)$", RegexOptions.IgnoreCase);
                if (copy.Success) { copies[copy.Groups[1].Value] = int.Parse(copy.Groups[2].Value, CultureInfo.InvariantCulture); continue; }
                var ret = Regex.Match(s.Text, $@"^([A-Za-z]\w*)\s*=\s*(MAXVAL|MINVAL)\s*\(\s*(?:{array}\s*\(\s*(\d+)\s*,\s*:\s*\)|([A-Za-z]\w*))\s*\)$", RegexOptions.IgnoreCase);
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
            // The call must pass the orbit as that first argument.
            return Regex.IsMatch(rhs, $@"^[A-Za-z]\w*\s*\(\s*{u}\s*[,)]", RegexOptions.IgnoreCase) ? result : null;
        }

        static string Short(string text) => text.Length <= 60 ? text : text[..57] + "...";

        /// <summary>The locals of one routine: their types and current assignments (single assignment: a reassignment is a new local).</summary>
        sealed class Scope(Reader reader, FortranUnit unit, string stateArray, string parameterArray, string keyPrefix = "") : IFortranScope
        {
            readonly Dictionary<string, FortranLocal> _current = new(StringComparer.OrdinalIgnoreCase);
            readonly Dictionary<string, int> _count = new(StringComparer.OrdinalIgnoreCase);
            readonly Dictionary<string, FortranType> _declared = new(StringComparer.OrdinalIgnoreCase);
            readonly Dictionary<string, string> _unsupported = new(StringComparer.OrdinalIgnoreCase);
            readonly Dictionary<string, FortranLocal> _locals = [];
            readonly List<FortranLocal> _order = [];
            bool _implicitNone, _implicitDouble;

            /// <summary>Every local assigned (PARAMETERs and the body's assignments), in order.</summary>
            public IReadOnlyList<FortranLocal> Locals => _order;

            public string StateArray { get; } = stateArray;
            public string ParameterArray { get; } = parameterArray;

            /// <summary>PAR(i) and U(i) values known so far (STPNT).</summary>
            public Func<int, double?>? ParameterValue { get; init; }
            public Func<int, double?>? StateValue { get; init; }

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
                if (ParameterStatement().Match(t) is { Success: true } ps) { Constants(ps.Groups[1].Value, s.Line); return true; }
                if (TypeDeclaration().Match(t) is { Success: true } td)
                {
                    string keyword = td.Groups[1].Value.ToUpperInvariant();
                    string size = td.Groups[2].Success ? td.Groups[2].Value : td.Groups[3].Success ? td.Groups[3].Value : "";
                    FortranType type = keyword switch
                    {
                        "INTEGER" when size is "" or "4" or "8" => FortranType.Integer,
                        "REAL" when size is "" or "4" => FortranType.Single,
                        "REAL" when size == "8" => FortranType.Double,
                        _ when keyword.StartsWith("DOUBLE", StringComparison.Ordinal) && size == "" => FortranType.Double,
                        _ => throw reader.Error(s.Line, $"{unit.Name}: the type '{t.Split("::")[0].Trim()}' is not supported (INTEGER, REAL, REAL*8, DOUBLE PRECISION)"),
                    };
                    bool parameter = td.Groups[4].Success && Regex.IsMatch(td.Groups[4].Value, @"\bPARAMETER\b", RegexOptions.IgnoreCase);
                    var items = SplitTop(td.Groups[5].Value).Select(x => x.Trim()).Where(x => x.Length > 0).ToList();
                    foreach (var item in items)
                    {
                        string name = item.Split('(', '=')[0].Trim();
                        _declared[name] = type;
                        if (type == FortranType.Single && !parameter && name.ToUpperInvariant() != StateArray && name.ToUpperInvariant() != ParameterArray)
                            reader._single.Add($"the REAL local {name}");
                    }
                    if (parameter) Constants(td.Groups[5].Value, s.Line);
                    else if (items.Any(x => x.Contains('=')))
                        throw reader.Error(s.Line, $"{unit.Name}: initialised declarations (SAVE'd values) are not supported: declare a PARAMETER, or assign in the body");
                }
                else if (Regex.IsMatch(t, @"^(INTEGER|REAL|DOUBLE\s*PRECISION)\b", RegexOptions.IgnoreCase))
                    throw reader.Error(s.Line, $"{unit.Name}: cannot read the declaration '{Short(t)}' (INTEGER, REAL, REAL*8, REAL(8), DOUBLE PRECISION, with INTENT, DIMENSION, PARAMETER, EXTERNAL attributes)");
                else if (Regex.Match(t, @"^(COMPLEX|LOGICAL|CHARACTER)\b\s*(?:\*\s*\d+|\([^)]*\))?\s*(,[^:]*)?(?:::)?\s*(.*)$", RegexOptions.IgnoreCase) is { Success: true } other)
                    foreach (var item in SplitTop(other.Groups[3].Value))
                        _unsupported[item.Split('(', '=')[0].Trim()] = other.Groups[1].Value.ToUpperInvariant();
                return true; // DIMENSION, EXTERNAL, INTRINSIC, …: nothing to read
            }

            void Constants(string list, int line)
            {
                foreach (var item in SplitTop(list))
                {
                    int eq = item.IndexOf('=');
                    if (eq <= 0) throw reader.Error(line, $"{unit.Name}: cannot read the PARAMETER '{Short(item)}'");
                    Assign(item[..eq].Trim(), item[(eq + 1)..], line);
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

            /// <summary>Declared, else Fortran's implicit rule: I–N integer, the rest REAL (DOUBLE PRECISION under IMPLICIT DOUBLE PRECISION (A-H,O-Z)).</summary>
            FortranType Type(string name)
            {
                if (_declared.TryGetValue(name, out var t)) return t;
                if (_implicitNone) return FortranType.Double; // an undeclared name is an error in Fortran; assignments check it
                return char.ToUpperInvariant(name[0]) is >= 'I' and <= 'N' ? FortranType.Integer : _implicitDouble ? FortranType.Double : FortranType.Single;
            }

            public FortranType TypeOf(FExpr.Local local) => Type(_locals[local.Key].Name);

            public void SinglePrecision(string what) => reader._single.Add(what);

            public (FExpr Value, FortranType Type) Expression(string text, int line)
            {
                try { return FortranParser.Parse(text, this); }
                catch (FortranException e) { throw reader.Error(line, $"{unit.Name}: {e.Message}"); }
            }

            public FExpr Name(string name)
            {
                if (_current.TryGetValue(name, out var local))
                    return local.Constant is { } c && Type(name) == FortranType.Integer ? new FExpr.Number(c, true) : new FExpr.Local(local.Key);
                if (Lenient is not null && Lenient.Contains(name)) throw new FortranException($"'{name}' has no value this import can read");
                string upper = name.ToUpperInvariant();
                if (upper == StateArray || upper == ParameterArray)
                    throw new FortranException($"the whole array '{name}' is not supported in an expression (write {upper}(1))");
                if (upper is "NDIM" or "IJAC" or "ICP" or "T" || unit.Arguments.Contains(upper))
                    throw new FortranException($"'{name}' is not supported in an expression here");
                throw new FortranException($"'{name}' is used before it is assigned");
            }

            public FortranLocal Assign(string name, string text, int line)
            {
                if (_unsupported.TryGetValue(name, out var kind))
                    throw reader.Error(line, $"{unit.Name}: '{name}' is {kind}: only INTEGER, REAL and DOUBLE PRECISION locals are read");
                if (_implicitNone && !_declared.ContainsKey(name))
                    throw reader.Error(line, $"{unit.Name}: '{name}' is not declared (IMPLICIT NONE)");
                var (value, valueType) = Expression(text, line);
                var type = Type(name);
                int count = _count[name] = _count.GetValueOrDefault(name) + 1;
                double? constant = Value(value);
                if (constant is { } nf && !double.IsFinite(nf))
                    throw reader.Error(line, $"{unit.Name}: '{name}' = {Short(text.Trim())} is not a finite number ({nf.ToString(CultureInfo.InvariantCulture)})");
                // An INTEGER takes the value Fortran computed: in single precision when the expression is REAL (1.3 - 0.3 is 0.99999994 there, so 0).
                if (type == FortranType.Integer && valueType == FortranType.Single && constant is { } sc
                    && (FortranPrinter.EvaluateSingle(value) is not { } single || Math.Truncate(single) != Math.Truncate(sc)))
                    throw reader.Error(line, $"{unit.Name}: '{name}' is an INTEGER and the REAL (single precision) value assigned to it truncates differently in single and double precision; write it as an integer");
                if (type == FortranType.Integer)
                {
                    if (constant is not { } c || c != Math.Truncate(c) || valueType != FortranType.Integer && Math.Abs(c) > 1 << 24)
                        throw reader.Error(line, $"{unit.Name}: '{name}' is an INTEGER ({(_declared.ContainsKey(name) ? "declared" : "by Fortran's implicit typing: names from I to N")}) and Fortran would truncate the value assigned to it; declare it DOUBLE PRECISION");
                }
                else if (type == FortranType.Single && !_declared.ContainsKey(name))
                    reader._single.Add($"the implicitly REAL local {name}");
                var local = new FortranLocal(keyPrefix + (count == 1 ? name : $"{name}#{count}"), name, value, line) { Constant = constant };
                _current[name] = local;
                _locals[local.Key] = local;
                _order.Add(local);
                return local;
            }

            public double? Value(FExpr e) => FortranPrinter.Evaluate(e, node => node switch
            {
                FExpr.Local l => _locals.TryGetValue(l.Key, out var v) ? v.Constant : null,
                FExpr.Parameter p => ParameterValue?.Invoke(p.Index),
                FExpr.State s => StateValue?.Invoke(s.Index),
                _ => null,
            });

            /// <summary>The nodes of <paramref name="e"/> and of the locals it uses, transitively.</summary>
            public IEnumerable<FExpr> Reachable(FExpr e)
            {
                var seen = new HashSet<string>();
                var stack = new Stack<FExpr>([e]);
                while (stack.Count > 0)
                    foreach (var node in stack.Pop().Nodes())
                    {
                        yield return node;
                        if (node is FExpr.Local l && seen.Add(l.Key) && _locals.TryGetValue(l.Key, out var local)) stack.Push(local.Value);
                    }
            }
        }
    }
}
