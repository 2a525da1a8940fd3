using NetGen.Generator.Tests.Infrastructure;
using Xunit;

namespace NetGen.Generator.Tests.Execution;

/// <summary>
/// The sliced training passes of a network with batch norms and dropout: phases split at each batch norm
/// that trains (its slices' partials, then a combine on the calling thread), none at a frozen one, and
/// dropout masks from per-slice streams seeded once per forward from the network's one random state.
/// </summary>
public class SlicedEmitTests
{
    private const string Network = """
        network Sliced {
            input 3x6x6
            batch 4
            optimizer sgd
            c1 = conv2d(8, 3, padding: same, bias: false)
            bn1 = batchnorm
            r1 = relu
            fz = batchnorm(frozen: true)
            d1 = dropout(0.25)
            c2 = conv2d(4, 3, padding: same)
            bn2 = batchnorm
            global_avgpool
            d2 = dropout(0.5)
            fc = dense(3)
        }
        """;

    [Fact]
    public void Batch_norms_split_the_passes_into_phases_and_dropout_draws_per_slice_streams()
    {
        var run = GeneratorTestHelper.Run(Array.Empty<string>(), new[] { ("/repo/sliced.cnn", Network) });
        Assert.Empty(GeneratorTestHelper.Describe(run.GeneratorDiagnostics));
        CompiledCode.AssertClean(run.Output);
        string code = Assert.Single(run.Sources).Value;

        // Two batch norms train: three forward and three backward phases, two combines each way; the frozen one none.
        Assert.Contains("Slices = 2, ForwardPhases = 3, BackwardPhases = 3,", code);
        Assert.Contains("protected override void ForwardSlice(global::NetGen.Execution.ArenaView m, int phase, int s, int n, int slice, long scratch)", code);
        Assert.Equal(2, Count(code, "            case 2:\n"));
        Assert.DoesNotContain("case 3:", code);
        Assert.Contains("protected override void CombineSlices(int pass, int n, bool train)", code);
        Assert.Contains("case global::NetGen.Execution.SamplePass.LaterPhases + 2: // forward phase 2", code);
        Assert.Contains("case global::NetGen.Execution.SamplePass.LaterPhases + 3: // backward phase 2", code);
        Assert.Equal(2, Count(code, "Kernels.BatchNorm.CombineMoments("));
        Assert.Equal(2, Count(code, "Kernels.BatchNorm.CombineBackward("));
        Assert.Equal(2, Count(code, "Kernels.BatchNorm.SliceMoments("));
        Assert.Equal(2, Count(code, "Kernels.BatchNorm.BackwardSliceSums("));
        // bn1's input is c1's output, whose gradient c1's weights need; no pass over the whole batch is left.
        Assert.Equal(2, Count(code, "Kernels.BatchNorm.BackwardApply("));
        Assert.DoesNotContain("Kernels.BatchNorm.ForwardTraining(", code);
        Assert.DoesNotContain("Kernels.BatchNorm.Backward(", code);
        // The frozen batch norm normalises with its running statistics on the slice's own scratch.
        Assert.Matches(@"// Frozen: its running statistics normalise in training too\.\s+global::NetGen\.Kernels\.BatchNorm\.ForwardInference\(m\.Slice\(NetgenOffsets\.Saved_\w+ \+ s \* 288, n \* 288\), .*m\.Slice\(scratch \+ \d+, 16\), n \* 36, 8, 1E-05f\);", code);
        Assert.Matches(@"BatchNorm\.BackwardInference\(.*m\.Slice\(scratch \+ \d+, 8\), n \* 36, 8, 1E-05f\);", code);
        // One seed per training forward, drawn by the base from its dropout stream (HasDropout), then a stream per (layer, slice).
        Assert.Contains("HasDropout = true,", code);
        Assert.Equal(2, Count(code, "var random = new global::NetGen.Kernels.FastRandom(SliceSeed, "));
        Assert.Equal(2, Count(code, "ref random);"));
        Assert.DoesNotContain("ref _netgenRandom", code);
    }

    private static int Count(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }
}
