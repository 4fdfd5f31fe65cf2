using Continuation.Transverse;

namespace Continuation.Cli.Connectivity;

/// <summary>File formats a connectivity matrix can be read from.</summary>
public enum ConnectivityFileFormat
{
    /// <summary>By extension: <c>.npy</c>, <c>.npz</c>; any other file is text, an edge list if its first line is a single number, else a dense matrix.</summary>
    Auto,
    /// <summary>NumPy array (<see cref="NpyReader"/>).</summary>
    Npy,
    /// <summary>NumPy zip of arrays (<see cref="NpzReader"/>).</summary>
    Npz,
    /// <summary>Whitespace- or comma-separated rows (<see cref="DenseTextReader"/>).</summary>
    DenseText,
    /// <summary><c>N</c>, then <c>i j w</c> rows (<see cref="EdgeListReader"/>).</summary>
    EdgeList,
}

/// <summary>How to read a connectivity file. Immutable; checked by <see cref="Validate"/> when used.</summary>
public sealed record ConnectivityReadOptions
{
    /// <summary>Auto-detected format, default key, directed edge lists.</summary>
    public static ConnectivityReadOptions Default { get; } = new();

    /// <summary>The file format; <see cref="ConnectivityFileFormat.Auto"/> guesses it.</summary>
    public ConnectivityFileFormat Format { get; init; } = ConnectivityFileFormat.Auto;

    /// <summary>For .npz: the array to read (default: see <see cref="NpzReader.Read"/>). Not allowed for other formats.</summary>
    public string? Key { get; init; }

    /// <summary>For edge lists: whether a row sets one entry or both.</summary>
    public EdgeListSymmetry EdgeSymmetry { get; init; } = EdgeListSymmetry.Directed;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Format)) throw new ArgumentException($"unknown format {Format}", nameof(Format));
        if (Key is { Length: 0 }) throw new ArgumentException("the .npz key must not be empty", nameof(Key));
        if (!Enum.IsDefined(EdgeSymmetry)) throw new ArgumentException($"unknown edge-list symmetry {EdgeSymmetry}", nameof(EdgeSymmetry));
    }
}

/// <summary>
/// Reads a connectivity matrix from a file the user names, in any supported format. The
/// command-line front end calls this; the rest of the engine takes a <see cref="ConnectivityMatrix"/>.
/// </summary>
public static class ConnectivityReader
{
    /// <summary>
    /// Reads <paramref name="path"/> as is (no normalisation; see <see cref="ConnectivityMatrix.Prepare"/>).
    /// Throws <see cref="ConnectivityException"/> on any problem with the file or its content.
    /// </summary>
    public static ConnectivityMatrix Read(string path, ConnectivityReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= ConnectivityReadOptions.Default;
        options.Validate();
        var format = options.Format == ConnectivityFileFormat.Auto ? Detect(path) : options.Format;
        if (options.Key is not null && format != ConnectivityFileFormat.Npz)
            throw new ArgumentException($"a key ('{options.Key}') applies only to .npz archives; {path} is read as {format}", nameof(options));
        return format switch
        {
            ConnectivityFileFormat.Npy => NpyReader.Read(path),
            ConnectivityFileFormat.Npz => NpzReader.Read(path, options.Key),
            ConnectivityFileFormat.DenseText => DenseTextReader.Read(path),
            ConnectivityFileFormat.EdgeList => EdgeListReader.Read(path, options.EdgeSymmetry),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };
    }

    /// <summary>
    /// The format <see cref="ConnectivityFileFormat.Auto"/> picks: by extension for <c>.npy</c>/<c>.npz</c>
    /// (case-insensitive); otherwise the first non-comment line decides — a single field means an
    /// edge list (its node count), several fields a dense matrix. (A 1 × 1 dense matrix therefore
    /// needs <see cref="ConnectivityFileFormat.DenseText"/> explicitly.)
    /// </summary>
    public static ConnectivityFileFormat Detect(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".npy") return ConnectivityFileFormat.Npy;
        if (ext == ".npz") return ConnectivityFileFormat.Npz;
        using var reader = TextFields.Open(path);
        foreach (var (_, fields) in TextFields.Lines(reader, path))
            return fields.Length == 1 ? ConnectivityFileFormat.EdgeList : ConnectivityFileFormat.DenseText;
        return ConnectivityFileFormat.DenseText; // empty: the dense reader reports it
    }
}
