namespace Continuation.Results;

/// <summary>
/// What each <see cref="BranchKind"/> is, in one place: its name in case and output files, how many
/// parameters vary along it, and whether its points carry cycles.
/// </summary>
public static class BranchKinds
{
    static readonly (BranchKind Kind, string Name)[] Names =
    [
        (BranchKind.Equilibrium, "equilibrium"),
        (BranchKind.Periodic, "periodic"),
        (BranchKind.FoldCurve, "fold-curve"),
        (BranchKind.HopfCurve, "hopf-curve"),
        (BranchKind.LpcCurve, "lpc-curve"),
        (BranchKind.PdCurve, "pd-curve"),
        (BranchKind.NsCurve, "ns-curve"),
        (BranchKind.Homoclinic, "homoclinic"),
    ];

    /// <summary>Every kind, in the order above.</summary>
    public static IEnumerable<BranchKind> All => Names.Select(n => n.Kind);

    /// <summary>The name case files and summary.json use ("periodic", "fold-curve", …).</summary>
    public static string Name(this BranchKind kind)
    {
        foreach (var (k, name) in Names) if (k == kind) return name;
        throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
    }

    /// <summary>The kind named <paramref name="name"/> (see <see cref="Name"/>).</summary>
    public static bool TryParse(string name, out BranchKind kind)
    {
        foreach (var (k, n) in Names)
            if (n == name) { kind = k; return true; }
        kind = default;
        return false;
    }

    /// <summary>True when each point holds a cycle (profile, mesh and Floquet multipliers): cycles and the curves of their bifurcations.</summary>
    public static bool CarriesCycles(this BranchKind kind)
        => kind is BranchKind.Periodic or BranchKind.Homoclinic or BranchKind.LpcCurve or BranchKind.PdCurve or BranchKind.NsCurve;

    /// <summary>How many parameters vary along a branch of this kind: one, or two for curves of bifurcations and the homoclinic approximation.</summary>
    public static int ContinuedParameters(this BranchKind kind) => kind is BranchKind.Equilibrium or BranchKind.Periodic ? 1 : 2;

    /// <summary>The special point a curve of this kind is the locus of (LP for a fold curve …); null for equilibria, cycles and the homoclinic approximation.</summary>
    public static Pathfollowing.PointKind? Locus(this BranchKind kind) => kind switch
    {
        BranchKind.FoldCurve => Pathfollowing.PointKind.LP,
        BranchKind.HopfCurve => Pathfollowing.PointKind.HB,
        BranchKind.LpcCurve => Pathfollowing.PointKind.LPC,
        BranchKind.PdCurve => Pathfollowing.PointKind.PD,
        BranchKind.NsCurve => Pathfollowing.PointKind.NS,
        _ => null,
    };
}
