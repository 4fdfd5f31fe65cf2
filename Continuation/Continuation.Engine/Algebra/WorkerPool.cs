using System.Runtime.ExceptionServices;

namespace Continuation.Algebra;

/// <summary>
/// A few threads of the process kept waiting for work: a structured factorisation hands them
/// contiguous ranges of its intervals without the start-up and allocation of a
/// <c>Parallel.For</c> at every Newton iteration. One caller at a time; a second caller meanwhile
/// (independent problems already running in parallel) does its work itself, in order.
/// </summary>
internal static class WorkerPool
{
    /// <summary>Threads besides the caller's: one fewer than the cores, at most three.</summary>
    static readonly Helper[] Helpers = CreateHelpers(Math.Max(0, Math.Min(Environment.ProcessorCount, 4) - 1));

    static readonly CountdownEvent Done = new(1);
    static int _busy;

    /// <summary>Workers a call can use at once: the caller and the helpers.</summary>
    public static int MaxWorkers => Helpers.Length + 1;

    static Helper[] CreateHelpers(int count)
    {
        var helpers = new Helper[count];
        for (int i = 0; i < count; i++) helpers[i] = new Helper(i);
        return helpers;
    }

    /// <summary>
    /// Runs <paramref name="body"/>(0 … <paramref name="count"/> − 1): body(0) on the calling thread,
    /// the others on the helpers (those beyond the helpers on the caller too), and returns when all are
    /// done; an exception of any of them is thrown here.
    /// </summary>
    public static void Run(int count, Action<int> body)
    {
        if (count <= 1 || Helpers.Length == 0 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int w = 0; w < count; w++) body(w);
            return;
        }
        try
        {
            int used = Math.Min(count - 1, Helpers.Length);
            Done.Reset(used);
            for (int i = 0; i < used; i++) Helpers[i].Start(body, i + 1);
            Exception? own = null;
            try
            {
                body(0);
                for (int w = used + 1; w < count; w++) body(w);
            }
            catch (Exception e) { own = e; }
            Done.Wait();
            // The first failure, with the stack trace of where it was thrown.
            for (int i = 0; i < used; i++)
                if (Helpers[i].TakeFailure() is { } failure) own ??= failure;
            if (own is not null) ExceptionDispatchInfo.Capture(own).Throw();
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>One waiting thread: runs the body it is given with its index, then signals <see cref="Done"/>.</summary>
    sealed class Helper
    {
        readonly ManualResetEventSlim _go = new(false, spinCount: 2000);
        Action<int>? _body;
        int _index;
        Exception? _failure;

        public Helper(int id)
        {
            new Thread(Loop) { IsBackground = true, Name = $"collocation worker {id + 1}" }.Start();
        }

        public void Start(Action<int> body, int index)
        {
            _body = body;
            _index = index;
            _go.Set();
        }

        public Exception? TakeFailure()
        {
            var f = _failure;
            _failure = null;
            return f;
        }

        void Loop()
        {
            while (true)
            {
                _go.Wait();
                _go.Reset();
                try { _body!(_index); }
                catch (Exception e) { _failure = e; }
                finally
                {
                    _body = null;
                    Done.Signal();
                }
            }
        }
    }
}
