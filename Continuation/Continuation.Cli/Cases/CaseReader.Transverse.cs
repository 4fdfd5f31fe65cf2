using Continuation.Cli.Runs;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Systems;
using Continuation.Transverse;
using YamlDotNet.RepresentationModel;

namespace Continuation.Cli.Cases;

/// <summary>Where the network's connectivity matrix comes from: the case's <c>connectivity:</c> key or <c>--connectivity</c>.</summary>
/// <param name="Path">The file, resolved (a case-file path is relative to the case file's folder).</param>
/// <param name="Written">The path as the user wrote it, for messages.</param>
/// <param name="Key">The array inside an .npz archive; null: the default.</param>
/// <param name="Normalize">Whether to divide the rows by their sums (<c>normalize: rows</c>).</param>
/// <param name="Line">Line of the <c>connectivity:</c> key; 0 when it came from the command line.</param>
public sealed record ConnectivitySpec(string Path, string Written, string? Key, ConnectivityNormalization Normalize, int Line)
{
    /// <summary>True when given by <c>--connectivity</c> rather than the case file.</summary>
    public bool FromCommandLine => Line == 0;
}

/// <summary>A <c>transverse</c> run: the transverse stability of every point of an earlier branch.</summary>
/// <param name="Of">The analysed branch (an earlier run's name).</param>
/// <param name="OfLine">Line of the <c>of:</c> key.</param>
/// <param name="At">Labels of the points whose dispersion relation is written, with their lines; null: every labelled point but EP.</param>
public sealed record TransverseSpec(string Of, int OfLine, IReadOnlyList<(string Label, int Line)>? At);

/// <summary>A <c>transverse-map</c> run: the grid (first axis inner, swept by continuation; second axis outer, one line per value).</summary>
/// <param name="InitialState">Where each line starts (the case's <c>start: state</c> or the run's own; zero by default).</param>
public sealed record MapSpec(MapAxis X, MapAxis Y, CycleMesh Discretisation, CollocationOptions Collocation, double[]? InitialState);

/// <summary>The <c>connectivity:</c> key and <c>transverse</c> runs of a case file.</summary>
public sealed partial class CaseReader
{
    static readonly string[] ConnectivityKeys = ["file", "key", "normalize"];
    static readonly string[] TransverseRunKeys = ["name", "kind", "of", "at"];
    static readonly string[] MapRunKeys = ["name", "kind", "grid", "parameters", "numerics", "start"];

