using NetGen.Weights;
using Xunit;

namespace NetGen.Runtime.Tests.Weights;

/// <summary>Files on disk: round trips, atomic replacement, loading against an expected set.</summary>
public sealed class SafetensorsFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "netgen-st-" + Guid.NewGuid().ToString("N"));

    public SafetensorsFileTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static NamedTensor[] Network() =>
    [
        new NamedTensor("fc.weight", [3, 4], Enumerable.Range(0, 12).Select(i => MathF.Sin(i)).ToArray()),
        new NamedTensor("conv.weight", [2, 1, 2, 2], Enumerable.Range(0, 8).Select(i => -i / 7f).ToArray()),
        new NamedTensor("fc.bias", [3], new float[] { 0.1f, float.Epsilon, -0f }),
        new NamedTensor("empty", [0, 5], Array.Empty<float>()),
    ];

    [Fact]
    public void WriteThenOpen_RoundTripsEveryBitAndMetadata()
    {
        string path = Path.Combine(_folder, "net.safetensors");
        var metadata = new Dictionary<string, string> { ["network"] = "LeNet", ["épоch"] = "1" };
        Safetensors.Write(path, Network(), metadata);
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, (8 + headerLength) % 8);
        Assert.Equal(8 + headerLength + 4 * (12 + 8 + 3), bytes.Length);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Equal(["conv.weight", "empty", "fc.bias", "fc.weight"], file.Tensors.Select(t => t.Name));
        // Data is laid out in name order.
        Assert.Equal([0L, 32L, 32L, 44L], file.Tensors.Select(t => t.Begin));
        Assert.Equal(metadata, file.Metadata);
        foreach (NamedTensor t in Network())
        {
            float[] read = file.ReadFloats(t.Name);
            Assert.Equal(t.Data.ToArray().Select(BitConverter.SingleToInt32Bits), read.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(t.Shape, file.GetTensor(t.Name).Shape.ToArray());
        }
    }

    [Fact]
    public void Write_ReplacesAtomically_AndLeavesNoTemporaryFiles()
    {
        string path = Path.Combine(_folder, "w.safetensors");
        Safetensors.Write(path, [new NamedTensor("a", [1], new float[] { 1f })]);
        Safetensors.Write(path, [new NamedTensor("a", [2], new float[] { 2f, 3f })]);
        Assert.Equal([2f, 3f], Safetensors.Load(path, new Dictionary<string, int[]> { ["a"] = [2] })["a"]);

        // A rejected write changes nothing: the old file is intact.
        Assert.Throws<ArgumentException>(() => Safetensors.Write(path, [new NamedTensor("a", [3], new float[] { 1f })]));
        Assert.Throws<ArgumentException>(() => Safetensors.Write(path, [new NamedTensor("a", [1], new float[] { 1f }), new NamedTensor("a", [1], new float[] { 1f })]));
        Assert.Equal([2f, 3f], Safetensors.Load(path, new Dictionary<string, int[]> { ["a"] = [2] })["a"]);
        Assert.Equal(["w.safetensors"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_that_fails_halfway_keeps_the_old_file_and_removes_its_temporary_file()
    {
        string path = Path.Combine(_folder, "w.safetensors");
        Safetensors.Write(path, Network());
        byte[] old = File.ReadAllBytes(path);

        // The header and the first tensor are on disk when reading the second tensor's data fails.
        NamedTensor[] failing = [new NamedTensor("a", [2], new float[] { 1f, 2f }), new NamedTensor("b", [4], new FailingMemory(4).Memory)];
        var ex = Assert.Throws<IOException>(() => Safetensors.Write(path, failing));

        Assert.Equal(FailingMemory.Message, ex.Message);
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal(["w.safetensors"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_whose_rename_fails_leaves_no_temporary_file()
    {
        // A folder where the file should go: everything is written, the rename onto it fails.
        string path = Path.Combine(_folder, "taken.safetensors");
        Directory.CreateDirectory(path);

        Assert.ThrowsAny<IOException>(() => Safetensors.Write(path, Network()));

        Assert.Empty(Directory.GetFiles(_folder));
        Assert.True(Directory.Exists(path));
    }

    /// <summary>Float memory whose span cannot be taken: a write fails while it streams the tensor data.</summary>
    private sealed class FailingMemory(int length) : System.Buffers.MemoryManager<float>
    {
        public const string Message = "the disk went away";

        public override Span<float> GetSpan() => throw new IOException(Message);

        public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) => throw new IOException(Message);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }

        public new Memory<float> Memory => CreateMemory(length);
    }

    [Fact]
    public void Load_ListsEveryDifferenceInOneError()
    {
        string path = Path.Combine(_folder, "m.safetensors");
        Safetensors.Write(path, Network());
        var expected = new Dictionary<string, int[]>
        {
            ["conv.weight"] = [2, 1, 2, 2],
            ["fc.weight"] = [4, 3],
            ["fc.bias"] = [3],
            ["out.weight"] = [10, 3],
        };
        var ex = Assert.Throws<WeightMismatchException>(() => Safetensors.Load(path, expected));
        Assert.Equal(
            [
                "tensor 'fc.weight' has shape [3, 4], expected [4, 3]",
                "missing tensor 'out.weight' (expected shape [10, 3], F32)",
                "unexpected tensor 'empty' (shape [0, 5], F32)",
            ],
            ex.Differences);
        Assert.StartsWith($"{path}: the tensors do not match the expected set (3 differences):\n  - tensor 'fc.weight'", ex.Message);
    }

    [Fact]
    public void Load_ReportsWrongDtype()
    {
        string path = Path.Combine(_folder, "h.safetensors");
        File.WriteAllBytes(path, SafetensorsFormatTests.Build(
            "{\"x\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", [0, 0x3C, 0, 0x3C]));
        var ex = Assert.Throws<WeightMismatchException>(() => Safetensors.Load(path, new Dictionary<string, int[]> { ["x"] = [4] }));
        Assert.Equal(["tensor 'x' has dtype F16, expected F32", "tensor 'x' has shape [2], expected [4]"], ex.Differences);
    }

    [Fact]
    public void LoadInto_FillsTheCallersBuffers()
    {
        string path = Path.Combine(_folder, "into.safetensors");
        Safetensors.Write(path, Network());
        var arena = new float[12 + 8 + 3];
        Safetensors.LoadInto(path,
            [
                new TensorTarget("fc.weight", [3, 4], arena.AsMemory(0, 12)),
                new TensorTarget("conv.weight", [2, 1, 2, 2], arena.AsMemory(12, 8)),
                new TensorTarget("fc.bias", [3], arena.AsMemory(20, 3)),
                new TensorTarget("empty", [0, 5], Memory<float>.Empty),
            ]);
        Assert.Equal(MathF.Sin(5), arena[5]);
        Assert.Equal(-7 / 7f, arena[19]);
        Assert.Equal(0.1f, arena[20]);
        Assert.Throws<ArgumentException>(() => Safetensors.LoadInto(path, [new TensorTarget("fc.bias", [3], arena.AsMemory(0, 2))]));
    }

    [Fact]
    public void Open_MissingOrTruncatedFile_FailsClearly()
    {
        string path = Path.Combine(_folder, "t.safetensors");
        Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Open(path));
        Safetensors.Write(path, Network());
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        var ex = Assert.Throws<WeightFileException>(() => SafetensorsFile.Open(path));
        Assert.StartsWith(path + ": ", ex.Message);
    }
}
