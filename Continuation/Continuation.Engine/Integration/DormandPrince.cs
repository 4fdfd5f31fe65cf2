using System.Numerics;
using System.Runtime.InteropServices;
using Continuation.Systems;

namespace Continuation.Integration;

/// <summary>
/// Explicit adaptive Runge–Kutta integrator of Dormand and Prince, order 5 with an embedded
/// order-4 error estimate, for an autonomous <see cref="OdeSystem"/> at a fixed parameter vector.
/// </summary>
/// <remarks>
/// <para>Coefficients from J. R. Dormand and P. J. Prince, "A family of embedded Runge–Kutta
/// formulae", J. Comput. Appl. Math. 6 (1980) 19–26. Error norm, initial step selection
/// (HINIT) and the PI step-size controller (safety 0.9, step factor within [0.2, 10],
/// β = 0.04) follow E. Hairer, S. P. Nørsett and G. Wanner, <i>Solving Ordinary Differential
/// Equations I</i>, 2nd ed., sections II.4 and IV.2, as in their code DOPRI5. The last stage is
/// reused as the first of the next step (FSAL).</para>
/// <para>The instance is bound to one system and owns its work buffers, so a step allocates
/// nothing; for the same reason an instance must not be used from two threads at once.</para>
/// </remarks>
public sealed class DormandPrince
{
    // Butcher tableau.
    private const double C2 = 1.0 / 5.0, C3 = 3.0 / 10.0, C4 = 4.0 / 5.0, C5 = 8.0 / 9.0;
    private const double A21 = 1.0 / 5.0;
    private const double A31 = 3.0 / 40.0, A32 = 9.0 / 40.0;
    private const double A41 = 44.0 / 45.0, A42 = -56.0 / 15.0, A43 = 32.0 / 9.0;
    private const double A51 = 19372.0 / 6561.0, A52 = -25360.0 / 2187.0, A53 = 64448.0 / 6561.0, A54 = -212.0 / 729.0;
    private const double A61 = 9017.0 / 3168.0, A62 = -355.0 / 33.0, A63 = 46732.0 / 5247.0, A64 = 49.0 / 176.0, A65 = -5103.0 / 18656.0;
    private const double A71 = 35.0 / 384.0, A73 = 500.0 / 1113.0, A74 = 125.0 / 192.0, A75 = -2187.0 / 6784.0, A76 = 11.0 / 84.0;
    // Difference between the 5th-order solution and the embedded 4th-order one.
    private const double E1 = 71.0 / 57600.0, E3 = -71.0 / 16695.0, E4 = 71.0 / 1920.0, E5 = -17253.0 / 339200.0, E6 = 22.0 / 525.0, E7 = -1.0 / 40.0;

    // Step-size controller (DOPRI5 defaults).
    private const double Safety = 0.9;
    private const double MinFactor = 0.2, MaxFactor = 10.0;
    private const double Beta = 0.04;
    private const double Exponent = 0.2 - Beta * 0.75;
    private const double Uround = 2.3e-16;

    private readonly OdeSystem _system;
    private readonly int _n;
    private double[] _k1, _k7;
    private readonly double[] _k2, _k3, _k4, _k5, _k6, _yStage, _yNew;
    private DenseOutput? _dense;

    /// <summary>Creates an integrator for <paramref name="system"/>.</summary>
    /// <param name="system">The system to integrate.</param>
    /// <param name="options">Tolerances and limits; null for <see cref="DormandPrinceOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">Both tolerances are zero.</exception>
    public DormandPrince(OdeSystem system, DormandPrinceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        options ??= DormandPrinceOptions.Default;
        if (options.RelativeTolerance == 0 && options.AbsoluteTolerance == 0)
            throw new ArgumentException("At least one of the tolerances must be positive.", nameof(options));
        _system = system;
        Options = options;
        _n = system.Dimension;
        _k1 = new double[_n];
        _k2 = new double[_n];
        _k3 = new double[_n];
        _k4 = new double[_n];
        _k5 = new double[_n];
        _k6 = new double[_n];
        _k7 = new double[_n];
        _yStage = new double[_n];
        _yNew = new double[_n];
    }

