using Continuation.Transverse;
using Continuation.Cli.Connectivity;
using Tests.Transverse;

namespace Tests.Cli.Connectivity;

public sealed class NpzReaderTests : IDisposable
{
    readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    static readonly double[,] A = { { 0.5, 0.5, 0 }, { 0.25, 0, 0.75 }, { 0, 1, 0 } };
    static readonly double[,] B = { { 1, 2 }, { 3, 4 } };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReadsTheOnlyArrayByDefault(bool compressed)
    {
        string path = _dir.Write("one.npz", NpyFiles.Npz(compressed, ("weights.npy", NpyFiles.Npy(A, fortranOrder: true))));
        var m = NpzReader.Read(path);
        Assert.Equal(A, m.ToArray());
        Assert.Equal("weights", m.Key);
        Assert.Equal(path, m.FileName);
        Assert.Equal($"{path} [weights]", m.Source);
        Assert.Equal(["weights"], NpzReader.Keys(path));
    }

    [Fact]
    public void PrefersNormalizedMatrixAmongSeveral()
    {
        string path = _dir.Write("two.npz", NpyFiles.Npz(true, ("raw.npy", NpyFiles.Npy(B)), ("normalized_matrix.npy", NpyFiles.Npy(A))));
        Assert.Equal(A, NpzReader.Read(path).ToArray());
        Assert.Equal(["raw", "normalized_matrix"], NpzReader.Keys(path));
    }

    [Fact]
    public void ReadsTheNamedKeyWithOrWithoutSuffix()
    {
        string path = _dir.Write("two.npz", NpyFiles.Npz(true, ("raw.npy", NpyFiles.Npy(B)), ("normalized_matrix.npy", NpyFiles.Npy(A))));
        Assert.Equal(B, NpzReader.Read(path, "raw").ToArray());
        Assert.Equal(B, NpzReader.Read(path, "raw.npy").ToArray());
        Assert.Equal(B, ConnectivityReader.Read(path, new ConnectivityReadOptions { Key = "raw" }).ToArray());
    }

    [Fact]
    public void MissingKeyListsTheKeys()
    {
        string path = _dir.Write("two.npz", NpyFiles.Npz(true, ("raw.npy", NpyFiles.Npy(B)), ("other.npy", NpyFiles.Npy(A))));
        var e = Assert.Throws<ConnectivityException>(() => NpzReader.Read(path, "W"));
        Assert.Equal(ConnectivityError.MissingKey, e.Error);
        Assert.Equal(path, e.FileName);
        Assert.Contains("no array 'W'", e.Message);
        Assert.Contains("'raw', 'other'", e.Message);
    }

    [Fact]
    public void SeveralArraysWithoutAKeyIsAnError()
    {
        string path = _dir.Write("two.npz", NpyFiles.Npz(true, ("raw.npy", NpyFiles.Npy(B)), ("other.npy", NpyFiles.Npy(A))));
        var e = Assert.Throws<ConnectivityException>(() => NpzReader.Read(path));
        Assert.Equal(ConnectivityError.MissingKey, e.Error);
        Assert.Contains("several arrays", e.Message);
        Assert.Contains("'raw', 'other'", e.Message);
    }

    [Fact]
    public void EmptyArchiveIsAMissingKey()
    {
        string path = _dir.Write("empty.npz", NpyFiles.Npz(true));
        var e = Assert.Throws<ConnectivityException>(() => NpzReader.Read(path));
        Assert.Equal(ConnectivityError.MissingKey, e.Error);
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void MemberErrorsNameTheArray()
    {
        var complex = NpyFiles.Raw(NpyFiles.Dict("'<c16'", false, "(2, 2)"), new byte[64]);
        string path = _dir.Write("c.npz", NpyFiles.Npz(true, ("z.npy", complex)));
        var e = Assert.Throws<ConnectivityException>(() => NpzReader.Read(path));
        Assert.Equal(ConnectivityError.UnsupportedDtype, e.Error);
        Assert.StartsWith($"{path}: array 'z': ", e.Message);

        string rank = _dir.Write("r.npz", NpyFiles.Npz(false, ("v.npy", NpyFiles.Raw(NpyFiles.Dict("'<f8'", false, "(3,)"), new byte[24]))));
        Assert.Equal(ConnectivityError.WrongRank, Assert.Throws<ConnectivityException>(() => NpzReader.Read(rank)).Error);
    }

    [Fact]
    public void NotAZipIsAFormatError()
    {
        string path = _dir.Write("fake.npz", NpyFiles.Npy(A));
        var e = Assert.Throws<ConnectivityException>(() => NpzReader.Read(path));
        Assert.Equal(ConnectivityError.Format, e.Error);
        Assert.Contains("zip", e.Message);
    }

    [Fact]
    public void MissingFileIsUnreadable()
    {
        var e = Assert.Throws<ConnectivityException>(() => NpzReader.Read(Path.Combine(_dir.Path, "none.npz")));
        Assert.Equal(ConnectivityError.Unreadable, e.Error);
    }
}
