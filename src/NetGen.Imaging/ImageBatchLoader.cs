using System;
using System.Threading;
using NetGen.Data;

namespace NetGen.Imaging;

/// <summary>
/// Loads batches of an <see cref="ImageFolderDataset"/> on a dedicated background thread: it
/// decodes and augments up to <c>prefetchBatches</c> batches ahead into a ring of preallocated
/// batches while the caller trains on the current one, so when decoding a batch is faster than a
/// training step the caller never waits. Memory is bounded by the ring:
/// (prefetchBatches + 1) x batch size x C x H x W floats.
/// </summary>
/// <remarks>
/// Order: each epoch visits <c>indices</c> in the order of a <see cref="BatchIterator"/> with the
/// same seed (or in the given order without shuffling), so every usable sample comes exactly once
/// per epoch and epoch e's order depends only on (seed, e). Augmentation draws depend on
/// (~seed, epoch, dataset index), see <see cref="ImageAugmenter.Draw"/>. Skipped images are
/// left out, so a batch may be short. An unexpected exception on the loader thread ends the
/// loader; the consumer's next call throws <see cref="ImageLoadException"/> naming the image.
/// One consumer thread; not thread-safe.
/// </remarks>
public sealed class ImageBatchLoader : IDisposable
{
    private readonly ImageFolderDataset _dataset;
    private readonly int[] _indices;
    private readonly BatchIterator _iterator;
    private readonly bool _shuffle;
    private readonly int[] _order;          // this epoch's order of positions in _indices
    private readonly ulong _augmentSeed;
    private readonly ImageDecoder _decoder;
    private readonly ImageAugmenter? _augmenter;
    private readonly ImageBatch[] _ring;
    private readonly SemaphoreSlim _free;
    private readonly SemaphoreSlim _ready = new(0);
    private readonly SemaphoreSlim _start = new(0);
    private readonly CancellationTokenSource _stop;
    private readonly Thread _thread;
    private int _requestedEpoch;
    private volatile bool _abort;
    private int _consumed;                 // next ring slot the consumer reads
    private bool _holding;                 // the consumer holds the slot before _consumed
    private bool _running;                 // an epoch was started and its end not yet read
    private ImageLoadException? _failure;
    private bool _disposed;

    /// <summary>
    /// Starts the loader thread for the samples <paramref name="indices"/> of
    /// <paramref name="dataset"/> (e.g. <see cref="ImageSplit.Train"/>). Call
    /// <see cref="BeginEpoch"/> before the first batch.
    /// </summary>
    public ImageBatchLoader(
        ImageFolderDataset dataset,
        int[] indices,
        int batchSize,
        ulong seed,
        ImageAugmentation? augmentation = null,
        bool shuffle = true,
        bool dropLast = false,
        int prefetchBatches = 2,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(prefetchBatches);
        foreach (int index in indices)
        {
            if ((uint)index >= (uint)dataset.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"Index {index} is outside the dataset's {dataset.Count} images.");
            }
        }

        ImageFolderOptions o = dataset.Options;
        _dataset = dataset;
        _indices = (int[])indices.Clone();
        _iterator = new BatchIterator(indices.Length, batchSize, seed, dropLast);
        _shuffle = shuffle;
        _order = new int[indices.Length];
        _augmentSeed = ~seed;
        _decoder = new ImageDecoder(o);
        _augmenter = augmentation is { IsEnabled: true } ? new ImageAugmenter(augmentation, o.Channels, o.Height, o.Width) : null;
        _ring = new ImageBatch[prefetchBatches + 1];
        for (int i = 0; i < _ring.Length; i++)
        {
            _ring[i] = new ImageBatch(batchSize, o.SampleSize);
        }

