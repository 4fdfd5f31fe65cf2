using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace Continuation.Spectra;

/// <summary>A named frequency band [Low, High).</summary>
public sealed record Band(string Name, double Low, double High)
{
    /// <summary>The classical EEG bands in Hz: delta 1–4, theta 4–8, alpha 8–13, beta 13–30, gamma 30–100, high gamma 100–200.</summary>
    public static IReadOnlyList<Band> Classical { get; } =
    [
        new("delta", 1, 4), new("theta", 4, 8), new("alpha", 8, 13), new("beta", 13, 30), new("gamma", 30, 100), new("high_gamma", 100, 200),
    ];
}

/// <summary>A one-sided power spectral density: power per unit frequency at evenly spaced frequencies from 0.</summary>
/// <param name="Frequencies">0, df, 2 df, … up to the Nyquist frequency.</param>
/// <param name="Density">Power per unit frequency (signal units² per frequency unit); its integral is the signal's variance.</param>
/// <param name="Segments">Number of segments averaged.</param>
public sealed record SpectralDensity(double[] Frequencies, double[] Density, int Segments)
{
    /// <summary>Frequency resolution df.</summary>
    public double Resolution => Frequencies.Length > 1 ? Frequencies[1] : double.NaN;

    /// <summary>∫ P df over [<paramref name="low"/>, <paramref name="high"/>): the bins whose frequency lies in it, times df; 0 when the band is beyond the Nyquist frequency.</summary>
    public double BandPower(double low, double high)
    {
        double sum = 0;
        for (int i = 0; i < Frequencies.Length; i++)
            if (Frequencies[i] >= low && Frequencies[i] < high) sum += Density[i];
        return sum * Resolution;
    }

    /// <summary>The frequency of the largest density above <paramref name="above"/> (excluding the zero frequency), refined by a parabola through the peak bin and its neighbours.</summary>
    public double DominantFrequency(double above = 0)
    {
        int best = -1;
        for (int i = 1; i < Density.Length; i++)
            if (Frequencies[i] > above && (best < 0 || Density[i] > Density[best])) best = i;
        if (best < 0 || Density[best] <= 0) return double.NaN;
        if (best == 0 || best == Density.Length - 1) return Frequencies[best];
        double a = Density[best - 1], b = Density[best], c = Density[best + 1], denominator = a - 2 * b + c;
        double shift = denominator == 0 ? 0 : 0.5 * (a - c) / denominator;
        return Frequencies[best] + Math.Clamp(shift, -0.5, 0.5) * Resolution;
    }
}

/// <summary>Power spectra by Welch's method with MathNet's FFT.</summary>
public static class PowerSpectrum
{
    /// <summary>
    /// Welch's estimate of the power spectral density of <paramref name="signal"/> sampled at
    /// <paramref name="sampleRate"/>: segments of <paramref name="segment"/> samples overlapping by the
    /// fraction <paramref name="overlap"/>, each with its mean removed and a periodic Hann window, the
    /// periodograms averaged; one-sided, scaled to a density (as scipy.signal.welch with its defaults).
    /// </summary>
    /// <exception cref="ArgumentException">The signal is shorter than a segment, the segment shorter than 8 samples, or the overlap not in [0, 1).</exception>
    public static SpectralDensity Welch(ReadOnlySpan<double> signal, double sampleRate, int segment, double overlap = 0.5)
    {
        if (segment < 8) throw new ArgumentException($"a segment of {segment} samples is too short (at least 8)", nameof(segment));
        if (signal.Length < segment) throw new ArgumentException($"the signal has {signal.Length} samples, fewer than one segment of {segment}", nameof(signal));
        if (!(overlap >= 0 && overlap < 1)) throw new ArgumentException($"the overlap must be in [0, 1), got {overlap}", nameof(overlap));
        if (!(sampleRate > 0)) throw new ArgumentException("the sample rate must be positive", nameof(sampleRate));
        int step = Math.Max(1, segment - (int)Math.Round(overlap * segment));
        int segments = (signal.Length - segment) / step + 1;
        var window = new double[segment];
        double power = 0;
        for (int i = 0; i < segment; i++)
        {
            window[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / segment);
            power += window[i] * window[i];
        }
        int bins = segment / 2 + 1;
        var density = new double[bins];
        var buffer = new Complex[segment];
        for (int s = 0; s < segments; s++)
        {
            var piece = signal.Slice(s * step, segment);
            double mean = 0;
            foreach (double v in piece) mean += v;
            mean /= segment;
            for (int i = 0; i < segment; i++) buffer[i] = new Complex((piece[i] - mean) * window[i], 0);
            Fourier.Forward(buffer, FourierOptions.NoScaling);
            for (int k = 0; k < bins; k++)
            {
                double p = buffer[k].Real * buffer[k].Real + buffer[k].Imaginary * buffer[k].Imaginary;
                bool doubled = k > 0 && !(segment % 2 == 0 && k == segment / 2);
                density[k] += (doubled ? 2 : 1) * p;
            }
        }
        double scale = 1.0 / (sampleRate * power * segments);
        var frequencies = new double[bins];
        for (int k = 0; k < bins; k++)
        {
            density[k] *= scale;
            frequencies[k] = k * sampleRate / segment;
        }
        return new SpectralDensity(frequencies, density, segments);
    }
}
