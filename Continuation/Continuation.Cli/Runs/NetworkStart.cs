using System.Globalization;
using Continuation.Cli.Cases;
using Continuation.Integration;
using Continuation.Network;
using Continuation.Results;
using Continuation.Transverse;
using YamlDotNet.RepresentationModel;

namespace Continuation.Cli.Runs;

/// <summary>
/// Where a network run (<c>simulate</c>, <c>lyapunov</c>) starts: a homogeneous state — a labelled
/// point of an earlier branch (<c>from:</c>), or a start of the homogeneous system (<c>start:</c>, else
/// the case's) — plus a perturbation off the homogeneous manifold (<c>random:</c> or <c>mode:</c>).
/// The keys are read, checked and resolved here once for every kind that takes them.
/// </summary>
/// <param name="From">The branch point; null to start from <paramref name="Start"/> or the case's start.</param>
/// <param name="Start">A start of the homogeneous system when there is no <c>from:</c>.</param>
/// <param name="Perturbation">How the network leaves the homogeneous manifold.</param>
public sealed record NetworkStart(PointReference? From, StartSpec? Start, Perturbation Perturbation)
{
    /// <summary>The start keys: <c>from</c>, <c>start</c>, <c>random</c>, <c>mode</c>.</summary>
    public static readonly string[] Keys = ["from", "start", "random", "mode"];

    /// <summary>Reads and checks <c>from</c> / <c>start</c> and <c>random</c> / <c>mode</c>.</summary>
    internal static NetworkStart Read(CaseReader reader, RunNode node)
    {
        var (map, where, model, earlier) = (node.Map, node.Where, node.Model, node.Earlier);
        PointReference? from = null;
        if (CaseReader.Get(map, "from") is { } fnode)
        {
            string text = reader.Scalar(fnode, $"{where}.from");
            int dot = text.LastIndexOf('.');
            if (dot <= 0 || dot == text.Length - 1) throw reader.Error(fnode, $"{where}.from: expected <branch>.<label> such as lc1.UZ2, got '{text}'");
            string branch = text[..dot], label = text[(dot + 1)..];
            var source = earlier.FirstOrDefault(r => r.Name == branch)
                ?? throw reader.Error(fnode, $"{where}.from: no earlier run named '{branch}'" + (earlier.Count > 0 ? $" (earlier runs: {string.Join(", ", earlier.Select(r => r.Name))})" : ""));
            if (source.Kind.Branch is null) throw reader.Error(fnode, $"{where}.from: '{branch}' is a {source.Kind} run, not a branch");
            if (!CaseReader.IsPointLabel(label)) throw reader.Error(fnode, $"{where}.from: '{label}' is not a point label (UZ1, HB1, PD1 …)");
            from = new PointReference(branch, label, (int)fnode.Start.Line);
        }
        StartSpec? start = null;
        if (CaseReader.Get(map, "start") is { } snode)
        {
            if (from is not null) throw reader.Error(snode, $"{where}: give either 'from' or 'start', not both");
            start = reader.ParseStart(snode, model, $"{where}.start");
        }

        Perturbation perturbation = new Perturbation.None();
        var randomNode = CaseReader.Get(map, "random");
        var modeNode = CaseReader.Get(map, "mode");
        if (randomNode is not null && modeNode is not null) throw reader.Error(modeNode, $"{where}: give either 'random' or 'mode', not both");
        if (randomNode is not null)
        {
            perturbation = reader.RandomPerturbation(randomNode, where);
        }
        if (modeNode is not null)
        {
            var mmap = modeNode as YamlMappingNode ?? throw reader.Error(modeNode, $"{where}.mode: expected a mapping such as {{ lambda: -0.2, amplitude: 1.0e-8 }}");
            reader.CheckKeys(mmap, ["index", "lambda", "amplitude"], $"{where}.mode.");
            var indexNode = CaseReader.Get(mmap, "index");
            var lambdaNode = CaseReader.Get(mmap, "lambda");
            if ((indexNode is null) == (lambdaNode is null))
                throw reader.Error(modeNode, $"{where}.mode: give the mode by 'index' (0 is the homogeneous mode, then by decreasing eigenvalue) or by 'lambda' (the nearest eigenvalue of W), one of them");
            int? index = indexNode is null ? null : reader.Int(indexNode, $"{where}.mode.index", 0, ConnectivityMatrix.MaxNodes - 1);
            double? lambda = lambdaNode is null ? null : reader.Number(lambdaNode, $"{where}.mode.lambda");
            var ampNode = CaseReader.Get(mmap, "amplitude") ?? throw reader.Error(modeNode, $"{where}.mode: missing key 'amplitude' (the largest entry of the perturbation, e.g. 1.0e-8)");
            perturbation = new Perturbation.Mode(index, lambda, reader.Positive(ampNode, $"{where}.mode.amplitude"), (int)modeNode.Start.Line);
        }

        return new NetworkStart(from, start, perturbation);
    }

