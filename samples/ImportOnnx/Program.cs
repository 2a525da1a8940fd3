using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NetGen.Data;
using NetGen.Onnx;
using NetGen.Threading;
using NetGen.Weights;
using Samples.ImportOnnx;

// Imports the pretrained CNTK ResNet-18 (Microsoft.ML.DnnImageFeaturizer.ResNet18) from ONNX with
// NetGen.Onnx.OnnxImport, trains a new dense(10) head on its features of a few Fashion-MNIST images,
// exports ResNet-18 and head as one ONNX model with NetGen.Onnx.OnnxExport, and runs that model in
// ONNX Runtime on the test images: its outputs against NetGen's, and both test accuracies.
const string FashionMnist = "/usr/share/datasets/fashion-mnist";
string data = FashionMnist, prefix = MnistDataset.TrainPrefix;
string work = Path.Combine(AppContext.BaseDirectory, "work");
int perClass = 100, testPerClass = 20, epochs = 30;
float learningRate = 1e-3f;
ulong seed = 1;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        int Count()
        {
            string name = args[i];
            return int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1
                ? n : throw new ArgumentException($"{name} needs a whole number of at least 1");
        }

        switch (args[i])
        {
            case "--data": data = Value(); break;
            case "--prefix": prefix = Value(); break;
            case "--work": work = Value(); break;
            case "--per-class": perClass = Count(); break;
            case "--test-per-class": testPerClass = Count(); break;
            case "--epochs": epochs = Count(); break;
            case "--lr":
                if (!float.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out learningRate) || !(learningRate > 0))
                    throw new ArgumentException("--lr needs a positive number");
                break;
            case "--seed":
                if (!ulong.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out seed))
                    throw new ArgumentException("--seed needs a non-negative whole number");
                break;
            default: throw new ArgumentException($"unknown argument '{args[i]}'");
        }
    }

    if (!Directory.Exists(data))
        throw new ArgumentException($"no image folder '{data}'{(data == FashionMnist ? ": run 'apt-get install -y dataset-fashion-mnist', or pass --data DIR with MNIST-style IDX files" : "")}");
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine("usage: ImportOnnx [--data DIR] [--prefix train|t10k|mnist-10k] [--work DIR] [--per-class N] [--test-per-class N] [--epochs N] [--lr X] [--seed S]");
    return 2;
}

