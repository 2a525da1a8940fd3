using NetGen.Cli.Commands;
using NetGen.Cli.Compilation;
using SkiaSharp;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>Training, evaluating and predicting from an image folder (one subfolder per class), resized to the network's input.</summary>
[Collection(TrainingCollection.Name)]
public class ImageFolderTests
{
    private const string Net = """
        network Shades {
            input 3x8x8
            batch 8
            optimizer adam

            conv = conv2d(2, 3)
            flat = flatten
            fc = dense(2, activation: softmax)
        }
        """;

    /// <summary>"dark" and "light" classes of 12 x 12 noisy RGB images (mean level 60 or 190): easy to tell apart after resizing to 8 x 8.</summary>
    private static string ShadesFolder()
    {
        string root = TestData.TempFolder();
        var random = new Random(7);
        foreach (var (name, level) in new[] { ("dark", 60), ("light", 190) })
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            for (int i = 0; i < 20; i++)
            {
                using var bitmap = new SKBitmap(new SKImageInfo(12, 12, SKColorType.Rgba8888, SKAlphaType.Opaque));
                for (int y = 0; y < 12; y++)
                    for (int x = 0; x < 12; x++)
                    {
                        byte v = (byte)Math.Clamp(level + random.Next(-50, 51), 0, 255);
                        bitmap.SetPixel(x, y, new SKColor(v, (byte)(255 - v / 2), v));
                    }
                using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(Path.Combine(root, name, $"{i:00}.png"), png.ToArray());
            }
        }
        return root;
    }

    [Fact]
    public void Image_folder_trains_evaluates_and_predicts_with_class_names()
    {
        string folder = TestData.TempFolder();
        string net = TestData.WriteFile(folder, "shades.cnn", Net);
        string data = ShadesFolder();
        string run = Path.Combine(folder, "run");
        var cache = CompileCache.At(Path.Combine(folder, "cache"));

        var train = TrainedRun.Train(new TrainOptions(net, data, Epochs: 3, LearningRate: 0.01f, Out: run, ValidationFraction: 0.25, Cache: cache));

        Assert.True(train.ExitCode == 0, train.Errors);
        Assert.Contains($"Data: {data}: 2 classes, split by seed 42, resized to 8 x 8: 30 training, 10 validation samples (3, 8, 8)", train.Output);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);

        var output = new StringWriter();
        var errors = new StringWriter();
        int code = EvalCommand.Run(new EvalOptions(net, data, run, Cache: cache), output, errors);
        Assert.True(code == 0, errors.ToString());
        Assert.True(output.ToString().Contains("(10 / 10)", StringComparison.Ordinal), output + train.Output);
        Assert.Matches(@"\n  dark\s+100\.00%\s+5\s+5\n", output.ToString());
        Assert.Matches(@"\n  light\s+100\.00%\s+5\s+5\n", output.ToString());

        output = new StringWriter();
        code = PredictCommand.Run(new PredictOptions(net, run, Path.Combine(data, "light", "03.png"), Top: 2, Cache: cache), output, errors);
        Assert.True(code == 0, errors.ToString());
        Assert.Matches(@"^device: cpu\r?\n03\.png: light \d+\.\d\d%, dark \d+\.\d\d%", output.ToString());
    }
}
