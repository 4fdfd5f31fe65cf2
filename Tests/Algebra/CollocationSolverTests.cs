using Continuation.Algebra;

namespace Tests.Algebra;

public class CollocationSolverTests
{
    /// <summary>Fills a random structured system and returns it also as a dense matrix in natural order.</summary>
    static double[,] Fill(CollocationSolver solver, int n, int m, int ntst, int g, Random rng, bool diagonallyHeavy = true)
    {
        int total = solver.Unknowns;
        var dense = new double[total, total];
        int ni = n * (m - 1), cols = solver.IntervalColumns, stride = solver.IntervalStride;
        for (int j = 0; j < ntst; j++)
        {
            var block = solver.IntervalBlock(j);
            for (int r = 0; r < n * m; r++)
                for (int c = 0; c < cols; c++)
                {
                    // Diagonally heavy in the interior and the right node, like a discretised ODE
                    // (or not: then partial pivoting swaps rows at most columns).
                    double v = rng.NextDouble() - 0.5;
                    if (diagonallyHeavy && c < ni && c == r) v += 4;
                    if (c >= ni + n && c < ni + 2 * n && c - ni - n == r - ni) v += 4;
                    block[r * stride + c] = v;
                    int col = c < ni ? (j * m + 1) * n + c
                        : c < ni + n ? j * m * n + (c - ni)
                        : c < ni + 2 * n ? (j + 1) * m * n + (c - ni - n)
                        : ntst * m * n + n + (c - ni - 2 * n);
                    dense[j * n * m + r, col] = v;
                }
        }
        int bc = 2 * n + g;
        var boundary = solver.Boundary;
        for (int r = 0; r < n; r++)
            for (int c = 0; c < bc; c++)
            {
                double v = (c == r ? 1 : c == n + r ? -1 : 0) + 0.1 * (rng.NextDouble() - 0.5);
                boundary[r * bc + c] = v;
                int col = c < n ? c : c < 2 * n ? ntst * m * n + (c - n) : ntst * m * n + n + (c - 2 * n);
                dense[ntst * n * m + r, col] = v;
            }
        var border = solver.Border;
        for (int b = 0; b < g; b++)
            for (int c = 0; c < total; c++)
            {
                double v = rng.NextDouble() - 0.5;
                border[b * total + c] = v;
                dense[ntst * n * m + n + b, c] = v;
            }
        return dense;
    }

