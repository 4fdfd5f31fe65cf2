using System.Globalization;
using Continuation.Cli.Cases;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Transverse;
using YamlDotNet.RepresentationModel;

namespace Continuation.Cli.Runs;

/// <summary>A <c>transverse-map</c> run: the grid (first axis inner, swept by continuation; second axis outer, one line per value).</summary>
/// <remarks>The cells' cycles are discretised as the run says (<see cref="RunSpec.Discretisation"/>, <see cref="RunSpec.Collocation"/>).</remarks>
/// <param name="InitialState">Where each line starts (the case's <c>start: state</c> or the run's own; zero by default).</param>
public sealed record MapSpec(MapAxis X, MapAxis Y, double[]? InitialState) : RunDetails;

/// <summary>
/// A <c>transverse-map</c> run: the instability map of a parameter plane — what the homogeneous
/// system settles on in every cell and whether a network mode grows there. Everything about the
/// kind is here: its keys, their checks, the computation and its report (written by
/// <see cref="Output.OutputWriter.WriteMap"/> to <c>transverse/map.csv</c>).
/// </summary>
public sealed class MapRun : RunKind
{
    static readonly string[] Keys = ["name", "kind", "grid", "parameters", "numerics", "start"];

    /// <summary>The most cells an instability map may have (the paper's map at step 0.05 has 192 921).</summary>
    public const long MaxCells = 4_000_000;

    /// <inheritdoc/>
    public override string Name => "transverse-map";

    /// <inheritdoc/>
    public override bool NeedsConnectivity(RunSpec run) => true;

    /// <inheritdoc/>
    public override IReadOnlyList<string> OwnKeys => ["grid"];

    /// <inheritdoc/>
    public override bool Shardable => true;

    /// <summary>
    /// <c>grid: { A: [from, to, step], B: [from, to, step] }</c> (both inclusive; A varies along each
    /// line), optional <c>parameters:</c> (the others' values), <c>numerics: { ntst, ncol, adapt }</c>
    /// for the cycles (default NTST 40, NCOL 4) and <c>start: { state: … }</c> (default: the zero
    /// state, as in the paper).
    /// </summary>
    internal override RunSpec Read(CaseReader reader, RunNode node)
    {
        var (map, kindNode, where, name, model, numerics, earlier) = (node.Map, node.KindNode, node.Where, node.Name, node.Model, node.Numerics, node.Earlier);
        reader.CheckRunKeys(map, Keys, where, node.Kind);
        if (model is not ICoupledSystem)
            throw reader.Error(kindNode, $"{where}.kind: model {model.Name} declares no network coupling, so it has no transverse modes " +
                "(a model written as equations declares it with coupling: { parameter, variable, enters })");
        if (earlier.FirstOrDefault(r => r.Kind is MapRun) is { } other)
            throw reader.Error(kindNode, $"{where}.kind: run '{other.Name}' is already a transverse-map (a case has one map: transverse/map.csv)");
        var axes = reader.GridAxes(map, where, model, 2, 2, "{ Iext_e: [0, 16, 0.05], eps: [0, 30, 0.05] }");
        double cells = (double)axes[0].Count * axes[1].Count;
        if (cells > MaxCells)
            throw reader.Error(map, $"{where}: the grid has {axes[0].Count} × {axes[1].Count} = {cells:0} cells (at most {MaxCells}): use a coarser step, or split the map");
        var overrides = CaseReader.Get(map, "parameters") is { } ponode ? reader.ParameterMap(ponode, model, $"{where}.parameters") : new Dictionary<string, double>();
        foreach (var a in axes)
            if (overrides.ContainsKey(a.Parameter))
                throw reader.Error(CaseReader.Get(map, "parameters")!, $"{where}.parameters.{a.Parameter}: this parameter is an axis of the grid");
        var defaults = new MapOptions();
        var (collocation, discretisation) = (defaults.Collocation, defaults.Discretisation);
        if (CaseReader.Get(map, "numerics") is { } nnode)
        {
            var nmap = nnode as YamlMappingNode ?? throw reader.Error(nnode, $"{where}.numerics: expected a mapping such as {{ ntst: 40, ncol: 4 }}");
            foreach (var k in nmap.Children.Keys)
                if (k is YamlScalarNode { Value: { } key } && key is not ("ntst" or "ncol" or "adapt"))
                    throw reader.Error(k, $"{where}.numerics.{key}: a transverse-map takes ntst, ncol and adapt (the cells are corrected at fixed parameters, not continued)");
            var given = reader.ParseNumerics(nnode, new Numerics(new ContinuationOptions(), collocation, discretisation), $"{where}.numerics");
            (collocation, discretisation) = (given.Collocation, given.Discretisation);
        }
        double[]? initial = CaseReader.Get(map, "start") is { } startNode ? reader.ParseStart(startNode, model, $"{where}.start").State : null;
        return new RunSpec
        {
            Name = name, Kind = node.Kind, Line = (int)map.Start.Line,
            Parameter = axes[0].Parameter, SecondParameter = axes[1].Parameter,
            ParameterOverrides = overrides, Options = numerics.Continuation, Collocation = collocation, Discretisation = discretisation,
            Details = new MapSpec(axes[0], axes[1], initial),
        };
    }

