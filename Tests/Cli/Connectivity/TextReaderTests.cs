using Continuation.Transverse;
using Continuation.Cli.Connectivity;
using Tests.Transverse;

namespace Tests.Cli.Connectivity;

public sealed class TextReaderTests : IDisposable
{
    readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    ConnectivityException DenseFails(string text, ConnectivityError error, int? line)
    {
        string path = _dir.Write("w.txt", text);
        var e = Assert.Throws<ConnectivityException>(() => DenseTextReader.Read(path));
        Assert.Equal(error, e.Error);
        Assert.Equal(path, e.FileName);
        Assert.Equal(line, e.Line);
        Assert.StartsWith(line is null ? path + ": " : $"{path}:{line}: ", e.Message);
        return e;
    }

    ConnectivityException EdgesFail(string text, ConnectivityError error, int? line, EdgeListSymmetry symmetry = EdgeListSymmetry.Directed)
    {
        string path = _dir.Write("e.dat", text);
        var e = Assert.Throws<ConnectivityException>(() => EdgeListReader.Read(path, symmetry));
        Assert.Equal(error, e.Error);
        Assert.Equal(path, e.FileName);
        Assert.Equal(line, e.Line);
        return e;
    }

    static readonly double[,] Expected = { { 0, 0.5, 0.5 }, { 1, 0, 0 }, { 0.25, 0.75, 0 } };

    [Theory]
    [InlineData("0 0.5 0.5\n1 0 0\n0.25 0.75 0\n")]
    [InlineData("0\t0.5   0.5\r\n1 0 0\r\n\r\n0.25 .75 0")]
    [InlineData("# weights\n0,0.5,0.5\n1, 0, 0  # node 1\n\n0.25 ,7.5e-1, 0\n")]
    public void ReadsDenseText(string text)
    {
        string path = _dir.Write("w.csv", text);
        Assert.Equal(Expected, DenseTextReader.Read(path).ToArray());
        Assert.Equal(Expected, ConnectivityReader.Read(path).ToArray());
        Assert.Equal(ConnectivityFileFormat.DenseText, ConnectivityReader.Detect(path));
    }

    [Fact]
    public void RaggedRowsNameTheLine()
    {
        var e = DenseFails("1 0 0\n0 1 0\n# c\n0 1\n", ConnectivityError.RaggedRows, 4);
        Assert.Contains("row 2 has 2 entries but row 0 (line 1) has 3", e.Message);
        Assert.Equal([2], e.Rows);
    }

    [Fact]
    public void NonSquareDense() => Assert.Contains("2 × 3", DenseFails("1 0 0\n0 1 0\n", ConnectivityError.NotSquare, null).Message);

    [Fact]
    public void EmptyDense() => DenseFails("# nothing\n\n", ConnectivityError.Empty, null);

    [Theory]
    [InlineData("1 0\n0 x\n", 2, "entry 2 of row 1 is 'x'")]
    [InlineData("1 0\n0 1,5\n", 2, "entry 1 of row 1 is '0 1'")] // a line with a comma is split at commas only
    [InlineData("1,0\n0,,1\n", 2, "field 2 is empty")]
    [InlineData("1;0\n0;1\n", 1, "'1;0', not a number")]
    public void BadTokensAreFormatErrors(string text, int line, string expected)
    {
        var e = DenseFails(text, ConnectivityError.Format, line);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("1 0\n0 nan\n")]
    [InlineData("1 0\n0 inf\n")]
    [InlineData("1 0\n0 -Infinity\n")]
    [InlineData("1 0\n0 1e999\n")]
    public void NonFiniteDenseEntriesNameTheLine(string text) => DenseFails(text, ConnectivityError.NonFinite, 2);

    [Fact]
    public void DirectedEdgeListSetsOneEntryPerRow()
    {
        string path = _dir.Write("e.dat", "3\n0 1 0.5\n0 2 0.5\n1 0 1\n2 0 0.25\n2 1 0.75\n");
        Assert.Equal(Expected, EdgeListReader.Read(path).ToArray());
        Assert.Equal(ConnectivityFileFormat.EdgeList, ConnectivityReader.Detect(path));
        Assert.Equal(Expected, ConnectivityReader.Read(path).ToArray());
    }

