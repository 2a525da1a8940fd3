using NetGen.Cli.Commands;
using NetGen.Cli.Compilation;
using NetGen.Cli.Data;
using NetGen.Cli.Training;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>
/// The CLI scores validation data from Predict's output; the generated Evaluate computes loss and
/// accuracy its own way (fused softmax cross-entropy on the logits). Both must agree, for a
/// network ending in softmax (probabilities) and for one ending in a plain Dense (logits).
/// </summary>
[Collection(TrainingCollection.Name)]
public class EvaluatorTests
{
    private const string LogitsNet = """
        using NetGen;

        namespace Demo;

        [Network(1, 28, 28, Batch = 32, Optimizer = OptimizerType.Sgd)]
        [Conv2D(4, 3, Activation = Activation.ReLU, Name = "conv1")]
        [MaxPool2D(2, Name = "pool1")]
        [Flatten(Name = "flatten")]
        [Dense(10, Name = "fc")]
        public partial class Digits
        {
            /// <summary>User code in the same file is compiled with the generated members.</summary>
            public static int Classes => 10;
        }
        """;

    private readonly TrainedRun _run;

    public EvaluatorTests(TrainedRun run) => _run = run;

    [Theory]
    [InlineData("tiny.cnn", true)]
    [InlineData("Digits.cs", false)]
    public void Scores_from_predict_match_the_generated_evaluate(string name, bool probabilities)
    {
        string file = TestData.WriteFile(TestData.TempFolder(), name, probabilities ? TestData.TinyNet : LogitsNet);
        using var compiled = NetworkCompiler.Compile(new CompileRequest(file, Cache: _run.Cache), TextWriter.Null);
        Assert.Equal(probabilities, compiled.EndsInSoftmax);
        using var data = DataOpener.Open(_run.Data, compiled.InputShape, TrainedRun.ValidationFraction, TrainOptions.DefaultSeed, TextWriter.Null);
        using var network = compiled.CreateTrainable(3);
        network.TrainingSettings.LearningRate = 0.01f;
        using (var train = data.OpenTrain(network.MaxBatch, 3))
        {
            train.BeginEpoch(1);
            for (int i = 0; i < 6 && train.TryNext(out var images, out var labels); i++) network.TrainStep(images, labels);
        }

        using var validation = data.OpenValidation(network.MaxBatch);
        var ours = new Evaluator(network, compiled.Classes, compiled.EndsInSoftmax, network.MaxBatch).Run(validation);
        var all = new List<float>();
        var allLabels = new List<int>();
        validation.BeginEpoch(1);
        while (validation.TryNext(out var images, out var labels))
        {
            all.AddRange(images.ToArray());
            allLabels.AddRange(labels.ToArray());
        }
        var reference = network.Evaluate(all.ToArray(), allLabels.ToArray());

        Assert.Equal(120, ours.Count);
        Assert.Equal(reference.Correct, ours.Correct);
        Assert.Equal(reference.Loss, ours.Loss, 4);
        int diagonal = 0;
        for (int i = 0; i < 10; i++) diagonal += ours.Confusion[i, i];
        Assert.Equal(ours.Correct, diagonal);
    }
}
