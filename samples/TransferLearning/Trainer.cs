using System;
using System.Diagnostics;
using System.Globalization;
using NetGen.Execution;

namespace Samples.TransferLearning;

/// <summary>
/// Trains a generated network on in-memory samples: a seeded shuffle per epoch, batches of the
/// network's declared size at a constant learning rate, one line per epoch with the training
/// loss and accuracy and the validation accuracy (batch norms on their running statistics).
/// </summary>
internal static class Trainer
{
    /// <summary>Returns the seconds spent training and evaluating.</summary>
    public static double Run(string label, ITrainableNetwork network, SplitData train, SplitData validation,
        int epochs, float learningRate, ulong seed)
    {
        int sample = network.InputSize;
        int batch = network.MaxBatch;
        var order = new int[train.Count];
        var inputs = new float[batch * sample];
        var labels = new int[batch];
        var random = new Random(unchecked((int)seed));
        network.TrainingSettings.LearningRate = learningRate;
        var clock = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            for (int i = 0; i < order.Length; i++) order[i] = i;
            random.Shuffle(order);
            double loss = 0;
            int correct = 0;
            for (int start = 0; start < order.Length; start += batch)
            {
                int n = Math.Min(batch, order.Length - start);
                for (int j = 0; j < n; j++)
                {
                    int s = order[start + j];
                    train.Inputs.AsSpan(s * sample, sample).CopyTo(inputs.AsSpan(j * sample, sample));
                    labels[j] = train.Labels[s];
                }

                TrainResult result = network.TrainStep(inputs.AsSpan(0, n * sample), labels.AsSpan(0, n));
                loss += (double)result.Loss * n;
                correct += result.Correct;
            }

            double accuracy = network.Evaluate(validation.Inputs, validation.Labels).Accuracy;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {label} epoch {epoch,2}/{epochs}: loss {loss / train.Count:0.0000}, train {(double)correct / train.Count:P1}, validation {accuracy:P1}  ({clock.Elapsed.TotalSeconds:0.0} s so far)"));
        }

        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Runs an inference network over every sample in batches of 32; outputs (count, OutputSize).</summary>
    public static float[] PredictAll(INetwork network, float[] inputs, int count)
    {
        int inSize = network.InputSize, outSize = network.OutputSize;
        var outputs = new float[count * outSize];
        for (int start = 0; start < count; start += 32)
        {
            int n = Math.Min(32, count - start);
            network.Predict(inputs.AsSpan(start * inSize, n * inSize), outputs.AsSpan(start * outSize, n * outSize), n);
        }

        return outputs;
    }
}
