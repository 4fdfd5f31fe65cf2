using System.Globalization;
using System.Text;
using Continuation.Cli.Cases;
using Continuation.Cli.Output;
using Continuation.Integration;
using Continuation.Network;
using Continuation.Results;
using Continuation.Transverse;
using YamlDotNet.RepresentationModel;

namespace Continuation.Cli.Runs;

/// <summary>How a simulation leaves the homogeneous manifold.</summary>
public abstract record Perturbation
{
    /// <summary>None: the network starts exactly on the homogeneous manifold (and stays there).</summary>
    public sealed record None : Perturbation;

    /// <summary>N(0, σ²) on every variable of every node, from a seeded generator.</summary>
    public sealed record Random(double Sigma, int Seed) : Perturbation;

    /// <summary>Along network mode <c>Mode</c> (or the one whose eigenvalue is nearest <c>Lambda</c>), largest entry <c>Amplitude</c>.</summary>
    public sealed record Mode(int? Index, double? Lambda, double Amplitude, int Line) : Perturbation;
}

/// <summary>A <c>simulate</c> run: the whole network from a homogeneous state plus a perturbation.</summary>
/// <param name="From">The homogeneous state: a labelled point of an earlier equilibrium or cycle branch; null to start from <c>Start</c> or the case's start.</param>
/// <param name="Start">A start of the homogeneous system (<c>state</c>, <c>integrate</c>) when there is no <c>from:</c>.</param>
/// <param name="Show">The variable the figures show across regions (default the first state variable).</param>
public sealed record SimulateSpec(NetworkStart Start, double TEnd, double Transient, double SampleEvery,
    SimulationOptions Integration, string Show) : RunDetails
{
    /// <summary>The start's branch point, if any.</summary>
    public PointReference? From => Start.From;

    /// <summary>The perturbation.</summary>
    public Perturbation Perturbation => Start.Perturbation;
}

/// <summary>What a finished simulation left for later runs (a <c>spectrum</c>): where its samples are and how they are laid out.</summary>
/// <param name="File">Absolute path of the .npy file (samples × N·n, node-major).</param>
internal sealed record SimulationRecord(string File, int Nodes, int NodeDimension, double FirstTime, double SampleEvery, int Samples, string Show);

/// <summary>
/// A <c>simulate</c> run: the N·n-dimensional network (<see cref="NetworkSystem"/>: the case's model
/// on its connectivity) integrated from a homogeneous state plus a perturbation, sampled evenly
/// after a transient into <c>simulations/NAME.npy</c> (samples × variables, float64, numpy.load reads
/// it; variables node-major as <c>simulations/NAME.json</c> lists them) and the mean field into
/// <c>simulations/NAME-mean.csv</c>. A <c>mode:</c> perturbation of an equilibrium or cycle point also
/// measures the growth of that mode and reports it next to the transverse analysis's prediction.
/// </summary>
public sealed class SimulateRun : RunKind
{
    static readonly string[] Keys = ["name", "kind", "from", "start", "parameters", "random", "mode", "t_end", "transient", "sample_every", "rtol", "atol", "max_step", "show"];

    /// <summary>The most samples × variables a simulation may write (8 GB of float64).</summary>
    public const long MaxValues = 1L << 30;

    /// <inheritdoc/>
    public override string Name => "simulate";

    /// <inheritdoc/>
    public override bool NeedsConnectivity(RunSpec run) => true;

    /// <inheritdoc/>
    public override string? SummarySection => "simulations";

    /// <inheritdoc/>
    public override IReadOnlyList<string> OwnKeys => ["random", "mode", "t_end", "transient", "sample_every", "rtol", "atol", "max_step", "show"];

    /// <inheritdoc/>
    public override string Describe(RunSpec run)
    {
        var s = (SimulateSpec)run.Details!;
        return $"{run.Name} (simulate the network for {s.TEnd.ToString(CultureInfo.InvariantCulture)}" + (s.From is null ? ")" : $" from {s.From})");
    }

