using System;
using System.Globalization;
using System.IO;

namespace Samples.InferenceApp;

/// <summary>
/// Command line: <c>--weights FILE</c>, <c>--images FILE</c>, <c>--labels FILE</c>, <c>--count N</c>,
/// <c>--repeat N</c>. With no <c>--images</c>, the 10,000 digits of samples/Mnist/data copied beside
/// the app, with their labels.
/// </summary>
internal sealed record Options(string WeightsPath, string ImagesPath, string? LabelsPath, int Count, int Repeat)
{
    public const string Usage =
        "usage: InferenceApp [--weights FILE] [--images FILE [--labels FILE]] [--count N] [--repeat N]\n" +
        "  --weights FILE  safetensors weights of the MNIST CNN (default mnist-cnn.safetensors beside the app)\n" +
        "  --images FILE   IDX images, 28 x 28, raw or .gz (default data/mnist-10k-images-idx3-ubyte.gz beside the app)\n" +
        "  --labels FILE   IDX labels of those images, for the accuracy (default: the shipped labels when --images is not given)\n" +
        "  --count N       predict only the first N images\n" +
        "  --repeat N      predict the images N times, for the latency figures (default 1); one line each the first time";

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with the reason.</summary>
    public static Options Parse(string[] args)
    {
        string weights = Path.Combine(AppContext.BaseDirectory, "mnist-cnn.safetensors");
        string? images = null, labels = null;
        int count = int.MaxValue, repeat = 1;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--weights": weights = Value(); break;
                case "--images": images = Value(); break;
                case "--labels": labels = Value(); break;
                case "--count": count = Positive("--count", Value()); break;
                case "--repeat": repeat = Positive("--repeat", Value()); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        if (images is null)
        {
            if (labels is not null) throw new ArgumentException("--labels needs --images");
            string data = Path.Combine(AppContext.BaseDirectory, "data");
            images = Path.Combine(data, "mnist-10k-images-idx3-ubyte.gz");
            labels = Path.Combine(data, "mnist-10k-labels-idx1-ubyte.gz");
        }
        return new Options(weights, images, labels, count, repeat);
    }

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= 1
            ? value
            : throw new ArgumentException($"{name} needs a whole number of at least 1");
}
