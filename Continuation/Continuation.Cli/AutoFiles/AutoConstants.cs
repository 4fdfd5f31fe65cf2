using System.Globalization;
using System.Text;

namespace Continuation.Cli.AutoFiles;

/// <summary>A value of a constants file: a number, a string, a list or a mapping (Python's literal syntax, as AUTO-07p writes them).</summary>
abstract record AutoValue
{
    public sealed record Number(double Value, bool IsInteger) : AutoValue;
    public sealed record Text(string Value) : AutoValue;
    public sealed record List(IReadOnlyList<AutoValue> Items) : AutoValue;
    public sealed record Map(IReadOnlyList<(AutoValue Key, AutoValue Value)> Entries) : AutoValue;
}

/// <summary>One <c>KEY = value</c> of a constants file, with its line.</summary>
sealed record AutoSetting(string Key, AutoValue Value, int Line);

/// <summary>
/// An AUTO-07p constants file (<c>c.NAME</c>): <c>KEY = value</c> settings, several per line
/// separated by commas, values in Python's literal syntax (numbers, <c>'strings'</c>, <c>[lists]</c>,
/// <c>{mappings}</c> over several lines), <c>#</c> comments. AUTO's older positional format (ten lines
/// of bare numbers) is refused with a message.
/// </summary>
sealed class AutoConstants
{
    public required string File { get; init; }
    public required IReadOnlyList<AutoSetting> Settings { get; init; }

    /// <summary>The setting named <paramref name="key"/> (case-insensitive; the last one if given twice), or null.</summary>
    public AutoSetting? this[string key] => Settings.LastOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));

    public static AutoConstants Read(string path) => Parse(path, AutoText.Read(path));

    public static AutoConstants Parse(string path, string text)
    {
        var p = new Parser(path, text.Replace("\r\n", "\n"));
        return new AutoConstants { File = path, Settings = p.Settings() };
    }

    sealed class Parser(string path, string text)
    {
        int _i, _line = 1;

        AutoImportException Error(string message) => new(path, _line, message);

        /// <summary>Skips blanks, comments and (when <paramref name="newlines"/>) line ends.</summary>
        void Skip(bool newlines = true)
        {
            while (_i < text.Length)
            {
                char c = text[_i];
                if (c == '#') { while (_i < text.Length && text[_i] != '\n') _i++; continue; }
                if (c == '\n') { if (!newlines) return; _line++; _i++; continue; }
                if (char.IsWhiteSpace(c)) { _i++; continue; }
                return;
            }
        }

        public List<AutoSetting> Settings()
        {
            var settings = new List<AutoSetting>();
            while (true)
            {
                Skip();
                if (_i >= text.Length) return settings;
                if (char.IsAsciiDigit(text[_i]) || text[_i] is '-' or '.')
                    throw Error("AUTO's older positional constants format (lines of bare numbers) is not read: write KEY = value settings (AUTO-07p's format, e.g. NDIM = 2, IPS = 1)");
                int start = _i, line = _line;
                while (_i < text.Length && (char.IsAsciiLetterOrDigit(text[_i]) || text[_i] == '_')) _i++;
                if (_i == start) throw Error($"unexpected '{text[_i]}' (expected a setting such as NTST = 50)");
                string key = text[start.._i];
                Skip(newlines: false);
                if (_i >= text.Length || text[_i] != '=') throw Error($"'{key}': expected '=' and a value");
                _i++;
                Skip();
                var value = Value();
                settings.Add(new AutoSetting(key, value, line));
                Skip(newlines: false);
                if (_i < text.Length && text[_i] == ',') _i++;
                else if (_i < text.Length && text[_i] is not ('\n' or '#'))
                    throw Error($"unexpected '{text[_i]}' after the value of {key} (settings are separated by commas or line ends)");
            }
        }

        AutoValue Value()
        {
            if (_i >= text.Length) throw Error("a value is missing at the end of the file");
            char c = text[_i];
            if (c is '\'' or '"')
            {
                int start = ++_i;
                while (_i < text.Length && text[_i] != c && text[_i] != '\n') _i++;
                if (_i >= text.Length || text[_i] != c) throw Error("a string is not closed on its line");
                return new AutoValue.Text(text[start.._i++]);
            }
            if (c is '[' or '(') return new AutoValue.List(Items(c == '[' ? ']' : ')').Select(e => e.Value).ToList());
            if (c == '{')
            {
                var entries = new List<(AutoValue, AutoValue)>();
                _i++;
                while (true)
                {
                    Skip();
                    if (_i < text.Length && text[_i] == '}') { _i++; return new AutoValue.Map(entries); }
                    var key = Value();
                    Skip();
                    if (_i >= text.Length || text[_i] != ':') throw Error("expected ':' in a mapping such as {'p1': 0.25}");
                    _i++;
                    Skip();
                    entries.Add((key, Value()));
                    Skip();
                    if (_i < text.Length && text[_i] == ',') { _i++; continue; }
                    if (_i < text.Length && text[_i] == '}') continue;
                    throw Error("expected ',' or '}' in a mapping");
                }
            }
            int from = _i;
            while (_i < text.Length && (char.IsAsciiLetterOrDigit(text[_i]) || text[_i] is '.' or '+' or '-' or '_')) _i++;
            string word = text[from.._i];
            if (word.Length == 0) throw Error($"unexpected '{c}' (expected a value)");
            string normal = word.Replace('d', 'e').Replace('D', 'e');
            if (double.TryParse(normal, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                return new AutoValue.Number(v, !normal.Contains('.') && !normal.Contains('e') && !normal.Contains('E'));
            return new AutoValue.Text(word); // a bare name (True, None, …)
        }

        List<(AutoValue Key, AutoValue Value)> Items(char close)
        {
            var items = new List<(AutoValue, AutoValue)>();
            _i++;
            while (true)
            {
                Skip();
                if (_i < text.Length && text[_i] == close) { _i++; return items; }
                var v = Value();
                items.Add((v, v));
                Skip();
                if (_i < text.Length && text[_i] == ',') { _i++; continue; }
                if (_i < text.Length && text[_i] == close) continue;
                throw Error($"expected ',' or '{close}' in a list");
            }
        }
    }

    /// <summary>A value as written (for notes).</summary>
    public static string Show(AutoValue v) => v switch
    {
        AutoValue.Number n => n.Value.ToString("R", CultureInfo.InvariantCulture),
        AutoValue.Text t => $"'{t.Value}'",
        AutoValue.List l => "[" + string.Join(", ", l.Items.Select(Show)) + "]",
        AutoValue.Map m => "{" + string.Join(", ", m.Entries.Select(e => $"{Show(e.Key)}: {Show(e.Value)}")) + "}",
        _ => "?",
    };
}
