using System;
using System.IO;

namespace NetGen.Training;

/// <summary>
/// What a failed file-system call means, in the user's words: .NET's own texts name temporary
/// files the user never asked for ("Access to the path '.../.checkpoint-12.safetensors.{guid}.tmp'
/// is denied"), so messages are built from the kind of failure instead.
/// </summary>
internal static class FileSystemErrors
{
    /// <summary>True for the exceptions a file-system call throws when the disk or the permissions refuse it.</summary>
    public static bool IsFileSystemError(Exception e) => e is IOException or UnauthorizedAccessException;

    /// <summary>"permission denied", "the disk is full", ...</summary>
    public static string Describe(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        DirectoryNotFoundException => "a folder on the way does not exist",
        PathTooLongException => "the path is too long",
        // On Unix an IOException's HResult is the errno of the failed call.
        IOException { HResult: 28 or 122 } => "the disk is full",
        IOException { HResult: 30 } => "the file system is read-only",
        IOException { HResult: 20 } => "a part of the path is a file, not a folder",
        IOException { HResult: 21 } => "a folder is in the way of a file",
        IOException { HResult: 1 or 13 } => "permission denied",
        _ => $"the file system refused (error {e.HResult})",
    };
}
