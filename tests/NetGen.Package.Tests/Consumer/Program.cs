using System.Globalization;
using NetGen.Execution;

// Each network: one Predict, then five TrainSteps on one fixed batch; one line each that
// tests/NetGen.Package.Tests reads: class, parameters, sum of the softmax output, first and last loss.
Run(new PkgApp.AttributeNet(1, ExecutionMode.Training), PkgApp.AttributeNet.ParameterCount);
Run(new PkgApp.Files.NamedNet(1, ExecutionMode.Training), PkgApp.Files.NamedNet.ParameterCount);
Run(new PkgApp.DefaultNet(1, ExecutionMode.Training), PkgApp.DefaultNet.ParameterCount);

static void Run(ITrainableNetwork network, long parameters)
{
    const int batch = 4;
    var inputs = new float[batch * network.InputSize];
    for (int i = 0; i < inputs.Length; i++) inputs[i] = i * 37 % 101 / 101f;
    int[] labels = [0, 1, 2, 1];
    var output = new float[network.OutputSize];
    network.Predict(inputs.AsSpan(0, network.InputSize), output);
    network.TrainingSettings.LearningRate = 0.1f;
    float first = network.TrainStep(inputs, labels).Loss, last = first;
    for (int step = 1; step < 5; step++) last = network.TrainStep(inputs, labels).Loss;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{network.GetType().FullName} params {parameters} sum {output.Sum():0.0000} loss {first:0.0000} {last:0.0000}"));
}
