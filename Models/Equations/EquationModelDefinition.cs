namespace Models.Equations;

/// <summary>A named number as declared (a parameter default or a constant), with the source line it came from.</summary>
public sealed record NamedValue(string Name, double Value, int Line = 0);

/// <summary>A named expression as written (an equation or a definition), with its source line.</summary>
public sealed record NamedText(string Name, string Text, int Line = 0);

/// <summary>
/// A model written as equations, as a case file gives it, before checking and compiling
/// (<see cref="EquationSystem.Create"/>).
/// </summary>
/// <remarks>
/// The state variables are the names of <see cref="Equations"/>, in their order, unless
/// <see cref="States"/> lists them (then every listed state needs exactly one equation and the
/// state order is that of the list). <see cref="Definitions"/> (<c>where:</c>) are intermediate
/// quantities: each may use the states, parameters, constants and the definitions above it.
/// The <c>Line</c> of each item is only carried into error messages.
/// </remarks>
public sealed record EquationModelDefinition
{
    /// <summary>The model's name (shown in outputs).</summary>
    public string Name { get; init; } = "equations";

    /// <summary>Unit of time, e.g. <c>ms</c> (frequencies are then in Hz), or null.</summary>
    public string? TimeUnit { get; init; }

    /// <summary>Parameters with their defaults, in parameter order.</summary>
    public IReadOnlyList<NamedValue> Parameters { get; init; } = [];

    /// <summary>Named constants (fixed numbers, not continuable).</summary>
    public IReadOnlyList<NamedValue> Constants { get; init; } = [];

    /// <summary>Intermediate definitions, in order.</summary>
    public IReadOnlyList<NamedText> Definitions { get; init; } = [];

    /// <summary>One right-hand side per state variable.</summary>
    public IReadOnlyList<NamedText> Equations { get; init; } = [];

    /// <summary>Optional explicit list of the state variables (with the line of the list).</summary>
    public IReadOnlyList<string>? States { get; init; }

    /// <summary>Source line of <see cref="States"/>.</summary>
    public int StatesLine { get; init; }

    /// <summary>Source line of the whole model (for errors about it as a whole).</summary>
    public int Line { get; init; }

    /// <summary>The network coupling the model declares (it is then the homogeneous reduction of a network); null for none.</summary>
    public EquationCoupling? Coupling { get; init; }
}

/// <summary>
/// A model's network coupling (<c>coupling: { parameter: eps, variable: s_e, enters: [v_e, v_i] }</c>):
/// the model is the homogeneous system F + ε H of a network whose node k receives
/// ε Σ_j W_kj H(x_j), with H a function of <paramref name="Variable"/> in the equations of
/// <paramref name="Enters"/>. H is ∂f/∂ε, exactly; the declaration is checked against it.
/// </summary>
/// <param name="Parameter">The coupling strength ε.</param>
/// <param name="Variable">The state variable a node sends.</param>
/// <param name="Enters">The equations the coupling enters.</param>
/// <param name="Line">Source line, for messages.</param>
public sealed record EquationCoupling(string Parameter, string Variable, IReadOnlyList<string> Enters, int Line);
