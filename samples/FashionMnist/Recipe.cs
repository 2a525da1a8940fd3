using System.Collections.Generic;
using NetGen.Data;
using NetGen.Execution;
using NetGen.Training;
using Samples.Mnist;

namespace Samples.FashionMnist;

/// <summary>
/// How FashionNet trains, through the library's <see cref="Trainer"/>: Adam at batch 64, the
/// learning rate on a per-step cosine from 2e-3 to 1e-5, flip/shift augmentation, validation on
/// images held out of the training set after every epoch, and early stopping when the validation
/// loss has not improved for <see cref="Patience"/> epochs, ending with the best epoch's weights.
/// With a checkpoint folder the trainer keeps the last and the best epoch there (and a Ctrl-C's
/// partial epoch), and a later run resumes from it.
/// </summary>
internal static class Recipe
{
    public const float PeakRate = 2e-3f, FinalRate = 1e-5f;
    public const int Patience = 5;

    /// <summary>Images of the 60,000 held out for validation (stratified by the seed); the test set is only read at the end.</summary>
    public const int ValidationImages = 5_000;

    public static TrainerOptions Options(int epochs, ulong seed, int batchesPerEpoch, string? checkpoints, bool resume, IReadOnlyList<ITrainingCallback> callbacks) => new()
    {
        Epochs = epochs,
        Seed = seed,
        LearningRate = PeakRate,
        Schedule = new CosineSchedule(PeakRate, epochs * batchesPerEpoch, minimum: FinalRate),
        ScheduleUnit = ScheduleUnit.Step,
        EarlyStopping = new EarlyStopping(MonitoredMetric.ValidationLoss, Patience, restoreBestWeights: true),
        CheckpointFolder = checkpoints,
        ResumeFrom = resume ? checkpoints : null,
        Callbacks = callbacks,
        Identity = new CheckpointIdentity(nameof(FashionNet), "samples/FashionMnist/FashionNet.cs", "adam", [1, 28, 28]),
    };

    /// <summary>Trains <paramref name="network"/> on <paramref name="train"/>, validating on <paramref name="validation"/>.</summary>
    public static TrainingResult Fit(ITrainableNetwork network, MnistDataset train, MnistDataset validation, TrainerOptions options, System.Threading.CancellationToken cancel)
    {
        var augment = new Augment(train.Rows, train.Columns, options.Seed, maxShift: 2, flip: true);
        using var batches = new AugmentedBatches(train, FashionNet.TrainingBatch, options.Seed, augment);
        using var held = new OrderedBatches(validation, FashionNet.TrainingBatch);
        return new Trainer(options).Fit(network, batches, held, cancel);
    }

    /// <summary>Batches per epoch of <paramref name="images"/> training images.</summary>
    public static int BatchesPerEpoch(int images) => (images + FashionNet.TrainingBatch - 1) / FashionNet.TrainingBatch;
}
