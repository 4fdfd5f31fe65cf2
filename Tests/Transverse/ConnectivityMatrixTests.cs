using Continuation.Transverse;

namespace Tests.Transverse;

public class ConnectivityMatrixTests
{
    [Fact]
    public void RowSumsWithinTheRelativeTolerancePass()
    {
        var w = new ConnectivityMatrix(new double[,] { { 0.5, 0.5 + 1e-12 }, { 1, 0 } });
        var report = w.CheckRowSums();
        Assert.True(report.AllRowsSumToOne);
        Assert.Same(w, w.EnsureRowNormalized());
        Assert.Same(w, w.Prepare(ConnectivityNormalization.None));
        Assert.Equal(1e-12, report.MaxDeviation, 1e-15);
    }

    [Fact]
    public void UnnormalisedRowsAreNamedWithTheirSumsAndCounted()
    {
        var a = new double[9, 9];
        for (int i = 0; i < 9; i++) a[i, (i + 1) % 9] = i == 4 ? 1 : 1 + i; // rows 1–3 and 5–8 fail; rows 0 and 4 sum to 1
        var w = new ConnectivityMatrix(a);
        var report = w.CheckRowSums();
        Assert.Equal([1, 2, 3, 5, 6, 7, 8], report.FailingRows);
        var e = Assert.Throws<ConnectivityException>(() => w.EnsureRowNormalized());
        Assert.Equal(ConnectivityError.NotRowNormalized, e.Error);
        Assert.Equal([1, 2, 3, 5, 6, 7, 8], e.Rows);
        Assert.Contains("7 of 9 rows do not sum to 1", e.Message);
        Assert.Contains("row 1 sums to 2, row 2 sums to 3, row 3 sums to 4, row 5 sums to 6, row 6 sums to 7 and 2 more", e.Message);
        Assert.Null(e.FileName);
        Assert.Throws<ConnectivityException>(() => w.Prepare(ConnectivityNormalization.None));
    }

    [Fact]
    public void SmallDeviationsAreReportedWithEnoughDigits()
    {
        var w = new ConnectivityMatrix(new double[,] { { 0.5, 0.5 + 1e-7 }, { 1, 0 } });
        var e = Assert.Throws<ConnectivityException>(() => w.EnsureRowNormalized());
        Assert.Contains("1 of 2 rows", e.Message);
        Assert.Contains("row 0 sums to 1.0000001", e.Message);
        Assert.True(w.CheckRowSums(1e-6).AllRowsSumToOne);
    }

    [Fact]
    public void NormalizeRowsDividesByTheRowSum()
    {
        var a = new double[,] { { 0, 2, 6 }, { 1, 1, 0 }, { 0.3, 0, 0.1 } };
        var w = new ConnectivityMatrix(a).Prepare(ConnectivityNormalization.Rows);
        Assert.Equal(0.25, w[0, 1]);
        Assert.Equal(0.75, w[0, 2]);
        Assert.Equal(0.5, w[1, 0]);
        Assert.Equal(0.75, w[2, 0], 1e-15);
        Assert.True(w.CheckRowSums(1e-15).AllRowsSumToOne);
    }

    [Fact]
    public void ZeroRowsCannotBeNormalised()
    {
        var a = new double[,] { { 0, 1, 0 }, { 0, 0, 0 }, { 1, -1, 0 } };
        var e = Assert.Throws<ConnectivityException>(() => new ConnectivityMatrix(a).NormalizeRows());
        Assert.Equal(ConnectivityError.ZeroRowSum, e.Error);
        Assert.Equal([1, 2], e.Rows);
        Assert.Contains("2 rows sum to zero (row 1 and row 2)", e.Message);
    }

    [Fact]
    public void ConstructionChecksShapeAndFiniteness()
    {
        Assert.Equal(ConnectivityError.NotSquare, Assert.Throws<ConnectivityException>(() => new ConnectivityMatrix(new double[2, 3])).Error);
        Assert.Equal(ConnectivityError.Empty, Assert.Throws<ConnectivityException>(() => new ConnectivityMatrix(new double[0, 0])).Error);
        var e = Assert.Throws<ConnectivityException>(() => new ConnectivityMatrix(new double[,] { { 1, double.NaN }, { 0, 1 } }));
        Assert.Equal(ConnectivityError.NonFinite, e.Error);
        Assert.Equal([0], e.Rows);
        Assert.Throws<ArgumentException>(() => ConnectivityMatrix.FromRowMajor([1, 2, 3], 2));
    }

    [Fact]
    public void IsImmutable()
    {
        var a = new double[,] { { 0, 1 }, { 1, 0 } };
        var w = new ConnectivityMatrix(a);
        a[0, 1] = 5;
        w.ToArray()[0, 1] = 7;
        w.ToMatrix()[0, 1] = 9;
        Assert.Equal(1.0, w[0, 1]);
        Assert.True(w.IsSymmetric());
        Assert.Equal("matrix", w.Source);
    }
}
