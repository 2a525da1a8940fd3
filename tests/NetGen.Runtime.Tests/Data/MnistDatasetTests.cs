using NetGen.Data;
using Xunit;
using static NetGen.Runtime.Tests.Data.IdxFixtures;

namespace NetGen.Runtime.Tests.Data;

public class MnistDatasetTests
{
    private static readonly Lazy<MnistDataset> Shipped = new(() =>
        MnistDataset.Load(Path.Combine(RepositoryRoot(), "samples", "Mnist", "data"), MnistDataset.Sample10kPrefix));

    [Fact]
    public void ShippedSample_HasTheDocumentedContents()
    {
        MnistDataset data = Shipped.Value;
        Assert.Equal(10_000, data.Count);
        Assert.Equal(28, data.Rows);
        Assert.Equal(28, data.Columns);
        int[] perClass = new int[10];
        foreach (byte label in data.Labels)
        {
            perClass[label]++;
        }

        // Counts stated in samples/Mnist/data/README.md.
        Assert.Equal([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978], perClass);
        double sum = 0;
        float min = 1, max = 0;
        foreach (float v in data.Images)
        {
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        Assert.Equal(0f, min);
        Assert.Equal(1f, max);
        // MNIST's mean intensity is ~0.1307; the conversion script measured 0.1311 here.
        Assert.InRange(sum / data.Images.Length, 0.130, 0.132);
    }

    [Fact]
    public void LoadFolder_FindsGzipAndRawNames_AndNormalises()
    {
        string folder = TempFolder();
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte.gz"), Gzip(Images(3, 2, 2, i => (byte)(i * 20))));
            File.WriteAllBytes(Path.Combine(folder, "train-labels.idx1-ubyte"), Labels(4, 0, 9));
            MnistDataset data = MnistDataset.Load(folder);
            Assert.Equal(3, data.Count);
            Assert.Equal(new byte[] { 4, 0, 9 }, data.Labels.ToArray());
            Assert.Equal(220f / 255f, data.GetImage(2)[3]);
            Assert.Equal(20f / 255f, data.GetImage(0)[1]);

            var missing = Assert.Throws<FileNotFoundException>(() => MnistDataset.Load(folder, MnistDataset.TestPrefix));
            Assert.Contains("t10k-images-idx3-ubyte.gz", missing.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void MismatchedCounts_NameBothFiles()
    {
        string folder = TempFolder();
        try
        {
            string images = Path.Combine(folder, "t10k-images-idx3-ubyte");
            string labels = Path.Combine(folder, "t10k-labels-idx1-ubyte");
            File.WriteAllBytes(images, Images(3, 2, 2, i => 0));
            File.WriteAllBytes(labels, Labels(1, 2));
            var ex = Assert.Throws<DataFormatException>(() => MnistDataset.Load(folder, MnistDataset.TestPrefix));
            Assert.Equal($"{labels}: holds 2 labels, but the image file {images} holds 3 images", ex.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Split_IsDeterministicDisjointAndStratified()
    {
        MnistDataset data = Shipped.Value;
        DatasetSplit a = DatasetSplit.Stratified(data.Labels, 10, 8000, 2000, seed: 1);
        DatasetSplit b = DatasetSplit.Stratified(data.Labels, 10, 8000, 2000, seed: 1);
        DatasetSplit other = DatasetSplit.Stratified(data.Labels, 10, 8000, 2000, seed: 2);
        Assert.Equal(a.Train, b.Train);
        Assert.Equal(a.Test, b.Test);
        Assert.NotEqual(a.Test, other.Test);
        Assert.Equal(8000, a.Train.Length);
        Assert.Equal(2000, a.Test.Length);
        Assert.Equal(10_000, a.Train.Concat(a.Test).Distinct().Count());

        int[] total = CountClasses(data, Enumerable.Range(0, data.Count));
        int[] test = CountClasses(data, a.Test);
        for (int c = 0; c < 10; c++)
        {
            Assert.InRange(test[c], total[c] * 0.2 - 1, total[c] * 0.2 + 1);
        }

        // The test set does not depend on how many training samples are taken.
        Assert.Equal(a.Test, DatasetSplit.Stratified(data.Labels, 10, 100, 2000, seed: 1).Test);
        // From an independent Python implementation of the algorithm documented on
        // DatasetSplit (exact rational keys); a change of the algorithm changes every split.
        Assert.Equal([1583, 7492, 3815, 6148, 341], a.Test[..5]);
        Assert.Equal([1038, 3913, 326], a.Train[..3]);
    }

    [Fact]
    public void Split_CopiesTheSelectedSamples()
    {
        MnistDataset data = Shipped.Value;
        (MnistDataset train, MnistDataset test) = data.Split(50, 20, seed: 3);
        DatasetSplit indices = DatasetSplit.Stratified(data.Labels, 10, 50, 20, seed: 3);
        Assert.Equal(50, train.Count);
        Assert.Equal(20, test.Count);
        Assert.True(test.GetImage(7).SequenceEqual(data.GetImage(indices.Test[7])));
        Assert.Equal(data.Labels[indices.Train[49]], train.Labels[49]);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(9000, 1001, 0));
    }

    [Fact]
    public void BatchIterator_CoversEachSampleOnce_PerEpoch_WithoutAllocating()
    {
        MnistDataset data = Shipped.Value;
        var iterator = new BatchIterator(data.Count, batchSize: 64, seed: 5);
        var images = new float[64 * 784];
        var labels = new int[64];
        var seen = new int[data.Count];
        iterator.BeginEpoch(0);
        int first = iterator.Next(data, images, labels);
        Assert.Equal(64, first);
        int firstIndex = iterator.Order[0];
        Assert.Equal(data.Labels[firstIndex], labels[0]);
        Assert.True(images.AsSpan(0, 784).SequenceEqual(data.GetImage(firstIndex)));

        // One whole epoch first, so the JIT's tiering and on-stack replacement of this loop
        // (which allocate on this thread) are done before the measured epoch.
        // BeginEpoch itself may allocate (a generator per epoch); the batches must not.
        var warmUp = new int[data.Count];
        iterator.BeginEpoch(1);
        RunEpoch(warmUp, out _, out _);

        iterator.BeginEpoch(2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunEpoch(seen, out int batches, out int last);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void RunEpoch(int[] counts, out int batchCount, out int lastLength)
        {
            batchCount = 0;
            lastLength = 0;
            while (iterator.TryNext(out ReadOnlySpan<int> batch))
            {
                data.CopyBatch(batch, images, labels);
                foreach (int i in batch)
                {
                    counts[i]++;
                }

                batchCount++;
                lastLength = batch.Length;
            }
        }

        Assert.Equal(157, batches);
        Assert.Equal(157, iterator.BatchCount);
        Assert.Equal(10_000 - 156 * 64, last);
        Assert.All(seen, count => Assert.Equal(1, count));
    }

    [Fact]
    public void BatchIterator_EpochOrderDependsOnlyOnSeedAndEpoch()
    {
        var a = new BatchIterator(100, 10, seed: 9, dropLast: true);
        var b = new BatchIterator(100, 10, seed: 9, dropLast: true);
        a.BeginEpoch(0);
        a.BeginEpoch(1);
        a.BeginEpoch(2);
        b.BeginEpoch(2);
        Assert.True(a.Order.SequenceEqual(b.Order));
        b.BeginEpoch(3);
        Assert.False(a.Order.SequenceEqual(b.Order));

        var partial = new BatchIterator(25, 10, seed: 9, dropLast: true);
        partial.BeginEpoch(0);
        int count = 0;
        while (partial.TryNext(out ReadOnlySpan<int> batch))
        {
            Assert.Equal(10, batch.Length);
            count++;
        }

        Assert.Equal(2, count);
        Assert.Equal(2, partial.BatchCount);
    }

    private static int[] CountClasses(MnistDataset data, IEnumerable<int> indices)
    {
        var counts = new int[10];
        foreach (int i in indices)
        {
            counts[data.Labels[i]]++;
        }

        return counts;
    }
}
