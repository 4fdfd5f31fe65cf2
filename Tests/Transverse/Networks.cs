using System.Numerics;
using Continuation.Equilibria;
using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;
using Continuation.Results;
using Continuation.Systems;
using Continuation.Transverse;
using Models;

namespace Tests.Transverse;

/// <summary>Synthetic networks and homogeneous states of the neural-mass model shared by the transverse tests.</summary>
internal static class Networks
{
    /// <summary>Undirected ring with neighbours ±1 (weight 1) and ±2 (weight 0.4), row-normalised: real Λ, double eigenvalues.</summary>
    public static ConnectivityMatrix Ring(int n)
    {
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            a[i, (i + 1) % n] += 1;
            a[i, (i + n - 1) % n] += 1;
            a[i, (i + 2) % n] += 0.4;
            a[i, (i + n - 2) % n] += 0.4;
        }
        return new ConnectivityMatrix(a).NormalizeRows();
    }

    /// <summary>Directed ring (node k listens to k + 1 with 0.7 and to k − 2 with 0.3): complex Λ.</summary>
    public static ConnectivityMatrix DirectedRing(int n)
    {
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            a[i, (i + 1) % n] += 0.7;
            a[i, (i + n - 2) % n] += 0.3;
        }
        return new ConnectivityMatrix(a);
    }

    /// <summary>Random symmetric positive weights (about a third of pairs absent, a chain keeps it connected), row-normalised.</summary>
    public static ConnectivityMatrix RandomSymmetric(int n, int seed)
    {
        var rng = new Random(seed);
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double w = j == i + 1 || rng.NextDouble() > 0.35 ? Math.Exp(3 * rng.NextDouble() - 2) : 0;
                a[i, j] = a[j, i] = w;
            }
        return new ConnectivityMatrix(a).NormalizeRows();
    }

    static readonly NextGenNeuralMassHomogeneous Model = new();

    public static double[] Parameters(double eps, double iext)
    {
        var p = Model.DefaultParameters();
        p[NextGenNeuralMassHomogeneous.Eps] = eps;
        p[NextGenNeuralMassHomogeneous.IextE] = iext;
        return p;
    }

    /// <summary>The equilibrium branch of the homogeneous model at ε = 12 from I_ext^E = −5 to 15, with user points at 2 and 8.</summary>
    public static readonly Lazy<Branch> Equilibria12 = new(() =>
    {
        var p = Parameters(12, -5);
        var settle = new EquilibriumRun
        {
            Name = "settle", System = Model, Parameters = p, Parameter = "Iext_e", State = new double[6], SettleTime = 5000,
            Options = new ContinuationOptions { MaxSteps = 1 },
        };
        var start = EquilibriumContinuation.Run(settle).Points[0].State;
        return EquilibriumContinuation.Run(settle with
        {
            Name = "fp", State = start, SettleTime = null,
            Options = new ContinuationOptions { Ds = 0.01, DsMin = 1e-5, DsMax = 0.1, MaxSteps = 3000 },
            Bounds = [new NamedBound("Iext_e", -5, 15)],
            Values = [2, 8],
        });
    });

    /// <summary>The first cycles of the ε = 12 gamma branch from HB1 (NTST = 60, NCOL = 5), a few dozen steps.</summary>
    public static readonly Lazy<Branch> Cycles12 = new(() =>
    {
        var hb = Equilibria12.Value.SpecialPoints.First(s => s.Kind == PointKind.HB);
        return PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc1", System = Model, Parameters = hb.Parameters, Parameter = "Iext_e",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.01, DsMin = 1e-5, DsMax = 0.2, MaxSteps = 40 },
            Discretisation = CycleMesh.Uniform(60, 5),
            Bounds = [new NamedBound("Iext_e", -5, 30)],
        });
    });

    /// <summary>
    /// The same gamma branch continued to I_ext^E = 8.6 (user point UZ1), where the homogeneous cycle is
    /// stable but transversally unstable on the paper's network (Λ ≈ −0.1 … −0.25).
    /// </summary>
    public static readonly Lazy<Branch> Cycles12Far = new(() =>
    {
        var hb = Equilibria12.Value.SpecialPoints.First(s => s.Kind == PointKind.HB);
        return PeriodicOrbitContinuation.Run(new PeriodicRun
        {
            Name = "lc1", System = Model, Parameters = hb.Parameters, Parameter = "Iext_e",
            Start = new CycleStart.Hopf(hb.State, hb.Details!.Omega!.Value),
            Options = new ContinuationOptions { Ds = 0.01, DsMin = 1e-5, DsMax = 0.2, MaxSteps = 400 },
            Discretisation = CycleMesh.Uniform(60, 5),
            Bounds = [new NamedBound("Iext_e", -5, 8.7)],
            Values = [8.6],
        });
    });

    /// <summary>Greedy nearest-neighbour matching of two multisets; returns the largest relative distance |a − b| / max(1, |a|).</summary>
    public static double MatchDistance(IReadOnlyList<Complex> expected, IReadOnlyList<Complex> actual, out string worst)
    {
        Assert.Equal(expected.Count, actual.Count);
        var used = new bool[actual.Count];
        double max = 0;
        worst = "";
        // Largest first: the well-separated ones claim their partners before the clusters.
        foreach (var a in expected.OrderByDescending(z => z.Magnitude))
        {
            int best = -1;
            for (int j = 0; j < actual.Count; j++)
                if (!used[j] && (best < 0 || (actual[j] - a).Magnitude < (actual[best] - a).Magnitude)) best = j;
            used[best] = true;
            double d = (actual[best] - a).Magnitude / Math.Max(1, a.Magnitude);
            if (d > max) { max = d; worst = $"{a} vs {actual[best]}"; }
        }
        return max;
    }

    /// <summary>Eigenvalues of a row-major n × n matrix.</summary>
    public static Complex[] Eigenvalues(double[] rowMajor, int n)
    {
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n, (i, j) => rowMajor[i * n + j]);
        return m.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Asymmetric).EigenValues.ToArray();
    }

    /// <summary>u' = f(u), Φ' = f_u(u) Φ (Φ row-major n × n after u): the variational equation, for monodromy by time stepping.</summary>
    public sealed class Variational(OdeSystem inner) : OdeSystem
    {
        readonly int _n = inner.Dimension;
        readonly double[] _jac = new double[inner.Dimension * inner.Dimension];
        readonly string[] _names = Enumerable.Range(0, inner.Dimension * (inner.Dimension + 1)).Select(i => $"y{i}").ToArray();

        public override string Name => inner.Name + " (variational)";
        public override IReadOnlyList<string> StateNames => _names;
        public override IReadOnlyList<Parameter> Parameters => inner.Parameters;

        public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
        {
            int n = _n;
            inner.Evaluate(u[..n], p, du[..n]);
            inner.StateJacobian(u[..n], p, _jac);
            var phi = u[n..];
            var dphi = du[n..];
            dphi.Clear();
            for (int i = 0; i < n; i++)
                for (int k = 0; k < n; k++)
                {
                    double a = _jac[i * n + k];
                    if (a == 0) continue;
                    var src = phi.Slice(k * n, n);
                    var dst = dphi.Slice(i * n, n);
                    for (int j = 0; j < n; j++) dst[j] += a * src[j];
                }
        }
    }
}
