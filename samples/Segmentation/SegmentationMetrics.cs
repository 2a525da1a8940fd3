using System;

namespace Samples.Segmentation;

/// <summary>
/// Pixel accuracy and mean intersection over union from a confusion matrix of pixel classes
/// (rows: true class, columns: predicted). The mean IoU averages the classes that occur in the
/// truth or the predictions, as the PASCAL VOC evaluation does.
/// </summary>
internal sealed class SegmentationMetrics
{
    private readonly long[] _confusion;
    private readonly int _classes;

    public SegmentationMetrics(int classes)
    {
        _classes = classes;
        _confusion = new long[classes * classes];
    }

    /// <summary>Adds one scene: <paramref name="scores"/> is classes x H x W, <paramref name="truth"/> H x W.</summary>
    public void Add(ReadOnlySpan<float> scores, ReadOnlySpan<int> truth, Span<int> predicted)
    {
        int pixels = truth.Length;
        for (int p = 0; p < pixels; p++)
        {
            int best = 0;
            for (int c = 1; c < _classes; c++)
                if (scores[c * pixels + p] > scores[best * pixels + p]) best = c;
            predicted[p] = best;
            _confusion[truth[p] * _classes + best]++;
        }
    }

    public double PixelAccuracy
    {
        get
        {
            long correct = 0, total = 0;
            for (int c = 0; c < _classes; c++) correct += _confusion[c * _classes + c];
            foreach (long n in _confusion) total += n;
            return total == 0 ? 0 : (double)correct / total;
        }
    }

    /// <summary>IoU of class <paramref name="c"/>: true positives / (true + predicted - true positives); NaN when it never occurs.</summary>
    public double IoU(int c)
    {
        long truth = 0, predicted = 0;
        for (int k = 0; k < _classes; k++)
        {
            truth += _confusion[c * _classes + k];
            predicted += _confusion[k * _classes + c];
        }
        long hits = _confusion[c * _classes + c];
        long union = truth + predicted - hits;
        return union == 0 ? double.NaN : (double)hits / union;
    }

    public double MeanIoU
    {
        get
        {
            double sum = 0;
            int counted = 0;
            for (int c = 0; c < _classes; c++)
            {
                double iou = IoU(c);
                if (double.IsNaN(iou)) continue;
                sum += iou;
                counted++;
            }
            return counted == 0 ? 0 : sum / counted;
        }
    }
}
