using Continuation.Systems;
using Models;

namespace Tests.Models;

/// <summary>Reproducible random (state, parameter) points for each model.</summary>
internal static class SamplePoints
{
    /// <summary>
    /// Draws <paramref name="count"/> points with a fixed seed. Neural-mass points are
    /// realistic: positive rates and synaptic activations, parameters near their defaults.
    /// </summary>
    public static IEnumerable<(double[] U, double[] P)> For(OdeSystem system, int count, int seed = 20240611)
    {
        var random = new Random(seed);
        double Uniform(double lo, double hi) => lo + (hi - lo) * random.NextDouble();

        for (int sample = 0; sample < count; sample++)
        {
            var u = new double[system.Dimension];
            var p = system.DefaultParameters();
            if (system is NextGenNeuralMassNode or NextGenNeuralMassHomogeneous)
            {
                for (int pop = 0; pop < 2; pop++)
                {
                    u[3 * pop + 0] = Uniform(0.005, 0.2);  // r
                    u[3 * pop + 1] = Uniform(-3.0, 1.0);   // v
                    u[3 * pop + 2] = Uniform(0.005, 0.2);  // s
                }
                for (int k = 0; k < p.Length; k++)
                {
                    string name = system.Parameters[k].Name;
                    p[k] = name switch
                    {
                        "Iext_e" => Uniform(-10.0, 30.0),
                        "Iext_i" => Uniform(-5.0, 5.0),
                        "eps" => Uniform(-5.0, 20.0),
                        _ => p[k] * Uniform(0.8, 1.2),
                    };
                }
            }
            else
            {
                for (int i = 0; i < u.Length; i++) u[i] = Uniform(-2.0, 2.0);
                for (int k = 0; k < p.Length; k++) p[k] = Uniform(-2.0, 2.0);
            }
            yield return (u, p);
        }
    }
}
