using System.Globalization;
using System.Text;

namespace Continuation.Cli.AutoFiles;

/// <summary>
/// <c>cont import-auto</c>: an AUTO-07p problem (its Fortran equations file and one constants file
/// per run) as a case file. The model becomes equations (FUNC's assignments, STPNT's start, PVLS's
/// outputs), each constants file a run: IPS and ISW and the type of the restart label give the
/// kind, ICP the parameters, DS/DSMIN/DSMAX/NMX/NTST/NCOL/IAD the numerics, UZR, UZSTOP and
/// RL0/RL1 the user points and stops. What the case cannot say as AUTO did is listed at its top.
/// </summary>
/// <remarks>
/// A run restarts (IRS) from a label of an earlier run: AUTO's label name (<c>IRS = 'HB1'</c>, as
/// AUTO's Python scripts write it), in the run named by <c>s = '…'</c> or else the run before it.
/// A label number (<c>IRS = 2</c>) names a point of AUTO's own output, which depends on AUTO's
/// labelling of regular points: it is refused with the fix in the message.
/// </remarks>
public static class AutoImport
{
    /// <summary>The case text and the notes it lists.</summary>
    public sealed record Result(string Name, string Yaml, IReadOnlyList<string> Notes);

    static readonly string[] Ignored = ["NPR", "IPLT", "IID", "ITMX", "NWTN", "JAC", "MXBF", "IADS", "EPSS", "NPAR", "IIS", "NBC", "NINT", "TY", "IBR", "LAB"];

    static readonly string[] Known = [.. Ignored, "NDIM", "IPS", "IRS", "ILP", "ICP", "NTST", "NCOL", "IAD", "ISP", "ISW", "NMX", "RL0", "RL1", "A0", "A1",
        "ITNW", "EPSL", "EPSU", "DS", "DSMIN", "DSMAX", "THL", "THU", "UZR", "UZSTOP", "SP", "STOP", "U", "PAR", "unames", "parnames", "e", "s", "sv", "dat"];

    /// <summary>Builds the case; <see cref="AutoImportException"/> for anything outside the subset.</summary>
    public static Result Build(string fortranPath, IReadOnlyList<string> constantsPaths)
    {
        if (constantsPaths.Count == 0) throw new AutoImportException(fortranPath, 0, "give at least one constants file (c.NAME)");
        var model = AutoModel.Read(fortranPath);
        var files = constantsPaths.Select(AutoConstants.Read).ToList();
        return new Builder(model, files).Build();
    }

    sealed class Builder(AutoModel model, List<AutoConstants> files)
    {
        readonly List<string> _notes = [.. model.Notes];
        readonly Dictionary<int, string> _states = [];
        readonly Dictionary<int, string> _parameters = [];
        readonly Dictionary<int, string> _outputs = [];
        readonly Dictionary<string, string> _localNames = [];
        readonly Dictionary<string, FortranLocal> _locals = model.Locals.ToDictionary(l => l.Key);
        string _modelName = "";

        static AutoImportException Error(AutoConstants f, AutoSetting? s, string message) => new(f.File, s?.Line ?? 0, message);

        public Result Build()
        {
            foreach (var f in files)
                foreach (var s in f.Settings)
                    if (!Known.Contains(s.Key, StringComparer.Ordinal) && !Known.Contains(s.Key.ToUpperInvariant(), StringComparer.Ordinal))
                        throw Error(f, s, $"unknown AUTO constant '{s.Key}'");
            _modelName = files.Select(f => f["e"]?.Value).OfType<AutoValue.Text>().FirstOrDefault()?.Value
                         ?? Path.GetFileNameWithoutExtension(model.File);
            _modelName = Sanitise(_modelName, "model");
            Names();
            var runs = Runs();
            return new Result(_modelName, Yaml(runs), _notes);
        }

        // ---- names --------------------------------------------------------------------------------------

