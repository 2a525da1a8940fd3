using System;
using NetGen.Kernels;

namespace NetGen.Execution;

/// <summary>
/// Sums of a softmax cross-entropy over some rows: total loss (nats), rows counted (labels not
/// ignored) and rows whose arg-max is their label. Micro-batches add up; <see cref="ToResult"/>
/// gives the mean.
/// </summary>
/// <param name="Loss">Sum of -log softmax(row)[label] over counted rows.</param>
/// <param name="Counted">Rows whose label is not the ignore label.</param>
/// <param name="Correct">Counted rows whose highest score is their label.</param>
public readonly record struct LossTotals(double Loss, long Counted, long Correct)
{
    /// <summary>Adds two sums.</summary>
    public static LossTotals operator +(LossTotals a, LossTotals b) =>
        new(a.Loss + b.Loss, a.Counted + b.Counted, a.Correct + b.Correct);

    /// <summary>Mean loss over the counted rows (0 when none), with the counts.</summary>
    public TrainResult ToResult() => new(Counted == 0 ? 0f : (float)(Loss / Counted), checked((int)Correct), checked((int)Counted));
}

/// <summary>
/// Softmax cross-entropy for generated networks, one row of class scores per label: a class-score
/// vector per sample, or per pixel of a (C, H, W) output, whose channels-last rows (N, H, W, C)
/// line up with labels in (N, H, W) order. The gradient written is that of the summed loss; the
/// caller scales the parameter gradients by 1 / counted once every micro-batch is in.
/// </summary>
public static class SoftmaxLoss
{
    /// <summary>
    /// Checks every label before any work, so a bad label cannot leave half a batch's gradient
    /// accumulated: each must be in [0, classes) or equal <paramref name="ignoreLabel"/>.
    /// </summary>
    /// <param name="labels">The labels.</param>
    /// <param name="classes">Classes per row.</param>
    /// <param name="ignoreLabel">A label to leave out, or null.</param>
    /// <param name="network">Network name, for the error message.</param>
    public static void CheckLabels(ReadOnlySpan<int> labels, int classes, int? ignoreLabel, string network)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if ((uint)label >= (uint)classes && label != ignoreLabel) throw OutOfRange(label, i, classes, ignoreLabel, network);
        }
    }

    /// <summary>
    /// Writes dLogits = softmax(row) - onehot(label) for every counted row and 0 for ignored rows,
    /// overwriting it, and returns the sums.
    /// </summary>
    /// <param name="dLogits">(rows, classes) gradient of the summed loss.</param>
    /// <param name="logits">(rows, classes) scores.</param>
    /// <param name="labels">(rows) class of each row, in [0, classes), or <paramref name="ignoreLabel"/>.</param>
    /// <param name="classes">Classes per row.</param>
    /// <param name="ignoreLabel">A label to leave out, or null.</param>
    /// <param name="network">Network name, for the error message.</param>
    /// <param name="firstRow">Index of the first row among the caller's labels, for the error message.</param>
    public static LossTotals SumForwardBackward(Span<float> dLogits, ReadOnlySpan<float> logits, ReadOnlySpan<int> labels,
        int classes, int? ignoreLabel, string network, long firstRow = 0)
    {
        long rows = labels.Length;
        if (logits.Length != rows * classes || dLogits.Length != logits.Length)
        {
            throw new ArgumentException(
                $"SoftmaxLoss.SumForwardBackward: {rows} labels of {classes} classes need {rows * classes} scores; logits have {logits.Length}, dLogits {dLogits.Length}.");
        }
        double loss = 0;
        long counted = 0, correct = 0;
        int ignore = ignoreLabel ?? int.MinValue;
        bool ignoring = ignoreLabel.HasValue;
        for (int row = 0; row < labels.Length; row++)
        {
            int label = labels[row];
            var d = dLogits.Slice(row * classes, classes);
            if (ignoring && label == ignore)
            {
                d.Clear();
                continue;
            }
            if ((uint)label >= (uint)classes) throw OutOfRange(label, firstRow + row, classes, ignoreLabel, network);
            var z = logits.Slice(row * classes, classes);
            loss += Softmax.ForwardRow(d, z) - z[label];
            if (Metrics.ArgMax(z) == label) correct++;
            d[label] -= 1f;
            counted++;
        }
        return new LossTotals(loss, counted, correct);
    }

    private static ArgumentOutOfRangeException OutOfRange(int label, long index, int classes, int? ignoreLabel, string network) =>
        new("labels", $"{network}: label {label} at index {index} of the labels is outside [0, {classes})" +
            (ignoreLabel is { } ignore ? $" and is not the ignore label {ignore}." : "."));
}