var total = Stopwatch.StartNew();
try
{
    // 1. Import: the .cnn this project compiled (ResNet18Features.cnn) is what `netgen import`
    // wrote; the same import here gives the weights, and must give the same text.
    var clock = Stopwatch.StartNew();
    string onnxPath = PretrainedResNet18.LocateNetwork();
    var imported = OnnxImport.ToCnn(onnxPath, new OnnxImportOptions { NetworkName = "ResNet18Features" });
    string shipped = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ResNet18Features.cnn"));
    if (imported.Cnn != shipped)
        throw new InvalidDataException($"ResNet18Features.cnn is not what the importer writes today; regenerate it with: netgen import {onnxPath} --out samples/ImportOnnx --name ResNet18Features");
    var files = imported.WriteTo(Path.Combine(work, "imported"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Imported {Path.GetFileName(onnxPath)}: {imported.Tensors.Count} tensors, {imported.ParameterCount:N0} values -> {files.CnnPath} ({clock.Elapsed.TotalSeconds:0.0} s)"));

    using var pool = new WorkerPool(Math.Min(2, Environment.ProcessorCount));
    using var features = new ResNet18Features(seed);
    features.UseWorkerPool(pool);
    features.Load(files.WeightsPath);

    // 2. Images: the first per-class images of each class to train on, the next ones to test on.
    var preprocess = MeanImagePreprocess.FromOnnx(OnnxModel.Load(PretrainedResNet18.LocatePreprocess()));
    var images = MnistDataset.Load(data, prefix);
    var (trainInputs, trainLabels) = GreyImages.Take(images, 0, perClass, preprocess);
    var (testInputs, testLabels) = GreyImages.Take(images, perClass, testPerClass, preprocess);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Images: {data} ({prefix}), {trainLabels.Length} to train on and {testLabels.Length} to test on, 28x28 grey upscaled to 3x224x224"));

    // 3. Fine-tuning: the imported network frozen (its features computed once), a new head trained.
    clock.Restart();
    var trainFeatures = Training.PredictAll(features, trainInputs, trainLabels.Length);
    var testFeatures = Training.PredictAll(features, testInputs, testLabels.Length);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Features (512) of {trainLabels.Length + testLabels.Length} images through the imported ResNet-18: {clock.Elapsed.TotalSeconds:0.0} s"));
    clock.Restart();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Training the new dense(10) head, Adam lr {learningRate:G3}:"));
    using var head = new Head(seed, NetGen.Execution.ExecutionMode.Training);
    Training.Run(head, trainFeatures, trainLabels, epochs, learningRate, seed);
    var netgenScores = Training.PredictAll(head, testFeatures, testLabels.Length);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Head trained in {clock.Elapsed.TotalSeconds:0.0} s"));

    // 4. Export: the imported network with the head after it, as one .cnn and one weight file.
    clock.Restart();
    string exportDir = Path.Combine(work, "export");
    Directory.CreateDirectory(exportDir);
    string cnn = Path.Combine(exportDir, "ResNet18Fashion.cnn");
    File.WriteAllText(cnn, WithHead(imported.Cnn));
    var headTensors = Head.ParameterTensors.ToArray().Select(p =>
    {
        var values = new float[p.Length];
        head.CopyParameter(p.Name, values);
        return new NamedTensor(p.Name, p.ShapeArray(), values);
    });
    string weights = Path.Combine(exportDir, "ResNet18Fashion.safetensors");
    Safetensors.Write(weights, imported.Tensors.Concat(headTensors));
    string exported = Path.Combine(exportDir, "ResNet18Fashion.onnx");
    OnnxExport.ToOnnx(cnn, weights, exported);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Exported ResNet-18 + head: {exported} ({new FileInfo(exported).Length / 1e6:0.0} MB, ONNX opset {OnnxExport.Opset}, {clock.Elapsed.TotalSeconds:0.0} s)"));

    // 5. ONNX Runtime on the test images, against NetGen's scores.
    clock.Restart();
    int sample = 3 * 224 * 224, n = testLabels.Length;
    var ortScores = new float[n * 10];
    using (var session = new InferenceSession(exported))
    {
        string input = session.InputMetadata.Keys.Single();
        for (int start = 0; start < n; start += 16)
        {
            int count = Math.Min(16, n - start);
            var tensor = new DenseTensor<float>(testInputs.AsMemory(start * sample, count * sample), new[] { count, 3, 224, 224 });
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(input, tensor) });
            results.First().AsEnumerable<float>().ToArray().CopyTo(ortScores, start * 10);
        }
    }

    double largest = netgenScores.Max(v => Math.Abs((double)v));
    double difference = netgenScores.Select((v, i) => Math.Abs((double)v - ortScores[i])).Max();
    int sameClass = 0, netgenRight = 0, ortRight = 0;
    for (int i = 0; i < n; i++)
    {
        int a = Training.ArgMax(netgenScores.AsSpan(i * 10, 10)), b = Training.ArgMax(ortScores.AsSpan(i * 10, 10));
        sameClass += a == b ? 1 : 0;
        netgenRight += a == testLabels[i] ? 1 : 0;
        ortRight += b == testLabels[i] ? 1 : 0;
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ONNX Runtime ran the exported model on the {n} test images in {clock.Elapsed.TotalSeconds:0.0} s"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test accuracy: NetGen {(double)netgenRight / n:P1}, ONNX Runtime {(double)ortRight / n:P1}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Agreement: max |difference| {difference:E2} of max |score| {largest:0.###} (relative {difference / largest:E2}); same class for {sameClass}/{n} images"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total time: {total.Elapsed.TotalSeconds:0.0} s"));
    return 0;
}
catch (Exception e) when (e is IOException or OnnxImportException or OnnxExportException or WeightMismatchException or NotSupportedException or OnnxRuntimeException)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}

// The imported network renamed, with the head's dense(10) (named fc, as in Head.cnn) after its
// (512, 1, 1) output, flattened to the (512) features the head was trained on.
static string WithHead(string importedCnn)
{
    string text = importedCnn.Replace("network ResNet18Features {", "network ResNet18Fashion {", StringComparison.Ordinal);
    int end = text.LastIndexOf('}');
    return text[..end] + "    fc = flatten -> dense(10)                                           # the head trained on the features\n}\n";
}
