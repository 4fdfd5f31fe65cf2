using System.Globalization;
using Continuation.Cli.Runs;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Continuation.Cli.Cases;

/// <summary>
/// Reads a YAML case file into a validated <see cref="CaseFile"/>. Every error is a
/// <see cref="CaseException"/> naming the file, the line and the key.
/// </summary>
public sealed partial class CaseReader
{
    static readonly string[] TopKeys = ["name", "model", "parameters", "start", "numerics", "outputs", "runs", "connectivity", "plots"];
    /// <summary>Keys a run may have: those of branch runs, and those only some kind takes (<see cref="RunKind.OwnKeys"/>), which that kind checks.</summary>
    static readonly string[] RunKeys = [.. new[] { "name", "kind", "parameter", "direction", "from", "parameters", "start", "numerics", "stop", "values" }
        .Concat(RunKind.All.SelectMany(k => k.OwnKeys)).Distinct()];
    static readonly string[] NumericKeys = ["ds", "ds_min", "ds_max", "max_steps", "newton_tolerance", "max_newton_iterations", "parameter_weight", "location_tolerance", "verification_tolerance", "max_turn", "ntst", "ncol", "adapt", "period_weight"];
    static readonly string[] StartKeys = ["state", "integrate"];
    static readonly string[] IntegrateKeys = ["t_end"];

    readonly string _file;
    readonly Func<string, OdeSystem?> _models;

    CaseReader(string file, Func<string, OdeSystem?> models)
    {
        _file = file;
        _models = models;
    }

    /// <summary>Reads and validates the case file at <paramref name="path"/>.</summary>
    public static CaseFile Read(string path, Func<string, OdeSystem?> models)
    {
        string display = System.IO.Path.GetFileName(path);
        string text;
        try { text = ReadBounded(path, display); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaseException(display, 0, $"cannot read the case file: {e.Message}");
        }
        return Parse(text, path, models);
    }

    /// <summary>The largest case file read (a case with a large model written as equations is some kilobytes).</summary>
    public const int MaxCaseBytes = 4 << 20;

