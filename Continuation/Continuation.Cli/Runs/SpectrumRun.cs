using System.Globalization;
using System.Text;
using Continuation.Cli.Cases;
using Continuation.Cli.Output;
using Continuation.Spectra;
using YamlDotNet.RepresentationModel;

namespace Continuation.Cli.Runs;

/// <summary>A <c>spectrum</c> run: power spectra and phase–amplitude coupling of an earlier simulation's variable.</summary>
/// <param name="Of">The simulate run analysed.</param>
/// <param name="Variable">The node variable (default the simulation's <c>show</c>).</param>
/// <param name="Segment">Welch segment length in the model's time unit; null for the default.</param>
/// <param name="Phase">The slow band whose phase modulates (in the spectrum's frequency unit).</param>
/// <param name="Amplitude">The fast band whose amplitude is modulated.</param>
public sealed record SpectrumSpec(string Of, int OfLine, string? Variable, double? Segment, double Overlap, (double Low, double High) Phase, (double Low, double High) Amplitude, int Surrogates) : RunDetails;

/// <summary>
/// A <c>spectrum</c> run: for every region and for the mean field of a simulated variable, the power
/// spectral density (Welch), the dominant frequency, the power in the classical bands, and the
/// phase–amplitude coupling of a slow band's phase with a fast band's amplitude (Tort's modulation
/// index with a surrogate test); the comodulogram of the mean field. Frequencies are in Hz for models
/// whose time unit is ms or s, else in cycles per time unit. Files: <c>spectra/NAME-psd.csv</c>,
/// <c>spectra/NAME-regions.csv</c>, <c>spectra/NAME-comodulogram.csv</c>.
/// </summary>
public sealed class SpectrumRun : RunKind
{
    static readonly string[] Keys = ["name", "kind", "of", "variable", "segment", "overlap", "coupling", "surrogates"];

    /// <inheritdoc/>
    public override string Name => "spectrum";

    /// <inheritdoc/>
    public override string? SummarySection => "spectra";

    /// <inheritdoc/>
    public override IReadOnlyList<string> OwnKeys => ["segment", "overlap", "coupling", "surrogates", "variable"];

    /// <inheritdoc/>
    public override string Describe(RunSpec run) => $"{run.Name} (spectrum of {((SpectrumSpec)run.Details!).Of})";

