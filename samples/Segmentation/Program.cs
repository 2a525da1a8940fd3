using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetGen.Data;
using NetGen.Execution;
using NetGen.Threading;
using NetGen.Training;
using Samples.Segmentation;

// Per-pixel classification of digit scenes. Scenes for training are built from the digits of
// the seeded 8,000-image training split, held-out scenes from the 2,000 test digits, so no
// test digit is ever seen in training.
int trainScenes = 3_000, testScenes = 500, epochs = 10;
ulong seed = 1;
string output = "segmentation.png";
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        int Count(int minimum)
        {
            string name = args[i];
            if (!int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < minimum)
                throw new ArgumentException($"{name} needs a whole number of at least {minimum}");
            return value;
        }
        switch (args[i])
        {
            case "--epochs": epochs = Count(1); break;
            case "--train": trainScenes = Count(1); break;
            case "--test": testScenes = Count(4); break;
            case "--seed":
                if (!ulong.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out seed))
                    throw new ArgumentException("--seed needs a non-negative whole number");
                break;
            case "--out": output = Value(); break;
            default: throw new ArgumentException($"unknown argument '{args[i]}'");
        }
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine("usage: Segmentation [--epochs N] [--train SCENES] [--test SCENES] [--seed S] [--out FILE.png]");
    return 2;
}

var total = Stopwatch.StartNew();
var digits = MnistDataset.Load(Path.Combine(AppContext.BaseDirectory, "data"), MnistDataset.Sample10kPrefix);
var (trainDigits, testDigits) = digits.Split(8_000, 2_000, seed);
var train = Scenes.Generate(trainDigits, trainScenes, seed);
var test = Scenes.Generate(testDigits, testScenes, seed + 1);
Console.Write(DigitSegNet.Summary);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Scenes: {trainScenes:N0} for training (from 8,000 digits), {testScenes:N0} held out (from 2,000 other digits), {Scenes.Size}x{Scenes.Size}, 2-4 digits each"));

var network = new DigitSegNet(seed, ExecutionMode.Training);
using var pool = new WorkerPool(Math.Min(2, Environment.ProcessorCount));
network.UseWorkerPool(pool);

const int Pixels = Scenes.Size * Scenes.Size;
int batch = DigitSegNet.TrainingBatch;
var order = new BatchIterator(trainScenes, batch, seed);
var images = new float[batch * Pixels];
var labels = new int[batch * Pixels];
var schedule = new CosineSchedule(2e-3f, epochs * order.BatchCount, minimum: 1e-5f);
int step = 0;
for (int epoch = 1; epoch <= epochs; epoch++)
{
    var clock = Stopwatch.StartNew();
    order.BeginEpoch(epoch);
    double loss = 0;
    long correct = 0, seen = 0;
    while (order.TryNext(out var indices))
    {
        int n = indices.Length;
        for (int i = 0; i < n; i++)
        {
            train.Image(indices[i]).CopyTo(images.AsSpan(i * Pixels, Pixels));
            train.Label(indices[i]).CopyTo(labels.AsSpan(i * Pixels, Pixels));
        }
        network.TrainingSettings.LearningRate = schedule.At(step++);
        var result = network.TrainStep(images.AsSpan(0, n * Pixels), labels.AsSpan(0, n * Pixels));
        loss += (double)result.Loss * n;
        correct += result.Correct;
        seen += n;
    }
    var held = network.Evaluate(test.Images, test.Labels);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"epoch {epoch,2}/{epochs}  loss {loss / seen:0.0000}  train pixels {(double)correct / (seen * Pixels):P2}  held-out pixels {held.Accuracy:P2}  {seen / clock.Elapsed.TotalSeconds:0} scenes/s  {clock.Elapsed.TotalSeconds:0.0} s"));
}

// Held-out metrics from the scores themselves: pixel accuracy, IoU per class, a picture.
var metrics = new SegmentationMetrics(Scenes.Classes);
var scores = new float[Scenes.Classes * Pixels];
var predicted = new int[Pixels];
const int Shown = 6;
var montage = new Montage(Shown);
for (int s = 0; s < testScenes; s++)
{
    network.Predict(test.Image(s), scores);
    metrics.Add(scores, test.Label(s), predicted);
    if (s < Shown) montage.Draw(s, test.Image(s), predicted, test.Label(s));
}
montage.Save(Path.GetFullPath(output));

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Held-out scenes: pixel accuracy {metrics.PixelAccuracy:P2}, mean IoU {metrics.MeanIoU:P2} over background and the ten digits"));
Console.Write("IoU per class: background");
Console.Write(string.Create(CultureInfo.InvariantCulture, $" {metrics.IoU(0):0.000}"));
for (int c = 1; c < Scenes.Classes; c++)
    Console.Write(string.Create(CultureInfo.InvariantCulture, $", {c - 1}: {metrics.IoU(c):0.000}"));
Console.WriteLine();
Console.WriteLine("Inputs, predicted and true masks: " + Path.GetFullPath(output));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total time: {total.Elapsed.TotalSeconds:0.0} s"));
return 0;
