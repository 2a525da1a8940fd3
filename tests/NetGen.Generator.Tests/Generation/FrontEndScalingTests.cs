using NetGen.Generator.Emit;
using NetGen.Generator.Parsing;
using Xunit;

namespace NetGen.Generator.Tests.Generation;

/// <summary>
/// The front end is linear in the network's size (issue 10, item 7: blk(2) * 5000 cost 13.5 s per
/// generator run). Bounded by the work, not the clock, so load cannot make it flake: the bytes
/// allocated on this thread by parsing, block expansion, analysis and emit grow about 4x for 4x
/// the nodes (the generated text is linear), where a copy per node (an array rebuilt, a string
/// grown by concatenation, a lookup table made again) would make them grow 16x.
/// </summary>
public class FrontEndScalingTests
{
    private static string Blocks(int count) => $$"""
        block blk(c) {
            a = in -> conv2d(c, 3, padding: 1) -> relu
            out = add(a, in)
        }

        network Big {
            input 2x8x8
            r = blk(2) * {{count}}
        }
        """;

    private static string Chain(int count) => $$"""
        network Chain {
            input 2x8x8
            c = conv2d(2, 3, padding: 1) * {{count}} -> batchnorm -> relu
            p = c -> maxpool2d(2) -> dropout(0.25) -> flatten -> dense(10)
        }
        """;

    [Theory]
    [InlineData("blocks")]
    [InlineData("chain")]
    public void Allocations_grow_linearly_with_the_node_count(string shape)
    {
        Func<int, string> text = shape == "blocks" ? Blocks : Chain;
        Generate(text(20)); // static tables and first-call state, not counted
        long small = AllocatedBy(text(400));
        long large = AllocatedBy(text(1600));
        double ratio = (double)large / small;
        Assert.True(ratio < 6, $"{shape}: 4x the nodes allocated {ratio:F2}x the bytes ({small:N0} to {large:N0}); linear work gives about 4x");
    }

    private static long AllocatedBy(string cnn)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        int chars = Generate(cnn);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(chars > 0);
        return allocated;
    }

    /// <summary>What the generator's .cnn pipeline does for one file, on this thread; the generated characters.</summary>
    private static int Generate(string cnn)
    {
        var file = CnnParser.Parse("big.cnn", cnn);
        Assert.Empty(file.Diagnostics);
        var build = NetworkBuild.Analyze(file.Networks, file.Diagnostics);
        int chars = 0;
        foreach (var analysis in build.ForEmit()) chars += NetworkEmitter.Emit(analysis).Text.Length;
        return chars;
    }
}
