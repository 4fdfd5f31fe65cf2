namespace Models.Equations;

/// <summary>An error in one expression, at a 1-based column of its text (0 when it concerns the whole expression).</summary>
public sealed class ExpressionException(string message, int column) : Exception(message)
{
    /// <summary>1-based column in the expression text; 0 when there is none.</summary>
    public int Column { get; } = column;
}

/// <summary>
/// An error in an equation model: the message (already naming the equation, definition or
/// declaration and the column, e.g. <c>in equation for v_e, column 18: unknown name 'tauu'</c>)
/// and the <see cref="SourceLine"/> of the item it concerns, as the definition gave it.
/// </summary>
public sealed class EquationModelException(string message, int sourceLine) : Exception(message)
{
    /// <summary>The line given with the offending item in <see cref="EquationModelDefinition"/> (0 if none).</summary>
    public int SourceLine { get; } = sourceLine;
}
