using System.Globalization;
using System.Text;

namespace Continuation.Transverse;

/// <summary>What is wrong with a connectivity matrix or the file it was read from.</summary>
public enum ConnectivityError
{
    /// <summary>The file could not be opened or read (missing, no permission, I/O error).</summary>
    Unreadable,
    /// <summary>The content is malformed: bad magic or header, a token that is not a number, truncated data.</summary>
    Format,
    /// <summary>A NumPy array whose element type is not a supported real type (complex, big-endian, structured, object …).</summary>
    UnsupportedDtype,
    /// <summary>The array is not two-dimensional.</summary>
    WrongRank,
    /// <summary>The matrix is not square.</summary>
    NotSquare,
    /// <summary>The matrix has no rows.</summary>
    Empty,
    /// <summary>The requested array is not in the .npz archive, or no array could be chosen by default.</summary>
    MissingKey,
    /// <summary>An entry is NaN or infinite.</summary>
    NonFinite,
    /// <summary>An edge-list index is outside 0 … N−1.</summary>
    IndexOutOfRange,
    /// <summary>Rows of a dense text matrix have different numbers of entries.</summary>
    RaggedRows,
    /// <summary>An edge list names the same (i, j) twice.</summary>
    DuplicateEdge,
    /// <summary>Weights that should be symmetric are not (an undirected edge list listing both directions differently, or the symmetric spectrum route given a non-symmetric matrix).</summary>
    AsymmetricWeights,
    /// <summary>Rows do not sum to 1, so the homogeneous manifold is not invariant.</summary>
    NotRowNormalized,
    /// <summary>A row sums to zero and cannot be normalised.</summary>
    ZeroRowSum,
    /// <summary>A row sum is not positive, so D^{-1/2} of the symmetric route does not exist.</summary>
    NonPositiveRowSum,
    /// <summary>The eigen-decomposition of the matrix did not converge.</summary>
    NoSpectrum,
    /// <summary>No eigenvalue equal to 1 was found (cannot happen for a row-normalised matrix unless the tolerance is far too tight).</summary>
    NoHomogeneousMode,
}

/// <summary>
/// A connectivity matrix could not be read or does not have the properties the transverse
/// analysis needs. The message starts with the file name (and line, for text files) so it
/// can be shown to the user as it is.
/// </summary>
public sealed class ConnectivityException : Exception
{
    /// <summary>Creates the exception; the message is prefixed with <c>file:line: </c> when those are known.</summary>
    public ConnectivityException(ConnectivityError error, string message, string? fileName = null, int? line = null,
        IReadOnlyList<int>? rows = null, Exception? innerException = null)
        : base(Prefix(fileName, line) + message, innerException)
    {
        Error = error;
        FileName = fileName;
        Line = line;
        Rows = rows ?? [];
    }

    /// <summary>What went wrong.</summary>
    public ConnectivityError Error { get; }

    /// <summary>The file the matrix came from; null for a matrix built in memory.</summary>
    public string? FileName { get; }

    /// <summary>1-based line of a text file where the problem is; null when not line-specific.</summary>
    public int? Line { get; }

    /// <summary>0-based matrix rows concerned (all of them, not only those named in the message); empty when not row-specific.</summary>
    public IReadOnlyList<int> Rows { get; }

    static string Prefix(string? fileName, int? line) =>
        fileName is null ? "" : line is null ? fileName + ": " : string.Create(CultureInfo.InvariantCulture, $"{fileName}:{line}: ");

    /// <summary>"rows 3 (sum 0.5), 7 (sum 2) and 12 more" — the first few of a list, then the count.</summary>
    internal static string FirstFew<T>(IReadOnlyList<T> items, Func<T, string> describe, int shown = 5)
    {
        var sb = new StringBuilder();
        int k = Math.Min(shown, items.Count);
        for (int i = 0; i < k; i++)
        {
            if (i > 0) sb.Append(i == k - 1 && items.Count == k ? " and " : ", ");
            sb.Append(describe(items[i]));
        }
        if (items.Count > k) sb.Append(CultureInfo.InvariantCulture, $" and {items.Count - k} more");
        return sb.ToString();
    }
}
