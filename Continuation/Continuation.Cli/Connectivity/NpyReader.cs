using System.Buffers.Binary;
using System.Globalization;
using System.Text;

using Continuation.Transverse;

namespace Continuation.Cli.Connectivity;

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
        try
        {
            using var stream = File.OpenRead(path);
            return Read(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConnectivityException(ConnectivityError.Unreadable, e.Message, path, innerException: e);
        }
    }

    /// <summary>Reads .npy content from <paramref name="stream"/>; <paramref name="fileName"/> is used in messages.</summary>
    public static ConnectivityMatrix Read(Stream stream, string? fileName = null) => Parse(ReadImage(stream, fileName, null), fileName, null);

    /// <summary>The largest .npy header read (NumPy writes some hundred bytes).</summary>
    const int MaxHeaderBytes = 1 << 20;

    /// <summary>
    /// The bytes of a .npy image from <paramref name="stream"/>, reading no more than its header
    /// declares: the preamble and header first, then the shape and dtype checked (and the size
    /// against <see cref="ConnectivityMatrix.MaxNodes"/>), then exactly the data they call for. A
    /// compressed archive member that inflates to gigabytes is therefore never inflated.
    /// </summary>
    internal static byte[] ReadImage(Stream stream, string? fileName, string? key)
    {
        var preamble = new byte[12];
        int got = ReadUpTo(stream, preamble, 0, preamble.Length);
        var start = preamble.AsSpan(0, got);
        if (got < 10 || !start[..6].SequenceEqual(Magic) || start[6] is not (1 or 2 or 3))
            return start.ToArray(); // Parse reports what is wrong
        int headerStart = start[6] == 1 ? 10 : 12;
        if (got < headerStart) return start.ToArray();
        long headerLength = start[6] == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(start[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(start[8..]);
        string where = key is null ? "" : $"array '{key}': ";
        if (headerLength > MaxHeaderBytes)
            throw new ConnectivityException(ConnectivityError.Format, $"{where}the .npy header claims {headerLength} bytes (at most {MaxHeaderBytes} are read)", fileName);
        var image = new byte[headerStart + headerLength];
        start[..Math.Min(got, image.Length)].CopyTo(image);
        int have = Math.Min(got, image.Length);
        have += ReadUpTo(stream, image, have, image.Length - have);
        if (have < image.Length) return image.AsSpan(0, have).ToArray();
        long needed = image.Length + Layout(image, fileName, key).DataBytes;
        var whole = new byte[needed];
        image.CopyTo(whole, 0);
        int total = image.Length + ReadUpTo(stream, whole, image.Length, (int)(needed - image.Length));
        return total == whole.Length ? whole : whole.AsSpan(0, total).ToArray();
    }

    static int ReadUpTo(Stream stream, byte[] buffer, int offset, int count)
    {
        int total = 0, read;
        while (total < count && (read = stream.Read(buffer, offset + total, count - total)) > 0) total += read;
        return total;
    }

    /// <summary>What a .npy header declares: where the data starts, the shape, the element type and order.</summary>
    sealed record ArrayLayout(int DataStart, int Rows, int Columns, Element Element, bool FortranOrder)
    {
        public long DataBytes => (long)Rows * Columns * Element.Size;
    }

    /// <summary>The layout the preamble and header of <paramref name="bytes"/> declare, checked (magic, version, rank 2, dtype, size).</summary>
    static ArrayLayout Layout(ReadOnlySpan<byte> bytes, string? fileName, string? key)
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
        if (rows > ConnectivityMatrix.MaxNodes || columns > ConnectivityMatrix.MaxNodes)
            throw Fail(ConnectivityError.Format, string.Create(CultureInfo.InvariantCulture,
                $"the array is {rows} × {columns}; at most {ConnectivityMatrix.MaxNodes} nodes are read"));
        return new ArrayLayout(headerStart + headerLength, (int)rows, (int)columns, element, header.FortranOrder);
    }

    /// <summary>Parses a whole .npy image. <paramref name="key"/> names the array inside an .npz (for messages).</summary>
    internal static ConnectivityMatrix Parse(ReadOnlySpan<byte> bytes, string? fileName, string? key)
    {
        var layout = Layout(bytes, fileName, key);
        var (r, c, element) = (layout.Rows, layout.Columns, layout.Element);
        long count = (long)r * c;
        var data = bytes[layout.DataStart..];
        if (data.Length < layout.DataBytes)
            throw new ConnectivityException(ConnectivityError.Format, (key is null ? "" : $"array '{key}': ") +
                string.Create(CultureInfo.InvariantCulture, $"the data is truncated: {r} × {c} × {element.Size} bytes expected, {data.Length} present"), fileName);

        var values = new double[count];
        for (int p = 0; p < count; p++)
        {
            // Position p in the file is element (i, j) with p = i·c + j (C order) or p = j·r + i (Fortran order).
            int dest = layout.FortranOrder ? (p % r) * c + p / r : p;
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
