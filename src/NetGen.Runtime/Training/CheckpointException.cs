using System;

namespace NetGen.Training;

/// <summary>
/// A checkpoint that cannot be read, restored or written: its message is one complete line,
/// "path: error: what" (a missing folder, a cut-short manifest, weights from another step, a full disk).
/// </summary>
public sealed class CheckpointException : Exception
{
    /// <summary>A checkpoint error; <paramref name="notFound"/> when the folder or a file named does not exist.</summary>
    public CheckpointException(string message, bool notFound = false)
        : base(message) => NotFound = notFound;

    /// <summary>True when the folder or a file it names does not exist.</summary>
    public bool NotFound { get; }
}