    /// <summary>The system this integrator advances.</summary>
    public OdeSystem System => _system;

    /// <summary>The options in force.</summary>
    public DormandPrinceOptions Options { get; }

    /// <summary>
    /// Integrates from <paramref name="t0"/> to <paramref name="t1"/> (either direction),
    /// overwriting <paramref name="state"/> with the solution.
    /// </summary>
    /// <param name="parameters">The parameter vector, in the order of <see cref="OdeSystem.Parameters"/>.</param>
    /// <param name="state">On entry the state at <paramref name="t0"/>; on exit the state at
    /// <see cref="IntegrationResult.FinalTime"/>.</param>
    /// <param name="t0">Initial time.</param>
    /// <param name="t1">Final time.</param>
    /// <returns>Exit condition and statistics.</returns>
    public IntegrationResult Integrate(ReadOnlySpan<double> parameters, Span<double> state, double t0, double t1)
        => Run(parameters, state, t0, t1, default, null);

    /// <summary>
    /// As <see cref="Integrate(ReadOnlySpan{double}, Span{double}, double, double)"/>, trying
    /// <paramref name="firstStep"/> as the first step (e.g. the last step of the integration this one
    /// continues, <see cref="IntegrationResult.LastStepSize"/>) instead of estimating one.
    /// </summary>
    public IntegrationResult Integrate(ReadOnlySpan<double> parameters, Span<double> state, double t0, double t1, double firstStep)
        => Run(parameters, state, t0, t1, default, null, firstStep: firstStep > 0 && double.IsFinite(firstStep) ? firstStep : null);

    /// <summary>
    /// Integrates from <paramref name="t0"/> to <paramref name="t1"/>, calling
    /// <paramref name="onStep"/> with the initial point and after every accepted step.
    /// </summary>
    /// <param name="parameters">The parameter vector.</param>
    /// <param name="state">On entry the initial state; on exit the final state.</param>
    /// <param name="t0">Initial time.</param>
    /// <param name="t1">Final time.</param>
    /// <param name="onStep">Receives (t, u(t)); the span is only valid during the call.</param>
    /// <returns>Exit condition and statistics.</returns>
    public IntegrationResult Integrate(ReadOnlySpan<double> parameters, Span<double> state, double t0, double t1,
        Action<double, ReadOnlySpan<double>> onStep)
    {
        ArgumentNullException.ThrowIfNull(onStep);
        return Run(parameters, state, t0, t1, default, onStep);
    }

    /// <summary>
    /// Integrates from <paramref name="t0"/> to the last of <paramref name="outputTimes"/>, calling
    /// <paramref name="onOutput"/> exactly at each output time. Steps are shortened to land on the
    /// output times (no interpolation).
    /// </summary>
    /// <param name="parameters">The parameter vector.</param>
    /// <param name="state">On entry the state at <paramref name="t0"/>; on exit the state at the
    /// last output time reached.</param>
    /// <param name="t0">Initial time.</param>
    /// <param name="outputTimes">Strictly monotone times, all on the same side of
    /// <paramref name="t0"/> (the first may equal <paramref name="t0"/>).</param>
    /// <param name="onOutput">Receives (t, u(t)) for each output time; the span is only valid during the call.</param>
    /// <returns>Exit condition and statistics.</returns>
    /// <exception cref="ArgumentException">The output times are empty, not finite or not monotone away from <paramref name="t0"/>.</exception>
    public IntegrationResult Integrate(ReadOnlySpan<double> parameters, Span<double> state, double t0,
        ReadOnlySpan<double> outputTimes, Action<double, ReadOnlySpan<double>> onOutput)
    {
        ArgumentNullException.ThrowIfNull(onOutput);
        if (outputTimes.IsEmpty) throw new ArgumentException("At least one output time is required.", nameof(outputTimes));
        double t1 = outputTimes[^1];
        double dir = t1 >= t0 ? 1.0 : -1.0;
        double previous = t0;
        for (int i = 0; i < outputTimes.Length; i++)
        {
            double ti = outputTimes[i];
            bool ok = double.IsFinite(ti) && (i == 0 ? (ti - previous) * dir >= 0 : (ti - previous) * dir > 0);
            if (!ok)
                throw new ArgumentException("Output times must be finite and strictly monotone away from t0.", nameof(outputTimes));
            previous = ti;
        }
        return Run(parameters, state, t0, t1, outputTimes, onOutput, outputMode: true);
    }

