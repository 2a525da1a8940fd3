using System.Buffers.Binary;
using System.IO.Compression;

namespace NetGen.Runtime.Tests.Data;

/// <summary>Builds IDX files byte by byte, independently of the reader under test.</summary>
internal static class IdxFixtures
{
    public static byte[] Idx(int magic, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        }

        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(raw);
        }

        return output.ToArray();
    }

    public static byte[] Images(int count, int rows, int cols, Func<int, byte> pixel)
    {
        var data = new byte[count * rows * cols];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = pixel(i);
        }

        return Idx(0x803, [count, rows, cols], data);
    }

    public static byte[] Labels(params byte[] labels) => Idx(0x801, [labels.Length], labels);

    /// <summary>A fresh empty folder under the temp directory, deleted by the caller.</summary>
    public static string TempFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "netgen-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The repository root, found by walking up to the folder holding NetGen's samples.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "samples", "Mnist", "data")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("samples/Mnist/data not found above " + AppContext.BaseDirectory);
    }
}
