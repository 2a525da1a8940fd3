using System;
using System.Globalization;
using NetGen.Execution;

namespace Samples.ImportOnnx;

/// <summary>Batched inference over a whole set, and the head's training loop (a seeded shuffle per epoch).</summary>
internal static class Training
{
    /// <summary>(count, OutputSize) outputs of <paramref name="network"/> over (count, InputSize) inputs, 16 at a time.</summary>
    public static float[] PredictAll(INetwork network, float[] inputs, int count)
    {
        int inSize = network.InputSize, outSize = network.OutputSize;
        var outputs = new float[count * outSize];
        for (int start = 0; start < count; start += 16)
        {
            int n = Math.Min(16, count - start);
            network.Predict(inputs.AsSpan(start * inSize, n * inSize), outputs.AsSpan(start * outSize, n * outSize), n);
        }

        return outputs;
    }

    /// <summary>Trains <paramref name="network"/> for <paramref name="epochs"/> epochs, one line each (loss, training accuracy).</summary>
    public static void Run(ITrainableNetwork network, float[] inputs, int[] labels, int epochs, float learningRate, ulong seed)
    {
        int sample = network.InputSize, batch = network.MaxBatch;
        var order = new int[labels.Length];
        var batchInputs = new float[batch * sample];
        var batchLabels = new int[batch];
        var random = new Random(unchecked((int)seed));
        network.TrainingSettings.LearningRate = learningRate;
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
                    inputs.AsSpan(order[start + j] * sample, sample).CopyTo(batchInputs.AsSpan(j * sample, sample));
                    batchLabels[j] = labels[order[start + j]];
                }

                TrainResult result = network.TrainStep(batchInputs.AsSpan(0, n * sample), batchLabels.AsSpan(0, n));
                loss += (double)result.Loss * n;
                correct += result.Correct;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  epoch {epoch,2}/{epochs}: loss {loss / labels.Length:0.0000}, train {(double)correct / labels.Length:P1}"));
        }
    }

    /// <summary>The index of the largest of <paramref name="scores"/>.</summary>
    public static int ArgMax(ReadOnlySpan<float> scores)
    {
        int best = 0;
        for (int i = 1; i < scores.Length; i++)
            if (scores[i] > scores[best]) best = i;
        return best;
    }
}
