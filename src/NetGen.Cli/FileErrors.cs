using System;
using NetGen.Training;

namespace NetGen.Cli;

/// <summary>
/// What a failed file-system call means, in the user's words: .NET's own texts name temporary
/// files the user never asked for, so messages are built from the kind of failure instead (the
/// runtime's wording, which its checkpoints use too).
/// </summary>
internal static class FileErrors
{
    /// <summary>True for the exceptions a file-system call throws when the disk or the permissions refuse it.</summary>
    public static bool IsFileSystemError(Exception e) => FileSystemErrors.IsFileSystemError(e);

    /// <summary>"permission denied", "the disk is full", ...</summary>
    public static string Describe(Exception e) => FileSystemErrors.Describe(e);
}
