using NetGen;
using NetGen.Data;
using NetGen.Training;

namespace NetGen.Runtime.Tests.Training;

/// <summary>A small classifier of 8 x 8 images into 3 classes, with dropout (so a checkpoint carries a random stream) and Adam.</summary>
[Network(1, 8, 8, Batch = 8, Optimizer = OptimizerType.Adam)]
[Conv2D(4, 3, Activation = Activation.ReLU, Name = "conv1")]
[Flatten(Name = "flatten")]
[Dropout(0.2, Name = "drop")]
[Dense(3, Name = "fc")]
public partial class StripeNet;

/// <summary>
/// Images a small network learns in a few epochs: class c has a bright horizontal stripe in rows
/// 2c .. 2c + 1 (of 8), over uniform noise in [0, 0.5); labels cycle 0, 1, 2.
/// </summary>
internal static class Stripes
{
    public static MnistDataset Make(int count, ulong seed)
    {
        var random = new SeededRandom(seed);
        var images = new float[count * 64];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % 3;
            labels[i] = (byte)label;
            for (int p = 0; p < 64; p++)
            {
                int row = p / 8;
                images[i * 64 + p] = 0.5f * random.NextSingle() + (row / 2 == label ? 0.5f : 0f);
            }
        }
        return new MnistDataset(images, labels, 8, 8);
    }
}
