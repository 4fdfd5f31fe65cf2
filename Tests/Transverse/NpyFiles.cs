using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Tests.Transverse;

/// <summary>
/// Writes .npy and .npz images for the reader tests, following the NumPy format spec (NEP 1):
/// magic, version, little-endian header length, a space-padded dict header ending in '\n' so the
/// data starts at a multiple of 64 bytes, then the data.
/// </summary>
public static class NpyFiles
{
    /// <summary>A float64 ('&lt;f8') matrix in C or Fortran order, version-1 header.</summary>
    public static byte[] Npy(double[,] a, bool fortranOrder = false)
    {
        int r = a.GetLength(0), c = a.GetLength(1);
        var data = new byte[r * c * 8];
        int p = 0;
        if (fortranOrder)
            for (int j = 0; j < c; j++)
                for (int i = 0; i < r; i++, p++) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(p * 8), a[i, j]);
        else
            for (int i = 0; i < r; i++)
                for (int j = 0; j < c; j++, p++) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(p * 8), a[i, j]);
        return Raw(Dict("'<f8'", fortranOrder, $"({r}, {c})"), data);
    }

    /// <summary>The header dict as NumPy writes it.</summary>
    public static string Dict(string descr, bool fortranOrder, string shape) =>
        $"{{'descr': {descr}, 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {shape}, }}";

    /// <summary>Magic, version, header (padded, newline-terminated), data.</summary>
    public static byte[] Raw(string header, ReadOnlySpan<byte> data, int version = 1)
    {
        var enc = version == 3 ? Encoding.UTF8 : Encoding.Latin1;
        int preamble = version == 1 ? 10 : 12;
        int textLength = enc.GetByteCount(header) + 1;
        int padded = (preamble + textLength + 63) / 64 * 64 - preamble;
        var headerBytes = enc.GetBytes(header + new string(' ', padded - textLength) + "\n");
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        if (version == 1)
        {
            Span<byte> len = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)headerBytes.Length);
            ms.Write(len);
        }
        else
        {
            Span<byte> len = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)headerBytes.Length);
            ms.Write(len);
        }
        ms.Write(headerBytes);
        ms.Write(data);
        return ms.ToArray();
    }

    /// <summary>A zip of members named as given (add ".npy" yourself), deflated or stored.</summary>
    public static byte[] Npz(bool compressed, params (string Name, byte[] Content)[] members)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in members)
            {
                var entry = zip.CreateEntry(name, compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
                using var s = entry.Open();
                s.Write(content);
            }
        return ms.ToArray();
    }
}

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cont-transverse-" + Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    /// <summary>Writes <paramref name="bytes"/> to a file in the directory and returns its path.</summary>
    public string Write(string name, byte[] bytes)
    {
        string p = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    /// <summary>Writes text to a file in the directory and returns its path.</summary>
    public string Write(string name, string text)
    {
        string p = System.IO.Path.Combine(Path, name);
        File.WriteAllText(p, text);
        return p;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
