using NetGen.Execution;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>The native arena and its view: alignment, bounds, long offsets, and freeing by Dispose or the finaliser.</summary>
public class ArenaTests
{
    [Fact]
    public unsafe void A_block_is_zeroed_and_64_byte_aligned()
    {
        using var arena = new NativeArena(1000, "Test");
        Assert.Equal(1000, arena.Length);
        Assert.Equal(4000, arena.Bytes);
        var all = arena.View.Slice(0, 1000);
        Assert.All(all.ToArray(), v => Assert.Equal(0f, v));
        fixed (float* first = all) Assert.Equal(0, (long)first % NativeArena.Alignment);
    }

    [Fact]
    public void Slices_are_checked_against_the_view_with_long_offsets()
    {
        using var arena = new NativeArena(100, "Test");
        arena.View.Slice(90, 10).Fill(3f);
        Assert.Equal(3f, arena.View.Slice(99L, 1)[0]);
        Assert.Equal(0, arena.View.Slice(100, 0).Length);

        // A view that claims more than int range: the offset arithmetic is 64-bit, so a start past 2^31 is
        // reported as outside rather than wrapping to a small, valid-looking one.
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => arena.View.Slice(int.MaxValue + 91L, 1));
        Assert.Contains($"floats [{int.MaxValue + 91L}, {int.MaxValue + 92L}) are not inside the view's 100", outside.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.View.Slice(95, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.View.Slice(-1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.View.Slice(0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NativeArena(-1, "Test"));
    }

    [Fact]
    public void Dispose_frees_once_and_later_access_throws()
    {
        var arena = new NativeArena(8, "Tiny");
        arena.Dispose();
        arena.Dispose();
        Assert.True(arena.IsDisposed);
        var error = Assert.Throws<ObjectDisposedException>(() => arena.View.Slice(0, 1));
        Assert.Contains("Tiny", error.Message);
    }

    [Fact]
    public void The_finaliser_frees_an_arena_nobody_disposed()
    {
        var weak = Abandon();
        for (int i = 0; i < 10 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(weak.IsAlive);
    }

    // Not inlined, so that no local of the test keeps the arena reachable.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference Abandon() => new(new NativeArena(1 << 20, "Abandoned"), trackResurrection: true);

    [Fact]
    public void A_disposed_network_refuses_every_call_with_ObjectDisposedException()
    {
        var net = new TinyNet(1, ExecutionMode.Training);
        var input = new float[64];
        var output = new float[5];
        net.Predict(input, output);
        net.Dispose();
        net.Dispose();
        var predict = Assert.Throws<ObjectDisposedException>(() => net.Predict(input, output));
        Assert.Contains("TinyNet.Predict: the instance was disposed", predict.Message);
        Assert.Throws<ObjectDisposedException>(() => net.TrainStep(input, new[] { 1 }));
        Assert.Throws<ObjectDisposedException>(() => net.CopyParameter("conv1.bias", new float[4]));
        Assert.Throws<ObjectDisposedException>(() => net.UseWorkerPool(null));
    }
}
