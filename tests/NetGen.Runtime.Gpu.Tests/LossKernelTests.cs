using NetGen.Execution;
using NetGen.Gpu;
using Xunit;

namespace NetGen.Gpu.Tests;

[Collection(OpsCollection.Name)]
public class LossKernelTests(OpsDevice fixture)
{
    internal static void MatchesSoftmaxLoss(GpuDevice device, int rows, int classes)
    {
        var loss = GpuLoss.On(device);
        var logits = Ops.Random(rows * classes, 31, scale: 5f);
        var labels = new int[rows];
        for (int r = 0; r < rows; r++) labels[r] = r % 4 == 3 ? -100 : (r * 7) % classes;
        // A tie for the maximum: the first index is the arg-max, on both.
        logits[0 * classes + 2] = 9f;
        logits[0 * classes + 5] = 9f;
        labels[0] = 5;
        logits[1 * classes + 1] = 9f;
        logits[1 * classes + 4] = 9f;
        labels[1] = 1;
        using var bLogits = Ops.Upload(device, logits);
        using var bLabels = Ops.Upload(device, labels);
        using var bd = Ops.Upload(device, Ops.Random(rows * classes, 32));
        using var bTotals = device.Accelerator.Allocate1D<float>(GpuLoss.TotalsFloats);
        using var bWork = device.Accelerator.Allocate1D<float>(GpuLoss.WorkspaceFloats(rows));
        loss.SoftmaxCrossEntropy(bd.View, bTotals.View, bLogits.View, bLabels.View.SubView(0, rows), bWork.View, rows, classes, -100);
        var totals = GpuLoss.ToTotals(Ops.Download(device, bTotals.View), "test");

        var d = new float[rows * classes];
        var cpu = SoftmaxLoss.SumForwardBackward(d, logits, labels, classes, -100, "test");
        Ops.Close(d, Ops.Download(device, bd.View), "dLogits");
        Assert.Equal(cpu.Counted, totals.Counted);
        Assert.Equal(cpu.Correct, totals.Correct);
        Assert.True(Math.Abs(cpu.Loss - totals.Loss) <= 1e-4 * Math.Abs(cpu.Loss), $"loss {totals.Loss}, CPU {cpu.Loss}");

        // float64: -log softmax at the label over the counted rows.
        double reference = 0;
        for (int r = 0; r < rows; r++)
        {
            if (labels[r] == -100) continue;
            double max = double.NegativeInfinity, sum = 0;
            for (int i = 0; i < classes; i++) max = Math.Max(max, logits[r * classes + i]);
            for (int i = 0; i < classes; i++) sum += Math.Exp(logits[r * classes + i] - max);
            reference += max + Math.Log(sum) - logits[r * classes + labels[r]];
        }
        Assert.True(Math.Abs(reference - totals.Loss) <= 1e-4 * Math.Abs(reference), $"loss {totals.Loss}, float64 {reference}");
    }

    // 9 rows (not a multiple of the 4 warps of a group) of 13 classes (not of the warp's 4 lanes), every fourth row ignored.
    [Fact]
    public void SoftmaxCrossEntropyMatchesTheCpuLossWithIgnoredRowsAndTies() => MatchesSoftmaxLoss(fixture.Device, 9, 13);

    [Fact]
    public void ALabelOutsideTheClassesComesBackAsTheCpuError()
    {
        var device = fixture.Device;
        var loss = GpuLoss.On(device);
        using var bLogits = Ops.Upload(device, Ops.Random(3 * 5, 33));
        using var bLabels = Ops.Upload(device, new[] { 1, 7, 2 });
        using var bd = device.Accelerator.Allocate1D<float>(15);
        using var bTotals = device.Accelerator.Allocate1D<float>(GpuLoss.TotalsFloats);
        using var bWork = device.Accelerator.Allocate1D<float>(GpuLoss.WorkspaceFloats(3));
        loss.SoftmaxCrossEntropy(bd.View, bTotals.View, bLogits.View, bLabels.View, bWork.View, 3, 5, null);
        var totals = Ops.Download(device, bTotals.View);
        Assert.Equal(2f, totals[1]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => GpuLoss.ToTotals(totals, "Net"));
        Assert.Contains("Net: 1 labels", e.Message);
        Assert.All(Ops.Download(device, bd.View.SubView(5, 5)), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void AnEmptyBatchSumsToZero()
    {
        var device = fixture.Device;
        using var scratch = device.Accelerator.Allocate1D<float>(1);
        using var labels = device.Accelerator.Allocate1D<int>(1);
        using var totals = Ops.Upload(device, new float[] { 5, 5, 5, 5 });
        var empty = scratch.View.SubView(0, 0);
        GpuLoss.On(device).SoftmaxCrossEntropy(empty, totals.View, empty, labels.View.SubView(0, 0), empty, 0, 10, null);
        Assert.Equal(new float[4], Ops.Download(device, totals.View));
    }
}
