using Continuation.Systems;
using Continuation.Transverse;

namespace Continuation.Network;

/// <summary>
/// The network of N identical nodes whose homogeneous reduction is a coupled system
/// (<see cref="ICoupledSystem"/>): node k obeys x_k' = F(x_k) + ε Σ_j W_kj H(x_j), N·n states,
/// node k's at k·n … k·n + n − 1 (names <c>r_e_0</c>, <c>v_e_0</c>, …).
/// </summary>
/// <remarks>
/// <para>Built from the homogeneous system f = F + ε H alone: with Σ_j W_kj = 1, node k's right-hand
/// side is f(x_k) + ε Σ_j W_kj (H(x_j) − H(x_k)). Written as differences, the coupling of nodes in
/// the same state is exactly zero, so a network started on the homogeneous manifold stays on it to
/// the last bit, whatever rounding the rows of W carry (the rows must sum to 1 within
/// <see cref="ConnectivityMatrix.DefaultRowSumTolerance"/>: the homogeneous system assumes it).</para>
/// <para>W is kept in compressed rows, and only the components of H that are not zero are summed
/// (one or two for a neural-mass model), so an evaluation costs N·(node) + nnz(W)·(nonzero H
/// components). The Jacobian has the structure block-diagonal + W ⊗ DH (<see cref="NetworkTangent"/>);
/// <see cref="StateJacobian"/> writes it densely for the <see cref="OdeSystem"/> contract.</para>
/// </remarks>
public sealed class NetworkSystem : OdeSystem
{
    readonly OdeSystem _node;
    readonly ICoupledSystem _coupled;
    readonly string[] _names;
    readonly int _n, _nodes, _eps;
    // W without its diagonal (it cancels in Σ_j W_kj (H_j − H_k)) in compressed rows; the off-diagonal row sums.
    readonly int[] _rowStart, _columns;
    readonly double[] _weights, _offDiagonal;
    // W row-major when at least a third of it is nonzero (the paper's matrix is 98 % full): summed in vector registers.
    readonly double[]? _dense;
    readonly double[] _rowSums;

    /// <summary>The network of <paramref name="node"/> (a homogeneous reduction: it must be an <see cref="ICoupledSystem"/>) on <paramref name="connectivity"/>.</summary>
    /// <exception cref="ArgumentException">The node system declares no coupling, or a row of W does not sum to 1.</exception>
    public NetworkSystem(OdeSystem node, ConnectivityMatrix connectivity)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(connectivity);
        _coupled = node as ICoupledSystem
            ?? throw new ArgumentException($"model {node.Name} declares no network coupling, so it cannot be networked", nameof(node));
        _node = node;
        _n = node.Dimension;
        _nodes = connectivity.Size;
        _eps = node.ParameterIndex(_coupled.CouplingParameter);
        if (_eps < 0) throw new ArgumentException($"model {node.Name} names coupling parameter '{_coupled.CouplingParameter}', which it does not have", nameof(node));
        var sums = connectivity.CheckRowSums();
        if (!sums.AllRowsSumToOne)
            throw new ArgumentException($"the connectivity's rows must sum to 1 (row {sums.FailingRows[0]} sums to {sums.Sums[sums.FailingRows[0]]:R}): normalise it first", nameof(connectivity));
        Connectivity = connectivity;

