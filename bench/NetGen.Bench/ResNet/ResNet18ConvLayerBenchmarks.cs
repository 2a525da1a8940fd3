using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NetGen.Bench.Peers;
using NetGen.Execution;
using NetGen.Kernels;
using NetGen.Threading;

namespace NetGen.Bench.ResNet;

/// <summary>
/// Every distinct convolution of ResNet-18 at batch 1, as the generated inference runs it
/// (channels-last, bias from the folded batch norm, ReLU fused where the network has one), alone:
/// <c>Forward1Generic</c> (<see cref="Conv2D.Forward"/>) and <c>Forward1</c> (the kernel inference
/// picks for the shape) on one thread, <c>Forward1Bands2</c> split by bands of output rows over a
/// <see cref="WorkerPool"/>(2) (<see cref="LayerBands"/>, even below its default size threshold,
/// so the table shows where splitting pays). The GFLOP/s column reads against the one-core
/// Vector512 FMA peak (210-224 GFLOP/s here) for Forward1, the two-core one (403-420) for the bands.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
public class ResNet18ConvLayerBenchmarks
{
    private Conv2DDims _dims;
    private float[] _x = [], _y = [], _packed = [], _bias = [];
    private NativeArena[] _memory = [];
    private float[] _scratch = [];
    private WorkerPool? _pool;
    private LayerBands? _bands;

    /// <summary>
    /// The shapes (how many of the network's convolutions have it): conv1, the 7x7 stride-2 stem
    /// from 3 channels (1); layer1, 3x3 at 56x56x64 (4); for stage s of 2..4: "s.down", its first
    /// 3x3 at stride 2 doubling the channels (1 each), "s.ds", its 1x1 stride-2 projection
    /// (1 each), "s", its 3x3 at the new size (3, 3 and 5).
    /// </summary>
    [Params("conv1", "layer1", "layer2.down", "layer2.ds", "layer2", "layer3.down", "layer3.ds", "layer3", "layer4.down", "layer4.ds", "layer4")]
    public string Layer { get; set; } = "";

    /// <summary>The layer's convolution at batch 1 (input H, W, C; output K; kernel, stride, padding).</summary>
    public static Conv2DDims Dims(string layer) => layer.Split('.') switch
    {
        ["conv1"] => Conv2DDims.Create(1, 224, 224, 3, 64, 7, 7, 2, 2, 3, 3, 3, 3),
        ["layer1"] => Same(56, 64),
        [var stage, "ds"] => Projection(stage),
        [var stage, "down"] => Strided(stage),
        [var stage] when stage.StartsWith("layer", StringComparison.Ordinal) => Same(224 / (4 << (stage[^1] - '1')), 64 << (stage[^1] - '1')),
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "Not a convolution of ResNet-18."),
    };

    private static Conv2DDims Same(int size, int channels) =>
        Conv2DDims.Create(1, size, size, channels, channels, 3, 3, 1, 1, 1, 1, 1, 1);

    /// <summary>Stage s (2..4) takes (56 >> (s - 2))^2 x (64 << (s - 2)) to half the size and twice the channels.</summary>
    private static Conv2DDims Strided(string stage)
    {
        int s = stage[^1] - '2', size = 56 >> s, channels = 64 << s;
        return Conv2DDims.Create(1, size, size, channels, 2 * channels, 3, 3, 2, 2, 1, 1, 1, 1);
    }

    private static Conv2DDims Projection(string stage)
    {
        int s = stage[^1] - '2', size = 56 >> s, channels = 64 << s;
        return Conv2DDims.Create(1, size, size, channels, 2 * channels, 1, 1, 2, 2);
    }

    [GlobalSetup]
    public void Setup()
    {
        _dims = Dims(Layer);
        var d = _dims;
        var random = new Random(1);
        float[] Uniform(long count) => Enumerable.Range(0, (int)count).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _x = Uniform((long)d.H * d.W * d.C);
        _y = new float[d.P * d.Q * d.K];
        _bias = Uniform(d.K);
        _packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(_packed, Uniform((long)d.K * d.GroupC * d.R * d.S), d);
        int workspace = Conv2D.ForwardWorkspaceFloats(d);
        _memory = [new NativeArena(workspace, "bench"), new NativeArena(workspace, "bench")];
        _scratch = new float[workspace];
        _pool = new WorkerPool(2);
        _bands = new LayerBands(_pool, _memory, 0, workspace) { MinimumMultiplyAdds = 0 };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool?.Dispose();
        foreach (var arena in _memory) arena.Dispose();
    }

    /// <summary>The generic kernel, <see cref="Conv2D.Forward"/>, one thread.</summary>
    [Benchmark(Baseline = true)]
    public void Forward1Generic() => Conv2D.Forward(_y, _x, _packed, _bias, _scratch, _dims, Activation.ReLU);

    /// <summary>The kernel inference picks for the shape (row taps for the stem, pixel tiles for later stages), one thread.</summary>
    [Benchmark]
    public void Forward1() => LayerBands.Conv2DForward(null, _y, _x, _packed, _bias, _scratch, _dims, Activation.ReLU);

    [Benchmark]
    public void Forward1Bands2() => LayerBands.Conv2DForward(_bands, _y, _x, _packed, _bias, _scratch, _dims, Activation.ReLU);

    /// <summary>The GFLOP/s column for these shapes.</summary>
    private sealed class GflopsConfig : ManualConfig
    {
        public GflopsConfig() => AddColumn(new GflopsColumn((layer, _) => Dims(layer)));
    }
}

