using NetGen.Data;
using NetGen.Execution;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>A generated CNN learns real digits: 250 steps on 2,000 of the shipped images.</summary>
public class SmallDataTrainingTests
{
    [Fact]
    public void Loss_falls_and_held_out_accuracy_rises_far_above_chance()
    {
        var all = MnistDataset.Load(DataFolder(), MnistDataset.Sample10kPrefix);
        var (train, test) = all.Split(2_000, 500, seed: 4);
        var net = new SmallDigitNet(seed: 4, ExecutionMode.Training);
        net.TrainingSettings.LearningRate = 3e-3f;
        int[] testLabels = Array.ConvertAll(test.Labels.ToArray(), b => (int)b);
        var before = net.Evaluate(test.Images, testLabels);

        var batches = new BatchIterator(train.Count, SmallDigitNet.TrainingBatch, seed: 4);
        var images = new float[SmallDigitNet.TrainingBatch * 784];
        var labels = new int[SmallDigitNet.TrainingBatch];
        var losses = new List<float>();
        for (int epoch = 0; losses.Count < 250; epoch++)
        {
            batches.BeginEpoch(epoch);
            int n;
            while (losses.Count < 250 && (n = batches.Next(train, images, labels)) > 0)
                losses.Add(net.TrainStep(images.AsSpan(0, n * 784), labels.AsSpan(0, n)).Loss);
        }
        var after = net.Evaluate(test.Images, testLabels);

        float first = losses.Take(20).Average(), last = losses.TakeLast(20).Average();
        Assert.True(last < 0.3f * first, $"mean loss of the first 20 steps {first}, of the last 20 {last}");
        Assert.True(before.Accuracy < 0.3, $"untrained accuracy {before.Accuracy:P1}");
        // Chance is 10%; this network passes 85% within a few epochs of 2,000 digits.
        Assert.True(after.Accuracy > 0.8, $"held-out accuracy {after.Accuracy:P1} after {losses.Count} steps");
        Assert.True(after.Loss < 0.5f * before.Loss, $"held-out loss {before.Loss} -> {after.Loss}");
    }

    /// <summary>samples/Mnist/data, found from the test assembly upwards.</summary>
    internal static string DataFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "samples", "Mnist", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"No samples/Mnist/data above {AppContext.BaseDirectory}");
    }
}
