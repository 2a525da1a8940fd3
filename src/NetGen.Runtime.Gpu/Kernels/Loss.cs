using System;
using ILGPU;
using ILGPU.Runtime;
using NetGen.Execution;

namespace NetGen.Gpu;

/// <summary>
/// Softmax cross-entropy on the device with NetGen.Execution.SoftmaxLoss's semantics: one row of
/// class scores per label, dLogits = softmax(row) - onehot(label) (the gradient of the summed
/// loss) for counted rows and 0 for rows whose label is the ignore label, and the sums (loss,
/// counted rows, rows whose first arg-max is the label). One warp per row (maximum, sum of
/// exponentials and arg-max by warp shuffles); the rows' sums then meet in one group through
/// shared memory, in a fixed order. Only the four floats of totals need come back to the host.
/// </summary>
public sealed class GpuLoss
{
    /// <summary>Floats of the totals: loss (nats), counted rows, correct rows, rows with a label out of range.</summary>
    public const int TotalsFloats = 4;

    private readonly LaunchShape _shape;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int, int, int> _rows;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int> _totals;

    private GpuLoss(GpuDevice device)
    {
        _shape = new LaunchShape(device);
        var a = device.Accelerator;
        _rows = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, int, int, int, int>(RowsKernel);
        _totals = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int>(TotalsKernel);
    }

    /// <summary>The loss kernels on <paramref name="device"/>, loaded once.</summary>
    public static GpuLoss On(GpuDevice device) => device.Kernels(static d => new GpuLoss(d));

    /// <summary>Scratch floats <see cref="SoftmaxCrossEntropy"/> needs: 4 per row.</summary>
    public static long WorkspaceFloats(int rows) => (long)TotalsFloats * rows;

    /// <summary>
    /// Writes dLogits (overwriting it) and totals = (loss sum, counted, correct, out of range).
    /// Labels should be checked on the host before they are copied (SoftmaxLoss.CheckLabels); a
    /// label that is neither a class nor the ignore label still gets a zero gradient row and is
    /// counted in totals[3], which <see cref="ToTotals"/> turns into the CPU's error.
    /// </summary>
    /// <param name="dLogits">(rows, classes) gradient of the summed loss.</param>
    /// <param name="totals">(4) the sums, as floats (counts exact below 2^24 rows).</param>
    /// <param name="logits">(rows, classes) scores.</param>
    /// <param name="labels">(rows) class of each row, or the ignore label.</param>
    /// <param name="workspace">At least <see cref="WorkspaceFloats"/> floats.</param>
    /// <param name="rows">Rows (samples, or pixels of a dense output).</param>
    /// <param name="classes">Classes per row.</param>
    /// <param name="ignoreLabel">A label to leave out, or null.</param>
    public void SoftmaxCrossEntropy(ArrayView<float> dLogits, ArrayView<float> totals, ArrayView<float> logits, ArrayView<int> labels,
        ArrayView<float> workspace, int rows, int classes, int? ignoreLabel)
    {
        const string kernel = "GpuLoss.SoftmaxCrossEntropy";
        OpsCheck.NonNegative(rows, kernel, nameof(rows));
        OpsCheck.Positive(classes, kernel, nameof(classes));
        OpsCheck.Length(logits.Length, (long)rows * classes, kernel, nameof(logits), "rows*classes");
        OpsCheck.Length(dLogits.Length, (long)rows * classes, kernel, nameof(dLogits), "rows*classes");
        OpsCheck.Length(labels.Length, rows, kernel, nameof(labels), "rows");
        OpsCheck.Length(totals.Length, TotalsFloats, kernel, nameof(totals), "TotalsFloats");
        OpsCheck.AtLeast(workspace.Length, WorkspaceFloats(rows), kernel, nameof(workspace), "4*rows");
        OpsCheck.Elements(logits.Length, kernel, nameof(logits));
        var perRow = workspace.SubView(0, WorkspaceFloats(rows));
        _rows(_shape.WarpPerRow(rows), dLogits, perRow, logits, labels, rows, classes, ignoreLabel ?? 0, ignoreLabel.HasValue ? 1 : 0);
        _totals(_shape.OneGroup, totals, perRow, rows);
    }

