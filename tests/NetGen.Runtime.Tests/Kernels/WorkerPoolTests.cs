using NetGen.Kernels;
using NetGen.Threading;
using Xunit;

namespace NetGen.Tests.Kernels;

public class WorkerPoolTests
{
    private struct MarkRange : IRangeWork
    {
        public int[] Hits;
        public int[] WorkerOf;

        public readonly void Execute(int worker, int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                Interlocked.Increment(ref Hits[i]);
                WorkerOf[i] = worker;
            }
        }
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(3, 100)]
    [InlineData(4, 0)]
    public void Every_item_runs_exactly_once_in_contiguous_slices(int workers, int count)
    {
        using var pool = new WorkerPool(workers);
        for (int round = 0; round < 3; round++)
        {
            var work = new MarkRange { Hits = new int[count], WorkerOf = new int[count] };
            pool.Run(count, work);
            Assert.All(work.Hits, h => Assert.Equal(1, h));
            for (int i = 1; i < count; i++)
            {
                Assert.True(work.WorkerOf[i] >= work.WorkerOf[i - 1], "slices must be contiguous and ordered by worker");
            }
        }
    }

    private struct Throwing : IRangeWork
    {
        public readonly void Execute(int worker, int start, int end)
        {
            if (worker == 1)
            {
                throw new InvalidOperationException("boom in worker 1");
            }
        }
    }

    [Fact]
    public void A_worker_exception_reaches_the_caller_and_the_pool_stays_usable()
    {
        using var pool = new WorkerPool(2);
        var ex = Assert.Throws<InvalidOperationException>(() => pool.Run(8, new Throwing()));
        Assert.Equal("boom in worker 1", ex.Message);
        var work = new MarkRange { Hits = new int[8], WorkerOf = new int[8] };
        pool.Run(8, work);
        Assert.All(work.Hits, h => Assert.Equal(1, h));
    }

    private struct Nested : IRangeWork
    {
        public WorkerPool Pool;

        public readonly void Execute(int worker, int start, int end) => Pool.Run(2, new Throwing());
    }

    [Fact]
    public void Nested_dispatch_is_rejected_with_a_clear_message()
    {
        using var pool = new WorkerPool(2);
        var ex = Assert.Throws<InvalidOperationException>(() => pool.Run(4, new Nested { Pool = pool }));
        Assert.Contains("already running", ex.Message);
    }

    /// <summary>Conv2D forward on sample slices of a batch, as generated code will run it.</summary>
    private struct ConvStep : IRangeWork
    {
        public float[] Y, X, Packed, Bias, Workspace;
        public Conv2DDims Dims;

        public readonly void Execute(int worker, int start, int end)
        {
            var d = Dims with { N = end - start };
            int inPer = d.H * d.W * d.C, outPer = d.P * d.Q * d.K, ws = Conv2D.ForwardWorkspaceFloats(d);
            Conv2D.Forward(Y.AsSpan(start * outPer, d.N * outPer), X.AsSpan(start * inPer, d.N * inPer),
                Packed, Bias, Workspace.AsSpan(worker * ws, ws), d, Activation.ReLU);
        }
    }

    [Fact]
    public void Batch_split_over_workers_equals_the_serial_kernel()
    {
        var d = Conv2DDims.Create(7, 9, 8, 5, 20, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1);
        var rng = new Random(9);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, TestData.Uniform(rng, d.K * d.C * d.R * d.S), d);
        var bias = TestData.Uniform(rng, d.K);
        var serial = new float[d.N * d.P * d.Q * d.K];
        Conv2D.Forward(serial, x, packed, bias, new float[Conv2D.ForwardWorkspaceFloats(d)], d, Activation.ReLU);

        using var pool = new WorkerPool(3);
        var step = new ConvStep
        {
            Y = new float[serial.Length], X = x, Packed = packed, Bias = bias, Dims = d,
            Workspace = new float[pool.Workers * Conv2D.ForwardWorkspaceFloats(d)],
        };
        pool.Run(d.N, step);
        Assert.Equal(serial, step.Y);
    }

    private static void RunRounds(WorkerPool pool, ref RecordAllocations work)
    {
        for (int r = 1; r < work.Before.Length / work.Workers; r++)
        {
            work.Round = r;
            pool.Run(work.Workers, work);
        }
    }

    private struct RecordAllocations : IRangeWork
    {
        public long[] Before; // [round * workers + worker]: bytes this thread had allocated when the slice began
        public int Round, Workers;

        public readonly void Execute(int worker, int start, int end) =>
            Before[Round * Workers + worker] = GC.GetAllocatedBytesForCurrentThread();
    }

    [Fact]
    public void Dispatch_allocates_nothing_after_warm_up_on_any_thread()
    {
        const int rounds = 50;
        using var pool = new WorkerPool(2);
        var work = new RecordAllocations { Before = new long[(rounds + 1) * 2], Workers = 2 };
        pool.Run(2, work); // warm-up: the per-thread holder and JIT
        // A first pass of the same loop lets tiered compilation and on-stack replacement of
        // this method finish (they allocate on this thread); the second pass is measured.
        RunRounds(pool, ref work);
        long callerBefore = GC.GetAllocatedBytesForCurrentThread();
        RunRounds(pool, ref work);
        Assert.Equal(callerBefore, GC.GetAllocatedBytesForCurrentThread());
        // The worker thread's counter, read at the start of each slice, never moves.
        for (int r = 2; r <= rounds; r++)
        {
            Assert.Equal(work.Before[(r - 1) * 2 + 1], work.Before[r * 2 + 1]);
        }
    }
}
