namespace NetGen.Execution;

/// <summary>
/// The passes generated code runs through <see cref="SampleSlices.Run"/> and receives in
/// <see cref="ISampleSlices.RunSlice"/>, by name: what a slice does with its samples.
/// </summary>
public static class SamplePass
{
    /// <summary>The training forward of a slice of the samples, saving each layer's output.</summary>
    public const int Forward = 0;

    /// <summary>The backward of a slice of the samples, its parameter gradients into the slice's block.</summary>
    public const int Backward = 1;

    /// <summary>The repack after an optimizer step: a share of the layers per slice (samples unused).</summary>
    public const int Repack = 2;

    /// <summary>
    /// The first of the later phases of a training graph split at its batch norms: forward phase k &gt;= 1 is
    /// LaterPhases + 2 (k - 1), backward phase k &gt;= 1 is LaterPhases + 2 (k - 1) + 1 (between two phases the
    /// calling thread combines the slices' batch statistics).
    /// </summary>
    public const int LaterPhases = 3;

    /// <summary>The pass of forward phase <paramref name="phase"/>: <see cref="Forward"/> for 0, else <see cref="LaterPhases"/> + 2 (phase - 1).</summary>
    public static int ForwardPhase(int phase) => phase == 0 ? Forward : LaterPhases + 2 * (phase - 1);

    /// <summary>The pass of backward phase <paramref name="phase"/>: <see cref="Backward"/> for 0, else <see cref="LaterPhases"/> + 2 (phase - 1) + 1.</summary>
    public static int BackwardPhase(int phase) => phase == 0 ? Backward : LaterPhases + 2 * (phase - 1) + 1;

    /// <summary>Whether <paramref name="pass"/> (not <see cref="Repack"/>) is a forward phase, and which phase it is.</summary>
    public static bool IsForward(int pass, out int phase)
    {
        if (pass < LaterPhases)
        {
            phase = 0;
            return pass == Forward;
        }
        phase = (pass - LaterPhases) / 2 + 1;
        return (pass - LaterPhases) % 2 == 0;
    }
}
