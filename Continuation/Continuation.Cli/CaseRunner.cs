using System.Diagnostics;
using System.Globalization;
using Continuation.Cli.Cases;
using Continuation.Cli.Output;
using Continuation.Cli.Runs;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Runs;

namespace Continuation.Cli;

/// <summary>Exit codes of <c>cont</c>.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The case ran, but at least one branch ended in a Newton failure or a non-finite value.</summary>
    public const int BranchFailed = 1;
    /// <summary>Bad input: the message names file, line and key.</summary>
    public const int BadInput = 2;
    /// <summary>Interrupted (Ctrl-C, SIGINT: 128 + 2); finished branches are written, summary says complete: false.</summary>
    public const int Cancelled = 130;
    /// <summary>Terminated (SIGTERM: 128 + 15); as <see cref="Cancelled"/> otherwise.</summary>
    public const int Terminated = 143;
}

/// <summary>Runs a case's runs in order, chaining by label, and writes each branch as it finishes.</summary>
public sealed partial class CaseRunner(CaseFile caseFile, string outputDirectory, TextWriter log, bool quiet)
{
    readonly List<Branch> _branches = [];
    readonly Stopwatch _clock = new();
    OutputWriter _writer = null!;

    public IReadOnlyList<Branch> Branches => _branches;

    /// <summary>The case being run.</summary>
    internal CaseFile Case => caseFile;
    /// <summary>Where results go.</summary>
    internal OutputWriter Writer => _writer;
    /// <summary>Progress and messages (stderr).</summary>
    internal TextWriter Log => log;
    /// <summary>No progress or summaries on <see cref="Log"/> (errors still).</summary>
    internal bool Quiet => quiet;

    /// <summary>
    /// Shard i of n (1-based) of the case's scans (<c>--shard i/n</c>): only runs that can be shared
    /// out (<see cref="RunKind.Shardable"/>) are carried out, each computing its share of the cells.
    /// </summary>
    public (int Index, int Count)? Shard { get; init; }

    /// <summary>Carries out every run in order (each run kind knows how: <see cref="RunKind.Execute"/>), writing as it goes; returns the exit code.</summary>
    public int Run(CancellationToken cancellation)
    {
        _clock.Restart();
        _writer = new OutputWriter(outputDirectory, caseFile);
        _writer.WriteSpecialPoints(_branches);
        if (!PrepareTransverse()) return ExitCodes.BadInput; // TransverseRunner.cs
        foreach (var run in caseFile.Runs)
        {
            if (cancellation.IsCancellationRequested) break;
            if (Shard is { } shard && !run.Kind.Shardable)
            {
                if (!quiet) log.WriteLine($"[{run.Name}] skipped: shard {shard.Index} of {shard.Count} computes only the case's scans");
                continue;
            }
            if (!run.Kind.Execute(this, run, cancellation)) return ExitCodes.BadInput;
        }
        bool cancelled = cancellation.IsCancellationRequested;
        _writer.WriteSummary(_branches, complete: !cancelled, stoppedBecause: cancelled ? "interrupted" : null, _clock.Elapsed.TotalMilliseconds);
        if (cancelled)
        {
            log.WriteLine("interrupted: finished branches are written; summary.json says complete: false");
            return ExitCodes.Cancelled;
        }
        var failed = _branches.Where(b => b.Failed).ToList();
        foreach (var b in failed)
            log.WriteLine($"warning: branch {b.Name} failed: {string.Join("; ", b.Ends.Where(e => e.Reason is StopReason.NoConvergence or StopReason.NonFinite or StopReason.StartFailed).Select(e => e.Note))}");
        return failed.Count > 0 || TransverseFailed ? ExitCodes.BranchFailed : ExitCodes.Success;
    }

    /// <summary>Stops the case on bad input found while running: the message, and a summary that says the case is incomplete.</summary>
    internal bool Stop(CaseException e)
    {
        log.WriteLine($"error: {e.Formatted}");
        _writer.WriteSummary(_branches, complete: false, stoppedBecause: e.Formatted, _clock.Elapsed.TotalMilliseconds);
        return false;
    }

    /// <summary>Computes the branch of a <see cref="BranchRun"/> and writes it. False: bad input (reported, summary written).</summary>
    internal bool RunBranch(RunSpec run, CancellationToken cancellation)
    {
        Branch branch;
        try
        {
            var progress = quiet ? null : new ProgressLine(log);
            branch = Execute(run, progress, cancellation);
            progress?.Finish(branch);
        }
        catch (CaseException e)
        {
            return Stop(e);
        }
        catch (Exception e) when (e is ArithmeticException or InvalidOperationException or ArgumentException or MathNet.Numerics.NonConvergenceException)
        {
            // A failure before the path was followed (a start that cannot be built, a switch that finds no branch):
            // the branch fails with what failed and where, and the run goes on. (Failures while following end the
            // branch at its last point: HalfBranches.)
            string what = $"{(e is ArithmeticException or MathNet.Numerics.NonConvergenceException ? "numerical failure" : "could not start")}: " +
                $"{e.Message.TrimEnd('.')} ({e.TargetSite?.DeclaringType?.Name}.{e.TargetSite?.Name})";
            log.WriteLine($"error: branch {run.Name} failed: {what}");
            branch = new Branch
            {
                Name = run.Name, Kind = run.Kind.Branch!.Value, System = caseFile.Model,
                ContinuedParameters = run.SecondParameter is null ? [run.Parameter] : [run.Parameter, run.SecondParameter],
                Points = [], Ends = [new BranchEnd(StopReason.StartFailed, what)],
            };
        }
        _writer.WriteBranch(branch);
        // Once written, a branch keeps every point's orbit only if a later transverse run analyses it
        // (the others start from labelled points): a case of many cycle branches stays small.
        if (!AnalysedLater(run))
            branch = branch.WithoutRegularProfiles();
        _branches.Add(branch);
        _writer.WriteSpecialPoints(_branches);
        return true;
    }

