using System;
using NetGen.Data;
using NetGen.Execution;

namespace NetGen.Cli.Training;

/// <summary>Loss, accuracy and confusion matrix of a network over every sample of a batch source.</summary>
/// <param name="Loss">Mean cross-entropy, in nats.</param>
/// <param name="Confusion">[true class, predicted class] counts.</param>
internal sealed record EvaluationResult(double Loss, int Correct, int Count, int[,] Confusion)
{
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}

/// <summary>
/// Runs Predict over a batch source and scores it. The loss is computed from Predict's output,
/// so one forward pass gives loss, accuracy and the confusion matrix: -log p[label] when the
/// network ends in a softmax, log-sum-exp(z) - z[label] when it returns logits (as the
/// generated TrainStep's fused softmax cross-entropy).
/// </summary>
internal sealed class Evaluator
{
    private readonly INetwork _network;
    private readonly int _classes;
    private readonly bool _probabilities;
    private readonly float[] _scores;

    public Evaluator(INetwork network, int classes, bool probabilities, int batchSize)
    {
        _network = network;
        _classes = classes;
        _probabilities = probabilities;
        _scores = new float[batchSize * classes];
    }

    public EvaluationResult Run(IBatchSource source)
    {
        var confusion = new int[_classes, _classes];
        double loss = 0;
        int correct = 0, count = 0;
        source.BeginEpoch(1);
        while (source.TryNext(out var images, out var labels))
        {
            int n = labels.Length;
            var scores = _scores.AsSpan(0, n * _classes);
            _network.Predict(images, scores, n);
            for (int i = 0; i < n; i++)
            {
                var row = scores.Slice(i * _classes, _classes);
                int label = labels[i];
                if ((uint)label >= (uint)_classes)
                    throw new CliException($"error: a sample has label {label}, but the network outputs only {_classes} class scores");
                int predicted = Metrics.ArgMax(row);
                confusion[label, predicted]++;
                if (predicted == label) correct++;
                loss += _probabilities ? -Math.Log(Math.Max(row[label], 1e-12f)) : LogSumExp(row) - row[label];
            }
            count += n;
        }
        return new EvaluationResult(count == 0 ? 0 : loss / count, correct, count, confusion);
    }

    private static double LogSumExp(ReadOnlySpan<float> z)
    {
        float max = z[0];
        foreach (float v in z) max = Math.Max(max, v);
        double sum = 0;
        foreach (float v in z) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }
}
