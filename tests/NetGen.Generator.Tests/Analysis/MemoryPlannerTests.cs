using Xunit;
using NetGen.Generator.Analysis;
using Buffer = NetGen.Generator.Analysis.Buffer;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>
/// <see cref="MemoryPlanner"/> looks only at the placed buffers alive at the same time
/// (<see cref="LifetimeIndex"/>); it must take every decision the planner that scanned all
/// placed buffers took (<see cref="ScanningMemoryPlanner"/>), so no arena offset moves.
/// </summary>
public class MemoryPlannerTests
{
    [Theory]
    [InlineData(1, 8, 6)]      // few steps: most buffers overlap, many equal sizes
    [InlineData(2, 40, 40)]
    [InlineData(3, 200, 300)]  // sparse: short lifetimes over many steps, as in a long chain
    [InlineData(4, 120, 12)]   // dense: long lifetimes, many ties in size and start
    public void Places_every_buffer_where_scanning_all_placed_buffers_did(int seed, int maxBuffers, int steps)
    {
        var random = new Random(seed);
        for (int round = 0; round < 300; round++)
        {
            var buffers = RandomBuffers(random, random.Next(0, maxBuffers + 1), steps);
            var (expectedOffsets, expectedBytes) = ScanningMemoryPlanner.Place(buffers);
            var (offsets, bytes) = MemoryPlanner.Place(buffers);
            Assert.True(expectedOffsets.SequenceEqual(offsets),
                $"seed {seed}, round {round}: offsets [{string.Join(", ", offsets)}], the scan gave [{string.Join(", ", expectedOffsets)}]");
            Assert.Equal(expectedBytes, bytes);
        }
    }

    [Fact]
    public void Zero_byte_and_one_step_buffers_place_as_before()
    {
        // Zero-byte buffers (a convolution fused with its pool) at offsets shared with others,
        // lifetimes of one step and starts that equal another's end.
        var buffers = new[]
        {
            new Buffer(0, 64, 0, 2), new Buffer(1, 0, 1, 1), new Buffer(2, 32, 2, 2), new Buffer(3, 0, 2, 5),
            new Buffer(4, 64, 3, 5), new Buffer(5, 32, 5, 5), new Buffer(6, 0, 0, 0), new Buffer(7, 16, 1, 4),
        };
        var (expectedOffsets, expectedBytes) = ScanningMemoryPlanner.Place(buffers);
        var (offsets, bytes) = MemoryPlanner.Place(buffers);
        Assert.Equal(expectedOffsets, offsets);
        Assert.Equal(expectedBytes, bytes);
    }

    private static Buffer[] RandomBuffers(Random random, int count, int steps)
    {
        var buffers = new Buffer[count];
        // Sizes from a small set, so that ties in size (and then in start) are common.
        long[] sizes = { 0, 4, 16, 16, 64, 256, 256, 1024 };
        for (int i = 0; i < count; i++)
        {
            int start = random.Next(0, steps);
            int end = Math.Min(steps, start + (random.Next(4) == 0 ? random.Next(0, steps) : random.Next(0, 4)));
            long bytes = random.Next(3) == 0 ? sizes[random.Next(sizes.Length)] : 4L * random.Next(0, 300);
            buffers[i] = new Buffer(i, bytes, start, end);
        }
        return buffers;
    }
}
