namespace NetGen.Execution;

/// <summary>
/// What one training (or evaluation) step over a batch measured. The counts are of labels: one
/// per sample for a class-score vector, one per pixel for per-pixel scores (then
/// <see cref="Accuracy"/> is the pixel accuracy); labels equal to the ignore label are not counted.
/// </summary>
/// <param name="Loss">Mean cross-entropy over the counted labels, in nats.</param>
/// <param name="Correct">Counted labels whose highest score is the label.</param>
/// <param name="Count">Labels counted.</param>
public readonly record struct TrainResult(float Loss, int Correct, int Count)
{
    /// <summary>Correct / Count, in [0, 1] (0 for an empty batch).</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}
