using System.Globalization;

using Continuation.Transverse;

namespace Continuation.Cli.Connectivity;

/// <summary>
/// Line splitting shared by the text readers: blank lines and lines starting with <c>#</c> are
/// skipped, a <c>#</c> starts a trailing comment, fields are separated by commas (then trimmed; an
/// empty field is an error) or, on lines without a comma, by whitespace.
/// </summary>
internal static class TextFields
{
    /// <summary>The non-empty lines of <paramref name="reader"/> as (1-based line number, fields).</summary>
    public static IEnumerable<(int Line, string[] Fields)> Lines(TextReader reader, string? fileName)
    {
        int lineNumber = 0;
        string? line;
        while ((line = ReadLine(reader, fileName)) is not null)
        {
            lineNumber++;
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            if (string.IsNullOrWhiteSpace(line)) continue;
            string[] fields;
            if (line.Contains(','))
            {
                fields = line.Split(',', StringSplitOptions.TrimEntries);
                int empty = Array.IndexOf(fields, "");
                if (empty >= 0)
                    throw new ConnectivityException(ConnectivityError.Format, $"field {empty + 1} is empty", fileName, lineNumber);
            }
            else fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            yield return (lineNumber, fields);
        }
    }

    static string? ReadLine(TextReader reader, string? fileName)
    {
        try { return reader.ReadLine(); }
        catch (IOException e) { throw new ConnectivityException(ConnectivityError.Unreadable, e.Message, fileName, innerException: e); }
    }

    /// <summary>
    /// A field as a message may quote it: short printable text is shown (a typo such as
    /// <c>0.5.3</c> or <c>1;0</c>), anything longer only by its length, so that naming a file that
    /// is not a matrix (a configuration file, a key) does not copy its lines into a message.
    /// </summary>
    public static string Quote(string field)
        => field.Length <= 16 && field.All(c => c is >= ' ' and <= '~')
            ? $"'{field}'"
            : $"a {field.Length}-character field";

    /// <summary>Fields as a message may describe them: their number, and the first quoted (<see cref="Quote"/>).</summary>
    public static string Describe(string[] fields)
        => fields.Length == 1 ? $"1 field, {Quote(fields[0])}" : $"{fields.Length} fields, the first {Quote(fields[0])}";

    /// <summary>Parses a finite real number; "nan", "inf" and overflow are <see cref="ConnectivityError.NonFinite"/>, anything else unparsable is <see cref="ConnectivityError.Format"/>.</summary>
    public static double Real(string field, string what, string? fileName, int line)
    {
        if (double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            if (double.IsFinite(v)) return v;
            throw new ConnectivityException(ConnectivityError.NonFinite, $"{what} is {Quote(field)}, not a finite number", fileName, line);
        }
        string lower = field.ToLowerInvariant().TrimStart('+', '-');
        if (lower is "inf" or "infinity" or "nan" or "∞")
            throw new ConnectivityException(ConnectivityError.NonFinite, $"{what} is '{field}', not a finite number", fileName, line);
        throw new ConnectivityException(ConnectivityError.Format, $"{what} is {Quote(field)}, not a number", fileName, line);
    }

    /// <summary>Opens a file for the text readers, turning I/O failures into <see cref="ConnectivityError.Unreadable"/>.</summary>
    public static StreamReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try { return new StreamReader(path, detectEncodingFromByteOrderMarks: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConnectivityException(ConnectivityError.Unreadable, e.Message, path, innerException: e);
        }
    }
}
