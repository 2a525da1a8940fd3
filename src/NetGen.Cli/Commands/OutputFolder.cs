using System;
using System.IO;

namespace NetGen.Cli.Commands;

/// <summary>
/// An output folder (train's and eval's --out) checked before any work, so a run does not train
/// for an epoch and then find it cannot save: it must be a folder, or one that can be created,
/// and this process must be able to write in it. Errors say that nothing was changed.
/// </summary>
internal static class OutputFolder
{
    /// <summary>Creates <paramref name="path"/> when it is missing and checks it takes a new file; returns the full path.</summary>
    /// <exception cref="CliException">It is a file, lies under a file, or cannot be written.</exception>
    public static string Prepare(string path)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
            throw new CliException($"{full}: error: cannot write to the output folder: it is a file, not a folder; nothing was changed");
        for (string? parent = Path.GetDirectoryName(full); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
                throw new CliException($"{full}: error: cannot write to the output folder: {parent} is a file, not a folder; nothing was changed");
        }

        bool existed = Directory.Exists(full);
        try
        {
            Directory.CreateDirectory(full);
            // A file that deletes itself on close; one a killed process leaves is a DurableFile
            // temporary name, which the next checkpoint save removes.
            string probe = Path.Combine(full, $".netgen-write-check.{Guid.NewGuid():N}.tmp");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (FileErrors.IsFileSystemError(e))
        {
            if (!existed) RemoveEmpty(full);
            throw new CliException($"{full}: error: cannot write to the output folder: {FileErrors.Describe(e)}; nothing was changed");
        }
        return full;
    }

    private static void RemoveEmpty(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder);
        }
        catch (Exception e) when (FileErrors.IsFileSystemError(e))
        {
            // Left as an empty folder.
        }
    }
}
