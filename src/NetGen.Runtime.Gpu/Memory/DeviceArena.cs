using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// One device allocation of <see cref="Length"/> floats, sized by the memory plan (llm.c's
/// sizes-then-one-malloc): activations, parameters, gradients and the kernels' scratch are
/// slices of it by (offset, length), so a training step allocates nothing on the device.
/// </summary>
public sealed class DeviceArena : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _buffer;

    /// <summary>Allocates <paramref name="length"/> floats on <paramref name="device"/> (contents undefined until written).</summary>
    /// <param name="device">The device that owns the memory.</param>
    /// <param name="length">Floats, from the plan; at least 1.</param>
    public DeviceArena(GpuDevice device, long length)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (length < 1)
            throw new ArgumentOutOfRangeException(nameof(length), $"DeviceArena: the plan asks for {length} floats; an arena holds at least one.");
        Device = device;
        Length = length;
        try
        {
            _buffer = device.Accelerator.Allocate1D<float>(length);
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            throw new OutOfMemoryException(
                $"DeviceArena: {length} floats ({length * sizeof(float) / (1024.0 * 1024.0):F1} MiB) could not be allocated on {device.Name}: {e.Message}", e);
        }
    }

    /// <summary>The device the arena lives on.</summary>
    public GpuDevice Device { get; }

    /// <summary>Floats in the arena.</summary>
    public long Length { get; }

    /// <summary>The whole arena.</summary>
    public ArrayView<float> View => _buffer.View;

    /// <summary>Floats [offset, offset + length) of the arena.</summary>
    /// <param name="offset">First float of the slice.</param>
    /// <param name="length">Floats in the slice (0 is an empty view).</param>
    /// <param name="name">What the slice holds, for the error message (a layer's output, a gradient).</param>
    /// <exception cref="ArgumentOutOfRangeException">The slice does not lie inside the arena.</exception>
    public ArrayView<float> Slice(long offset, long length, string name = "slice")
    {
        if (offset < 0 || length < 0 || offset > Length - length)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"DeviceArena: {name} at offset {offset} with {length} floats does not fit in the arena of {Length} floats (it would end at {offset + length}).");
        // ILGPU asserts on a sub-view that starts at the end, so an empty slice is the empty view.
        return length == 0 ? default : _buffer.View.SubView(offset, length);
    }

    /// <summary>Sets floats [offset, offset + length) to zero on the device's stream (asynchronous).</summary>
    public void Clear(long offset, long length, string name = "slice")
    {
        var slice = Slice(offset, length, name);
        if (length > 0) slice.MemSetToZero(Device.Accelerator.DefaultStream);
    }

    /// <summary>Frees the device memory.</summary>
    public void Dispose() => _buffer.Dispose();
}
