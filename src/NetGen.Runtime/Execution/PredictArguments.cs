using System;

namespace NetGen.Execution;

/// <summary>
/// Predict's argument checks and messages (which name the network and the sample shapes), once for the CPU
/// (<see cref="CompiledNetwork"/>) and the GPU (NetGen.Runtime.Gpu's <c>GpuNetwork</c>) networks.
/// </summary>
internal static class PredictArguments
{
    /// <summary>Checks one sample's spans: <paramref name="input"/> and <paramref name="output"/> floats against the layout's sample sizes.</summary>
    /// <exception cref="ArgumentException">A length is not one sample's (the parameter named: input, output).</exception>
    public static void CheckOne(NetworkLayout l, int input, int output)
    {
        if (input != l.InputSize)
            throw new ArgumentException($"{l.Name}.Predict: the input has {input} floats; one sample {l.InputShape} is {l.InputSize}.", nameof(input));
        if (output != l.OutputSize)
            throw new ArgumentException($"{l.Name}.Predict: the output has {output} floats; one sample {l.OutputShape} is {l.OutputSize}.", nameof(output));
    }

    /// <summary>Checks <paramref name="count"/> samples' spans of <paramref name="inputs"/> and <paramref name="outputs"/> floats.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative.</exception>
    /// <exception cref="ArgumentException">A length is not <paramref name="count"/> samples' (the parameter named: inputs, outputs).</exception>
    public static void CheckBatch(NetworkLayout l, int inputs, int outputs, int count)
    {
        if (count < 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, "The sample count cannot be negative.");
        if (inputs != (long)count * l.InputSize)
            throw new ArgumentException($"{l.Name}.Predict: the inputs have {inputs} floats; {count} samples {l.InputShape} are {(long)count * l.InputSize}.", nameof(inputs));
        if (outputs != (long)count * l.OutputSize)
            throw new ArgumentException($"{l.Name}.Predict: the outputs have {outputs} floats; {count} samples {l.OutputShape} are {(long)count * l.OutputSize}.", nameof(outputs));
    }
}
