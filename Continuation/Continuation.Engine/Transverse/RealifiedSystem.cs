using Continuation.Systems;

namespace Continuation.Transverse;

/// <summary>
/// Two uncoupled copies (u₁, u₂) of a system, u₁' = f(u₁), u₂' = f(u₂): on the diagonal u₁ = u₂ = u
/// its variational equation can carry the real and imaginary parts x, y of a complex perturbation
/// ξ = x + iy. A Jacobian shift [[aD, −bD], [bD, aD]] then makes it the real form of
/// ξ' = (f_u + (a + ib) D) ξ, and the first block column of its monodromy is (Re M; Im M) for the
/// complex monodromy M. Used for complex transverse modes of cycles.
/// </summary>
internal sealed class RealifiedSystem : OdeSystem
{
    readonly OdeSystem _inner;
    readonly int _n;
    readonly string[] _names;

    public RealifiedSystem(OdeSystem inner)
    {
        _inner = inner;
        _n = inner.Dimension;
        _names = [.. inner.StateNames.Select(s => s + "_re"), .. inner.StateNames.Select(s => s + "_im")];
    }

    public override string Name => _inner.Name + " (realified)";
    public override IReadOnlyList<string> StateNames => _names;
    public override IReadOnlyList<Parameter> Parameters => _inner.Parameters;
    public override bool HasStateJacobian => _inner.HasStateJacobian;
    public override bool HasParameterJacobian => _inner.HasParameterJacobian;

    public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
    {
        _inner.Evaluate(u[.._n], p, du[.._n]);
        _inner.Evaluate(u.Slice(_n, _n), p, du.Slice(_n, _n));
    }

    public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
    {
        int n = _n, n2 = 2 * n;
        Span<double> block = n * n <= 256 ? stackalloc double[256] : new double[n * n];
        block = block[..(n * n)];
        jac[..(n2 * n2)].Clear();
        for (int half = 0; half < 2; half++)
        {
            _inner.StateJacobian(u.Slice(half * n, n), p, block);
            int off = half * n;
            for (int i = 0; i < n; i++)
                block.Slice(i * n, n).CopyTo(jac.Slice((off + i) * n2 + off, n));
        }
    }

    public override void ParameterJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, int parameter, Span<double> column)
    {
        _inner.ParameterJacobian(u[.._n], p, parameter, column[.._n]);
        _inner.ParameterJacobian(u.Slice(_n, _n), p, parameter, column.Slice(_n, _n));
    }
}
