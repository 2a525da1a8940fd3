using System.IO;

namespace NetGen.Data;

/// <summary>
/// A data file is malformed: truncated, wrong magic number, inconsistent sizes or values out of
/// range. The message names the file, what was expected and what was found.
/// </summary>
public sealed class DataFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="source"/> (a path or a stream's name).</summary>
    public DataFormatException(string source, string message)
        : base($"{source}: {message}")
    {
        SourceName = source;
        Reason = message;
    }

    /// <summary>The file path, or the name given for a stream, that held the bad data.</summary>
    public string SourceName { get; }

    /// <summary>What is wrong, without the source: the message is "<see cref="SourceName"/>: <see cref="Reason"/>".</summary>
    public string Reason { get; }
}
