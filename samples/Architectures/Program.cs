using System;
using System.Globalization;
using Samples.Architectures;

// The classic networks as the build sees them: every figure below is a compile-time
// constant the generator emitted into the network's class.
var rows = new (string Name, long Params, long Macs, long InferenceBytes, long TrainingBytes, int Batch)[]
{
    ("LeNet5", LeNet5.ParameterCount, LeNet5.Macs, LeNet5.InferenceBytes, LeNet5.TrainingBytes, LeNet5.TrainingBatch),
    ("AlexNet", AlexNet.ParameterCount, AlexNet.Macs, AlexNet.InferenceBytes, AlexNet.TrainingBytes, AlexNet.TrainingBatch),
    ("Vgg16", Vgg16.ParameterCount, Vgg16.Macs, Vgg16.InferenceBytes, Vgg16.TrainingBytes, Vgg16.TrainingBatch),
    ("GoogLeNet", GoogLeNet.ParameterCount, GoogLeNet.Macs, GoogLeNet.InferenceBytes, GoogLeNet.TrainingBytes, GoogLeNet.TrainingBatch),
    ("ResNet18", ResNet18.ParameterCount, ResNet18.Macs, ResNet18.InferenceBytes, ResNet18.TrainingBytes, ResNet18.TrainingBatch),
    ("ResNet34", ResNet34.ParameterCount, ResNet34.Macs, ResNet34.InferenceBytes, ResNet34.TrainingBytes, ResNet34.TrainingBatch),
    ("ResNet50", ResNet50.ParameterCount, ResNet50.Macs, ResNet50.InferenceBytes, ResNet50.TrainingBytes, ResNet50.TrainingBatch),
    ("SeResNet50", SeResNet50.ParameterCount, SeResNet50.Macs, SeResNet50.InferenceBytes, SeResNet50.TrainingBytes, SeResNet50.TrainingBatch),
    ("Xception", Xception.ParameterCount, Xception.Macs, Xception.InferenceBytes, Xception.TrainingBytes, Xception.TrainingBatch),
    ("MobileNet", MobileNet.ParameterCount, MobileNet.Macs, MobileNet.InferenceBytes, MobileNet.TrainingBytes, MobileNet.TrainingBatch),
    ("InceptionV3", InceptionV3.ParameterCount, InceptionV3.Macs, InceptionV3.InferenceBytes, InceptionV3.TrainingBytes, InceptionV3.TrainingBatch),
    ("UNet", UNet.ParameterCount, UNet.Macs, UNet.InferenceBytes, UNet.TrainingBytes, UNet.TrainingBatch),
};

var c = CultureInfo.InvariantCulture;
Console.WriteLine($"{"network",-11} {"params (incl. BN statistics)",28} {"GMACs",7} {"inference MB",13} {"training MB",12} {"at batch",9}");
foreach (var r in rows)
{
    Console.WriteLine(string.Format(c, "{0,-11} {1,28:N0} {2,7:F2} {3,13:F1} {4,12:F1} {5,9}",
        r.Name, r.Params, r.Macs / 1e9, r.InferenceBytes / 1e6, r.TrainingBytes / 1e6, r.Batch));
}
Console.WriteLine();
Console.WriteLine("A layer-by-layer table for any of them: dotnet run --project src/NetGen.Cli -- summary samples/Architectures/ResNet18.cnn");
