using System.Globalization;
using System.Text;
using Continuation.Cli.Cases;
using Continuation.Cli.Output;
using Continuation.Lyapunov;
using Continuation.Network;
using Continuation.Transverse;
using YamlDotNet.RepresentationModel;

namespace Continuation.Cli.Runs;

/// <summary>How a Lyapunov run or scan integrates and which system: the homogeneous one, or the network.</summary>
/// <param name="Network">True for the whole network (then <see cref="Start"/>'s perturbation applies).</param>
/// <param name="Exponents">k; null for all.</param>
public sealed record LyapunovSettings(bool Network, int? Exponents, double TEnd, double Transient, double ReorthonormaliseEvery,
    double RelativeTolerance, double AbsoluteTolerance, double? MaxStep)
{
    /// <summary>The keys of these settings.</summary>
    public static readonly string[] Keys = ["network", "exponents", "t_end", "transient", "reorthonormalise_every", "rtol", "atol", "max_step"];

    /// <summary>The engine's options.</summary>
    public LyapunovOptions Options => new()
    {
        Exponents = Exponents, TEnd = TEnd, Transient = Transient, ReorthonormaliseEvery = ReorthonormaliseEvery,
        RelativeTolerance = RelativeTolerance, AbsoluteTolerance = AbsoluteTolerance, MaxStep = MaxStep,
    };

    /// <summary>Reads the settings (<c>t_end</c> required).</summary>
    internal static LyapunovSettings Read(CaseReader reader, YamlMappingNode map, string where, Systems.OdeSystem model)
    {
        bool network = false;
        var nn = CaseReader.Get(map, "network");
        if (nn is not null)
            network = reader.Scalar(nn, $"{where}.network") switch
            {
                "true" => true,
                "false" => false,
                var v => throw reader.Error(nn, $"{where}.network: expected true or false, got '{v}'"),
            };
        if (network && model is not ICoupledSystem)
            throw reader.Error(nn!, $"{where}.network: model {model.Name} declares no network coupling, so it has no network");
        int? k = CaseReader.Get(map, "exponents") is { } kn ? reader.Int(kn, $"{where}.exponents", 1) : null;
        var tEndNode = CaseReader.Get(map, "t_end") ?? throw reader.Error(map, $"{where}: missing key 't_end' (the end of the averaging, in the model's time unit)");
        double tEnd = reader.Positive(tEndNode, $"{where}.t_end");
        double transient = reader.Transient(map, where, tEnd);
        double every = (tEnd - transient) / 1000;
        if (CaseReader.Get(map, "reorthonormalise_every") is { } rn)
        {
            every = reader.Positive(rn, $"{where}.reorthonormalise_every");
            if (every > tEnd - transient) throw reader.Error(rn, $"{where}.reorthonormalise_every: longer than the averaging (t_end − transient = {(tEnd - transient).ToString(CultureInfo.InvariantCulture)})");
        }
        double rtol = CaseReader.Get(map, "rtol") is { } r ? reader.Positive(r, $"{where}.rtol") : 1e-6;
        double atol = CaseReader.Get(map, "atol") is { } a ? reader.Positive(a, $"{where}.atol") : 1e-6;
        double? maxStep = CaseReader.Get(map, "max_step") is { } m ? reader.Positive(m, $"{where}.max_step") : null;
        return new LyapunovSettings(network, k, tEnd, transient, every, rtol, atol, maxStep);
    }
}

/// <summary>A <c>lyapunov</c> run.</summary>
public sealed record LyapunovSpec(NetworkStart Start, LyapunovSettings Settings) : RunDetails;

/// <summary>
/// A <c>lyapunov</c> run: the k largest Lyapunov exponents of the homogeneous system (all by default)
/// or of the network (<c>network: true</c>, from a homogeneous state plus a perturbation, as
/// <c>simulate</c>) by the tangent dynamics (<see cref="LyapunovSpectrum"/>). Files:
/// <c>lyapunov/NAME.csv</c> (exponents and how far each converged) and <c>lyapunov/NAME-running.csv</c>
/// (the running means); summary.json's <c>"lyapunov"</c> list.
/// </summary>
public sealed class LyapunovRun : RunKind
{
    static readonly string[] Keys = ["name", "kind", "parameters", .. NetworkStart.Keys, .. LyapunovSettings.Keys];

    /// <inheritdoc/>
    public override string Name => "lyapunov";

    /// <inheritdoc/>
    public override bool NeedsConnectivity(RunSpec run) => ((LyapunovSpec)run.Details!).Settings.Network;

    /// <inheritdoc/>
    public override string? SummarySection => "lyapunov";

    /// <inheritdoc/>
    public override IReadOnlyList<string> OwnKeys => ["network", "exponents", "reorthonormalise_every"];

    /// <inheritdoc/>
    public override string Describe(RunSpec run)
    {
        var s = ((LyapunovSpec)run.Details!).Settings;
        return $"{run.Name} (Lyapunov exponents of the {(s.Network ? "network" : "model")})";
    }

    /// <inheritdoc/>
    internal override RunSpec Read(CaseReader reader, RunNode node)
    {
        var (map, where, model) = (node.Map, node.Where, node.Model);
        reader.CheckRunKeys(map, Keys, where, node.Kind);
        var settings = LyapunovSettings.Read(reader, map, where, model);
        var start = NetworkStart.Read(reader, node);
        if (!settings.Network && start.Perturbation is not Perturbation.None)
            throw reader.Error(CaseReader.Get(map, "random") ?? CaseReader.Get(map, "mode")!, $"{where}: a perturbation needs network: true (the homogeneous system has no network modes)");
        var overrides = CaseReader.Get(map, "parameters") is { } ponode ? reader.ParameterMap(ponode, model, $"{where}.parameters") : new Dictionary<string, double>();
        return new RunSpec
        {
            Name = node.Name, Kind = node.Kind, Line = (int)map.Start.Line, Parameter = model.Parameters[0].Name,
            ParameterOverrides = overrides, Options = node.Numerics.Continuation, Details = new LyapunovSpec(start, settings),
        };
    }

