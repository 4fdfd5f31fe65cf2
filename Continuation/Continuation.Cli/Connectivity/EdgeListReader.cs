using System.Globalization;

using Continuation.Transverse;

namespace Continuation.Cli.Connectivity;

/// <summary>How the rows of a weighted edge list fill the matrix.</summary>
public enum EdgeListSymmetry
{
    /// <summary>
    /// <c>i j w</c> sets A_ij = w only (row i, column j: the weight node i receives from node j).
    /// Pairs not listed are 0. This is how <c>sc2017.dat</c> of the paper is written: every
    /// ordered pair appears once, and A_ij ≠ A_ji in general.
    /// </summary>
    Directed,
    /// <summary>
    /// <c>i j w</c> sets A_ij = A_ji = w. Each edge may be listed once (either direction) or twice
    /// with equal weights (relative difference ≤ 1e-12); two different weights are an error.
    /// </summary>
    Undirected,
}

/// <summary>
/// Reads a weighted edge list: the first line is the number of nodes N, then one <c>i j w</c> row
/// per edge with 0-based indices (whitespace- or comma-separated, <c>#</c> comments allowed).
/// </summary>
/// <remarks>
/// Errors name the line: a first line that is not a positive integer, a row without exactly three
/// fields, an index that is not an integer or is outside 0 … N−1
/// (<see cref="ConnectivityError.IndexOutOfRange"/>), a weight that is not finite, the same (i, j)
/// listed twice (<see cref="ConnectivityError.DuplicateEdge"/>), and for
/// <see cref="EdgeListSymmetry.Undirected"/> the two directions with different weights
/// (<see cref="ConnectivityError.AsymmetricWeights"/>). Self-loops (i = j) are allowed. The weights
/// are returned as read; normalise the rows (<see cref="ConnectivityMatrix.NormalizeRows"/>) to get W.
/// </remarks>
public static class EdgeListReader
{
    /// <summary>Reads an edge-list file. Throws <see cref="ConnectivityException"/> with the line on any problem.</summary>
    public static ConnectivityMatrix Read(string path, EdgeListSymmetry symmetry = EdgeListSymmetry.Directed)
    {
        using var reader = TextFields.Open(path);
        return Read(reader, path, symmetry);
    }

    /// <summary>Reads an edge list from <paramref name="reader"/>; <paramref name="fileName"/> is used in messages.</summary>
    public static ConnectivityMatrix Read(TextReader reader, string? fileName = null, EdgeListSymmetry symmetry = EdgeListSymmetry.Directed)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int n = -1;
        double[] a = [];
        int[] listedAt = []; // line where (i, j) was listed explicitly, 0 if not
        foreach (var (line, fields) in TextFields.Lines(reader, fileName))
        {
            if (n < 0)
            {
                if (fields.Length != 1 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out n) || n < 1)
                    throw new ConnectivityException(ConnectivityError.Format,
                        $"an edge list starts with the number of nodes N (a positive integer) alone on its line; found {TextFields.Describe(fields)}",
                        fileName, line);
                if (n > ConnectivityMatrix.MaxNodes)
                    throw new ConnectivityException(ConnectivityError.Format, $"N = {n}: at most {ConnectivityMatrix.MaxNodes} nodes are read", fileName, line);
                a = new double[n * n];
                listedAt = new int[n * n];
                continue;
            }
            if (fields.Length != 3)
                throw new ConnectivityException(ConnectivityError.Format,
                    $"expected 'i j w' (3 fields), found {TextFields.Describe(fields)}", fileName, line);
            int i = Index(fields[0], n, fileName, line), j = Index(fields[1], n, fileName, line);
            double w = TextFields.Real(fields[2], "the weight", fileName, line);
            int ij = i * n + j, ji = j * n + i;
            if (listedAt[ij] != 0)
                throw new ConnectivityException(ConnectivityError.DuplicateEdge,
                    string.Create(CultureInfo.InvariantCulture, $"edge ({i}, {j}) is listed twice (first on line {listedAt[ij]})"),
                    fileName, line, rows: [i]);
            listedAt[ij] = line;
            a[ij] = w;
            if (symmetry == EdgeListSymmetry.Undirected && i != j)
            {
                if (listedAt[ji] != 0)
                {
                    double other = a[ji];
                    if (!(Math.Abs(other - w) <= 1e-12 * Math.Max(Math.Abs(other), Math.Abs(w))))
                        throw new ConnectivityException(ConnectivityError.AsymmetricWeights,
                            string.Create(CultureInfo.InvariantCulture,
                                $"edge ({i}, {j}) has weight {w:R} but ({j}, {i}) on line {listedAt[ji]} has {other:R}; an undirected edge list needs equal weights (read it as directed?)"),
                            fileName, line, rows: [i, j]);
                }
                else a[ji] = w;
            }
        }
        if (n < 0)
            throw new ConnectivityException(ConnectivityError.Empty, "the edge list is empty (no line with the number of nodes)", fileName);
        return ConnectivityMatrix.Create(a, n, n, fileName);
    }

    static int Index(string field, int n, string? fileName, int line)
    {
        if (!long.TryParse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long k))
            throw new ConnectivityException(ConnectivityError.Format, $"node index {TextFields.Quote(field)} is not an integer", fileName, line);
        if (k < 0 || k >= n)
            throw new ConnectivityException(ConnectivityError.IndexOutOfRange,
                string.Create(CultureInfo.InvariantCulture, $"node index {k} is outside 0 … {n - 1} (indices are 0-based, N = {n})"), fileName, line);
        return (int)k;
    }
}
