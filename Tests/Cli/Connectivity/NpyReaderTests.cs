using System.Buffers.Binary;
using Continuation.Transverse;
using Continuation.Cli.Connectivity;
using Tests.Transverse;

namespace Tests.Cli.Connectivity;

public sealed class NpyReaderTests : IDisposable
{
    readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    static double[,] Random(int r, int c, int seed)
    {
        var rng = new Random(seed);
        var a = new double[r, c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) a[i, j] = rng.NextDouble() - 0.3;
        return a;
    }

    static void AssertEqual(double[,] expected, ConnectivityMatrix actual)
    {
        Assert.Equal(expected.GetLength(0), actual.Size);
        for (int i = 0; i < actual.Size; i++)
            for (int j = 0; j < actual.Size; j++) Assert.Equal(expected[i, j], actual[i, j]);
    }

    ConnectivityException Fails(byte[] bytes, ConnectivityError error)
    {
        string path = _dir.Write("bad.npy", bytes);
        var e = Assert.Throws<ConnectivityException>(() => NpyReader.Read(path));
        Assert.Equal(error, e.Error);
        Assert.Equal(path, e.FileName);
        Assert.StartsWith(path + ": ", e.Message);
        return e;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTripsCAndFortranOrder(bool fortran)
    {
        var a = Random(7, 7, 3); // not symmetric: a transposition would show
        string path = _dir.Write("a.npy", NpyFiles.Npy(a, fortran));
        var m = NpyReader.Read(path);
        AssertEqual(a, m);
        Assert.Equal(path, m.FileName);
        Assert.Null(m.Key);
    }

    [Fact]
    public void ReadsFromAStream()
    {
        var a = Random(4, 4, 5);
        var m = NpyReader.Read(new MemoryStream(NpyFiles.Npy(a)), "in-memory.npy");
        AssertEqual(a, m);
        Assert.Equal("in-memory.npy", m.FileName);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ReadsVersions2And3(int version)
    {
        var a = Random(3, 3, version);
        var data = new byte[9 * 8];
        for (int p = 0; p < 9; p++) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(p * 8), a[p / 3, p % 3]);
        // Version 3 allows UTF-8 in the header; NumPy would only put it in structured field names, but the parser must cope.
        string header = NpyFiles.Dict("'<f8'", false, "(3, 3)");
        if (version == 3) header = header.Replace("}", "'note': 'Λ', }").Replace(", , ", ", ");
        var m = NpyReader.Read(new MemoryStream(NpyFiles.Raw(header, data, version)));
        AssertEqual(a, m);
    }

    [Fact]
    public void ConvertsOtherRealTypes()
    {
        var f4 = new byte[4 * 4];
        var i8 = new byte[4 * 8];
        var i4 = new byte[4 * 4];
        float[] fv = [0.25f, -1.5f, 3f, 1e-3f];
        long[] lv = [1, -2, 3, 1L << 40];
        int[] iv = [7, 0, -9, int.MaxValue];
        for (int p = 0; p < 4; p++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(f4.AsSpan(p * 4), fv[p]);
            BinaryPrimitives.WriteInt64LittleEndian(i8.AsSpan(p * 8), lv[p]);
            BinaryPrimitives.WriteInt32LittleEndian(i4.AsSpan(p * 4), iv[p]);
        }
        var mf = NpyReader.Read(new MemoryStream(NpyFiles.Raw(NpyFiles.Dict("'<f4'", false, "(2, 2)"), f4)));
        var ml = NpyReader.Read(new MemoryStream(NpyFiles.Raw(NpyFiles.Dict("'<i8'", true, "(2, 2)"), i8)));
        var mi = NpyReader.Read(new MemoryStream(NpyFiles.Raw(NpyFiles.Dict("'<i4'", false, "(2, 2)"), i4)));
        Assert.Equal([0.25, -1.5, 3, (double)1e-3f], mf.Values.ToArray());
        Assert.Equal([1.0, 3, -2, 1L << 40], ml.Values.ToArray()); // Fortran order: column-major in the file
        Assert.Equal([7.0, 0, -9, int.MaxValue], mi.Values.ToArray());
    }

    [Fact]
    public void NotNpyIsAFormatError()
    {
        var e = Fails("hello, this is not numpy"u8.ToArray(), ConnectivityError.Format);
        Assert.Contains("NUMPY", e.Message);
        Fails([0x93, (byte)'N'], ConnectivityError.Format);
    }

    [Fact]
    public void UnknownVersionIsAFormatError()
    {
        var bytes = NpyFiles.Npy(new double[,] { { 1 } });
        bytes[6] = 4;
        var e = Fails(bytes, ConnectivityError.Format);
        Assert.Contains("version 4.0", e.Message);
    }

    [Theory]
    [InlineData("{'descr': '<f8', 'shape': (2, 2), }", "'fortran_order'")]
    [InlineData("{'descr': '<f8', 'fortran_order': 0, 'shape': (2, 2), }", "fortran_order")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': [2, 'x'], }", "shape")]
    [InlineData("('<f8', False, (2, 2))", "not a dictionary")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)", "ends too early")]
    [InlineData("{'descr': '<f8' 'fortran_order': False}", "expected ','")]
    public void BadHeaderIsAFormatError(string header, string expected)
    {
        var e = Fails(NpyFiles.Raw(header, new byte[32]), ConnectivityError.Format);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void HeaderLongerThanFileIsAFormatError()
    {
        var bytes = NpyFiles.Npy(new double[,] { { 1 } });
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 5000);
        Fails(bytes, ConnectivityError.Format);
    }

    [Theory]
    [InlineData("(4,)", 4, "rank 1")]
    [InlineData("(2, 2, 2)", 8, "rank 3")]
    [InlineData("()", 1, "rank 0")]
    public void WrongRank(string shape, int count, string expected)
    {
        var e = Fails(NpyFiles.Raw(NpyFiles.Dict("'<f8'", false, shape), new byte[count * 8]), ConnectivityError.WrongRank);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void NonSquare()
    {
        var e = Fails(NpyFiles.Npy(new double[2, 3]), ConnectivityError.NotSquare);
        Assert.Contains("2 × 3", e.Message);
    }

    [Fact]
    public void EmptyShape() => Fails(NpyFiles.Raw(NpyFiles.Dict("'<f8'", false, "(0, 0)"), []), ConnectivityError.Empty);

    [Theory]
    [InlineData("'<c16'", "complex")]
    [InlineData("'<c8'", "complex")]
    [InlineData("'>f8'", "big-endian")]
    [InlineData("'>i4'", "big-endian")]
    [InlineData("'|b1'", "not a real numeric type")]
    [InlineData("'|O'", "not supported")]
    [InlineData("'<U8'", "not a real numeric type")]
    [InlineData("'<f16'", "not supported")]
    [InlineData("[('x', '<f8'), ('y', '<f8')]", "structured")]
    public void UnsupportedDtypes(string descr, string expected)
    {
        var e = Fails(NpyFiles.Raw(NpyFiles.Dict(descr, false, "(2, 2)"), new byte[64]), ConnectivityError.UnsupportedDtype);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void TruncatedData()
    {
        var bytes = NpyFiles.Npy(new double[3, 3]);
        var e = Fails(bytes[..^8], ConnectivityError.Format);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void NonFiniteEntriesNameTheirPosition()
    {
        var a = new double[3, 3];
        a[1, 2] = double.NaN;
        a[2, 0] = double.PositiveInfinity;
        var e = Fails(NpyFiles.Npy(a, fortranOrder: true), ConnectivityError.NonFinite);
        Assert.Contains("W[1,2] = NaN", e.Message);
        Assert.Contains("W[2,0] = Infinity", e.Message);
        Assert.Equal([1, 2], e.Rows);
    }

    [Fact]
    public void MissingFileIsUnreadable()
    {
        string path = Path.Combine(_dir.Path, "nope.npy");
        var e = Assert.Throws<ConnectivityException>(() => NpyReader.Read(path));
        Assert.Equal(ConnectivityError.Unreadable, e.Error);
        Assert.Equal(path, e.FileName);
    }
}
