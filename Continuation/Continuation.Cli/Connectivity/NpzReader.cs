using System.IO.Compression;

using Continuation.Transverse;

namespace Continuation.Cli.Connectivity;

/// <summary>
/// Reads a square matrix from a NumPy <c>.npz</c> archive: a zip file (stored or deflated) of
/// <c>.npy</c> files, one per array, named <c>&lt;key&gt;.npy</c> (<c>numpy.savez</c>, <c>numpy.savez_compressed</c>).
/// </summary>
/// <remarks>
/// Each member is parsed by <see cref="NpyReader"/> (NumPy NEP 1 / <c>numpy.lib.format</c>). Keys
/// are member names without the <c>.npy</c> suffix, as <c>numpy.load</c> reports them.
/// </remarks>
public static class NpzReader
{
    /// <summary>The key chosen when none is given and the archive holds several arrays (the paper's matrix).</summary>
    public const string PreferredKey = "normalized_matrix";

    /// <summary>The array names in the archive, in archive order.</summary>
    public static IReadOnlyList<string> Keys(string path)
    {
        using var zip = Open(path);
        return zip.Entries.Select(e => KeyOf(e.FullName)).ToArray();
    }

    /// <summary>
    /// Reads array <paramref name="key"/> (a member name with or without <c>.npy</c>). Without a key:
    /// <see cref="PreferredKey"/> if present, else the only array. A missing key, or no key with
    /// several arrays and none preferred, is a <see cref="ConnectivityError.MissingKey"/> error listing the keys.
    /// </summary>
    public static ConnectivityMatrix Read(string path, string? key = null)
    {
        using var zip = Open(path);
        var entries = zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToArray();
        var keys = entries.Select(e => KeyOf(e.FullName)).ToArray();
        string list = keys.Length == 0 ? "the archive is empty" : "arrays in the archive: " + string.Join(", ", keys.Select(k => $"'{k}'"));
        ZipArchiveEntry? entry;
        if (key is not null)
        {
            entry = entries.FirstOrDefault(e => e.FullName == key) ?? entries.FirstOrDefault(e => KeyOf(e.FullName) == key)
                ?? throw new ConnectivityException(ConnectivityError.MissingKey, $"no array '{key}'; {list}", path);
        }
        else
        {
            entry = entries.FirstOrDefault(e => KeyOf(e.FullName) == PreferredKey)
                ?? (entries.Length == 1 ? entries[0]
                    : throw new ConnectivityException(ConnectivityError.MissingKey,
                        entries.Length == 0 ? list : $"several arrays and none named '{PreferredKey}'; name one as the key ({list})", path));
        }

        byte[] bytes;
        try
        {
            // Inflated only as far as the array's own header declares (and that is bounded): never a zip bomb's worth.
            using var stream = entry.Open();
            bytes = NpyReader.ReadImage(stream, path, KeyOf(entry.FullName));
        }
        catch (InvalidDataException e)
        {
            throw new ConnectivityException(ConnectivityError.Format, $"array '{KeyOf(entry.FullName)}' cannot be decompressed: {e.Message}", path, innerException: e);
        }
        return NpyReader.Parse(bytes, path, KeyOf(entry.FullName));
    }

    static string KeyOf(string member) => member.EndsWith(".npy", StringComparison.Ordinal) ? member[..^4] : member;

    static ZipArchive Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try { return ZipFile.OpenRead(path); }
        catch (InvalidDataException e)
        {
            throw new ConnectivityException(ConnectivityError.Format, "not a NumPy .npz archive (not a zip file): " + e.Message, path, innerException: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConnectivityException(ConnectivityError.Unreadable, e.Message, path, innerException: e);
        }
    }
}
