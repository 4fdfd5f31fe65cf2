using System.Globalization;
using Continuation.Cli.Cases;
using Continuation.Cli.Output;
using Continuation.Pathfollowing;
using Continuation.Results;
using Continuation.Transverse;
using Continuation.Cli.Connectivity;

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
        var first = caseFile.Runs.FirstOrDefault(r => r.Kind.NeedsConnectivity(r));
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

    /// <summary>The simulations finished so far, by run name (what a <c>spectrum</c> run reads).</summary>
    internal Dictionary<string, Runs.SimulationRecord> Simulations { get; } = [];
    bool _transverseFailed;

    /// <summary>True when a transverse run failed numerically (the exit code is then 1, as for a failed branch).</summary>
    bool TransverseFailed => _transverseFailed;

    /// <summary>The transverse analysis of the case's model on its connectivity (runs that need the connectivity).</summary>
    internal TransverseStability Transverse => _transverse ?? throw new InvalidOperationException("no connectivity was prepared");

    /// <summary>
    /// Carries out an analysis that is not a branch (<paramref name="body"/>): bad input found on the way
    /// stops the case (false; reported, summary written); a numerical failure is reported and recorded
    /// (the case ends with exit code 1), nothing half-written; a cancellation is left to the run loop.
    /// </summary>
    /// <param name="what">"transverse run", for the message.</param>
    internal bool Analyse(RunSpec run, string what, Action body)
    {
        try
        {
            // Work shared over the cores (Parallel.For) reports its first failure as itself.
            try { body(); }
            catch (AggregateException e) when (e.Flatten().InnerExceptions.Count > 0)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.Flatten().InnerExceptions[0]).Throw();
            }
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
            log.WriteLine($"error: {what} {run.Name} failed: {e.Message}");
            _writer.RecordFailed(run, e.Message);
            _transverseFailed = true;
        }
        return true;
    }

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

    /// <summary>
    /// Progress of a transverse run or map on stderr: "[run] what: done/total unit, about N s left",
    /// redrawn at most ten times a second on a terminal, a line every <paramref name="every"/> seconds otherwise.
    /// </summary>
    internal sealed class Progress(TextWriter log, string name, string what, int total, string unit, double every = 1.0) : IProgress<int>, IProgress<double>
    {
        /// <summary>A time reached (simulations, Lyapunov runs), shown in whole units.</summary>
        void IProgress<double>.Report(double value) => Report((int)value);

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
