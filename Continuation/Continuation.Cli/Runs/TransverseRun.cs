using System.Globalization;
using Continuation.Cli.Cases;
using Continuation.Pathfollowing;
using Continuation.Results;
using Continuation.Transverse;
using YamlDotNet.RepresentationModel;

namespace Continuation.Cli.Runs;

/// <summary>A <c>transverse</c> run: the transverse stability of every point of an earlier branch.</summary>
/// <param name="Of">The analysed branch (an earlier run's name).</param>
/// <param name="OfLine">Line of the <c>of:</c> key.</param>
/// <param name="At">Labels of the points whose dispersion relation is written, with their lines; null: every labelled point but EP.</param>
public sealed record TransverseSpec(string Of, int OfLine, IReadOnlyList<(string Label, int Line)>? At) : RunDetails;

/// <summary>
/// A <c>transverse</c> run: for every point of an earlier branch, the growth of every network mode
/// (one per eigenvalue of the connectivity), and the dispersion relation at its labelled points.
/// Everything about the kind is here: its keys, their checks, the analysis and its report (written
/// by <see cref="Output.OutputWriter.WriteTransverse"/> to <c>transverse/</c>).
/// </summary>
public sealed class TransverseRun : RunKind
{
    static readonly string[] Keys = ["name", "kind", "of", "at"];

    /// <inheritdoc/>
    public override string Name => "transverse";

    /// <inheritdoc/>
    public override bool NeedsConnectivity(RunSpec run) => true;

    /// <inheritdoc/>
    public override IReadOnlyList<string> OwnKeys => ["of", "at"];

    /// <inheritdoc/>
    public override string KeyHint => "; use from: for a start point";

    /// <inheritdoc/>
    public override string Describe(RunSpec run) => $"{run.Name} ({Name} in {run.Parameter})";

    /// <summary><c>of: BRANCH</c> (an earlier branch run), optional <c>at: [LABEL, …]</c>.</summary>
    internal override RunSpec Read(CaseReader reader, RunNode node)
    {
        var (map, kindNode, where, name, model, earlier) = (node.Map, node.KindNode, node.Where, node.Name, node.Model, node.Earlier);
        reader.CheckRunKeys(map, Keys, where, node.Kind);
        if (model is not ICoupledSystem)
            throw reader.Error(kindNode, $"{where}.kind: model {model.Name} declares no network coupling, so it has no transverse modes " +
                "(NextGenNeuralMass.Homogeneous does; a model written as equations declares it with coupling: { parameter: eps, variable: s_e, enters: [v_e, v_i] })");
        var ofNode = CaseReader.Get(map, "of") ?? throw reader.Error(map, $"{where}: missing key 'of' (the earlier branch to analyse, e.g. of: fp)");
        string of = reader.Scalar(ofNode, $"{where}.of");
        var source = earlier.FirstOrDefault(r => r.Name == of);
        if (source is null)
            throw reader.Error(ofNode, $"{where}.of: no earlier run named '{of}'" + (earlier.Count > 0 ? $" (earlier runs: {string.Join(", ", earlier.Select(r => r.Name))})" : ""));
        if (source.Kind.Branch is null)
            throw reader.Error(ofNode, $"{where}.of: '{of}' is a {source.Kind} run, not a branch");
        if (earlier.FirstOrDefault(r => (r.Details as TransverseSpec)?.Of == of) is { } twin)
            throw reader.Error(ofNode, $"{where}.of: branch '{of}' is already analysed by run '{twin.Name}' (both would write transverse/{of}.csv)");

        List<(string, int)>? at = null;
        if (CaseReader.Get(map, "at") is { } atNode)
        {
            var items = atNode is YamlSequenceNode seq ? seq.Children.ToList() : [atNode];
            at = [];
            for (int i = 0; i < items.Count; i++)
            {
                string label = reader.Scalar(items[i], $"{where}.at[{i}]");
                if (!CaseReader.IsPointLabel(label))
                    throw reader.Error(items[i], $"{where}.at: '{label}' is not a point label (HB1, UZ2, PD1, EP1 …)");
                if (at.Any(a => a.Item1 == label)) throw reader.Error(items[i], $"{where}.at: '{label}' is listed twice");
                at.Add((label, (int)items[i].Start.Line));
            }
        }

        return new RunSpec
        {
            Name = name, Kind = node.Kind, Line = (int)map.Start.Line,
            Parameter = source.Parameter, SecondParameter = source.SecondParameter,
            Options = source.Options, Collocation = source.Collocation, Discretisation = source.Discretisation,
            Details = new TransverseSpec(of, (int)ofNode.Start.Line, at),
        };
    }

    /// <summary>Analyses the branch and writes it; a missing branch or label stops the case (exit 2), a numerical failure is recorded (exit 1).</summary>
    internal override bool Execute(CaseRunner runner, RunSpec run, CancellationToken cancellation)
    {
        var (writer, log, quiet, caseFile) = (runner.Writer, runner.Log, runner.Quiet, runner.Case);
        var spec = (TransverseSpec)run.Details!;
        string file = Path.GetFileName(caseFile.Path);
        var branch = runner.Branches.FirstOrDefault(b => b.Name == spec.Of);
        return runner.Analyse(run, "transverse run", () =>
        {
            if (branch is null) throw new CaseException(file, spec.OfLine, $"runs ({run.Name}).of: branch '{spec.Of}' has not been computed");
            var at = DispersionPoints(file, run, spec, branch);
            var progress = quiet ? null : new CaseRunner.Progress(log, run.Name, $"transverse stability of {branch.Name}", branch.Points.Count, "points");
            var result = runner.Transverse.Analyze(branch, progress, cancellation);
            progress?.Finish();
            writer.WriteTransverse(run, result, at);
            if (!quiet) Report(log, run, result);
        });
    }

    /// <summary>The points whose dispersion relation is written: those named by <c>at:</c>, else every labelled point but EP.</summary>
    static List<BranchPoint> DispersionPoints(string file, RunSpec run, TransverseSpec spec, Branch branch)
    {
        if (spec.At is null) return branch.SpecialPoints.Where(p => p.Kind != PointKind.EP && p.Label is not null).ToList();
        var list = new List<BranchPoint>();
        foreach (var (label, line) in spec.At)
        {
            var p = branch.Find(label) ?? throw new CaseException(file, line,
                $"runs ({run.Name}).at: branch '{branch.Name}' has no point '{label}' (its labelled points: {CaseRunner.LabelList(branch)})");
            list.Add(p);
        }
        return list;
    }

    static void Report(TextWriter log, RunSpec run, TransverseBranch r)
    {
        int unstable = r.Points.Count(p => p.UnstableModes > 0);
        var worst = r.Points.Where(p => !double.IsNaN(p.MaxGrowth)).MaxBy(p => p.MaxGrowth);
        string most = worst is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $"; largest growth {worst.MaxGrowth:G4} at point {worst.Index} (Λ = {worst.ArgmaxLambda.Real:G4})");
        int failed = r.Points.Sum(p => p.FailedModes);
        log.WriteLine($"[{run.Name}] transverse stability of {r.Branch}: {r.Points.Count} points × {r.Spectrum.Size} modes in {r.WallMilliseconds:F0} ms " +
            $"on {r.Threads} thread(s); transversally unstable at {unstable} point(s){most}" + (failed > 0 ? $"; {failed} mode(s) not computed" : ""));
    }
}
