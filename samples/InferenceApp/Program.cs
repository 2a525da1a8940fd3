using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetGen.Data;
using NetGen.Execution;
using NetGen.Weights;
using Samples.InferenceApp;
using Samples.Mnist;

// Predicts MNIST digits with the textbook CNN and trained weights, one image per Predict call
// (batch 1, one thread). Prints one line per image (its index, the predicted class, the label or
// '-', and the ten outputs as the hex bits of each float, so two builds compare exactly), then the
// accuracy when labels are given and the latency of a call. Lines that start with '#' carry the
// timings, which differ between runs; everything else is the same on every run and build.
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

float[] images;
byte[]? labels;
int count;
var network = new MnistCnn(seed: 0, ExecutionMode.Inference);
try
{
    network.Load(options.WeightsPath);
    (images, labels, count) = Inputs.Load(options);
}
catch (Exception e) when (e is IOException or WeightFileException or WeightMismatchException or NonFiniteWeightException)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}

const int size = MnistCnn.InputChannels * MnistCnn.InputHeight * MnistCnn.InputWidth;
var predicted = new int[count];
var outputs = new float[count * MnistCnn.OutputFeatures];
var ticks = new long[count * options.Repeat];
for (int pass = 0, call = 0; pass < options.Repeat; pass++)
{
    for (int i = 0; i < count; i++, call++)
    {
        long start = Stopwatch.GetTimestamp();
        network.Predict(images.AsSpan(i * size, size), outputs.AsSpan(i * MnistCnn.OutputFeatures, MnistCnn.OutputFeatures));
        ticks[call] = Stopwatch.GetTimestamp() - start;
    }
}

using var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
int correct = 0;
for (int i = 0; i < count; i++)
{
    var scores = outputs.AsSpan(i * MnistCnn.OutputFeatures, MnistCnn.OutputFeatures);
    int best = 0;
    for (int k = 1; k < scores.Length; k++) if (scores[k] > scores[best]) best = k;
    predicted[i] = best;
    if (labels is not null && labels[i] == best) correct++;
    stdout.Write(string.Create(CultureInfo.InvariantCulture, $"{i} {best} {(labels is null ? "-" : labels[i].ToString(CultureInfo.InvariantCulture))}"));
    foreach (float score in scores) stdout.Write(string.Create(CultureInfo.InvariantCulture, $" {BitConverter.SingleToUInt32Bits(score):X8}"));
    stdout.WriteLine();
}
if (labels is not null)
    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accuracy {correct}/{count} = {(double)correct / count:P2}"));
stdout.WriteLine(Latency.Describe(ticks));
return 0;
