using System;

namespace NetGen.Training;

/// <summary>
/// A set of parameters an optimizer updates together: a flat span of parameters and the
/// same-length span of their gradients (both usually slices of the network's arenas). A
/// frozen group is skipped entirely (no update, no state change, no step counted), as PyTorch
/// skips parameters without gradients; it may be unfrozen later to fine-tune.
/// </summary>
public sealed class ParameterGroup
{
    /// <summary>
    /// Creates a group. <paramref name="applyWeightDecay"/> false exempts it from the
    /// optimizer's weight decay (commonly done for biases and normalisation scales).
    /// </summary>
    public ParameterGroup(string name, Memory<float> parameters, Memory<float> gradients, bool frozen = false, bool applyWeightDecay = true)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException(
                $"Group '{name}' has {parameters.Length} parameters but {gradients.Length} gradients; they must match.", nameof(gradients));
        }

        Name = name;
        Parameters = parameters;
        Gradients = gradients;
        Frozen = frozen;
        ApplyWeightDecay = applyWeightDecay;
    }

    /// <summary>Name used in messages (e.g. "conv1").</summary>
    public string Name { get; }

    /// <summary>The parameters, updated in place by each step.</summary>
    public Memory<float> Parameters { get; }

    /// <summary>The gradients of the loss with respect to <see cref="Parameters"/>, read by each step.</summary>
    public Memory<float> Gradients { get; }

    /// <summary>Number of parameters.</summary>
    public int Length => Parameters.Length;

    /// <summary>Whether the optimizer leaves this group untouched.</summary>
    public bool Frozen { get; set; }

    /// <summary>Whether the optimizer's weight decay applies to this group.</summary>
    public bool ApplyWeightDecay { get; }
}