    /// <summary>
    /// A run of kind <c>transverse-map</c>: <c>grid: { A: [from, to, step], B: [from, to, step] }</c>
    /// (both inclusive; A varies along each line), optional <c>parameters:</c> (the others' values),
    /// <c>numerics: { ntst, ncol, adapt }</c> for the cycles (default NTST 40, NCOL 4) and
    /// <c>start: { state: … }</c> (default: the zero state, as in the paper).
    /// </summary>
    internal RunSpec ReadMapRun(RunNode node)
    {
        var (map, kindNode, where, name, model, numerics, earlier) = (node.Map, node.KindNode, node.Where, node.Name, node.Model, node.Numerics, node.Earlier);
        foreach (var k in map.Children.Keys)
            if (k is YamlScalarNode { Value: { } key } && !MapRunKeys.Contains(key))
                throw Error(k, $"{where}.{key}: not used by a transverse-map run (its keys: {string.Join(", ", MapRunKeys)})");
        if (model is not ICoupledSystem)
            throw Error(kindNode, $"{where}.kind: model {model.Name} declares no network coupling, so it has no transverse modes");
        if (earlier.FirstOrDefault(r => r.Kind is MapRun) is { } other)
            throw Error(kindNode, $"{where}.kind: run '{other.Name}' is already a transverse-map (a case has one map: transverse/map.csv)");
        var gridNode = Get(map, "grid") ?? throw Error(map, $"{where}: missing key 'grid' (e.g. grid: {{ Iext_e: [0, 16, 0.05], eps: [0, 30, 0.05] }})");
        if (gridNode is not YamlMappingNode grid || grid.Children.Count != 2)
            throw Error(gridNode, $"{where}.grid: expected two parameters with [from, to, step] each, e.g. {{ Iext_e: [0, 16, 0.05], eps: [0, 30, 0.05] }}");
        var axes = new List<MapAxis>();
        foreach (var (keyNode, valueNode) in grid.Children)
        {
            string key = Scalar(keyNode, $"{where}.grid");
            if (model.ParameterIndex(key) < 0) throw Error(keyNode, $"{where}.grid: {UnknownParameter(key, model)}");
            if (axes.Any(a => a.Parameter == key)) throw Error(keyNode, $"{where}.grid: '{key}' is given twice");
            var v = Numbers(valueNode, $"{where}.grid.{key}");
            if (v.Count != 3) throw Error(valueNode, $"{where}.grid.{key}: expected [from, to, step], got {v.Count} numbers");
            if (!(v[2] > 0)) throw Error(valueNode, $"{where}.grid.{key}: the step must be positive, got {v[2]}");
            if (v[1] < v[0]) throw Error(valueNode, $"{where}.grid.{key}: expected from <= to, got [{v[0]}, {v[1]}]");
            double count = Math.Floor((v[1] - v[0]) / v[2] + 1e-9) + 1;
            if (!(count <= 100_000)) throw Error(valueNode, $"{where}.grid.{key}: [{v[0]}, {v[1]}] at step {v[2]} is {count:0} values, too many for one axis (at most 100000)");
            var axis = new MapAxis(key, v[0], v[1], v[2]);
            axes.Add(axis);
        }
        var overrides = Get(map, "parameters") is { } ponode ? ParameterMap(ponode, model, $"{where}.parameters") : new Dictionary<string, double>();
        foreach (var a in axes)
            if (overrides.ContainsKey(a.Parameter))
                throw Error(Get(map, "parameters")!, $"{where}.parameters.{a.Parameter}: this parameter is an axis of the grid");
        var defaults = new MapOptions();
        var (collocation, discretisation) = (defaults.Collocation, defaults.Discretisation);
        if (Get(map, "numerics") is { } nnode)
        {
            var nmap = nnode as YamlMappingNode ?? throw Error(nnode, $"{where}.numerics: expected a mapping such as {{ ntst: 40, ncol: 4 }}");
            foreach (var k in nmap.Children.Keys)
                if (k is YamlScalarNode { Value: { } key } && key is not ("ntst" or "ncol" or "adapt"))
                    throw Error(k, $"{where}.numerics.{key}: a transverse-map takes ntst, ncol and adapt (the cells are corrected at fixed parameters, not continued)");
            var given = ParseNumerics(nnode, new Numerics(new ContinuationOptions(), collocation, discretisation), $"{where}.numerics");
            (collocation, discretisation) = (given.Collocation, given.Discretisation);
        }
        double[]? initial = Get(map, "start") is { } startNode ? ParseStart(startNode, model, $"{where}.start").State : null;
        return new RunSpec
        {
            Name = name, Kind = node.Kind, Line = (int)map.Start.Line,
            Parameter = axes[0].Parameter, SecondParameter = axes[1].Parameter,
            ParameterOverrides = overrides, Options = numerics.Continuation, Collocation = collocation, Discretisation = discretisation,
            Map = new MapSpec(axes[0], axes[1], discretisation, collocation, initial),
        };
    }