    /// <summary>Computes the map and writes it; a numerical failure is reported and recorded (exit code 1), never a half map.</summary>
    internal override bool Execute(CaseRunner runner, RunSpec run, CancellationToken cancellation)
    {
        var (writer, log, quiet, caseFile) = (runner.Writer, runner.Log, runner.Quiet, runner.Case);
        var spec = (MapSpec)run.Details!;
        var parameters = (double[])caseFile.Parameters.Clone();
        foreach (var (name, value) in run.ParameterOverrides) parameters[caseFile.Model.ParameterIndex(name)] = value;
        var options = new MapOptions { Discretisation = run.Discretisation, Collocation = run.Collocation, InitialState = spec.InitialState };
        int lines = spec.Y.Count, cells = lines * spec.X.Count;
        if (!quiet)
            log.WriteLine($"[{run.Name}] transverse map: {spec.X.Count} x {spec.Y.Count} = {cells} cells ({spec.X.Parameter} along each of {lines} lines of {spec.Y.Parameter}), " +
                $"{runner.Transverse.Spectrum.Size} modes per cell");
        return runner.Analyse(run, "transverse map", () =>
        {
            if (runner.Shard is { } shard)
            {
                Shard(runner, run, spec, parameters, options, shard, cancellation);
                return;
            }
            var progress = quiet ? null : new CaseRunner.Progress(log, run.Name, "transverse map", lines, "lines", every: 10);
            var result = InstabilityMap.Compute(runner.Transverse, parameters, spec.X, spec.Y, options, progress, cancellation);
            progress?.Finish();
            writer.WriteMap(run, result);
            if (!quiet)
            {
                int eq = result.Cells.Count(c => c.State == MapState.Equilibrium), cy = result.Cells.Count(c => c.State == MapState.Cycle);
                int unstable = result.Cells.Count(c => c.TransverselyUnstable);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{run.Name}] {cells} cells in {result.WallMilliseconds / 1000:F1} s ({result.WallMilliseconds / cells:F2} ms per cell, {result.Threads} thread(s)): " +
                    $"{eq} equilibria, {cy} cycles, {cells - eq - cy} other; {unstable} transversally unstable; {result.Searches} attractor searches by integration"));
            }
        });
    }

    /// <summary>
    /// Shard i of n of the map: every n-th line from the i-th (lines are independent: each is swept
    /// from its own start), each finished line's cells appended to the shard's cells file, a rerun
    /// resuming from the finished lines; <c>cont merge</c> writes <c>transverse/map.csv</c>.
    /// </summary>
    static void Shard(CaseRunner runner, RunSpec run, MapSpec spec, double[] parameters, MapOptions options, (int Index, int Count) shard, CancellationToken cancellation)
    {
        int nx = spec.X.Count, ny = spec.Y.Count;
        var store = ShardCells.Open(runner.Writer.Root, run.Name, Output.OutputWriter.MapHeader(spec.X, spec.Y), "transverse/map.csv", nx * ny, nx, shard);
        var done = store.Done.Select(d => d.Cell).ToHashSet();
        var mine = Enumerable.Range(0, ny).Where(r => ShardCells.Owns(r * nx, nx, shard.Index, shard.Count)).ToList();
        var todo = mine.Where(r => !Enumerable.Range(r * nx, nx).All(done.Contains)).ToList();
        if (!runner.Quiet)
            runner.Log.WriteLine($"[{run.Name}] transverse map, shard {shard.Index} of {shard.Count}: {mine.Count} of {ny} lines, {mine.Count - todo.Count} already done");
        var progress = runner.Quiet ? null : new CaseRunner.Progress(runner.Log, run.Name, "transverse map", todo.Count, "lines", every: 10);
        var result = InstabilityMap.Compute(runner.Transverse, parameters, spec.X, spec.Y, todo,
            (row, line) => store.Append(line.Select((c, col) => (row * nx + col, Output.OutputWriter.MapRow(c)))), options, progress, cancellation);
        progress?.Finish();
        store.Complete(mine.Count);
        runner.Writer.RecordNetwork(run, "shards", w =>
        {
            w.WriteString("shard", $"{shard.Index}-of-{shard.Count}");
            w.WriteNumber("lines", mine.Count);
            w.WriteString("file", $"cells/{run.Name}.csv");
        });
    }
}
