extern alias FashionSample;

using FashionSample::Samples.FashionMnist;
using NetGen.Execution;
using NetGen.Training;
using Xunit;

namespace NetGen.Samples.Tests.FashionMnist;

/// <summary>
/// The sample's training path, as its Main runs it: FashionNet through the library's Trainer with
/// the recipe's options (per-step cosine, augmentation, early stopping on the validation loss,
/// checkpoints), here on shipped digits for four short epochs (80 steps).
/// </summary>
public sealed class FashionRecipeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "netgen-fashion-recipe-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void The_recipe_trains_through_the_trainer_with_early_stopping_and_checkpoints()
    {
        var (train, held) = ShippedDigits.All.Split(1_280, 256, seed: 5);
        using var network = new FashionNet(seed: 5, ExecutionMode.Training);
        var options = Recipe.Options(epochs: 4, seed: 5, Recipe.BatchesPerEpoch(train.Count), _folder, resume: false, callbacks: []);

        Assert.Equal(new EarlyStopping(MonitoredMetric.ValidationLoss, Recipe.Patience), options.EarlyStopping);
        var result = Recipe.Fit(network, train, held, options, CancellationToken.None);

        Assert.Equal(TrainingStop.Completed, result.Stop);
        Assert.Equal(4 * 20, network.StepCount);
        // The per-step cosine ends the run near its minimum.
        Assert.InRange(network.TrainingSettings.LearningRate, Recipe.FinalRate, 2e-4f);
        string history = string.Join("; ", result.History.Select(m => $"train {m.TrainLoss:0.000} {m.TrainAccuracy:P1}, val {m.ValidationLoss:0.000} {m.ValidationAccuracy:P1}"));
        Assert.True(result.History[^1].TrainLoss < 0.8 * result.History[0].TrainLoss, history);
        Assert.True(result.History[^1].ValidationLoss < result.History[0].ValidationLoss, history);
        // Measured: validation 16.0 % after epoch 1 (the batch-norm running statistics still warming up), 79.3 % after epoch 4.
        Assert.True(result.History[^1].ValidationAccuracy > 0.5, history);
        Assert.Equal(4, CheckpointStore.Read(_folder).Epoch);
        Assert.Equal(result.Best!.Epoch, CheckpointStore.Read(Path.Combine(_folder, CheckpointStore.BestFolder)).Epoch);
    }
}
