namespace NetGen.Execution;

/// <summary>How a parameter tensor starts.</summary>
public enum ParameterInit
{
    /// <summary>All zero (biases, BatchNorm beta and running mean).</summary>
    Zeros,
    /// <summary>All one (BatchNorm gamma and running variance).</summary>
    Ones,
    /// <summary>He (Kaiming) uniform: U(-sqrt(6 / fanIn), +sqrt(6 / fanIn)), for weights followed by ReLU.</summary>
    He,
    /// <summary>Glorot (Xavier) uniform: U(-sqrt(6 / (fanIn + fanOut)), +...), for other weights.</summary>
    Glorot,
}