    /// <summary>
    /// <c>of: SIMULATION</c>; optional <c>variable</c>, <c>segment</c> (time), <c>overlap</c> (0.5),
    /// <c>coupling: { phase: [lo, hi], amplitude: [lo, hi] }</c> (default theta 4–8 and gamma 30–80 Hz),
    /// <c>surrogates</c> (200).
    /// </summary>
    internal override RunSpec Read(CaseReader reader, RunNode node)
    {
        var (map, where, name, model, earlier) = (node.Map, node.Where, node.Name, node.Model, node.Earlier);
        reader.CheckRunKeys(map, Keys, where, node.Kind);
        var ofNode = CaseReader.Get(map, "of") ?? throw reader.Error(map, $"{where}: missing key 'of' (the simulate run to analyse)");
        string of = reader.Scalar(ofNode, $"{where}.of");
        var source = earlier.FirstOrDefault(r => r.Name == of)
            ?? throw reader.Error(ofNode, $"{where}.of: no earlier run named '{of}'" + (earlier.Count > 0 ? $" (earlier runs: {string.Join(", ", earlier.Select(r => r.Name))})" : ""));
        if (source.Kind is not SimulateRun) throw reader.Error(ofNode, $"{where}.of: '{of}' is a {source.Kind} run; a spectrum is of a simulate run");
        string? variable = null;
        if (CaseReader.Get(map, "variable") is { } vnode)
        {
            variable = reader.Scalar(vnode, $"{where}.variable");
            if (model.StateIndex(variable) < 0) throw reader.Error(vnode, $"{where}.variable: unknown state variable '{variable}' (model {model.Name} has {string.Join(", ", model.StateNames)})");
        }
        var sim = (SimulateSpec)source.Details!;
        double duration = sim.TEnd - sim.Transient;
        double? segment = null;
        if (CaseReader.Get(map, "segment") is { } segNode)
        {
            segment = reader.Positive(segNode, $"{where}.segment");
            if (segment > duration) throw reader.Error(segNode, $"{where}.segment: {segment.Value.ToString(CultureInfo.InvariantCulture)} is longer than the sampled record of '{of}' ({duration.ToString(CultureInfo.InvariantCulture)})");
            if (segment < 8 * sim.SampleEvery) throw reader.Error(segNode, $"{where}.segment: at least 8 samples ({(8 * sim.SampleEvery).ToString(CultureInfo.InvariantCulture)}) are needed");
        }
        double overlap = 0.5;
        if (CaseReader.Get(map, "overlap") is { } ovNode)
        {
            overlap = reader.Number(ovNode, $"{where}.overlap");
            if (!(overlap >= 0 && overlap < 1)) throw reader.Error(ovNode, $"{where}.overlap: expected a fraction in [0, 1), got {overlap.ToString(CultureInfo.InvariantCulture)}");
        }
        (double, double) phase = (4, 8), amplitude = (30, 80);
        if (CaseReader.Get(map, "coupling") is { } cnode)
        {
            var cmap = cnode as YamlMappingNode ?? throw reader.Error(cnode, $"{where}.coupling: expected a mapping such as {{ phase: [4, 8], amplitude: [30, 80] }}");
            reader.CheckKeys(cmap, ["phase", "amplitude"], $"{where}.coupling.");
            (double, double) Band(string key, (double, double) fallback)
            {
                if (CaseReader.Get(cmap, key) is not { } b) return fallback;
                var v = reader.Numbers(b, $"{where}.coupling.{key}");
                if (v.Count != 2 || !(v[0] > 0) || !(v[1] > v[0])) throw reader.Error(b, $"{where}.coupling.{key}: expected [low, high] with 0 < low < high");
                return (v[0], v[1]);
            }
            phase = Band("phase", phase);
            amplitude = Band("amplitude", amplitude);
            if (amplitude.Item1 <= phase.Item2) throw reader.Error(cnode, $"{where}.coupling: the amplitude band must lie above the phase band");
        }
        int surrogates = CaseReader.Get(map, "surrogates") is { } snode ? reader.Int(snode, $"{where}.surrogates", 0, 100_000) : 200;
        return new RunSpec
        {
            Name = name, Kind = node.Kind, Line = (int)map.Start.Line, Parameter = source.Parameter, Options = node.Numerics.Continuation,
            Details = new SpectrumSpec(of, (int)ofNode.Start.Line, variable, segment, overlap, phase, amplitude, surrogates),
        };
    }

    /// <inheritdoc/>
    internal override bool Execute(CaseRunner runner, RunSpec run, CancellationToken cancellation)
    {
        var spec = (SpectrumSpec)run.Details!;
        return runner.Analyse(run, "spectrum", () => Analyse(runner, run, spec, cancellation));
    }

    /// <summary>Samples per unit of frequency the spectra are given in: Hz for ms and s, else per time unit.</summary>
    static (double Scale, string Unit) FrequencyUnit(string? timeUnit) => timeUnit switch
    {
        "ms" => (1000, "Hz"),
        "s" => (1, "Hz"),
        null => (1, "1/time"),
        var u => (1, $"1/{u}"),
    };

