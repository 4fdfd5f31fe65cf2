using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace Continuation.Spectra;

/// <summary>The modulation index of one (phase band, amplitude band) pair and its surrogate test.</summary>
/// <param name="Index">Tort's modulation index: the Kullback–Leibler distance of the phase–amplitude distribution from uniform, over ln(bins); 0 for no coupling.</param>
/// <param name="Threshold">The 95th percentile of the index over surrogates (the amplitude shifted in time against the phase); NaN without surrogates.</param>
/// <param name="PValue">Fraction of surrogates at least as large as the index (with the +1 correction); NaN without surrogates.</param>
/// <param name="PreferredPhase">The phase bin centre (radians) where the amplitude is largest.</param>
public sealed record ModulationIndex(double Index, double Threshold, double PValue, double PreferredPhase)
{
    /// <summary>True when the index exceeds its surrogate threshold.</summary>
    public bool Significant => Index > Threshold;
}

/// <summary>
/// Phase–amplitude coupling by the modulation index of Tort, Komorowski, Eichenbaum and Kopell
/// (J. Neurophysiol. 104, 1195–1210, 2010): the phase of a slow band and the amplitude envelope of a
/// fast band (both from zero-phase FFT band-pass filters and the analytic signal), the mean amplitude
/// in 18 phase bins, and its distance from the uniform distribution.
/// </summary>
/// <remarks>
/// The signal is filtered once in the frequency domain (its FFT is kept), so a comodulogram costs one
/// inverse FFT per band. Filter edges are raised-cosine tapers a tenth of the band wide; a band's edges
/// ring for a few of its periods at the ends of the record, so two periods of the slowest phase band are
/// left out at each end.
/// </remarks>
public sealed class PhaseAmplitudeCoupling
{
    /// <summary>Number of phase bins (Tort et al. use 18 bins of 20°).</summary>
    public const int Bins = 18;

    readonly Complex[] _spectrum;
    readonly double _rate;
    readonly int _length;

    /// <summary>Prepares the analysis of <paramref name="signal"/> sampled at <paramref name="sampleRate"/>.</summary>
    public PhaseAmplitudeCoupling(ReadOnlySpan<double> signal, double sampleRate)
    {
        if (signal.Length < 64) throw new ArgumentException($"a signal of {signal.Length} samples is too short for phase–amplitude coupling", nameof(signal));
        if (!(sampleRate > 0)) throw new ArgumentException("the sample rate must be positive", nameof(sampleRate));
        _rate = sampleRate;
        _length = signal.Length;
        double mean = 0;
        foreach (double v in signal) mean += v;
        mean /= signal.Length;
        _spectrum = new Complex[signal.Length];
        for (int i = 0; i < signal.Length; i++) _spectrum[i] = signal[i] - mean;
        Fourier.Forward(_spectrum, FourierOptions.NoScaling);
    }

    /// <summary>Duration of the signal in the units of 1/sample rate.</summary>
    public double Duration => _length / _rate;

    /// <summary>The analytic signal of the band [<paramref name="low"/>, <paramref name="high"/>]: band-passed, negative frequencies removed.</summary>
    public Complex[] Analytic(double low, double high)
    {
        if (!(high > low && low > 0)) throw new ArgumentException($"the band [{low}, {high}] is empty or not positive");
        int n = _length;
        var z = new Complex[n];
        double taper = 0.1 * (high - low);
        for (int k = 1; k <= (n - 1) / 2; k++)
        {
            double f = k * _rate / n, gain;
            if (f < low - taper || f > high + taper) continue;
            if (f < low) gain = 0.5 - 0.5 * Math.Cos(Math.PI * (f - low + taper) / taper);
            else if (f > high) gain = 0.5 - 0.5 * Math.Cos(Math.PI * (high + taper - f) / taper);
            else gain = 1;
            z[k] = 2 * gain * _spectrum[k];
        }
        Fourier.Inverse(z, FourierOptions.NoScaling);
        for (int i = 0; i < n; i++) z[i] /= n;
        return z;
    }

    /// <summary>Samples left out at each end for a slowest band starting at <paramref name="low"/>.</summary>
    int Margin(double low) => Math.Min(_length / 4, (int)Math.Ceiling(2 * _rate / low));

