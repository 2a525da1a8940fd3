using NetGen.Data;

namespace NetGen.Cli.Tests;

/// <summary>Small inputs for the training commands: a few hundred of the shipped MNIST digits as IDX files, and tiny networks.</summary>
internal static class TestData
{
    public static readonly string RepoRoot = FindRepoRoot();

    /// <summary>
    /// Conv (4 filters) + pool + dropout + dense: 6,810 parameters, trains in well under a second
    /// per epoch. The dropout makes resuming depend on the saved random state too.
    /// </summary>
    public const string TinyNet = """
        network TinyDigits {
            input 1x28x28
            batch 32
            optimizer adam

            conv1 = conv2d(4, 3, activation: relu)
            pool1 = maxpool2d(2)
            flat = flatten
            drop = dropout(0.2)
            fc = dense(10, activation: softmax)
        }
        """;

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetGen.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("NetGen.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// This test run's own folder under the temp path: every TempFolder is inside it, and it is
    /// deleted when the test process exits (trainings write checkpoints and plots: left behind, runs
    /// across a day filled a disk).
    /// </summary>
    private static readonly Lazy<string> RunFolder = new(() =>
    {
        string parent = Path.Combine(Path.GetTempPath(), "netgen-cli-tests");
        string root = Path.Combine(parent, "run-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        // A run the test host ended before its exit handlers ran leaves its folder: older than a day, it is removed.
        foreach (var stale in new DirectoryInfo(parent).EnumerateDirectories())
        {
            if (stale.FullName == root || stale.LastWriteTimeUtc > DateTime.UtcNow.AddDays(-1)) continue;
            try { stale.Delete(recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        };
        return root;
    });

    public static string TempFolder()
    {
        string dir = Path.Combine(RunFolder.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A compile cache of the test's own, in a new <see cref="TempFolder"/> (tests never use the user's ~/.cache/netgen).</summary>
    internal static NetGen.Cli.Compilation.CompileCache Cache() => NetGen.Cli.Compilation.CompileCache.At(TempFolder());

    public static string WriteFile(string folder, string name, string text)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// A folder with train-images-idx3-ubyte and train-labels-idx1-ubyte holding
    /// <paramref name="count"/> shipped digits (raw IDX, big-endian header as the format defines),
    /// one every <paramref name="every"/> (by default spread over the whole file): the shipped file
    /// is sorted by class, so its first 480 digits are all zeros and only a spread sample has all
    /// ten classes.
    /// </summary>
    public static string MnistFolder(int count, int? every = null)
    {
        string source = Path.Combine(RepoRoot, "samples/Mnist/data");
        var images = IdxReader.ReadImages(Path.Combine(source, "mnist-10k-images-idx3-ubyte.gz"));
        var labels = IdxReader.ReadLabels(Path.Combine(source, "mnist-10k-labels-idx1-ubyte.gz"), 10);
        int rows = images.Dimensions[1], columns = images.Dimensions[2], pixels = rows * columns;
        int step = every ?? images.Dimensions[0] / count;
        var chosenImages = new byte[count * pixels];
        var chosenLabels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            images.Data.AsSpan(i * step * pixels, pixels).CopyTo(chosenImages.AsSpan(i * pixels));
            chosenLabels[i] = labels[i * step];
        }
        string folder = TempFolder();
        WriteIdx(Path.Combine(folder, "train-images-idx3-ubyte"), IdxReader.ImagesMagic, [count, rows, columns], chosenImages);
        WriteIdx(Path.Combine(folder, "train-labels-idx1-ubyte"), IdxReader.LabelsMagic, [count], chosenLabels);
        return folder;
    }

    private static void WriteIdx(string path, int magic, int[] dimensions, ReadOnlySpan<byte> data)
    {
        using var stream = File.Create(path);
        Span<byte> word = stackalloc byte[4];
        foreach (int value in new[] { magic }.Concat(dimensions))
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(word, value);
            stream.Write(word);
        }
        stream.Write(data);
    }

    public static bool IsPng(string path)
    {
        byte[] head = new byte[8];
        using var stream = File.OpenRead(path);
        return stream.Read(head) == 8 && head.SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
    }

    /// <summary>The file checkpoint.json of <paramref name="folder"/> names under <paramref name="key"/> ("weights" or "optimizerState").</summary>
    public static string CheckpointFile(string folder, string key = "weights")
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "checkpoint.json")));
        return Path.Combine(folder, json.RootElement.GetProperty(key).GetString()!);
    }

    public static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
