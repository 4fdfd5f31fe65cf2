using Continuation.Algebra;
using Continuation.Systems;
using Continuation.Transverse;

namespace Continuation.Lyapunov;

/// <summary>
/// The linearised flow's right-hand side on k tangent vectors at once: Y = J(x) Q, with Q and Y
/// n × k row-major (row i holds component i of every vector, so a row operation runs over k
/// contiguous numbers).
/// </summary>
public interface ITangentOperator
{
    /// <summary>n, the state dimension.</summary>
    int Dimension { get; }

    /// <summary>Evaluates the Jacobian at <paramref name="x"/>.</summary>
    void Load(ReadOnlySpan<double> x, ReadOnlySpan<double> p);

    /// <summary>Y = J Q for the k vectors in <paramref name="q"/> (n × k row-major) into <paramref name="y"/>.</summary>
    void Apply(ReadOnlySpan<double> q, Span<double> y, int k);
}

/// <summary>
/// The tangent operator of any system from its dense Jacobian (analytic, or central differences),
/// O(n²k) per product; with a coupled system and a shift c, of J + c·DH instead — the transverse
/// operator J + ε(Λ − 1)DH of a network mode (Pecora–Carroll).
/// </summary>
public sealed class DenseTangent : ITangentOperator
{
    readonly OdeSystem _system;
    readonly ICoupledSystem? _coupled;
    readonly double _shift;
    readonly double[] _jac, _dh;
    readonly Derivatives _derivatives;

    /// <summary>The tangent operator J of <paramref name="system"/>, or J + <paramref name="shift"/>·DH with <paramref name="coupled"/>.</summary>
    public DenseTangent(OdeSystem system, ICoupledSystem? coupled = null, double shift = 0)
    {
        _system = system;
        _coupled = coupled;
        _shift = shift;
        _jac = new double[system.Dimension * system.Dimension];
        _dh = coupled is null ? [] : new double[_jac.Length];
        _derivatives = new Derivatives(system);
    }

    /// <inheritdoc/>
    public int Dimension => _system.Dimension;

    /// <summary>The operator's matrix at the point last loaded, row-major n × n.</summary>
    public ReadOnlySpan<double> Matrix => _jac;

    /// <inheritdoc/>
    public void Load(ReadOnlySpan<double> x, ReadOnlySpan<double> p)
    {
        _derivatives.StateJacobian(x, p, _jac);
        if (_coupled is null || _shift == 0) return;
        _coupled.CouplingJacobian(x, p, _dh);
        for (int i = 0; i < _jac.Length; i++) _jac[i] += _shift * _dh[i];
    }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> q, Span<double> y, int k)
    {
        int n = Dimension;
        y[..(n * k)].Clear();
        for (int i = 0; i < n; i++)
        {
            var yi = y.Slice(i * k, k);
            for (int l = 0; l < n; l++)
            {
                double a = _jac[i * n + l];
                if (a != 0) Rows.Axpy(a, q.Slice(l * k, k), yi);
            }
        }
    }
}