    static void Analyse(CaseRunner runner, RunSpec run, SpectrumSpec spec, CancellationToken cancellation)
    {
        var (writer, log, quiet, caseFile) = (runner.Writer, runner.Log, runner.Quiet, runner.Case);
        var model = caseFile.Model;
        string file = Path.GetFileName(caseFile.Path);
        if (!runner.Simulations.TryGetValue(spec.Of, out var sim))
            throw new CaseException(file, spec.OfLine, $"runs ({run.Name}).of: simulation '{spec.Of}' has not been computed");
        string variable = spec.Variable ?? sim.Show;
        int index = model.StateIndex(variable);
        var (scale, unit) = FrequencyUnit(model.TimeUnit);
        bool hz = unit == "Hz";
        double rate = scale / sim.SampleEvery;
        var regions = Plots.NetworkFigures.ReadColumns(sim.File, index, sim.NodeDimension, sim.Nodes);
        var meanField = new double[sim.Samples];
        foreach (var r in regions) for (int t = 0; t < meanField.Length; t++) meanField[t] += r[t] / regions.Length;

        double duration = sim.Samples * sim.SampleEvery;
        double segmentTime = spec.Segment ?? Math.Min(duration / 2, hz ? scale : duration / 4); // one second, for models in ms or s
        int segment = Math.Min(sim.Samples, Math.Max(8, (int)Math.Round(segmentTime / sim.SampleEvery)));
        if (sim.Samples < 8)
            throw new CaseException(Path.GetFileName(caseFile.Path), run.Line, $"runs ({run.Name}): simulation '{spec.Of}' has {sim.Samples} samples; a spectrum needs at least 8 (sample it more often or for longer)");
        // The classical bands are in Hz: a model without a time unit of ms or s has none.
        var bands = hz ? Band.Classical.Where(b => b.Low < rate / 2).Select(b => b with { High = Math.Min(b.High, rate / 2) }).ToList() : [];
        var series = new List<(string Name, double[] X)> { ("mean", meanField) };
        for (int k = 0; k < regions.Length; k++) series.Add((k.ToString(CultureInfo.InvariantCulture), regions[k]));

        var psd = new SpectralDensity[series.Count];
        var mi = new ModulationIndex[series.Count];
        // Phase–amplitude coupling needs the amplitude band below the Nyquist frequency and at least 64 samples.
        bool couplingPossible = spec.Amplitude.High < rate / 2 && sim.Samples >= 64;
        Parallel.For(0, series.Count, new ParallelOptions { CancellationToken = cancellation }, i =>
        {
            psd[i] = PowerSpectrum.Welch(series[i].X, rate, segment, spec.Overlap);
            if (couplingPossible)
                mi[i] = new PhaseAmplitudeCoupling(series[i].X, rate).Compute(spec.Phase.Low, spec.Phase.High, spec.Amplitude.Low, spec.Amplitude.High, spec.Surrogates, seed: i + 1);
        });
        double[] phaseCentres = [], amplitudeCentres = [];
        double[,]? como = null;
        if (couplingPossible)
        {
            // Phase bands of the given width from 1 upwards, amplitude bands of the given width from just above them to 150 (or twice the amplitude band's top).
            double phaseWidth = spec.Phase.High - spec.Phase.Low, ampWidth = spec.Amplitude.High - spec.Amplitude.Low;
            double ampStart = Math.Max(spec.Amplitude.Low / 2, spec.Phase.High + 2);
            var phaseLows = Enumerable.Range(1, 40).Select(i => (double)i).Where(f => f + phaseWidth <= ampStart).ToList();
            double ampTop = Math.Min(rate / 2, Math.Max(150, 2 * spec.Amplitude.High));
            var ampLows = Enumerable.Range(0, 200).Select(i => ampStart + 5.0 * i).Where(g => g + ampWidth <= ampTop).ToList();
            phaseCentres = phaseLows.Select(f => f + phaseWidth / 2).ToArray();
            amplitudeCentres = ampLows.Select(g => g + ampWidth / 2).ToArray();
            if (phaseLows.Count > 0 && ampLows.Count > 0)
                como = new PhaseAmplitudeCoupling(meanField, rate).Comodulogram(phaseLows, phaseWidth, ampLows, ampWidth);
        }

        // Files.
        string freq = hz ? "frequency_hz" : "frequency";
        var sb = new StringBuilder(freq);
        foreach (var (name, _) in series) sb.Append(',').Append(name == "mean" ? "mean_field" : $"region_{name}");
        sb.Append('\n');
        for (int f = 0; f < psd[0].Frequencies.Length; f++)
        {
            sb.Append(OutputWriter.Format(psd[0].Frequencies[f]));
            foreach (var p in psd) sb.Append(',').Append(OutputWriter.Format(p.Density[f]));
            sb.Append('\n');
        }
        writer.WriteText(Path.Combine("spectra", run.Name + "-psd.csv"), sb.ToString());

        var table = new StringBuilder("region,dominant" + (hz ? "_hz" : "") + ",power");
        foreach (var b in bands) table.Append(',').Append(b.Name);
        table.Append(",mi,mi_threshold,mi_p,mi_significant,preferred_phase\n");
        for (int i = 0; i < series.Count; i++)
        {
            table.Append(series[i].Name).Append(',').Append(OutputWriter.Format(psd[i].DominantFrequency())).Append(',')
                 .Append(OutputWriter.Format(psd[i].BandPower(0, double.PositiveInfinity)));
            foreach (var b in bands) table.Append(',').Append(OutputWriter.Format(psd[i].BandPower(b.Low, b.High)));
            if (mi[i] is { } m)
                table.Append(',').Append(OutputWriter.Format(m.Index)).Append(',').Append(OutputWriter.Format(m.Threshold)).Append(',')
                     .Append(OutputWriter.Format(m.PValue)).Append(',').Append(m.Significant ? "true" : "false").Append(',').Append(OutputWriter.Format(m.PreferredPhase));
            else table.Append(",,,,,");
            table.Append('\n');
        }
        writer.WriteText(Path.Combine("spectra", run.Name + "-regions.csv"), table.ToString());
        if (como is not null)
        {
            var c = new StringBuilder(hz ? "phase_hz,amplitude_hz,mi\n" : "phase,amplitude,mi\n");
            for (int i = 0; i < phaseCentres.Length; i++)
                for (int j = 0; j < amplitudeCentres.Length; j++)
                    c.Append(OutputWriter.Format(phaseCentres[i])).Append(',').Append(OutputWriter.Format(amplitudeCentres[j])).Append(',').Append(OutputWriter.Format(como[i, j])).Append('\n');
            writer.WriteText(Path.Combine("spectra", run.Name + "-comodulogram.csv"), c.ToString());
        }

        int significant = mi.Skip(1).Count(m => m is { Significant: true });
        double dominant = psd[0].DominantFrequency();
        writer.RecordNetwork(run, "spectra", w =>
        {
            w.WriteString("of", spec.Of);
            w.WriteString("variable", variable);
            w.WriteString("frequency_unit", unit);
            w.Number("sample_rate", rate);
            w.WriteNumber("segment_samples", segment);
            w.Number("resolution", psd[0].Resolution);
            w.WriteNumber("segments", psd[0].Segments);
            w.Number("mean_field_dominant", dominant);
            w.Number("regions_dominant_median", Median(psd.Skip(1).Select(p => p.DominantFrequency())));
            w.WriteStartObject("mean_field_band_power");
            foreach (var b in bands) w.Number(b.Name, psd[0].BandPower(b.Low, b.High));
            w.WriteEndObject();
            if (mi[0] is { } m0)
            {
                w.WriteStartArray("phase_band"); w.NumberValue(spec.Phase.Low); w.NumberValue(spec.Phase.High); w.WriteEndArray();
                w.WriteStartArray("amplitude_band"); w.NumberValue(spec.Amplitude.Low); w.NumberValue(spec.Amplitude.High); w.WriteEndArray();
                w.Number("mean_field_mi", m0.Index);
                w.Number("mean_field_mi_threshold", m0.Threshold);
                w.WriteBoolean("mean_field_coupled", m0.Significant);
                w.WriteNumber("coupled_regions", significant);
            }
            w.WriteString("file", $"spectra/{run.Name}-psd.csv");
            w.WriteString("regions_file", $"spectra/{run.Name}-regions.csv");
            if (como is not null) w.WriteString("comodulogram", $"spectra/{run.Name}-comodulogram.csv");
        });
        if (!quiet)
        {
            var inv = CultureInfo.InvariantCulture;
            string coupling = mi[0] is { } m
                ? string.Format(inv, "; {0:G3}–{1:G3} phase / {2:G3}–{3:G3} amplitude coupling: MI {4:G3} (threshold {5:G3}) in the mean field, significant in {6} of {7} regions",
                    spec.Phase.Low, spec.Phase.High, spec.Amplitude.Low, spec.Amplitude.High, m.Index, m.Threshold, significant, sim.Nodes)
                : "";
            log.WriteLine(string.Format(inv, "[{0}] spectra of {1} in {2}: {3} regions and the mean field, resolution {4:G3} {5}; mean field dominant at {6:G4} {5}{7}",
                run.Name, variable, spec.Of, sim.Nodes, psd[0].Resolution, unit, dominant, coupling));
        }
    }

    static double Median(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).OrderBy(x => x).ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }
}