    /// <summary>A later transverse run analyses every point of this run's branch (so its points keep their orbits).</summary>
    bool AnalysedLater(RunSpec run) => caseFile.Runs.SkipWhile(r => r != run).Any(r => r.Details is TransverseSpec t && t.Of == run.Name);

    CaseException RunError(RunSpec run, int line, string message) => new(Path.GetFileName(caseFile.Path), line, $"runs ({run.Name}).{message}");

    /// <summary>
    /// Runs a branch: from a labelled point of an earlier branch (the engine picks the start:
    /// <see cref="Continue.From"/>), or, for equilibria, from the run's or the case's start.
    /// </summary>
    Branch Execute(RunSpec run, IProgress<BranchProgress>? progress, CancellationToken cancellation)
    {
        var settings = new RunSettings
        {
            Name = run.Name, Direction = run.Direction, DirectionGiven = run.DirectionGiven, Options = run.Options, Collocation = run.Collocation,
            Discretisation = run.Discretisation,
            Bounds = run.Bounds, Values = run.Values.Select(v => new NamedValue(v.Name, v.Value)).ToList(),
            // Cycles: the writer's measures of each regular point as it comes, then the orbit goes (memory stays flat),
            // unless a later transverse run analyses every point of this branch.
            Measure = run.Kind.Branch == BranchKind.Periodic && !AnalysedLater(run) ? _writer.Measures : null,
        };
        if (run.From is { } from)
        {
            var source = _branches.FirstOrDefault(b => b.Name == from.Branch)
                ?? throw RunError(run, from.Line, $"from: branch '{from.Branch}' has not been computed");
            try
            {
                return Continue.From(source, from.Label, run.Kind.Branch!.Value, run.Parameter, settings, run.SecondParameter, run.ParameterOverrides, progress, cancellation);
            }
            catch (StartPointException e)
            {
                throw RunError(run, from.Line, $"from: {e.Message}");
            }
        }
        var parameters = (double[])caseFile.Parameters.Clone();
        foreach (var (name, value) in run.ParameterOverrides) parameters[caseFile.Model.ParameterIndex(name)] = value;
        var start = run.Start ?? caseFile.Start;
        return Continue.Equilibria(caseFile.Model, parameters, run.Parameter, (double[])start.State.Clone(), settings, start.IntegrateUntil, progress, cancellation);
    }

    internal static string LabelList(Branch b)
    {
        var labels = b.SpecialPoints.Select(p => p.Label!).ToList();
        return labels.Count == 0 ? "none" : string.Join(", ", labels);
    }

    /// <summary>Progress on stderr: a live line on a terminal, a line a second otherwise.</summary>
    sealed class ProgressLine(TextWriter log) : IProgress<BranchProgress>
    {
        readonly Stopwatch _clock = Stopwatch.StartNew();
        readonly bool _terminal = !Console.IsErrorRedirected;
        double _last = -1;
        bool _drawn;

        public void Report(BranchProgress p)
        {
            // A live line on an interactive terminal once a branch has taken a second; nothing when
            // stderr is redirected (the summary line of each branch is written either way).
            double t = _clock.Elapsed.TotalSeconds;
            if (!_terminal || t < 1 || t - _last < 0.1) return;
            _last = t;
            string text = $"[{p.Branch}] {p.Points} points, parameter = {p.Parameter.ToString("G6", CultureInfo.InvariantCulture)}, special points: {p.SpecialPoints}" + (p.LastSpecial is null ? "" : $" (last {p.LastSpecial})");
            log.Write("\r" + text.PadRight(100));
            _drawn = true;
        }

        public void Finish(Branch b)
        {
            if (_drawn) log.Write("\r" + new string(' ', 100) + "\r");
            var specials = b.SpecialPoints.Where(p => p.Kind != PointKind.EP).Select(p => p.Label).ToList();
            log.WriteLine($"[{b.Name}] {b.Points.Count} points in {b.WallMilliseconds:F0} ms; special points: {(specials.Count == 0 ? "none" : string.Join(" ", specials))}; end: {string.Join("; ", b.Ends.Select(e => e.Note))}");
            foreach (var warning in b.Warnings) log.WriteLine($"[{b.Name}] warning: {warning}");
            int unlocated = b.SpecialPoints.Count(p => p.Details?.Located == false);
            if (unlocated > 0) log.WriteLine($"[{b.Name}] warning: {unlocated} special point(s) not located (see their notes)");
        }
    }
}
