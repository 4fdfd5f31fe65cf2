namespace Continuation.Cli.Output;

/// <summary>Why an output directory cannot be used (bad input: exit code 2).</summary>
public sealed class OutputDirectoryException(string message) : Exception(message);

/// <summary>
/// An output directory owned by one run at a time and holding one run's results: a lock file
/// (<c>.cont.lock</c>, an exclusive lock the operating system releases when the process ends, even
/// killed) refuses a second run into it, and the result files of the run before (listed in
/// <c>.cont-files</c>) are removed before anything is written, so that no file of another case can
/// be read as this one's.
/// </summary>
public sealed class OutputDirectory : IDisposable
{
    /// <summary>The lock file's name.</summary>
    public const string LockName = ".cont.lock";

    /// <summary>The list of the files the last run wrote, relative to the directory.</summary>
    public const string ManifestName = ".cont-files";

    readonly FileStream _lock;

    OutputDirectory(string path, FileStream lockStream)
    {
        Path = path;
        _lock = lockStream;
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>Creates the directory if needed and takes its lock; throws <see cref="OutputDirectoryException"/> when it is in use or cannot be made.</summary>
    public static OutputDirectory Acquire(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new OutputDirectoryException("the output directory is empty: give --out DIR");
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new OutputDirectoryException($"cannot create the output directory {path}: {e.Message}");
        }
        string lockPath = System.IO.Path.Combine(path, LockName);
        try
        {
            // FileShare.None takes an exclusive advisory lock on Unix (flock): a second cont run fails here.
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            return new OutputDirectory(path, stream);
        }
        catch (IOException)
        {
            throw new OutputDirectoryException($"the output directory {path} is in use by another cont run ({LockName} is locked): wait for it to finish, or give another --out");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new OutputDirectoryException($"cannot write the output directory {path}: {e.Message}");
        }
    }

    /// <summary>
    /// Removes the result files of the run before: those its manifest lists, or, for a directory
    /// written before manifests existed, the files cont writes (branch and transverse tables,
    /// special points, summary, report, figures by their names). Nothing else is touched.
    /// </summary>
    public void RemovePreviousResults()
    {
        string manifest = System.IO.Path.Combine(Path, ManifestName);
        var files = new List<string>();
        if (File.Exists(manifest))
        {
            foreach (var line in File.ReadAllLines(manifest))
            {
                if (line.Length == 0 || line.Contains("..") || System.IO.Path.IsPathRooted(line)) continue;
                files.Add(System.IO.Path.Combine(Path, line));
            }
        }
        else if (File.Exists(System.IO.Path.Combine(Path, "summary.json")) || Directory.Exists(System.IO.Path.Combine(Path, "branches")))
        {
            foreach (var sub in new[] { "branches", "transverse" })
            {
                string d = System.IO.Path.Combine(Path, sub);
                if (Directory.Exists(d)) files.AddRange(Directory.GetFiles(d, "*.csv"));
            }
            foreach (var name in new[] { "special_points.csv", "summary.json", "report.md" }) files.Add(System.IO.Path.Combine(Path, name));
            foreach (var f in Directory.GetFiles(Path))
            {
                string name = System.IO.Path.GetFileName(f);
                if ((name.EndsWith(".png", StringComparison.Ordinal) || name.EndsWith(".svg", StringComparison.Ordinal))
                    && FigurePrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))) files.Add(f);
            }
        }
        foreach (var f in files) if (File.Exists(f)) File.Delete(f);
        if (File.Exists(manifest)) File.Delete(manifest);
    }

    /// <summary>The folders cont writes results into.</summary>
    static readonly string[] ResultFolders = ["branches", "orbits", "transverse", "simulations", "spectra", "lyapunov"];

    /// <summary>The names figures are written under (Plots).</summary>
    static readonly string[] FigurePrefixes = ["bifurcation-", "frequency-", "two-parameter-", "transverse-", "simulation-", "spectrum-", "lyapunov-"];

    /// <summary>Lists the result files now in the directory as this run's (called after the run, and again after the figures).</summary>
    public void WriteManifest(IEnumerable<string>? extra = null)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var sub in ResultFolders)
        {
            string d = System.IO.Path.Combine(Path, sub);
            if (Directory.Exists(d)) foreach (var f in Directory.GetFiles(d)) files.Add(sub + "/" + System.IO.Path.GetFileName(f));
        }
        foreach (var name in new[] { "special_points.csv", "summary.json", "report.md" })
            if (File.Exists(System.IO.Path.Combine(Path, name))) files.Add(name);
        string manifest = System.IO.Path.Combine(Path, ManifestName);
        if (File.Exists(manifest)) foreach (var line in File.ReadAllLines(manifest)) if (line.Length > 0) files.Add(line);
        if (extra is not null) foreach (var f in extra) files.Add(f);
        string tmp = manifest + ".tmp";
        File.WriteAllLines(tmp, files);
        File.Move(tmp, manifest, overwrite: true);
    }

    public void Dispose() => _lock.Dispose();
}
