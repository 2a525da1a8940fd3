using NetGen.Execution;
using NetGen.Runtime.Tests.Execution;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

/// <summary>
/// Per-pixel softmax cross-entropy on a fully convolutional network (<see cref="SegNet"/>: scores
/// (3, 6, 5), one label per pixel), against a float64 reference written from the layer list.
/// </summary>
public class PixelTrainingTests
{
    private const int Pixels = 30, Classes = 3, InputSize = 60, Ignore = 255;

    private static readonly ReferenceNetwork Reference = new ReferenceNetwork(2, 6, 5)
        .Conv("conv1", 4, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, act: Activation.Tanh)
        .Conv("conv2", 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1).Act(Activation.Softmax);

    /// <summary>Mean over the counted pixels of -log softmax over the channels at the pixel's label.</summary>
    private static double Loss(IReadOnlyDictionary<string, double[]> p, double[] inputs, int[] labels, out int counted, out int correct)
    {
        double total = 0;
        counted = correct = 0;
        for (int s = 0; s < labels.Length / Pixels; s++)
        {
            var z = Reference.Logits(p, inputs.AsSpan(s * InputSize, InputSize));
            for (int px = 0; px < Pixels; px++)
            {
                int label = labels[s * Pixels + px];
                if (label == Ignore) continue;
                var row = Enumerable.Range(0, Classes).Select(c => z[c * Pixels + px]).ToArray();
                double max = row.Max();
                total += max + Math.Log(row.Sum(v => Math.Exp(v - max))) - row[label];
                if (Array.IndexOf(row, max) == label) correct++;
                counted++;
            }
        }
        return total / counted;
    }

    private static int[] Labels(int samples) =>
        Enumerable.Range(0, samples * Pixels).Select(i => i % 11 == 4 ? Ignore : (i * 7 + i / 5) % Classes).ToArray();

    [Fact]
    public void Per_pixel_gradients_match_finite_differences_with_ignored_pixels()
    {
        var net = new SegNet(5, ExecutionMode.Training);
        net.TrainingSettings.IgnoreLabel = Ignore;
        Cases.RandomizeBiases(net, 30);
        var inputs = Cases.Random(3 * InputSize, 12);
        var labels = Labels(3);
        var inputs64 = Array.ConvertAll(inputs, v => (double)v);
        var p = Cases.Parameters(net);

        var result = net.ComputeGradients(inputs, labels);
        double expected = Loss(p, inputs64, labels, out int counted, out int correct);
        Assert.Equal(expected, result.Loss, 5);
        Assert.Equal(counted, result.Count);
        Assert.Equal(correct, result.Correct);
        Assert.Equal(labels.Count(l => l != Ignore), result.Count);

        const double h = 1e-6;
        foreach (var tensor in SegNet.ParameterTensors.ToArray())
        {
            var analytic = new float[tensor.Length];
            net.CopyGradient(tensor.Name, analytic);
            var values = p[tensor.Name];
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i];
                values[i] = saved + h;
                double plus = Loss(p, inputs64, labels, out _, out _);
                values[i] = saved - h;
                double minus = Loss(p, inputs64, labels, out _, out _);
                values[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-4 + 1e-3 * Math.Abs(numeric),
                    $"{tensor.Name}[{i}]: finite differences {numeric:R}, backward {analytic[i]:R}");
            }
        }
    }

    [Fact]
    public void Loss_falls_and_pixel_accuracy_rises_when_training()
    {
        var net = new SegNet(2, ExecutionMode.Training);
        net.TrainingSettings.LearningRate = 0.02f;
        net.TrainingSettings.IgnoreLabel = Ignore;
        var inputs = Cases.Random(6 * InputSize, 40);
        // A learnable per-pixel rule: the class is decided by the sign of the two input channels there.
        var labels = new int[6 * Pixels];
        for (int s = 0; s < 6; s++)
            for (int px = 0; px < Pixels; px++)
            {
                float a = inputs[s * InputSize + px], b = inputs[s * InputSize + Pixels + px];
                labels[s * Pixels + px] = px == 0 ? Ignore : a > 0 ? 0 : b > 0 ? 1 : 2;
            }
        var before = net.Evaluate(inputs, labels);
        for (int epoch = 0; epoch < 150; epoch++) net.TrainStep(inputs, labels);
        var after = net.Evaluate(inputs, labels);
        Assert.Equal(6 * (Pixels - 1), after.Count);
        Assert.True(after.Loss < 0.5 * before.Loss, $"loss {before.Loss} -> {after.Loss}");
        Assert.True(after.Accuracy > 0.9 && after.Accuracy > before.Accuracy + 0.2, $"pixel accuracy {before.Accuracy} -> {after.Accuracy}");
    }

    [Fact]
    public void Evaluate_reports_mean_loss_and_pixel_counts_without_changing_anything()
    {
        var net = new SegNet(8, ExecutionMode.Training);
        net.TrainingSettings.IgnoreLabel = Ignore;
        var inputs = Cases.Random(7 * InputSize, 5);
        var labels = Labels(7);
        double expected = Loss(Cases.Parameters(net), Array.ConvertAll(inputs, v => (double)v), labels, out int counted, out int correct);
        var result = net.Evaluate(inputs, labels);
        Assert.Equal(expected, result.Loss, 5);
        Assert.Equal((counted, correct), (result.Count, result.Correct));
        Assert.Equal(0, net.StepCount);
    }

    [Fact]
    public void A_training_instance_predicts_channels_first_softmax_maps_like_an_inference_instance()
    {
        var trainer = new SegNet(3, ExecutionMode.Training);
        var predictor = new SegNet(3);
        var inputs = Cases.Random(4 * InputSize, 9);
        var fromTrainer = new float[4 * Classes * Pixels];
        var fromPredictor = new float[4 * Classes * Pixels];
        trainer.Predict(inputs, fromTrainer, 4);
        predictor.Predict(inputs, fromPredictor, 4);
        var p = Cases.Parameters(predictor);
        for (int s = 0; s < 4; s++)
        {
            var expected = Reference.Forward(p, Array.ConvertAll(inputs, v => (double)v).AsSpan(s * InputSize, InputSize));
            PredictTests.AssertClose(expected, fromTrainer[(s * 90)..((s + 1) * 90)], "training instance", 1e-5);
            PredictTests.AssertClose(expected, fromPredictor[(s * 90)..((s + 1) * 90)], "inference instance", 1e-5);
        }
    }

    [Fact]
    public void Labels_that_are_not_whole_samples_or_not_classes_are_reported()
    {
        var net = new SegNet(1, ExecutionMode.Training);
        Assert.Equal(30, net.LabelsPerSample);
        var error = Assert.Throws<ArgumentException>(() => net.TrainStep(new float[InputSize], new int[29]));
        Assert.Contains("one class index per output pixel, 30 per sample", error.Message);
        var labels = new int[Pixels];
        labels[17] = 3;
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainStep(new float[InputSize], labels));
        Assert.Contains("SegNet: label 3 at index 17 of the labels is outside [0, 3)", range.Message);
        labels[17] = Ignore;
        Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainStep(new float[InputSize], labels));
        net.TrainingSettings.IgnoreLabel = Ignore;
        Assert.Equal(Pixels - 1, net.TrainStep(new float[InputSize], labels).Count);
    }
}
