using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NetGen.Kernels;
using NetGen.Bench.Peers;

namespace NetGen.Bench.Mnist;

/// <summary>
/// Each convolution of the MNIST CNN on its own, on one thread, with the dimensions the
/// generated class uses (channels-last, 3x3, no padding): forward with bias and ReLU at batch 1
/// (inference) and at batch 64 (training), and the two backward halves at batch 64. The forward
/// output buffer doubles as dY of the backward rows (its values do not change the time). The
/// GFLOP/s column (2 x multiply-accumulates / time) reads against the core's Vector512 FMA peak.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
public class MnistConvLayerBenchmarks
{
    /// <summary>The training batch of the backward rows and of <see cref="Forward64"/>.</summary>
    public const int TrainingBatch = 64;

    private Buffers _one = null!, _batch = null!;

    [Params("conv1", "conv2", "conv3")]
    public string Layer { get; set; } = "conv1";

    /// <summary>The layer at a batch: (input H, W, C, output K).</summary>
    public static Conv2DDims Dims(string layer, int batch) => layer switch
    {
        "conv1" => Conv2DDims.Create(batch, 28, 28, 1, 32, 3, 3),
        "conv2" => Conv2DDims.Create(batch, 13, 13, 32, 64, 3, 3),
        "conv3" => Conv2DDims.Create(batch, 5, 5, 64, 64, 3, 3),
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "Not a convolution of the MNIST CNN."),
    };

    /// <summary>Images one call of a benchmark method runs.</summary>
    public static int BatchOf(string method) => method == nameof(Forward1) ? 1 : TrainingBatch;

    [GlobalSetup]
    public void Setup()
    {
        _one = new Buffers(Dims(Layer, 1));
        _batch = new Buffers(Dims(Layer, TrainingBatch));
    }

    [Benchmark]
    public void Forward1() => _one.Forward();

    [Benchmark]
    public void Forward64() => _batch.Forward();

    /// <summary>dW from dY (here the output buffer's values) and x.</summary>
    [Benchmark]
    public void BackwardWeights64() => Conv2D.BackwardWeights(_batch.DW, _batch.Y, _batch.X, _batch.Dims);

    /// <summary>dX from dY (conv1's input needs none in training: timed for the figure).</summary>
    [Benchmark]
    public void BackwardData64() => Conv2D.BackwardData(_batch.DX, _batch.Y, _batch.PackedBackward, _batch.Workspace, _batch.Dims);

    /// <summary>Seeded tensors and packed weights of one layer at one batch.</summary>
    private sealed class Buffers
    {
        public readonly Conv2DDims Dims;
        public readonly float[] X, Y, Packed, PackedBackward, Bias, Workspace, DW, DX;

        public Buffers(Conv2DDims d)
        {
            Dims = d;
            var random = new Random(1);
            float[] Uniform(long count) => Enumerable.Range(0, (int)count).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            X = Uniform((long)d.N * d.H * d.W * d.C);
            var weights = Uniform((long)d.K * d.C * d.R * d.S);
            Bias = Uniform(d.K);
            Y = Uniform((long)d.N * d.P * d.Q * d.K);
            Packed = new float[Conv2D.PackedWeightFloats(d)];
            Conv2D.Pack(Packed, weights, d);
            PackedBackward = new float[Conv2D.PackedBackwardWeightFloats(d)];
            Conv2D.PackForBackward(PackedBackward, weights, d);
            Workspace = new float[Math.Max(Conv2D.ForwardWorkspaceFloats(d), Conv2D.BackwardDataWorkspaceFloats(d))];
            DW = new float[weights.Length];
            DX = new float[X.Length];
        }

        public void Forward() => Conv2D.Forward(Y, X, Packed, Bias, Workspace, Dims, Activation.ReLU);
    }

    /// <summary>The GFLOP/s column.</summary>
    private sealed class GflopsConfig : ManualConfig
    {
        public GflopsConfig() => AddColumn(new GflopsColumn());
    }
}

