using Continuation.Pathfollowing;

namespace Continuation.Results;

/// <summary>Joins half-branches and labels special points in order along the branch.</summary>
internal static class BranchAssembly
{
    /// <summary>
    /// Joins a backward and a forward half-branch that share their first point into one list in
    /// order along the curve (backward reversed, then forward without its repeated start).
    /// A single half-branch is kept in the order it was computed.
    /// </summary>
    public static List<PathPoint> Join(IReadOnlyList<PathPoint>? backward, IReadOnlyList<PathPoint>? forward)
    {
        var all = new List<PathPoint>();
        if (backward is null || forward is null)
        {
            all.AddRange(backward ?? forward ?? []);
            return all;
        }
        if (backward is not null)
            for (int i = backward.Count - 1; i >= 0; i--) all.Add(backward[i]);
        if (forward is not null)
            for (int i = backward is null ? 0 : 1; i < forward.Count; i++) all.Add(forward[i]);
        return all;
    }

    /// <summary>Labels: kind + ordinal within the branch, in index order (HB1, HB2, LP1, EP1 …).</summary>
    public static string?[] Labels(IReadOnlyList<PointKind> kinds)
    {
        var counters = new Dictionary<PointKind, int>();
        var labels = new string?[kinds.Count];
        for (int i = 0; i < kinds.Count; i++)
        {
            if (kinds[i] == PointKind.Regular) continue;
            counters[kinds[i]] = counters.GetValueOrDefault(kinds[i]) + 1;
            labels[i] = $"{kinds[i]}{counters[kinds[i]]}";
        }
        return labels;
    }
}