    /// <summary>
    /// The modulation index of the phase of [<paramref name="phaseLow"/>, <paramref name="phaseHigh"/>] and
    /// the amplitude of [<paramref name="amplitudeLow"/>, <paramref name="amplitudeHigh"/>], with
    /// <paramref name="surrogates"/> time-shifted surrogates (seeded: the same seed, the same threshold).
    /// </summary>
    public ModulationIndex Compute(double phaseLow, double phaseHigh, double amplitudeLow, double amplitudeHigh, int surrogates = 200, int seed = 1)
    {
        var phase = Analytic(phaseLow, phaseHigh);
        var amplitude = Analytic(amplitudeLow, amplitudeHigh);
        int margin = Margin(phaseLow), m = _length - 2 * margin;
        var bin = new int[m];
        var amp = new double[m];
        for (int i = 0; i < m; i++)
        {
            double angle = Math.Atan2(phase[margin + i].Imaginary, phase[margin + i].Real);
            bin[i] = Math.Min(Bins - 1, (int)((angle + Math.PI) / (2 * Math.PI) * Bins));
            amp[i] = amplitude[margin + i].Magnitude;
        }
        double index = Index(bin, amp, 0, out int preferred);
        double threshold = double.NaN, p = double.NaN;
        if (surrogates > 0)
        {
            var random = new Random(seed);
            var values = new double[surrogates];
            int above = 0;
            for (int s = 0; s < surrogates; s++)
            {
                int shift = m / 10 + random.Next(Math.Max(1, m - m / 5));
                values[s] = Index(bin, amp, shift, out _);
                if (values[s] >= index) above++;
            }
            Array.Sort(values);
            threshold = values[Math.Min(surrogates - 1, (int)Math.Ceiling(0.95 * surrogates) - 1)];
            p = (above + 1.0) / (surrogates + 1.0);
        }
        return new ModulationIndex(index, threshold, p, -Math.PI + (preferred + 0.5) * 2 * Math.PI / Bins);
    }

    /// <summary>The index with the amplitude shifted circularly by <paramref name="shift"/> samples against the phase.</summary>
    static double Index(int[] bin, double[] amp, int shift, out int preferred)
    {
        Span<double> sum = stackalloc double[Bins];
        Span<int> count = stackalloc int[Bins];
        int m = bin.Length;
        for (int i = 0; i < m; i++)
        {
            int j = i + shift;
            if (j >= m) j -= m;
            sum[bin[i]] += amp[j];
            count[bin[i]]++;
        }
        double total = 0;
        Span<double> mean = stackalloc double[Bins];
        for (int b = 0; b < Bins; b++) { mean[b] = count[b] > 0 ? sum[b] / count[b] : 0; total += mean[b]; }
        preferred = 0;
        if (!(total > 0)) return 0;
        double entropy = 0;
        for (int b = 0; b < Bins; b++)
        {
            double q = mean[b] / total;
            if (q > 0) entropy -= q * Math.Log(q);
            if (mean[b] > mean[preferred]) preferred = b;
        }
        return (Math.Log(Bins) - entropy) / Math.Log(Bins);
    }

    /// <summary>
    /// The comodulogram: the modulation index (no surrogates) for phase bands [f, f + <paramref name="phaseWidth"/>]
    /// at each of <paramref name="phaseFrequencies"/> against amplitude bands [g, g + <paramref name="amplitudeWidth"/>]
    /// at each of <paramref name="amplitudeFrequencies"/>; entry [i, j] is phase i, amplitude j.
    /// </summary>
    public double[,] Comodulogram(IReadOnlyList<double> phaseFrequencies, double phaseWidth, IReadOnlyList<double> amplitudeFrequencies, double amplitudeWidth)
    {
        int margin = Margin(phaseFrequencies.Min()), m = _length - 2 * margin;
        var amplitudes = amplitudeFrequencies.Select(g =>
        {
            var z = Analytic(g, g + amplitudeWidth);
            var a = new double[m];
            for (int i = 0; i < m; i++) a[i] = z[margin + i].Magnitude;
            return a;
        }).ToList();
        var result = new double[phaseFrequencies.Count, amplitudeFrequencies.Count];
        var bin = new int[m];
        for (int i = 0; i < phaseFrequencies.Count; i++)
        {
            var z = Analytic(phaseFrequencies[i], phaseFrequencies[i] + phaseWidth);
            for (int t = 0; t < m; t++)
                bin[t] = Math.Min(Bins - 1, (int)((Math.Atan2(z[margin + t].Imaginary, z[margin + t].Real) + Math.PI) / (2 * Math.PI) * Bins));
            for (int j = 0; j < amplitudes.Count; j++) result[i, j] = Index(bin, amplitudes[j], 0, out _);
        }
        return result;
    }
}
