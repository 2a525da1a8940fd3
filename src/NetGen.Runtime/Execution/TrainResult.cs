namespace NetGen.Execution;

/// <summary>What one training (or evaluation) step over a batch measured.</summary>
/// <param name="Loss">Mean cross-entropy over the batch, in nats.</param>
/// <param name="Correct">Samples whose highest score is their label.</param>
/// <param name="Count">Samples in the batch.</param>
public readonly record struct TrainResult(float Loss, int Correct, int Count)
{
    /// <summary>Correct / Count, in [0, 1] (0 for an empty batch).</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}
