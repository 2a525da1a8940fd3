using NetGen.Data;

namespace NetGen.Samples.Tests;

/// <summary>The 10,000 MNIST digits shipped in samples/Mnist/data, copied beside the tests; loaded once.</summary>
internal static class ShippedDigits
{
    private static readonly Lazy<MnistDataset> LazyAll = new(() =>
        MnistDataset.Load(Path.Combine(AppContext.BaseDirectory, "data"), MnistDataset.Sample10kPrefix));

    public static MnistDataset All => LazyAll.Value;
}
