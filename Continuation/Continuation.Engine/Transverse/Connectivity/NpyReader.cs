using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Continuation.Transverse.Connectivity;

/// <summary>
/// Reads a square matrix from a NumPy <c>.npy</c> file (format versions 1.0, 2.0 and 3.0).
/// </summary>
/// <remarks>
/// <para>
/// Format (NumPy NEP 1, "A simple file format for NumPy arrays", and the <c>numpy.lib.format</c>
/// documentation): the magic string <c>\x93NUMPY</c>, a major and a minor version byte, the header
/// length (little-endian uint16 for version 1, uint32 for versions 2 and 3), then the header — a
/// Python dict literal with keys <c>descr</c>, <c>fortran_order</c> and <c>shape</c>, encoded
/// latin-1 (versions 1, 2) or UTF-8 (version 3), padded with spaces and ended by a newline — then
/// the raw array data in C (row-major) or Fortran (column-major) order.
/// </para>
/// <para>
/// Element types read (converted to double): little-endian float64 <c>&lt;f8</c> (what NumPy writes
/// for a float matrix), float32 <c>&lt;f4</c>, float16 <c>&lt;f2</c>, signed and unsigned integers of 1,
/// 2, 4 and 8 bytes (64-bit values beyond 2⁵³ are rounded). Complex, boolean, big-endian,
/// structured, string and object arrays are rejected with <see cref="ConnectivityError.UnsupportedDtype"/>.
/// </para>
/// </remarks>
public static class NpyReader
{
    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a .npy file. Throws <see cref="ConnectivityException"/> on any problem.</summary>
    public static ConnectivityMatrix Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConnectivityException(ConnectivityError.Unreadable, e.Message, path, innerException: e);
        }
        return Parse(bytes, path, null);
    }

    /// <summary>Reads .npy content from <paramref name="stream"/> (to its end); <paramref name="fileName"/> is used in messages.</summary>
    public static ConnectivityMatrix Read(Stream stream, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), fileName, null);
    }

    /// <summary>Parses a whole .npy image. <paramref name="key"/> names the array inside an .npz (for messages).</summary>
    internal static ConnectivityMatrix Parse(ReadOnlySpan<byte> bytes, string? fileName, string? key)
    {
        string where = key is null ? "" : $"array '{key}': ";
        ConnectivityException Fail(ConnectivityError error, string message) => new(error, where + message, fileName);

        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw Fail(ConnectivityError.Format, "not a NumPy .npy array (the file does not start with \\x93NUMPY)");
        int major = bytes[6], minor = bytes[7];
        int headerStart, headerLength;
        switch (major)
        {
            case 1:
                headerStart = 10;
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
                break;
            case 2:
            case 3:
                if (bytes.Length < 12) throw Fail(ConnectivityError.Format, "the file ends inside the .npy preamble");
                headerStart = 12;
                uint len = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
                headerLength = len > int.MaxValue ? int.MaxValue : (int)len;
                break;
            default:
                throw Fail(ConnectivityError.Format, $".npy format version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are)");
        }
        if ((long)headerStart + headerLength > bytes.Length)
            throw Fail(ConnectivityError.Format, $"the header claims {headerLength} bytes but the file has only {bytes.Length - headerStart} after the preamble");
        var headerBytes = bytes.Slice(headerStart, headerLength);
        string headerText = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        var header = NpyHeader.Parse(headerText, m => Fail(ConnectivityError.Format, "bad .npy header: " + m));

        if (header.Shape.Length != 2)
            throw Fail(ConnectivityError.WrongRank,
                $"the array has shape ({string.Join(", ", header.Shape)}{(header.Shape.Length == 1 ? "," : "")}), rank {header.Shape.Length}; a connectivity matrix must be 2-D (N × N)");
        long rows = header.Shape[0], columns = header.Shape[1];
        var element = ElementType(header.Descr, Fail);
        long count = rows * columns;
        if (rows > int.MaxValue || columns > int.MaxValue || count > Array.MaxLength)
            throw Fail(ConnectivityError.Format, $"the array is too large ({rows} × {columns})");
        var data = bytes[(headerStart + headerLength)..];
        long needed = count * element.Size;
        if (data.Length < needed)
            throw Fail(ConnectivityError.Format,
                string.Create(CultureInfo.InvariantCulture, $"the data is truncated: {rows} × {columns} × {element.Size} bytes expected, {data.Length} present"));

        int r = (int)rows, c = (int)columns;
        var values = new double[count];
        for (int p = 0; p < count; p++)
        {
            // Position p in the file is element (i, j) with p = i·c + j (C order) or p = j·r + i (Fortran order).
            int dest = header.FortranOrder ? (p % r) * c + p / r : p;
            values[dest] = element.Read(data.Slice(p * element.Size, element.Size));
        }
        return ConnectivityMatrix.Create(values, r, c, fileName, key);
    }

    sealed record Element(int Size, ElementReader Read);

    delegate double ElementReader(ReadOnlySpan<byte> bytes);

    static Element ElementType(object descr, Func<ConnectivityError, string, ConnectivityException> fail)
    {
        if (descr is not string s)
            throw fail(ConnectivityError.UnsupportedDtype, "the array has a structured dtype (record fields); a connectivity matrix must be a plain real array");
        string text = s;
        char order = '=';
        if (s.Length > 0 && s[0] is '<' or '>' or '|' or '=') { order = s[0]; s = s[1..]; }
        if (s.Length < 2 || !int.TryParse(s.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int size))
            throw fail(ConnectivityError.UnsupportedDtype, $"dtype '{text}' is not supported; save the matrix as float64 ('<f8')");
        char kind = s[0];
        if (kind == 'c')
            throw fail(ConnectivityError.UnsupportedDtype, $"dtype '{text}' is complex; a connectivity matrix must be real (save it as float64, '<f8')");
        if (kind is not ('f' or 'i' or 'u'))
            throw fail(ConnectivityError.UnsupportedDtype, $"dtype '{text}' is not a real numeric type; save the matrix as float64 ('<f8')");
        bool bigEndian = order == '>' || (order == '=' && !BitConverter.IsLittleEndian);
        if (bigEndian && size > 1)
            throw fail(ConnectivityError.UnsupportedDtype, $"dtype '{text}' is big-endian; only little-endian data is read (save it with dtype '<f8')");
        ElementReader? read = (kind, size) switch
        {
            ('f', 8) => b => BinaryPrimitives.ReadDoubleLittleEndian(b),
            ('f', 4) => b => BinaryPrimitives.ReadSingleLittleEndian(b),
            ('f', 2) => b => (double)BinaryPrimitives.ReadHalfLittleEndian(b),
            ('i', 1) => b => (sbyte)b[0],
            ('i', 2) => b => BinaryPrimitives.ReadInt16LittleEndian(b),
            ('i', 4) => b => BinaryPrimitives.ReadInt32LittleEndian(b),
            ('i', 8) => b => BinaryPrimitives.ReadInt64LittleEndian(b),
            ('u', 1) => b => b[0],
            ('u', 2) => b => BinaryPrimitives.ReadUInt16LittleEndian(b),
            ('u', 4) => b => BinaryPrimitives.ReadUInt32LittleEndian(b),
            ('u', 8) => b => BinaryPrimitives.ReadUInt64LittleEndian(b),
            _ => null,
        };
        return read is null
            ? throw fail(ConnectivityError.UnsupportedDtype, $"dtype '{text}' is not supported; save the matrix as float64 ('<f8')")
            : new Element(size, read);
    }
}