    /// <summary>The parameters and the homogeneous state the run starts from (settled, for a start that integrates).</summary>
    internal (double[] Parameters, double[] Node, BranchPoint? Point, Branch? Source, string Text) Resolve(CaseRunner runner, RunSpec run)
    {
        var caseFile = runner.Case;
        var model = caseFile.Model;
        string file = Path.GetFileName(caseFile.Path);
        BranchPoint? point = null;
        Branch? source = null;
        double[] parameters, node;
        string text;
        if (From is { } from)
        {
            source = runner.Branches.FirstOrDefault(b => b.Name == from.Branch)
                ?? throw new CaseException(file, from.Line, $"runs ({run.Name}).from: branch '{from.Branch}' has not been computed");
            point = source.Find(from.Label)
                ?? throw new CaseException(file, from.Line, $"runs ({run.Name}).from: branch '{source.Name}' has no point '{from.Label}' (its labelled points: {CaseRunner.LabelList(source)})");
            parameters = (double[])point.Parameters.Clone();
            node = (double[])point.State.Clone();
            text = $"{from} ({(IsCycle(point) ? "cycle" : "equilibrium")})";
        }
        else
        {
            parameters = (double[])caseFile.Parameters.Clone();
            node = (double[])(Start ?? caseFile.Start).State.Clone();
            text = (Start ?? caseFile.Start).IntegrateUntil is { } settle ? $"the homogeneous system integrated for {settle.ToString(CultureInfo.InvariantCulture)}" : "the given state";
        }
        foreach (var (name, value) in run.ParameterOverrides) parameters[model.ParameterIndex(name)] = value;
        if (From is null) Settle(model, parameters, node);
        return (parameters, node, point, source, text);
    }

    /// <summary>Integrates the homogeneous system from <paramref name="node"/> for the start's settling time, if it has one.</summary>
    internal void Settle(Systems.OdeSystem model, double[] parameters, double[] node, StartSpec? fallback = null)
    {
        if ((Start ?? fallback)?.IntegrateUntil is not { } t) return;
        var settled = new DormandPrince(model).Integrate(parameters, node, 0, t);
        if (!settled.IsSuccess) throw new ArithmeticException($"the homogeneous system's settling integration failed ({settled.Status})");
    }

    /// <summary>
    /// The network's initial state: <paramref name="node"/> on every node plus the perturbation; for
    /// a mode of an equilibrium or cycle point also the probe that measures its growth (or why there
    /// is none).
    /// </summary>
    internal (double[] Initial, ModeProbe? Probe, int? Mode, string? NoPrediction) Perturb(CaseRunner runner, RunSpec run, NetworkSystem network,
        double[] node, BranchPoint? point, Branch? source)
    {
        var analysis = runner.Transverse;
        string file = Path.GetFileName(runner.Case.Path);
        switch (Perturbation)
        {
            case Perturbation.Random r:
                return (NetworkPerturbation.Random(network, node, r.Sigma, r.Seed), null, null, null);
            case Perturbation.Mode m:
            {
                var modes = new NetworkModes(analysis.Spectrum);
                if (m.Index is { } index && index >= modes.Count)
                    throw new CaseException(file, m.Line, $"runs ({run.Name}).mode.index: the network has {modes.Count} modes (0 … {modes.Count - 1}), got {index}");
                int mode = m.Index ?? modes.Nearest(m.Lambda!.Value);
                string? noPrediction = null;
                if (mode == analysis.Spectrum.HomogeneousMode) noPrediction = "the homogeneous mode (Λ = 1) is the homogeneous system's own stability, not a network mode";
                else if (point is null) noPrediction = "a prediction needs from: an equilibrium or cycle point";
                else if (run.ParameterOverrides.Count > 0) noPrediction = "parameters: moves the start off its branch point";
                else if (Math.Abs(modes.Eigenvalue(mode).Imaginary) > 1e-10) noPrediction = "the mode's eigenvalue is complex";
                ModeProbe? probe = null;
                if (noPrediction is null)
                    probe = IsCycle(point!)
                        ? ModeProbe.ForCycle(analysis, modes, mode, point!, runner.Case.Model.ParameterIndex(source!.ContinuedParameters[0]))
                        : ModeProbe.ForEquilibrium(analysis, modes, mode, point!);
                var initial = probe is not null
                    ? probe.Perturbed(network, node, m.Amplitude)
                    : NetworkPerturbation.Mode(network, node, modes, mode, Enumerable.Repeat(1.0, network.NodeDimension).ToArray(), m.Amplitude);
                return (initial, probe, mode, noPrediction);
            }
            default:
                return (network.Homogeneous(node), null, null, null);
        }
    }

    /// <summary>A point of a cycle branch (it has a period and a mesh).</summary>
    internal static bool IsCycle(BranchPoint point) => point.Period is not null && point.Cycle is not null;

    /// <summary>"perturbed by N(0, 0.01²) per variable (seed 1)".</summary>
    internal static string Describe(Perturbation p, int? mode, TransverseStability analysis) => p switch
    {
        Perturbation.Random r => string.Create(CultureInfo.InvariantCulture, $"perturbed by N(0, {r.Sigma}²) per variable (seed {r.Seed})"),
        Perturbation.Mode m => string.Create(CultureInfo.InvariantCulture, $"perturbed along mode {mode} (Λ = {analysis.Spectrum.Eigenvalues[mode!.Value].Real:G6}) with amplitude {m.Amplitude:G3}"),
        _ => "unperturbed (on the homogeneous manifold)",
    };
}
