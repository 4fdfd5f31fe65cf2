using System.Globalization;
using System.Text;

using Continuation.Transverse;

namespace Continuation.Cli.Connectivity;

/// <summary>
/// The header dictionary of a .npy array: <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (90, 90), }</c>.
/// </summary>
/// <remarks>
/// The header is a Python literal written by <c>repr</c> of a dict (NumPy NEP 1, "A simple file
/// format for NumPy arrays"; numpy.lib.format). This parser accepts the literal subset NumPy writes:
/// dict, tuple, list, str, int, True, False, None.
/// </remarks>
internal sealed record NpyHeader(object Descr, bool FortranOrder, long[] Shape)
{
    /// <summary>Parses the header text; <paramref name="fail"/> builds the exception for a message.</summary>
    public static NpyHeader Parse(string text, Func<string, Exception> fail)
    {
        var parser = new LiteralParser(text, fail);
        object? value = parser.ParseValue();
        parser.ExpectEnd();
        if (value is not Dictionary<string, object?> dict)
            throw fail("the header is not a dictionary: " + Abbreviate(text));
        foreach (var key in new[] { "descr", "fortran_order", "shape" })
            if (!dict.ContainsKey(key)) throw fail($"the header has no '{key}' entry: " + Abbreviate(text));
        var descr = dict["descr"] ?? throw fail("'descr' is None");
        if (dict["fortran_order"] is not bool fortran) throw fail("'fortran_order' is not True or False");
        if (dict["shape"] is not List<object?> shapeItems || !shapeItems.All(x => x is long))
            throw fail("'shape' is not a tuple of integers");
        var shape = shapeItems.Cast<long>().ToArray();
        if (shape.Any(d => d < 0)) throw fail("'shape' has a negative dimension");
        return new NpyHeader(descr, fortran, shape);
    }

    static string Abbreviate(string s) => s.Length <= 120 ? s.Trim() : s[..120] + "…";

    sealed class LiteralParser(string text, Func<string, Exception> fail)
    {
        int _pos;

        public void ExpectEnd()
        {
            SkipSpace();
            if (_pos < text.Length) throw fail($"unexpected '{text[_pos]}' after the header dictionary");
        }

        void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        char Peek()
        {
            SkipSpace();
            if (_pos >= text.Length) throw fail("the header ends too early");
            return text[_pos];
        }

        /// <summary>How deep dictionaries, tuples and lists may nest (a NumPy header nests two deep: the shape tuple in the dictionary).</summary>
        const int MaxNesting = 16;

        int _depth;

        public object? ParseValue()
        {
            char c = Peek();
            if (c is '{' or '(' or '[')
            {
                if (++_depth > MaxNesting) throw fail($"the header nests more than {MaxNesting} deep");
                try
                {
                    return c switch
                    {
                        '{' => ParseDict(),
                        '(' => ParseSequence('(', ')'),
                        _ => ParseSequence('[', ']'),
                    };
                }
                finally { _depth--; }
            }
            switch (c)
            {
                case '\'':
                case '"': return ParseString();
            }
            if (c == '-' || c == '+' || char.IsDigit(c)) return ParseInteger();
            if (char.IsLetter(c))
            {
                int start = _pos;
                while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] == '_')) _pos++;
                string word = text[start.._pos];
                return word switch
                {
                    "True" => true,
                    "False" => false,
                    "None" => null,
                    _ => throw fail($"unexpected word '{word}' in the header"),
                };
            }
            throw fail($"unexpected '{c}' in the header");
        }

        Dictionary<string, object?> ParseDict()
        {
            _pos++; // {
            var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (true)
            {
                if (Peek() == '}') { _pos++; return dict; }
                if (ParseValue() is not string key) throw fail("a header dictionary key is not a string");
                if (Peek() != ':') throw fail("expected ':' after a header dictionary key");
                _pos++;
                dict[key] = ParseValue();
                char c = Peek();
                if (c == ',') { _pos++; continue; }
                if (c == '}') { _pos++; return dict; }
                throw fail($"expected ',' or '}}' in the header dictionary, found '{c}'");
            }
        }

        List<object?> ParseSequence(char open, char close)
        {
            _pos++; // open
            var items = new List<object?>();
            while (true)
            {
                if (Peek() == close) { _pos++; return items; }
                items.Add(ParseValue());
                char c = Peek();
                if (c == ',') { _pos++; continue; }
                if (c == close) { _pos++; return items; }
                throw fail($"expected ',' or '{close}' after '{open}' item, found '{c}'");
            }
        }

        string ParseString()
        {
            char quote = text[_pos++];
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= text.Length) throw fail("unterminated string in the header");
                char c = text[_pos++];
                if (c == quote) return sb.ToString();
                if (c == '\\')
                {
                    if (_pos >= text.Length) throw fail("unterminated string in the header");
                    c = text[_pos++];
                }
                sb.Append(c);
            }
        }

        long ParseInteger()
        {
            int start = _pos;
            if (text[_pos] is '-' or '+') _pos++;
            while (_pos < text.Length && char.IsDigit(text[_pos])) _pos++;
            if (_pos < text.Length && text[_pos] is 'L' or 'l') _pos++; // Python 2 long suffix
            var digits = text[start.._pos].TrimEnd('L', 'l');
            if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
                throw fail($"bad integer '{digits}' in the header");
            return v;
        }
    }
}