    /// <summary>
    /// The host's view of the totals (downloaded into <paramref name="totals"/> by the caller):
    /// the CPU's <see cref="LossTotals"/>, or its out-of-range error when a bad label reached the device.
    /// </summary>
    public static LossTotals ToTotals(ReadOnlySpan<float> totals, string network)
    {
        if (totals.Length != TotalsFloats)
            throw new ArgumentException($"GpuLoss.ToTotals: totals has {totals.Length} floats, not {TotalsFloats}.", nameof(totals));
        if (totals[3] > 0f)
            throw new ArgumentOutOfRangeException("labels", $"{network}: {totals[3]} labels of the batch are outside the classes and are not the ignore label; check them with SoftmaxLoss.CheckLabels before the copy.");
        return new LossTotals(totals[0], (long)totals[1], (long)totals[2]);
    }

    /// <summary>Warp per row: the row's loss, counted and correct flags into perRow[4 * row ...].</summary>
    private static void RowsKernel(ArrayView<float> dLogits, ArrayView<float> perRow, ArrayView<float> logits, ArrayView<int> labels,
        int rows, int classes, int ignoreLabel, int ignoring)
    {
        int warps = Group.DimX / Warp.WarpSize;
        for (int row = Grid.IdxX * warps + Warp.WarpIdx; row < rows; row += Grid.DimX * warps)
        {
            int o = row * classes, label = labels[row];
            bool ignored = ignoring != 0 && label == ignoreLabel;
            bool valid = !ignored && label >= 0 && label < classes;
            if (!valid)
            {
                for (int i = Warp.LaneIdx; i < classes; i += Warp.WarpSize)
                    dLogits[o + i] = 0f;
                if (Warp.IsFirstLane)
                {
                    perRow[4 * row] = 0f;
                    perRow[4 * row + 1] = 0f;
                    perRow[4 * row + 2] = 0f;
                    perRow[4 * row + 3] = ignored ? 0f : 1f;
                }
                continue;
            }
            float max = float.NegativeInfinity;
            for (int i = Warp.LaneIdx; i < classes; i += Warp.WarpSize)
                max = MathF.Max(max, logits[o + i]);
            max = GpuWarp.Max(max);
            // The first index holding the maximum is the CPU's arg-max (a later equal score does not replace it).
            int first = classes;
            for (int i = Warp.LaneIdx; i < classes; i += Warp.WarpSize)
            {
                if (logits[o + i] == max && i < first)
                    first = i;
            }
            first = GpuWarp.Min(first);
            float sum = 0f;
            for (int i = Warp.LaneIdx; i < classes; i += Warp.WarpSize)
                sum += MathF.Exp(logits[o + i] - max);
            sum = GpuWarp.Sum(sum);
            float inv = 1f / sum;
            for (int i = Warp.LaneIdx; i < classes; i += Warp.WarpSize)
            {
                float p = MathF.Exp(logits[o + i] - max) * inv;
                dLogits[o + i] = i == label ? p - 1f : p;
            }
            if (Warp.IsFirstLane)
            {
                perRow[4 * row] = max + MathF.Log(sum) - logits[o + label];
                perRow[4 * row + 1] = 1f;
                perRow[4 * row + 2] = first == label ? 1f : 0f;
                perRow[4 * row + 3] = 0f;
            }
        }
    }

    /// <summary>One group: totals[j] = sum over rows of perRow[4 * row + j], each thread's rows in order, then the group's tree.</summary>
    private static void TotalsKernel(ArrayView<float> totals, ArrayView<float> perRow, int rows)
    {
        var shared = SharedMemory.Allocate<float>(LaunchShape.MaxWarps);
        for (int j = 0; j < TotalsFloats; j++)
        {
            float sum = 0f;
            for (int row = Group.IdxX; row < rows; row += Group.DimX)
                sum += perRow[4 * row + j];
            sum = GpuWarp.GroupSum(sum, shared);
            if (Group.IsFirstThread)
                totals[j] = sum;
        }
    }
}
