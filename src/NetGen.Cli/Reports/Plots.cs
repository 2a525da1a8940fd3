using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NetGen.IO;
using NetGen.Training;
using ScottPlot;

namespace NetGen.Cli.Reports;

/// <summary>PNG charts (ScottPlot): loss and accuracy per epoch, and a confusion matrix. Each file is replaced atomically.</summary>
internal static class Plots
{
    public const string LossFile = "loss.png";
    public const string AccuracyFile = "accuracy.png";
    public const string ConfusionFile = "confusion.png";
    private const int Width = 800, Height = 500;

    /// <summary>loss.png and accuracy.png: training and validation curves over the epochs so far.</summary>
    public static void WriteCurves(string folder, IReadOnlyList<EpochMetrics> metrics, string network)
    {
        double[] epochs = metrics.Select(m => (double)m.Epoch).ToArray();
        Save(LossCurves(epochs, metrics, network), Path.Combine(folder, LossFile));
        var accuracy = Curves(epochs, metrics.Select(m => 100 * m.TrainAccuracy).ToArray(), metrics.Select(m => 100 * m.ValidationAccuracy).ToArray(),
            $"{network}: accuracy", "accuracy (%)");
        accuracy.Axes.SetLimitsY(0, 100);
        Save(accuracy, Path.Combine(folder, AccuracyFile));
    }

    /// <summary>
    /// The loss curves on an axis from 0 (cross-entropy is never negative) to just over the
    /// largest finite loss; NaN and infinite losses are left out (ScottPlot skips NaN points).
    /// When the finite losses span more than 100x (a run that spiked by orders of magnitude) a
    /// linear axis would flatten every healthy epoch onto 0, so the axis is log10, labelled in nats.
    /// </summary>
    private static Plot LossCurves(double[] epochs, IReadOnlyList<EpochMetrics> metrics, string network)
    {
        static double Finite(double v) => double.IsFinite(v) ? v : double.NaN;
        double[] train = metrics.Select(m => Finite(m.TrainLoss)).ToArray(), validation = metrics.Select(m => Finite(m.ValidationLoss)).ToArray();
        double[] finite = train.Concat(validation).Where(double.IsFinite).ToArray();
        double top = finite.DefaultIfEmpty(1).Max(), bottom = finite.Where(v => v > 0).DefaultIfEmpty(top).Min();
        string title = $"{network}: loss";
        if (top <= 100 * bottom)
        {
            var linear = Curves(epochs, train, validation, title, "cross-entropy (nats)");
            linear.Axes.SetLimitsY(0, top > 0 ? 1.1 * top : 1);
            // A falling loss leaves the upper right empty; the accuracy's rise leaves ScottPlot's lower right.
            linear.ShowLegend(Alignment.UpperRight);
            return linear;
        }
        static double Log(double v) => v > 0 ? Math.Log10(v) : double.NaN;
        var plot = Curves(epochs, train.Select(Log).ToArray(), validation.Select(Log).ToArray(), title, "cross-entropy (nats, log scale)");
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            LabelFormatter = y => NetGen.Training.TrainingDivergence.Number(Math.Pow(10, y)),
        };
        plot.Axes.SetLimitsY(Math.Floor(Math.Log10(bottom)), Math.Ceiling(Math.Log10(top)));
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static Plot Curves(double[] epochs, double[] train, double[] validation, string title, string yLabel)
    {
        var plot = new Plot();
        var t = plot.Add.Scatter(epochs, train);
        t.LegendText = "training";
        var v = plot.Add.Scatter(epochs, validation);
        v.LegendText = "validation";
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        // Whole epochs only on the x axis.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend();
        return plot;
    }

    /// <summary>confusion.png: rows are true classes, columns predicted ones, each cell its count.</summary>
    public static void WriteConfusion(string path, int[,] confusion, IReadOnlyList<string> classNames, string title)
    {
        int k = confusion.GetLength(0);
        // ScottPlot draws row 0 at the top: the first class is the top row, as the matrix is printed.
        var values = new double[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                values[i, j] = confusion[i, j];
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Rectangle = new CoordinateRect(-0.5, k - 0.5, -0.5, k - 0.5);
        int max = values.Cast<double>().DefaultIfEmpty(0).Max() is double m ? (int)m : 0;
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                var label = plot.Add.Text(confusion[i, j].ToString(CultureInfo.InvariantCulture), j, k - 1 - i);
                label.LabelAlignment = Alignment.MiddleCenter;
                if (PlotFont.Name is { } font) label.LabelFontName = font;
                label.LabelFontColor = confusion[i, j] > max / 2 ? Colors.Black : Colors.White;
            }
        }
        var names = Enumerable.Range(0, k).Select(i => i < classNames.Count ? classNames[i] : i.ToString(CultureInfo.InvariantCulture)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, k).Select(i => (double)i).ToArray(), names);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, k).Select(i => (double)(k - 1 - i)).ToArray(), names);
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plot.Title(title);
        plot.XLabel("predicted class");
        plot.YLabel("true class");
        int side = Math.Clamp(60 * k + 150, 400, 1600);
        Save(plot, path, side, side);
    }

    private static void Save(Plot plot, string path, int width = Width, int height = Height)
    {
        PlotFont.Apply(plot);
        byte[] png = plot.GetImageBytes(width, height, ImageFormat.Png);
        DurableFile.Replace(path, stream => stream.Write(png));
    }
}