/// <summary>
/// The stride-1 3x3 convolutions of ResNet-18 at batch 1 (layer1..layer4: 56x56x64 to 7x7x512,
/// pad 1, bias and ReLU), one thread: <c>Forward1</c>, the kernel inference picks today, against
/// <c>Forward1Winograd</c>, <see cref="Conv2D.ForwardWinograd"/> on weights transformed once by
/// <see cref="Conv2D.PackWinograd"/>. The GFLOP/s column counts the direct convolution's
/// multiply-adds (Winograd runs 4/9 of them, plus the tiles' overhang on odd sizes).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
public class ResNet18WinogradBenchmarks
{
    private Conv2DDims _dims;
    private float[] _x = [], _y = [], _packed = [], _winograd = [], _bias = [], _workspace = [];

    [Params("layer1", "layer2", "layer3", "layer4")]
    public string Layer { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _dims = ResNet18ConvLayerBenchmarks.Dims(Layer);
        var d = _dims;
        var random = new Random(1);
        float[] Uniform(long count) => Enumerable.Range(0, (int)count).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _x = Uniform((long)d.H * d.W * d.C);
        _y = new float[d.P * d.Q * d.K];
        _bias = Uniform(d.K);
        _packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(_packed, Uniform((long)d.K * d.C * 9), d);
        _winograd = new float[Conv2D.WinogradWeightFloats(d)];
        Conv2D.PackWinograd(_winograd, _packed, d);
        _workspace = new float[Math.Max(Conv2D.ForwardWorkspaceFloats(d), Conv2D.WinogradWorkspaceFloats(d))];
    }

    [Benchmark(Baseline = true)]
    public void Forward1() => LayerBands.Conv2DForward(null, _y, _x, _packed, _bias, _workspace, _dims, Activation.ReLU);

    [Benchmark]
    public void Forward1Winograd() => Conv2D.ForwardWinograd(_y, _x, _winograd, _bias, _workspace, _dims, Activation.ReLU);

    /// <summary>The GFLOP/s column for these shapes.</summary>
    private sealed class GflopsConfig : ManualConfig
    {
        public GflopsConfig() => AddColumn(new GflopsColumn((layer, _) => ResNet18ConvLayerBenchmarks.Dims(layer)));
    }
}
