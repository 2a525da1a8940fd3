using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using NetGen.Data;
using NetGen.Execution;
using NetGen.Gpu;
using NetGen.Onnx;
using NetGen.Threading;
using NetGen.Weights;
using Samples.TransferLearning;

// Fine-tunes the pretrained CNTK ResNet-18 (Microsoft.ML.DnnImageFeaturizer.ResNet18) on a small
// image folder at 112x112, in two stages, and trains the same network from scratch on the same
// images for comparison; prints validation accuracy per epoch and the three test accuracies.
const string FashionMnist = "/usr/share/datasets/fashion-mnist";
const int Size = 112;
const int Classes = 10;
Options options;
try
{
    options = Options.Parse(args, Path.Combine(AppContext.BaseDirectory, "work"));
    if (options.DataFolder is null && !Directory.Exists(FashionMnist))
        throw new ArgumentException($"no Fashion-MNIST at {FashionMnist} to build the default image folder from: run 'apt-get install -y dataset-fashion-mnist', or pass --data DIR");
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}
var (data, work, perClass, headEpochs, fineTuneEpochs, scratchEpochs, learningRate, seed, device) = options;

// The device before the images load: --device cuda without a usable CUDA GPU stops here with the reason,
// auto without one runs on the CPU.
try
{
    if (device == NetworkDevice.Cuda) GpuDevice.SharedCuda();
}
catch (GpuUnavailableException e)
{
    Console.Error.WriteLine($"error: --device cuda: {e.Message}");
    return 1;
}
if (device == NetworkDevice.Auto && GpuDevice.SharedCudaOrNull() is null) device = NetworkDevice.Cpu;

var total = Stopwatch.StartNew();
string folder;
SplitData train, validation, test;
IReadOnlyDictionary<string, float[]> pretrained;
try
{
    folder = data ?? FashionFolder.Ensure(FashionMnist, Path.Combine(work, $"fashion-mnist-{perClass}-{Size}"), perClass, Size);
    var preprocess = Preprocess.HalfSize(MeanImagePreprocess.FromOnnx(OnnxModel.Load(PretrainedResNet18.LocatePreprocess())));
    var (dataset, trainSet, validationSet, testSet) = ImageSet.Load(folder, preprocess, 0.15, 0.15, seed);
    if (dataset.ClassCount != Classes)
        throw new DataFormatException(folder, $"has {dataset.ClassCount} class folders; the networks in TransferNets.cnn end in dense({Classes}): edit that number to train on {dataset.ClassCount} classes");
    (train, validation, test) = (trainSet, validationSet, testSet);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Images: {folder}: {dataset.Count} in {Classes} classes ({string.Join(", ", dataset.ClassNames)}), {dataset.Skipped.Count} unreadable"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Split (stratified, seed {seed}): {train.Count} training, {validation.Count} validation, {test.Count} test; input 3x{Size}x{Size}"));

    // The base and the last stage together hold every pretrained tensor; fc is the new head.
    var shapes = ResNet18Base.ParameterTensors.ToArray().Concat(ResNet18Top.ParameterTensors.ToArray())
        .Where(t => !t.Name.StartsWith("fc.", StringComparison.Ordinal))
        .ToDictionary(t => t.Name, t => t.ShapeArray());
    var map = OnnxWeightMap.Load(Path.Combine(AppContext.BaseDirectory, "resnet18.onnx-map.txt"));
    pretrained = OnnxImport.Bind(OnnxModel.Load(PretrainedResNet18.LocateNetwork()), map, shapes);
}
catch (Exception e) when (e is IOException or WeightMismatchException or NotSupportedException)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Pretrained: {pretrained.Count} tensors imported ({total.Elapsed.TotalSeconds:0.0} s)"));
Console.WriteLine();

