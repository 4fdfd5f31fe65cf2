using System.Diagnostics;
using Continuation.Algebra;
using Continuation.Integration;
using Continuation.Systems;

namespace Continuation.Lyapunov;

/// <summary>How a Lyapunov spectrum is computed.</summary>
public sealed record LyapunovOptions
{
    /// <summary>Number of exponents (the k largest); null for all.</summary>
    public int? Exponents { get; init; }

    /// <summary>End time (the averaging runs from <see cref="Transient"/> to here).</summary>
    public double TEnd { get; init; } = 1000;

    /// <summary>Time before the averaging starts (the trajectory and the tangent vectors settle).</summary>
    public double Transient { get; init; }

    /// <summary>Time between re-orthonormalisations.</summary>
    public double ReorthonormaliseEvery { get; init; } = 1;

    /// <summary>Relative tolerance of the integration (trajectory and tangent vectors together).</summary>
    public double RelativeTolerance { get; init; } = 1e-6;

    /// <summary>Absolute tolerance.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-6;

    /// <summary>Largest step; null for none.</summary>
    public double? MaxStep { get; init; }

    /// <summary>Checks the options.</summary>
    public LyapunovOptions Validate()
    {
        if (!(TEnd > 0) || !(Transient >= 0) || !(Transient < TEnd)) throw new ArgumentException($"need 0 <= transient < t_end (got {Transient}, {TEnd})");
        if (!(ReorthonormaliseEvery > 0) || ReorthonormaliseEvery > TEnd - Transient) throw new ArgumentException($"reorthonormalise_every must be positive and at most t_end − transient (got {ReorthonormaliseEvery})");
        if (Exponents is < 1) throw new ArgumentException("at least one exponent");
        return this;
    }
}

/// <summary>A computed Lyapunov spectrum.</summary>
/// <param name="Exponents">λ1 ≥ λ2 ≥ … ≥ λk (per time unit), the time averages of ln R_ii.</param>
/// <param name="Spread">Per exponent, max − min of its running mean over the last ten blocks (or the last tenth of the blocks if more): how far it has converged.</param>
/// <param name="Times">Times at the end of each averaging block.</param>
/// <param name="RunningMeans">Running mean of each exponent after each block ([block][exponent]).</param>
public sealed record LyapunovResult(double[] Exponents, double[] Spread, double[] Times, double[][] RunningMeans,
    IntegrationStatus Status, double FinalTime, double[] FinalState, int Steps, double WallMilliseconds)
{
    /// <summary>True when the integration reached the end.</summary>
    public bool Succeeded => Status == IntegrationStatus.Success;

    /// <summary>The largest spread: the convergence estimate of the whole spectrum.</summary>
    public double MaxSpread => Spread.Length == 0 ? double.NaN : Spread.Max();

    /// <summary>
    /// The Kaplan–Yorke dimension j + (λ1 + … + λj)/|λ(j+1)|, j the largest index with a non-negative
    /// partial sum; 0 when λ1 &lt; 0; with fewer exponents than needed (every partial sum non-negative), k
    /// (a lower bound, <see cref="KaplanYorkeIsBound"/>).
    /// </summary>
    public double KaplanYorke
    {
        get
        {
            double sum = 0;
            for (int j = 0; j < Exponents.Length; j++)
            {
                if (sum + Exponents[j] < 0) return j + sum / Math.Abs(Exponents[j]);
                sum += Exponents[j];
            }
            return Exponents.Length;
        }
    }

    /// <summary>True when every partial sum is non-negative: the dimension is at least <see cref="KaplanYorke"/>.</summary>
    public bool KaplanYorkeIsBound => Exponents.Sum() >= 0;
}

