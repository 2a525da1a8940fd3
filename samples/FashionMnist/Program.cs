using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetGen.Data;
using NetGen.Execution;
using NetGen.Threading;
using NetGen.Training;
using Samples.FashionMnist;
using Samples.Mnist;

// Trains FashionNet on the full Fashion-MNIST: prints the summary, one line per epoch (test
// accuracy evaluated with the running batch-norm statistics), the final test accuracy and
// where the weights went.
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
    Console.Error.WriteLine("usage: FashionMnist [--data DIR] [--epochs N] [--seed S] [--out FILE]");
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

var network = new FashionNet(seed, ExecutionMode.Training);
using var pool = new WorkerPool(Math.Min(2, Environment.ProcessorCount));
network.UseWorkerPool(pool);

// A seeded shuffle per epoch, flip/shift augmentation, Adam on a cosine from 2e-3 to 1e-5.
var batches = new BatchIterator(train.Count, FashionNet.TrainingBatch, seed);
var images = new float[FashionNet.TrainingBatch * train.ImageSize];
var labels = new int[FashionNet.TrainingBatch];
var augment = new Augment(train.Rows, train.Columns, seed, maxShift: 2, flip: true);
var schedule = new CosineSchedule(2e-3f, epochs * batches.BatchCount, minimum: 1e-5f);
int[] testLabels = Array.ConvertAll(test.Labels.ToArray(), b => (int)b);
var progress = new Progress(epochs);
int step = 0;
double testAccuracy = 0;
for (int epoch = 1; epoch <= epochs; epoch++)
{
    var clock = Stopwatch.StartNew();
    batches.BeginEpoch(epoch);
    double loss = 0;
    int correct = 0, seen = 0, done = 0, n;
    while ((n = batches.Next(train, images, labels)) > 0)
    {
        augment.Apply(images, n);
        network.TrainingSettings.LearningRate = schedule.At(step++);
        var result = network.TrainStep(images.AsSpan(0, n * train.ImageSize), labels.AsSpan(0, n));
        loss += (double)result.Loss * n;
        correct += result.Correct;
        seen += n;
        if (++done % 20 == 0) progress.Update(epoch, done, batches.BatchCount, loss / seen);
    }
    double seconds = clock.Elapsed.TotalSeconds;
    testAccuracy = network.Evaluate(test.Images, testLabels).Accuracy;
    progress.EndEpoch(epoch, loss / seen, (double)correct / seen, testAccuracy, seen / seconds, seconds);
}

network.Save(options.WeightsPath);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test accuracy: {testAccuracy:P2} on {test.Count:N0} images"));
Console.WriteLine("Weights: " + options.WeightsPath);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total time: {total.Elapsed.TotalSeconds:0.0} s"));
return 0;
