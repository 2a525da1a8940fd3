using System.Globalization;
using NetGen.Execution;
using NetGen.Gpu;
using PkgApp;

// The CPU-only consumer's AttributeNet, here with NetGen.Gpu referenced: its generated Gpu class
// on ILGPU's CPU simulator beside the CPU class, same seed: Predict on a
// batch, then three TrainSteps on one fixed batch. Lines that tests/NetGen.Package.Tests reads:
// the device, both outputs, both losses (every float in round-trip form, the test compares them).
const int batch = 4;
using GpuDevice device = GpuDevice.CpuSimulator();
using ITrainableNetwork cpu = new AttributeNet(7, ExecutionMode.Training);
using ITrainableNetwork gpu = new AttributeNet.Gpu(device, 7, ExecutionMode.Training);
var inputs = new float[batch * cpu.InputSize];
for (int i = 0; i < inputs.Length; i++) inputs[i] = i * 37 % 101 / 101f;
int[] labels = [0, 1, 2, 1];

Console.WriteLine("device " + gpu.DeviceName);
Console.WriteLine("cpu " + Floats(Predict(cpu)));
Console.WriteLine("gpu " + Floats(Predict(gpu)));
Console.WriteLine("cpu-loss " + Floats(Train(cpu)));
Console.WriteLine("gpu-loss " + Floats(Train(gpu)));

float[] Predict(INetwork network)
{
    var outputs = new float[batch * network.OutputSize];
    network.Predict(inputs, outputs, batch);
    return outputs;
}

float[] Train(ITrainableNetwork network)
{
    network.TrainingSettings.LearningRate = 0.01f;
    return Enumerable.Range(0, 3).Select(_ => network.TrainStep(inputs, labels).Loss).ToArray();
}

static string Floats(float[] values) => string.Join(' ', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
