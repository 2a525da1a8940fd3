using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using NetGen.Data;
using NetGen.Execution;
using NetGen.Threading;
using NetGen.Training;
using Samples.FashionMnist;
using Samples.Mnist;

// Trains FashionNet on Fashion-MNIST through the library's Trainer (Recipe.cs): prints the
// summary, one line per epoch (validation on 5,000 held-out training images, evaluated with the
// running batch-norm statistics), stops early when the validation loss stops improving, then
// prints the test accuracy of the best epoch's weights and where they went.
const string DefaultData = "/usr/share/datasets/fashion-mnist";
Options options;
try
{
    options = Options.Parse(args, epochs: 25, output: "fashion-net.safetensors");
    if (options.DataFolder is null && !Directory.Exists(DefaultData))
        throw new ArgumentException($"no Fashion-MNIST at {DefaultData}: run 'apt-get install -y dataset-fashion-mnist', or pass --data DIR");
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine("usage: FashionMnist [--data DIR] [--epochs N] [--seed S] [--out FILE] [--device cpu|cuda|auto]");
    return 2;
}
string data = options.DataFolder ?? DefaultData;
int epochs = options.Epochs;
ulong seed = options.Seed;

var total = Stopwatch.StartNew();
MnistDataset train, test;
try
{
    train = MnistDataset.Load(data, MnistDataset.TrainPrefix);
    test = MnistDataset.Load(data, MnistDataset.TestPrefix);
}
catch (IOException e) // DataFormatException included: a truncated or wrong file
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}
Console.Write(FashionNet.Summary);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Data: {data}: {train.Count:N0} training, {test.Count:N0} test images"));

// Early stopping watches images held out of the training set; the test set is read once, at the end.
var (fit, held) = train.Split(train.Count - Recipe.ValidationImages, Recipe.ValidationImages, seed);
string checkpoints = Path.ChangeExtension(options.WeightsPath, null) + ".checkpoints";
bool resume = File.Exists(Path.Combine(checkpoints, CheckpointStore.StateFile));
var trainerOptions = Recipe.Options(epochs, seed, Recipe.BatchesPerEpoch(fit.Count), checkpoints, resume, [new EpochReport()]);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Training: {fit.Count:N0} images, validation {held.Count:N0}; Adam, cosine {Recipe.PeakRate:G3} to {Recipe.FinalRate:G3}, early stopping on val_loss (patience {Recipe.Patience}); checkpoints in {checkpoints}"));
if (resume) Console.WriteLine($"Resuming the run in {checkpoints} (delete the folder to start over)");

ITrainableNetwork network;
try
{
    network = FashionNet.Create(seed, ExecutionMode.Training, options.Device);
}
catch (Exception e) when (e is InvalidOperationException || e.GetType().Name == "GpuUnavailableException")
{
    Console.Error.WriteLine($"error: --device {NetworkDevices.Name(options.Device)}: {e.Message}");
    return 1;
}
using var owned = network;
Console.WriteLine("Device: " + network.DeviceName);
using var pool = new WorkerPool(Math.Min(2, Environment.ProcessorCount));
(network as ICpuExecution)?.UseWorkerPool(pool);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C lets the batch finish and the trainer write a checkpoint; a second one ends the process.
    if (cancel.IsCancellationRequested) return;
    e.Cancel = true;
    cancel.Cancel();
};

TrainingResult result;
try
{
    result = Recipe.Fit(network, fit, held, trainerOptions, cancel.Token);
}
catch (Exception e) when (e is CheckpointException or TrainingDivergedException or ArgumentException)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}
if (result.Stop == TrainingStop.Cancelled)
{
    Console.Error.WriteLine($"Interrupted: checkpoint written to {checkpoints}; run again to resume");
    return 130;
}
if (result.Stop == TrainingStop.EarlyStopped)
    Console.WriteLine($"Stopped early: {result.Reason}" + (result.RestoredBestWeights ? $"; the network has epoch {result.Best!.Epoch}'s weights" : ""));

int[] testLabels = Array.ConvertAll(test.Labels.ToArray(), b => (int)b);
double testAccuracy = network.Evaluate(test.Images, testLabels).Accuracy;
network.Save(options.WeightsPath);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test accuracy: {testAccuracy:P2} on {test.Count:N0} images"));
Console.WriteLine("Weights: " + options.WeightsPath);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total time: {total.Elapsed.TotalSeconds:0.0} s"));
return 0;
