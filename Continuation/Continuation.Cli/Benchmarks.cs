using System.Diagnostics;
using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;
using Models;

namespace Continuation.Cli;

/// <summary>The benchmarks of <c>cont bench</c> (speed is measured here, never asserted in tests).</summary>
static class Benchmarks
{
    /// <summary>
    /// Benchmarks, after a warm-up run each: the ε = 0 equilibrium branch of the homogeneous
    /// neural-mass model (I_ext^E from −5 to 100), and the ε = 12 cycle branch from its first
    /// Hopf point (NTST = 100, NCOL = 7, Floquet multipliers at every step); then the same model
    /// written as equations against the hand-written one: evaluations per second of f, ∂f/∂u,
    /// ∂f/∂ε and d²f, and both branches again with each (ratio above 1: equations faster).
    /// </summary>
    public static int Run(int repeat, string only, TextWriter stdout)
    {
        var model = new NextGenNeuralMassHomogeneous();
        if (only == "map")
        {
            BenchMap(model, repeat, stdout);
            return 0;
        }

        EquilibriumRun EquilibriumBranch(double eps, double max)
        {
            var p = model.DefaultParameters();
            p[model.ParameterIndex("Iext_e")] = -5;
            p[model.ParameterIndex("eps")] = eps;
            var settle = new EquilibriumRun
            {
                Name = "settle", System = model, Parameters = p, Parameter = "Iext_e", State = new double[model.Dimension], SettleTime = 5000,
                Options = new ContinuationOptions { MaxSteps = 1 },
            };
            var start = EquilibriumContinuation.Run(settle).Points[0].State;
            return settle with
            {
                Name = "fp", State = start, SettleTime = null,
                Options = new ContinuationOptions { Ds = 0.01, DsMin = 1e-5, DsMax = 0.1, MaxSteps = 5000 },
                Bounds = [new NamedBound("Iext_e", -5, max)],
            };
        }

        static (double Median, double Min) Time(int repeat, Func<Branch> run, out Branch last)
        {
            last = run(); // warm-up
            var times = new List<double>();
            for (int i = 0; i < repeat; i++)
            {
                var clock = Stopwatch.StartNew();
                last = run();
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            return (times[times.Count / 2], times[0]);
        }

        var eqRun = EquilibriumBranch(0, 100);
        var (eqMedian, eqMin) = Time(Math.Max(repeat, 10), () => EquilibriumContinuation.Run(eqRun), out var eq);
        stdout.WriteLine($"equilibria, eps = 0, Iext_e in [-5, 100]: {eq.Points.Count} points, {eq.NewtonIterations} Newton iterations, " +
            $"{eq.SpecialPoints.Count(s => s.Kind == PointKind.HB)} Hopf points; median {eqMedian:F1} ms (min {eqMin:F1} ms), " +
            $"{eqMedian * 1000 / eq.Points.Count:F1} µs per point");

        var eq12 = EquilibriumContinuation.Run(EquilibriumBranch(12, 15));
        var hb = eq12.SpecialPoints.First(s => s.Kind == PointKind.HB);
        var cycleRun = new PeriodicRun
        {
            Name = "lc1", System = model, Parameters = hb.Parameters, Parameter = "Iext_e",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.01, DsMin = 1e-5, DsMax = 0.2, MaxSteps = 2000 },
            Discretisation = CycleMesh.Uniform(100, 7),
            Bounds = [new NamedBound("Iext_e", -5, 30)],
        };
        var (lcMedian, lcMin) = Time(repeat, () => PeriodicOrbitContinuation.Run(cycleRun), out var lc);
        stdout.WriteLine($"cycles, eps = 12, from HB1 (NTST = 100, NCOL = 7, multipliers at every step): {lc.Points.Count} points, " +
            $"{lc.NewtonIterations} Newton iterations, {lc.Factorizations} factorisations, " +
            $"{lc.SpecialPoints.Count(s => s.Kind == PointKind.PD)} period doublings; median {lcMedian:F0} ms (min {lcMin:F0} ms), " +
            $"{lcMedian / lc.Points.Count:F2} ms per step (min {lcMin / lc.Points.Count:F2})");
        // The same branch at NCOL 4 and 7 on one and on two threads: ms per step and Newton iterations per step.
        if (only is "all" or "cycles")
        foreach (int ncol in new[] { 4, 7 })
            foreach (int threads in new[] { 1, 2 })
            {
                var run = cycleRun with { Discretisation = CycleMesh.Uniform(100, ncol), Collocation = new CollocationOptions { MaxThreads = threads } };
                var (median, min) = Time(repeat, () => PeriodicOrbitContinuation.Run(run), out var b);
                stdout.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"cycles, eps = 12, NTST = 100, NCOL = {ncol}, {threads} thread(s): {b.Points.Count} points, " +
                    $"{median / b.Points.Count:F2} ms per step (min {min / b.Points.Count:F2}), " +
                    $"{(double)b.NewtonIterations / b.Points.Count:F2} Newton iterations and {(double)b.Factorizations / b.Points.Count:F2} factorisations per step"));
            }
        // The period-doubling curve from PD1 in (Iext_e, eps), with every test on (GPD included), as in Cases/homogeneous-2d.yaml.
        if (only is "all" or "cycles")
        {
            var pd1 = lc.SpecialPoints.First(s => s.Kind == PointKind.PD);
            var pdRun = new Codim2.CurveRun
            {
                Name = "pd12", System = model, Kind = BranchKind.PdCurve, Parameters = pd1.Parameters, First = "Iext_e", Second = "eps",
                Start = new Codim2.CurveStart.Cycle(pd1.Cycle!, pd1.Unknowns, pd1.Tangent),
                Options = new ContinuationOptions { Ds = 0.01, DsMin = 1e-5, DsMax = 0.2, MaxSteps = 800 },
                Bounds = [new NamedBound("eps", 0, 130), new NamedBound("Iext_e", -10, 40)],
            };
            var (pdMedian, pdMin) = Time(Math.Min(repeat, 3), () => Codim2.CurveContinuation.Run(pdRun), out var pd);
            stdout.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"pd curve, eps = 12 PD1 (NTST = 100, NCOL = 7, GPD test on): {pd.Points.Count} points, " +
                $"{pdMedian / pd.Points.Count:F2} ms per point (min {pdMin / pd.Points.Count:F2}), " +
                $"{(double)pd.NewtonIterations / pd.Points.Count:F2} Newton iterations and {(double)pd.Factorizations / pd.Points.Count:F2} factorisations per point"));
        }
        if (only is "all" or "transverse") BenchTransverse(model, lc, repeat, stdout);
        if (only != "all") return 0;

        // The same model written as equations (as in Cases/homogeneous-iext-eps0-equations.yaml), compiled to IL.
        var equations = Models.Equations.EquationSystem.Create(new Models.Equations.EquationModelDefinition
        {
            Name = "NextGenNeuralMass.Homogeneous.Equations",
            TimeUnit = "ms",
            Parameters = model.Parameters.Select(q => new Models.Equations.NamedValue(q.Name, q.Default)).ToList(),
            Definitions =
            [
                new("I_e", "Iext_e + tau_e*(J_ee + eps)*s_e - tau_e*J_ei*s_i"),
                new("I_i", "Iext_i + tau_i*(J_ie + eps)*s_e - tau_i*J_ii*s_i"),
            ],
            Equations =
            [
                new("r_e", "(Delta_e/(pi*tau_e) + 2*r_e*v_e)/tau_e"),
                new("v_e", "(v_e^2 + nu_e - (pi*tau_e*r_e)^2 + I_e)/tau_e"),
                new("s_e", "(-s_e + r_e)/tau_se"),
                new("r_i", "(Delta_i/(pi*tau_i) + 2*r_i*v_i)/tau_i"),
                new("v_i", "(v_i^2 + nu_i - (pi*tau_i*r_i)^2 + I_i)/tau_i"),
                new("s_i", "(-s_i + r_i)/tau_si"),
            ],
        });
        // Evaluations per CPU second (robust on a busy machine; the loop is single-threaded) over 64 points
        // of the ε = 12 cycle branch: rounds of 2^20 calls alternate between the two models, best round of each.
        var samples = lc.Points.Where((_, i) => i % Math.Max(1, lc.Points.Count / 64) == 0).Take(64)
            .Select(pt => (U: pt.State, P: pt.Parameters)).ToArray();
        using var process = Process.GetCurrentProcess();
        double Round(OdeSystem system, int what)
        {
            int dim = system.Dimension;
            var output = new double[dim * dim];
            var direction = new double[dim];
            direction.AsSpan().Fill(0.5);
            const int calls = 1 << 20;
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            for (int i = 0; i < calls; i++)
            {
                var (u, p) = samples[i % samples.Length];
                switch (what)
                {
                    case 0: system.Evaluate(u, p, output); break;
                    case 1: system.StateJacobian(u, p, output); break;
                    case 2: system.ParameterJacobian(u, p, 1, output); break;
                    default: system.SecondDirectionalDerivative(u, p, direction, output); break;
                }
            }
            process.Refresh();
            return calls / (process.TotalProcessorTime - cpu).TotalSeconds;
        }
        foreach (var (what, label) in new[] { (0, "f"), (1, "df/du (6x6)"), (2, "df/d eps"), (3, "d2f along x") })
        {
            double handWritten = 0, compiled = 0;
            Round(model, what); Round(equations, what); // warm-up
            for (int round = 0; round < 4 * repeat; round++)
            {
                handWritten = Math.Max(handWritten, Round(model, what));
                compiled = Math.Max(compiled, Round(equations, what));
            }
            stdout.WriteLine($"{label,-12} evaluations per CPU second: hand-written C# {handWritten / 1e6:F1} M, written as equations {compiled / 1e6:F1} M, ratio {compiled / handWritten:F2}");
        }
        // Whole branches with each model, timed back to back.
        var eqEquations = eqRun with { System = equations };
        var (eqhMedian, _) = Time(Math.Max(repeat, 10), () => EquilibriumContinuation.Run(eqRun), out _);
        var (eqeMedian, _) = Time(Math.Max(repeat, 10), () => EquilibriumContinuation.Run(eqEquations), out var eqe);
        stdout.WriteLine($"equilibria, eps = 0, written as equations: {eqe.Points.Count} points, median {eqeMedian:F1} ms " +
            $"(hand-written {eqhMedian:F1} ms), ratio {eqhMedian / eqeMedian:F2}");
        var cycleEquations = cycleRun with { System = equations };
        var (lchMedian, _) = Time(repeat, () => PeriodicOrbitContinuation.Run(cycleRun), out _);
        var (lceMedian, _) = Time(repeat, () => PeriodicOrbitContinuation.Run(cycleEquations), out var lce);
        stdout.WriteLine($"cycles, eps = 12, written as equations: {lce.Points.Count} points, median {lceMedian:F0} ms " +
            $"(hand-written {lchMedian:F0} ms), ratio {lchMedian / lceMedian:F2}");
        return 0;
    }

    /// <summary>
    /// Transverse Floquet exponents of 90 modes at cycle points of the ε = 12 branch: the
    /// interval-by-interval operator (build once per point, then per mode) against one structured
    /// factorisation per mode, on the paper's connectivity spectrum when ../shared is present
    /// (90 modes spread over [−0.26, 0.74] otherwise).
    /// </summary>
    /// <summary>
    /// The 540-D network of the paper (ε = 12, I_ext^E = 8.6: a stable homogeneous gamma cycle whose
    /// network modes grow) at the authors' tolerances (rtol = atol = 1e-6), from the homogeneous cycle
    /// plus N(0, 0.01²) noise: 1000 ms after a 300 ms transient, sampled every 0.5 ms. Prints simulated
    /// ms per wall second, steps, evaluations and µs per right-hand side; and, for comparison, the same
    /// integration of the right-hand side alone (no samples). The scipy reference is
    /// Continuation/Continuation.Cli/Benchmarks/network_scipy.py (see README).
    /// </summary>
    public static int Network(Transverse.ConnectivityMatrix w, int repeat, TextWriter stdout)
    {
        var model = new NextGenNeuralMassHomogeneous();
        var network = new Network.NetworkSystem(model, w.Prepare(Transverse.ConnectivityNormalization.None));
        var p = model.DefaultParameters();
        p[NextGenNeuralMassHomogeneous.Eps] = 12;
        p[NextGenNeuralMassHomogeneous.IextE] = 8.6;
        // A point on the homogeneous cycle: settle the 6-D system.
        var node = new double[6];
        new Integration.DormandPrince(model, new Integration.DormandPrinceOptions { RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-12 }).Integrate(p, node, 0, 5000);
        var initial = Continuation.Network.NetworkPerturbation.Random(network, node, 0.01, 1);
        var options = new Network.SimulationOptions { RelativeTolerance = 1e-6, AbsoluteTolerance = 1e-6 };
        var times = new List<double>();
        Network.SimulationResult? last = null;
        for (int i = 0; i <= repeat; i++)
        {
            var sink = new double[network.Dimension];
            var grid = new Network.SampleGrid(300, 0.5, 2001, (_, _, u) => u.CopyTo(sink));
            last = Continuation.Network.Simulation.Run(network, p, initial, 0, 1300, [grid], options);
            if (i > 0) times.Add(last.WallMilliseconds); // the first is the warm-up
        }
        times.Sort();
        double median = times[times.Count / 2];
        var f = new double[network.Dimension];
        var clock = Stopwatch.StartNew();
        int evaluations = 20000;
        for (int i = 0; i < evaluations; i++) network.Evaluate(initial, p, f);
        double perEvaluation = clock.Elapsed.TotalMilliseconds * 1000 / evaluations;
        stdout.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"network, 90 nodes x 6 = 540 variables, eps = 12, Iext_e = 8.6, rtol = atol = 1e-6, 1300 ms (300 transient) sampled every 0.5 ms: " +
            $"median {median:F0} ms (min {times[0]:F0}), {1300 / (median / 1000):F0} simulated ms per wall second; {last!.Steps} steps, {last.Rejected} rejected, " +
            $"{last.Evaluations} evaluations; {perEvaluation:F2} µs per right-hand side"));
        return 0;
    }

    /// <summary>
    /// Lyapunov spectra: the 6-D homogeneous system's full spectrum over 10⁴ ms (ε = 9, I_ext^E = 10), and
    /// one cell of the authors' network line (ε = 9, k = 90 of the 540-D network, rtol = atol = 1e-6,
    /// re-orthonormalised every ms) over <paramref name="networkTime"/> ms after 300 ms of transient
    /// (the authors average over 7000 ms: the time per cell scales with it).
    /// </summary>
    public static int Lyapunov(Transverse.ConnectivityMatrix w, int repeat, double networkTime, TextWriter stdout)
    {
        var model = new NextGenNeuralMassHomogeneous();
        var p = model.DefaultParameters();
        p[NextGenNeuralMassHomogeneous.Eps] = 9;
        p[NextGenNeuralMassHomogeneous.IextE] = 10;
        var node = new double[6];
        new Integration.DormandPrince(model).Integrate(p, node, 0, 2000);
        var small = new Continuation.Lyapunov.LyapunovOptions { TEnd = 10_300, Transient = 300, ReorthonormaliseEvery = 1 };
        var times = new List<double>();
        Continuation.Lyapunov.LyapunovResult? r = null;
        for (int i = 0; i <= repeat; i++)
        {
            r = Continuation.Lyapunov.LyapunovSpectrum.Compute(model, p, node, small);
            if (i > 0) times.Add(r.WallMilliseconds);
        }
        times.Sort();
        stdout.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"lyapunov, homogeneous system (6 exponents), eps = 9, Iext_e = 10, 10^4 ms after 300: median {times[times.Count / 2]:F0} ms (min {times[0]:F0}); " +
            $"{r!.Steps} steps; λ = {string.Join(", ", r.Exponents.Select(v => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))}"));

        var network = new Network.NetworkSystem(model, w.Prepare(Transverse.ConnectivityNormalization.None));
        var x0 = Continuation.Network.NetworkPerturbation.Random(network, node, 0.01, 1);
        var options = new Continuation.Lyapunov.LyapunovOptions { Exponents = 90, TEnd = 300 + networkTime, Transient = 300, ReorthonormaliseEvery = 1 };
        // Two cells at once, one per core, as a scan runs them.
        var cells = new Continuation.Lyapunov.LyapunovResult[2];
        var clock = Stopwatch.StartNew();
        Parallel.For(0, 2, i => cells[i] = Continuation.Lyapunov.LyapunovSpectrum.Compute(network, p, x0, options, new Continuation.Network.NetworkTangent(network)));
        double wall = clock.Elapsed.TotalMilliseconds;
        stdout.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"lyapunov, network (k = 90 of 540), eps = 9, Iext_e = 10, {networkTime} ms after 300: two cells on two cores in {wall / 1000:F1} s, " +
            $"{wall / 2000:F1} s per cell ({cells[0].Steps} steps, {cells[0].WallMilliseconds / cells[0].Steps:F2} ms per step); at 7000 ms: about {wall / 2000 * 7300 / (300 + networkTime):F0} s per cell; " +
            $"λ1 = {cells[0].Exponents[0]:G4}, λ90 = {cells[0].Exponents[^1]:G4}"));
        return 0;
    }

    static void BenchTransverse(NextGenNeuralMassHomogeneous model, Branch lc, int repeat, TextWriter stdout)
    {
        var points = lc.Points.Where((_, i) => i > 0 && i % Math.Max(1, lc.Points.Count / 8) == 0).Take(8).ToArray();
        var lambdas = Enumerable.Range(0, 90).Select(i => -0.26 + i / 89.0).ToArray();
        int eps = model.ParameterIndex("eps");
        double best = double.PositiveInfinity, bestBuild = double.PositiveInfinity;
        for (int round = 0; round <= repeat; round++)
        {
            var clock = Stopwatch.StartNew();
            double build = 0;
            foreach (var pt in points)
            {
                var b = Stopwatch.StartNew();
                var op = Continuation.Transverse.CycleTransverseOperator.Build(model, model, pt.Cycle!, pt.Unknowns, pt.Parameters, pt.Period!.Value);
                build += b.Elapsed.TotalMilliseconds;
                var ws = new Continuation.Transverse.CycleTransverseOperator.Workspace(op);
                foreach (double l in lambdas) op.DominantExponent(pt.Parameters[eps] * (l - 1), ws);
            }
            if (round == 0) continue; // warm-up
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds / points.Length);
            bestBuild = Math.Min(bestBuild, build / points.Length);
        }
        // One structured factorisation per mode (the general path), on a ring of 91 nodes.
        var ring = new double[91, 91];
        for (int i = 0; i < 91; i++) { ring[i, (i + 1) % 91] = 0.5; ring[i, (i + 90) % 91] = 0.5; }
        var spectrum = Continuation.Transverse.ConnectivitySpectrum.Compute(new Continuation.Transverse.ConnectivityMatrix(ring));
        var analysis = new Continuation.Transverse.TransverseStability(model, spectrum, new Continuation.Transverse.TransverseOptions { MaxDegreeOfParallelism = 1 });
        analysis.CycleMultipliers(points[0], model.ParameterIndex("Iext_e"), 0.5);
        var c2 = Stopwatch.StartNew();
        foreach (double l in lambdas) analysis.CycleMultipliers(points[0], model.ParameterIndex("Iext_e"), l);
        double global = c2.Elapsed.TotalMilliseconds;
        stdout.WriteLine($"transverse, cycles eps = 12 (NTST = {points[0].Cycle!.Intervals}, NCOL = {points[0].Cycle!.Scheme.Degree}), 90 modes per point, one thread: " +
            $"{best:F2} ms per point ({bestBuild:F2} ms building the interval operators, {(best - bestBuild) / 90 * 1000:F0} µs per mode); " +
            $"one structured factorisation per mode: {global:F0} ms per point");
    }

    /// <summary>
    /// Lines of the instability map on a 90-node ring (89 transverse modes, like the paper's
    /// connectome): 81 resting cells at ε = 5 and 61 cycle cells at ε = 12, one thread; best of
    /// the rounds after a warm-up.
    /// </summary>
    static void BenchMap(NextGenNeuralMassHomogeneous model, int repeat, TextWriter stdout)
    {
        var ring = new double[90, 90];
        for (int i = 0; i < 90; i++) { ring[i, (i + 1) % 90] = 0.5; ring[i, (i + 89) % 90] = 0.5; }
        var spectrum = Continuation.Transverse.ConnectivitySpectrum.Compute(new Continuation.Transverse.ConnectivityMatrix(ring));
        var analysis = new Continuation.Transverse.TransverseStability(model, spectrum);
        var p = model.DefaultParameters();
        var options = new Continuation.Transverse.MapOptions { MaxDegreeOfParallelism = 1 };
        foreach (var (label, x, y) in new[]
        {
            ("resting states, eps = 5", new Continuation.Transverse.MapAxis("Iext_e", 0, 4, 0.05), new Continuation.Transverse.MapAxis("eps", 5, 5, 1)),
            ("gamma cycles, eps = 12", new Continuation.Transverse.MapAxis("Iext_e", 6, 9, 0.05), new Continuation.Transverse.MapAxis("eps", 12, 12, 1)),
        })
        {
            double best = double.PositiveInfinity;
            Continuation.Transverse.MapResult? last = null;
            for (int round = 0; round <= repeat; round++)
            {
                var clock = Stopwatch.StartNew();
                last = Continuation.Transverse.InstabilityMap.Compute(analysis, p, x, y, options);
                if (round > 0) best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
            }
            int cells = last!.Cells.Count;
            stdout.WriteLine($"map line, {label}: {cells} cells ({last.Cells.Count(c => c.State == Continuation.Transverse.MapState.Cycle)} cycles, " +
                $"{last.Searches} searches by integration), 89 transverse modes, one thread: {best:F0} ms, {best / cells:F2} ms per cell");
        }
    }
}