    [Theory]
    [InlineData(1, 2, 1, 1)]
    [InlineData(2, 3, 4, 2)]
    [InlineData(3, 4, 7, 2)]
    [InlineData(6, 7, 12, 2)]
    [InlineData(2, 2, 10, 0)]
    // Interior columns n(m−1) of every remainder modulo the kernels' panel width of four, on one and two threads.
    [InlineData(1, 5, 9, 1)]
    [InlineData(5, 4, 9, 3)]
    [InlineData(4, 3, 11, 2)]
    [InlineData(7, 2, 8, 2)]
    [InlineData(2, 4, 16, 2, 1)]
    [InlineData(3, 6, 13, 4, 1)]
    public void SolvesLikeADenseSolve(int n, int m, int ntst, int g, int threads = 0)
    {
        var rng = new Random(17 + n + 10 * m + 100 * ntst);
        var solver = new CollocationSolver(n, m, ntst, g, threads);
        // A first factorisation of another system leaves its factors in the blocks: the second must not depend on them.
        Fill(solver, n, m, ntst, g, new Random(3));
        Assert.True(solver.Factor());
        var dense = Fill(solver, n, m, ntst, g, rng);
        Assert.True(solver.Factor());
        int total = solver.Unknowns;
        var a = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(dense);
        for (int trial = 0; trial < 2; trial++)
        {
            var rhs = Enumerable.Range(0, total).Select(_ => rng.NextDouble() - 0.5).ToArray();
            var expected = a.Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(rhs));
            var x = (double[])rhs.Clone();
            solver.Solve(x);
            for (int i = 0; i < total; i++) Assert.Equal(expected[i], x[i], 1e-9 * (1 + Math.Abs(expected[i])));
        }
    }

    /// <summary>Blocks without a heavy diagonal: the pivots come from every row below, in every panel and in the last, narrower one.</summary>
    [Theory]
    [InlineData(6, 7, 9, 2, 1)]
    [InlineData(6, 7, 12, 2, 2)]
    [InlineData(5, 4, 9, 3, 1)]
    [InlineData(3, 4, 8, 1, 1)]
    [InlineData(4, 3, 11, 2, 1)]
    public void SolvesLikeADenseSolveWhenEveryColumnPivots(int n, int m, int ntst, int g, int threads)
    {
        var rng = new Random(29 + n + 10 * m + 100 * ntst);
        var solver = new CollocationSolver(n, m, ntst, g, threads);
        var dense = Fill(solver, n, m, ntst, g, rng, diagonallyHeavy: false);
        Assert.True(solver.Factor());
        var a = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(dense);
        var rhs = Enumerable.Range(0, solver.Unknowns).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var expected = a.Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(rhs));
        var x = (double[])rhs.Clone();
        solver.Solve(x);
        double scale = expected.AbsoluteMaximum();
        for (int i = 0; i < x.Length; i++) Assert.Equal(expected[i], x[i], 1e-8 * scale);
    }

    /// <summary>A value that is not finite anywhere in an interior column fails the factorisation (it is never skipped by the pivot search).</summary>
    [Theory]
    [InlineData(double.NaN, 0)]
    [InlineData(double.NaN, 9)]
    [InlineData(double.PositiveInfinity, 5)]
    public void ANonFiniteEntryBelowThePivotFailsTheFactorisation(double value, int row)
    {
        int n = 3, m = 4, ntst = 6, g = 2;
        var solver = new CollocationSolver(n, m, ntst, g, 1);
        Fill(solver, n, m, ntst, g, new Random(8));
        solver.IntervalBlock(2)[row * solver.IntervalStride + 0] = value;   // column 0, the first pivot column
        Assert.False(solver.Factor());
    }

    /// <summary>
    /// The factorisation and the solve give the same numbers, to the last bit, on one worker and on
    /// several (a case's results must not depend on the machine's cores): the border rows' shared
    /// entries are reduced in interval order whatever the split.
    /// </summary>
    [Theory]
    [InlineData(6, 7, 100, 2)]
    [InlineData(3, 4, 9, 3)]
    [InlineData(5, 3, 17, 1)]
    public void OneWorkerAndSeveralAgreeToTheBit(int n, int m, int ntst, int g)
    {
        double[] SolveWith(int threads)
        {
            var solver = new CollocationSolver(n, m, ntst, g, threads);
            Fill(solver, n, m, ntst, g, new Random(41), diagonallyHeavy: false);
            Assert.True(solver.Factor());
            var rhs = Enumerable.Range(0, solver.Unknowns).Select(i => Math.Sin(0.37 * i)).ToArray();
            solver.Solve(rhs);
            return [.. rhs, solver.LogAbsDeterminant, solver.DeterminantSign, .. solver.Monodromy()];
        }
        Assert.True(new CollocationSolver(n, m, ntst, g, 2).Workers == 2 || Environment.ProcessorCount < 2);
        Assert.Equal(SolveWith(1), SolveWith(2));
    }

    [Fact]
    public void DeterminantSignTracksTheDenseDeterminantUpToAFixedSign()
    {
        int n = 3, m = 4, ntst = 5, g = 2;
        int? relation = null;
        for (int seed = 0; seed < 12; seed++)
        {
            var solver = new CollocationSolver(n, m, ntst, g);
            var dense = Fill(solver, n, m, ntst, g, new Random(seed));
            Assert.True(solver.Factor());
            int denseSign = Math.Sign(MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(dense).Determinant());
            int r = denseSign * solver.DeterminantSign;
            relation ??= r;
            Assert.Equal(relation, r);
        }
    }

    /// <summary>
    /// A factorisation that fails on a value that is not finite (in a border row, or in a block)
    /// leaves nothing behind: the next system, finite, solves as a dense solve does. (The padding
    /// columns of the blocks and of the row buffers persist between calls.)
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ANonFiniteFactorisationDoesNotPoisonTheNext(bool inBorder)
    {
        int n = 3, m = 4, ntst = 10, g = 2;
        var solver = new CollocationSolver(n, m, ntst, g, 1);
        Assert.True(solver.IntervalStride > solver.IntervalColumns, "no padding: the test does not discriminate");
        Fill(solver, n, m, ntst, g, new Random(5));
        if (inBorder) solver.Border[(m - 1) * n] = double.NaN;   // an interior entry of interval 0
        else solver.IntervalBlock(3)[solver.IntervalStride + 1] = double.NaN;
        solver.Factor(); // fails, or carries the NaN into its factors
        if (inBorder) { var probe = new double[solver.Unknowns]; solver.Solve(probe); }
        var rng = new Random(6);
        var dense = Fill(solver, n, m, ntst, g, rng);
        Assert.True(solver.Factor());
        var rhs = Enumerable.Range(0, solver.Unknowns).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var expected = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(dense).Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(rhs));
        var x = (double[])rhs.Clone();
        solver.Solve(x);
        for (int i = 0; i < x.Length; i++) Assert.Equal(expected[i], x[i], 1e-9 * (1 + Math.Abs(expected[i])));
    }
}
