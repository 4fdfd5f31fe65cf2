using Continuation.Systems;

namespace Tests.Models;

/// <summary>
/// Central finite differences of a system's right-hand side, written independently of the
/// engine's own fallback so that it can serve as an oracle for analytic Jacobians.
/// </summary>
internal static class FiniteDifferenceOracle
{
    private static double StepFor(double x) => 1e-6 * Math.Max(1.0, Math.Abs(x));

    /// <summary>Row-major n×n ∂f/∂u by central differences.</summary>
    public static double[] StateJacobian(OdeSystem system, double[] u, double[] p)
    {
        int n = system.Dimension;
        var jac = new double[n * n];
        var up = (double[])u.Clone();
        var fPlus = new double[n];
        var fMinus = new double[n];
        for (int j = 0; j < n; j++)
        {
            double h = StepFor(u[j]);
            up[j] = u[j] + h;
            system.Evaluate(up, p, fPlus);
            up[j] = u[j] - h;
            system.Evaluate(up, p, fMinus);
            up[j] = u[j];
            for (int i = 0; i < n; i++) jac[i * n + j] = (fPlus[i] - fMinus[i]) / (2 * h);
        }
        return jac;
    }

    /// <summary>∂f/∂p_k by central differences.</summary>
    public static double[] ParameterColumn(OdeSystem system, double[] u, double[] p, int k)
    {
        int n = system.Dimension;
        var pp = (double[])p.Clone();
        var fPlus = new double[n];
        var fMinus = new double[n];
        double h = StepFor(p[k]);
        pp[k] = p[k] + h;
        system.Evaluate(u, pp, fPlus);
        pp[k] = p[k] - h;
        system.Evaluate(u, pp, fMinus);
        var column = new double[n];
        for (int i = 0; i < n; i++) column[i] = (fPlus[i] - fMinus[i]) / (2 * h);
        return column;
    }

    /// <summary>
    /// Largest mismatch between analytic and finite-difference values, measured relative to
    /// max(|analytic|, |fd|, <paramref name="floor"/>). Zero when they agree exactly.
    /// </summary>
    public static double RelativeMismatch(ReadOnlySpan<double> analytic, ReadOnlySpan<double> fd, double floor = 1e-2)
    {
        double worst = 0;
        for (int i = 0; i < analytic.Length; i++)
        {
            double scale = Math.Max(floor, Math.Max(Math.Abs(analytic[i]), Math.Abs(fd[i])));
            worst = Math.Max(worst, Math.Abs(analytic[i] - fd[i]) / scale);
        }
        return worst;
    }

    /// <summary>Worst relative mismatch of the analytic state Jacobian at (u, p).</summary>
    public static double StateJacobianMismatch(OdeSystem system, double[] u, double[] p)
    {
        int n = system.Dimension;
        var analytic = new double[n * n];
        analytic.AsSpan().Fill(double.NaN); // every entry must be written
        system.StateJacobian(u, p, analytic);
        return RelativeMismatch(analytic, StateJacobian(system, u, p));
    }

    /// <summary>Worst relative mismatch of the analytic parameter Jacobian over all parameters at (u, p).</summary>
    public static double ParameterJacobianMismatch(OdeSystem system, double[] u, double[] p, out int worstParameter)
    {
        int n = system.Dimension;
        var analytic = new double[n];
        double worst = 0;
        worstParameter = -1;
        for (int k = 0; k < p.Length; k++)
        {
            analytic.AsSpan().Fill(double.NaN); // every entry must be written
            system.ParameterJacobian(u, p, k, analytic);
            double m = RelativeMismatch(analytic, ParameterColumn(system, u, p, k));
            if (!(m <= worst)) { worst = m; worstParameter = k; }
        }
        return worst;
    }
}