/// <summary>
/// Lyapunov exponents by the tangent dynamics with periodic re-orthonormalisation (G. Benettin,
/// L. Galgani, A. Giorgilli and J.-M. Strelcyn, Meccanica 15, 9–30, 1980; I. Shimada and
/// T. Nagashima, Prog. Theor. Phys. 61, 1605–1616, 1979): the trajectory and k tangent vectors
/// Q' = J(x) Q are integrated together (one adaptive Dormand–Prince over n + n·k variables whose
/// error control watches the tangent vectors too: on an equilibrium the trajectory alone would let
/// the steps grow to the edge of stability and the vectors' growth be the method's); every
/// <see cref="LyapunovOptions.ReorthonormaliseEvery"/> Q = Q̃R (modified Gram–Schmidt, twice) and
/// after the transient ln R_ii accumulate. The Jacobian products come from an
/// <see cref="ITangentOperator"/>: dense for small systems, structured for networks.
/// </summary>
public static class LyapunovSpectrum
{
    /// <summary>The k largest exponents of <paramref name="system"/> from <paramref name="x0"/> (the tangent products by <paramref name="tangent"/>, default dense).</summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellation"/> is signalled.</exception>
    public static LyapunovResult Compute(OdeSystem system, ReadOnlySpan<double> parameters, ReadOnlySpan<double> x0, LyapunovOptions options,
        ITangentOperator? tangent = null, IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        int n = system.Dimension, k = Math.Min(options.Exponents ?? n, n);
        tangent ??= new DenseTangent(system);
        if (tangent.Dimension != n) throw new ArgumentException($"the tangent operator is {tangent.Dimension}-dimensional, the system {n}");
        var clock = Stopwatch.StartNew();
        var augmented = new TangentSystem(system, tangent, k);
        var integrator = new DormandPrince(augmented, new DormandPrinceOptions
        {
            RelativeTolerance = options.RelativeTolerance, AbsoluteTolerance = options.AbsoluteTolerance, MaxStep = options.MaxStep,
            MaxSteps = int.MaxValue,
        });
        var y = new double[n + n * k];
        x0.CopyTo(y);
        // Start from k random orthonormal directions (seeded: the same on every run): coordinate
        // directions can be nearly orthogonal to the leading subspace, which then takes a long
        // transient to find (row i of Q holds component i of the k vectors).
        var random = new Random(20251129);
        for (int i = n; i < y.Length; i++) y[i] = random.NextDouble() - 0.5;
        var sums = new double[k];
        var times = new List<double>();
        var means = new List<double[]>();
        double t = 0, h = 0, dt = options.ReorthonormaliseEvery;
        int steps = 0;
        var columns = new double[n * k];
        Orthonormalise(y.AsSpan(n), columns, n, k, null);
        double averaged = 0;
        // Block ends: every dt through the transient (the vectors settle), the transient itself, then every dt from it.
        var ends = new List<double>();
        for (int b = 1; b * dt < options.Transient * (1 - 1e-12); b++) ends.Add(b * dt);
        if (options.Transient > 0) ends.Add(options.Transient);
        int after = (int)Math.Ceiling((options.TEnd - options.Transient) / dt * (1 - 1e-12));
        for (int b = 1; b <= after; b++) ends.Add(Math.Min(options.TEnd, options.Transient + b * dt));
        foreach (double next in ends)
        {
            cancellation.ThrowIfCancellationRequested();
            var result = h > 0 ? integrator.Integrate(parameters, y, t, next, h) : integrator.Integrate(parameters, y, t, next);
            steps += result.AcceptedSteps;
            if (!result.IsSuccess)
                return new LyapunovResult(Divide(sums, averaged), Spread(means), [.. times], [.. means], result.Status, result.FinalTime, y[..n], steps, clock.Elapsed.TotalMilliseconds);
            h = Math.Abs(result.LastStepSize);
            bool counting = t >= options.Transient;
            double span = next - t;
            t = next;
            // Q = Q̃ R: accumulate ln R_ii once past the transient.
            Orthonormalise(y.AsSpan(n), columns, n, k, counting ? sums : null);
            if (counting)
            {
                averaged += span;
                times.Add(t);
                means.Add(Divide(sums, averaged));
            }
            progress?.Report(t);
        }
        return new LyapunovResult(Divide(sums, averaged), Spread(means), [.. times], [.. means], IntegrationStatus.Success, t, y[..n], steps, clock.Elapsed.TotalMilliseconds);
    }

