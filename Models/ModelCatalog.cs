using System.Diagnostics.CodeAnalysis;
using Continuation.Systems;

namespace Models;

/// <summary>The built-in models, addressable by their case-sensitive <see cref="OdeSystem.Name"/>.</summary>
public static class ModelCatalog
{
    /// <summary>Every built-in model (the instances are stateless and may be shared).</summary>
    public static IReadOnlyList<OdeSystem> All { get; } =
    [
        new NextGenNeuralMassHomogeneous(),
        new NextGenNeuralMassNode(),
        new FoldNormalForm(),
        new HopfNormalForm(),
        new PitchforkNormalForm(),
        new Brusselator(),
        new Lorenz(),
    ];

    /// <summary>Finds a built-in model by its exact (case-sensitive) name.</summary>
    /// <param name="name">The model name, e.g. <c>NextGenNeuralMass.Homogeneous</c>.</param>
    /// <param name="system">The model, or null when no model has that name.</param>
    /// <returns>True when a model with that name exists.</returns>
    public static bool TryGet(string name, [NotNullWhen(true)] out OdeSystem? system)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name, name, StringComparison.Ordinal))
            {
                system = candidate;
                return true;
            }
        }
        system = null;
        return false;
    }
}