    /// <summary>
    /// Integrates from <paramref name="t0"/> to <paramref name="t1"/> and hands every accepted step
    /// to <paramref name="onStep"/> as a continuous solution over the step (order 4, exact at both
    /// ends): sample it at any times inside the step without shortening steps to land on them.
    /// </summary>
    /// <param name="parameters">The parameter vector.</param>
    /// <param name="state">On entry the initial state; on exit the final state.</param>
    /// <param name="t0">Initial time.</param>
    /// <param name="t1">Final time.</param>
    /// <param name="onStep">Receives the step just accepted; the object is reused and valid only during the call.</param>
    /// <returns>Exit condition and statistics.</returns>
    public IntegrationResult Integrate(ReadOnlySpan<double> parameters, Span<double> state, double t0, double t1, Action<DenseOutput> onStep)
    {
        ArgumentNullException.ThrowIfNull(onStep);
        _dense ??= new DenseOutput(_n);
        return Run(parameters, state, t0, t1, default, null, dense: onStep);
    }

    private IntegrationResult Run(ReadOnlySpan<double> p, Span<double> y, double t0, double t1,
        ReadOnlySpan<double> outputs, Action<double, ReadOnlySpan<double>>? callback, bool outputMode = false, Action<DenseOutput>? dense = null, double? firstStep = null)
    {
        if (y.Length != _n)
            throw new ArgumentException($"State has length {y.Length}; {_system.Name} has dimension {_n}.", "state");
        if (p.Length != _system.Parameters.Count)
            throw new ArgumentException($"Parameter vector has length {p.Length}; {_system.Name} has {_system.Parameters.Count} parameters.", "parameters");
        if (!double.IsFinite(t0) || !double.IsFinite(t1))
            throw new ArgumentException("Initial and final times must be finite.");

        int accepted = 0, rejected = 0, evaluations = 0;
        if (!AllFinite(y)) return new(IntegrationStatus.NonFinite, t0, 0, 0, 0, 0);

        double t = t0;
        int nextOutput = 0;
        Action<double, ReadOnlySpan<double>>? onStep = outputMode ? null : callback;
        onStep?.Invoke(t, y);
        if (outputMode)
        {
            while (nextOutput < outputs.Length && outputs[nextOutput] == t)
                callback!(outputs[nextOutput++], y);
            if (nextOutput == outputs.Length) return new(IntegrationStatus.Success, t, 0, 0, 0, 0);
        }
        else if (t1 == t0)
        {
            return new(IntegrationStatus.Success, t, 0, 0, 0, 0);
        }

        double dir = t1 > t0 ? 1.0 : -1.0;
        double hMax = Math.Min(Options.MaxStep ?? double.PositiveInfinity, Math.Abs(t1 - t0));
        double rtol = Options.RelativeTolerance, atol = Options.AbsoluteTolerance;

        _system.Evaluate(y, p, _k1);
        evaluations++;
        if (!AllFinite(_k1)) return new(IntegrationStatus.NonFinite, t, 0, 0, evaluations, 0);

        double h = firstStep ?? Options.InitialStep ?? InitialStep(p, y, dir, hMax, rtol, atol, ref evaluations);
        h = Math.Min(h, hMax);

        double facOld = 1e-4;
        bool lastRejected = false, lastNonFinite = false;

        while (true)
        {
            if (accepted + rejected >= Options.MaxSteps)
                return new(IntegrationStatus.MaxStepsExceeded, t, accepted, rejected, evaluations, dir * h);
            if (!(h > 0) || 0.1 * h <= Math.Abs(t) * Uround)
                return new(lastNonFinite ? IntegrationStatus.NonFinite : IntegrationStatus.StepSizeUnderflow,
                    t, accepted, rejected, evaluations, dir * h);

            double target = outputMode ? outputs[nextOutput] : t1;
            double remaining = Math.Abs(target - t);
            double hStep = h;
            bool landsOnTarget = false;
            if (1.01 * h >= remaining)
            {
                hStep = remaining;
                landsOnTarget = true;
            }

            double err = Step(p, y, dir * hStep, rtol, atol);
            evaluations += 6;

            if (!double.IsFinite(err) || !AllFinite(_yNew) || !AllFinite(_k7))
            {
                rejected++;
                lastRejected = true;
                lastNonFinite = true;
                h = hStep * MinFactor;
                continue;
            }
            lastNonFinite = false;

            double fac11 = Math.Pow(err, Exponent);
            if (err <= 1.0)
            {
                double fac = fac11 / Math.Pow(facOld, Beta);
                fac = Math.Clamp(fac / Safety, 1.0 / MaxFactor, 1.0 / MinFactor);
                double hNew = hStep / fac;
                facOld = Math.Max(err, 1e-4);
                accepted++;
                if (dense is not null)
                {
                    _dense!.Load(t, landsOnTarget ? target : t + dir * hStep, dir * hStep, y, _yNew, _k1, _k3, _k4, _k5, _k6, _k7);
                    dense(_dense);
                }

                (_k1, _k7) = (_k7, _k1);
                _yNew.AsSpan().CopyTo(y);
                t = landsOnTarget ? target : t + dir * hStep;

                if (lastRejected) hNew = Math.Min(hNew, hStep);
                lastRejected = false;
                // A step shortened to hit an output time says nothing against the longer one.
                if (landsOnTarget) hNew = Math.Max(hNew, Math.Min(h, hStep * MaxFactor));

                onStep?.Invoke(t, y);
                if (landsOnTarget)
                {
                    if (!outputMode) return new(IntegrationStatus.Success, t, accepted, rejected, evaluations, dir * hStep);
                    callback!(t, y);
                    nextOutput++;
                    if (nextOutput == outputs.Length)
                        return new(IntegrationStatus.Success, t, accepted, rejected, evaluations, dir * hStep);
                }
                h = Math.Min(hNew, hMax);
            }
            else
            {
                rejected++;
                lastRejected = true;
                h = hStep / Math.Min(1.0 / MinFactor, fac11 / Safety);
            }
        }
    }