    /// <inheritdoc/>
    internal override bool Execute(CaseRunner runner, RunSpec run, CancellationToken cancellation)
        => runner.Analyse(run, "Lyapunov run", () => Compute(runner, run, (LyapunovSpec)run.Details!, cancellation));

    static void Compute(CaseRunner runner, RunSpec run, LyapunovSpec spec, CancellationToken cancellation)
    {
        var (writer, log, quiet, caseFile) = (runner.Writer, runner.Log, runner.Quiet, runner.Case);
        var model = caseFile.Model;
        var (parameters, node, point, source, startText) = spec.Start.Resolve(runner, run);
        Systems.OdeSystem system = model;
        ITangentOperator? tangent = null;
        double[] initial = node;
        string perturbation = "";
        if (spec.Settings.Network)
        {
            var network = new NetworkSystem(model, runner.Transverse.Spectrum.Matrix);
            var (x0, _, mode, _) = spec.Start.Perturb(runner, run, network, node, point, source);
            (system, tangent, initial) = (network, new NetworkTangent(network), x0);
            perturbation = ", " + NetworkStart.Describe(spec.Start.Perturbation, mode, runner.Transverse);
        }
        var options = spec.Settings.Options;
        int k = Math.Min(options.Exponents ?? system.Dimension, system.Dimension);
        if (!quiet)
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{run.Name}] {k} Lyapunov exponent(s) of the {(spec.Settings.Network ? $"network ({system.Dimension} variables)" : $"model ({system.Dimension} variables)")} from {startText}{perturbation}; " +
                $"averaged from {options.Transient} to {options.TEnd}, re-orthonormalised every {options.ReorthonormaliseEvery}"));
        var progress = quiet ? null : new CaseRunner.Progress(log, run.Name, "Lyapunov exponents", (int)Math.Ceiling(options.TEnd), model.TimeUnit ?? "time units");
        var result = LyapunovSpectrum.Compute(system, parameters, initial, options, tangent, progress, cancellation);
        progress?.Finish();
        if (!result.Succeeded)
            throw new ArithmeticException($"the integration stopped at t = {result.FinalTime.ToString("G6", CultureInfo.InvariantCulture)}: {result.Status}");
        Write(writer, run.Name, result);
        writer.RecordNetwork(run, "lyapunov", w =>
        {
            w.WriteString("system", spec.Settings.Network ? "network" : "model");
            w.WriteString("start", startText + perturbation);
            w.WriteNumber("dimension", system.Dimension);
            w.WriteNumber("exponents_computed", k);
            w.WriteStartArray("exponents");
            foreach (double v in result.Exponents) w.NumberValue(v);
            w.WriteEndArray();
            w.Number("max_spread", result.MaxSpread);
            w.Number("kaplan_yorke", result.KaplanYorke);
            w.WriteBoolean("kaplan_yorke_is_lower_bound", result.KaplanYorkeIsBound);
            w.Number("t_end", options.TEnd);
            w.Number("transient", options.Transient);
            w.Number("reorthonormalise_every", options.ReorthonormaliseEvery);
            w.WriteNumber("steps", result.Steps);
            w.WriteNumber("wall_ms", Math.Round(result.WallMilliseconds, 3));
            w.WriteString("file", $"lyapunov/{run.Name}.csv");
            w.WriteString("running_means", $"lyapunov/{run.Name}-running.csv");
        });
        if (!quiet)
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{run.Name}] λ = {string.Join(", ", result.Exponents.Take(6).Select(v => v.ToString("G5", CultureInfo.InvariantCulture)))}{(k > 6 ? ", …" : "")}; " +
                $"Kaplan–Yorke dimension {result.KaplanYorke:G4}{(result.KaplanYorkeIsBound ? " (at least)" : "")}; converged to {result.MaxSpread:G2}; " +
                $"{result.Steps} steps in {result.WallMilliseconds / 1000:F1} s"));
    }

    /// <summary><c>lyapunov/NAME.csv</c> (<c>index,exponent,spread</c>) and <c>lyapunov/NAME-running.csv</c> (<c>t,lambda_1,…</c>).</summary>
    static void Write(OutputWriter writer, string name, LyapunovResult result)
    {
        var sb = new StringBuilder("index,exponent,spread\n");
        for (int i = 0; i < result.Exponents.Length; i++)
            sb.Append(i + 1).Append(',').Append(OutputWriter.Format(result.Exponents[i])).Append(',').Append(OutputWriter.Format(result.Spread[i])).Append('\n');
        writer.WriteText(Path.Combine("lyapunov", name + ".csv"), sb.ToString());
        var running = new StringBuilder("t");
        for (int i = 0; i < result.Exponents.Length; i++) running.Append(",lambda_").Append(i + 1);
        running.Append('\n');
        for (int b = 0; b < result.Times.Length; b++) OutputWriter.AppendRow(running, [result.Times[b], .. result.RunningMeans[b]]);
        writer.WriteText(Path.Combine("lyapunov", name + "-running.csv"), running.ToString());
    }

}
