using Continuation.Integration;
using Continuation.Systems;
using Models;
using Xunit;

namespace Tests.Integration;

public class DormandPrinceTests
{
    /// <summary>u' = −k u.</summary>
    private sealed class ExponentialDecay : OdeSystem
    {
        public override string Name => "Test.Decay";
        public override IReadOnlyList<string> StateNames => ["u"];
        public override IReadOnlyList<Parameter> Parameters => [new("k", 1.0)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du) => du[0] = -p[0] * u[0];
    }

    /// <summary>x' = y, y' = −ω² x.</summary>
    private sealed class HarmonicOscillator : OdeSystem
    {
        public override string Name => "Test.Oscillator";
        public override IReadOnlyList<string> StateNames => ["x", "y"];
        public override IReadOnlyList<Parameter> Parameters => [new("omega", 1.0)];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            du[0] = u[1];
            du[1] = -p[0] * p[0] * u[0];
        }
    }

    /// <summary>x' = x², which blows up at t = 1/x(0).</summary>
    private sealed class BlowUp : OdeSystem
    {
        public override string Name => "Test.BlowUp";
        public override IReadOnlyList<string> StateNames => ["x"];
        public override IReadOnlyList<Parameter> Parameters => [];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du) => du[0] = u[0] * u[0];
    }

    /// <summary>x' = 1 + √(1 − x): undefined (NaN) past x = 1, which every solution reaches.</summary>
    private sealed class NaNBeyondOne : OdeSystem
    {
        public override string Name => "Test.NaN";
        public override IReadOnlyList<string> StateNames => ["x"];
        public override IReadOnlyList<Parameter> Parameters => [];
        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du) => du[0] = 1 + Math.Sqrt(1 - u[0]);
    }

    [Theory]
    [InlineData(1.0, 5.0)]
    [InlineData(0.3, 20.0)]
    public void ExponentialDecayMatchesTheExactSolution(double k, double tEnd)
    {
        var integrator = new DormandPrince(new ExponentialDecay());
        double[] u = [2.0];
        var result = integrator.Integrate([k], u, 0.0, tEnd);
        Assert.Equal(IntegrationStatus.Success, result.Status);
        Assert.Equal(tEnd, result.FinalTime);
        Assert.True(result.AcceptedSteps > 5);
        double exact = 2.0 * Math.Exp(-k * tEnd);
        Assert.True(Math.Abs(u[0] - exact) < 1e-7 * Math.Max(1, exact), $"error {Math.Abs(u[0] - exact):E3}");
    }

    [Fact]
    public void BackwardIntegrationInvertsTheDecay()
    {
        var integrator = new DormandPrince(new ExponentialDecay());
        double[] u = [Math.Exp(-3.0)];
        var result = integrator.Integrate([1.0], u, 3.0, 0.0);
        Assert.Equal(IntegrationStatus.Success, result.Status);
        Assert.Equal(0.0, result.FinalTime);
        Assert.True(result.LastStepSize < 0);
        Assert.True(Math.Abs(u[0] - 1.0) < 1e-7, $"error {Math.Abs(u[0] - 1.0):E3}");
    }

    [Fact]
    public void HarmonicOscillatorMatchesTheExactSolution()
    {
        const double omega = 2.0, tEnd = 20.0;
        var integrator = new DormandPrince(new HarmonicOscillator());
        double[] u = [1.0, 0.0];
        var result = integrator.Integrate([omega], u, 0.0, tEnd);
        Assert.Equal(IntegrationStatus.Success, result.Status);
        double x = Math.Cos(omega * tEnd), y = -omega * Math.Sin(omega * tEnd);
        double error = Math.Max(Math.Abs(u[0] - x), Math.Abs(u[1] - y));
        Assert.True(error < 1e-7, $"error {error:E3}");
        Assert.Equal(result.AcceptedSteps * 6 + result.RejectedSteps * 6 + 2, result.Evaluations);
    }

    [Fact]
    public void TighterTolerancesGiveSmallerErrors()
    {
        double ErrorAt(double rtol)
        {
            var integrator = new DormandPrince(new HarmonicOscillator(),
                new DormandPrinceOptions { RelativeTolerance = rtol, AbsoluteTolerance = rtol * 1e-2 });
            double[] u = [1.0, 0.0];
            integrator.Integrate([1.0], u, 0.0, 10.0);
            return Math.Abs(u[0] - Math.Cos(10.0));
        }
        double coarse = ErrorAt(1e-4), fine = ErrorAt(1e-9);
        Assert.True(fine < coarse / 100, $"coarse {coarse:E3}, fine {fine:E3}");
        Assert.True(coarse < 1e-2);
    }

    [Fact]
    public void OutputTimesAreHitExactly()
    {
        var integrator = new DormandPrince(new HarmonicOscillator());
        double[] times = [0.0, 0.1, 0.5, 1.0, 2.5, 7.0];
        var seen = new List<(double T, double X)>();
        double[] u = [1.0, 0.0];
        var result = integrator.Integrate([1.0], u, 0.0, times, (t, state) => seen.Add((t, state[0])));
        Assert.Equal(IntegrationStatus.Success, result.Status);
        Assert.Equal(times, seen.Select(s => s.T));
        foreach (var (t, x) in seen) Assert.True(Math.Abs(x - Math.Cos(t)) < 1e-8, $"t={t}: error {Math.Abs(x - Math.Cos(t)):E3}");
        Assert.Equal(7.0, result.FinalTime);
        Assert.Equal(Math.Cos(7.0), u[0], 1e-8);
    }

    [Fact]
    public void EveryStepCallbackSeesIncreasingTimesFromStartToEnd()
    {
        var integrator = new DormandPrince(new ExponentialDecay());
        var times = new List<double>();
        double[] u = [1.0];
        var result = integrator.Integrate([1.0], u, 0.0, 4.0, (t, state) =>
        {
            times.Add(t);
            Assert.Equal(Math.Exp(-t), state[0], 1e-8);
        });
        Assert.Equal(result.AcceptedSteps + 1, times.Count);
        Assert.Equal(0.0, times[0]);
        Assert.Equal(4.0, times[^1]);
        for (int i = 1; i < times.Count; i++) Assert.True(times[i] > times[i - 1]);
    }

    [Fact]
    public void MaxStepBoundsTheStepSize()
    {
        var integrator = new DormandPrince(new ExponentialDecay(), new DormandPrinceOptions { MaxStep = 0.01 });
        var times = new List<double>();
        var result = integrator.Integrate([1.0], new double[] { 1.0 }, 0.0, 1.0, (t, _) => times.Add(t));
        Assert.Equal(IntegrationStatus.Success, result.Status);
        for (int i = 1; i < times.Count; i++) Assert.True(times[i] - times[i - 1] <= 0.01 * (1 + 1e-12));
        Assert.True(result.AcceptedSteps >= 100);
    }

    [Fact]
    public void HopfNormalFormWithNegativeBetaDecaysLikeTheExactRadius()
    {
        // ρ' = βρ + σρ³ ⇒ ρ⁻² = (ρ0⁻² + σ/β) e^{−2βt} − σ/β.
        var hopf = new HopfNormalForm();
        var p = hopf.DefaultParameters(); // β = −1, σ = −1
        Assert.Equal([-1.0, -1.0], p);
        double[] u = [1.0, 0.5];
        double rho0 = Math.Sqrt(1.25);
        var integrator = new DormandPrince(hopf);

        var result = integrator.Integrate(p, u, 0.0, 3.0);
        Assert.Equal(IntegrationStatus.Success, result.Status);
        double w = (1 / (rho0 * rho0) + 1.0) * Math.Exp(2 * 3.0) - 1.0;
        double rhoExact = 1 / Math.Sqrt(w);
        double rho = Math.Sqrt(u[0] * u[0] + u[1] * u[1]);
        Assert.True(Math.Abs(rho - rhoExact) < 1e-8, $"ρ={rho}, exact {rhoExact}");
        // θ' = 1 ⇒ angle advanced by 3.
        double angle = Math.Atan2(u[1], u[0]) - Math.Atan2(0.5, 1.0);
        Assert.Equal(0.0, Math.IEEERemainder(angle - 3.0, 2 * Math.PI), 1e-7);

        result = integrator.Integrate(p, u, 3.0, 40.0);
        Assert.Equal(IntegrationStatus.Success, result.Status);
        double rhoEnd = Math.Sqrt(u[0] * u[0] + u[1] * u[1]);
        Assert.True(rhoEnd < 1e-9, $"ρ(40) = {rhoEnd:E3}"); // decayed below the absolute tolerance's reach
    }

    [Theory]
    [InlineData(1e-8, 1e-10, 1e-7)]   // default tolerances: |f| is limited by the tolerance
    [InlineData(1e-12, 1e-14, 1e-11)]
    public void HomogeneousNeuralMassSettlesToAnEquilibrium(double rtol, double atol, double maxResidual)
    {
        var model = new NextGenNeuralMassHomogeneous();
        var p = model.DefaultParameters();
        p[model.ParameterIndex("Iext_e")] = -5.0;
        p[model.ParameterIndex("eps")] = 0.0;
        double[] u = [0.1, -1.0, 0.1, 0.1, -1.0, 0.1];
        var options = new DormandPrinceOptions { RelativeTolerance = rtol, AbsoluteTolerance = atol };
        var result = new DormandPrince(model, options).Integrate(p, u, 0.0, 5000.0);
        Assert.Equal(IntegrationStatus.Success, result.Status);

        var f = new double[6];
        model.Evaluate(u, p, f);
        double residual = f.Max(Math.Abs);
        Assert.True(residual < maxResidual, $"|f| = {residual:E3}");
        // At an equilibrium s_p = r_p > 0 and v_p = −Δ_p / (2π τ_p r_p).
        Assert.True(u[0] > 0 && u[3] > 0);
        Assert.Equal(u[0], u[2], 1e-9);
        Assert.Equal(u[3], u[5], 1e-9);
        Assert.Equal(-1.0 / (2 * Math.PI * 8.0 * u[0]), u[1], 1e-7);
        Assert.Equal(-1.0 / (2 * Math.PI * 8.0 * u[3]), u[4], 1e-7);
    }

    [Fact]
    public void RunningOutOfStepsIsReportedWithTheLastAcceptedState()
    {
        var integrator = new DormandPrince(new HarmonicOscillator(), new DormandPrinceOptions { MaxSteps = 10 });
        double[] u = [1.0, 0.0];
        var result = integrator.Integrate([1.0], u, 0.0, 1000.0);
        Assert.Equal(IntegrationStatus.MaxStepsExceeded, result.Status);
        Assert.False(result.IsSuccess);
        Assert.Equal(10, result.AcceptedSteps + result.RejectedSteps);
        Assert.True(result.FinalTime is > 0 and < 1000);
        Assert.Equal(Math.Cos(result.FinalTime), u[0], 1e-6);
    }

    [Fact]
    public void FiniteTimeBlowUpEndsBeforeTheSingularity()
    {
        var integrator = new DormandPrince(new BlowUp());
        double[] u = [1.0];
        var result = integrator.Integrate([], u, 0.0, 2.0);
        Assert.Contains(result.Status, new[] { IntegrationStatus.StepSizeUnderflow, IntegrationStatus.NonFinite });
        Assert.True(Math.Abs(result.FinalTime - 1.0) < 1e-6, $"t = {result.FinalTime}");
        Assert.True(double.IsFinite(u[0]));
    }

    [Fact]
    public void NaNRightHandSideIsReportedAsNonFinite()
    {
        var integrator = new DormandPrince(new NaNBeyondOne());
        double[] u = [0.0];
        var result = integrator.Integrate([], u, 0.0, 5.0);
        Assert.Equal(IntegrationStatus.NonFinite, result.Status);
        Assert.True(u[0] <= 1.0 && u[0] > 0.99, $"x = {u[0]}");

        double[] bad = [double.NaN];
        Assert.Equal(IntegrationStatus.NonFinite, integrator.Integrate([], bad, 0.0, 1.0).Status);
    }

    [Fact]
    public void InvalidArgumentsAndOptionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DormandPrinceOptions { RelativeTolerance = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DormandPrinceOptions { AbsoluteTolerance = double.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DormandPrinceOptions { MaxSteps = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DormandPrinceOptions { InitialStep = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DormandPrinceOptions { MaxStep = -1 });
        Assert.Throws<ArgumentException>(() =>
            new DormandPrince(new ExponentialDecay(), new DormandPrinceOptions { RelativeTolerance = 0, AbsoluteTolerance = 0 }));

        var integrator = new DormandPrince(new HarmonicOscillator());
        Assert.Throws<ArgumentException>(() => integrator.Integrate([1.0], new double[3], 0, 1));
        Assert.Throws<ArgumentException>(() => integrator.Integrate([1.0, 2.0], new double[2], 0, 1));
        Assert.Throws<ArgumentException>(() => integrator.Integrate([1.0], new double[2], 0, new double[] { 1.0, 0.5 }, (_, _) => { }));
        Assert.Throws<ArgumentException>(() => integrator.Integrate([1.0], new double[2], 0, ReadOnlySpan<double>.Empty, (_, _) => { }));
    }

    [Fact]
    public void ZeroLengthIntervalLeavesTheStateUntouched()
    {
        var integrator = new DormandPrince(new HarmonicOscillator());
        double[] u = [0.3, -0.2];
        var result = integrator.Integrate([1.0], u, 5.0, 5.0);
        Assert.Equal(IntegrationStatus.Success, result.Status);
        Assert.Equal([0.3, -0.2], u);
        Assert.Equal(0, result.Evaluations);
    }
}