    /// <summary>
    /// One trial step of size <paramref name="h"/> from y (with f(y) in _k1). Leaves the 5th-order
    /// solution in _yNew and f(_yNew) in _k7; returns the scaled RMS norm of the local error.
    /// </summary>
    private double Step(ReadOnlySpan<double> p, ReadOnlySpan<double> y, double h, double rtol, double atol)
    {
        int n = _n;
        double[] k1 = _k1, k2 = _k2, k3 = _k3, k4 = _k4, k5 = _k5, k6 = _k6, k7 = _k7, ys = _yStage, yn = _yNew;
        // Stages in vector registers where they fill them, element by element after; each element is
        // computed by the same operations in the same order either way, so the results do not depend
        // on the machine's vector width.
        var Y = MemoryMarshal.Cast<double, Vector<double>>(y);
        var K1 = MemoryMarshal.Cast<double, Vector<double>>(k1.AsSpan(0, n));
        var K2 = MemoryMarshal.Cast<double, Vector<double>>(k2.AsSpan(0, n));
        var K3 = MemoryMarshal.Cast<double, Vector<double>>(k3.AsSpan(0, n));
        var K4 = MemoryMarshal.Cast<double, Vector<double>>(k4.AsSpan(0, n));
        var K5 = MemoryMarshal.Cast<double, Vector<double>>(k5.AsSpan(0, n));
        var K6 = MemoryMarshal.Cast<double, Vector<double>>(k6.AsSpan(0, n));
        var K7 = MemoryMarshal.Cast<double, Vector<double>>(k7.AsSpan(0, n));
        var YS = MemoryMarshal.Cast<double, Vector<double>>(ys.AsSpan(0, n));
        var YN = MemoryMarshal.Cast<double, Vector<double>>(yn.AsSpan(0, n));
        int m = Y.Length, tail = m * Vector<double>.Count;

        for (int v = 0; v < m; v++) YS[v] = Y[v] + h * A21 * K1[v];
        for (int i = tail; i < n; i++) ys[i] = y[i] + h * A21 * k1[i];
        _system.Evaluate(ys, p, k2);
        for (int v = 0; v < m; v++) YS[v] = Y[v] + h * (A31 * K1[v] + A32 * K2[v]);
        for (int i = tail; i < n; i++) ys[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
        _system.Evaluate(ys, p, k3);
        for (int v = 0; v < m; v++) YS[v] = Y[v] + h * (A41 * K1[v] + A42 * K2[v] + A43 * K3[v]);
        for (int i = tail; i < n; i++) ys[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
        _system.Evaluate(ys, p, k4);
        for (int v = 0; v < m; v++) YS[v] = Y[v] + h * (A51 * K1[v] + A52 * K2[v] + A53 * K3[v] + A54 * K4[v]);
        for (int i = tail; i < n; i++) ys[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
        _system.Evaluate(ys, p, k5);
        for (int v = 0; v < m; v++) YS[v] = Y[v] + h * (A61 * K1[v] + A62 * K2[v] + A63 * K3[v] + A64 * K4[v] + A65 * K5[v]);
        for (int i = tail; i < n; i++) ys[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
        _system.Evaluate(ys, p, k6);
        for (int v = 0; v < m; v++) YN[v] = Y[v] + h * (A71 * K1[v] + A73 * K3[v] + A74 * K4[v] + A75 * K5[v] + A76 * K6[v]);
        for (int i = tail; i < n; i++) yn[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
        _system.Evaluate(yn, p, k7);

        // Scaled errors element by element (vectorised), summed in order.
        var R = MemoryMarshal.Cast<double, Vector<double>>(ys.AsSpan(0, n));
        var vatol = new Vector<double>(atol);
        for (int v = 0; v < m; v++)
        {
            var e = h * (E1 * K1[v] + E3 * K3[v] + E4 * K4[v] + E5 * K5[v] + E6 * K6[v] + E7 * K7[v]);
            var sk = vatol + rtol * Vector.Max(Vector.Abs(Y[v]), Vector.Abs(YN[v]));
            R[v] = e / sk;
        }
        for (int i = tail; i < n; i++)
        {
            double e = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
            double sk = atol + rtol * Math.Max(Math.Abs(y[i]), Math.Abs(yn[i]));
            ys[i] = e / sk;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) sum += ys[i] * ys[i];
        return n == 0 ? 0.0 : Math.Sqrt(sum / n);
    }

    /// <summary>Initial step size (positive) by Hairer's HINIT, with f(y) already in _k1.</summary>
    private double InitialStep(ReadOnlySpan<double> p, ReadOnlySpan<double> y, double dir, double hMax,
        double rtol, double atol, ref int evaluations)
    {
        const int order = 5;
        int n = _n;
        double dnf = 0, dny = 0;
        for (int i = 0; i < n; i++)
        {
            double sk = atol + rtol * Math.Abs(y[i]);
            dnf += (_k1[i] / sk) * (_k1[i] / sk);
            dny += (y[i] / sk) * (y[i] / sk);
        }
        double h = dnf <= 1e-10 || dny <= 1e-10 ? 1e-6 : Math.Sqrt(dny / dnf) * 0.01;
        h = Math.Min(h, hMax);

        // Explicit Euler step to estimate the second derivative.
        for (int i = 0; i < n; i++) _yStage[i] = y[i] + dir * h * _k1[i];
        _system.Evaluate(_yStage, p, _k2);
        evaluations++;
        double der2 = 0;
        for (int i = 0; i < n; i++)
        {
            double sk = atol + rtol * Math.Abs(y[i]);
            double d = (_k2[i] - _k1[i]) / sk;
            der2 += d * d;
        }
        der2 = Math.Sqrt(der2) / h;
        double der12 = Math.Max(Math.Abs(der2), Math.Sqrt(dnf));
        double h1 = der12 <= 1e-15 || !double.IsFinite(der12)
            ? Math.Max(1e-6, h * 1e-3)
            : Math.Pow(0.01 / der12, 1.0 / order);
        return Math.Min(Math.Min(100 * h, h1), hMax);
    }

    private static bool AllFinite(ReadOnlySpan<double> v)
    {
        foreach (double x in v)
            if (!double.IsFinite(x)) return false;
        return true;
    }
}

/// <summary>
/// The continuous solution over one accepted step of <see cref="DormandPrince"/> (its order-4
/// dense output), reused from step to step: valid only while the step is being handed out.
/// </summary>
public sealed class DenseOutput
{
    // Continuous extension of order 4 (Hairer, Nørsett and Wanner, section II.6: the coefficients of their DOPRI5's dense output).
    const double D1 = -12715105075.0 / 11282082432.0, D3 = 87487479700.0 / 32700410799.0, D4 = -10690763975.0 / 1880347072.0,
        D5 = 701980252875.0 / 199316789632.0, D6 = -1453857185.0 / 822651844.0, D7 = 69997945.0 / 29380423.0;
    readonly double[] _r1, _r2, _r3, _r4, _r5;

    internal DenseOutput(int n)
    {
        _r1 = new double[n]; _r2 = new double[n]; _r3 = new double[n]; _r4 = new double[n]; _r5 = new double[n];
    }

    /// <summary>Start of the step.</summary>
    public double Start { get; private set; }

    /// <summary>End of the step (the state there is the integrator's new state).</summary>
    public double End { get; private set; }

    /// <summary>Number of state variables.</summary>
    public int Dimension => _r1.Length;

    double _h;

    double[] _yNew = [], _k1 = [], _k3 = [], _k4 = [], _k5 = [], _k6 = [], _k7 = [];
    bool _ready;

    /// <summary>Takes the step's stages; the interpolation coefficients are formed when first asked for (most steps are never sampled).</summary>
    internal void Load(double t0, double t1, double h, ReadOnlySpan<double> y, double[] yNew,
        double[] k1, double[] k3, double[] k4, double[] k5, double[] k6, double[] k7)
    {
        Start = t0;
        End = t1;
        _h = h;
        y.CopyTo(_r1); // the integrator overwrites its state after the step
        (_yNew, _k1, _k3, _k4, _k5, _k6, _k7) = (yNew, k1, k3, k4, k5, k6, k7);
        _ready = false;
    }

    void Prepare()
    {
        double h = _h;
        for (int i = 0; i < _r1.Length; i++)
        {
            double dy = _yNew[i] - _r1[i], bspl = h * _k1[i] - dy;
            _r2[i] = dy;
            _r3[i] = bspl;
            _r4[i] = dy - h * _k7[i] - bspl;
            _r5[i] = h * (D1 * _k1[i] + D3 * _k3[i] + D4 * _k4[i] + D5 * _k5[i] + D6 * _k6[i] + D7 * _k7[i]);
        }
        _ready = true;
    }

    /// <summary>Writes the solution at time <paramref name="t"/> (between <see cref="Start"/> and <see cref="End"/>) into <paramref name="u"/>.</summary>
    public void Interpolate(double t, Span<double> u)
    {
        if (!_ready) Prepare();
        double theta = (t - Start) / _h, theta1 = 1 - theta;
        for (int i = 0; i < _r1.Length; i++)
            u[i] = _r1[i] + theta * (_r2[i] + theta1 * (_r3[i] + theta * (_r4[i] + theta1 * _r5[i])));
    }

    /// <summary>Component <paramref name="i"/> of the solution at time <paramref name="t"/>.</summary>
    public double Interpolate(double t, int i)
    {
        if (!_ready) Prepare();
        double theta = (t - Start) / _h, theta1 = 1 - theta;
        return _r1[i] + theta * (_r2[i] + theta1 * (_r3[i] + theta * (_r4[i] + theta1 * _r5[i])));
    }
}
