using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NetGen.Threading;

/// <summary>
/// A fixed set of threads, created once, that split a range of items (a batch) into one
/// contiguous slice per worker. The calling thread is worker 0 and runs the first slice.
/// After the first call for a given work type on a calling thread, a dispatch allocates
/// nothing (measured here, <see cref="System.Threading.Tasks.Parallel.For(int, int, Action{int})"/>
/// allocates per call and was slower). Not re-entrant: one <see cref="Run{T}"/> at a time.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private readonly Thread[] threads;
    private readonly SemaphoreSlim[] start;
    // The caller waits on this monitor, created here so that no wait allocates
    // (ManualResetEventSlim allocates its lock on the first wait that blocks).
    private readonly object gate = new();
    private RangeJob? job;
    private int count;
    private int pending;
    private int busy;
    private volatile bool stopping;
    private Exception? failure;

    /// <summary>Starts <paramref name="workers"/> - 1 background threads (the caller is the last worker).</summary>
    /// <param name="workers">Workers including the calling thread; default: one per logical processor.</param>
    public WorkerPool(int workers = 0)
    {
        if (workers == 0)
        {
            workers = Environment.ProcessorCount;
        }
        if (workers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(workers), $"WorkerPool: workers must be at least 1, got {workers}.");
        }
        Workers = workers;
        threads = new Thread[workers - 1];
        start = new SemaphoreSlim[workers - 1];
        for (int i = 0; i < threads.Length; i++)
        {
            start[i] = new SemaphoreSlim(0);
            int worker = i + 1;
            threads[i] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"NetGen worker {worker}" };
            threads[i].Start();
        }
    }

    /// <summary>Number of workers, the calling thread included.</summary>
    public int Workers { get; }

    /// <summary>
    /// Runs <paramref name="work"/> over [0, count): worker i gets [i * count / Workers, (i + 1) * count / Workers),
    /// empty slices are skipped. Returns when every slice is done; rethrows the first exception a worker threw.
    /// </summary>
    /// <typeparam name="T">The step, a struct so the call specialises.</typeparam>
    /// <param name="count">Items (samples).</param>
    /// <param name="work">The step; copied once into a per-thread cached holder.</param>
    public void Run<T>(int count, in T work) where T : struct, IRangeWork
    {
        ObjectDisposedException.ThrowIf(stopping, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (Interlocked.Exchange(ref busy, 1) != 0)
        {
            throw new InvalidOperationException("WorkerPool.Run: the pool is already running a step (calls must not nest or overlap).");
        }
        try
        {
            if (threads.Length == 0 || count <= 1)
            {
                if (count > 0)
                {
                    work.Execute(0, 0, count);
                }
                return;
            }
            var holder = RangeJob<T>.ForThisThread ??= new RangeJob<T>();
            holder.Work = work;
            job = holder;
            this.count = count;
            failure = null;
            Volatile.Write(ref pending, threads.Length);
            for (int i = 0; i < start.Length; i++)
            {
                start[i].Release();
            }
            try
            {
                Slice(0, out int s, out int e);
                if (e > s)
                {
                    holder.Work.Execute(0, s, e);
                }
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref failure, ex, null);
            }
            WaitForWorkers();
            job = null;
            holder.Work = default;
            if (failure is { } error)
            {
                failure = null;
                ExceptionDispatchInfo.Capture(error).Throw();
            }
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    // Spins briefly (a slice is often microseconds), then sleeps on the gate; the last worker
    // pulses under the same lock, so the check and the wait cannot miss its wake-up.
    private void WaitForWorkers()
    {
        var spinner = new SpinWait();
        while (Volatile.Read(ref pending) != 0 && spinner.Count < 64)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        if (Volatile.Read(ref pending) == 0)
        {
            return;
        }
        lock (gate)
        {
            while (Volatile.Read(ref pending) != 0)
            {
                Monitor.Wait(gate);
            }
        }
    }

    private void Slice(int worker, out int s, out int e)
    {
        s = (int)((long)worker * count / Workers);
        e = (int)((long)(worker + 1) * count / Workers);
    }

    private void Loop(int worker)
    {
        var signal = start[worker - 1];
        while (true)
        {
            signal.Wait();
            if (stopping)
            {
                return;
            }
            try
            {
                Slice(worker, out int s, out int e);
                if (e > s)
                {
                    job!.Execute(worker, s, e);
                }
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref failure, ex, null);
            }
            if (Interlocked.Decrement(ref pending) == 0)
            {
                lock (gate)
                {
                    Monitor.PulseAll(gate);
                }
            }
        }
    }

    /// <summary>Stops and joins the worker threads.</summary>
    public void Dispose()
    {
        if (stopping)
        {
            return;
        }
        stopping = true;
        foreach (var s in start)
        {
            s.Release();
        }
        foreach (var t in threads)
        {
            t.Join();
        }
        foreach (var s in start)
        {
            s.Dispose();
        }
    }

    private abstract class RangeJob
    {
        public abstract void Execute(int worker, int start, int end);
    }

    private sealed class RangeJob<T> : RangeJob where T : struct, IRangeWork
    {
        // One holder per work type and calling thread, reused by every later dispatch.
        [ThreadStatic]
        public static RangeJob<T>? ForThisThread;

        public T Work;

        public override void Execute(int worker, int start, int end) => Work.Execute(worker, start, end);
    }
}
