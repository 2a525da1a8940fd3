using NetGen.Data;
using SkiaSharp;
using Xunit;

namespace NetGen.Imaging.Tests;

public class LoaderTests
{
    private const int PerClass = 7, Classes = 3, Side = 4;

    // Classes a, b, c with 7 images each; image i (its dataset index) is the colour (10 i, 50 label, 0).
    private static ImageFolderDataset Make(TestImages images, Action<SkippedImage>? onSkipped = null)
    {
        for (int i = 0; i < PerClass * Classes; i++)
        {
            int label = i / PerClass;
            images.Write($"{(char)('a' + label)}/{i:D2}.png", Side, Side, (_, _) => new SKColor((byte)(10 * i), (byte)(50 * label), 0));
        }

        return ImageFolderDataset.Open(images.Root, new ImageFolderOptions(Side, Side), onSkipped);
    }

    private static List<int> ReadEpoch(ImageBatchLoader loader, int epoch, ImageFolderDataset data)
    {
        var seen = new List<int>();
        loader.BeginEpoch(epoch);
        int plane = Side * Side;
        int expectedNumber = 0;
        while (loader.TryNext(out ImageBatch batch))
        {
            Assert.Equal((epoch, expectedNumber++), (batch.Epoch, batch.Number));
            for (int b = 0; b < batch.Count; b++)
            {
                int index = batch.Indices[b];
                Assert.Equal(data.GetLabel(index), batch.Labels[b]);
                ReadOnlySpan<float> sample = batch.Images.Slice(b * data.SampleSize, data.SampleSize);
                Assert.Equal(10 * index / 255f, sample[5], 5);               // red encodes the index
                Assert.Equal(50 * batch.Labels[b] / 255f, sample[plane + 5], 5); // green the label
                seen.Add(index);
            }
        }

        return seen;
    }

    private static int[] ExpectedOrder(int[] indices, int batchSize, ulong seed, int epoch)
    {
        var iterator = new BatchIterator(indices.Length, batchSize, seed);
        iterator.BeginEpoch(epoch);
        return iterator.Order.ToArray().Select(p => indices[p]).ToArray();
    }

    [Fact]
    public void EveryEpochDeliversEachSampleOnceInTheSeedsOrder()
    {
        using var images = new TestImages();
        var data = Make(images);
        int[] indices = Enumerable.Range(0, data.Count).Reverse().ToArray();
        using var loader = new ImageBatchLoader(data, indices, batchSize: 4, seed: 11, prefetchBatches: 2);

        List<int> epoch0 = ReadEpoch(loader, 0, data);
        List<int> epoch1 = ReadEpoch(loader, 1, data);

        Assert.Equal(6, loader.BatchCount);
        Assert.Equal(ExpectedOrder(indices, 4, 11, 0), epoch0);
        Assert.Equal(ExpectedOrder(indices, 4, 11, 1), epoch1);
        Assert.NotEqual(epoch0, epoch1);
        Assert.Equal(3L * 4 * data.SampleSize * sizeof(float), loader.BufferBytes);
    }

    [Fact]
    public void AnAbandonedEpochIsDroppedAndTheNextIsComplete()
    {
        using var images = new TestImages();
        var data = Make(images);
        int[] train = data.Split(15, 0, 6, seed: 3).Train;
        using var loader = new ImageBatchLoader(data, train, batchSize: 2, seed: 5, prefetchBatches: 3);

        loader.BeginEpoch(0);
        Assert.True(loader.TryNext(out _));
        List<int> epoch4 = ReadEpoch(loader, 4, data);

        Assert.Equal(ExpectedOrder(train, 2, 5, 4), epoch4);
        Assert.Throws<InvalidOperationException>(() => loader.TryNext(out _));
    }

    [Fact]
    public void UnshuffledLoaderKeepsTheGivenOrderAndCanDropTheLastBatch()
    {
        using var images = new TestImages();
        var data = Make(images);
        int[] indices = [20, 3, 9, 4, 0];
        using var loader = new ImageBatchLoader(data, indices, batchSize: 2, seed: 0, shuffle: false, dropLast: true);

        Assert.Equal([20, 3, 9, 4], ReadEpoch(loader, 0, data));
        Assert.Equal(2, loader.BatchCount);
    }

