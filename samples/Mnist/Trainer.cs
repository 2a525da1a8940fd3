using System;
using NetGen.Data;
using NetGen.Execution;
using NetGen.Training;

namespace Samples.Mnist;

/// <summary>
/// Minibatch training: a seeded shuffle per epoch, batches of the network's declared size
/// (the last one smaller), each randomly shifted (<see cref="Augment"/>), one <c>TrainStep</c>
/// each, the learning rate following a cosine from 2e-3 down to 1e-5 over the whole run. The
/// batch buffers are allocated once; a step allocates nothing.
/// </summary>
internal sealed class Trainer
{
    private readonly ITrainableNetwork _network;
    private readonly MnistDataset _data;
    private readonly BatchIterator _batches;
    private readonly float[] _images;
    private readonly int[] _labels;
    private readonly Augment _augment;
    private readonly CosineSchedule _schedule;
    private int _step;

    public Trainer(ITrainableNetwork network, MnistDataset data, int epochs, ulong seed)
    {
        _network = network;
        _data = data;
        _batches = new BatchIterator(data.Count, network.MaxBatch, seed);
        _images = new float[network.MaxBatch * data.ImageSize];
        _labels = new int[network.MaxBatch];
        _augment = new Augment(data.Rows, data.Columns, seed);
        _schedule = new CosineSchedule(2e-3f, epochs * _batches.BatchCount, minimum: 1e-5f);
    }

    /// <summary>Trains one pass over the data; returns the mean loss and the accuracy seen during it.</summary>
    public TrainResult RunEpoch(int epoch, Action<int, int, double> progress)
    {
        _batches.BeginEpoch(epoch);
        double loss = 0;
        int correct = 0, seen = 0, done = 0;
        int n;
        while ((n = _batches.Next(_data, _images, _labels)) > 0)
        {
            _augment.Apply(_images, n);
            _network.TrainingSettings.LearningRate = _schedule.At(_step++);
            var step = _network.TrainStep(_images.AsSpan(0, n * _data.ImageSize), _labels.AsSpan(0, n));
            loss += (double)step.Loss * n;
            correct += step.Correct;
            seen += n;
            if (++done % 10 == 0) progress(done, _batches.BatchCount, loss / seen);
        }
        return new TrainResult((float)(loss / seen), correct, seen);
    }
}

/// <summary>Labels as the ints TrainStep and Evaluate take.</summary>
internal static class DatasetExtensions
{
    public static int[] LabelsAsInts(this MnistDataset data) => Array.ConvertAll(data.Labels.ToArray(), b => (int)b);
}
