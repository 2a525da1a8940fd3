using NetGen.Bench.Infrastructure;
using NetGen.Data;

namespace NetGen.Bench.Mnist;

/// <summary>Real digits from the sample's shipped MNIST files, the same for every benchmark and peer.</summary>
public static class MnistInputs
{
    /// <summary>Seed of the weights every comparison gives NetGen and its peers.</summary>
    public const ulong WeightSeed = 1;

    /// <summary>Floats of one image (1 x 28 x 28).</summary>
    public const int ImageFloats = 784;

    /// <summary>Classes of the output.</summary>
    public const int Classes = 10;

    private static readonly Lazy<MnistDataset> s_digits = new(() =>
    {
        string images = RepoPaths.File("samples/Mnist/data/mnist-10k-images-idx3-ubyte.gz");
        return MnistDataset.Load(Path.GetDirectoryName(images)!, MnistDataset.Sample10kPrefix);
    });

    /// <summary>The first <paramref name="count"/> images, (count, 1, 28, 28) scaled to [0, 1].</summary>
    public static float[] Images(int count) => s_digits.Value.Images[..(count * ImageFloats)].ToArray();

    /// <summary>Their labels.</summary>
    public static int[] Labels(int count) => Array.ConvertAll(s_digits.Value.Labels[..count].ToArray(), b => (int)b);
}