    /// <summary>
    /// <c>from: BRANCH.LABEL</c> or <c>start: { state, integrate }</c>, optional <c>parameters:</c>;
    /// <c>random: { sigma, seed }</c> or <c>mode: { index | lambda, amplitude }</c>; <c>t_end</c> (required),
    /// <c>transient</c> (0), <c>sample_every</c> (default t_end/10000 rounded down to 1, 2 or 5 × 10^k),
    /// <c>rtol</c>, <c>atol</c> (1e-6 each), <c>max_step</c>, <c>show</c>.
    /// </summary>
    internal override RunSpec Read(CaseReader reader, RunNode node)
    {
        var (map, kindNode, where, name, model, earlier) = (node.Map, node.KindNode, node.Where, node.Name, node.Model, node.Earlier);
        reader.CheckRunKeys(map, Keys, where, node.Kind);
        if (model is not ICoupledSystem)
            throw reader.Error(kindNode, $"{where}.kind: model {model.Name} declares no network coupling, so it has no network to simulate " +
                "(a model written as equations declares it with coupling: { parameter, variable, enters })");

        var start = NetworkStart.Read(reader, node);
        var overrides = CaseReader.Get(map, "parameters") is { } ponode ? reader.ParameterMap(ponode, model, $"{where}.parameters") : new Dictionary<string, double>();

        var tEndNode = CaseReader.Get(map, "t_end") ?? throw reader.Error(map, $"{where}: missing key 't_end' (how long to simulate, in the model's time unit)");
        double tEnd = reader.Positive(tEndNode, $"{where}.t_end");
        double transient = reader.Transient(map, where, tEnd);
        double every = CaseReader.Get(map, "sample_every") is { } seNode ? reader.Positive(seNode, $"{where}.sample_every") : NiceStep((tEnd - transient) / 10000);
        long samples = (long)Math.Floor((tEnd - transient) / every * (1 + 1e-12)) + 1;
        var network = (double)samples * model.Dimension; // times nodes, checked when the matrix is read
        if (samples > int.MaxValue || network > MaxValues)
            throw reader.Error(CaseReader.Get(map, "sample_every") ?? tEndNode, $"{where}: {samples} samples of {model.Dimension} variables per node is too much to write; sample less often");
        double rtol = CaseReader.Get(map, "rtol") is { } rn ? reader.Positive(rn, $"{where}.rtol") : 1e-6;
        double atol = CaseReader.Get(map, "atol") is { } an ? reader.Positive(an, $"{where}.atol") : 1e-6;
        double? maxStep = CaseReader.Get(map, "max_step") is { } mn ? reader.Positive(mn, $"{where}.max_step") : null;
        string show = model.StateNames[0];
        if (CaseReader.Get(map, "show") is { } showNode)
        {
            show = reader.Scalar(showNode, $"{where}.show");
            if (model.StateIndex(show) < 0) throw reader.Error(showNode, $"{where}.show: unknown state variable '{show}' (model {model.Name} has {string.Join(", ", model.StateNames)})");
        }
        return new RunSpec
        {
            Name = name, Kind = node.Kind, Line = (int)map.Start.Line, Parameter = ((ICoupledSystem)model).CouplingParameter,
            ParameterOverrides = overrides, Options = node.Numerics.Continuation,
            Details = new SimulateSpec(start, tEnd, transient, every,
                new SimulationOptions { RelativeTolerance = rtol, AbsoluteTolerance = atol, MaxStep = maxStep }, show),
        };
    }

    /// <summary>The largest 1, 2 or 5 × 10^k not above <paramref name="x"/>.</summary>
    static double NiceStep(double x)
    {
        double p = Math.Pow(10, Math.Floor(Math.Log10(x)));
        return x >= 5 * p ? 5 * p : x >= 2 * p ? 2 * p : p;
    }

    /// <summary>Simulates and writes; bad input found at run time stops the case, a failed integration is recorded (exit code 1) and writes no samples.</summary>
    internal override bool Execute(CaseRunner runner, RunSpec run, CancellationToken cancellation)
    {
        var spec = (SimulateSpec)run.Details!;
        return runner.Analyse(run, "simulation", () => Simulate(runner, run, spec, cancellation));
    }

