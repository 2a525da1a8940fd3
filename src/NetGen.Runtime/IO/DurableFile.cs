using System;
using System.IO;
using System.Runtime.InteropServices;

namespace NetGen.IO;

/// <summary>
/// Files replaced whole and durably. The new content goes to a temporary file in the target's
/// folder (so the rename cannot cross file systems), is flushed to disk, and is renamed over the
/// target; then the folder is flushed, so the rename itself survives a power cut. A reader sees
/// the old file or the new one, never half of either; a failed write removes its temporary file
/// and leaves the old file as it was.
/// </summary>
internal static partial class DurableFile
{
    private const string TemporarySuffix = ".tmp";

    /// <summary>Length of the "N" format of a Guid: 32 hex digits.</summary>
    private const int TokenLength = 32;

    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/> as the class says.</summary>
    public static void Replace(string path, Action<Stream> write, int bufferSize = 4096)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }

        SyncDirectory(directory);
    }

    /// <summary>
    /// True for the name of a temporary file <see cref="Replace"/> makes (".NAME.{32 hex digits}.tmp"):
    /// one a killed process left behind, which nothing reads and a later writer may delete.
    /// </summary>
    public static bool IsTemporary(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        int tokenStart = fileName.Length - TemporarySuffix.Length - TokenLength;
        return tokenStart >= 3 && fileName[0] == '.' && fileName[tokenStart - 1] == '.'
            && fileName.EndsWith(TemporarySuffix, StringComparison.Ordinal)
            && fileName.AsSpan(tokenStart, TokenLength).IndexOfAnyExcept("0123456789abcdef") < 0;
    }

    /// <summary>
    /// Flushes <paramref name="directory"/>'s entries (new names, renames, deletions) to disk, as
    /// fsync on the folder does on Unix. Best effort: some file systems cannot, and on Windows
    /// NTFS journals the rename itself.
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int descriptor = Open(directory, ReadOnly);
        if (descriptor < 0)
        {
            return;
        }

        _ = FSync(descriptor);
        _ = Close(descriptor);
    }

    // Cleanup after a failed write must not hide the original exception.
    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The temporary file stays behind; IsTemporary tells a later writer what it is.
        }
    }

    private const int ReadOnly = 0;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
