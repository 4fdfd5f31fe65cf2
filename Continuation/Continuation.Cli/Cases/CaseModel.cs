using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;

namespace Continuation.Cli.Cases;

/// <summary>Bad input: a message that names the file, the line and the key. Exit code 2.</summary>
public sealed class CaseException(string file, int line, string message) : Exception(message)
{
    public string File { get; } = file;
    public int Line { get; } = line;

    /// <summary>"file:line: message" (line omitted when unknown), on one line whatever the input echoed in it.</summary>
    public string Formatted => OneLine(Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}");

    /// <summary><paramref name="text"/> with control characters written as escapes (\n, \t, \u001b), so that a message is one line and cannot drive a terminal.</summary>
    public static string OneLine(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var sb = new System.Text.StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }
}

/// <summary>A per-point user function (AUTO's PVLS): min, max, mean or amplitude of a state variable or of a quantity.</summary>
/// <param name="State">Index of the state variable (−1 for period and frequency, and for a <paramref name="Quantity"/>).</param>
/// <param name="Quantity">A function of state and parameters (a definition of a model written as equations) instead of a state variable.</param>
public sealed record OutputSpec(string Name, OutputFunction Function, int State, StateFunction? Quantity = null);

/// <summary>A quantity computed from a state and the parameters, e.g. a <c>where:</c> definition of an equation model.</summary>
public delegate double StateFunction(ReadOnlySpan<double> state, ReadOnlySpan<double> parameters);

/// <summary>Per-point user functions; over the orbit for cycles (an equilibrium is its own min, max and mean).</summary>
public enum OutputFunction { Min, Max, Mean, Amplitude, Period, Frequency }

/// <summary>Continuation and collocation settings together, as the case file's <c>numerics:</c> gives them.</summary>
/// <param name="Discretisation">NTST × NCOL of cycles (<c>ntst</c>, <c>ncol</c>).</param>
public sealed record Numerics(ContinuationOptions Continuation, CollocationOptions Collocation, CycleMesh Discretisation)
{
    /// <summary>Every setting at its default.</summary>
    public static Numerics Default { get; } = new(new ContinuationOptions(), new CollocationOptions(), CycleMesh.Default);
}

/// <summary>How a run finds its first point when it does not start from a labelled point.</summary>
public sealed record StartSpec(double[] State, double? IntegrateUntil);

/// <summary>A labelled point of an earlier run: <c>branch.LABEL</c>.</summary>
public sealed record PointReference(string Branch, string Label, int Line)
{
    public override string ToString() => $"{Branch}.{Label}";
}

/// <summary>One run of a case: what to continue and how.</summary>
public sealed record RunSpec
{
    public required string Name { get; init; }
    public required Runs.RunKind Kind { get; init; }
    public required int Line { get; init; }
    public required string Parameter { get; init; }
    /// <summary>The second continued parameter of a two-parameter curve.</summary>
    public string? SecondParameter { get; init; }
    public Direction Direction { get; init; } = Direction.Forward;
    /// <summary>The case file says which direction (otherwise a branch switch follows both halves).</summary>
    public bool DirectionGiven { get; init; }
    public PointReference? From { get; init; }
    /// <summary>Overrides of the case parameters for this run (applied after those of a <c>from:</c> point).</summary>
    public IReadOnlyDictionary<string, double> ParameterOverrides { get; init; } = new Dictionary<string, double>();
    public StartSpec? Start { get; init; }
    public required ContinuationOptions Options { get; init; }
    public CollocationOptions Collocation { get; init; } = new();
    /// <summary>NTST × NCOL of the run's cycles.</summary>
    public CycleMesh Discretisation { get; init; } = CycleMesh.Default;
    /// <summary>Bounds on the continued parameter, and for cycles on "period".</summary>
    public IReadOnlyList<NamedBound> Bounds { get; init; } = [];
    public IReadOnlyList<(string Name, double Value)> Values { get; init; } = [];
    /// <summary>What only runs of its kind have (<see cref="TransverseSpec"/>, <see cref="MapSpec"/>); null for branches.</summary>
    public RunDetails? Details { get; init; }
}

/// <summary>The settings only one kind of run has: each kind (<see cref="Runs.RunKind"/>) reads its own and reads them back.</summary>
public abstract record RunDetails;

/// <summary>A validated case file.</summary>
public sealed record CaseFile
{
    public required string Path { get; init; }
    public required string Name { get; init; }
    public required OdeSystem Model { get; init; }
    public required double[] Parameters { get; init; }
    public required StartSpec Start { get; init; }
    public required IReadOnlyList<OutputSpec> Outputs { get; init; }
    /// <summary>Axis ranges of the figures by parameter or state name (<c>plots: { window: … }</c>).</summary>
    public IReadOnlyDictionary<string, (double Min, double Max)> PlotWindow { get; init; } = new Dictionary<string, (double, double)>();
    public required IReadOnlyList<RunSpec> Runs { get; init; }
    /// <summary>The network's connectivity matrix (<c>connectivity:</c>, or <c>--connectivity</c>); null when not given.</summary>
    public ConnectivitySpec? Connectivity { get; init; }
}