    static void Simulate(CaseRunner runner, RunSpec run, SimulateSpec spec, CancellationToken cancellation)
    {
        var (writer, log, quiet, caseFile) = (runner.Writer, runner.Log, runner.Quiet, runner.Case);
        var model = caseFile.Model;
        string file = Path.GetFileName(caseFile.Path);
        var analysis = runner.Transverse;
        var network = new NetworkSystem(model, analysis.Spectrum.Matrix);
        int n = model.Dimension, nodes = network.Nodes, dimension = network.Dimension;

        var (parameters, node, point, source, startText) = spec.Start.Resolve(runner, run);
        var (initial, probe, mode, noPrediction) = spec.Start.Perturb(runner, run, network, node, point, source);

        // Samples: to the .npy file, the mean field kept for its CSV.
        int count = (int)Math.Floor((spec.TEnd - spec.Transient) / spec.SampleEvery * (1 + 1e-12)) + 1;
        string dir = Path.Combine(writer.Root, "simulations");
        string npy = Path.Combine(dir, run.Name + ".npy");
        var mean = new double[count * n];
        int show = model.StateIndex(spec.Show);
        double spread = 0;
        var options = spec.Integration;
        if (probe?.MaxStep is { } probeStep && !(options.MaxStep <= probeStep)) options = options with { MaxStep = probeStep };
        if (!quiet)
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{run.Name}] network of {nodes} nodes × {n} = {dimension} variables from {startText}, {Describe(spec.Perturbation, mode, analysis)}; " +
                $"t = 0 … {spec.TEnd}, {count} samples every {spec.SampleEvery} from {spec.Transient}"));
        SimulationResult result;
        using (var output = new NpyWriter(npy, count, dimension))
        {
            var grids = new List<SampleGrid>
            {
                new(spec.Transient, spec.SampleEvery, count, (i, _, u) =>
                {
                    output.Append(u);
                    var m = mean.AsSpan(i * n, n);
                    for (int k = 0; k < nodes; k++)
                        for (int s = 0; s < n; s++) m[s] += u[k * n + s];
                    for (int s = 0; s < n; s++) m[s] /= nodes;
                    if (i == count - 1) spread = NetworkPerturbation.Spread(network, u);
                }),
            };
            if (probe is not null) grids.Add(probe.Grid(0, spec.TEnd));
            var progress = quiet ? null : new CaseRunner.Progress(log, run.Name, "simulation", (int)Math.Ceiling(spec.TEnd), model.TimeUnit ?? "time units");
            result = Simulation.Run(network, parameters, initial, 0, spec.TEnd, grids, options,
                progress, cancellation);
            progress?.Finish();
            if (!result.Succeeded)
                throw new ArithmeticException($"the integration stopped at t = {result.FinalTime.ToString("G6", CultureInfo.InvariantCulture)}: {result.Status} (no samples written)");
            output.Complete();
        }

        var fit = probe?.Fit();
        runner.Simulations[run.Name] = new SimulationRecord(npy, nodes, n, spec.Transient, spec.SampleEvery, count, spec.Show);
        WriteFiles(writer, run, spec, model, network, mean, count, probe, fit);
        double rate = result.WallMilliseconds > 0 ? spec.TEnd / (result.WallMilliseconds / 1000) : double.NaN;
        writer.RecordNetwork(run, "simulations", w =>
        {
            w.WriteString("start", startText);
            w.WriteString("perturbation", Describe(spec.Perturbation, mode, analysis));
            w.WriteNumber("nodes", nodes);
            w.WriteNumber("variables", dimension);
            w.Number("t_end", spec.TEnd);
            w.Number("transient", spec.Transient);
            w.Number("sample_every", spec.SampleEvery);
            w.WriteNumber("samples", count);
            w.Number("rtol", options.RelativeTolerance);
            w.Number("atol", options.AbsoluteTolerance);
            if (options.MaxStep is { } h) w.Number("max_step", h);
            w.WriteNumber("steps", result.Steps);
            w.WriteNumber("rejected_steps", result.Rejected);
            w.WriteNumber("evaluations", result.Evaluations);
            w.WriteNumber("wall_ms", Math.Round(result.WallMilliseconds, 3));
            w.Number("simulated_per_wall_second", rate);
            w.Number("final_spread", spread);
            w.WriteString("file", $"simulations/{run.Name}.npy");
            w.WriteString("variables_file", $"simulations/{run.Name}.json");
            w.WriteString("mean_field", $"simulations/{run.Name}-mean.csv");
            w.WriteString("show", spec.Show);
            if (mode is { } a)
            {
                w.WriteStartObject("prediction");
                w.WriteNumber("mode", a);
                w.Number("lambda", analysis.Spectrum.Eigenvalues[a].Real);
                if (probe is not null && fit is not null)
                {
                    w.WriteString("state", probe.Kind == HomogeneousState.Cycle ? "cycle" : "equilibrium");
                    w.Number("predicted_rate", probe.PredictedRate);
                    w.Number("fitted_rate", fit.Rate);
                    w.Number("relative_difference", Math.Abs(fit.Rate - probe.PredictedRate) / Math.Abs(probe.PredictedRate));
                    w.WriteNumber("fit_samples", fit.Samples);
                    w.Number("fit_from", fit.From);
                    w.Number("fit_to", fit.To);
                    if (probe.Period is { } T) w.Number("period", T);
                    w.Number("leading_re", probe.Leading.Real);
                    w.Number("leading_im", probe.Leading.Imaginary);
                    if (probe.IntegratedLeading is { } mu) w.Number("integrated_multiplier_modulus", mu.Magnitude);
                    w.WriteString("growth_file", $"simulations/{run.Name}-growth.csv");
                }
                else w.WriteString("no_prediction", noPrediction);
                w.WriteEndObject();
            }
        });
        if (!quiet)
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{run.Name}] {spec.TEnd} {model.TimeUnit ?? "time units"} in {result.WallMilliseconds / 1000:F2} s ({rate:G3} per wall second; {result.Steps} steps, {result.Rejected} rejected); " +
                $"spread across nodes at the end {spread:G3}; samples in simulations/{run.Name}.npy"));
            if (probe is not null && fit is not null)
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{run.Name}] mode {mode} (Λ = {probe.Lambda.Real:G6}): growth rate predicted {probe.PredictedRate:G6}, fitted {fit.Rate:G6} " +
                    $"(relative difference {Math.Abs(fit.Rate - probe.PredictedRate) / Math.Abs(probe.PredictedRate):G2}, {fit.Samples} samples from {fit.From:G4} to {fit.To:G4})"));
            else if (noPrediction is not null) log.WriteLine($"[{run.Name}] no growth prediction: {noPrediction}");
        }
    }


    static string Describe(Perturbation p, int? mode, TransverseStability analysis) => NetworkStart.Describe(p, mode, analysis);

    static void WriteFiles(OutputWriter writer, RunSpec run, SimulateSpec spec, Systems.OdeSystem model, NetworkSystem network, double[] mean, int count,
        ModeProbe? probe, GrowthFit? fit)
    {
        int n = model.Dimension;
        var sb = new StringBuilder();
        sb.Append('t');
        foreach (var s in model.StateNames) sb.Append(',').Append(s);
        sb.Append('\n');
        for (int i = 0; i < count; i++)
            OutputWriter.AppendRow(sb, [spec.Transient + i * spec.SampleEvery, .. mean.AsSpan(i * n, n)]);
        writer.WriteText(Path.Combine("simulations", run.Name + "-mean.csv"), sb.ToString());

        var json = new StringBuilder();
        json.Append("{\n  \"shape\": [").Append(count).Append(", ").Append(network.Dimension).Append("],\n");
        json.Append("  \"t0\": ").Append(OutputWriter.Format(spec.Transient)).Append(",\n  \"dt\": ").Append(OutputWriter.Format(spec.SampleEvery)).Append(",\n");
        if (model.TimeUnit is { } unit) json.Append("  \"time_unit\": \"").Append(unit).Append("\",\n");
        json.Append("  \"nodes\": ").Append(network.Nodes).Append(",\n  \"node_states\": [").Append(string.Join(", ", model.StateNames.Select(s => $"\"{s}\""))).Append("],\n");
        json.Append("  \"show\": \"").Append(spec.Show).Append("\",\n");
        json.Append("  \"variables\": [").Append(string.Join(", ", network.StateNames.Select(s => $"\"{s}\""))).Append("]\n}\n");
        writer.WriteText(Path.Combine("simulations", run.Name + ".json"), json.ToString());

        if (probe is not null && fit is not null)
        {
            var g = new StringBuilder("t,log_abs,predicted,in_fit\n");
            double start = probe.Samples.Count > 0 ? probe.Samples[0].LogAbs : 0;
            foreach (var (t, l) in probe.Samples)
            {
                bool used = t >= fit.From && t <= fit.To;
                g.Append(OutputWriter.Format(t)).Append(',').Append(OutputWriter.Format(l)).Append(',')
                 .Append(OutputWriter.Format(start + probe.PredictedRate * t)).Append(',').Append(used ? "true" : "false").Append('\n');
            }
            writer.WriteText(Path.Combine("simulations", run.Name + "-growth.csv"), g.ToString());
        }
    }
}
