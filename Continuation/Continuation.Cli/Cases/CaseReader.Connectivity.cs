using Continuation.Cli.Runs;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Systems;
using Continuation.Transverse;
using YamlDotNet.RepresentationModel;

namespace Continuation.Cli.Cases;

/// <summary>Where the network's connectivity matrix comes from: the case's <c>connectivity:</c> key or <c>--connectivity</c>.</summary>
/// <param name="Path">The file, resolved (a case-file path is relative to the case file's folder).</param>
/// <param name="Written">The path as the user wrote it, for messages.</param>
/// <param name="Key">The array inside an .npz archive; null: the default.</param>
/// <param name="Normalize">Whether to divide the rows by their sums (<c>normalize: rows</c>).</param>
/// <param name="Line">Line of the <c>connectivity:</c> key; 0 when it came from the command line.</param>
public sealed record ConnectivitySpec(string Path, string Written, string? Key, ConnectivityNormalization Normalize, int Line)
{
    /// <summary>True when given by <c>--connectivity</c> rather than the case file.</summary>
    public bool FromCommandLine => Line == 0;
}

/// <summary>The <c>connectivity:</c> key of a case file.</summary>
public sealed partial class CaseReader
{
    static readonly string[] ConnectivityKeys = ["file", "key", "normalize"];

    /// <summary>
    /// <c>connectivity: PATH</c> or <c>connectivity: { file: PATH, key: K, normalize: rows }</c>; the
    /// path is relative to the case file. The file is not read here (<c>--connectivity</c> may replace it).
    /// </summary>
    ConnectivitySpec ParseConnectivity(YamlNode node, string casePath)
    {
        string file;
        string? key = null;
        var normalize = ConnectivityNormalization.None;
        if (node is YamlScalarNode)
            file = Scalar(node, "connectivity");
        else if (node is YamlMappingNode map)
        {
            CheckKeys(map, ConnectivityKeys, "connectivity.");
            var fileNode = Get(map, "file") ?? throw Error(map, "connectivity: missing key 'file' (the matrix: .npz, .npy, a dense text matrix or an edge list)");
            file = Scalar(fileNode, "connectivity.file");
            if (Get(map, "key") is { } keyNode)
            {
                key = Scalar(keyNode, "connectivity.key");
                if (key.Length == 0) throw Error(keyNode, "connectivity.key: must not be empty");
                if (!file.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
                    throw Error(keyNode, $"connectivity.key: a key names an array inside an .npz archive, and '{file}' is not one");
            }
            if (Get(map, "normalize") is { } normNode)
                normalize = Scalar(normNode, "connectivity.normalize") switch
                {
                    "rows" => ConnectivityNormalization.Rows,
                    "none" => ConnectivityNormalization.None,
                    var other => throw Error(normNode, $"connectivity.normalize: expected rows (divide every row by its sum) or none, got '{other}'"),
                };
        }
        else throw Error(node, "connectivity: expected a file name or a mapping { file: PATH, key: K, normalize: rows }");
        if (file.Length == 0) throw Error(node, "connectivity: the file name is empty");
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(casePath)) ?? ".";
        return new ConnectivitySpec(System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, file)), file, key, normalize, (int)node.Start.Line);
    }
}
