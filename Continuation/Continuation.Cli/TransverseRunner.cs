using System.Globalization;
using Continuation.Cli.Cases;
using Continuation.Cli.Output;
using Continuation.Pathfollowing;
using Continuation.Results;
using Continuation.Transverse;
using Continuation.Transverse.Connectivity;

namespace Continuation.Cli;

/// <summary>Reads the connectivity of a case and prepares the transverse analysis; every problem is a <see cref="CaseException"/> (exit code 2).</summary>
public static class TransverseSetup
{
    /// <summary>The case with its connectivity replaced by <c>--connectivity PATH</c> (relative to the working directory), if given.</summary>
    public static CaseFile WithConnectivityOption(CaseFile caseFile, string? path)
    {
        if (path is null) return caseFile;
        if (path.Length == 0) throw new CaseException(System.IO.Path.GetFileName(caseFile.Path), 0, "--connectivity: the file name is empty");
        // Keep the case's key and normalisation when it names a matrix of the same kind (an .npz key only applies to .npz).
        var old = caseFile.Connectivity;
        string? key = old?.Key is { } k && path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) ? k : null;
        return caseFile with { Connectivity = new ConnectivitySpec(Path.GetFullPath(path), path, key, old?.Normalize ?? ConnectivityNormalization.None, 0) };
    }

    /// <summary>
    /// The transverse analysis of the case's model on its connectivity, or null when the case has no
    /// transverse run. Reads the matrix, normalises it if asked, checks its rows and decomposes it.
    /// </summary>
    public static TransverseStability? Prepare(CaseFile caseFile, TransverseOptions? options = null)
    {
        var first = caseFile.Runs.FirstOrDefault(r => r.Kind.NeedsConnectivity);
        if (first is null) return null;
        string file = System.IO.Path.GetFileName(caseFile.Path);
        var spec = caseFile.Connectivity
            ?? throw new CaseException(file, first.Line, $"runs ({first.Name}): a transverse run needs the network's connectivity matrix: " +
                "add connectivity: PATH (relative to the case file) at top level, or pass --connectivity PATH");
        string where = spec.FromCommandLine ? $"--connectivity {spec.Written}" : "connectivity";
        ConnectivitySpectrum spectrum;
        try
        {
            if (!File.Exists(spec.Path))
                throw new CaseException(file, spec.Line, $"{where}: file not found: {spec.Path}");
            var w = ConnectivityReader.Read(spec.Path, new ConnectivityReadOptions { Key = spec.Key }).Prepare(spec.Normalize);
            spectrum = ConnectivitySpectrum.Compute(w);
        }
        catch (ConnectivityException e)
        {
            string hint = e.Error == ConnectivityError.NotRowNormalized
                ? "; to normalise them, write connectivity: { file: …, normalize: rows }" + (spec.FromCommandLine ? " in the case file" : "")
                : "";
            throw new CaseException(file, spec.Line, $"{where}: {e.Message}{hint}");
        }
        catch (ArgumentException e)
        {
            throw new CaseException(file, spec.Line, $"{where}: {e.Message}");
        }
        try { return new TransverseStability(caseFile.Model, spectrum, options); }
        catch (ArgumentException e) { throw new CaseException(file, first.Line, $"runs ({first.Name}): {e.Message}"); }
    }
}

/// <summary>Transverse runs: not branches; analysed from an earlier branch and written to <c>transverse/</c>.</summary>
public sealed partial class CaseRunner
{
    TransverseStability? _transverse;
    bool _transverseFailed;

    /// <summary>True when a transverse run failed numerically (the exit code is then 1, as for a failed branch).</summary>
    bool TransverseFailed => _transverseFailed;

    /// <summary>Reads the connectivity before any computation so that a bad matrix costs nothing. False: bad input (reported, summary written).</summary>
    bool PrepareTransverse()
    {
        try
        {
            _transverse = TransverseSetup.Prepare(caseFile);
            return true;
        }
        catch (CaseException e)
        {
            return Stop(e);
        }
    }

    /// <summary>Runs one transverse run. False: bad input (reported, summary written).</summary>
    internal bool RunTransverse(RunSpec run, CancellationToken cancellation)
    {
        var writer = _writer;
        var spec = run.Transverse!;
        string file = Path.GetFileName(caseFile.Path);
        var branch = _branches.FirstOrDefault(b => b.Name == spec.Of);
        try
        {
            if (branch is null) throw new CaseException(file, spec.OfLine, $"runs ({run.Name}).of: branch '{spec.Of}' has not been computed");
            var at = DispersionPoints(run, branch);
            var progress = quiet ? null : new Progress(log, run.Name, $"transverse stability of {branch.Name}", branch.Points.Count, "points");
            var result = _transverse!.Analyze(branch, progress, cancellation);
            progress?.Finish();
            writer.WriteTransverse(run, result, at);
            Report(run, result);
        }
        catch (CaseException e)
        {
            return Stop(e);
        }
        catch (OperationCanceledException)
        {
            // The run loop sees the cancellation and ends the case.
        }
        catch (Exception e) when (e is ArithmeticException or InvalidOperationException or ArgumentException or MathNet.Numerics.NonConvergenceException)
        {
            log.WriteLine($"error: transverse run {run.Name} failed: {e.Message}");
            writer.RecordFailedTransverse(run, e.Message);
            _transverseFailed = true;
        }
        return true;
    }

