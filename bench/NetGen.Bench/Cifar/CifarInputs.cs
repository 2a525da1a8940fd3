namespace NetGen.Bench.Cifar;

/// <summary>
/// One fixed, seeded, CIFAR-shaped batch (no CIFAR-like data set is on this machine): pixels
/// drawn from a standard normal, the scale of CIFAR-10 after the usual per-channel
/// normalisation, and labels uniform over the 10 classes. <see cref="System.Random"/> with a
/// seed is deterministic across runs and runtimes, so every process times the same batch.
/// </summary>
public static class CifarInputs
{
    /// <summary>Seed of the NetGen instance whose initial weights both frameworks start from.</summary>
    public const ulong WeightSeed = 1;

    private const int DataSeed = 20261207;

    /// <summary>Floats of one image: 3 x 32 x 32, channels first.</summary>
    public const int ImageSize = 3 * 32 * 32;

    /// <summary><paramref name="batch"/> images, (N, 3, 32, 32) flattened.</summary>
    public static float[] Images(int batch)
    {
        var random = new Random(DataSeed);
        var images = new float[batch * ImageSize];
        for (int i = 0; i < images.Length; i += 2)
        {
            // Box-Muller: two independent normals from two uniforms in (0, 1].
            double radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            double angle = 2 * Math.PI * random.NextDouble();
            images[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < images.Length) images[i + 1] = (float)(radius * Math.Sin(angle));
        }
        return images;
    }

    /// <summary><paramref name="batch"/> labels in [0, 10), from their own stream.</summary>
    public static int[] Labels(int batch)
    {
        var random = new Random(DataSeed + 1);
        var labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = random.Next(10);
        return labels;
    }
}
