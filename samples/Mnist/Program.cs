using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetGen.Data;
using NetGen.Execution;
using NetGen.Threading;
using Samples.Mnist;

// Trains the textbook MNIST CNN: prints the build's summary, one line per epoch, the test
// accuracy and where the weights went. Everything the network needs is allocated once, by
// the generated class, to the bytes its summary reports.
Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

var total = Stopwatch.StartNew();
MnistDataset train, test;
string source;
try
{
    (train, test, source) = Datasets.Load(options);
}
catch (IOException e) // DataFormatException included: a truncated or wrong file
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}
Console.Write(MnistCnn.Summary);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Data: {source}: {train.Count:N0} training, {test.Count:N0} test images"));

ITrainableNetwork network;
try
{
    network = MnistCnn.Create(options.Seed, ExecutionMode.Training, options.Device);
}
catch (Exception e) when (e is InvalidOperationException || e.GetType().Name == "GpuUnavailableException")
{
    Console.Error.WriteLine($"error: --device {NetworkDevices.Name(options.Device)}: {e.Message}");
    return 1;
}
using var owned = network;
Console.WriteLine("Device: " + network.DeviceName);
// On the CPU, each layer's weight and input gradients are computed on two cores at once.
using var pool = new WorkerPool(Math.Min(2, Environment.ProcessorCount));
(network as ICpuExecution)?.UseWorkerPool(pool);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Allocated {network.AllocatedBytes:N0} bytes = TrainingBytes {MnistCnn.TrainingBytes:N0} + kernel buffers {MnistCnn.TrainingKernelBytes:N0}"));
Console.WriteLine();

var trainer = new Trainer(network, train, options.Epochs, options.Seed);
var progress = new Progress(options.Epochs);
double testAccuracy = 0;
for (int epoch = 1; epoch <= options.Epochs; epoch++)
{
    var clock = Stopwatch.StartNew();
    var result = trainer.RunEpoch(epoch, (done, count, loss) => progress.Update(epoch, done, count, loss));
    double seconds = clock.Elapsed.TotalSeconds;
    testAccuracy = network.Evaluate(test.Images, test.LabelsAsInts()).Accuracy;
    progress.EndEpoch(epoch, result.Loss, result.Accuracy, testAccuracy, train.Count / seconds, seconds);
}

network.Save(options.WeightsPath);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test accuracy: {testAccuracy:P2} on {test.Count:N0} images"));
Console.WriteLine("Weights: " + options.WeightsPath);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total time: {total.Elapsed.TotalSeconds:0.0} s"));
return 0;

/// <summary>Where the images come from: a full MNIST folder (train + t10k), or the 10k digits split 8,000 / 2,000.</summary>
internal static class Datasets
{
    public static (MnistDataset Train, MnistDataset Test, string Source) Load(Options options)
    {
        string folder = options.DataFolder ?? Path.Combine(AppContext.BaseDirectory, "data");
        bool full = HasPrefix(folder, MnistDataset.TrainPrefix) && HasPrefix(folder, MnistDataset.TestPrefix);
        if (full)
            return (MnistDataset.Load(folder, MnistDataset.TrainPrefix), MnistDataset.Load(folder, MnistDataset.TestPrefix), folder);
        var all = MnistDataset.Load(folder, MnistDataset.Sample10kPrefix);
        var (train, test) = all.Split(8_000, 2_000, options.Seed);
        return (train, test, folder + " (seeded split)");
    }

    private static bool HasPrefix(string folder, string prefix) =>
        Directory.EnumerateFiles(folder, prefix + "-images*").GetEnumerator().MoveNext();
}
