using System.Globalization;
using System.Text.RegularExpressions;
using NetGen.Cli.Commands;
using SkiaSharp;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>`netgen eval` and `netgen predict` on the trained run's checkpoint.</summary>
[Collection(TrainingCollection.Name)]
public class EvalPredictTests
{
    private readonly TrainedRun _run;

    public EvalPredictTests(TrainedRun run) => _run = run;

    private static (int Code, string Output, string Errors) Eval(EvalOptions options)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = EvalCommand.Run(options, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    private static (int Code, string Output, string Errors) Predict(PredictOptions options)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = PredictCommand.Run(options, output, errors);
        // The run's first line names its device (DeviceTests checks it); the predictions follow.
        string text = output.ToString();
        const string deviceLine = "device: cpu";
        if (code == 0)
        {
            Assert.StartsWith(deviceLine + Environment.NewLine, text);
            text = text[(deviceLine.Length + Environment.NewLine.Length)..];
        }
        return (code, text, errors.ToString());
    }

    [Fact]
    public void Eval_reproduces_the_validation_accuracy_of_the_last_epoch()
    {
        string plots = TestData.TempFolder();
        var (code, output, errors) = Eval(new EvalOptions(_run.NetFile, _run.Data, _run.Out, Out: plots, Cache: _run.Cache));

        Assert.True(code == 0, errors);
        var last = File.ReadAllLines(Path.Combine(_run.Out, "metrics.csv"))[^1].Split(',');
        double accuracy = double.Parse(last[4], CultureInfo.InvariantCulture);
        int correct = (int)Math.Round(accuracy * 120);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"Accuracy: {100 * accuracy:0.00}% ({correct} / 120)  loss {double.Parse(last[3], CultureInfo.InvariantCulture):0.0000}"), output);
        Assert.True(TestData.IsPng(Path.Combine(plots, "confusion.png")));
    }

    [Fact]
    public void Eval_confusion_matrix_rows_add_up_to_the_per_class_counts()
    {
        var (code, output, errors) = Eval(new EvalOptions(_run.NetFile, _run.Data, _run.Out, Out: TestData.TempFolder(), Cache: _run.Cache));

        Assert.True(code == 0, errors);
        var lines = output.Split('\n');
        int header = Array.FindIndex(lines, l => l.StartsWith("Confusion matrix (rows: true class", StringComparison.Ordinal));
        var matrix = lines.Skip(header + 2).Take(10).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()).ToArray();
        int perClass = Array.FindIndex(lines, l => l == "Per class:");
        int diagonal = 0, total = 0;
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(i, matrix[i][0]);
            var cells = matrix[i][1..];
            var row = lines[perClass + 2 + i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(int.Parse(row[2]), cells[i]);
            Assert.Equal(int.Parse(row[3]), cells.Sum());
            diagonal += cells[i];
            total += cells.Sum();
        }
        Assert.Equal(120, total);
        Assert.Contains($"({diagonal} / 120)", output);
    }

    [Fact]
    public void Predict_prints_the_top_classes_of_idx_samples_with_their_labels()
    {
        string images = Path.Combine(_run.Data, "train-images-idx3-ubyte");
        var (code, output, errors) = Predict(new PredictOptions(_run.NetFile, _run.Out, images, Top: 3, Count: 4, Cache: _run.Cache));

        Assert.True(code == 0, errors);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal(4, lines.Length);
        var labels = NetGen.Data.IdxReader.ReadLabels(Path.Combine(_run.Data, "train-labels-idx1-ubyte"), 10);
        for (int i = 0; i < 4; i++)
        {
            var match = Regex.Match(lines[i], @"^#(\d) \(label (\d)\): (\d) (\d+\.\d\d)%, (\d) (\d+\.\d\d)%, (\d) (\d+\.\d\d)%$");
            Assert.True(match.Success, lines[i]);
            Assert.Equal(i, int.Parse(match.Groups[1].Value));
            Assert.Equal(labels[i], int.Parse(match.Groups[2].Value));
            double p1 = double.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture);
            double p2 = double.Parse(match.Groups[6].Value, CultureInfo.InvariantCulture);
            double p3 = double.Parse(match.Groups[8].Value, CultureInfo.InvariantCulture);
            Assert.True(p1 >= p2 && p2 >= p3 && p1 + p2 + p3 <= 100.01, lines[i]);
        }
    }

    [Fact]
    public void Predict_on_a_png_of_a_digit_agrees_with_the_same_digit_from_the_idx_file()
    {
        var images = NetGen.Data.IdxReader.ReadImages(Path.Combine(_run.Data, "train-images-idx3-ubyte"));
        string png = Path.Combine(TestData.TempFolder(), "digit.png");
        using (var bitmap = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Gray8, SKAlphaType.Opaque)))
        {
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                {
                    byte v = images.Data[y * 28 + x];
                    bitmap.SetPixel(x, y, new SKColor(v, v, v));
                }
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(png, data.ToArray());
        }

        var fromPng = Predict(new PredictOptions(_run.NetFile, _run.Out, png, Top: 2, Cache: _run.Cache));
        var fromIdx = Predict(new PredictOptions(_run.NetFile, _run.Out, Path.Combine(_run.Data, "train-images-idx3-ubyte"), Top: 2, Count: 1, Cache: _run.Cache));

        Assert.True(fromPng.Code == 0, fromPng.Errors);
        Assert.StartsWith("digit.png: ", fromPng.Output);
        Assert.Equal(fromIdx.Output[fromIdx.Output.IndexOf(": ", StringComparison.Ordinal)..], fromPng.Output["digit.png".Length..]);
    }
}
