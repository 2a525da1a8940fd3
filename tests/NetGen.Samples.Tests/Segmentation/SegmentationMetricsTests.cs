extern alias SegmentationSample;

using SegmentationSample::Samples.Segmentation;
using Xunit;

namespace NetGen.Samples.Tests.Segmentation;

/// <summary>Pixel accuracy and mean IoU against values worked out by hand on tiny masks.</summary>
public class SegmentationMetricsTests
{
    [Fact]
    public void A_small_confusion_gives_the_hand_computed_accuracy_and_ious()
    {
        // 4 classes, 8 pixels; class 3 occurs in neither the truth nor the prediction.
        int[] truth =     [0, 0, 0, 0, 1, 1, 2, 2];
        int[] predicted = [0, 0, 0, 1, 1, 2, 2, 2];
        var metrics = new SegmentationMetrics(4);
        var argmax = new int[8];

        metrics.Add(OneHot(predicted, 4), truth, argmax);

        Assert.Equal(predicted, argmax);
        // Right: 3 + 1 + 2 = 6 of 8.
        Assert.Equal(6.0 / 8, metrics.PixelAccuracy, 12);
        // Class 0: 3 hits, 4 true, 3 predicted: 3 / (4 + 3 - 3) = 3/4.
        Assert.Equal(3.0 / 4, metrics.IoU(0), 12);
        // Class 1: 1 hit, 2 true, 2 predicted: 1 / 3.
        Assert.Equal(1.0 / 3, metrics.IoU(1), 12);
        // Class 2: 2 hits, 2 true, 3 predicted: 2 / 3.
        Assert.Equal(2.0 / 3, metrics.IoU(2), 12);
        // Absent from both: undefined, and left out of the mean (PASCAL VOC).
        Assert.True(double.IsNaN(metrics.IoU(3)));
        Assert.Equal((3.0 / 4 + 1.0 / 3 + 2.0 / 3) / 3, metrics.MeanIoU, 12);
    }

    [Fact]
    public void A_class_only_predicted_counts_in_the_mean_with_iou_zero()
    {
        int[] truth = [0, 0, 0, 0];
        int[] predicted = [0, 0, 0, 2];
        var metrics = new SegmentationMetrics(3);

        metrics.Add(OneHot(predicted, 3), truth, new int[4]);

        Assert.Equal(0.75, metrics.PixelAccuracy, 12);
        Assert.Equal(0.75, metrics.IoU(0), 12);
        Assert.True(double.IsNaN(metrics.IoU(1)));
        Assert.Equal(0.0, metrics.IoU(2), 12);
        Assert.Equal((0.75 + 0) / 2, metrics.MeanIoU, 12);
    }

    [Fact]
    public void Scenes_accumulate_and_the_highest_score_decides_a_pixel()
    {
        // Scores (classes x pixels) that are not one-hot: the argmax of each pixel is taken, the
        // lower class on a tie.
        float[] scores =
        [
            0.1f, 2.0f, 0.5f,   // class 0 at pixels 0, 1, 2
            0.3f, 1.0f, 0.5f,   // class 1
        ];
        var metrics = new SegmentationMetrics(2);
        var argmax = new int[3];

        metrics.Add(scores, [1, 0, 1], argmax);
        metrics.Add(OneHot([1, 1, 1], 2), [1, 1, 0], new int[3]);

        Assert.Equal(new[] { 1, 0, 0 }, argmax);
        // Confusion over 6 pixels: (1,1) 3 times, (0,0) once, (1,0) once, (0,1) once.
        Assert.Equal(4.0 / 6, metrics.PixelAccuracy, 12);
        Assert.Equal(1.0 / 3, metrics.IoU(0), 12);   // 1 hit, 2 true, 2 predicted
        Assert.Equal(3.0 / 5, metrics.IoU(1), 12);   // 3 hits, 4 true, 4 predicted
        Assert.Equal((1.0 / 3 + 3.0 / 5) / 2, metrics.MeanIoU, 12);
    }

    [Fact]
    public void No_pixels_give_zero_rather_than_a_division_by_zero()
    {
        var metrics = new SegmentationMetrics(11);

        Assert.Equal(0, metrics.PixelAccuracy);
        Assert.Equal(0, metrics.MeanIoU);
        Assert.True(double.IsNaN(metrics.IoU(5)));
    }

    /// <summary>Scores (classes x pixels) with 1 at each pixel's class and 0 elsewhere.</summary>
    private static float[] OneHot(int[] classes, int count)
    {
        var scores = new float[count * classes.Length];
        for (int p = 0; p < classes.Length; p++) scores[classes[p] * classes.Length + p] = 1;
        return scores;
    }
}