using var pool = new WorkerPool(Math.Min(2, Environment.ProcessorCount));
// On the CPU each network's backward runs on two workers; on the GPU the device is the parallelism.
T OnDevice<T>(T network) where T : INetwork
{
    (network as ICpuExecution)?.UseWorkerPool(pool);
    return network;
}
// The pretrained tensors a network has (all of its own but the new head's).
Dictionary<string, float[]> Select(INetwork network)
{
    var names = network.ParameterTable.ToArray().Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
    return pretrained.Where(p => names.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
}

// Stage 0: the frozen base runs once per image; its (256, 7, 7) outputs and, through the frozen
// last stage, their pooled (512) features are cached for the two fine-tuning stages.
var clock = Stopwatch.StartNew();
using var baseNet = OnDevice(ResNet18Base.Create(seed, ExecutionMode.Inference, device));
Console.WriteLine("Device: " + baseNet.DeviceName);
baseNet.SetParameters(Select(baseNet));
using var stage4 = OnDevice(ResNet18Stage4.Create(seed, ExecutionMode.Inference, device));
stage4.SetParameters(Select(stage4));
SplitData Through(INetwork network, SplitData split) => new(Trainer.PredictAll(network, split.Inputs, split.Count), split.Labels);
var (trainMaps, validationMaps, testMaps) = (Through(baseNet, train), Through(baseNet, validation), Through(baseNet, test));
var (trainPooled, validationPooled, testPooled) = (Through(stage4, trainMaps), Through(stage4, validationMaps), Through(stage4, testMaps));
double cacheSeconds = clock.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Cached the frozen base's features of {train.Count + validation.Count + test.Count} images: (256, 7, 7) and pooled (512), {cacheSeconds:0.0} s"));

// Stage 1: only the new head trains, on the cached pooled features.
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Stage 1: new dense({Classes}) head, pretrained base frozen, Adam lr {learningRate:G3}"));
using var head = OnDevice(TransferHead.Create(seed, ExecutionMode.Training, device));
double headSeconds = Trainer.Run("head", head, trainPooled, validationPooled, headEpochs, learningRate, seed);
double headTest = head.Evaluate(testPooled.Inputs, testPooled.Labels).Accuracy;

// Stage 2: the last stage unfrozen at a 10x lower learning rate, the head carried over.
float fineTuneRate = learningRate / 10f;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Stage 2: layer4 unfrozen with the stage-1 head, Adam lr {fineTuneRate:G3}"));
using var top = OnDevice(ResNet18Top.Create(seed, ExecutionMode.Training, device));
var start = Select(top);
foreach (string name in new[] { "fc.weight", "fc.bias" })
{
    var values = new float[TransferHead.ParameterTensors.ToArray().Single(t => t.Name == name).Length];
    head.CopyParameter(name, values);
    start[name] = values;
}
top.SetParameters(start);
double topSeconds = Trainer.Run("fine-tune", top, trainMaps, validationMaps, fineTuneEpochs, fineTuneRate, seed);
double topTest = top.Evaluate(testMaps.Inputs, testMaps.Labels).Accuracy;

// The baseline: the same ResNet-18 and head from random weights, on the same images.
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"From scratch: the whole ResNet-18, random initialisation, Adam lr {learningRate:G3}"));
using var scratch = OnDevice(ResNet18Scratch.Create(seed, ExecutionMode.Training, device));
double scratchSeconds = Trainer.Run("scratch", scratch, train, validation, scratchEpochs, learningRate, seed);
double scratchTest = scratchEpochs > 0 ? scratch.Evaluate(test.Inputs, test.Labels).Accuracy : double.NaN;

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test accuracy on {test.Count} images:"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  stage 1 (head on frozen base)   {headTest,7:P1}  {headEpochs,2} epochs, {cacheSeconds + headSeconds,6:0.0} s with the feature cache"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  stage 2 (fine-tuned layer4)     {topTest,7:P1}  {fineTuneEpochs,2} epochs, {topSeconds,6:0.0} s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  from scratch                    {scratchTest,7:P1}  {scratchEpochs,2} epochs, {scratchSeconds,6:0.0} s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total time: {total.Elapsed.TotalSeconds:0.0} s"));
return 0;