        _rowStart = new int[_nodes + 1];
        var columns = new List<int>();
        var weights = new List<double>();
        _offDiagonal = new double[_nodes];
        for (int k = 0; k < _nodes; k++)
        {
            var row = connectivity.Row(k);
            for (int j = 0; j < _nodes; j++)
            {
                if (j == k || row[j] == 0) continue;
                columns.Add(j);
                weights.Add(row[j]);
                _offDiagonal[k] += row[j];
            }
            _rowStart[k + 1] = columns.Count;
        }
        _columns = [.. columns];
        _weights = [.. weights];
        if (_columns.Length >= _nodes * (double)_nodes / 3) _dense = connectivity.Values.ToArray();
        _rowSums = connectivity.RowSums();
        _names = new string[_n * _nodes];
        for (int k = 0; k < _nodes; k++)
            for (int s = 0; s < _n; s++) _names[k * _n + s] = $"{node.StateNames[s]}_{k}";
    }

    /// <summary>The node system (the homogeneous reduction).</summary>
    public OdeSystem Node => _node;

    /// <summary>The coupling W.</summary>
    public ConnectivityMatrix Connectivity { get; }

    /// <summary>Number of nodes N.</summary>
    public int Nodes => _nodes;

    /// <summary>States per node n.</summary>
    public int NodeDimension => _n;

    /// <summary>Index of ε in the parameter vector.</summary>
    public int CouplingParameterIndex => _eps;

    /// <summary>Number of nonzero off-diagonal entries of W.</summary>
    public int Links => _columns.Length;

    /// <inheritdoc/>
    public override string Name => $"{_node.Name}.Network";

    /// <inheritdoc/>
    public override string Description => $"network of {_nodes} {_node.Name} nodes, {Dimension}-D";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => _names;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _node.Parameters;

    /// <inheritdoc/>
    public override string? TimeUnit => _node.TimeUnit;

    /// <inheritdoc/>
    public override bool HasStateJacobian => true;

    /// <summary>The network state with every node in the state <paramref name="node"/>.</summary>
    public double[] Homogeneous(ReadOnlySpan<double> node)
    {
        var u = new double[Dimension];
        for (int k = 0; k < _nodes; k++) node[.._n].CopyTo(u.AsSpan(k * _n, _n));
        return u;
    }

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
    {
        int n = _n, nodes = _nodes, size = n * nodes;
        for (int k = 0; k < nodes; k++) _node.Evaluate(u.Slice(k * n, n), p, du.Slice(k * n, n));
        double eps = p[_eps];
        if (eps == 0) return;
        // H(x_k) for every node, then per component i of H that is not zero everywhere, the column
        // c_j = H_i(x_j) and the sums Σ_j W_kj (c_j − c_k); a column equal to one already summed
        // (v_e and v_i both receive s_e) reuses its sums.
        int scratch = size + 2 * nodes * n + nodes;
        var buffer = t_scratch is { } b && b.Length >= scratch ? b : (t_scratch = new double[Math.Max(scratch, 2 * (t_scratch?.Length ?? 0))]);
        var work = buffer.AsSpan(0, scratch);
        var h = work[..size];
        var columns = work.Slice(size, nodes * n);
        var sums = work.Slice(size + nodes * n, nodes * n);
        var differences = work.Slice(size + 2 * nodes * n, nodes);
        for (int k = 0; k < nodes; k++) _coupled.CouplingInput(u.Slice(k * n, n), p, h.Slice(k * n, n));
        Span<int> summed = stackalloc int[n];
        int done = 0;
        for (int i = 0; i < n; i++)
        {
            var c = columns.Slice(done * nodes, nodes);
            bool any = false;
            for (int k = 0; k < nodes; k++) { c[k] = h[k * n + i]; any |= c[k] != 0; }
            if (!any) continue;
            int same = -1;
            for (int d = 0; d < done && same < 0; d++)
                if (columns.Slice(d * nodes, nodes).SequenceEqual(c)) same = d;
            if (same < 0)
            {
                same = done++;
                CouplingSums(c, sums.Slice(same * nodes, nodes), differences);
            }
            var sum = sums.Slice(same * nodes, nodes);
            for (int k = 0; k < nodes; k++) du[k * n + i] += eps * sum[k];
        }
    }

    /// <summary>Work space of <see cref="Evaluate"/>, one per thread (evaluations run on several threads at once).</summary>
    [ThreadStatic] static double[]? t_scratch;

    /// <summary>
    /// sum_k = Σ_j W_kj (c_j − c_k), as Σ_j W_kj d_j − r_k d_k with d_j = c_j − c_0 and r_k the row
    /// sum: every d_j is exactly zero when every c_j is equal, so the sums are too, and the rest is one
    /// matrix–vector product (dense rows four at a time in vector registers; sparse rows over their
    /// nonzero entries).
    /// </summary>
    void CouplingSums(ReadOnlySpan<double> c, Span<double> sum, Span<double> d)
    {
        int nodes = _nodes;
        double reference = c[0];
        for (int j = 0; j < nodes; j++) d[j] = c[j] - reference;
        if (_dense is { } w)
        {
            int width = System.Numerics.Vector<double>.Count, k = 0;
            for (; k + 4 <= nodes; k += 4)
            {
                var r0 = w.AsSpan(k * nodes, nodes);
                var r1 = w.AsSpan((k + 1) * nodes, nodes);
                var r2 = w.AsSpan((k + 2) * nodes, nodes);
                var r3 = w.AsSpan((k + 3) * nodes, nodes);
                System.Numerics.Vector<double> a0 = default, a1 = default, a2 = default, a3 = default;
                var dv = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(d[..nodes]);
                var v0 = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(r0);
                var v1 = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(r1);
                var v2 = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(r2);
                var v3 = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(r3);
                for (int v = 0; v < dv.Length; v++)
                {
                    var dj = dv[v];
                    a0 += v0[v] * dj;
                    a1 += v1[v] * dj;
                    a2 += v2[v] * dj;
                    a3 += v3[v] * dj;
                }
                int j = dv.Length * width;
                double s0 = System.Numerics.Vector.Sum(a0), s1 = System.Numerics.Vector.Sum(a1), s2 = System.Numerics.Vector.Sum(a2), s3 = System.Numerics.Vector.Sum(a3);
                for (; j < nodes; j++) { s0 += r0[j] * d[j]; s1 += r1[j] * d[j]; s2 += r2[j] * d[j]; s3 += r3[j] * d[j]; }
                sum[k] = s0 - _rowSums[k] * d[k];
                sum[k + 1] = s1 - _rowSums[k + 1] * d[k + 1];
                sum[k + 2] = s2 - _rowSums[k + 2] * d[k + 2];
                sum[k + 3] = s3 - _rowSums[k + 3] * d[k + 3];
            }
            for (; k < nodes; k++)
            {
                var row = w.AsSpan(k * nodes, nodes);
                double s = 0;
                for (int j = 0; j < nodes; j++) s += row[j] * d[j];
                sum[k] = s - _rowSums[k] * d[k];
            }
            return;
        }
        for (int k = 0; k < nodes; k++)
        {
            double s = 0;
            for (int e = _rowStart[k]; e < _rowStart[k + 1]; e++) s += _weights[e] * d[_columns[e]];
            sum[k] = s - _offDiagonal[k] * d[k];
        }
    }

    /// <summary>The Jacobian at <paramref name="u"/> in its structured form (node blocks and coupling blocks): J·Q for k vectors at once.</summary>
    public NetworkTangent Jacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p)
    {
        var jac = new NetworkTangent(this);
        jac.Load(u, p);
        return jac;
    }

    /// <summary>Writes the node blocks D_k = J(x_k) − ε (1 − W_kk) DH(x_k) and the coupling blocks DH(x_k), each n × n row-major, node after node.</summary>
    internal void Blocks(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> diagonal, Span<double> coupling)
    {
        int n = _n, nn = n * n;
        double eps = p[_eps];
        for (int k = 0; k < _nodes; k++)
        {
            var x = u.Slice(k * n, n);
            var d = diagonal.Slice(k * nn, nn);
            var c = coupling.Slice(k * nn, nn);
            if (_node.HasStateJacobian) _node.StateJacobian(x, p, d);
            else new Derivatives(_node).FiniteDifferenceStateJacobian(x, p, d);
            _coupled.CouplingJacobian(x, p, c);
            double scale = eps * _offDiagonal[k];
            if (scale != 0)
                for (int e = 0; e < nn; e++) d[e] -= scale * c[e];
        }
    }

    /// <summary>Off-diagonal entries of row <paramref name="k"/> of W: (columns, weights).</summary>
    internal (ReadOnlyMemory<int> Columns, ReadOnlyMemory<double> Weights) OffDiagonalRow(int k)
        => (_columns.AsMemory(_rowStart[k], _rowStart[k + 1] - _rowStart[k]), _weights.AsMemory(_rowStart[k], _rowStart[k + 1] - _rowStart[k]));

    /// <inheritdoc/>
    public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
    {
        int n = _n, nn = n * n, size = Dimension;
        var diagonal = new double[_nodes * nn];
        var coupling = new double[_nodes * nn];
        Blocks(u, p, diagonal, coupling);
        double eps = p[_eps];
        jac[..(size * size)].Clear();
        for (int k = 0; k < _nodes; k++)
        {
            for (int i = 0; i < n; i++)
                diagonal.AsSpan(k * nn + i * n, n).CopyTo(jac.Slice((k * n + i) * size + k * n, n));
            if (eps == 0) continue;
            for (int e = _rowStart[k]; e < _rowStart[k + 1]; e++)
            {
                int j = _columns[e];
                double w = eps * _weights[e];
                for (int i = 0; i < n; i++)
                    for (int l = 0; l < n; l++)
                        jac[(k * n + i) * size + j * n + l] += w * coupling[j * nn + i * n + l];
            }
        }
    }
}