    /// <summary>
    /// The text of a case file, refusing what cannot be one before reading it all: a directory or
    /// device, more than <see cref="MaxCaseBytes"/> (read in bounded chunks, so that an endless
    /// stream such as /dev/zero is stopped), or binary content (a NUL character).
    /// </summary>
    static string ReadBounded(string path, string display)
    {
        if (Directory.Exists(path)) throw new CaseException(display, 0, "is a directory, not a case file");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new byte[MaxCaseBytes + 1];
        int total = 0, read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0) total += read;
        if (total > MaxCaseBytes)
            throw new CaseException(display, 0, $"larger than {MaxCaseBytes >> 20} MB: not a case file");
        var bytes = buffer.AsSpan(0, total);
        if (bytes.IndexOf((byte)0) is int nul and >= 0)
            throw new CaseException(display, 0, $"binary content (a NUL byte at offset {nul}): not a case file");
        try { return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes); }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new CaseException(display, 0, $"not UTF-8 text (invalid byte at offset {e.Index}): not a case file");
        }
    }

    /// <summary>Parses case text; <paramref name="path"/> names it in messages and gives the default case name.</summary>
    public static CaseFile Parse(string text, string path, Func<string, OdeSystem?> models)
        => new CaseReader(System.IO.Path.GetFileName(path), models).ParseDocument(text, path);

    internal CaseException Error(YamlNode? node, string message) => new(_file, node is null ? 0 : (int)node.Start.Line, message);

    CaseFile ParseDocument(string text, string path)
    {
        var stream = new YamlStream();
        var parser = new TrackingParser(new Parser(new StringReader(text)));
        try { stream.Load(parser); }
        catch (YamlNestingException e)
        {
            throw new CaseException(_file, e.Line, $"lists and mappings nested more than {MaxYamlNesting} deep: not a case file");
        }
        catch (Exception e) // YamlException, or InvalidOperationException from YamlDotNet on some unclosed flow collections
        {
            int line = e is YamlException y ? (int)y.Start.Line : 0;
            bool atEnd = e is YamlException z && z.Start.Index >= text.TrimEnd().Length;
            string detail = e is YamlException ? Clean(e.InnerException?.Message ?? e.Message) : "cannot parse the text";
            // An unclosed '[' or '{' is reported where it was opened, not where the parser gave up (the end of the
            // file, or no position when YamlDotNet's lookahead fails: then the outermost open one starts the runaway text).
            if ((line == 0 || atEnd) && parser.OpenFlow(outermost: line == 0) is { } open && open.Line != line)
                throw new CaseException(_file, open.Line, $"YAML syntax error: the '{open.Bracket}' opened on this line is not closed" +
                    (line > 0 ? $" (parser stopped at line {line}: {detail})" : ""));
            if (detail.Contains("tab", StringComparison.Ordinal)) // YamlDotNet places tab errors at the start of the mapping
                line = FirstTabIndentedLine(text) ?? line;
            throw new CaseException(_file, line > 0 ? line : parser.LastLine, $"YAML syntax error: {detail}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new CaseException(_file, 1, "expected a mapping with the keys " + string.Join(", ", TopKeys));

        CheckKeys(root, TopKeys, "");
        string name;
        if (Get(root, "name") is { } nameNode)
        {
            // A name names the output directory out/<name>: it is a name, never a path.
            name = Scalar(nameNode, "name");
            if (!IsPlainName(name))
                throw Error(nameNode, $"name: '{Shorten(name)}' is not a case name: 1 to {MaxNameLength} letters, digits, '-', '_' or '.', not starting with '.' (it names the output directory out/<name>)");
        }
        else
        {
            // The file's name, with anything that is not a plain name character replaced.
            var chars = System.IO.Path.GetFileNameWithoutExtension(path).Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '_').ToArray();
            name = new string(chars).TrimStart('.');
            if (name.Length == 0) name = "case";
            if (name.Length > MaxNameLength) name = name[..MaxNameLength];
        }

        var modelNode = Get(root, "model") ?? throw Error(root, "missing key 'model' (a model name; `cont models` lists them)");
        var model = ReadModel(modelNode); // a built-in name, or equations (CaseReader.EquationModel.cs)

        var parameters = model.DefaultParameters();
        if (Get(root, "parameters") is { } pnode)
            foreach (var (key, value) in ParameterMap(pnode, model, "parameters"))
                parameters[model.ParameterIndex(key)] = value;

        var start = Get(root, "start") is { } snode ? ParseStart(snode, model, "start") : new StartSpec(_initial?.ToArray() ?? new double[model.Dimension], null);
        var numerics = Get(root, "numerics") is { } nnode ? ParseNumerics(nnode, Numerics.Default, "numerics") : Numerics.Default;
        var outputs = Get(root, "outputs") is { } onode ? ParseOutputs(onode, model) : [];

        var runsNode = Get(root, "runs") ?? throw Error(root, "missing key 'runs' (a list of runs)");
        if (runsNode is not YamlSequenceNode runSeq || runSeq.Children.Count == 0)
            throw Error(runsNode, "runs: expected a non-empty list of runs");
        var runs = new List<RunSpec>();
        for (int i = 0; i < runSeq.Children.Count; i++)
            runs.Add(ParseRun(runSeq.Children[i], i, model, numerics, runs));

        CheckResources(runs, model.Dimension); // CaseReader.Checks.cs
        var connectivity = Get(root, "connectivity") is { } cnode ? ParseConnectivity(cnode, path) : null; // CaseReader.Connectivity.cs
        var window = Get(root, "plots") is { } plotsNode ? ParsePlots(plotsNode, model) : new Dictionary<string, (double, double)>();
        return new CaseFile { Path = path, Name = name, Model = model, Parameters = parameters, Start = start, Outputs = outputs, Runs = runs, Connectivity = connectivity, PlotWindow = window };
    }

    RunSpec ParseRun(YamlNode node, int index, OdeSystem model, Numerics numerics, List<RunSpec> earlier)
    {
        string where = $"runs[{index}]";
        if (node is not YamlMappingNode map) throw Error(node, $"{where}: expected a mapping (name, kind, parameter, …)");
        CheckKeys(map, RunKeys, where + ".");
        var nameNode = Get(map, "name") ?? throw Error(map, $"{where}: missing key 'name'");
        string name = Scalar(nameNode, $"{where}.name");
        if (name.Length == 0 || name.Length > MaxNameLength || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_'))
            throw Error(nameNode, $"{where}.name: '{Shorten(name)}' is not a valid branch name (1 to {MaxNameLength} letters, digits, '-' or '_')");
        if (earlier.Any(r => r.Name == name)) throw Error(nameNode, $"{where}.name: a run named '{name}' already exists");
        where = $"runs[{index}] ({name})";

        string kinds = string.Join(", ", RunKind.All);
        var kindNode = Get(map, "kind") ?? throw Error(map, $"{where}: missing key 'kind' (one of {kinds})");
        string kindName = Scalar(kindNode, $"{where}.kind");
        var kind = RunKind.Find(kindName) ?? throw Error(kindNode, $"{where}.kind: unknown run kind '{kindName}' (expected one of {kinds})");
        return kind.Read(this, new RunNode(kind, map, kindNode, where, name, model, numerics, earlier));
    }

    /// <summary>A run of a <see cref="BranchRun"/> kind: equilibria, cycles, a curve, the homoclinic approximation.</summary>
    internal RunSpec ReadBranchRun(BranchRun runKind, RunNode node)
    {
        var (map, where, name, model, numerics, earlier) = (node.Map, node.Where, node.Name, node.Model, node.Numerics, node.Earlier);
        var kind = runKind.Kind;
        RejectOtherKindsKeys(map, where, runKind);

        bool curve = kind.ContinuedParameters() == 2;
        string parameter;
        string? second = null;
        if (curve)
        {
            if (Get(map, "parameter") is { } single)
                throw Error(single, $"{where}.parameter: a {runKind} is continued in two parameters: write parameters: [a, b]");
            var psNode = Get(map, "parameters") ?? throw Error(map, $"{where}: missing key 'parameters' (the two continued parameters, e.g. [Iext_e, eps])");
            if (psNode is not YamlSequenceNode seq || seq.Children.Count != 2)
                throw Error(psNode, $"{where}.parameters: expected a list of two parameter names such as [Iext_e, eps]");
            var names = seq.Children.Select((c, i) => Scalar(c, $"{where}.parameters[{i}]")).ToList();
            for (int i = 0; i < 2; i++)
                if (model.ParameterIndex(names[i]) < 0) throw Error(seq.Children[i], $"{where}.parameters: {UnknownParameter(names[i], model)}");
            if (names[0] == names[1]) throw Error(psNode, $"{where}.parameters: the two parameters must differ");
            parameter = names[0];
            second = names[1];
        }
        else
        {
            var parNode = Get(map, "parameter") ?? throw Error(map, $"{where}: missing key 'parameter' (the continued parameter)");
            parameter = Scalar(parNode, $"{where}.parameter");
            if (model.ParameterIndex(parameter) < 0) throw Error(parNode, $"{where}.parameter: {UnknownParameter(parameter, model)}");
        }

        var direction = Direction.Forward;
        if (Get(map, "direction") is { } dnode)
        {
            direction = Scalar(dnode, $"{where}.direction") switch
            {
                "forward" => Direction.Forward,
                "backward" => Direction.Backward,
                "both" => Direction.Both,
                var other => throw Error(dnode, $"{where}.direction: expected forward, backward or both, got '{other}'"),
            };
        }

        PointReference? from = null;
        if (Get(map, "from") is { } fnode)
        {
            string text = Scalar(fnode, $"{where}.from");
            int dot = text.LastIndexOf('.');
            if (dot <= 0 || dot == text.Length - 1) throw Error(fnode, $"{where}.from: expected <branch>.<label> such as fp.UZ1, got '{text}'");
            string branch = text[..dot];
            if (!earlier.Any(r => r.Name == branch))
                throw Error(fnode, $"{where}.from: no earlier run named '{branch}'" + (earlier.Count > 0 ? $" (earlier runs: {string.Join(", ", earlier.Select(r => r.Name))})" : ""));
            string label = text[(dot + 1)..];
            if (!IsPointLabel(label))
                throw Error(fnode, $"{where}.from: '{label}' is not a point label (LP1, HB2, BP1, UZ3, EP1, PD1, LPC1 …)");
            from = new PointReference(branch, label, (int)fnode.Start.Line);
            CheckFrom(runKind, from, earlier.First(r => r.Name == branch), fnode, where); // CaseReader.Checks.cs
        }

        var overrides = !curve && Get(map, "parameters") is { } ponode ? ParameterMap(ponode, model, $"{where}.parameters") : new Dictionary<string, double>();
        var startNode = Get(map, "start");
        StartSpec? start = startNode is null ? null : ParseStart(startNode, model, $"{where}.start");
        if (startNode is not null && from is not null) throw Error(startNode, $"{where}: give either 'from' or 'start', not both");
        var runNumerics = Get(map, "numerics") is { } nnode ? ParseNumerics(nnode, numerics, $"{where}.numerics") : numerics;
        // A run that starts from a cycle keeps that cycle's discretisation unless it gives its own ntst or ncol.
        if (from is not null && kind.CarriesCycles() && earlier.First(r => r.Name == from.Branch) is { Kind.Branch: { } sourceKind } source && sourceKind.CarriesCycles())
        {
            var given = Get(map, "numerics") as YamlMappingNode;
            var d = runNumerics.Discretisation;
            runNumerics = runNumerics with
            {
                Discretisation = CycleMesh.Uniform(
                    given is not null && Get(given, "ntst") is not null ? d.Intervals : source.Discretisation.Intervals,
                    given is not null && Get(given, "ncol") is not null ? d.Degree : source.Discretisation.Degree),
            };
        }
        var options = runNumerics.Continuation;
        if (curve && from is null)
            throw Error(map, $"{where}: a {runKind} run starts from a labelled point: from: <branch>.{(kind.Locus() is { } locus ? $"{locus}1" : "EP1 (a cycle of large period)")}");
        if (kind == BranchKind.Periodic && from is null)
            throw Error(map, $"{where}: a periodic run starts from a labelled point: from: <branch>.HB1 (a Hopf point), <branch>.PD1 (period doubling) or a point of a cycle branch");

        var bounds = new List<NamedBound>();
        if (Get(map, "stop") is { } stopNode)
        {
            if (stopNode is not YamlMappingNode stopMap) throw Error(stopNode, $"{where}.stop: expected a mapping such as {{ {parameter}: [min, max], max_steps: 500 }}");
            foreach (var (keyNode, valueNode) in stopMap.Children)
            {
                string key = Scalar(keyNode, $"{where}.stop");
                if (key == "max_steps")
                {
                    options = options with { MaxSteps = Int(valueNode, $"{where}.stop.max_steps", 1) };
                    continue;
                }
                if (key == "period" && kind == BranchKind.Homoclinic)
                    throw Error(keyNode, $"{where}.stop.period: the period is frozen on a homoclinic run");
                if (key == "period" && kind == BranchKind.Periodic && valueNode is YamlMappingNode periodValues)
                {
                    bounds.AddRange(StopMapping(periodValues, key, $"{where}.stop.period"));
                    continue;
                }
                if (key == "period" && kind == BranchKind.Periodic)
                {
                    var limits = Numbers(valueNode, $"{where}.stop.period");
                    if (limits.Count == 1 && limits[0] > 0) bounds.Add(new NamedBound("period", 0, limits[0]));
                    else if (limits.Count == 2 && limits[0] < limits[1]) bounds.Add(new NamedBound("period", limits[0], limits[1]));
                    else throw Error(valueNode, $"{where}.stop.period: expected a maximum period (e.g. 300) or [min, max]");
                    continue;
                }
                if (model.ParameterIndex(key) < 0)
                    throw Error(keyNode, $"{where}.stop: {UnknownParameter(key, model)} (or max_steps{(kind == BranchKind.Periodic ? ", period" : "")})");
                if (key != parameter && key != second)
                    throw Error(keyNode, $"{where}.stop.{key}: only the continued parameter{(second is null ? $" '{parameter}'" : $"s '{parameter}' and '{second}'")} vary on this run");
                if (valueNode is YamlMappingNode stopValues)
                {
                    bounds.AddRange(StopMapping(stopValues, key, $"{where}.stop.{key}"));
                    continue;
                }
                var pair = Numbers(valueNode, $"{where}.stop.{key}");
                // One value is a stop value (AUTO's UZSTOP): the run ends where the parameter reaches it, from either side.
                if (valueNode is YamlScalarNode && pair.Count == 1) bounds.Add(new NamedBound(key, pair[0], pair[0]));
                else if (pair.Count != 2 || !(pair[0] < pair[1]))
                    throw Error(valueNode, $"{where}.stop.{key}: expected [min, max] with min < max, or one value to stop at");
                else bounds.Add(new NamedBound(key, pair[0], pair[1]));
            }
        }

        var values = new List<(string, double)>();
        if (Get(map, "values") is { } valuesNode)
        {
            if (valuesNode is not YamlMappingNode vmap) throw Error(valuesNode, $"{where}.values: expected a mapping such as {{ {parameter}: [2, 4] }}");
            foreach (var (keyNode, valueNode) in vmap.Children)
            {
                string key = Scalar(keyNode, $"{where}.values");
                if (model.ParameterIndex(key) < 0) throw Error(keyNode, $"{where}.values: {UnknownParameter(key, model)}");
                if (key != parameter && key != second)
                    throw Error(keyNode, $"{where}.values.{key}: only the continued parameter{(second is null ? $" '{parameter}'" : $"s '{parameter}' and '{second}'")} vary on this run");
                foreach (var v in Numbers(valueNode, $"{where}.values.{key}")) values.Add((key, v));
            }
        }

        try { options.Validate(); }
        catch (ArgumentException e) { throw Error(Get(map, "numerics") ?? map, $"{where}: {e.Message}"); }

        return new RunSpec
        {
            Name = name, Kind = runKind, Line = (int)map.Start.Line, Parameter = parameter, SecondParameter = second,
            Direction = curve && Get(map, "direction") is null ? Direction.Both : direction, DirectionGiven = Get(map, "direction") is not null, From = from,
            ParameterOverrides = overrides, Start = start, Options = options, Collocation = runNumerics.Collocation, Discretisation = runNumerics.Discretisation,
            Bounds = bounds, Values = values,
        };
    }

    /// <summary>
    /// <c>{ within: [min, max], at: [v1, v2, …] }</c>: an interval and stop values (the branch ends at the first
    /// value it reaches, from either side; AUTO's UZSTOP with several values), either or both.
    /// </summary>
    List<NamedBound> StopMapping(YamlMappingNode map, string key, string where)
    {
        CheckKeys(map, ["within", "at"], where + ".");
        var bounds = new List<NamedBound>();
        if (Get(map, "within") is { } within)
        {
            var pair = Numbers(within, where + ".within");
            if (pair.Count != 2 || !(pair[0] < pair[1])) throw Error(within, $"{where}.within: expected [min, max] with min < max");
            bounds.Add(new NamedBound(key, pair[0], pair[1]));
        }
        if (Get(map, "at") is { } at)
            foreach (var v in Numbers(at, where + ".at")) bounds.Add(new NamedBound(key, v, v));
        if (bounds.Count == 0) throw Error(map, $"{where}: expected within: [min, max] and/or at: [values]");
        return bounds;
    }

    /// <summary>Columns of the output files that outputs may not take.</summary>
    static readonly string[] FixedColumns = ["branch", "index", "label", "type", "stable", "n_unstable", "period", "omega", "l1", "l2norm", "trivial_error", "located", "residual", "note"];

    /// <summary>Column names of the output files that no state, parameter or output may take (also every <c>floquet_…</c>).</summary>
    public static IReadOnlyList<string> ReservedColumns => FixedColumns;

    /// <summary>Longest case or run name: names become file names.</summary>
    const int MaxNameLength = 100;

    static bool IsPlainName(string name)
        => name.Length is > 0 and <= MaxNameLength && name[0] != '.' && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.');

    static string Shorten(string text) => CaseException.OneLine(text.Length <= 60 ? text : text[..57] + "...");

    /// <summary>Keys that only another kind of run takes (<see cref="RunKind.OwnKeys"/>), on a run of <paramref name="kind"/>: an error.</summary>
    void RejectOtherKindsKeys(YamlMappingNode map, string where, RunKind kind)
    {
        foreach (var other in RunKind.All)
            foreach (var key in other.OwnKeys)
                if (other != kind && map.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: var v } && v == key) is { } stray)
                    throw Error(stray, $"{where}.{key}: only a {other} run takes '{key}' (this run is {kind}{other.KeyHint})");
    }

    /// <summary>A special point's label: a point kind (every <see cref="PointKind"/> but Regular) and its ordinal, e.g. HB2, R41.</summary>
    internal static bool IsPointLabel(string label) => LabelKind(label) is not null;

    /// <summary>The point kind a label names (<c>LPC2</c> → LPC), or null when it is not a label.</summary>
    static PointKind? LabelKind(string label)
    {
        // Kinds may end in a digit (R1 … R4): "R41" is R4's first point.
        foreach (var kind in Enum.GetValues<PointKind>())
        {
            string name = kind.ToString();
            if (kind == PointKind.Regular || !label.StartsWith(name, StringComparison.Ordinal)) continue;
            var ordinal = label.AsSpan(name.Length);
            if (ordinal.Length > 0 && ordinal[0] != '0' && !ordinal.ContainsAnyExcept("0123456789")) return kind;
        }
        return null;
    }

    internal StartSpec ParseStart(YamlNode node, OdeSystem model, string where)
    {
        if (node is not YamlMappingNode map) throw Error(node, $"{where}: expected a mapping with 'state' and/or 'integrate'");
        CheckKeys(map, StartKeys, where + ".");
        var state = _initial?.ToArray() ?? new double[model.Dimension];
        if (Get(map, "state") is { } stateNode)
        {
            if (stateNode is YamlSequenceNode)
            {
                var list = Numbers(stateNode, $"{where}.state");
                if (list.Count != model.Dimension)
                    throw Error(stateNode, $"{where}.state: expected {model.Dimension} values ({string.Join(", ", model.StateNames)}), got {list.Count}");
                state = list.ToArray();
            }
            else if (stateNode is YamlMappingNode smap)
            {
                var seen = new HashSet<string>();
                foreach (var (keyNode, valueNode) in smap.Children)
                {
                    string key = Scalar(keyNode, $"{where}.state");
                    int i = model.StateIndex(key);
                    if (i < 0) throw Error(keyNode, $"{where}.state: unknown state variable '{key}' (model {model.Name} has {string.Join(", ", model.StateNames)})");
                    state[i] = Number(valueNode, $"{where}.state.{key}");
                    seen.Add(key);
                }
                var missing = model.StateNames.Where(s => !seen.Contains(s)).ToList();
                if (missing.Count > 0)
                    throw Error(stateNode, $"{where}.state: expected a value for every state variable; missing {string.Join(", ", missing)}");
            }
            else throw Error(stateNode, $"{where}.state: expected a list of {model.Dimension} numbers or a mapping by state name");
        }
        double? tEnd = null;
        if (Get(map, "integrate") is { } inode)
        {
            if (inode is not YamlMappingNode imap) throw Error(inode, $"{where}.integrate: expected a mapping such as {{ t_end: 5000 }}");
            CheckKeys(imap, IntegrateKeys, where + ".integrate.");
            var tnode = Get(imap, "t_end") ?? throw Error(inode, $"{where}.integrate: missing key 't_end'");
            tEnd = Number(tnode, $"{where}.integrate.t_end");
            if (!(tEnd > 0)) throw Error(tnode, $"{where}.integrate.t_end: expected a positive time, got {tEnd}");
        }
        else if (Get(map, "state") is null) throw Error(node, $"{where}: expected 'state' and/or 'integrate'");
        return new StartSpec(state, tEnd);
    }

    internal Numerics ParseNumerics(YamlNode node, Numerics baseline, string where)
    {
        if (node is not YamlMappingNode map) throw Error(node, $"{where}: expected a mapping such as {{ ds: 0.01, ds_max: 0.1 }}");
        CheckKeys(map, NumericKeys, where + ".");
        var o = baseline.Continuation;
        var col = baseline.Collocation;
        var size = baseline.Discretisation;
        foreach (var (keyNode, valueNode) in map.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value!;
            string at = $"{where}.{key}";
            o = key switch
            {
                "ds" => o with { Ds = Positive(valueNode, at) },
                "ds_min" => o with { DsMin = Positive(valueNode, at) },
                "ds_max" => o with { DsMax = Positive(valueNode, at) },
                "max_steps" => o with { MaxSteps = Int(valueNode, at, 1) },
                "newton_tolerance" => o with { NewtonTolerance = Positive(valueNode, at) },
                "max_newton_iterations" => o with { MaxNewtonIterations = Int(valueNode, at, 1) },
                "parameter_weight" => o with { ParameterWeight = Positive(valueNode, at) },
                "location_tolerance" => o with { LocationTolerance = Positive(valueNode, at) },
                "verification_tolerance" => o with { VerificationTolerance = Positive(valueNode, at) },
                "max_turn" => o with { MaxTurnDegrees = Positive(valueNode, at) },
                _ => o,
            };
            size = key switch
            {
                "ntst" => size.WithIntervals(Int(valueNode, at, 2)),
                "ncol" => size.WithDegree(Int(valueNode, at, CollocationScheme.MinDegree, CollocationScheme.MaxDegree)),
                _ => size,
            };
            col = key switch
            {
                "adapt" => col with { AdaptEvery = Int(valueNode, at, 0) },
                "period_weight" => col with { PeriodWeight = NonNegative(valueNode, at) },
                _ => col,
            };
        }
        try { o.Validate(); }
        catch (ArgumentException e)
        {
            // The message starts with the offending setting ("ds_max (0.01) must be at least ds_min (0.1)."): point at its line.
            string key = new(e.Message.TakeWhile(c => char.IsLetterOrDigit(c) || c == '_').ToArray());
            throw Error(map.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: var v } && v == key) ?? node, $"{where}: {e.Message}");
        }
        return new Numerics(o, col, size);
    }

    double NonNegative(YamlNode node, string where)
    {
        double v = Number(node, where);
        return v >= 0 ? v : throw Error(node, $"{where}: must not be negative, got {v.ToString(CultureInfo.InvariantCulture)}");
    }

    IReadOnlyList<OutputSpec> ParseOutputs(YamlNode node, OdeSystem model)
    {
        if (node is not YamlSequenceNode seq) throw Error(node, "outputs: expected a list such as - { name: v_e_max, max: v_e }");
        var list = new List<OutputSpec>();
        for (int i = 0; i < seq.Children.Count; i++)
        {
            string where = $"outputs[{i}]";
            if (seq.Children[i] is not YamlMappingNode map) throw Error(seq.Children[i], $"{where}: expected a mapping such as {{ name: v_e_max, max: v_e }}");
            CheckKeys(map, ["name", "min", "max", "mean", "amplitude", "period", "frequency"], where + ".");
            var nameNode = Get(map, "name") ?? throw Error(map, $"{where}: missing key 'name'");
            string name = Scalar(nameNode, $"{where}.name");
            // A column name of the output files: a plain name, so that every CSV reader reads the header as written.
            if (name.Length == 0 || name.Length > MaxNameLength || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.'))
                throw Error(nameNode, $"{where}.name: '{Shorten(name)}' is not a column name (1 to {MaxNameLength} letters, digits, '_', '-' or '.')");
            if (list.Any(o => o.Name == name) || model.StateIndex(name) >= 0 || model.ParameterIndex(name) >= 0
                || FixedColumns.Contains(name) || name.StartsWith("floquet_", StringComparison.Ordinal))
                throw Error(nameNode, $"{where}.name: '{name}' is already a column name");
            var fns = map.Children.Where(c => ((YamlScalarNode)c.Key).Value != "name").ToList();
            if (fns.Count != 1) throw Error(map, $"{where}: expected exactly one of min, max, mean, amplitude, period, frequency");
            var (fkey, fvalue) = (((YamlScalarNode)fns[0].Key).Value!, fns[0].Value);
            OutputFunction function;
            int index = -1;
            if (fkey is "period" or "frequency")
            {
                if (Scalar(fvalue, $"{where}.{fkey}") != "true") throw Error(fvalue, $"{where}.{fkey}: expected true (e.g. {{ name: f, frequency: true }})");
                function = fkey == "period" ? OutputFunction.Period : OutputFunction.Frequency;
            }
            else
            {
                string variable = Scalar(fvalue, $"{where}.{fkey}");
                index = model.StateIndex(variable);
                function = fkey switch { "min" => OutputFunction.Min, "max" => OutputFunction.Max, "mean" => OutputFunction.Mean, _ => OutputFunction.Amplitude };
                if (index < 0 && DefinitionOutput(model, variable) is { } quantity)
                {
                    list.Add(new OutputSpec(name, function, -1, quantity));
                    continue;
                }
                if (index < 0) throw Error(fvalue, $"{where}.{fkey}: unknown state variable '{variable}' (model {model.Name} has {string.Join(", ", model.StateNames)}{DefinitionList(model)})");
            }
            list.Add(new OutputSpec(name, function, index));
        }
        return list;
    }

    /// <summary><c>plots: { window: { Iext_e: [-5, 20], eps: [0, 130] } }</c>: axis ranges of the figures, by parameter or state name.</summary>
    Dictionary<string, (double, double)> ParsePlots(YamlNode node, OdeSystem model)
    {
        if (node is not YamlMappingNode map) throw Error(node, "plots: expected a mapping such as { window: { Iext_e: [-5, 20] } }");
        CheckKeys(map, ["window"], "plots.");
        var result = new Dictionary<string, (double, double)>();
        if (Get(map, "window") is not { } wnode) return result;
        if (wnode is not YamlMappingNode wmap) throw Error(wnode, "plots.window: expected a mapping of names to [min, max]");
        foreach (var (keyNode, valueNode) in wmap.Children)
        {
            string key = Scalar(keyNode, "plots.window");
            if (model.ParameterIndex(key) < 0 && model.StateIndex(key) < 0)
                throw Error(keyNode, $"plots.window: '{key}' is neither a parameter nor a state variable of model {model.Name}");
            var pair = Numbers(valueNode, $"plots.window.{key}");
            if (pair.Count != 2 || !(pair[0] < pair[1])) throw Error(valueNode, $"plots.window.{key}: expected [min, max] with min < max");
            result[key] = (pair[0], pair[1]);
        }
        return result;
    }

    internal Dictionary<string, double> ParameterMap(YamlNode node, OdeSystem model, string where)
    {
        if (node is not YamlMappingNode map) throw Error(node, $"{where}: expected a mapping of parameter names to numbers");
        var result = new Dictionary<string, double>();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            string key = Scalar(keyNode, where);
            if (model.ParameterIndex(key) < 0) throw Error(keyNode, $"{where}: {UnknownParameter(key, model)}");
            result[key] = Number(valueNode, $"{where}.{key}");
        }
        return result;
    }

    internal static string UnknownParameter(string name, OdeSystem model)
        => $"unknown parameter '{name}' (model {model.Name} has {string.Join(", ", model.Parameters.Select(p => p.Name))})";

    internal void CheckKeys(YamlMappingNode map, string[] allowed, string prefix)
    {
        var seen = new HashSet<string>();
        foreach (var key in map.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: { } k }) throw Error(key, $"{prefix.TrimEnd('.')}: keys must be plain names");
            if (!allowed.Contains(k))
                throw Error(key, $"{prefix}{k}: unknown key '{k}' (expected one of {string.Join(", ", allowed)})");
            if (!seen.Add(k)) throw Error(key, $"{prefix}{k}: duplicate key");
        }
    }

    /// <summary>
    /// <c>grid: { A: [from, to, step], … }</c> with <paramref name="min"/> to <paramref name="max"/> axes
    /// (both ends included; at most 100 000 values per axis), each a parameter of <paramref name="model"/>.
    /// </summary>
    internal List<Transverse.MapAxis> GridAxes(YamlMappingNode map, string where, Systems.OdeSystem model, int min, int max, string example)
    {
        var gridNode = Get(map, "grid") ?? throw Error(map, $"{where}: missing key 'grid' (e.g. grid: {example})");
        static string Word(int k) => k switch { 1 => "one", 2 => "two", _ => k.ToString(CultureInfo.InvariantCulture) };
        string count = min == max ? Word(min) : $"{Word(min)} or {Word(max)}";
        if (gridNode is not YamlMappingNode grid || grid.Children.Count < min || grid.Children.Count > max)
            throw Error(gridNode, $"{where}.grid: expected {count} parameters with [from, to, step] each, e.g. {example}");
        var axes = new List<Transverse.MapAxis>();
        foreach (var (keyNode, valueNode) in grid.Children)
        {
            string key = Scalar(keyNode, $"{where}.grid");
            if (model.ParameterIndex(key) < 0) throw Error(keyNode, $"{where}.grid: {UnknownParameter(key, model)}");
            if (axes.Any(a => a.Parameter == key)) throw Error(keyNode, $"{where}.grid: '{key}' is given twice");
            var v = Numbers(valueNode, $"{where}.grid.{key}");
            if (v.Count != 3) throw Error(valueNode, $"{where}.grid.{key}: expected [from, to, step], got {v.Count} numbers");
            if (!(v[2] > 0)) throw Error(valueNode, $"{where}.grid.{key}: the step must be positive, got {v[2]}");
            if (v[1] < v[0]) throw Error(valueNode, $"{where}.grid.{key}: expected from <= to, got [{v[0]}, {v[1]}]");
            double values = Math.Floor((v[1] - v[0]) / v[2] + 1e-9) + 1;
            if (!(values <= 100_000)) throw Error(valueNode, $"{where}.grid.{key}: [{v[0]}, {v[1]}] at step {v[2]} is {values:0} values, too many for one axis (at most 100000)");
            axes.Add(new Transverse.MapAxis(key, v[0], v[1], v[2]));
        }
        return axes;
    }

    /// <summary><c>transient:</c> of a run that ends at <paramref name="tEnd"/> (default 0; 0 ≤ transient &lt; t_end).</summary>
    internal double Transient(YamlMappingNode map, string where, double tEnd)
    {
        if (Get(map, "transient") is not { } node) return 0;
        double transient = Number(node, $"{where}.transient");
        if (transient < 0 || transient >= tEnd)
            throw Error(node, $"{where}.transient: expected 0 <= transient < t_end = {tEnd.ToString(CultureInfo.InvariantCulture)}, got {transient.ToString(CultureInfo.InvariantCulture)}");
        return transient;
    }

    /// <summary><c>random: { sigma, seed }</c> (seed default 1).</summary>
    internal Runs.Perturbation.Random RandomPerturbation(YamlNode node, string where)
    {
        var rmap = node as YamlMappingNode ?? throw Error(node, $"{where}.random: expected a mapping such as {{ sigma: 0.01, seed: 1 }}");
        CheckKeys(rmap, ["sigma", "seed"], $"{where}.random.");
        var sigmaNode = Get(rmap, "sigma") ?? throw Error(rmap, $"{where}.random: missing key 'sigma' (the standard deviation per variable)");
        return new Runs.Perturbation.Random(Positive(sigmaNode, $"{where}.random.sigma"), Get(rmap, "seed") is { } seedNode ? Int(seedNode, $"{where}.random.seed", 0) : 1);
    }

    /// <summary>Refuses a key that a run of <paramref name="kind"/> does not take, listing those it does.</summary>
    internal void CheckRunKeys(YamlMappingNode map, string[] keys, string where, Runs.RunKind kind)
    {
        foreach (var k in map.Children.Keys)
            if (k is YamlScalarNode { Value: { } key } && !keys.Contains(key))
                throw Error(k, $"{where}.{key}: not used by a {kind} run (its keys: {string.Join(", ", keys)})");
    }

    internal static YamlNode? Get(YamlMappingNode map, string key)
        => map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    internal string Scalar(YamlNode node, string where)
        => node is YamlScalarNode { Value: { } v } ? v : throw Error(node, $"{where}: expected a single value, got a {Describe(node)}");

    internal double Number(YamlNode node, string where)
    {
        string s = Scalar(node, where);
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)) return v;
        throw Error(node, $"{where}: expected a number, got '{s}'");
    }

    internal double Positive(YamlNode node, string where)
    {
        double v = Number(node, where);
        return v > 0 ? v : throw Error(node, $"{where}: must be positive, got {v.ToString(CultureInfo.InvariantCulture)}");
    }

    internal int Int(YamlNode node, string where, int min, int max = int.MaxValue)
    {
        string s = Scalar(node, where);
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw Error(node, $"{where}: expected an integer, got '{s}'");
        if (v < min || v > max)
            throw Error(node, max == int.MaxValue ? $"{where}: must be at least {min}, got {v}" : $"{where}: must be between {min} and {max}, got {v}");
        return v;
    }

    internal List<double> Numbers(YamlNode node, string where)
    {
        if (node is YamlScalarNode) return [Number(node, where)];
        if (node is not YamlSequenceNode seq) throw Error(node, $"{where}: expected a list of numbers");
        return seq.Children.Select((c, i) => Number(c, $"{where}[{i}]")).ToList();
    }

    static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "value",
    };

    static int? FirstTabIndentedLine(string text)
    {
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
            if (lines[i].TakeWhile(char.IsWhiteSpace).Contains('\t')) return i + 1;
        return null;
    }

    /// <summary>Passes events through, remembering the open flow collections (<c>[</c>, <c>{</c>) and the last line seen.</summary>
    /// <summary>How deep lists and mappings may nest in a case file (a case needs four or five levels).</summary>
    const int MaxYamlNesting = 64;

    sealed class YamlNestingException(int line) : Exception
    {
        public int Line { get; } = line;
    }

    sealed class TrackingParser(IParser inner) : IParser
    {
        readonly Stack<(char? Bracket, int Line)> _open = new();

        public ParsingEvent? Current => inner.Current;
        public int LastLine { get; private set; } = 1;
        public (char Bracket, int Line)? OpenFlow(bool outermost)
            => (outermost ? _open.Reverse() : _open).FirstOrDefault(o => o.Bracket is not null) is { Bracket: { } b } o ? (b, o.Line) : null;

        public bool MoveNext()
        {
            if (!inner.MoveNext()) return false;
            var ev = inner.Current!;
            LastLine = (int)ev.Start.Line;
            switch (ev)
            {
                case MappingStart m: _open.Push((m.Style == MappingStyle.Flow ? '{' : null, LastLine)); break;
                case SequenceStart q: _open.Push((q.Style == SequenceStyle.Flow ? '[' : null, LastLine)); break;
                case MappingEnd or SequenceEnd when _open.Count > 0: _open.Pop(); break;
            }
            // Loading a document recurses once per level: stop before that can exhaust the stack.
            if (_open.Count > MaxYamlNesting)
                throw new YamlNestingException(LastLine);
            return true;
        }
    }

    static string Clean(string message)
    {
        // YamlDotNet prefixes "(Line: a, Col: b, Idx: c) - (Line: …): "; the line is reported separately.
        int i = message.LastIndexOf("): ", StringComparison.Ordinal);
        return i >= 0 ? message[(i + 3)..] : message;
    }
}
