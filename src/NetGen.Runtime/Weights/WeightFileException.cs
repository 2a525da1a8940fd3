using System.IO;

namespace NetGen.Weights;

/// <summary>
/// A weight file is malformed or does not fit: the message names the file, the tensor when
/// one is at fault, what was expected and what was found.
/// </summary>
public class WeightFileException : IOException
{
    /// <summary>Creates the exception for <paramref name="source"/> (a path or a buffer's name).</summary>
    public WeightFileException(string source, string? tensorName, string message)
        : base($"{source}: {Describe(tensorName, message)}")
    {
        SourceName = source;
        TensorName = tensorName;
        Reason = Describe(tensorName, message);
    }

    /// <summary>The file path, or the name given for an in-memory buffer.</summary>
    public string SourceName { get; }

    /// <summary>The tensor at fault, or null when the problem is not one tensor's.</summary>
    public string? TensorName { get; }

    /// <summary>What is wrong, without the source: the message is "<see cref="SourceName"/>: <see cref="Reason"/>".</summary>
    public string Reason { get; }

    private static string Describe(string? tensorName, string message) =>
        tensorName is null ? message : $"tensor '{tensorName}': {message}";
}
