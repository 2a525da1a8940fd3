using NetGen.Generator.Emit;
using NetGen.Generator.Model;
using NetGen.Generator.Tests.Infrastructure;
using Xunit;

namespace NetGen.Generator.Tests.Emit;

public class SummaryWriterTests
{
    private static string[] Lines(string text) => text.TrimEnd('\n').Split('\n');

    [Fact]
    public void ThreeConv_totals_and_memory_match_the_textbook_figures()
    {
        var lines = Lines(SummaryWriter.Write(HandBuiltAnalyses.ThreeConv()));

        Assert.Equal("Network: ThreeConv", lines[0]);
        Assert.Equal("Input: (3, 200, 300)", lines[1]);
        Assert.Equal("Output: (400, 25, 38)", lines[2]);
        Assert.Contains("Total params: 903,400", lines);
        Assert.Contains("Trainable params: 903,400", lines);
        Assert.Contains("Non-trainable params: 0", lines);
        Assert.Contains("Total MACs: 1,399,500,000 (1.40 G) per sample", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("PyTorch-style", StringComparison.Ordinal));
        Assert.Contains("Parameters: 3.6 MB", lines);
        Assert.Contains("Inference peak: 9.0 MB activations + 3.6 MB parameters = 12.6 MB", lines);
        Assert.Contains("Training at batch 50 (adam):", lines);
    }

    [Fact]
    public void Training_figures_are_one_per_line_and_aligned()
    {
        var lines = Lines(SummaryWriter.Write(HandBuiltAnalyses.ThreeConv()));
        int start = Array.IndexOf(lines, "Training at batch 50 (adam):");
        var figures = lines.Skip(start + 1).Take(7).ToArray();

        Assert.Equal(new[]
        {
            "  Inputs:              36.0 MB",
            "  Activations:        526.0 MB",
            "  Parameters:           3.6 MB",
            "  Gradients:            3.6 MB",
            "  Optimizer state:      7.2 MB",
            "  Backward workspace: 450.0 MB",
            "  Total:               1.03 GB",
        }, figures);
    }

    [Fact]
    public void Allocation_line_adds_the_kernel_buffers_to_both_plans()
    {
        var analysis = HandBuiltAnalyses.ThreeConv();
        var lines = Lines(SummaryWriter.Write(analysis));
        string expected = "An instance allocates (plan + kernel buffers): " +
            Units.FormatBytes(analysis.InferenceBytes + analysis.KernelBuffers.InferenceBytes) + " to predict, " +
            Units.FormatBytes(analysis.Training.Total + analysis.KernelBuffers.TrainingBytes) + " to train";
        Assert.Equal(expected, lines[^1]);
    }

    [Fact]
    public void Layer_table_has_aligned_columns_with_right_aligned_counts()
    {
        var lines = Lines(SummaryWriter.Write(HandBuiltAnalyses.ThreeConv()));
        int header = Array.FindIndex(lines, l => l.StartsWith("Layer", StringComparison.Ordinal));
        var table = lines.Skip(header).Take(7).ToArray();

        Assert.Equal("Layer  Kind    Output shape      Params         MACs", table[0]);
        Assert.Equal(new string('=', table[0].Length), table[1]);
        Assert.Equal("input  Input   (3, 200, 300)          0            0", table[2]);
        Assert.Equal("conv1  Conv2D  (100, 100, 150)    2,800   40,500,000", table[3]);
        Assert.Equal("conv3  Conv2D  (400, 25, 38)    720,400  684,000,000", table[5]);
        Assert.Equal(new string('-', table[0].Length), table[6]);
        Assert.All(table, l => Assert.Equal(table[0].Length, l.Length));
    }

    [Fact]
    public void BatchNorm_statistics_add_the_PyTorch_style_count_and_frozen_layers_are_marked()
    {
        var text = SummaryWriter.Write(HandBuiltAnalyses.FrozenMlp());
        var lines = Lines(text);

        Assert.Contains("Total params: 102,282", lines);
        Assert.Contains("Trainable params: 1,546", lines);
        Assert.Contains("Non-trainable params: 100,736", lines);
        Assert.Contains("PyTorch-style count (without BatchNorm statistics): 102,026", lines);
        Assert.Contains(lines, l => l.StartsWith("dense_1", StringComparison.Ordinal) && l.Contains("Dense + ReLU, frozen  (128)"));
        Assert.Contains("Total MACs: 101,888 per sample", lines);
        Assert.Contains("Training at batch 32 (sgd):", lines);
    }

    [Fact]
    public void Output_is_deterministic_and_uses_newlines_only()
    {
        var a = SummaryWriter.Write(HandBuiltAnalyses.ThreeConv());
        var b = SummaryWriter.Write(HandBuiltAnalyses.ThreeConv());
        Assert.Equal(a, b);
        Assert.DoesNotContain('\r', a);
        Assert.DoesNotContain(Lines(a), l => l.EndsWith(' '));
    }
}
