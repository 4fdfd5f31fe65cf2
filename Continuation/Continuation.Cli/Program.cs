using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Continuation.Cli.Cases;
using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;
using Models;

namespace Continuation.Cli;

/// <summary>The <c>cont</c> command line.</summary>
public static class Program
{
    const string Usage = """
        usage:
          cont run CASE [--out DIR] [--quiet] [--no-plots] [--svg] [--connectivity PATH] [--shard i/n]
                                                run a case file (default DIR: out/<case name>),
                                                then draw its figures and write report.md;
                                                --connectivity replaces the case's connectivity matrix
          cont plot DIR [--svg]                 redraw the figures and report.md of an output directory
          cont merge DIR                        join the shards of a scan (cont run CASE --out DIR --shard i/n) into DIR
          cont validate CASE [--connectivity PATH]
                                                check a case file (and its connectivity matrix) without running it
          cont import-auto NAME.f90 c.NAME [c.OTHER …] [--out CASE.yaml]
                                                an AUTO-07p problem (FUNC/STPNT/PVLS and one constants file
                                                per run) as a case file (to stdout without --out)
          cont export-auto DIR [--out DIR2]     write AUTO's b.NAME and s.NAME files of an output directory
          cont models                           list the built-in models and their parameters
          cont bench [--repeat N] [--only cycles|transverse|map|network|lyapunov] [--connectivity PATH]
                                                time branches of the neural-mass model (network: the paper's 540-D network)
          cont peer [--only DEMO[,DEMO…]] [--dir DIR] [--keep OUT]
                                                run the peer suite (AUTO-07p's demos, Tests/Peer) and compare
                                                its special points with AUTO's; exit 1 if one does not match
          cont --version                        the version of cont and of its engine
        exit codes: 0 success, 1 a branch failed, 2 bad input, 130 interrupted (SIGINT), 143 terminated (SIGTERM)
        """;

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Entry point with explicit writers (tests call this).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation = default)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine(Usage);
            return args.Length == 0 ? ExitCodes.BadInput : ExitCodes.Success;
        }
        if (args[0] is "--version" or "version")
        {
            if (args.Length > 1) return BadUsage(stderr, $"unexpected argument '{args[1]}'");
            stdout.WriteLine($"cont {Output.OutputWriter.EngineVersion} (.NET {Environment.Version})");
            return ExitCodes.Success;
        }
        try
        {
            return args[0] switch
            {
                "run" => RunCase(args[1..], stdout, stderr, cancellation),
                "validate" => Validate(args[1..], stdout, stderr),
                "plot" => Plot(args[1..], stdout, stderr),
                "models" => args.Length == 1 ? ListModels(stdout) : throw new UsageException($"unexpected argument '{args[1]}' (cont models takes none)"),
                "bench" => Bench(args[1..], stdout),
                "merge" => Merge(args[1..], stdout, stderr),
                "peer" => Peer(args[1..], stdout),
                "import-auto" => ImportAuto(args[1..], stdout, stderr),
                "export-auto" => ExportAuto(args[1..], stdout, stderr),
                _ => BadUsage(stderr, $"unknown command '{args[0]}'"),
            };
        }
        catch (CaseException e)
        {
            stderr.WriteLine($"error: {e.Formatted}");
            return ExitCodes.BadInput;
        }
        catch (UsageException e)
        {
            return BadUsage(stderr, e.Message);
        }
    }

    sealed class UsageException(string message) : Exception(message);

    static int BadUsage(TextWriter stderr, string message)
    {
        stderr.WriteLine($"error: {message}");
        stderr.WriteLine(Usage);
        return ExitCodes.BadInput;
    }

    static int Peer(string[] args, TextWriter stdout)
    {
        var (extra, options) = ParseArguments(args, ["--only", "--dir", "--keep"], []);
        if (extra.Length > 0) throw new UsageException($"unexpected argument '{extra}'");
        string? dir = options.GetValueOrDefault("--dir") ?? FindPeerDirectory();
        if (dir is null || !Directory.Exists(dir))
            throw new UsageException($"no peer suite found{(dir is null ? " (Tests/Peer in the repository)" : $" at {dir}")}: give --dir");
        var only = options.GetValueOrDefault("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        try
        {
            return PeerSuite.Command(dir, only, options.GetValueOrDefault("--keep"), stdout);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>Tests/Peer of the repository above the working directory or above the binary.</summary>
    static string? FindPeerDirectory()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Continuation.sln")) && Directory.Exists(Path.Combine(d.FullName, "Tests", "Peer")))
                    return Path.Combine(d.FullName, "Tests", "Peer");
        return null;
    }

    static OdeSystem? FindModel(string name) => ModelCatalog.TryGet(name, out var m) ? m : null;

    static (string Case, Dictionary<string, string?> Options) ParseArguments(string[] args, string[] valued, string[] flags)
    {
        string? casePath = null;
        var options = new Dictionary<string, string?>();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (valued.Contains(a))
            {
                if (i + 1 >= args.Length) throw new UsageException($"{a} needs a value");
                options[a] = args[++i];
            }
            else if (flags.Contains(a)) options[a] = null;
            else if (a.StartsWith('-')) throw new UsageException($"unknown option '{a}'");
            else if (casePath is null) casePath = a;
            else throw new UsageException($"unexpected argument '{a}'");
        }
        return (casePath ?? "", options);
    }

    static CaseFile Load(string path)
    {
        if (path.Length == 0) throw new UsageException("missing the case file");
        if (!File.Exists(path)) throw new CaseException(Path.GetFileName(path), 0, $"case file not found: {path}");
        return CaseReader.Read(path, FindModel);
    }

    static int Validate(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var (path, options) = ParseArguments(args, ["--connectivity"], []);
        var c = TransverseSetup.WithConnectivityOption(Load(path), options.GetValueOrDefault("--connectivity"));
        TransverseSetup.Prepare(c); // reads and checks the connectivity matrix of transverse runs
        stdout.WriteLine($"{path}: ok: case {c.Name}, model {c.Model.Name}, {c.Runs.Count} run(s): {string.Join(", ", c.Runs.Select(r => r.Kind.Describe(r)))}");
        return ExitCodes.Success;
    }

    static int RunCase(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        var (path, options) = ParseArguments(args, ["--out", "--connectivity", "--shard"], ["--quiet", "--no-plots", "--svg"]);
        var c = TransverseSetup.WithConnectivityOption(Load(path), options.GetValueOrDefault("--connectivity"));
        string dir = options.TryGetValue("--out", out var o) && o is not null ? o : Path.Combine("out", c.Name);
        if (string.IsNullOrWhiteSpace(dir)) throw new UsageException("--out needs a directory");
        (int Index, int Count)? shard = null;
        if (options.TryGetValue("--shard", out var sh))
        {
            var parts = (sh ?? "").Split('/');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int si) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int sn)
                || sn < 1 || si < 1 || si > sn || sn > 100_000)
                throw new UsageException($"--shard: expected i/n with 1 <= i <= n (e.g. --shard 3/16), got '{sh}'");
            if (!c.Runs.Any(r => r.Kind.Shardable))
                throw new UsageException($"--shard: case {c.Name} has no scan to share out (a lyapunov-scan or transverse-map run)");
            shard = (si, sn);
            // Every shard writes its own directory: shards of one case may run at once on a cluster.
            dir = Path.Combine(dir, "shards", $"{si}-of-{sn}");
        }
        bool quiet = options.ContainsKey("--quiet");
        Output.OutputDirectory output;
        try
        {
            // One run at a time in a directory, and only this run's results in it.
            output = Output.OutputDirectory.Acquire(dir);
            output.RemovePreviousResults();
        }
        catch (Exception e) when (e is Output.OutputDirectoryException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        using var owned = output;

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        // Ctrl-C (SIGINT) and SIGTERM stop cleanly: the branch in progress ends, what is done is written.
        bool terminated = false;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (context.Signal == PosixSignal.SIGTERM) terminated = true;
            cts.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        var runner = new CaseRunner(c, dir, stderr, quiet) { Shard = shard };
        int code;
        try
        {
            code = runner.Run(cts.Token);
            output.WriteManifest();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: cannot write the output directory {dir}: {e.Message}");
            return ExitCodes.BranchFailed;
        }
        // The shell's convention: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM).
        if (code == ExitCodes.Cancelled && terminated) code = ExitCodes.Terminated;
        if (code is not (ExitCodes.BadInput or ExitCodes.Cancelled or ExitCodes.Terminated) && !options.ContainsKey("--no-plots") && shard is null)
        {
            // Figures are drawn from the files just written, exactly as `cont plot` does.
            try { output.WriteManifest(DrawFigures(dir, options.ContainsKey("--svg"), quiet ? TextWriter.Null : stderr)); }
            catch (Exception e) when (e is Plots.PlotInputException or IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"error: figures not drawn: {(e is Plots.PlotInputException p ? p.Formatted : e.Message)}");
                if (code == ExitCodes.Success) code = ExitCodes.BranchFailed;
            }
        }
        if (!quiet) stderr.WriteLine($"output: {Path.GetFullPath(dir)}");
        return code;
    }

    /// <summary>Draws the figures and the report from an output directory; returns the files written.</summary>
    static List<string> DrawFigures(string dir, bool svg, TextWriter log)
    {
        var data = Plots.OutputData.Load(dir);
        var figures = Plots.Figures.DrawAll(data, svg ? Plots.FigureFormat.Svg : Plots.FigureFormat.Png);
        string report = Plots.Report.Write(data, figures);
        log.WriteLine($"figures: {(figures.Count == 0 ? "none" : string.Join(", ", figures))}; report: {Path.GetFileName(report)}");
        return [.. figures, Path.GetFileName(report)];
    }

    /// <summary>An existing output directory, locked (no run is writing it); null after a message when it is missing or in use.</summary>
    static Output.OutputDirectory? ExistingOutput(string dir, TextWriter stderr)
    {
        if (!Directory.Exists(dir)) { stderr.WriteLine($"error: {dir}: no such directory"); return null; }
        try { return Output.OutputDirectory.Acquire(dir); }
        catch (Output.OutputDirectoryException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return null;
        }
    }

    static int Plot(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var (dir, options) = ParseArguments(args, [], ["--svg"]);
        if (dir.Length == 0) throw new UsageException("missing the output directory");
        if (ExistingOutput(dir, stderr) is not { } output) return ExitCodes.BadInput;
        using var owned = output;
        try { output.WriteManifest(DrawFigures(dir, options.ContainsKey("--svg"), stdout)); }
        catch (Plots.PlotInputException e)
        {
            stderr.WriteLine($"error: {e.Formatted}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            stderr.WriteLine($"error: figures not drawn: {e.Message}");
            return ExitCodes.BranchFailed;
        }
        return ExitCodes.Success;
    }

    /// <summary><c>cont import-auto</c>: the case is checked by the case reader before it is written.</summary>
    static int ImportAuto(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var inputs = new List<string>();
        string? output = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--out")
            {
                if (i + 1 >= args.Length) throw new UsageException("--out needs a file name");
                output = args[++i];
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unknown option '{args[i]}'");
            else inputs.Add(args[i]);
        }
        if (inputs.Count < 2) throw new UsageException("import-auto needs the equations file and at least one constants file (cont import-auto NAME.f90 c.NAME)");
        foreach (var input in inputs)
            if (!File.Exists(input)) throw new CaseException(input, 0, Directory.Exists(input) ? "is a directory, not a file" : "file not found");
        AutoFiles.AutoImport.Result result;
        try { result = AutoFiles.AutoImport.Build(inputs[0], inputs[1..]); }
        catch (AutoFiles.AutoImportException e)
        {
            stderr.WriteLine($"error: {e.Formatted}");
            return ExitCodes.BadInput;
        }
        // The case must read as written: check it through the case reader before anything is written.
        try { CaseReader.Parse(result.Yaml, result.Name + ".yaml", FindModel); }
        catch (CaseException e)
        {
            stderr.WriteLine($"error: the imported case does not read back ({e.Message}, line {e.Line}); please report this with the AUTO files");
            return ExitCodes.BadInput;
        }
        if (output is null)
        {
            stdout.Write(result.Yaml);
            return ExitCodes.Success;
        }
        if (Directory.Exists(output)) throw new UsageException($"--out {output} is a directory: give the case file to write (e.g. {Path.Combine(output, result.Name + ".yaml")})");
        string temporary = output + ".tmp";
        try
        {
            File.WriteAllText(temporary, result.Yaml);
            File.Move(temporary, output, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary)) File.Delete(temporary);
            stderr.WriteLine($"error: cannot write {output}: {e.Message}");
            return ExitCodes.BadInput;
        }
        stdout.WriteLine($"{output}: case {result.Name} from {string.Join(", ", inputs.Select(Path.GetFileName))}" +
                         (result.Notes.Count > 0 ? $"; {result.Notes.Count} difference(s) from AUTO listed at its top" : ""));
        return ExitCodes.Success;
    }

    /// <summary>
    /// <c>cont export-auto DIR [--out DIR2]</c>: AUTO's b.NAME and s.NAME of an output directory. DIR is
    /// locked while it is read (not while a run writes it); files written into DIR join its manifest,
    /// so that the next run into DIR removes them with the results they came from.
    /// </summary>
    static int ExportAuto(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var (dir, options) = ParseArguments(args, ["--out"], []);
        if (dir.Length == 0) throw new UsageException("export-auto needs the output directory of a run (cont export-auto DIR)");
        string? target = options.GetValueOrDefault("--out");
        if (target is not null && File.Exists(target)) throw new UsageException($"--out {target} is a file: give a directory");
        if (ExistingOutput(dir, stderr) is not { } output) return ExitCodes.BadInput;
        using var owned = output;
        try
        {
            var r = AutoFiles.AutoExport.Write(dir, target);
            if (target is null || Path.GetFullPath(target) == Path.GetFullPath(dir))
                output.WriteManifest([Path.GetFileName(r.BranchFile), Path.GetFileName(r.SolutionFile)]);
            stdout.WriteLine($"{r.BranchFile}: {r.Branches} branch(es), {r.Points} points; {r.SolutionFile}: {r.Labels} labelled solution(s)");
            return ExitCodes.Success;
        }
        catch (Plots.PlotInputException e)
        {
            stderr.WriteLine($"error: {e.Formatted}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: cannot write AUTO's files: {e.Message}");
            return ExitCodes.BadInput;
        }
    }

    static int ListModels(TextWriter stdout)
    {
        foreach (var m in ModelCatalog.All)
        {
            stdout.WriteLine($"{m.Name}: {m.Description}");
            stdout.WriteLine($"  states: {string.Join(", ", m.StateNames)}" + (m.TimeUnit is null ? "" : $" (time in {m.TimeUnit})"));
            stdout.WriteLine($"  parameters: {string.Join(", ", m.Parameters.Select(p => $"{p.Name} = {p.Default.ToString(CultureInfo.InvariantCulture)}"))}");
            stdout.WriteLine($"  analytic Jacobian: {(m.HasStateJacobian ? "yes" : "no (finite differences)")}");
        }
        stdout.WriteLine();
        stdout.WriteLine("Any other ODE system can be written as equations in the case file (model: { name, parameters, equations, … });");
        stdout.WriteLine("its derivatives are exact and compiled. See README.md, \"Models written as equations\".");
        return ExitCodes.Success;
    }

    /// <summary><c>cont merge DIR</c>: joins the shards of DIR/shards/ into the scan's outputs; exit 1 naming what is missing.</summary>
    static int Merge(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var (dir, _) = ParseArguments(args, [], []);
        if (dir.Length == 0) throw new UsageException("merge needs the output directory the shards were run into (cont merge DIR)");
        if (!Directory.Exists(dir)) throw new UsageException($"merge: no directory {dir}");
        List<string> missing;
        try
        {
            using var owned = Output.OutputDirectory.Acquire(dir);
            var outputs = Runs.ShardCells.Outputs(dir).ToList();
            missing = Runs.ShardCells.Merge(dir);
            if (missing.Count == 0) owned.WriteManifest(outputs);
        }
        catch (Exception e) when (e is Output.OutputDirectoryException or IOException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        if (missing.Count > 0)
        {
            foreach (var m in missing) stderr.WriteLine($"missing: {m}");
            stderr.WriteLine("not merged: the scan is incomplete");
            return ExitCodes.BranchFailed;
        }
        stdout.WriteLine($"merged: {string.Join(", ", Runs.ShardCells.Outputs(dir).Select(o => Path.Combine(dir, o)))}");
        return ExitCodes.Success;
    }

    /// <summary><c>cont bench [--repeat N] [--only cycles|transverse|map|network|lyapunov] [--connectivity PATH]</c>: see <see cref="Benchmarks"/>.</summary>
    static int Bench(string[] args, TextWriter stdout)
    {
        var (extra, options) = ParseArguments(args, ["--repeat", "--only", "--connectivity"], []);
        if (extra.Length > 0) throw new UsageException($"unexpected argument '{extra}'");
        int repeat = 5;
        if (options.TryGetValue("--repeat", out var r) && !(int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out repeat) && repeat is > 0 and <= 1000))
            throw new UsageException($"--repeat: expected a number of runs from 1 to 1000, got '{r}'");
        string only = options.TryGetValue("--only", out var o) && o is not null ? o : "all";
        if (only is not ("all" or "cycles" or "transverse" or "map" or "network" or "lyapunov"))
            throw new UsageException($"--only: expected cycles, transverse, map, network or lyapunov, got '{only}'");
        if (only is "network" or "lyapunov")
        {
            string path = options.TryGetValue("--connectivity", out var c) && c is not null ? c : Path.Combine("..", "shared", "data", "NormalizedMatrix.npz");
            if (!File.Exists(path)) throw new UsageException($"--connectivity: file not found: {Path.GetFullPath(path)} (the network benchmark runs on the paper's matrix)");
            var w = Connectivity.ConnectivityReader.Read(path, new Connectivity.ConnectivityReadOptions());
            return only == "network" ? Benchmarks.Network(w, repeat, stdout) : Benchmarks.Lyapunov(w, repeat, 300, stdout);
        }
        return Benchmarks.Run(repeat, only, stdout);
    }
}
