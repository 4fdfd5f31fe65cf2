using System.Globalization;

using Continuation.Transverse;

namespace Continuation.Cli.Connectivity;

/// <summary>
/// Reads a dense square matrix from text: one row per line, entries separated by whitespace or by
/// commas (CSV without a header line), as <c>numpy.savetxt</c> writes it.
/// </summary>
/// <remarks>
/// Blank lines and <c>#</c> comments are ignored. A line with a comma is split at commas only
/// (an empty field is an error); other lines are split at whitespace. Numbers use the invariant
/// culture (a point as decimal separator). Every row must have as many entries as the first
/// (<see cref="ConnectivityError.RaggedRows"/>), and there must be as many rows as columns.
/// </remarks>
public static class DenseTextReader
{
    /// <summary>Reads a dense matrix file. Throws <see cref="ConnectivityException"/> with the line on any problem.</summary>
    public static ConnectivityMatrix Read(string path)
    {
        using var reader = TextFields.Open(path);
        return Read(reader, path);
    }

    /// <summary>Reads a dense matrix from <paramref name="reader"/>; <paramref name="fileName"/> is used in messages.</summary>
    public static ConnectivityMatrix Read(TextReader reader, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var values = new List<double>();
        int width = -1, firstLine = 0, rows = 0;
        foreach (var (line, fields) in TextFields.Lines(reader, fileName))
        {
            if (width < 0)
            {
                width = fields.Length;
                firstLine = line;
                if (width > ConnectivityMatrix.MaxNodes)
                    throw new ConnectivityException(ConnectivityError.Format, $"the first row has {width} entries: at most {ConnectivityMatrix.MaxNodes} nodes are read", fileName, line);
            }
            else if (fields.Length != width)
                throw new ConnectivityException(ConnectivityError.RaggedRows,
                    string.Create(CultureInfo.InvariantCulture,
                        $"row {rows} has {fields.Length} entr{(fields.Length == 1 ? "y" : "ies")} but row 0 (line {firstLine}) has {width}"),
                    fileName, line, rows: [rows]);
            for (int j = 0; j < fields.Length; j++)
                values.Add(TextFields.Real(fields[j], string.Create(CultureInfo.InvariantCulture, $"entry {j + 1} of row {rows}"), fileName, line));
            if (++rows > ConnectivityMatrix.MaxNodes)
                throw new ConnectivityException(ConnectivityError.Format, $"more than {ConnectivityMatrix.MaxNodes} rows: at most {ConnectivityMatrix.MaxNodes} nodes are read", fileName, line);
        }
        return ConnectivityMatrix.Create(values.ToArray(), rows, Math.Max(width, 0), fileName);
    }
}