        void Names()
        {
            var outputIndices = model.Outputs.Select(o => o.Parameter).ToHashSet();
            Dictionary<int, string> Table(string key)
            {
                var table = new Dictionary<int, string>();
                foreach (var f in files)
                    if (f[key] is { } s)
                    {
                        if (s.Value is not AutoValue.Map map) throw Error(f, s, $"{key}: expected a mapping such as {{1: 'x', 2: 'y'}}");
                        foreach (var (k, v) in map.Entries)
                        {
                            if (k is not AutoValue.Number { IsInteger: true } n || n.Value < 1 || v is not AutoValue.Text t)
                                throw Error(f, s, $"{key}: expected index: 'name' entries such as 1: 'x', got {AutoConstants.Show(k)}: {AutoConstants.Show(v)}");
                            table[(int)n.Value] = t.Value;
                        }
                    }
                return table;
            }
            var unames = Table("unames");
            var parnames = Table("parnames");
            foreach (var f in files)
                if (f["NDIM"] is { Value: AutoValue.Number nd } ndim && (int)nd.Value != model.Dimension)
                    throw Error(f, ndim, $"NDIM = {nd.Value} but FUNC of {Path.GetFileName(model.File)} assigns F(1) … F({model.Dimension})");

            var taken = new HashSet<string>(StringComparer.Ordinal) { "pi" };
            foreach (var fn in Models.Equations.Function.All) taken.Add(fn.Name);
            // The columns every output file has: a state, parameter or output of that name would make two columns of one name.
            foreach (var column in Cases.CaseReader.ReservedColumns) taken.Add(column);
            string Take(string preferred, string fallback)
            {
                string name = Sanitise(preferred, fallback);
                if (name.StartsWith("floquet_", StringComparison.Ordinal)) name = fallback;
                string unique = name;
                for (int k = 2; !taken.Add(unique); k++) unique = $"{name}_{k}";
                return unique;
            }
            for (int i = 1; i <= model.Dimension; i++)
                _states[i] = Take(unames.GetValueOrDefault(i) ?? model.StateAliases.GetValueOrDefault(i) ?? $"u{i}", $"u{i}");

            var indices = new SortedSet<int>(model.ParametersRead);
            indices.UnionWith(model.ParameterStart.Keys);
            indices.UnionWith(parnames.Keys);
            foreach (var f in files)
                foreach (var key in new[] { "ICP", "UZR", "UZSTOP", "PAR" })
                    if (f[key] is { } s)
                        foreach (var v in Entries(s.Value))
                            if (ParameterIndex(f, s, v, parnames) is { } k) indices.Add(k);
            indices.Remove(11);
            foreach (int k in indices.Where(k => !outputIndices.Contains(k)))
                _parameters[k] = Take(parnames.GetValueOrDefault(k) ?? model.ParameterAliases.GetValueOrDefault(k) ?? $"p{k}", $"p{k}");
            foreach (var o in model.Outputs)
                _outputs[o.Parameter] = Take(parnames.GetValueOrDefault(o.Parameter) ?? $"par{o.Parameter}", $"par{o.Parameter}");

            // Locals: aliases of U(i) and PAR(i) print as those; pi as the built-in; the rest keep their names where free.
            foreach (var l in model.Locals)
            {
                if (l.Value is FExpr.State or FExpr.Parameter) continue;
                if (l.Constant is { } c && string.Equals(l.Name, "pi", StringComparison.OrdinalIgnoreCase) && Math.Abs(c - Math.PI) <= 4e-16 * Math.PI)
                {
                    _localNames[l.Key] = "pi";
                    continue;
                }
                _localNames[l.Key] = Take(l.Name, "v");
            }
        }

        static IEnumerable<AutoValue> Entries(AutoValue v) => v switch
        {
            AutoValue.List l => l.Items,
            AutoValue.Map m => m.Entries.Select(e => e.Key),
            _ => [v],
        };

        /// <summary>The PAR index an ICP/UZR/UZSTOP entry names (a number or a parameter name); null for the period.</summary>
        int? ParameterIndex(AutoConstants f, AutoSetting s, AutoValue v, Dictionary<int, string>? parnames = null)
        {
            switch (v)
            {
                case AutoValue.Number { IsInteger: true } n:
                    int k = Math.Abs((int)n.Value);
                    return k == 11 ? null : k;
                case AutoValue.Text t when t.Value.Equals("PERIOD", StringComparison.OrdinalIgnoreCase):
                    return null;
                case AutoValue.Text t:
                    var table = parnames ?? _parameters.Concat(_outputs).ToDictionary();
                    foreach (var (k2, name) in table) if (name == t.Value) return k2;
                    // a state name (UZSTOP on a state variable): not a parameter
                    if (_states.ContainsValue(t.Value) || (parnames is not null)) return parnames is null ? -1 : null;
                    throw Error(f, s, $"{s.Key}: '{t.Value}' is not a parameter name (parnames)");
                default:
                    throw Error(f, s, $"{s.Key}: expected parameter indices or names, got {AutoConstants.Show(v)}");
            }
        }

        static string Sanitise(string name, string fallback)
        {
            var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
            string s = new(chars);
            if (s.Length == 0) return fallback;
            if (!char.IsAsciiLetter(s[0]) && s[0] != '_') s = fallback + "_" + s;
            return s;
        }

        string Print(FExpr e) => FortranPrinter.Print(e, node => node switch
        {
            FExpr.State s => _states[s.Index],
            FExpr.Parameter p when _parameters.TryGetValue(p.Index, out var name) => name,
            FExpr.Parameter p => throw new AutoImportException(model.File, 0, $"PAR({p.Index}) is both read by the model and set by PVLS"),
            FExpr.Local l => LocalName(l.Key),
            _ => throw new InvalidOperationException(node.ToString()),
        });

        string LocalName(string key)
        {
            return _locals[key].Value switch
            {
                FExpr.State s => _states[s.Index],
                FExpr.Parameter p => _parameters[p.Index],
                _ => _localNames[key],
            };
        }

        // ---- runs ---------------------------------------------------------------------------------------

        sealed record Run(string Name, string Kind, AutoConstants File)
        {
            public string? From { get; init; }
            public List<string> Parameters { get; } = [];
            public string Direction { get; set; } = "forward";
            public SortedDictionary<string, string> Numerics { get; } = new(StringComparer.Ordinal);
            public List<(string Key, string Value)> Stop { get; } = [];
            public List<(string Key, string Value)> Values { get; } = [];
            public Dictionary<int, double> ParameterValues { get; } = [];
            public Dictionary<int, double> StateValues { get; } = [];
            public double? IntegrateTime { get; init; }
            /// <summary>Restarts from the end of the integration run (the case's start).</summary>
            public bool FromIntegration { get; init; }
            public string Summary { get; set; } = "";
        }

