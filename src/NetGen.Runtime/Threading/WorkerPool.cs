using System;
using System.Diagnostics;
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
/// <remarks>
/// Between dispatches a worker spins for <see cref="SpinMicroseconds"/> before it sleeps, and so
/// does the caller waiting for the workers: batch-1 inference dispatches once per layer, a few
/// microseconds apart, and a sleeping thread's wake-up (a futex, then the scheduler) is slow.
/// Measured here (2 cores shared with other jobs, load 9): a dispatch of empty work 20 us after the
/// last took 25-34 us (median) with the workers asleep, 2-12 us with them spinning. The spin yields
/// the core after its first few rounds (<see cref="SpinWait.SpinOnce(int)"/>), so that on an
/// oversubscribed machine it lets the thread it waits for run: a pure busy-wait made ResNet-18's
/// batch-1 Predict on 2 workers 1.5-2x slower under that load, this one was no slower than sleeping.
/// </remarks>
public sealed class WorkerPool : IDisposable
{
    /// <summary>
    /// The default <see cref="SpinMicroseconds"/>: longer than the calling-thread work between two
    /// layers of a batch-1 Predict (ResNet-18's input transpose, about 60 us, is the longest), short
    /// enough that an idle pool gives its cores back within a fraction of a millisecond.
    /// </summary>
    public const int DefaultSpinMicroseconds = 200;

    private readonly Thread[] threads;
    private readonly SemaphoreSlim[] start;
    // parked[i - 1] is 1 while worker i sleeps (or is about to) on start[i - 1]: a dispatch that
    // swaps it back to 0 owes that worker one Release.
    private readonly int[] parked;
    private readonly long spinTicks;
    // The caller waits on this monitor, created here so that no wait allocates
    // (ManualResetEventSlim allocates its lock on the first wait that blocks).
    private readonly object gate = new();
    private RangeJob? job;
    private int count;
    // Bumped once per dispatch (and by Dispose): a worker runs a job when it sees a new value.
    private int generation;
    private int pending;
    private int busy;
    private volatile bool stopping;
    private Exception? failure;

    /// <summary>Starts <paramref name="workers"/> - 1 background threads (the caller is the last worker).</summary>
    /// <param name="workers">Workers including the calling thread; default: one per logical processor.</param>
    /// <param name="spinMicroseconds">How long an idle thread spins before it sleeps (see <see cref="SpinMicroseconds"/>); 0 sleeps at once.</param>
    public WorkerPool(int workers = 0, int spinMicroseconds = DefaultSpinMicroseconds)
    {
        if (workers == 0)
        {
            workers = Environment.ProcessorCount;
        }
        if (workers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(workers), $"WorkerPool: workers must be at least 1, got {workers}.");
        }
        if (spinMicroseconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(spinMicroseconds), $"WorkerPool: spinMicroseconds must be at least 0, got {spinMicroseconds}.");
        }
        Workers = workers;
        SpinMicroseconds = spinMicroseconds;
        spinTicks = (long)spinMicroseconds * Stopwatch.Frequency / 1_000_000;
        threads = new Thread[workers - 1];
        start = new SemaphoreSlim[workers - 1];
        parked = new int[workers - 1];
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

    /// <summary>How long, in microseconds, a worker waits for the next dispatch, and the caller for the workers, spinning before it sleeps.</summary>
    public int SpinMicroseconds { get; }

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
            Interlocked.Increment(ref generation);
            WakeParked();
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

    // Spins (a slice is often microseconds, and the bands of a layer end close together), then
    // sleeps on the gate; the last worker pulses under the same lock, so the check and the wait
    // cannot miss its wake-up.
    private void WaitForWorkers()
    {
        long deadline = Stopwatch.GetTimestamp() + spinTicks;
        var spinner = new SpinWait();
        while (Volatile.Read(ref pending) != 0 && Stopwatch.GetTimestamp() < deadline)
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

    /// <summary>Releases every worker that sleeps (or is about to) on its semaphore; the others see the new generation while spinning.</summary>
    private void WakeParked()
    {
        for (int i = 0; i < parked.Length; i++)
        {
            if (Interlocked.Exchange(ref parked[i], 0) == 1)
            {
                start[i].Release();
            }
        }
    }

    /// <summary>
    /// Worker <paramref name="worker"/> waits until the generation moves past <paramref name="seen"/>
    /// and returns the new one: spinning first, then asleep on its semaphore. It flags itself parked
    /// and reads the generation again before sleeping, so a dispatch either sees the flag (and
    /// releases it) or was already visible; when a dispatch swapped the flag first, its Release is taken.
    /// </summary>
    private int AwaitDispatch(int worker, int seen)
    {
        long deadline = Stopwatch.GetTimestamp() + spinTicks;
        var spinner = new SpinWait();
        while (true)
        {
            int current = Volatile.Read(ref generation);
            if (current != seen)
            {
                return current;
            }
            if (Stopwatch.GetTimestamp() < deadline)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            Interlocked.Exchange(ref parked[worker - 1], 1);
            if (Volatile.Read(ref generation) == seen || Interlocked.Exchange(ref parked[worker - 1], 0) == 0)
            {
                start[worker - 1].Wait();
            }
        }
    }

    private void Loop(int worker)
    {
        int seen = 0;
        while (true)
        {
            seen = AwaitDispatch(worker, seen);
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
        Interlocked.Increment(ref generation);
        WakeParked();
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
