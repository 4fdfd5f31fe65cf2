using System.Text;
using System.Text.RegularExpressions;

namespace Continuation.Cli.AutoFiles;

/// <summary>One Fortran statement: its text (continuation lines joined, comments removed) and the line it starts on.</summary>
sealed record FortranStatement(string Text, int Line, string? Label);

/// <summary>A SUBROUTINE or FUNCTION of the file: its name, header line and statements (without the header and END).</summary>
sealed record FortranUnit(string Name, int Line, IReadOnlyList<FortranStatement> Statements, int EndLine)
{
    /// <summary>The dummy arguments of the header, upper case, in order.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}

/// <summary>
/// The statements of a Fortran file grouped into program units, in free form (<c>.f90</c>:
/// <c>!</c> comments, <c>&amp;</c> continuation, <c>;</c> between statements) or fixed form (<c>.f</c>,
/// <c>.for</c>: a <c>C</c>, <c>c</c> or <c>*</c> in column 1 starts a comment, a character in column 6 continues).
/// </summary>
static partial class FortranSource
{
    [GeneratedRegex(@"^\s*(?:(?:DOUBLE\s*PRECISION|REAL\s*\*\s*8|REAL(?:\s*\(\s*(?:KIND\s*=\s*)?8\s*\))?|INTEGER)\s+)?(SUBROUTINE|FUNCTION)\s+([A-Za-z]\w*)\s*(?:\(([^)]*)\))?", RegexOptions.IgnoreCase)]
    private static partial Regex UnitHeader();

    [GeneratedRegex(@"^\s*END\s*(?:(?:SUBROUTINE|FUNCTION)\b\s*(?:[A-Za-z]\w*)?)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex UnitEnd();

    [GeneratedRegex(@"^\s*(?:MODULE|PROGRAM|INTERFACE|CONTAINS)\b", RegexOptions.IgnoreCase)]
    private static partial Regex OtherUnit();

    public static IReadOnlyList<FortranUnit> Read(string text, string path)
    {
        bool fixedForm = Path.GetExtension(path).ToLowerInvariant() is ".f" or ".for" or ".ftn";
        var statements = fixedForm ? FixedForm(text) : FreeForm(text);
        var units = new List<FortranUnit>();
        string? name = null;
        int headerLine = 0;
        string[] arguments = [];
        List<FortranStatement>? body = null;
        foreach (var s in statements)
        {
            if (name is null)
            {
                var m = UnitHeader().Match(s.Text);
                if (m.Success)
                {
                    name = m.Groups[2].Value.ToUpperInvariant();
                    headerLine = s.Line;
                    arguments = m.Groups[3].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(a => a.ToUpperInvariant()).ToArray();
                    body = [];
                    continue;
                }
                if (OtherUnit().IsMatch(s.Text))
                    throw new AutoImportException(path, s.Line, $"'{First(s.Text)}' is not supported: AUTO's routines (FUNC, STPNT, PVLS, …) as plain SUBROUTINEs");
                continue; // statements between units (there should be none) are not part of any routine AUTO calls
            }
            if (UnitEnd().IsMatch(s.Text))
            {
                units.Add(new FortranUnit(name, headerLine, body!, s.Line) { Arguments = arguments });
                name = null;
                continue;
            }
            body!.Add(s);
        }
        if (name is not null) throw new AutoImportException(path, headerLine, $"{name} has no END");
        return units;
    }

    static string First(string text) => text.Trim().Split(' ', '(')[0];

    static IEnumerable<FortranStatement> FreeForm(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var pending = new StringBuilder();
        int start = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = StripComment(lines[i], '!').TrimEnd();
            string trimmed = line.TrimStart();
            // Blank and comment lines may stand between a line ending in '&' and its continuation.
            if (trimmed.Length == 0) continue;
            if (pending.Length > 0 && trimmed.StartsWith('&')) trimmed = trimmed[1..];
            if (pending.Length == 0) start = i + 1;
            bool continues = trimmed.EndsWith('&');
            pending.Append(continues ? trimmed[..^1] : trimmed).Append(continues ? "" : "");
            if (continues) continue;
            foreach (var s in Split(pending.ToString(), start)) yield return s;
            pending.Clear();
        }
        if (pending.Length > 0) foreach (var s in Split(pending.ToString(), start)) yield return s;
    }

    static IEnumerable<FortranStatement> FixedForm(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var pending = new StringBuilder();
        int start = 0;
        string? label = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string raw = lines[i];
            if (raw.Length == 0 || raw[0] is 'C' or 'c' or '*' or '!') continue;
            if (raw.Trim().Length == 0) continue;
            // A tab in the label field starts the statement field (column 7), and a digit 1-9 right after it marks a
            // continuation line (as gfortran reads tab-formatted lines); a tab elsewhere is one column.
            int tab = raw.IndexOf('\t');
            string labelPart, statement;
            bool continuation;
            if (tab is >= 0 and < 6)
            {
                labelPart = raw[..tab];
                statement = raw[(tab + 1)..];
                continuation = statement.Length > 0 && statement[0] is >= '1' and <= '9';
                if (continuation) statement = statement[1..];
                statement = statement[..Math.Min(statement.Length, 66)];
            }
            else
            {
                labelPart = raw[..Math.Min(5, raw.Length)];
                statement = raw.Length > 6 ? raw[6..Math.Min(raw.Length, 72)] : "";
                continuation = raw.Length > 5 && raw[5] is not (' ' or '0');
            }
            string body = StripComment(statement, '!');
            if (continuation && pending.Length > 0)
            {
                pending.Append(body.Trim());
                continue;
            }
            if (pending.Length > 0) foreach (var s in Split(pending.ToString(), start, label)) yield return s;
            pending.Clear();
            start = i + 1;
            string labelField = labelPart.Trim();
            label = labelField.Length > 0 ? labelField : null;
            pending.Append(body.Trim());
        }
        if (pending.Length > 0) foreach (var s in Split(pending.ToString(), start, label)) yield return s;
    }