/// <summary>
/// MNIST's conv2 (32 -> 64, 13x13, bias and ReLU) through Winograd F(2x2, 3x3) against the
/// direct kernels, one thread: at batch 1 fused with its 2x2/2 max pool as inference runs it
/// (<c>MaxPool1</c>: <see cref="Conv2D.ForwardMaxPool"/>, <c>WinogradMaxPool1</c>:
/// <see cref="Conv2D.ForwardWinogradMaxPool"/>, 25 tiles, one per pool window), and unpooled at
/// batch 32, a training worker's half batch (<c>Forward32</c>, <c>Winograd32</c>); each batch its own
/// category, its direct row the baseline of its Ratio. The GFLOP/s
/// column counts the direct convolution's multiply-adds for the outputs a call computes (the
/// 10x10 the pool reads, or all 11x11): Winograd's figure is the equivalent rate (it runs 4/9
/// of those multiply-adds).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class MnistConv2WinogradBenchmarks
{
    /// <summary>A training worker's share of the batch of 64.</summary>
    public const int HalfBatch = 32;

    private Conv2DDims _one, _batch;
    private PoolDims _pool;
    private float[] _x1 = [], _x32 = [], _y1 = [], _y32 = [], _packed = [], _winograd = [], _bias = [], _workspace = [];

    /// <summary>One value: the GFLOP/s column reads the layer from this parameter.</summary>
    [Params("conv2")]
    public string Layer { get; set; } = "conv2";

    /// <summary>The convolution a row computes: batch 1 with the pool's 10x10 outputs, or batch 32 with all of them.</summary>
    public static Conv2DDims Counted(string method) => method.EndsWith("1", StringComparison.Ordinal)
        ? Conv2DDims.Create(1, 12, 12, 32, 64, 3, 3)
        : MnistConvLayerBenchmarks.Dims("conv2", HalfBatch);

    [GlobalSetup]
    public void Setup()
    {
        _one = MnistConvLayerBenchmarks.Dims(Layer, 1);
        _batch = MnistConvLayerBenchmarks.Dims(Layer, HalfBatch);
        _pool = PoolDims.Create(1, _one.P, _one.Q, _one.K, 2, 2, 2, 2);
        var random = new Random(1);
        float[] Uniform(long count) => Enumerable.Range(0, (int)count).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _x1 = Uniform((long)_one.H * _one.W * _one.C);
        _x32 = Uniform((long)_batch.N * _batch.H * _batch.W * _batch.C);
        _y1 = new float[_pool.P * _pool.Q * _pool.C];
        _y32 = new float[_batch.N * _batch.P * _batch.Q * _batch.K];
        _bias = Uniform(_one.K);
        _packed = new float[Conv2D.PackedWeightFloats(_one)];
        Conv2D.Pack(_packed, Uniform((long)_one.K * _one.C * 9), _one);
        _winograd = new float[Conv2D.WinogradWeightFloats(_one)];
        Conv2D.PackWinograd(_winograd, _packed, _one);
        _workspace = new float[Math.Max(Conv2D.WinogradWorkspaceFloats(_one),
            Math.Max(Conv2D.ForwardMaxPoolWorkspaceFloats(_one, _pool), Conv2D.ForwardWorkspaceFloats(_batch)))];
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Batch1")]
    public void MaxPool1() => Conv2D.ForwardMaxPool(_y1, _x1, _packed, _bias, _workspace, _one, _pool, Activation.ReLU);

    [Benchmark]
    [BenchmarkCategory("Batch1")]
    public void WinogradMaxPool1() => Conv2D.ForwardWinogradMaxPool(_y1, _x1, _winograd, _bias, _workspace, _one, _pool, Activation.ReLU);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Batch32")]
    public void Forward32() => Conv2D.Forward(_y32, _x32, _packed, _bias, _workspace, _batch, Activation.ReLU);

    [Benchmark]
    [BenchmarkCategory("Batch32")]
    public void Winograd32() => Conv2D.ForwardWinograd(_y32, _x32, _winograd, _bias, _workspace, _batch, Activation.ReLU);

    /// <summary>The GFLOP/s column for these rows.</summary>
    private sealed class GflopsConfig : ManualConfig
    {
        public GflopsConfig() => AddColumn(new GflopsColumn((_, method) => Counted(method)));
    }
}
