using Continuation.Cli.Runs;
using Continuation.Pathfollowing;
using Continuation.Results;
using Continuation.Runs;
using YamlDotNet.RepresentationModel;

namespace Continuation.Cli.Cases;

/// <summary>
/// Checks that need no computation but more than one key: the kind of point a run starts from,
/// and whether a run's memory fits the machine. They are made when the file is read, so that
/// <c>cont validate</c> reports them and <c>cont run</c> never computes a branch to fail on them.
/// </summary>
public sealed partial class CaseReader
{
    /// <summary>
    /// A run of <paramref name="kind"/> from <paramref name="from"/> on the earlier run
    /// <paramref name="source"/>: rejected when no point with that label on a branch of that kind
    /// could start it (the labels a branch will have are known only after computing it; their kinds
    /// are known now, and the engine says which it starts from: <see cref="Continue.CannotStart"/>).
    /// </summary>
    void CheckFrom(BranchRun kind, PointReference from, RunSpec source, YamlNode node, string where)
    {
        var label = LabelKind(from.Label)!.Value;
        if (source.Kind.Branch is not { } sourceKind)
            throw Error(node, $"{where}.from: '{source.Name}' is a {source.Kind} run, not a branch");
        if (Continue.CannotStart(kind.Kind, sourceKind, label) is { } expected)
            throw Error(node, $"{where}.from: {(kind.Kind is BranchKind.Equilibrium or BranchKind.LpcCurve or BranchKind.NsCurve ? "an" : "a")} {kind} run starts at {expected}; " +
                $"{from} is {Continue.Article(label)} {label} point of the {source.Kind} run '{source.Name}'");
    }

    /// <summary>
    /// The memory a run needs, roughly: for cycles, the collocation Jacobian's blocks (a few copies
    /// while it is factorised) and every stored point's unknowns, tangent and profile; two-parameter
    /// curves of cycles carry an eigenfunction as well. Refused, with the figures, when it exceeds
    /// three quarters of the memory this process may use, before anything is computed.
    /// </summary>
    void CheckResources(IReadOnlyList<RunSpec> runs, int dimension)
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            if (run.Kind.Branch is not { } kind || !kind.CarriesCycles()) continue;
            double ntst = run.Discretisation.Intervals, ncol = run.Discretisation.Degree, n = dimension;
            double factor = kind is BranchKind.PdCurve or BranchKind.NsCurve or BranchKind.LpcCurve ? 2 : 1;
            double unknowns = factor * (ntst * ncol * n + n + 2);
            double solver = 3 * factor * factor * ntst * (ncol * n) * ((ncol + 1) * n + 2);
            double stored = 3.0 * unknowns * (run.Options.MaxSteps + 1);
            double bytes = 8 * (solver + stored);
            if (bytes > 0.75 * available)
                throw new CaseException(_file, run.Line,
                    $"runs[{i}] ({run.Name}): needs about {Gigabytes(bytes)} (ntst × ncol × n = {ntst:0} × {ncol:0} × {n:0} unknowns per cycle, " +
                    $"{run.Options.MaxSteps} steps stored) and {Gigabytes(available)} is available: lower ntst or max_steps");
        }
    }

    static string Gigabytes(double bytes) => bytes >= 1e9 ? $"{bytes / 1e9:0.#} GB" : $"{bytes / 1e6:0} MB";
}
