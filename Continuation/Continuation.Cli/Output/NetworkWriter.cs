using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Continuation.Cli.Cases;

namespace Continuation.Cli.Output;

/// <summary>
/// Output of network-dynamics runs (simulations, spectra): their files under <c>simulations/</c> and
/// <c>spectra/</c>, and the <c>"simulations"</c> and <c>"spectra"</c> lists of <c>summary.json</c>.
/// </summary>
public sealed partial class OutputWriter
{
    /// <summary>One finished or failed network run: its summary section and what it writes there.</summary>
    sealed record NetworkEntry(RunSpec Run, string Section, Action<Utf8JsonWriter>? Write, string? Error);

    readonly List<NetworkEntry> _network = [];

    /// <summary>The output directory.</summary>
    internal string Root => _dir;

    /// <summary>Records a finished network run for summary.json: <paramref name="write"/> writes its fields into its object.</summary>
    internal void RecordNetwork(RunSpec run, string section, Action<Utf8JsonWriter> write) => _network.Add(new NetworkEntry(run, section, write, null));

    /// <summary>Records a failed analysis for summary.json (under its kind's section).</summary>
    public void RecordFailed(RunSpec run, string error)
    {
        if (run.Kind.SummarySection is { } section) _network.Add(new NetworkEntry(run, section, null, error));
        else RecordFailedTransverse(run, error);
    }

    void WriteNetworkSummary(Utf8JsonWriter w)
    {
        foreach (var section in _network.Select(e => e.Section).Distinct())
        {
            w.WriteStartArray(section);
            foreach (var e in _network.Where(e => e.Section == section))
            {
                w.WriteStartObject();
                w.WriteString("name", e.Run.Name);
                w.WriteString("kind", e.Run.Kind.Name);
                if (e.Error is not null)
                {
                    w.WriteBoolean("failed", true);
                    w.WriteString("error", e.Error);
                }
                else e.Write!(w);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
    }

    /// <summary>Writes <paramref name="content"/> to <c>DIR/<paramref name="relative"/></c> atomically (creating its folder).</summary>
    internal void WriteText(string relative, string content)
    {
        string path = Path.Combine(_dir, relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        WriteAtomically(path, content);
    }

    /// <summary>A CSV line of numbers with round-trip precision.</summary>
    internal static void AppendRow(StringBuilder sb, IEnumerable<double> values)
    {
        bool first = true;
        foreach (double v in values)
        {
            if (!first) sb.Append(',');
            sb.Append(Format(v));
            first = false;
        }
        sb.Append('\n');
    }
}

/// <summary>
/// Streams a two-dimensional float64 array (rows × columns, C order) into a NumPy <c>.npy</c> file
/// (format 1.0) row by row: numpy.load reads it. Written under a temporary name and renamed by
/// <see cref="Complete"/>, so a file of that name is always whole; disposed before, it is removed.
/// </summary>
public sealed class NpyWriter : IDisposable
{
    /// <summary>The first six bytes of every .npy file.</summary>
    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    readonly string _path, _temporary;
    readonly FileStream _stream;
    readonly byte[] _row;
    readonly long _rows;
    long _written;
    bool _done;

    /// <summary>Starts <paramref name="path"/> for <paramref name="rows"/> × <paramref name="columns"/> values.</summary>
    public NpyWriter(string path, long rows, int columns)
    {
        _path = path;
        _temporary = path + ".tmp";
        _rows = rows;
        _row = new byte[columns * 8];
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _stream = new FileStream(_temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        string header = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {columns}), }}");
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        _stream.Write(Magic);
        _stream.WriteByte(1);
        _stream.WriteByte(0);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        _stream.Write(length);
        _stream.Write(Encoding.ASCII.GetBytes(header));
    }

    /// <summary>Appends one row.</summary>
    public void Append(ReadOnlySpan<double> row)
    {
        if (row.Length * 8 != _row.Length) throw new ArgumentException($"a row has {_row.Length / 8} values, got {row.Length}");
        if (_written == _rows) throw new InvalidOperationException("all rows are written");
        for (int i = 0; i < row.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(_row.AsSpan(i * 8), row[i]);
        _stream.Write(_row);
        _written++;
    }

    /// <summary>Rows written so far.</summary>
    public long Rows => _written;

    /// <summary>Closes the file and gives it its name; every row must have been written.</summary>
    public void Complete()
    {
        if (_written != _rows) throw new InvalidOperationException($"{_written} of {_rows} rows written");
        _stream.Dispose();
        File.Move(_temporary, _path, overwrite: true);
        _done = true;
    }

    /// <summary>Closes the file; an incomplete one is removed.</summary>
    public void Dispose()
    {
        _stream.Dispose();
        if (!_done && File.Exists(_temporary)) File.Delete(_temporary);
    }
}
