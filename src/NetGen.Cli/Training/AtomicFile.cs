using System.Text;
using NetGen.IO;

namespace NetGen.Cli.Training;

/// <summary>Files replaced whole (<see cref="DurableFile"/>): a reader never sees half a file, and a failed write leaves the old one.</summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, Encoding.UTF8.GetBytes(text));

    public static void WriteAllBytes(string path, byte[] bytes) => DurableFile.Replace(path, stream => stream.Write(bytes));
}
