using Continuation.Pathfollowing;
using Continuation.PeriodicOrbits;

namespace Tests.PeriodicOrbits;

/// <summary>Tests that measure the allocations of the whole process run alone, after the others.</summary>
[CollectionDefinition(nameof(AllocationMeasurements), DisableParallelization = true)]
public sealed class AllocationMeasurements;

/// <summary>
/// A Newton iteration of the collocation problem — residual, factorisation (on every worker) and
/// solve — allocates nothing: the inner loops reuse their buffers and the workers are kept waiting
/// (<c>WorkerPool</c>), not started per call. It counts every thread's allocations (the workers'
/// too), so it runs alone: another test allocating at the same time was counted (a flaky failure).
/// </summary>
[Collection(nameof(AllocationMeasurements))]
public sealed class NewtonIterationAllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ANewtonIterationOfACycleAllocatesNothing(int threads)
    {
        var point = Tests.Transverse.Networks.Cycles12.Value.Points[^1];
        var model = new global::Models.NextGenNeuralMassHomogeneous();
        var problem = new PeriodicOrbitProblem(model, point.Parameters, model.ParameterIndex("Iext_e"), point.Cycle!, new CollocationOptions { MaxThreads = threads });
        var x = (double[])point.Unknowns.Clone();
        problem.Accept(x);
        var r = new double[x.Length];
        var border = new double[x.Length];
        border[problem.ParameterComponent] = 1;
        bool ok = true;
        void Iteration()
        {
            ok &= problem.Residual(x, r);
            ok &= problem.Factor(x, border) == Linearization.Factored;
            problem.Solve(r);
        }
        for (int i = 0; i < 3; i++) Iteration(); // warm: buffers, delegates, JIT
        // Count every thread's allocations: the workers' shares of the factorisation included.
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < 5; i++) Iteration();
        long after = GC.GetTotalAllocatedBytes(precise: true);
        // The runtime's own threads (the tiered JIT's, the finalizer) may allocate meanwhile: take the least of a few measurements.
        long least = after - before;
        for (int attempt = 0; attempt < 20 && least > 0; attempt++)
        {
            before = GC.GetTotalAllocatedBytes(precise: true);
            Iteration();
            least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        Assert.True(ok);
        Assert.Equal(0, least);
    }
}
