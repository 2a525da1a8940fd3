namespace NetGen.Execution;

/// <summary>What a generated network instance allocates memory for.</summary>
public enum ExecutionMode
{
    /// <summary>Prediction one sample at a time: parameters, the inference arena and packed weights.</summary>
    Inference,
    /// <summary>
    /// Training at the network's declared batch size: parameters, gradients, optimizer state,
    /// the batch's inputs, saved activations and activation gradients, packed weights. Prediction
    /// works too, through the same memory, up to a batch at a time.
    /// </summary>
    Training,
}