        _free = new SemaphoreSlim(_ring.Length);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _thread = new Thread(Run) { IsBackground = true, Name = "NetGen image loader" };
        _thread.Start();
    }

    /// <summary>Samples per full batch.</summary>
    public int BatchSize => _iterator.BatchSize;

    /// <summary>Batches per epoch when no image is skipped.</summary>
    public int BatchCount => _iterator.BatchCount;

    /// <summary>Bytes held by the ring of batches (images only).</summary>
    public long BufferBytes => (long)_ring.Length * BatchSize * _dataset.SampleSize * sizeof(float);

    /// <summary>
    /// Starts <paramref name="epoch"/> on the loader thread. An epoch not read to its end is
    /// abandoned first (what was prefetched for it is dropped).
    /// </summary>
    public void BeginEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ThrowIfUnusable();
        if (_running)
        {
            _abort = true;
            while (TryNext(out _))
            {
            }

            _abort = false;
        }

        _requestedEpoch = epoch;
        _running = true;
        _start.Release();
    }

    /// <summary>
    /// Waits for the next batch of the current epoch; false once the epoch is done. The batch is
    /// valid until the next call.
    /// </summary>
    /// <exception cref="ImageLoadException">The loader thread failed; names the image.</exception>
    /// <exception cref="OperationCanceledException">The loader's cancellation token was cancelled.</exception>
    public bool TryNext(out ImageBatch batch)
    {
        ThrowIfUnusable();
        ReleaseHeld();
        if (!_running)
        {
            throw new InvalidOperationException("No epoch is running: call BeginEpoch before TryNext.");
        }

        _ready.Wait(_stop.Token);
        batch = _ring[_consumed];
        _consumed = (_consumed + 1) % _ring.Length;
        if (batch.Error is not null)
        {
            _failure = batch.Error;
            _running = false;
            throw new ImageLoadException(_failure.Path, _failure.InnerException!);
        }

        _holding = true;
        if (batch.IsEndOfEpoch)
        {
            ReleaseHeld();
            _running = false;
            return false;
        }

        return true;
    }

    private void ReleaseHeld()
    {
        if (_holding)
        {
            _holding = false;
            _free.Release();
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            throw new ImageLoadException(_failure.Path, _failure.InnerException!);
        }
    }

    // The loader thread: per epoch, fill ring slots in order and publish each, then an end marker.
    private void Run()
    {
        CancellationToken token = _stop.Token;
        int produced = 0;
        try
        {
            while (true)
            {
                _start.Wait(token);
                int epoch = _requestedEpoch;
                BeginOrder(epoch);
                for (int number = 0, start = 0; !_abort && start < _order.Length; start += BatchSize)
                {
                    int count = Math.Min(BatchSize, _order.Length - start);
                    if (_iterator.DropLast && count < BatchSize)
                    {
                        break;
                    }

                    ReadOnlySpan<int> positions = _order.AsSpan(start, count);
                    _free.Wait(token);
                    ImageBatch slot = _ring[produced];
                    slot.Begin(epoch, number);
                    if (!Fill(slot, positions, epoch))
                    {
                        Publish(ref produced);
                        return;
                    }

                    if (slot.Count == 0)
                    {
                        _free.Release();   // every image was skipped: reuse the slot
                        continue;
                    }

                    number++;
                    Publish(ref produced);
                }

                _free.Wait(token);
                _ring[produced].MarkEnd(epoch);
                Publish(ref produced);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposed or cancelled: the consumer sees the cancellation on its own wait.
        }
    }

    // The epoch's order: the BatchIterator's permutation for (seed, epoch), or the identity.
    private void BeginOrder(int epoch)
    {
        if (_shuffle)
        {
            _iterator.BeginEpoch(epoch);
            _iterator.Order.CopyTo(_order);
        }
        else
        {
            for (int i = 0; i < _order.Length; i++)
            {
                _order[i] = i;
            }
        }
    }

    private void Publish(ref int produced)
    {
        produced = (produced + 1) % _ring.Length;
        _ready.Release();
    }

    // Decodes and augments the samples at ring positions into the slot; false when it failed.
    private bool Fill(ImageBatch slot, ReadOnlySpan<int> positions, int epoch)
    {
        foreach (int position in positions)
        {
            int index = _indices[position];
            try
            {
                Span<float> sample = slot.NextSample();
                if (_dataset.TryLoad(index, sample, _decoder))
                {
                    _augmenter?.Apply(sample, _augmentSeed, epoch, index);
                    slot.Commit(index, _dataset.GetLabel(index));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                slot.MarkFailed(new ImageLoadException(_dataset.GetPath(index), e));
                return false;
            }
        }

        return true;
    }

    /// <summary>Stops the loader thread, waits for it to finish and frees its decoder.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        _thread.Join();
        _decoder.Dispose();
        _stop.Dispose();
        _free.Dispose();
        _ready.Dispose();
        _start.Dispose();
    }
}
