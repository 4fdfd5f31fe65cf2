using System.Diagnostics;
using System.Globalization;
using Continuation.Cli.Cases;
using Continuation.Cli.Output;
using Continuation.Codim2;
using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;

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

    public IReadOnlyList<Branch> Branches => _branches;

    public int Run(CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var writer = new OutputWriter(outputDirectory, caseFile);
        writer.WriteSpecialPoints(_branches);
        if (!PrepareTransverse(writer, clock)) return ExitCodes.BadInput; // TransverseRunner.cs
        foreach (var run in caseFile.Runs)
        {
            if (cancellation.IsCancellationRequested) break;
            if (run.Kind == "transverse")
            {
                if (!RunTransverse(run, writer, clock, cancellation)) return ExitCodes.BadInput;
                continue;
            }
            if (run.Kind == "transverse-map")
            {
                if (!RunMap(run, writer, clock, cancellation)) return ExitCodes.BadInput;
                continue;
            }
            Branch branch;
            try
            {
                var progress = quiet ? null : new ProgressLine(log);
                branch = Execute(run, progress, cancellation);
                progress?.Finish(branch);
            }
            catch (CaseException e)
            {
                log.WriteLine($"error: {e.Formatted}");
                writer.WriteSummary(_branches, complete: false, stoppedBecause: e.Formatted, clock.Elapsed.TotalMilliseconds);
                return ExitCodes.BadInput;
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
                    Name = run.Name, Kind = BranchKind.Equilibrium, System = caseFile.Model, ContinuedParameters = [run.Parameter],
                    Points = [], Ends = [new BranchEnd(StopReason.StartFailed, what)],
                };
            }
            _branches.Add(branch);
            writer.WriteBranch(branch);
            writer.WriteSpecialPoints(_branches);
            if (branch.Cancelled) break;
        }
        bool cancelled = cancellation.IsCancellationRequested;
        writer.WriteSummary(_branches, complete: !cancelled, stoppedBecause: cancelled ? "interrupted" : null, clock.Elapsed.TotalMilliseconds);
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

    CaseException RunError(RunSpec run, int line, string message) => new(Path.GetFileName(caseFile.Path), line, $"runs ({run.Name}).{message}");

    /// <summary>Resolves the run's start (a labelled point of an earlier branch, or the case's start) and runs it.</summary>
    Branch Execute(RunSpec run, IProgress<BranchProgress>? progress, CancellationToken cancellation)
    {
        var model = caseFile.Model;
        double[] parameters = (double[])caseFile.Parameters.Clone();
        BranchPoint? point = null;
        Branch? source = null;
        if (run.From is { } from)
        {
            source = _branches.FirstOrDefault(b => b.Name == from.Branch)
                ?? throw RunError(run, from.Line, $"from: branch '{from.Branch}' has not been computed");
            point = source.Find(from.Label) ?? throw RunError(run, from.Line,
                $"from: branch '{from.Branch}' has no point '{from.Label}' (its labelled points: {LabelList(source)})");
            parameters = (double[])point.Parameters.Clone();
        }
        foreach (var (name, value) in run.ParameterOverrides) parameters[model.ParameterIndex(name)] = value;

        if (run.Kind is "fold-curve" or "hopf-curve")
        {
            var wanted = run.Kind == "fold-curve" ? PointKind.LP : PointKind.HB;
            var curveKind = run.Kind == "fold-curve" ? BranchKind.FoldCurve : BranchKind.HopfCurve;
            // From a branch point of a curve of the same kind in the same parameters: the other curve through it.
            bool curveSwitch = point!.Kind == PointKind.BP && source!.Kind == curveKind
                && source.ContinuedParameters.SequenceEqual([run.Parameter, run.SecondParameter!]);
            if (!curveSwitch && (source!.Kind != BranchKind.Equilibrium || point!.Kind != wanted))
                throw RunError(run, run.From!.Line, $"from: a {run.Kind} starts at an {wanted} point of an equilibrium branch, and {run.From} is a {point!.Kind} point of a {source.Kind.ToString().ToLowerInvariant()} branch");
            return CurveContinuation.Run(new CurveRun
            {
                Name = run.Name,
                System = model,
                Kind = run.Kind == "fold-curve" ? BranchKind.FoldCurve : BranchKind.HopfCurve,
                Parameters = parameters,
                First = run.Parameter,
                Second = run.SecondParameter!,
                State = point.State,
                Omega = point.Details?.Omega ?? 0,
                Unknowns = curveSwitch ? point.Unknowns : null,
                BranchTangent = curveSwitch ? point.Tangent : null,
                Direction = run.Direction,
                Options = run.Options,
                Bounds = run.Bounds,
                Values = run.Values.Select(v => new NamedValue(v.Name, v.Value)).ToList(),
            }, progress, cancellation);
        }

        if (run.Kind is "lpc-curve" or "pd-curve" or "ns-curve")
        {
            var (wanted, kind) = run.Kind switch
            {
                "lpc-curve" => (PointKind.LPC, BranchKind.LpcCurve),
                "pd-curve" => (PointKind.PD, BranchKind.PdCurve),
                _ => (PointKind.NS, BranchKind.NsCurve),
            };
            if (source!.Kind != BranchKind.Periodic || point!.Kind != wanted)
                throw RunError(run, run.From!.Line, $"from: a {run.Kind} starts at a {wanted} point of a cycle branch, and {run.From} is a {point!.Kind} point of a {source.Kind.ToString().ToLowerInvariant()} branch");
            return CurveContinuation.Run(new CurveRun
            {
                Name = run.Name,
                System = model,
                Kind = kind,
                Parameters = parameters,
                First = run.Parameter,
                Second = run.SecondParameter!,
                State = point.State,
                Mesh = point.Cycle,
                Unknowns = point.Unknowns,
                Tangent = point.Tangent,
                Collocation = run.Collocation,
                Direction = run.Direction,
                Options = run.Options,
                Bounds = run.Bounds,
                Values = run.Values.Select(v => new NamedValue(v.Name, v.Value)).ToList(),
            }, progress, cancellation);
        }

        if (run.Kind == "homoclinic")
        {
            if (source!.Kind != BranchKind.Periodic)
                throw RunError(run, run.From!.Line, $"from: a homoclinic run starts from a point of a cycle branch (for instance the end of a run with stop: {{ period: 300 }}), and {run.From} is on a {source.Kind.ToString().ToLowerInvariant()} branch");
            return PeriodicOrbitContinuation.Run(new PeriodicRun
            {
                Name = run.Name,
                System = model,
                Parameters = parameters,
                Parameter = run.Parameter,
                SecondParameter = run.SecondParameter,
                Start = new CycleStart.Cycle(point!.Cycle!, point.Unknowns),
                Direction = run.Direction,
                Options = run.Options,
                Collocation = run.Collocation,
                Bounds = run.Bounds,
                Values = run.Values.Where(v => v.Name == run.Parameter).Select(v => v.Value).ToList(),
                SecondValues = run.Values.Where(v => v.Name == run.SecondParameter).Select(v => v.Value).ToList(),
            }, progress, cancellation);
        }

        if (run.Kind == "periodic")
        {
            bool sameParameter = source!.ContinuedParameters[0] == run.Parameter;
            CycleStart start = (source!.Kind, point!.Kind) switch
            {
                (BranchKind.Equilibrium, PointKind.HB) => new CycleStart.Hopf(point.State, point.Details!.Omega!.Value),
                (BranchKind.Periodic, PointKind.PD) => new CycleStart.PeriodDoubling(point.Cycle!, point.Unknowns),
                (BranchKind.Periodic, PointKind.BPC) when sameParameter => new CycleStart.BranchPoint(point.Cycle!, point.Unknowns, point.Tangent),
                (BranchKind.Periodic or BranchKind.LpcCurve or BranchKind.PdCurve or BranchKind.NsCurve, _) => new CycleStart.Cycle(point.Cycle!, point.Unknowns),
                // A frozen-period branch keeps its second parameter in the period's place: put the period back.
                (BranchKind.Homoclinic, _) => new CycleStart.Cycle(point.Cycle!, WithPeriod(point)),
                _ => throw RunError(run, run.From!.Line, $"from: {run.From} is a {point.Kind} point of an equilibrium branch; a periodic run starts at a Hopf point (HB) or at a point of a branch of cycles (a cycle branch, an lpc-, pd- or ns-curve, a homoclinic run)"),
            };
            return PeriodicOrbitContinuation.Run(new PeriodicRun
            {
                Name = run.Name,
                System = model,
                Parameters = parameters,
                Parameter = run.Parameter,
                Start = start,
                Direction = start is CycleStart.BranchPoint && !run.DirectionGiven ? Direction.Both : run.Direction,
                Options = run.Options,
                Collocation = run.Collocation,
                Bounds = run.Bounds,
                Values = run.Values.Select(v => v.Value).ToList(),
            }, progress, cancellation);
        }

        double[] state;
        double? settle = null;
        if (point is not null)
        {
            if (source!.Kind is not (BranchKind.Equilibrium or BranchKind.FoldCurve or BranchKind.HopfCurve))
                throw RunError(run, run.From!.Line, $"from: {run.From} is a point of a branch of cycles; an equilibrium run starts from a point of an equilibrium branch or of a fold or Hopf curve");
            state = (double[])point.State.Clone();
        }
        else
        {
            var start = run.Start ?? caseFile.Start;
            state = (double[])start.State.Clone();
            settle = start.IntegrateUntil;
        }
        int comp = model.Dimension;
        // From a branch point in the parameter of the branch it was found on: the other branch.
        bool branchSwitch = point is { Kind: PointKind.BP } && source!.ContinuedParameters[0] == run.Parameter;
        return EquilibriumContinuation.Run(new EquilibriumRun
        {
            Name = run.Name,
            System = model,
            Parameters = parameters,
            Parameter = run.Parameter,
            State = state,
            SettleTime = settle,
            BranchTangent = branchSwitch ? point!.Tangent : null,
            Direction = branchSwitch && !run.DirectionGiven ? Direction.Both : run.Direction,
            Options = run.Options,
            Stops = new StopConditions
            {
                Bounds = run.Bounds.Select(b => new ComponentBound(comp, b.Name, b.Min, b.Max)).ToList(),
                UserValues = run.Values.Select(v => new UserValue(comp, v.Name, v.Value)).ToList(),
            },
        }, progress, cancellation);
    }

    static double[] WithPeriod(BranchPoint point)
    {
        var x = (double[])point.Unknowns.Clone();
        x[^2] = point.Period ?? x[^2];
        return x;
    }

    static string LabelList(Branch b)
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