    /// <summary>Splits at <c>;</c> outside quotes; a leading statement label (digits) is kept apart.</summary>
    static IEnumerable<FortranStatement> Split(string text, int line, string? label = null)
    {
        int depth = 0;
        char quote = '\0';
        int from = 0;
        var parts = new List<string>();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '\'' or '"') quote = c;
            else if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ';' && depth == 0)
            {
                parts.Add(text[from..i]);
                from = i + 1;
            }
        }
        parts.Add(text[from..]);
        foreach (var part in parts)
        {
            string s = part.Trim();
            if (s.Length == 0) continue;
            string? l = label;
            int digits = 0;
            while (digits < s.Length && char.IsAsciiDigit(s[digits])) digits++;
            if (digits > 0 && digits < s.Length && char.IsWhiteSpace(s[digits]))
            {
                l = s[..digits];
                s = s[digits..].Trim();
            }
            yield return new FortranStatement(s, line, l);
            label = null;
        }
    }

    static string StripComment(string line, char mark)
    {
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '\'' or '"') quote = c;
            else if (c == mark) return line[..i];
        }
        return line;
    }
}

/// <summary>Reading AUTO's files: bounded, text only.</summary>
static class AutoText
{
    /// <summary>The largest equations or constants file read (AUTO problems are some kilobytes).</summary>
    public const int MaxBytes = 4 << 20;

    /// <summary>
    /// The text of <paramref name="path"/>, refusing a directory, a device or file of more than
    /// <see cref="MaxBytes"/> (read in bounded chunks) and binary content (a NUL byte). Bytes that are
    /// not UTF-8 (an accented comment in Latin-1) are read as replacement characters: only comments
    /// and strings can hold them, and a name with one is refused by the parser.
    /// </summary>
    public static string Read(string path)
    {
        if (Directory.Exists(path)) throw new AutoImportException(path, 0, "is a directory, not a file");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new byte[MaxBytes + 1];
        int total = 0, read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0) total += read;
        if (total > MaxBytes) throw new AutoImportException(path, 0, $"larger than {MaxBytes >> 20} MB: not an AUTO equations or constants file");
        var bytes = buffer.AsSpan(0, total);
        if (bytes.IndexOf((byte)0) is int nul and >= 0)
            throw new AutoImportException(path, 0, $"binary content (a NUL byte at offset {nul}): not an AUTO equations or constants file");
        return new UTF8Encoding(false, throwOnInvalidBytes: false).GetString(bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes);
    }
}

/// <summary>An AUTO file that cannot be imported: file, line and what is not supported.</summary>
public sealed class AutoImportException(string file, int line, string message) : Exception(message)
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string Formatted => Cases.CaseException.OneLine(Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}");
}
