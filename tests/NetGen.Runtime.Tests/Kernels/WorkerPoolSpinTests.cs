using NetGen.Threading;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The pool's two ways of waiting between dispatches: spinning, and asleep on a semaphore after the
/// spin. Every dispatch must reach every worker whichever way it waits, including a dispatch that
/// lands while a worker is between giving up its spin and falling asleep.
/// </summary>
public class WorkerPoolSpinTests
{
    private struct Count : IRangeWork
    {
        public int[] Hits;

        public readonly void Execute(int worker, int start, int end)
        {
            for (int i = start; i < end; i++)
                Interlocked.Increment(ref Hits[i]);
        }
    }

    [Theory]
    [InlineData(0, 0)]      // the workers sleep at once: every dispatch wakes them
    [InlineData(1, 0)]      // 1 us of spin: dispatches race the workers falling asleep
    [InlineData(1, 50)]     // ... and some land after they slept
    [InlineData(200, 0)]    // the workers still spin at each dispatch
    public void Every_dispatch_reaches_every_worker_however_it_waits(int spinMicroseconds, int pauseMicroseconds)
    {
        const int workers = 3, items = 6, rounds = 300;
        using var pool = new WorkerPool(workers, spinMicroseconds);
        Assert.Equal(spinMicroseconds, pool.SpinMicroseconds);
        var work = new Count { Hits = new int[items] };
        for (int r = 0; r < rounds; r++)
        {
            pool.Run(items, work);
            if (pauseMicroseconds > 0)
                Thread.Sleep(TimeSpan.FromMicroseconds(pauseMicroseconds));
        }
        Assert.All(work.Hits, h => Assert.Equal(rounds, h));
    }

    [Fact]
    public void A_negative_spin_is_refused_with_the_value()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPool(2, -5));
        Assert.Contains("spinMicroseconds must be at least 0, got -5", error.Message);
    }

    [Fact]
    public void Dispose_stops_workers_that_sleep_and_workers_that_spin()
    {
        var sleeping = new WorkerPool(2, 0);
        sleeping.Run(2, new Count { Hits = new int[2] });
        Thread.Sleep(20);
        sleeping.Dispose();
        var spinning = new WorkerPool(2, 1_000_000);
        spinning.Run(2, new Count { Hits = new int[2] });
        spinning.Dispose();
        Assert.Throws<ObjectDisposedException>(() => spinning.Run(2, new Count { Hits = new int[2] }));
    }
}
