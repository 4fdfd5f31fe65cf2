using System.Globalization;

namespace Models.Equations;

/// <summary>Kinds of tokens of the equation language.</summary>
public enum TokenKind { Number, Name, Plus, Minus, Star, Slash, Caret, LeftParen, RightParen, Comma, End }

/// <summary>A token and its 1-based column in the expression text.</summary>
public readonly record struct Token(TokenKind Kind, string Text, int Column, double Value = 0);

/// <summary>
/// Splits an expression into tokens: numbers (<c>2</c>, <c>0.5</c>, <c>.5</c>, <c>1e-3</c>, <c>6.02E23</c>),
/// names (letters, digits and <c>_</c>, not starting with a digit), <c>+ - * / ^</c> (and <c>**</c> for <c>^</c>),
/// parentheses and commas. Whitespace separates tokens and is otherwise ignored.
/// </summary>
public static class Lexer
{
    /// <summary>The tokens of <paramref name="text"/>, ending with <see cref="TokenKind.End"/>.</summary>
    /// <exception cref="ExpressionException">A character that starts no token, or a malformed number.</exception>
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            int column = i + 1;
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                int start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                if (i < text.Length && text[i] == '.') { i++; while (i < text.Length && char.IsAsciiDigit(text[i])) i++; }
                if (i < text.Length && text[i] is 'e' or 'E')
                {
                    int mark = i;
                    i++;
                    if (i < text.Length && text[i] is '+' or '-') i++;
                    if (i >= text.Length || !char.IsAsciiDigit(text[i]))
                        throw new ExpressionException($"malformed number '{text[start..Math.Min(i, text.Length)]}' (an exponent needs digits, e.g. 1e-3)", mark + 1);
                    while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                }
                string literal = text[start..i];
                if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == '_'))
                {
                    int end = i;
                    while (end < text.Length && IsNameChar(text[end])) end++;
                    throw new ExpressionException($"missing operator between '{literal}' and '{text[i..end]}' (write {literal}*{text[i..end]})", i + 1);
                }
                double value = double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture);
                if (!double.IsFinite(value)) throw new ExpressionException($"number '{literal}' is too large", column);
                tokens.Add(new Token(TokenKind.Number, literal, column, value));
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                int start = i;
                while (i < text.Length && IsNameChar(text[i])) i++;
                tokens.Add(new Token(TokenKind.Name, text[start..i], column));
                continue;
            }
            if (c == '*' && i + 1 < text.Length && text[i + 1] == '*')
            {
                tokens.Add(new Token(TokenKind.Caret, "**", column));
                i += 2;
                continue;
            }
            TokenKind? kind = c switch
            {
                '+' => TokenKind.Plus,
                '-' => TokenKind.Minus,
                '*' => TokenKind.Star,
                '/' => TokenKind.Slash,
                '^' => TokenKind.Caret,
                '(' => TokenKind.LeftParen,
                ')' => TokenKind.RightParen,
                ',' => TokenKind.Comma,
                _ => null,
            };
            if (kind is null)
                throw new ExpressionException(c == '=' ? "unexpected '=' (write only the right-hand side; definitions go under where:)" : $"unexpected character '{c}'", column);
            tokens.Add(new Token(kind.Value, c.ToString(), column));
            i++;
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length + 1));
        return tokens;
    }

    /// <summary>True for the characters of a name after the first.</summary>
    public static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary>True when <paramref name="name"/> is a valid name (a letter or <c>_</c>, then letters, digits, <c>_</c>).</summary>
    public static bool IsName(string name)
        => name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(IsNameChar);
}
