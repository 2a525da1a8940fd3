extern alias SegmentationSample;

using NetGen.Data;
using NetGen.Execution;
using SegmentationSample::Samples.Segmentation;
using Xunit;

namespace NetGen.Samples.Tests.Segmentation;

/// <summary>
/// The sample's U-Net, as declared (Adam, per-pixel softmax cross-entropy), learns from the
/// images: after 32 small steps on 32 scenes of real digits its held-out loss is far below the
/// best any prediction blind to the image can reach (the class frequencies' cross-entropy).
/// </summary>
public class DigitSegNetTrainingTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private const int Pixels = Scenes.Size * Scenes.Size;
    private const int TrainScenes = 32, Batch = 4, Epochs = 4;

    [Fact]
    public void A_short_training_on_32_scenes_beats_every_image_blind_prediction()
    {
        var (trainDigits, testDigits) = ShippedDigits.All.Split(2_000, 500, seed: 3);
        var train = Scenes.Generate(trainDigits, TrainScenes, seed: 3);
        var test = Scenes.Generate(testDigits, count: 16, seed: 4);
        var network = new DigitSegNet(seed: 3, ExecutionMode.Training);
        network.TrainingSettings.LearningRate = 3e-3f;

        // Batches of 4 scenes (the declared 16 is the most a step takes): more updates for the time.
        var order = new BatchIterator(train.Count, Batch, seed: 3);
        var images = new float[Batch * Pixels];
        var labels = new int[Batch * Pixels];
        var losses = new List<float>();
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            order.BeginEpoch(epoch);
            while (order.TryNext(out var indices))
            {
                for (int i = 0; i < indices.Length; i++)
                {
                    train.Image(indices[i]).CopyTo(images.AsSpan(i * Pixels, Pixels));
                    train.Label(indices[i]).CopyTo(labels.AsSpan(i * Pixels, Pixels));
                }
                losses.Add(network.TrainStep(images.AsSpan(0, indices.Length * Pixels), labels.AsSpan(0, indices.Length * Pixels)).Loss);
            }
        }
        var held = network.Evaluate(test.Images, test.Labels);
        var metrics = new SegmentationMetrics(Scenes.Classes);
        var scores = new float[Scenes.Classes * Pixels];
        var predicted = new int[Pixels];
        for (int s = 0; s < test.Count; s++)
        {
            network.Predict(test.Image(s), scores);
            metrics.Add(scores, test.Label(s), predicted);
        }

        // Untrained, the 11 scores are about equal: the first loss is near ln 11 = 2.40.
        Assert.InRange(losses[0], 1.8f, 3.2f);
        // A prediction that ignores the image does best by giving every pixel the training
        // frequencies of the classes: its held-out loss is their cross-entropy (about 0.47 nats).
        double blind = BlindCrossEntropy(train.Labels, test.Labels);
        log.WriteLine($"first loss {losses[0]:0.000}, held-out loss {held.Loss:0.0000} (image-blind {blind:0.0000}), accuracy {held.Accuracy:P2}, background IoU {metrics.IoU(0):0.0000}");
        Assert.True(held.Loss < 0.6 * blind, $"held-out loss {held.Loss:0.0000}, image-blind {blind:0.0000} (0.6x needed)");
        // Calling every pixel background scores the background fraction in accuracy and in
        // background IoU; the network must not do worse, and must find strokes (higher IoU).
        double background = test.Labels.Count(c => c == Scenes.Background) / (double)test.Labels.Length;
        Assert.True(held.Accuracy >= background, $"held-out pixel accuracy {held.Accuracy:P2}, all-background {background:P2}");
        Assert.Equal(held.Accuracy, metrics.PixelAccuracy, 6);
        Assert.True(metrics.IoU(0) > background, $"background IoU {metrics.IoU(0):0.0000}, all-background {background:0.0000}");
    }

    /// <summary>Mean -ln q(class) over <paramref name="truth"/>, q the (add-one smoothed) class frequencies of <paramref name="train"/>.</summary>
    private static double BlindCrossEntropy(int[] train, int[] truth)
    {
        var frequency = new double[Scenes.Classes];
        foreach (int c in train) frequency[c]++;
        for (int c = 0; c < frequency.Length; c++) frequency[c] = (frequency[c] + 1) / (train.Length + Scenes.Classes);
        return truth.Average(c => -Math.Log(frequency[c]));
    }
}
