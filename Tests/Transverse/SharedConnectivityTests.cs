using Continuation.Transverse;
using Continuation.Cli.Connectivity;
using Xunit.Abstractions;

namespace Tests.Transverse;

/// <summary>The paper's connectivity (../shared/data, never copied into the repository).</summary>
public class SharedConnectivityTests(ITestOutputHelper output)
{
    static string Data(string name) => Path.Combine(RepositoryPaths.Shared, "data", name);

    static readonly Lazy<ConnectivityMatrix> Normalized = new(() => NpzReader.Read(Data("NormalizedMatrix.npz")));
    static readonly Lazy<ConnectivityMatrix> Raw = new(() => EdgeListReader.Read(Data("sc2017.dat")));

    [Fact]
    public void NormalizedMatrixIsA90NodeRowStochasticMatrix()
    {
        Assert.Equal(["normalized_matrix"], NpzReader.Keys(Data("NormalizedMatrix.npz")));
        var w = Normalized.Value;
        Assert.Equal(90, w.Size);
        Assert.Equal("normalized_matrix", w.Key);
        var report = w.CheckRowSums(1e-14);
        Assert.True(report.AllRowsSumToOne, $"max row-sum deviation {report.MaxDeviation}");
        Assert.All(Enumerable.Range(0, 90), i => Assert.Equal(0.0, w[i, i]));
        Assert.All(w.Values.ToArray(), x => Assert.True(x >= 0));
        Assert.False(w.IsSymmetric(1e-3));
        Assert.Same(w, w.Prepare(ConnectivityNormalization.None));
        output.WriteLine($"max |row sum − 1| = {report.MaxDeviation:G3}");
    }

    [Fact]
    public void SpectrumIsRealInTheExpectedRangeWithOneUnitEigenvalue()
    {
        var s = ConnectivitySpectrum.Compute(Normalized.Value);
        Assert.True(s.IsReal(1e-10), $"max |Im Λ| = {s.MaxImaginaryPart}");
        Assert.Equal(1, s.UnitEigenvalueMultiplicity);
        Assert.Equal(0, s.HomogeneousMode);
        Assert.Equal(1.0, s.HomogeneousEigenvalue.Real, 1e-13);
        Assert.Equal(1.0, s.HomogeneousAlignment, 1e-12);
        Assert.Equal(89, s.TransverseEigenvalues.Count);
        var re = s.TransverseEigenvalues.Select(z => z.Real).ToArray();
        Assert.InRange(re.Min(), -0.28, -0.24);
        Assert.InRange(re.Max(), 0.5, 0.999);
        Assert.True(s.MaxResidual() < 1e-13, $"residual {s.MaxResidual()}");
        output.WriteLine($"max |Im Λ| = {s.MaxImaginaryPart:G3}; transverse Λ in [{re.Min():R}, {re.Max():R}]; |Λ_hom − 1| = {Math.Abs(s.HomogeneousEigenvalue.Real - 1):G3}; residual {s.MaxResidual():G3}");
        output.WriteLine("Λ: " + string.Join(" ", s.Eigenvalues.Select(z => z.Real.ToString("F6", System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void EdgeListListsEveryOrderedPairOnceWithDirectedWeights()
    {
        var a = Raw.Value;
        Assert.Equal(90, a.Size);
        int listed = a.Values.ToArray().Count(x => x != 0);
        int pairsBothWays = 0, oneWay = 0;
        for (int i = 0; i < 90; i++)
            for (int j = i + 1; j < 90; j++)
            {
                bool ij = a[i, j] != 0, ji = a[j, i] != 0;
                if (ij && ji) pairsBothWays++;
                else if (ij || ji) oneWay++;
            }
        Assert.Equal(7936, listed);
        Assert.Equal(3968, pairsBothWays); // every edge appears as (i, j) and (j, i) …
        Assert.Equal(0, oneWay);
        Assert.True(a.MaxAsymmetry() > 0.1); // … with different weights: the raw weights are not symmetric
        var e = Assert.Throws<ConnectivityException>(() => EdgeListReader.Read(Data("sc2017.dat"), EdgeListSymmetry.Undirected));
        Assert.Equal(ConnectivityError.AsymmetricWeights, e.Error);
        Assert.Equal(91, e.Line); // "1 0 0.109643" against "0 1 0.15271" on line 2
        output.WriteLine($"listed {listed}, max |A_ij − A_ji| = {a.MaxAsymmetry():G6}; undirected read: {e.Message}");
    }

    [Fact]
    public void NormalisingTheEdgeListReproducesTheNormalizedMatrix()
    {
        var w = Raw.Value.Prepare(ConnectivityNormalization.Rows);
        var reference = Normalized.Value;
        double worst = 0;
        for (int i = 0; i < 90; i++)
            for (int j = 0; j < 90; j++)
            {
                Assert.Equal(reference[i, j] == 0, w[i, j] == 0);
                worst = Math.Max(worst, Math.Abs(w[i, j] - reference[i, j]));
            }
        output.WriteLine($"max |W(sc2017) − W(npz)| = {worst:G3}");
        Assert.True(worst < 1e-15, $"max difference {worst}");
    }

    [Fact]
    public void RawWeightsAreSymmetricUpToARowScaling()
    {
        // W is similar to a symmetric matrix iff π_i A_ij = π_j A_ji for some π > 0 (detailed balance);
        // then S = diag(π) A is symmetric and W = D_S⁻¹ S. Take π_j = A_0j / A_j0 (node 0 is linked to all others).
        var a = Raw.Value;
        const int n = 90;
        var pi = new double[n];
        pi[0] = 1;
        for (int j = 1; j < n; j++) pi[j] = a[0, j] / a[j, 0];
        var sym = new double[n, n];
        double worst = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double sij = pi[i] * a[i, j], sji = pi[j] * a[j, i];
                if (sij != 0) worst = Math.Max(worst, Math.Abs(sij - sji) / Math.Abs(sij));
                sym[i, j] = 0.5 * (sij + sji);
            }
        output.WriteLine($"max relative asymmetry of diag(π) A = {worst:G3}");
        Assert.True(worst < 5e-5, $"{worst}"); // the weights are printed to 6 significant digits

        // The symmetric route on the symmetrised weights: eigenvalues within the perturbation of the data's rounding.
        var symmetric = ConnectivitySpectrum.FromSymmetricWeights(new ConnectivityMatrix(sym));
        var general = ConnectivitySpectrum.Compute(Normalized.Value);
        double diff = symmetric.Eigenvalues.Zip(general.Eigenvalues, (x, y) => Math.Abs(x.Real - y.Real)).Max();
        output.WriteLine($"max |Λ(symmetrised) − Λ(W)| = {diff:G3}");
        Assert.True(diff < 1e-6, $"{diff}");
    }
}