    /// <summary>
    /// <c>connectivity: PATH</c> or <c>connectivity: { file: PATH, key: K, normalize: rows }</c>; the
    /// path is relative to the case file. The file is not read here (<c>--connectivity</c> may replace it).
    /// </summary>
    ConnectivitySpec ParseConnectivity(YamlNode node, string casePath)
    {
        string file;
        string? key = null;
        var normalize = ConnectivityNormalization.None;
        if (node is YamlScalarNode)
            file = Scalar(node, "connectivity");
        else if (node is YamlMappingNode map)
        {
            CheckKeys(map, ConnectivityKeys, "connectivity.");
            var fileNode = Get(map, "file") ?? throw Error(map, "connectivity: missing key 'file' (the matrix: .npz, .npy, a dense text matrix or an edge list)");
            file = Scalar(fileNode, "connectivity.file");
            if (Get(map, "key") is { } keyNode)
            {
                key = Scalar(keyNode, "connectivity.key");
                if (key.Length == 0) throw Error(keyNode, "connectivity.key: must not be empty");
                if (!file.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
                    throw Error(keyNode, $"connectivity.key: a key names an array inside an .npz archive, and '{file}' is not one");
            }
            if (Get(map, "normalize") is { } normNode)
                normalize = Scalar(normNode, "connectivity.normalize") switch
                {
                    "rows" => ConnectivityNormalization.Rows,
                    "none" => ConnectivityNormalization.None,
                    var other => throw Error(normNode, $"connectivity.normalize: expected rows (divide every row by its sum) or none, got '{other}'"),
                };
        }
        else throw Error(node, "connectivity: expected a file name or a mapping { file: PATH, key: K, normalize: rows }");
        if (file.Length == 0) throw Error(node, "connectivity: the file name is empty");
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(casePath)) ?? ".";
        return new ConnectivitySpec(System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, file)), file, key, normalize, (int)node.Start.Line);
    }

    /// <summary>A run of kind <c>transverse</c>: <c>of: BRANCH</c>, optional <c>at: [LABEL, …]</c>.</summary>
    internal RunSpec ReadTransverseRun(RunNode node)
    {
        var (map, kindNode, where, name, model, earlier) = (node.Map, node.KindNode, node.Where, node.Name, node.Model, node.Earlier);
        foreach (var k in map.Children.Keys)
            if (k is YamlScalarNode { Value: { } key } && !TransverseRunKeys.Contains(key))
                throw Error(k, $"{where}.{key}: not used by a transverse run (its keys: {string.Join(", ", TransverseRunKeys)})");
        if (model is not ICoupledSystem)
            throw Error(kindNode, $"{where}.kind: model {model.Name} declares no network coupling, so it has no transverse modes " +
                "(a model must name its coupling parameter and coupling Jacobian; NextGenNeuralMass.Homogeneous does)");
        var ofNode = Get(map, "of") ?? throw Error(map, $"{where}: missing key 'of' (the earlier branch to analyse, e.g. of: fp)");
        string of = Scalar(ofNode, $"{where}.of");
        var source = earlier.FirstOrDefault(r => r.Name == of);
        if (source is null)
            throw Error(ofNode, $"{where}.of: no earlier run named '{of}'" + (earlier.Count > 0 ? $" (earlier runs: {string.Join(", ", earlier.Select(r => r.Name))})" : ""));
        if (source.Kind.Branch is null)
            throw Error(ofNode, $"{where}.of: '{of}' is a {source.Kind} run, not a branch");
        if (earlier.FirstOrDefault(r => r.Transverse?.Of == of) is { } twin)
            throw Error(ofNode, $"{where}.of: branch '{of}' is already analysed by run '{twin.Name}' (both would write transverse/{of}.csv)");

        List<(string, int)>? at = null;
        if (Get(map, "at") is { } atNode)
        {
            var items = atNode is YamlSequenceNode seq ? seq.Children.ToList() : [atNode];
            at = [];
            for (int i = 0; i < items.Count; i++)
            {
                string label = Scalar(items[i], $"{where}.at[{i}]");
                if (!IsPointLabel(label))
                    throw Error(items[i], $"{where}.at: '{label}' is not a point label (HB1, UZ2, PD1, EP1 …)");
                if (at.Any(a => a.Item1 == label)) throw Error(items[i], $"{where}.at: '{label}' is listed twice");
                at.Add((label, (int)items[i].Start.Line));
            }
        }

        return new RunSpec
        {
            Name = name, Kind = node.Kind, Line = (int)map.Start.Line,
            Parameter = source.Parameter, SecondParameter = source.SecondParameter,
            Options = source.Options, Collocation = source.Collocation, Discretisation = source.Discretisation,
            Transverse = new TransverseSpec(of, (int)ofNode.Start.Line, at),
        };
    }

    /// <summary>Keys that only a transverse run takes, on a run of another kind: an error.</summary>
    void RejectTransverseKeys(YamlMappingNode map, string where, string kind)
    {
        foreach (var key in new[] { "of", "at" })
            if (Get(map, key) is { } stray)
                throw Error(map.Children.Keys.First(k => k is YamlScalarNode { Value: var v } && v == key),
                    $"{where}.{key}: only a transverse run takes '{key}' (this run is {kind}; use from: for a start point)");
        if (Get(map, "grid") is not null)
            throw Error(map.Children.Keys.First(k => k is YamlScalarNode { Value: "grid" }), $"{where}.grid: only a transverse-map run takes a grid (this run is {kind})");
    }
}
