using Continuation.Algebra;

namespace Tests.Algebra;

/// <summary>
/// The workers the collocation solver hands its interval ranges to: every share runs exactly once,
/// a failure in any share reaches the caller, and callers at the same time all finish (the second
/// runs its shares itself).
/// </summary>
public sealed class WorkerPoolTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void EveryShareRunsExactlyOnce(int count)
    {
        var runs = new int[count];
        for (int round = 0; round < 200; round++)
            WorkerPool.Run(count, w => Interlocked.Increment(ref runs[w]));
        Assert.All(runs, r => Assert.Equal(200, r));
    }

    [Fact]
    public void AFailingShareFailsTheCall()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            WorkerPool.Run(WorkerPool.MaxWorkers + 1, w => { if (w == WorkerPool.MaxWorkers) throw new InvalidOperationException("share failed"); }));
        Assert.Equal("share failed", e.Message);
        // The pool is usable afterwards.
        int total = 0;
        WorkerPool.Run(2, _ => Interlocked.Increment(ref total));
        Assert.Equal(2, total);
    }

    [Fact]
    public void CallersAtTheSameTimeAllFinish()
    {
        long sum = 0;
        Parallel.For(0, 8, _ =>
        {
            for (int round = 0; round < 100; round++)
                WorkerPool.Run(3, w => Interlocked.Add(ref sum, w + 1));
        });
        Assert.Equal(8 * 100 * (1 + 2 + 3), sum);
    }
}