    [Fact]
    public void UndirectedEdgeListMirrors()
    {
        double[,] sym = { { 0, 2, 0 }, { 2, 0.5, 3 }, { 0, 3, 0 } };
        var once = EdgeListReader.Read(new StringReader("3\n0 1 2\n2 1 3\n1 1 0.5\n"), "once", EdgeListSymmetry.Undirected);
        var twice = EdgeListReader.Read(new StringReader("3\n0,1,2\n1,0,2\n1 2 3\n2 1 3\n1 1 0.5\n"), "twice", EdgeListSymmetry.Undirected);
        Assert.Equal(sym, once.ToArray());
        Assert.Equal(sym, twice.ToArray());
        var options = new ConnectivityReadOptions { EdgeSymmetry = EdgeListSymmetry.Undirected };
        Assert.Equal(sym, ConnectivityReader.Read(_dir.Write("u.dat", "3\n0 1 2\n2 1 3\n1 1 0.5\n"), options).ToArray());
    }

    [Fact]
    public void UndirectedEdgeListWithDifferentWeightsIsAnError()
    {
        var e = EdgesFail("3\n0 1 2\n1 2 3\n1 0 2.5\n", ConnectivityError.AsymmetricWeights, 4, EdgeListSymmetry.Undirected);
        Assert.Contains("edge (1, 0) has weight 2.5 but (0, 1) on line 2 has 2", e.Message);
        Assert.Equal([1, 0], e.Rows);
    }

    [Theory]
    [InlineData("3\n0 1 1\n1 3 1\n", "node index 3 is outside 0 … 2")]
    [InlineData("3\n0 1 1\n-1 2 1\n", "node index -1 is outside 0 … 2")]
    public void IndicesOutOfRangeNameTheLine(string text, string expected)
    {
        var e = EdgesFail(text, ConnectivityError.IndexOutOfRange, 3);
        Assert.Contains(expected, e.Message);
        Assert.Contains("0-based", e.Message);
    }

    [Fact]
    public void DuplicateEdge()
    {
        var e = EdgesFail("3\n0 1 1\n# again\n0 1 2\n", ConnectivityError.DuplicateEdge, 4);
        Assert.Contains("edge (0, 1) is listed twice (first on line 2)", e.Message);
        EdgesFail("3\n0 1 1\n0 1 1\n", ConnectivityError.DuplicateEdge, 3, EdgeListSymmetry.Undirected);
    }

    [Theory]
    [InlineData("3 3\n0 1 1\n", 1, "number of nodes")]
    [InlineData("x\n0 1 1\n", 1, "number of nodes")]
    [InlineData("0\n", 1, "number of nodes")]
    [InlineData("3\n0 1\n", 2, "3 fields")]
    [InlineData("3\n0 1 1 7\n", 2, "3 fields")]
    [InlineData("3\n0 1.0 1\n", 2, "not an integer")]
    [InlineData("3\n0 1 w\n", 2, "not a number")]
    public void MalformedEdgeLists(string text, int line, string expected)
    {
        var e = EdgesFail(text, ConnectivityError.Format, line);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void NonFiniteWeight() => EdgesFail("2\n0 1 nan\n", ConnectivityError.NonFinite, 2);

    [Fact]
    public void EmptyEdgeList() => EdgesFail("# only a comment\n", ConnectivityError.Empty, null);

    [Fact]
    public void KeyOnlyForNpz()
    {
        string path = _dir.Write("e.dat", "2\n0 1 1\n1 0 1\n");
        Assert.Throws<ArgumentException>(() => ConnectivityReader.Read(path, new ConnectivityReadOptions { Key = "W" }));
        Assert.Throws<ArgumentException>(() => ConnectivityReader.Read(path, new ConnectivityReadOptions { Key = "" }));
    }

    [Fact]
    public void ExplicitFormatOverridesDetection()
    {
        string path = _dir.Write("one.txt", "1\n");
        Assert.Equal(ConnectivityFileFormat.EdgeList, ConnectivityReader.Detect(path));
        Assert.Equal(1.0, ConnectivityReader.Read(path, new ConnectivityReadOptions { Format = ConnectivityFileFormat.DenseText })[0, 0]);
        Assert.Equal(0.0, ConnectivityReader.Read(path)[0, 0]); // an edge list of one node and no edges
    }

    [Fact]
    public void MissingTextFileIsUnreadable()
    {
        var e = Assert.Throws<ConnectivityException>(() => ConnectivityReader.Read(Path.Combine(_dir.Path, "none.csv")));
        Assert.Equal(ConnectivityError.Unreadable, e.Error);
    }
}
