using Continuation.Pathfollowing;
using YamlDotNet.RepresentationModel;

namespace Continuation.Cli.Cases;

/// <summary>
/// Checks that need no computation but more than one key: the kind of point a run starts from,
/// and whether a run's memory fits the machine. They are made when the file is read, so that
/// <c>cont validate</c> reports them and <c>cont run</c> never computes a branch to fail on them.
/// </summary>
public sealed partial class CaseReader
{
    /// <summary>The run kinds whose branches are continua of cycles (a point of one carries a cycle).</summary>
    static readonly string[] CycleKinds = ["periodic", "lpc-curve", "pd-curve", "ns-curve", "homoclinic"];

    /// <summary>
    /// A run of <paramref name="kind"/> from <paramref name="from"/> on the earlier run
    /// <paramref name="source"/>: rejected when no point with that label on a branch of that kind
    /// could start it (the labels a branch will have are known only after computing it; their kinds are known now).
    /// </summary>
    void CheckFrom(string kind, PointReference from, RunSpec source, YamlNode node, string where)
    {
        var label = LabelKind(from.Label)!.Value;
        string sk = source.Kind;
        string? expected = kind switch
        {
            "fold-curve" when !(sk == "equilibrium" && label == PointKind.LP) && !(sk == "fold-curve" && label == PointKind.BP)
                => "an LP point of an equilibrium run (or a BP point of a fold-curve, to switch to the other curve)",
            "hopf-curve" when !(sk == "equilibrium" && label == PointKind.HB) && !(sk == "hopf-curve" && label == PointKind.BP)
                => "an HB point of an equilibrium run (or a BP point of a hopf-curve, to switch to the other curve)",
            "lpc-curve" when !(sk == "periodic" && label == PointKind.LPC) => "an LPC point of a periodic run",
            "pd-curve" when !(sk == "periodic" && label == PointKind.PD) => "a PD point of a periodic run",
            "ns-curve" when !(sk == "periodic" && label == PointKind.NS) => "an NS point of a periodic run",
            "homoclinic" when sk != "periodic" => "a point of a periodic run (for instance the end of a run with stop: { period: 300 })",
            "periodic" when !(sk == "equilibrium" && label == PointKind.HB) && !CycleKinds.Contains(sk)
                => "an HB point of an equilibrium run or a point of a branch of cycles (a periodic run, an lpc-, pd- or ns-curve, a homoclinic run)",
            "equilibrium" when sk is not ("equilibrium" or "fold-curve" or "hopf-curve")
                => "a point of an equilibrium run or of a fold- or hopf-curve",
            _ => null,
        };
        if (expected is not null)
            throw Error(node, $"{where}.from: {(kind is "equilibrium" or "lpc-curve" or "ns-curve" ? "an" : "a")} {kind} run starts at {expected}; {from} is {Article(label)} {label} point of the {sk} run '{source.Name}'");
    }

    /// <summary>"an" before a kind read letter by letter from L, H, N, E, R, M (an LP, an HB), else "a" (a PD).</summary>
    static string Article(PointKind kind) => kind.ToString()[0] is 'L' or 'H' or 'N' or 'E' or 'R' or 'M' ? "an" : "a";

    /// <summary>The most cells an instability map may have (the paper's map at step 0.05 has 192 921).</summary>
    public const long MaxMapCells = 4_000_000;

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
            if (run.Map is { } map)
            {
                double cells = (double)map.X.Count * map.Y.Count;
                if (cells > MaxMapCells)
                    throw new CaseException(_file, run.Line, $"runs[{i}] ({run.Name}): the grid has {map.X.Count} × {map.Y.Count} = {cells:0} cells (at most {MaxMapCells}): use a coarser step, or split the map");
                continue;
            }
            if (!CycleKinds.Contains(run.Kind)) continue;
            double ntst = run.Collocation.Intervals, ncol = run.Collocation.Points, n = dimension;
            double factor = run.Kind is "pd-curve" or "ns-curve" or "lpc-curve" ? 2 : 1;
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
