using Continuation.Algebra;

namespace Continuation.Network;

/// <summary>
/// The tangent operator of a <see cref="NetworkSystem"/> from its structure: node blocks D_k on each
/// node's rows, and the coupling ε Σ_{j≠k} W_kj DH(x_j) q_j through the rows of DH that are not zero
/// (one distinct row for the neural-mass model: s_e into v_e and v_i), as W times an N × k block.
/// A product costs O(N·n²·k + N²·k), never a dense (N·n)² product.
/// </summary>
public sealed class NetworkTangent : Lyapunov.ITangentOperator
{
    readonly NetworkSystem _network;
    readonly int _n, _nodes;
    readonly double[] _diagonal, _coupling, _w;
    double[] _sent = [], _received = [];
    double _eps;

    /// <summary>The tangent operator of <paramref name="network"/>.</summary>
    public NetworkTangent(NetworkSystem network)
    {
        _network = network;
        _n = network.NodeDimension;
        _nodes = network.Nodes;
        _diagonal = new double[_nodes * _n * _n];
        _coupling = new double[_nodes * _n * _n];
        _w = network.Connectivity.Values.ToArray();
        for (int k = 0; k < _nodes; k++) _w[k * _nodes + k] = 0; // the coupling sums run over j ≠ k
    }

    /// <inheritdoc/>
    public int Dimension => _network.Dimension;

    /// <inheritdoc/>
    public void Load(ReadOnlySpan<double> x, ReadOnlySpan<double> p)
    {
        _network.Blocks(x, p, _diagonal, _coupling);
        _eps = p[_network.CouplingParameterIndex];
    }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> q, Span<double> y, int k)
    {
        int n = _n, nn = n * n, nodes = _nodes;
        // Node blocks: y_node = D_node q_node, an n × n times n × k product per node.
        for (int node = 0; node < nodes; node++)
            Rows.Multiply(_diagonal.AsSpan(node * nn, nn), n, n, n, q.Slice(node * n * k, n * k), y.Slice(node * n * k, n * k), k);
        if (_eps == 0) return;
        if (_sent.Length < nodes * k) { _sent = new double[nodes * k]; _received = new double[nodes * k]; }
        var sent = _sent.AsSpan(0, nodes * k);
        var received = _received.AsSpan(0, nodes * k);
        Span<bool> done = stackalloc bool[n];
        for (int r = 0; r < n; r++)
        {
            if (done[r]) continue;
            // Row r of DH at every node; skip it if it is zero everywhere.
            bool any = false;
            for (int node = 0; node < nodes && !any; node++)
                for (int l = 0; l < n && !any; l++) any = _coupling[node * nn + r * n + l] != 0;
            if (!any) continue;
            // sent[j, :] = DH_j[r, :] · q_j
            sent.Clear();
            for (int node = 0; node < nodes; node++)
                for (int l = 0; l < n; l++)
                {
                    double a = _coupling[node * nn + r * n + l];
                    if (a != 0) Rows.Axpy(a, q.Slice((node * n + l) * k, k), sent.Slice(node * k, k));
                }
            // received = W' sent, W' = W without its diagonal: Σ_{j≠m} W_mj sent[j, :].
            Rows.Multiply(_w, nodes, nodes, nodes, sent, received, k);
            // Every row of DH equal to row r receives the same: add ε·received to those rows.
            for (int r2 = r; r2 < n; r2++)
            {
                if (done[r2]) continue;
                bool same = true;
                for (int node = 0; node < nodes && same; node++)
                    same = _coupling.AsSpan(node * nn + r2 * n, n).SequenceEqual(_coupling.AsSpan(node * nn + r * n, n));
                if (!same) continue;
                done[r2] = true;
                for (int m = 0; m < nodes; m++) Rows.Axpy(_eps, received.Slice(m * k, k), y.Slice((m * n + r2) * k, k));
            }
        }
    }
}
