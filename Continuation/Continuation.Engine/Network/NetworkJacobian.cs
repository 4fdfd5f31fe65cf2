namespace Continuation.Network;

/// <summary>
/// The Jacobian of a <see cref="NetworkSystem"/> at one state, kept in its structure: node blocks
/// D_k = J(x_k) − ε (1 − W_kk) DH(x_k) on the diagonal and ε W_kj DH(x_j) off it. A product costs
/// N·n² + nnz(W)·n, never a dense (N·n)² product.
/// </summary>
public sealed class NetworkJacobian
{
    readonly NetworkSystem _network;
    readonly double[] _diagonal, _coupling, _sent;
    double _eps;

    internal NetworkJacobian(NetworkSystem network)
    {
        _network = network;
        int nn = network.NodeDimension * network.NodeDimension;
        _diagonal = new double[network.Nodes * nn];
        _coupling = new double[network.Nodes * nn];
        _sent = new double[network.Dimension];
    }

    /// <summary>Evaluates the blocks at state <paramref name="u"/> and parameters <paramref name="p"/>.</summary>
    public void Load(ReadOnlySpan<double> u, ReadOnlySpan<double> p)
    {
        _network.Blocks(u, p, _diagonal, _coupling);
        _eps = p[_network.CouplingParameterIndex];
    }

    /// <summary>Node block D_k, row-major n × n.</summary>
    public ReadOnlySpan<double> NodeBlock(int k)
    {
        int nn = _network.NodeDimension * _network.NodeDimension;
        return _diagonal.AsSpan(k * nn, nn);
    }

    /// <summary>y = J v (both of the network's dimension; they must not overlap).</summary>
    public void Multiply(ReadOnlySpan<double> v, Span<double> y)
    {
        int n = _network.NodeDimension, nn = n * n, nodes = _network.Nodes;
        // DH(x_j) v_j: what node j sends.
        for (int j = 0; j < nodes; j++)
        {
            var c = _coupling.AsSpan(j * nn, nn);
            var vj = v.Slice(j * n, n);
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int l = 0; l < n; l++) s += c[i * n + l] * vj[l];
                _sent[j * n + i] = s;
            }
        }
        for (int k = 0; k < nodes; k++)
        {
            var d = _diagonal.AsSpan(k * nn, nn);
            var vk = v.Slice(k * n, n);
            var yk = y.Slice(k * n, n);
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int l = 0; l < n; l++) s += d[i * n + l] * vk[l];
                yk[i] = s;
            }
            if (_eps == 0) continue;
            var (columns, weights) = _network.OffDiagonalRow(k);
            var cs = columns.Span;
            var ws = weights.Span;
            for (int e = 0; e < cs.Length; e++)
            {
                double w = _eps * ws[e];
                var sj = _sent.AsSpan(cs[e] * n, n);
                for (int i = 0; i < n; i++) yk[i] += w * sj[i];
            }
        }
    }
}
