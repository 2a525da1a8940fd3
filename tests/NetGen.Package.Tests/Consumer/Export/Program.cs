using System.Globalization;
using NetGen.Execution;
using NetGen.Onnx;

// NetGen.Onnx.Export from the package: the class generated from Default.cnn (the project's
// one .cnn file), its weights saved, and the network exported twice, from the weight file and
// from the instance. Then Bad.cnn (in the folder, not compiled) exported, which must fail.
// Lines that tests/NetGen.Package.Tests reads: the input and the CPU's output (round-trip
// floats, for ONNX Runtime), the export error, and Create's answer for CUDA in a CPU-only build.
using INetwork net = new PkgOnnx.DefaultNet(3, ExecutionMode.Inference);
var input = new float[net.InputSize];
for (int i = 0; i < input.Length; i++) input[i] = i * 37 % 101 / 101f - 0.5f;
var output = new float[net.OutputSize];
net.Predict(input, output);

net.Save("weights.safetensors");
OnnxExport.ToOnnx("Default.cnn", "weights.safetensors", "from-file.onnx");
File.WriteAllBytes("from-instance.onnx", OnnxExport.ToBytes("Default.cnn", net));
Console.WriteLine("input " + Floats(input));
Console.WriteLine("output " + Floats(output));

try
{
    OnnxExport.ToBytes("Bad.cnn", net);
    Console.WriteLine("bad: exported");
}
catch (OnnxExportException e)
{
    Console.WriteLine("bad: " + e.Message.ReplaceLineEndings(" "));
}

try
{
    PkgOnnx.DefaultNet.Create(1, ExecutionMode.Inference, NetworkDevice.Cuda).Dispose();
    Console.WriteLine("cuda: created");
}
catch (InvalidOperationException e)
{
    Console.WriteLine("cuda: " + e.Message);
}

static string Floats(float[] values) => string.Join(' ', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
