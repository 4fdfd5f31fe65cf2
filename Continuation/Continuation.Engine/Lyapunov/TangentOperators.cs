using System.Numerics;
using System.Runtime.InteropServices;
using Continuation.Network;
using Continuation.Systems;

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

/// <summary>Row operations on n × k row-major blocks, in vector registers.</summary>
internal static class Rows
{
    /// <summary>
    /// C = A B with A m × m' (row-major, leading dimension <paramref name="lda"/>), B m' × k and C m × k
    /// (row-major, rows of k): tiles of four rows of C by two vectors of columns kept in registers
    /// while the inner dimension runs, so each load of B feeds eight multiply-adds.
    /// </summary>
    public static void Multiply(ReadOnlySpan<double> a, int lda, int m, int inner, ReadOnlySpan<double> b, Span<double> c, int k)
    {
        int w = Vector<double>.Count, tile = 2 * w;
        ref double b0 = ref MemoryMarshal.GetReference(b);
        ref double c0 = ref MemoryMarshal.GetReference(c);
        int rows4 = m - m % 4, cols = k - k % tile;
        for (int i = 0; i < rows4; i += 4)
        {
            var a0 = a.Slice(i * lda, inner);
            var a1 = a.Slice((i + 1) * lda, inner);
            var a2 = a.Slice((i + 2) * lda, inner);
            var a3 = a.Slice((i + 3) * lda, inner);
            for (int col = 0; col < cols; col += tile)
            {
                Vector<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
                for (int j = 0; j < inner; j++)
                {
                    var s0 = Vector.LoadUnsafe(ref b0, (nuint)(j * k + col));
                    var s1 = Vector.LoadUnsafe(ref b0, (nuint)(j * k + col + w));
                    var w0 = new Vector<double>(a0[j]);
                    var w1 = new Vector<double>(a1[j]);
                    var w2 = new Vector<double>(a2[j]);
                    var w3 = new Vector<double>(a3[j]);
                    c00 += w0 * s0; c01 += w0 * s1;
                    c10 += w1 * s0; c11 += w1 * s1;
                    c20 += w2 * s0; c21 += w2 * s1;
                    c30 += w3 * s0; c31 += w3 * s1;
                }
                c00.StoreUnsafe(ref c0, (nuint)(i * k + col)); c01.StoreUnsafe(ref c0, (nuint)(i * k + col + w));
                c10.StoreUnsafe(ref c0, (nuint)((i + 1) * k + col)); c11.StoreUnsafe(ref c0, (nuint)((i + 1) * k + col + w));
                c20.StoreUnsafe(ref c0, (nuint)((i + 2) * k + col)); c21.StoreUnsafe(ref c0, (nuint)((i + 2) * k + col + w));
                c30.StoreUnsafe(ref c0, (nuint)((i + 3) * k + col)); c31.StoreUnsafe(ref c0, (nuint)((i + 3) * k + col + w));
            }
            for (int col = cols; col < k; col++)
                for (int r = 0; r < 4; r++)
                {
                    var ar = a.Slice((i + r) * lda, inner);
                    double sum = 0;
                    for (int j = 0; j < inner; j++) sum += ar[j] * b[j * k + col];
                    c[(i + r) * k + col] = sum;
                }
        }
        for (int i = rows4; i < m; i++)
        {
            var ci = c.Slice(i * k, k);
            ci.Clear();
            var ai = a.Slice(i * lda, inner);
            for (int j = 0; j < inner; j++) if (ai[j] != 0) Axpy(ai[j], b.Slice(j * k, k), ci);
        }
    }

    /// <summary>y += a·x over equal-length rows.</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        var xv = MemoryMarshal.Cast<double, Vector<double>>(x);
        var yv = MemoryMarshal.Cast<double, Vector<double>>(y);
        var av = new Vector<double>(a);
        for (int v = 0; v < yv.Length; v++) yv[v] += av * xv[v];
        for (int i = yv.Length * Vector<double>.Count; i < y.Length; i++) y[i] += a * x[i];
    }
}

/// <summary>The tangent operator of any system from its dense Jacobian (analytic, or central differences): O(n²k) per product.</summary>
public sealed class DenseTangent(OdeSystem system) : ITangentOperator
{
    readonly double[] _jac = new double[system.Dimension * system.Dimension];
    readonly Derivatives _derivatives = new(system);

    /// <inheritdoc/>
    public int Dimension => system.Dimension;

    /// <inheritdoc/>
    public void Load(ReadOnlySpan<double> x, ReadOnlySpan<double> p) => _derivatives.StateJacobian(x, p, _jac);

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

/// <summary>
/// The tangent operator of a <see cref="NetworkSystem"/> from its structure: node blocks D_k on each
/// node's rows, and the coupling ε Σ_{j≠k} W_kj DH(x_j) q_j through the rows of DH that are not zero
/// (one distinct row for the neural-mass model: s_e into v_e and v_i), as W times an N × k block.
/// A product costs O(N·n²·k + N²·k), never a dense (N·n)² product.
/// </summary>
public sealed class NetworkTangent : ITangentOperator
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