    [Fact]
    public void CorruptImagesAreLeftOutOfTheirBatch()
    {
        using var images = new TestImages();
        Make(images);
        string bad = images.WriteBytes("b/99-bad.png", [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var data = ImageFolderDataset.Open(images.Root, new ImageFolderOptions(Side, Side));
        int badIndex = Enumerable.Range(0, data.Count).Single(i => data.GetPath(i) == bad);
        int[] all = Enumerable.Range(0, data.Count).ToArray();
        using var loader = new ImageBatchLoader(data, all, batchSize: 5, seed: 8);

        // Indices after the bad file are one higher than the colour they hold: read by path instead.
        loader.BeginEpoch(0);
        var seen = new List<int>();
        while (loader.TryNext(out ImageBatch batch))
        {
            seen.AddRange(batch.Indices.ToArray());
        }

        Assert.Equal(ExpectedOrder(all, 5, 8, 0).Where(i => i != badIndex), seen);
        Assert.Equal(bad, Assert.Single(data.Skipped).Path);
    }

    [Fact]
    public void ALoaderThreadExceptionSurfacesWithThePath()
    {
        using var images = new TestImages();
        Make(images);
        string bad = images.WriteBytes("a/zz-bad.png", [1, 2, 3]);
        var data = ImageFolderDataset.Open(images.Root, new ImageFolderOptions(Side, Side), _ => throw new InvalidOperationException("callback failed"));
        using var loader = new ImageBatchLoader(data, Enumerable.Range(0, data.Count).ToArray(), batchSize: 4, seed: 1);

        loader.BeginEpoch(0);
        var e = Assert.Throws<ImageLoadException>(() =>
        {
            while (loader.TryNext(out _))
            {
            }
        });

        Assert.Equal(bad, e.Path);
        Assert.Contains(bad, e.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.Throws<ImageLoadException>(() => loader.BeginEpoch(1));
    }

    [Fact]
    public void AugmentedBatchesAreReproducibleAndMatchTheAugmenter()
    {
        using var images = new TestImages();
        images.Write("a/left.png", Side, Side, (x, _) => x == 0 ? SKColors.White : SKColors.Black);
        var data = ImageFolderDataset.Open(images.Root, new ImageFolderOptions(Side, Side));
        var augmentation = new ImageAugmentation { HorizontalFlip = true };
        var augmenter = new ImageAugmenter(augmentation, 3, Side, Side);
        int[] one = [0];
        using var loader = new ImageBatchLoader(data, one, batchSize: 1, seed: 21, augmentation);
        int flips = 0;

        for (int epoch = 0; epoch < 8; epoch++)
        {
            loader.BeginEpoch(epoch);
            Assert.True(loader.TryNext(out ImageBatch batch));
            bool flipped = augmenter.Draw(~21UL, epoch, 0).Flip;
            flips += flipped ? 1 : 0;
            Assert.Equal(flipped ? 0f : 1f, batch.Images[0]);
            Assert.Equal(flipped ? 1f : 0f, batch.Images[Side - 1]);
            Assert.False(loader.TryNext(out _));
        }

        Assert.InRange(flips, 1, 7);   // both outcomes were checked
    }

    [Fact]
    public void CancellationStopsTheConsumerAndDisposeStopsTheThread()
    {
        using var images = new TestImages();
        var data = Make(images);
        using var cancel = new CancellationTokenSource();
        var loader = new ImageBatchLoader(data, [0, 1, 2, 3, 4, 5], batchSize: 1, seed: 2, prefetchBatches: 1, cancellationToken: cancel.Token);
        loader.BeginEpoch(0);
        Assert.True(loader.TryNext(out _));

        cancel.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => loader.TryNext(out _));
        loader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => loader.BeginEpoch(1));
    }
}