        List<Run> Runs()
        {
            var runs = new List<Run>();
            foreach (var f in files)
            {
                var run = ReadRun(f, runs);
                if (runs.Any(r => r.Name == run.Name)) throw Error(f, f["sv"], $"a run named '{run.Name}' comes twice (name runs with sv = '…')");
                runs.Add(run);
            }
            if (runs.All(r => r.Kind == "integration"))
                throw Error(files[^1], files[^1]["IPS"], "an integration (IPS = -2) alone makes no run here: it becomes the start of the runs in the constants files after it");
            return runs;
        }

        static int Int(AutoConstants f, string key, int fallback)
        {
            if (f[key] is not { } s) return fallback;
            if (s.Value is AutoValue.Number { IsInteger: true } n) return (int)n.Value;
            if (s.Value is AutoValue.Number n2 && n2.Value == Math.Truncate(n2.Value)) return (int)n2.Value;
            throw Error(f, s, $"{key}: expected an integer, got {AutoConstants.Show(s.Value)}");
        }

        static double Real(AutoConstants f, string key, double fallback)
        {
            if (f[key] is not { } s) return fallback;
            if (s.Value is AutoValue.Number n) return n.Value;
            if (key == "DS" && s.Value is AutoValue.Text { Value: "-" }) return -0.01;
            throw Error(f, s, $"{key}: expected a number, got {AutoConstants.Show(s.Value)}");
        }

        string RunName(AutoConstants f, string kind, List<Run> earlier)
        {
            if (f["sv"] is { Value: AutoValue.Text sv }) return Sanitise(sv.Value, "run");
            string file = Path.GetFileName(f.File);
            string prefix = $"c.{_modelName}.";
            string suffix = file.StartsWith(prefix, StringComparison.Ordinal) ? file[prefix.Length..]
                : file.StartsWith("c.", StringComparison.Ordinal) && file.IndexOf('.', 2) is > 0 and var dot ? file[(dot + 1)..] : "";
            if (suffix.Length > 0) return Sanitise(suffix, "run");
            string stem = kind switch { "equilibrium" => "fp", "periodic" => "lc", "integration" => "settle", _ => kind.Split('-')[0] };
            string name = stem;
            for (int k = 2; earlier.Any(r => r.Name == name); k++) name = $"{stem}{k}";
            return name;
        }