    static double[] Divide(double[] sums, double time) => sums.Select(s => time > 0 ? s / time : double.NaN).ToArray();

    /// <summary>Max − min of each running mean over the last ten blocks (or tenth of the blocks, whichever is more).</summary>
    static double[] Spread(List<double[]> means)
    {
        if (means.Count == 0) return [];
        int k = means[0].Length, last = Math.Min(means.Count, Math.Max(10, means.Count / 10));
        var spread = new double[k];
        for (int i = 0; i < k; i++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int b = means.Count - last; b < means.Count; b++) { lo = Math.Min(lo, means[b][i]); hi = Math.Max(hi, means[b][i]); }
            spread[i] = hi - lo;
        }
        return spread;
    }

    /// <summary>
    /// Modified Gram–Schmidt, twice, on the k columns of the n × k row-major <paramref name="q"/>
    /// (in place); adds ln R_ii to <paramref name="logs"/> when given. The columns are copied out so
    /// that each is contiguous.
    /// </summary>
    internal static void Orthonormalise(Span<double> q, double[] columns, int n, int k, double[]? logs)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++) columns[j * n + i] = q[i * k + j];
        for (int j = 0; j < k; j++)
        {
            var cj = columns.AsSpan(j * n, n);
            for (int pass = 0; pass < 2; pass++)
                for (int i = 0; i < j; i++)
                {
                    var ci = columns.AsSpan(i * n, n);
                    double r = Dot(ci, cj);
                    Rows.Axpy(-r, ci, cj);
                }
            double norm = Math.Sqrt(Dot(cj, cj));
            if (logs is not null) logs[j] += Math.Log(norm);
            double inv = norm > 0 ? 1 / norm : 0;
            for (int i = 0; i < n; i++) cj[i] *= inv;
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++) q[i * k + j] = columns[j * n + i];
    }

    static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var av = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(a);
        var bv = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(b);
        var acc = System.Numerics.Vector<double>.Zero;
        for (int v = 0; v < av.Length; v++) acc += av[v] * bv[v];
        double s = System.Numerics.Vector.Sum(acc);
        for (int i = av.Length * System.Numerics.Vector<double>.Count; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>
    /// The fundamental matrix of the linearised flow over [0, <paramref name="time"/>] from
    /// <paramref name="x0"/> (the monodromy matrix when that is a period), row-major n × n:
    /// Q' = A(x(t)) Q from Q = I, A given by <paramref name="tangent"/>; null when the integration fails.
    /// </summary>
    internal static double[]? Flow(OdeSystem system, ITangentOperator tangent, ReadOnlySpan<double> parameters, ReadOnlySpan<double> x0, double time,
        double relativeTolerance, double absoluteTolerance)
    {
        int n = system.Dimension;
        var y = new double[n + n * n];
        x0.CopyTo(y);
        for (int i = 0; i < n; i++) y[n + i * n + i] = 1; // row i of Q is component i of the n vectors: Q = M, row-major
        var result = new DormandPrince(new TangentSystem(system, tangent, n), new DormandPrinceOptions
        {
            RelativeTolerance = relativeTolerance, AbsoluteTolerance = absoluteTolerance,
        }).Integrate(parameters, y, 0, time);
        return result.IsSuccess ? y[n..] : null;
    }

    /// <summary>x' = f(x), Q' = J(x) Q: n + n·k states (Q row-major n × k).</summary>
    sealed class TangentSystem(OdeSystem system, ITangentOperator tangent, int k) : OdeSystem
    {
        readonly int _n = system.Dimension;
        readonly string[] _names = [.. Enumerable.Range(0, system.Dimension * (k + 1)).Select(i => i < system.Dimension ? system.StateNames[i] : $"q{i}")];

        public override string Name => $"{system.Name}.Tangent";
        public override IReadOnlyList<string> StateNames => _names;
        public override IReadOnlyList<Parameter> Parameters => system.Parameters;

        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            var x = u[.._n];
            system.Evaluate(x, p, du[.._n]);
            tangent.Load(x, p);
            tangent.Apply(u[_n..], du[_n..], k);
        }
    }
}
