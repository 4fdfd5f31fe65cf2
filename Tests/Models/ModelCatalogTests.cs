using Models;
using Xunit;

namespace Tests.Models;

public class ModelCatalogTests
{
    [Fact]
    public void ContainsTheBuiltInModelsWithUniqueNames()
    {
        string[] expected =
        [
            "NextGenNeuralMass.Homogeneous", "NextGenNeuralMass.Node",
            "NormalForm.Fold", "NormalForm.Hopf", "NormalForm.Pitchfork", "Brusselator", "Lorenz",
        ];
        var names = ModelCatalog.All.Select(m => m.Name).ToArray();
        Assert.Equal(expected.Order(), names.Order());
        Assert.Equal(names.Length, names.Distinct().Count());
    }

    [Fact]
    public void TryGetFindsEveryModelByExactName()
    {
        foreach (var model in ModelCatalog.All)
        {
            Assert.True(ModelCatalog.TryGet(model.Name, out var found));
            Assert.Same(model, found);
        }
    }

    [Theory]
    [InlineData("brusselator")]
    [InlineData("NormalForm.hopf")]
    [InlineData("lorenz")]
    [InlineData("Rossler")]
    [InlineData("")]
    public void TryGetIsCaseSensitiveAndRejectsUnknownNames(string name)
    {
        Assert.False(ModelCatalog.TryGet(name, out var found));
        Assert.Null(found);
    }

    [Fact]
    public void EveryModelHasADescriptionAndConsistentNames()
    {
        foreach (var model in ModelCatalog.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(model.Description), model.Name);
            Assert.Equal(model.StateNames.Count, model.StateNames.Distinct().Count());
            Assert.Equal(model.Parameters.Count, model.Parameters.Select(p => p.Name).Distinct().Count());
        }
    }
}