        Run ReadRun(AutoConstants f, List<Run> earlier)
        {
            int ips = Int(f, "IPS", 1), isw = Int(f, "ISW", 1);
            var ipsSetting = f["IPS"];
            if (f["dat"] is { } dat) throw Error(f, dat, "dat: a start from a data file is not supported (start from STPNT or a label)");
            if (ips is not (0 or 1 or 2 or -2))
                throw Error(f, ipsSetting, $"IPS = {ips} ({ips switch { -1 => "fixed points of maps", 3 => "parabolic PDEs", 4 => "boundary-value problems", 5 => "optimisation", 7 => "boundary-value problems with Floquet multipliers", 9 => "HomCont homoclinic orbits", 11 or 12 or 14 or 15 or 16 or 17 => "PDE / optimal periodic problems", _ => "unknown problem type" }}) is not supported: equilibria (IPS = 1), periodic orbits (IPS = 2) and integration to a start (IPS = -2)");

            // The point this run starts from.
            var irs = f["IRS"];
            string? sourceName = null, label = null;
            Run? source = null;
            if (irs is not null && !(irs.Value is AutoValue.Number { Value: 0 }))
            {
                if (irs.Value is AutoValue.Number n)
                    throw Error(f, irs, $"IRS = {n.Value}: a label number names a point of AUTO's own output (its numbering counts regular points every NPR steps), which this import cannot know; write the label's name instead, as AUTO's Python scripts do: IRS = 'HB1' (with s = 'run' for the run it comes from)");
                if (irs.Value is not AutoValue.Text irsText) throw Error(f, irs, $"IRS: expected 0 or a label such as 'HB1', got {AutoConstants.Show(irs.Value)}");
                label = irsText.Value.Trim().ToUpperInvariant();
                if (f["s"] is { Value: not AutoValue.Text } badSource) throw Error(f, badSource, $"s: expected the name of an earlier run, such as s = 'fp', got {AutoConstants.Show(badSource.Value)}");
                if (f["s"] is { Value: AutoValue.Text s })
                {
                    sourceName = Sanitise(s.Value, "run");
                    source = earlier.FirstOrDefault(r => r.Name == sourceName)
                             ?? throw Error(f, f["s"], $"s = '{s.Value}': no earlier run of this import is named so (runs: {(earlier.Count == 0 ? "none" : string.Join(", ", earlier.Select(r => r.Name)))}; a run's name is its sv, or the part of its constants file name after c.{_modelName}.)");
                }
                else source = earlier.LastOrDefault() ?? throw Error(f, irs, $"IRS = '{label}' but no earlier constants file of this import produced it (give the constants files in the order AUTO runs them)");
            }

            string kind = ips switch
            {
                -2 => "integration",
                2 when isw is 2 or -2 => source is null ? throw Error(f, f["ISW"], "ISW = 2 continues a bifurcation of cycles: it needs IRS = 'LP1', 'PD1' or 'TR1' of a periodic run")
                    : LabelType(label!) switch
                    {
                        "LP" => "lpc-curve",
                        "PD" => "pd-curve",
                        "TR" => "ns-curve",
                        var t => throw Error(f, irs, $"ISW = 2 from a {t} point of cycles is not supported (folds LP, period doublings PD and torus points TR have curves)"),
                    },
                2 => "periodic",
                _ when isw is 2 or -2 => source is null ? throw Error(f, f["ISW"], "ISW = 2 continues a fold or Hopf point: it needs IRS = 'LP1' or 'HB1'")
                    : LabelType(label!) switch
                    {
                        "LP" => "fold-curve",
                        "HB" => "hopf-curve",
                        var t => throw Error(f, irs, $"ISW = 2 from a {t} point of equilibria is not supported (folds LP and Hopf points HB have curves)"),
                    },
                _ => "equilibrium",
            };
            if (source?.Kind == "integration" && kind != "equilibrium")
                throw Error(f, irs, "only an equilibrium run (IPS = 1) can start from the end of an integration (IPS = -2) here");
            if (source is not null && source.Kind != "integration") CheckRestart(f, irs!, label!, source, kind);
            if (kind == "periodic" && source is null)
                throw Error(f, ipsSetting, "IPS = 2 from IRS = 0 (a periodic orbit given by STPNT) is not supported: start the cycles from a Hopf point, IRS = 'HB1'");

            if (kind == "integration" && earlier.Count > 0)
                throw Error(f, ipsSetting, "an integration (IPS = -2) is read only as the first constants file: it becomes the case's start (start: { integrate: … })");
            if (label is not null && LabelType(label) is "BP" or "PD" && isw == 1 && kind is "equilibrium" or "periodic")
                throw Error(f, f["ISW"] ?? irs, $"ISW = 1 at '{label}' continues AUTO's own branch through the {(LabelType(label) == "PD" ? "period doubling" : "branch point")}; here a run from that point switches (AUTO's ISW = -1). Write ISW = -1 for the other branch, or restart from another point of the branch (a UZ) to continue it");
            string name = RunName(f, kind, earlier);
            double ds = Real(f, "DS", 0.01);
            double integrate = kind == "integration" ? Math.Max(1, Int(f, "NMX", 0)) * Math.Abs(ds) : 0;
            var run = new Run(name, kind, f)
            {
                From = source is null || source.Kind == "integration" ? null : $"{source.Name}.{OurLabel(label!, source.Kind, f, irs!)}",
                IntegrateTime = kind == "integration" ? integrate : null,
                FromIntegration = source?.Kind == "integration",
            };
            if (kind == "equilibrium" && Int(f, "MXBF", 10) != 0 && !(label is not null && LabelType(label) == "BP"))
                _notes.Add($"{Path.GetFileName(f.File)}: MXBF = {Int(f, "MXBF", 10)}{(f["MXBF"] is null ? " (AUTO's default)" : "")}: AUTO also follows the branches from the branch points this run finds; here each is a run of its own (from: {name}.BP1, …)");

            // Parameters.
            if (kind != "integration")
            {
                var icp = f["ICP"] ?? throw Error(f, null, "ICP is missing (the continued parameter)");
                foreach (var v in Entries(icp.Value))
                {
                    int? k = ParameterIndex(f, icp, v);
                    if (k is null || _outputs.ContainsKey(k.Value) || k == -1) continue;
                    if (!_parameters.TryGetValue(k.Value, out var p)) throw Error(f, icp, $"ICP: PAR({k}) is not a parameter of the model");
                    if (!run.Parameters.Contains(p)) run.Parameters.Add(p);
                }
                int needed = kind.EndsWith("-curve", StringComparison.Ordinal) ? 2 : 1;
                if (run.Parameters.Count < needed)
                    throw Error(f, icp, $"ICP names {run.Parameters.Count} parameter{(run.Parameters.Count == 1 ? "" : "s")} of the model; a {kind} run continues {needed}");
                var extra = run.Parameters.Skip(needed).ToList();
                run.Parameters.RemoveRange(needed, run.Parameters.Count - needed);
                if (extra.Count > 0) _notes.Add($"{Path.GetFileName(f.File)}: ICP also lists {string.Join(", ", extra)}: AUTO prints them; they stay fixed in both programs");
                run.Direction = ds < 0 ? "backward" : "forward";
                // AUTO switches at a branch point (ISW = -1) in both directions when MXBF > 0 (its default, 10).
                if (kind == "equilibrium" && label is not null && LabelType(label) == "BP" && isw == -1 && Int(f, "MXBF", 10) > 0)
                {
                    run.Direction = "both";
                    _notes.Add($"{Path.GetFileName(f.File)}: MXBF > 0: the branch from {label} is followed both ways, as AUTO does; AUTO also switches at the branch points it finds on it (each switch is a run of its own here)");
                }
            }

            // Numerics.
            double dsMin = Math.Abs(Real(f, "DSMIN", 0.005)), dsMax = Math.Abs(Real(f, "DSMAX", 0.1));
            double dsAbs = Math.Abs(ds);
            if (dsAbs > dsMax) { _notes.Add($"{Path.GetFileName(f.File)}: |DS| = {Fmt(dsAbs)} exceeds DSMAX = {Fmt(dsMax)} (AUTO clips it): ds = ds_max"); dsAbs = dsMax; }
            if (dsAbs < dsMin) { _notes.Add($"{Path.GetFileName(f.File)}: |DS| = {Fmt(dsAbs)} is below DSMIN = {Fmt(dsMin)}: ds = ds_min"); dsAbs = dsMin; }
            if (kind != "integration")
            {
                run.Numerics["ds"] = Fmt(dsAbs);
                run.Numerics["ds_min"] = Fmt(dsMin);
                run.Numerics["ds_max"] = Fmt(dsMax);
                if (f["NMX"] is not null) run.Numerics["max_steps"] = Math.Max(1, Int(f, "NMX", 0)).ToString(CultureInfo.InvariantCulture);
                else _notes.Add($"{Path.GetFileName(f.File)}: no NMX (AUTO's default 0 takes no step): max_steps keeps the default (2000)");
                if (kind is "periodic" or "lpc-curve" or "pd-curve" or "ns-curve")
                {
                    int ncol = Int(f, "NCOL", 4);
                    if (ncol is < 2 or > 7) throw Error(f, f["NCOL"], $"NCOL = {ncol}: collocation degrees 2 to 7 are supported");
                    run.Numerics["ntst"] = Int(f, "NTST", 20).ToString(CultureInfo.InvariantCulture);
                    run.Numerics["ncol"] = ncol.ToString(CultureInfo.InvariantCulture);
                    run.Numerics["adapt"] = Math.Max(0, Int(f, "IAD", 3)).ToString(CultureInfo.InvariantCulture);
                }
            }

            // Start values (PAR, U) for runs from STPNT.
            if (f["PAR"] is { } par)
            {
                if (par.Value is not AutoValue.Map map) throw Error(f, par, "PAR: expected a mapping such as {'p1': 0.5}");
                foreach (var (k, v) in map.Entries)
                {
                    int idx = ParameterIndex(f, par, k) is { } i and > 0 ? i : throw Error(f, par, $"PAR: {AutoConstants.Show(k)} is not a parameter");
                    if (v is not AutoValue.Number num) throw Error(f, par, $"PAR: expected numbers, got {AutoConstants.Show(v)}");
                    if (!_parameters.ContainsKey(idx)) throw Error(f, par, $"PAR({idx}) is not a parameter of the model");
                    run.ParameterValues[idx] = num.Value;
                }
                if (run.From is not null && run.ParameterValues.Count > 0)
                    _notes.Add($"{Path.GetFileName(f.File)}: PAR given with IRS = '{label}': the point's own parameters are used");
            }
            if (f["U"] is { } u)
            {
                if (u.Value is not AutoValue.Map map) throw Error(f, u, "U: expected a mapping such as {'x': 0.5} or {1: 0.5}");
                foreach (var (k, v) in map.Entries)
                {
                    int idx = k is AutoValue.Number { IsInteger: true } kn ? (int)kn.Value
                        : k is AutoValue.Text kt && _states.FirstOrDefault(s => s.Value == kt.Value).Key is > 0 and var si ? si
                        : throw Error(f, u, $"U: {AutoConstants.Show(k)} is not a state variable");
                    if (idx < 1 || idx > model.Dimension || v is not AutoValue.Number num) throw Error(f, u, $"U: bad entry {AutoConstants.Show(k)}: {AutoConstants.Show(v)}");
                    run.StateValues[idx] = num.Value;
                }
            }

            if (kind != "integration") Stops(f, run);
            Unsupported(f, run, ips, isw);
            run.Summary = $"{Path.GetFileName(f.File)}: IPS = {ips}, ISW = {isw}, IRS = {(label is null ? "0" : $"'{label}'")}" +
                          (kind == "integration" ? $", NMX·|DS| = {Fmt(integrate)}: integration to the start" : $" → {kind} in {string.Join(", ", run.Parameters)}") +
                          (source?.Kind == "integration" ? $", from the end of {source.Name}'s integration (the case's start)" : "");
            return run;
        }

        static string LabelType(string label) => new(label.TakeWhile(char.IsAsciiLetter).ToArray());

        /// <summary>The labels a run of <paramref name="kind"/> can start from on a run of the source's kind (AUTO's names), or an error at the IRS line.</summary>
        void CheckRestart(AutoConstants f, AutoSetting irs, string label, Run source, string kind)
        {
            string type = LabelType(label), number = label[type.Length..];
            if (number.Length == 0 || !number.All(char.IsAsciiDigit) || number.TrimStart('0').Length == 0)
                throw Error(f, irs, $"IRS = '{label}': expected a label such as 'HB1' (a type and a number from 1)");
            bool cycles = source.Kind is "periodic";
            string[] allowed = (source.Kind, kind) switch
            {
                ("equilibrium", "equilibrium") => ["LP", "HB", "BP", "UZ", "EP"],
                ("equilibrium", "periodic") => ["HB"],
                ("equilibrium", "fold-curve") => ["LP"],
                ("equilibrium", "hopf-curve") => ["HB"],
                ("periodic", "periodic") => ["LP", "BP", "PD", "TR", "UZ", "EP"],
                ("periodic", "lpc-curve") => ["LP"],
                ("periodic", "pd-curve") => ["PD"],
                ("periodic", "ns-curve") => ["TR"],
                _ => [],
            };
            if (!allowed.Contains(type))
                throw Error(f, irs, allowed.Length == 0
                    ? $"a {kind} run from a point of the {source.Kind} run '{source.Name}' is not supported (IPS = {(kind is "equilibrium" or "fold-curve" or "hopf-curve" ? 1 : 2)} from {(cycles ? "a cycle" : source.Kind.EndsWith("-curve", StringComparison.Ordinal) ? "a curve" : "an equilibrium")} point)"
                    : $"IRS = '{label}': a {kind} run starts from {string.Join(", ", allowed.Select(a => $"'{a}…'"))} of the {source.Kind} run '{source.Name}'");
        }

        string OurLabel(string label, string sourceKind, AutoConstants f, AutoSetting irs)
        {
            string type = LabelType(label), number = label[type.Length..];
            if (number.Length == 0 || !number.All(char.IsAsciiDigit)) throw Error(f, irs, $"IRS = '{label}': expected a label such as 'HB1'");
            if (type is "RG" or "MX" or "")
                throw Error(f, irs, $"IRS = '{label}': {(type == "MX" ? "a failed point" : "a regular point")} has no label here; restart from a special point, a user point (UZR) or the end point");
            string ours = sourceKind == "periodic" ? type switch { "LP" => "LPC", "BP" => "BPC", "TR" => "NS", _ => type } : type;
            if (ours != type) _notes.Add($"{Path.GetFileName(f.File)}: IRS = '{label}' of a cycle branch is {ours}{number} here");
            if (type == "EP") _notes.Add($"{Path.GetFileName(f.File)}: IRS = '{label}': AUTO's EP1 is usually the first point of a run; here EP labels end points only (check the point)");
            return ours + number;
        }

        void Stops(AutoConstants f, Run run)
        {
            // RL0/RL1 bound the first parameter; every UZSTOP value is a stop value: AUTO ends the run at the first one it
            // reaches, from either side (stop: { p: v } for one, { at: [...] } for several, with within: for RL0/RL1).
            var within = new Dictionary<string, (double Min, double Max)>(StringComparer.Ordinal);
            var at = new Dictionary<string, List<double>>(StringComparer.Ordinal);
            void Add(string key, double v)
            {
                if (!at.TryGetValue(key, out var list)) at[key] = list = [];
                if (!list.Contains(v)) list.Add(v);
            }
            if (f["RL0"] is not null || f["RL1"] is not null)
            {
                double lo = Real(f, "RL0", double.NegativeInfinity), hi = Real(f, "RL1", double.PositiveInfinity);
                if (!(lo < hi)) throw Error(f, f["RL0"] ?? f["RL1"], $"RL0 = {Fmt(lo)} must be below RL1 = {Fmt(hi)}");
                if (double.IsInfinity(lo) || double.IsInfinity(hi)) Add(run.Parameters[0], double.IsInfinity(lo) ? hi : lo);
                else within[run.Parameters[0]] = (lo, hi);
            }
            if (f["A0"] is not null || f["A1"] is not null) _notes.Add($"{Path.GetFileName(f.File)}: A0/A1 (bounds on the L2 norm) have no equivalent: the run stops at its parameter bounds and step limit");
            void Each(string key, Action<AutoSetting, int?, bool, string, AutoValue> act)
            {
                if (f[key] is not { } s) return;
                if (s.Value is not AutoValue.Map map) throw Error(f, s, $"{key}: expected a mapping such as {{'p1': [0.5, 1]}}");
                foreach (var (k, v) in map.Entries)
                {
                    bool period = k is AutoValue.Number { Value: 11 or -11 } || k is AutoValue.Text t0 && t0.Value.Equals("PERIOD", StringComparison.OrdinalIgnoreCase);
                    bool negative = k is AutoValue.Number { Value: < 0 };
                    int? idx = period ? null : ParameterIndex(f, s, k);
                    string what = AutoConstants.Show(k);
                    act(s, idx, negative, period ? "period" : what, v);
                }
            }
            IEnumerable<double> Numbers(AutoConstants f2, AutoSetting s, AutoValue v) => v switch
            {
                AutoValue.Number n => [n.Value],
                AutoValue.List l => l.Items.Select(i => i is AutoValue.Number n ? n.Value : throw Error(f2, s, $"{s.Key}: expected numbers, got {AutoConstants.Show(i)}")),
                _ => throw Error(f2, s, $"{s.Key}: expected numbers, got {AutoConstants.Show(v)}"),
            };
            Each("UZSTOP", (s, idx, _, what, v) =>
            {
                if (what == "period")
                {
                    if (run.Kind == "periodic") foreach (var x in Numbers(f, s, v)) Add("period", x);
                    else _notes.Add($"{Path.GetFileName(f.File)}: UZSTOP on the period: not on a {run.Kind} run");
                    return;
                }
                string? p = idx is > 0 && _parameters.TryGetValue(idx.Value, out var pn) ? pn : null;
                if (p is null || !run.Parameters.Contains(p))
                {
                    _notes.Add($"{Path.GetFileName(f.File)}: UZSTOP on {what}: a stop on {(p is null ? "a state variable or an output" : "a parameter this run does not vary")} has no equivalent");
                    return;
                }
                foreach (var x in Numbers(f, s, v)) Add(p, x);
            });
            Each("UZR", (s, idx, negative, what, v) =>
            {
                if (what == "period") { _notes.Add($"{Path.GetFileName(f.File)}: UZR on the period: user points are on parameters only"); return; }
                string? p = idx is > 0 && _parameters.TryGetValue(idx.Value, out var pn) ? pn : null;
                if (p is null || !run.Parameters.Contains(p)) { _notes.Add($"{Path.GetFileName(f.File)}: UZR on {what}: not a parameter this run varies"); return; }
                foreach (var x in Numbers(f, s, v))
                {
                    if (negative) Add(p, x);
                    else run.Values.Add((p, Fmt(x)));
                }
            });
            foreach (var key in within.Keys.Concat(at.Keys).Distinct())
            {
                bool hasWithin = within.TryGetValue(key, out var interval);
                var values = at.GetValueOrDefault(key) ?? [];
                if (!hasWithin && values.Count == 1)
                    run.Stop.Add((key, key == "period" ? $"{{ at: [{Fmt(values[0])}] }}" : Fmt(values[0])));
                else if (hasWithin && values.Count == 0)
                    run.Stop.Add((key, $"[{Fmt(interval.Min)}, {Fmt(interval.Max)}]"));
                else
                    run.Stop.Add((key, "{ " + string.Join(", ", new[]
                    {
                        hasWithin ? $"within: [{Fmt(interval.Min)}, {Fmt(interval.Max)}]" : null,
                        values.Count > 0 ? $"at: [{string.Join(", ", values.Select(Fmt))}]" : null,
                    }.OfType<string>()) + " }"));
            }
        }

        void Unsupported(AutoConstants f, Run run, int ips, int isw)
        {
            string file = Path.GetFileName(f.File);
            var listed = new List<string>();
            foreach (var s in f.Settings)
            {
                string key = s.Key.ToUpperInvariant();
                if (Ignored.Contains(key)) listed.Add($"{s.Key} = {AutoConstants.Show(s.Value)}");
                else if (key is "THL" or "THU" && s.Value is AutoValue.Map { Entries.Count: > 0 }) listed.Add($"{s.Key} = {AutoConstants.Show(s.Value)} (weights of the arclength)");
                else if (key is "SP" or "STOP" && s.Value is AutoValue.List { Items.Count: > 0 }) listed.Add($"{s.Key} = {AutoConstants.Show(s.Value)} (every special point is detected here, and runs stop at bounds and step limits)");
                else if (key == "ISP" && s.Value is AutoValue.Number { Value: 0 or 1 or 3 }) listed.Add($"ISP = {AutoConstants.Show(s.Value)} (detection cannot be switched off: more points may be reported than AUTO's)");
                else if (key == "ILP" && s.Value is AutoValue.Number { Value: 0 }) listed.Add("ILP = 0 (folds are always detected)");
            }
            if (f["EPSL"] is not null || f["EPSU"] is not null || f["ITNW"] is not null)
                listed.Add("EPSL/EPSU/ITNW (Newton tolerances and iterations: newton_tolerance 1e-9 and 10 iterations here, tighter than AUTO's)");
            if (listed.Count > 0) _notes.Add($"{file}: not carried over: {string.Join("; ", listed)}");
        }

        // ---- the case file --------------------------------------------------------------------------------

        string Yaml(List<Run> runs)
        {
            var sb = new StringBuilder();
            string version = Output.OutputWriter.EngineVersion;
            sb.AppendLine($"# Imported by `cont import-auto` (cont {version}) from the AUTO-07p files");
            sb.AppendLine($"#   {Path.GetFileName(model.File)}, {string.Join(", ", files.Select(f => Path.GetFileName(f.File)))}");
            sb.AppendLine("# Runs:");
            foreach (var r in runs) sb.AppendLine($"#   {r.Name}: {r.Summary}{(r.From is null ? "" : $", from {r.From}")}");
            if (_notes.Count > 0)
            {
                sb.AppendLine("# What differs from AUTO (no equivalent here, or different by design):");
                foreach (var n in Grouped()) sb.AppendLine("#   - " + n);
            }
            sb.AppendLine($"name: {_modelName}");
            sb.AppendLine("model:");
            sb.AppendLine($"  name: {_modelName}");
            var first = runs[0];
            sb.AppendLine("  parameters: { " + string.Join(", ", _parameters.Select(p => $"{p.Value}: {Fmt(model.ParameterStart.GetValueOrDefault(p.Key))}")) + " }");

            // Locals: constants and definitions reachable from the equations and outputs.
            var used = new HashSet<string>();
            void Visit(FExpr e)
            {
                foreach (var node in e.Nodes())
                    if (node is FExpr.Local l && used.Add(l.Key)) Visit(_locals[l.Key].Value);
            }
            foreach (var (e, _) in model.Equations.Values) Visit(e);
            foreach (var o in model.Outputs) if (o.Expression is not null) Visit(o.Expression);
            var constants = model.Locals.Where(l => used.Contains(l.Key) && l.Value is not (FExpr.State or FExpr.Parameter) && l.Constant is not null && _localNames[l.Key] != "pi").ToList();
            var definitions = model.Locals.Where(l => used.Contains(l.Key) && l.Value is not (FExpr.State or FExpr.Parameter) && l.Constant is null).ToList();
            if (constants.Count > 0)
                sb.AppendLine("  constants: { " + string.Join(", ", constants.Select(c => $"{_localNames[c.Key]}: {Fmt(c.Constant!.Value)}")) + " }");
            var outputDefinitions = model.Outputs.Where(o => o.Expression is not null).ToList();
            if (definitions.Count > 0 || outputDefinitions.Count > 0)
            {
                sb.AppendLine("  where:");
                foreach (var d in definitions) sb.AppendLine($"    {_localNames[d.Key]}: {Quote(Print(d.Value))}");
                foreach (var o in outputDefinitions) sb.AppendLine($"    {_outputs[o.Parameter]}_value: {Quote(Print(o.Expression!))}");
            }
            sb.AppendLine("  equations:");
            for (int k = 1; k <= model.Dimension; k++) sb.AppendLine($"    {_states[k]}: {Quote(Print(model.Equations[k].Value))}");
            sb.AppendLine("  initial: { " + string.Join(", ", Enumerable.Range(1, model.Dimension).Select(k => $"{_states[k]}: {Fmt(model.StateStart.GetValueOrDefault(k))}")) + " }");

            // The case's parameters and start are those of the first run (AUTO calls STPNT, then applies its PAR and U);
            // a later run from STPNT (IRS = 0) states every parameter and the state where its own differ.
            var top = first.Kind == "integration" ? first : null;
            var caseParameters = Effective(first.ParameterValues, model.ParameterStart, _parameters.Keys);
            var caseState = Effective(first.StateValues, model.StateStart, Enumerable.Range(1, model.Dimension));
            var overrides = first.ParameterValues.OrderBy(p => p.Key).ToList();
            if (overrides.Count > 0)
                sb.AppendLine("parameters: { " + string.Join(", ", overrides.Select(p => $"{_parameters[p.Key]}: {Fmt(p.Value)}")) + " }");
            string StateText(Dictionary<int, double> state) => "{ " + string.Join(", ", Enumerable.Range(1, model.Dimension).Select(k => $"{_states[k]}: {Fmt(state[k])}")) + " }";
            if (top is not null)
                sb.AppendLine($"start: {{ {(first.StateValues.Count > 0 ? $"state: {StateText(caseState)}, " : "")}integrate: {{ t_end: {Fmt(top.IntegrateTime!.Value)} }} }}");
            else if (first.StateValues.Count > 0)
                sb.AppendLine($"start: {{ state: {StateText(caseState)} }}");
            if (model.Outputs.Count > 0)
            {
                sb.AppendLine("outputs:");
                foreach (var o in model.Outputs)
                    sb.AppendLine(o.Expression is null
                        ? $"  - {{ name: {_outputs[o.Parameter]}, {o.Function}: {_states[o.State]} }}"
                        : $"  - {{ name: {_outputs[o.Parameter]}, max: {_outputs[o.Parameter]}_value }}   # PVLS line {o.Line}: on cycles the maximum over the orbit (AUTO: the value at its first mesh point)");
            }
            sb.AppendLine("runs:");
            foreach (var r in runs.Where(r => r.Kind != "integration"))
            {
                var parts = new List<string> { $"name: {r.Name}", $"kind: {r.Kind}" };
                if (r.From is not null) parts.Add($"from: {r.From}");
                parts.Add(r.Parameters.Count == 2 ? $"parameters: [{r.Parameters[0]}, {r.Parameters[1]}]" : $"parameter: {r.Parameters[0]}");
                parts.Add($"direction: {r.Direction}");
                if (r.From is null && !r.FromIntegration && r != first)
                {
                    var own = Effective(r.ParameterValues, model.ParameterStart, _parameters.Keys);
                    var differ = own.Where(p => p.Value != caseParameters[p.Key]).OrderBy(p => p.Key).ToList();
                    if (differ.Count > 0) parts.Add("parameters: { " + string.Join(", ", differ.Select(p => $"{_parameters[p.Key]}: {Fmt(p.Value)}")) + " }");
                    var state = Effective(r.StateValues, model.StateStart, Enumerable.Range(1, model.Dimension));
                    if (top is not null || state.Any(x => x.Value != caseState[x.Key])) parts.Add($"start: {{ state: {StateText(state)} }}");
                }
                parts.Add("numerics: { " + string.Join(", ", r.Numerics.Select(n => $"{n.Key}: {n.Value}")) + " }");
                if (r.Stop.Count > 0) parts.Add("stop: { " + string.Join(", ", r.Stop.Select(s => $"{s.Key}: {s.Value}")) + " }");
                if (r.Values.Count > 0)
                    parts.Add("values: { " + string.Join(", ", r.Values.GroupBy(v => v.Key).Select(g => $"{g.Key}: [{string.Join(", ", g.Select(v => v.Value))}]")) + " }");
                sb.AppendLine($"  - {{ {string.Join(", ", parts)} }}");
            }
            return sb.ToString();
        }

        /// <summary>The notes, those that several constants files share said once ("c.x.1, c.x.2: …").</summary>
        IEnumerable<string> Grouped()
        {
            var names = files.Select(f => Path.GetFileName(f.File)).ToHashSet();
            var groups = new List<(List<string> Files, string Text)>();
            foreach (var note in _notes.Distinct())
            {
                int colon = note.IndexOf(": ", StringComparison.Ordinal);
                if (colon > 0 && names.Contains(note[..colon]))
                {
                    string text = note[(colon + 2)..];
                    var g = groups.FirstOrDefault(x => x.Text == text && x.Files.Count > 0);
                    if (g.Files is not null) g.Files.Add(note[..colon]);
                    else groups.Add(([note[..colon]], text));
                }
                else groups.Add(([], note));
            }
            return groups.Select(g => g.Files.Count == 0 ? g.Text : $"{string.Join(", ", g.Files)}: {g.Text}");
        }

        /// <summary>STPNT's values with a constants file's PAR or U over them, for every index in <paramref name="indices"/> (0 where neither says).</summary>
        static Dictionary<int, double> Effective(Dictionary<int, double> own, IReadOnlyDictionary<int, double> stpnt, IEnumerable<int> indices)
            => indices.ToDictionary(k => k, k => own.TryGetValue(k, out var v) ? v : stpnt.GetValueOrDefault(k));

        static string Quote(string expression)
            => expression.Contains(": ") || expression.Contains(" #") || expression.StartsWith('-') && expression.Length > 1 && expression[1] == ' '
                ? "\"" + expression + "\"" : expression;

        static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }
}
