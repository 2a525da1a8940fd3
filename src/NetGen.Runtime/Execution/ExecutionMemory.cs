using System;

namespace NetGen.Execution;

/// <summary>
/// The one allocation of a generated network instance: every byte its plan reports, as one
/// float array the generated code slices at constant offsets.
/// </summary>
public static class ExecutionMemory
{
    /// <summary>Allocates <paramref name="bytes"/> (a multiple of 4) as zeroed floats.</summary>
    /// <param name="bytes">The plan's total for the mode.</param>
    /// <param name="network">Network name, for the error message.</param>
    /// <param name="mode">The mode, for the error message.</param>
    /// <exception cref="NotSupportedException">The plan exceeds what one .NET array can hold.</exception>
    public static float[] Allocate(long bytes, string network, ExecutionMode mode)
    {
        if (bytes < 0 || bytes % 4 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "The plan must be a whole number of fp32 values.");
        }
        long floats = bytes / 4;
        if (floats > Array.MaxLength)
        {
            throw new NotSupportedException(
                $"{network} needs {bytes:N0} bytes for {mode}, over the {(long)Array.MaxLength * 4:N0} bytes one array holds; lower the batch size.");
        }
        return new float[floats];
    }
}