    /// <summary>Runs a transverse-map run. False: bad input (reported, summary written).</summary>
    internal bool RunMap(RunSpec run, CancellationToken cancellation)
    {
        var writer = _writer;
        var spec = run.Map!;
        var parameters = (double[])caseFile.Parameters.Clone();
        foreach (var (name, value) in run.ParameterOverrides) parameters[caseFile.Model.ParameterIndex(name)] = value;
        var options = new MapOptions { Discretisation = spec.Discretisation, Collocation = spec.Collocation, InitialState = spec.InitialState };
        int lines = spec.Y.Count, cells = lines * spec.X.Count;
        if (!quiet)
            log.WriteLine($"[{run.Name}] transverse map: {spec.X.Count} x {spec.Y.Count} = {cells} cells ({spec.X.Parameter} along each of {lines} lines of {spec.Y.Parameter}), " +
                $"{_transverse!.Spectrum.Size} modes per cell");
        try
        {
            var progress = quiet ? null : new Progress(log, run.Name, "transverse map", lines, "lines", every: 10);
            var result = InstabilityMap.Compute(_transverse!, parameters, spec.X, spec.Y, options, progress, cancellation);
            progress?.Finish();
            writer.WriteMap(run, result);
            if (!quiet)
            {
                int eq = result.Cells.Count(c => c.State == MapState.Equilibrium), cy = result.Cells.Count(c => c.State == MapState.Cycle);
                int unstable = result.Cells.Count(c => c.TransverselyUnstable);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{run.Name}] {cells} cells in {result.WallMilliseconds / 1000:F1} s ({result.WallMilliseconds / cells:F2} ms per cell, {result.Threads} thread(s)): " +
                    $"{eq} equilibria, {cy} cycles, {cells - eq - cy} other; {unstable} transversally unstable; {result.Searches} attractor searches by integration"));
            }
        }
        catch (OperationCanceledException)
        {
            // The run loop sees the cancellation and ends the case; no half map is written.
        }
        catch (Exception e) when (e is ArithmeticException or InvalidOperationException or ArgumentException or MathNet.Numerics.NonConvergenceException)
        {
            log.WriteLine($"error: transverse map {run.Name} failed: {e.Message}");
            writer.RecordFailedTransverse(run, e.Message);
            _transverseFailed = true;
        }
        return true;
    }

    /// <summary>The points whose dispersion relation is written: those named by <c>at:</c>, else every labelled point but EP.</summary>
    List<BranchPoint> DispersionPoints(RunSpec run, Branch branch)
    {
        var spec = run.Transverse!;
        if (spec.At is null) return branch.SpecialPoints.Where(p => p.Kind != PointKind.EP && p.Label is not null).ToList();
        var list = new List<BranchPoint>();
        foreach (var (label, line) in spec.At)
        {
            var p = branch.Find(label) ?? throw new CaseException(Path.GetFileName(caseFile.Path), line,
                $"runs ({run.Name}).at: branch '{branch.Name}' has no point '{label}' (its labelled points: {LabelList(branch)})");
            list.Add(p);
        }
        return list;
    }

    void Report(RunSpec run, TransverseBranch r)
    {
        if (quiet) return;
        int unstable = r.Points.Count(p => p.UnstableModes > 0);
        var worst = r.Points.Where(p => !double.IsNaN(p.MaxGrowth)).MaxBy(p => p.MaxGrowth);
        string most = worst is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $"; largest growth {worst.MaxGrowth:G4} at point {worst.Index} (Λ = {worst.ArgmaxLambda.Real:G4})");
        int failed = r.Points.Sum(p => p.FailedModes);
        log.WriteLine($"[{run.Name}] transverse stability of {r.Branch}: {r.Points.Count} points × {r.Spectrum.Size} modes in {r.WallMilliseconds:F0} ms " +
            $"on {r.Threads} thread(s); transversally unstable at {unstable} point(s){most}" + (failed > 0 ? $"; {failed} mode(s) not computed" : ""));
    }

    /// <summary>
    /// Progress of a transverse run or map on stderr: "[run] what: done/total unit, about N s left",
    /// redrawn at most ten times a second on a terminal, a line every <paramref name="every"/> seconds otherwise.
    /// </summary>
    sealed class Progress(TextWriter log, string name, string what, int total, string unit, double every = 1.0) : IProgress<int>
    {
        readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        readonly bool _terminal = !Console.IsErrorRedirected;
        readonly object _lock = new();
        double _last = -1;
        bool _drawn;

        public void Report(int done)
        {
            lock (_lock)
            {
                double t = _clock.Elapsed.TotalSeconds;
                if (t - _last < (_terminal ? 0.1 : every) && done < total) return;
                _last = t;
                string eta = done > 0 && done < total && t > 2 ? $", about {t / done * (total - done):F0} s left" : "";
                string text = $"[{name}] {what}: {done}/{total} {unit}{eta}";
                if (_terminal) { log.Write("\r" + text.PadRight(100)); _drawn = true; }
                else log.WriteLine(text);
            }
        }

        public void Finish()
        {
            lock (_lock)
                if (_drawn) log.Write("\r" + new string(' ', 100) + "\r");
        }
    }
}
