using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// Page-locked (pinned) host buffers for what crosses the bus each step: a batch in (inputs and
/// targets) and the loss/metrics out. Allocated once per model; copies are asynchronous on the
/// device's stream, so the host fills the next batch while the step runs, and reads
/// <see cref="Results"/> only after <see cref="GpuDevice.Synchronize"/>.
/// </summary>
public sealed class HostStaging : IDisposable
{
    private readonly GpuDevice _device;
    private readonly PageLockedArray1D<float> _batch;
    private readonly PageLockedArray1D<float> _results;

    /// <summary>Pinned buffers of <paramref name="batchFloats"/> floats in and <paramref name="resultFloats"/> out.</summary>
    /// <param name="device">The device the copies go to and come from.</param>
    /// <param name="batchFloats">Floats of one batch (inputs then targets), at least 1.</param>
    /// <param name="resultFloats">Floats of the loss and metrics of one step, at least 1.</param>
    public HostStaging(GpuDevice device, int batchFloats, int resultFloats)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (batchFloats < 1)
            throw new ArgumentOutOfRangeException(nameof(batchFloats), $"HostStaging: a batch of {batchFloats} floats; it needs at least one.");
        if (resultFloats < 1)
            throw new ArgumentOutOfRangeException(nameof(resultFloats), $"HostStaging: {resultFloats} result floats; the loss needs at least one.");
        _device = device;
        _batch = device.Accelerator.AllocatePageLocked1D<float>(batchFloats);
        _results = device.Accelerator.AllocatePageLocked1D<float>(resultFloats);
    }

    /// <summary>The pinned batch the host fills before <see cref="UploadBatch"/>.</summary>
    public Span<float> Batch => _batch.Span;

    /// <summary>The pinned loss/metrics, valid after <see cref="DownloadResults"/> and a synchronize.</summary>
    public ReadOnlySpan<float> Results => _results.Span;

    /// <summary>Copies the whole pinned batch to <paramref name="destination"/> on the device's stream (asynchronous).</summary>
    /// <param name="destination">(batch floats) device view, usually an arena slice.</param>
    public void UploadBatch(ArrayView<float> destination)
    {
        CheckLength(destination.Length, _batch.Length, "UploadBatch", "destination", "the staging batch");
        destination.AsDense().CopyFromPageLockedAsync(_device.Accelerator.DefaultStream, _batch);
    }

    /// <summary>Copies <paramref name="source"/> into the pinned results on the device's stream (asynchronous).</summary>
    /// <param name="source">(result floats) device view holding the loss and metrics.</param>
    public void DownloadResults(ArrayView<float> source)
    {
        CheckLength(source.Length, _results.Length, "DownloadResults", "source", "the staging results");
        source.AsDense().CopyToPageLockedAsync(_device.Accelerator.DefaultStream, _results);
    }

    private static void CheckLength(long actual, long expected, string method, string name, string what)
    {
        if (actual != expected)
            throw new ArgumentException($"HostStaging.{method}: {name} holds {actual} floats; {what} holds {expected}.", name);
    }

    /// <summary>Frees the pinned buffers.</summary>
    public void Dispose()
    {
        _batch.Dispose();
        _results.Dispose();
    }
}
