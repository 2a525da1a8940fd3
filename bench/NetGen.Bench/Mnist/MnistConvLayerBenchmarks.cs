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
