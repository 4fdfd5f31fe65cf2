using Continuation.Cli.Cases;
using Continuation.Results;
using YamlDotNet.RepresentationModel;

namespace Continuation.Cli.Runs;

/// <summary>
/// A kind of run a case file can ask for (<c>kind:</c>): how a run of it is read and checked from
/// its YAML mapping, and how it is carried out. Every kind is one class (its settings a
/// <see cref="RunDetails"/> record beside it) registered in <see cref="All"/>; nothing else in the
/// front end compares kind names. <see cref="MapRun"/> is the example to copy. Branch runs
/// (<see cref="BranchRun"/>) are one class for every <see cref="BranchKind"/>: the engine
/// (<see cref="Continuation.Runs.Continue"/>) knows how each starts.
/// </summary>
public abstract class RunKind
{
    /// <summary>The name case files give (<c>kind: periodic</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The kind of branch a run of this kind computes; null for analyses that are not branches.</summary>
    public virtual BranchKind? Branch => null;

    /// <summary>True when <paramref name="run"/> (of this kind) needs the network's connectivity matrix.</summary>
    public virtual bool NeedsConnectivity(RunSpec run) => false;

    public sealed override string ToString() => Name;

    /// <summary>True for scans whose cells can be shared out among processes (<c>--shard i/n</c>).</summary>
    public virtual bool Shardable => false;

    /// <summary>The list of summary.json its results go in (<c>simulations</c>, <c>spectra</c>); null for branches and the transverse analyses (<c>transverse</c>).</summary>
    public virtual string? SummarySection => null;

    /// <summary>Keys only runs of this kind take: on a run of another kind they are an error that names this kind.</summary>
    public virtual IReadOnlyList<string> OwnKeys => [];

    /// <summary>Added to that error ("; use from: for a start point").</summary>
    public virtual string KeyHint => "";

    /// <summary>Reads and checks a run of this kind (its name and kind already read) from <paramref name="node"/>.</summary>
    internal abstract RunSpec Read(CaseReader reader, RunNode node);

    /// <summary>Carries out <paramref name="run"/>; false when it stopped the case on bad input (reported, summary written).</summary>
    internal abstract bool Execute(CaseRunner runner, RunSpec run, CancellationToken cancellation);

    /// <summary>"fp (equilibrium in Iext_e)": how validate lists the run.</summary>
    public virtual string Describe(RunSpec run)
        => $"{run.Name} ({Name} in {(run.SecondParameter is null ? run.Parameter : $"{run.Parameter} x {run.SecondParameter}")})";

    /// <summary>Every run kind: the branch kinds, then the network analyses.</summary>
    public static IReadOnlyList<RunKind> All { get; } = [.. BranchKinds.All.Select(k => new BranchRun(k)), new TransverseRun(), new MapRun(), new SimulateRun(), new SpectrumRun(), new LyapunovRun(), new LyapunovScanRun()];

    /// <summary>The kind named <paramref name="name"/>, or null.</summary>
    public static RunKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    /// <summary>The run kind of branches of <paramref name="kind"/>.</summary>
    public static BranchRun Of(BranchKind kind) => All.OfType<BranchRun>().Single(k => k.Branch == kind);
}

/// <summary>A run's YAML mapping with what was read before its kind-specific keys.</summary>
/// <param name="Where">"runs[2] (lc)", for messages.</param>
/// <param name="Earlier">The runs above it, which <c>from:</c> and <c>of:</c> may name.</param>
internal sealed record RunNode(RunKind Kind, YamlMappingNode Map, YamlNode KindNode, string Where, string Name, Systems.OdeSystem Model, Numerics Numerics, IReadOnlyList<RunSpec> Earlier);

/// <summary>A run that computes a branch of <see cref="BranchKind"/>: equilibria, cycles, a curve of bifurcations, the homoclinic approximation.</summary>
public sealed class BranchRun(BranchKind kind) : RunKind
{
    public override string Name => kind.Name();

    public override BranchKind? Branch => kind;

    /// <summary>The branch kind (not null, unlike <see cref="RunKind.Branch"/>).</summary>
    public BranchKind Kind => kind;

    internal override RunSpec Read(CaseReader reader, RunNode node) => reader.ReadBranchRun(this, node);

    internal override bool Execute(CaseRunner runner, RunSpec run, CancellationToken cancellation) => runner.RunBranch(run, cancellation);
}
