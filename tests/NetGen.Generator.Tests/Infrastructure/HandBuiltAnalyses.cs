using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Infrastructure;

/// <summary>
/// Analyses written out by hand, with the arithmetic in comments, so the emitter and the
/// summary can be checked without the analyzer.
/// </summary>
public static class HandBuiltAnalyses
{
    private static readonly EquatableArray<int> NoInputs = EquatableArray<int>.Empty;

    private static EquatableArray<int> From(int node) => new[] { node }.ToEquatableArray();

    /// <summary>
    /// The textbook exercise: input 3x200x300, three 3x3 'same' convolutions with stride 2 to
    /// 100, 200, 400 filters, batch 50, Adam.
    /// conv1: (100, 100, 150), params 100 x 27 + 100 = 2,800, MACs 100 x 100 x 150 x 27 = 40,500,000, 6,000,000 B.
    /// conv2: (200, 50, 75), params 200 x 900 + 200 = 180,200, MACs 200 x 50 x 75 x 900 = 675,000,000, 3,000,000 B.
    /// conv3: (400, 25, 38) (ceil(75 / 2) = 38), params 400 x 1,800 + 400 = 720,400, MACs 400 x 25 x 38 x 1,800 = 684,000,000, 1,520,000 B.
    /// Total 903,400 params = 3,613,600 B. Inference peak conv1 + conv2 = 9,000,000 B.
    /// Training at 50: inputs 50 x 720,000 = 36,000,000 B; activations 50 x 10,520,000 = 526,000,000 B;
    /// gradients 3,613,600 B; Adam 7,227,200 B; workspace d(conv1) + d(conv2) = 50 x 9,000,000 = 450,000,000 B.
    /// </summary>
    public static NetworkAnalysis ThreeConv(TargetClass? target = null)
    {
        var conv = new LayerArgs { KernelH = 3, KernelW = 3, StrideH = 2, StrideW = 2, Padding = PaddingMode.Same };
        var nodes = new[]
        {
            new Node("input", OpKind.Input, NoInputs, new LayerArgs(), false, null),
            new Node("conv1", OpKind.Conv2D, From(0), conv with { Filters = 100 }, false, null),
            new Node("conv2", OpKind.Conv2D, From(1), conv with { Filters = 200 }, false, null),
            new Node("conv3", OpKind.Conv2D, From(2), conv with { Filters = 400 }, false, null),
        }.ToEquatableArray();
        var network = new NetworkIR("ThreeConv", target ?? new TargetClass("Samples.Exercises", "ThreeConv", false),
            Shape.Chw(3, 200, 300), nodes, 3, 50, OptimizerKind.Adam, Budgets.None, null);
        var layers = new[]
        {
            new LayerInfo(0, Shape.Chw(3, 200, 300), 0, 0, 0, 0),
            new LayerInfo(1, Shape.Chw(100, 100, 150), 2_800, 0, 0, 40_500_000),
            new LayerInfo(2, Shape.Chw(200, 50, 75), 180_200, 0, 0, 675_000_000),
            new LayerInfo(3, Shape.Chw(400, 25, 38), 720_400, 0, 0, 684_000_000),
        }.ToEquatableArray();
        var inference = new ArenaPlan(9_000_000, new[]
        {
            new TensorSlot(1, 0, 6_000_000),
            new TensorSlot(2, 6_000_000, 3_000_000),
            new TensorSlot(3, 0, 1_520_000),
        }.ToEquatableArray());
        var activations = new ArenaPlan(526_000_000, new[]
        {
            new TensorSlot(1, 0, 300_000_000),
            new TensorSlot(2, 300_000_000, 150_000_000),
            new TensorSlot(3, 450_000_000, 76_000_000),
        }.ToEquatableArray());
        var gradients = new ArenaPlan(450_000_000, new[]
        {
            new TensorSlot(3, 0, 76_000_000),
            new TensorSlot(2, 300_000_000, 150_000_000),
            new TensorSlot(1, 0, 300_000_000),
        }.ToEquatableArray());
        var training = new TrainingMemory(50, OptimizerKind.Adam, 36_000_000, 526_000_000, 3_613_600, 3_613_600, 7_227_200,
            450_000_000, activations, gradients);
        return NetGen.Generator.Analysis.NetworkAnalyzer.Assemble(network, layers, inference, training);
    }

    /// <summary>
    /// A vector network with BatchNorm and a frozen layer: input 784 -> dense(128, ReLU, frozen)
    /// -> batchnorm -> dense(10), batch 32, SGD.
    /// dense_1: 784 x 128 + 128 = 100,480 params (non-trainable: frozen), MACs 100,352.
    /// batchnorm_1: gamma, beta 256 trainable; running mean, variance 256 statistics (non-trainable).
    /// dense_2: 128 x 10 + 10 = 1,290 params, MACs 1,280.
    /// Total 100,480 + 512 + 1,290 = 102,282; trainable 1,546; PyTorch-style 102,026.
    /// </summary>
    public static NetworkAnalysis FrozenMlp()
    {
        var nodes = new[]
        {
            new Node("input", OpKind.Input, NoInputs, new LayerArgs(), false, null),
            new Node("dense_1", OpKind.Dense, From(0), new LayerArgs { Units = 128, Activation = ActivationKind.ReLU }, true, null),
            new Node("batchnorm_1", OpKind.BatchNorm, From(1), new LayerArgs(), false, null),
            new Node("dense_2", OpKind.Dense, From(2), new LayerArgs { Units = 10 }, false, null),
        }.ToEquatableArray();
        var network = new NetworkIR("FrozenMlp", new TargetClass("", "FrozenMlp", true, "internal"),
            Shape.Vector(784), nodes, 3, 32, OptimizerKind.Sgd, Budgets.None, null);
        var layers = new[]
        {
            new LayerInfo(0, Shape.Vector(784), 0, 0, 0, 0),
            new LayerInfo(1, Shape.Vector(128), 0, 100_480, 0, 100_352),
            new LayerInfo(2, Shape.Vector(128), 256, 256, 256, 256),
            new LayerInfo(3, Shape.Vector(10), 1_290, 0, 0, 1_280),
        }.ToEquatableArray();
        var inference = new ArenaPlan(1_024, new[]
        {
            new TensorSlot(1, 0, 512),
            new TensorSlot(2, 512, 512),
            new TensorSlot(3, 0, 40),
        }.ToEquatableArray());
        // Batch 32: saved outputs back to back; gradients of dense_2 (from the start) and
        // batchnorm_1 (from dense_2's step) alive together; dense_1's (from batchnorm_1's step) where dense_2's was.
        var activations = new ArenaPlan(34_048, new[]
        {
            new TensorSlot(1, 0, 16_384),
            new TensorSlot(2, 16_384, 16_384),
            new TensorSlot(3, 32_768, 1_280),
        }.ToEquatableArray());
        var gradients = new ArenaPlan(32_768, new[]
        {
            new TensorSlot(1, 16_384, 16_384),
            new TensorSlot(2, 0, 16_384),
            new TensorSlot(3, 16_384, 1_280),
        }.ToEquatableArray());
        var training = new TrainingMemory(32, OptimizerKind.Sgd, 100_352, 34_048, 409_128, 6_184, 6_184, 32_768, activations, gradients);
        return NetGen.Generator.Analysis.NetworkAnalyzer.Assemble(network, layers, inference, training);
    }
}
