using Continuation.Cli;

namespace Tests.Cli;

/// <summary>
/// The peer suite (Tests/Peer: AUTO-07p's public demos written as case files, AUTO's printed
/// special points as the reference, tolerances from AUTO's own location accuracy): every reference
/// point marked <c>match</c> is found on its branch, within its tolerance, and located. The whole
/// suite runs in a few seconds, so all of it runs here.
/// </summary>
public sealed class PeerSuiteTests
{
    static string Directory => Path.Combine(RepositoryPaths.Root, "Tests", "Peer");

    public static TheoryData<string> Demos()
    {
        var data = new TheoryData<string>();
        foreach (var demo in PeerSuite.Demos(Directory)) data.Add(demo);
        return data;
    }

    [Fact]
    public void TheSuiteHasItsElevenDemos()
        => Assert.Equal(["ab", "abc", "brc", "chu", "cusp", "enz", "lrz", "plp", "pp2", "ppp", "tor"], PeerSuite.Demos(Directory));

    [Theory]
    [MemberData(nameof(Demos))]
    public void EveryReferencePointOfAutoIsMatched(string demo)
    {
        string output = Path.Combine(Path.GetTempPath(), "cont-peer-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = PeerSuite.Run(Directory, demo, output);
            Assert.Null(result.Error);
            var misses = result.Rows.Where(r => r.Expected && !r.Passed)
                .Select(r => $"{r.Branch} {r.Type} {r.Parameter} = {r.Value:R} (ours: {(r.Ours is { } v ? $"{v:R}{(r.Unlocated ? ", not located" : "")}" : "none")})").ToList();
            Assert.True(misses.Count == 0, $"{demo}: {string.Join("; ", misses)}");
            Assert.True(result.Rows.Count(r => r.Expected) >= 5, $"{demo}: only {result.Rows.Count(r => r.Expected)} reference points");
        }
        finally
        {
            if (System.IO.Directory.Exists(output)) System.IO.Directory.Delete(output, recursive: true);
        }
    }
}
