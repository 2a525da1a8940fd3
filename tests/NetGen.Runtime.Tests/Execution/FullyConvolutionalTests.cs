using NetGen.Execution;
using NetGen.Weights;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>A trained Flatten + Dense head turned into convolutions by <see cref="FullyConvolutional.CopyWeights"/>.</summary>
public class FullyConvolutionalTests
{
    /// <summary>A PatchNet trained a few steps, so its weights are not the initial draw.</summary>
    private static PatchNet Trained()
    {
        var net = new PatchNet(21, ExecutionMode.Training);
        net.TrainingSettings.LearningRate = 0.01f;
        Cases.RandomizeBiases(net, 3);
        var inputs = Cases.Random(12 * 128, 6);
        var labels = Enumerable.Range(0, 12).Select(i => i % 3).ToArray();
        for (int step = 0; step < 5; step++) net.TrainStep(inputs, labels);
        return net;
    }

    [Fact]
    public void At_the_training_size_the_twin_computes_the_same_outputs()
    {
        var trained = Trained();
        var twin = new PatchNetConv(99);
        FullyConvolutional.CopyWeights(trained, twin);
        const int count = 6;
        var inputs = Cases.Random(count * 128, 31);
        var expected = new float[count * 3];
        var actual = new float[count * 3];
        trained.Predict(inputs, expected, count);
        twin.Predict(inputs, actual, count);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"output {i}: {expected[i]:R} vs {actual[i]:R}");
    }

    [Fact]
    public void On_a_larger_input_each_map_position_is_the_classifier_on_its_crop()
    {
        var trained = Trained();
        var map = new PatchNetMap(99);
        FullyConvolutional.CopyWeights(trained, map);
        // 13x11 -> conv 11x9 -> pool 5x4 -> 3x3 kernel 3x2 -> 1x1 kernel 3x2: total stride 2.
        Assert.Equal((3, 3, 2), (PatchNetMap.OutputChannels, PatchNetMap.OutputHeight, PatchNetMap.OutputWidth));
        var image = Cases.Random(2 * 13 * 11, 44);
        var scores = new float[PatchNetMap.OutputChannels * PatchNetMap.OutputHeight * PatchNetMap.OutputWidth];
        map.Predict(image, scores);

        var crop = new float[2 * 8 * 8];
        var expected = new float[3];
        for (int i = 0; i < PatchNetMap.OutputHeight; i++)
            for (int j = 0; j < PatchNetMap.OutputWidth; j++)
            {
                for (int c = 0; c < 2; c++)
                    for (int y = 0; y < 8; y++)
                        for (int x = 0; x < 8; x++)
                            crop[(c * 8 + y) * 8 + x] = image[(c * 13 + 2 * i + y) * 11 + 2 * j + x];
                trained.Predict(crop, expected);
                for (int k = 0; k < 3; k++)
                {
                    float actual = scores[(k * 3 + i) * 2 + j];
                    Assert.True(Math.Abs(expected[k] - actual) <= 1e-5, $"class {k} at ({i}, {j}): crop {expected[k]:R}, map {actual:R}");
                }
            }
    }

    [Fact]
    public void Every_name_and_shape_that_does_not_map_is_listed_and_nothing_is_copied()
    {
        var trained = Trained();
        var twin = new PatchNetWrongTwin(5);
        var before = new float[4 * 2 * 3 * 3];
        twin.CopyParameter("conv1.weight", before);
        var error = Assert.Throws<WeightMismatchException>(() => FullyConvolutional.CopyWeights(trained, twin));
        Assert.Equal(new[]
        {
            "'fc1.weight': PatchNet's (6, 36) cannot become PatchNetWrongTwin's (6, 4, 2, 2): the Dense reads a Flatten of (4, 3, 3), so the convolution needs 4 input channels and a 3x3 kernel",
            "'fc2.weight' (3, 6) of PatchNet has no tensor of that name in PatchNetWrongTwin",
            "'fc2.bias' (3) of PatchNet has no tensor of that name in PatchNetWrongTwin",
            "'head.weight' (3, 6, 1, 1) of PatchNetWrongTwin has no tensor of that name in PatchNet",
            "'head.bias' (3) of PatchNetWrongTwin has no tensor of that name in PatchNet",
        }, error.Differences);
        Assert.StartsWith("FullyConvolutional.CopyWeights(PatchNet -> PatchNetWrongTwin): ", error.Message);
        var after = new float[before.Length];
        twin.CopyParameter("conv1.weight", after);
        Assert.Equal(before, after);
    }

    [Fact]
    public void A_later_dense_maps_to_a_one_by_one_convolution_only_with_matching_inputs()
    {
        var source = new ParameterTensor("fc2.weight", 0, new[] { 3, 6 }, 0, ParameterInit.Glorot, 6, 3);
        var target = new ParameterTensor("fc2.weight", 0, new[] { 3, 5, 1, 1 }, 0, ParameterInit.Glorot, 5, 3);
        var error = Assert.Throws<WeightMismatchException>(() =>
            FullyConvolutional.CopyWeights(new TableOnly(source), new TableOnly(target)));
        Assert.Equal("'fc2.weight': TableOnly's (3, 6) cannot become TableOnly's (3, 5, 1, 1): the Dense has 6 inputs; 5 channels x 1x1 kernel taps are 5",
            Assert.Single(error.Differences));
    }

    /// <summary>An INetwork that is only a parameter table (for the shape checks; nothing is copied).</summary>
    private sealed class TableOnly(ParameterTensor tensor) : INetwork
    {
        private readonly ParameterTensor[] _table = { tensor };
        public ExecutionMode Mode => ExecutionMode.Inference;
        public long AllocatedBytes => 0;
        public int InputSize => 0;
        public int OutputSize => 0;
        public ReadOnlySpan<ParameterTensor> ParameterTable => _table;
        public void Predict(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();
        public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int count) => throw new NotSupportedException();
        public void Dispose() { }
        public void CopyParameter(string name, Span<float> destination) => throw new NotSupportedException();
        public void SetParameter(string name, ReadOnlySpan<float> source) => throw new NotSupportedException();
        public void SetParameters(IReadOnlyDictionary<string, float[]> values) => throw new NotSupportedException();
        public void Save(string path) => throw new NotSupportedException();
        public void Load(string path) => throw new NotSupportedException();
        public void PredictOnWorker(int worker, ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();
    }
}
