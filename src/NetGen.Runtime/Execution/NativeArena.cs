using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace NetGen.Execution;

/// <summary>
/// One block of zeroed fp32 memory outside the managed heap, 64-byte aligned
/// (<see cref="NativeMemory.AlignedAlloc(nuint, nuint)"/>): a generated network's whole plan (its
/// arena), or a worker's copy of it. A block can be larger than any .NET array (2^31 floats);
/// code reaches it through <see cref="View"/>, whose slices are ordinary spans. Freed by
/// <see cref="Dispose"/>, or by the finaliser when an owner forgot to; afterwards every access
/// throws an <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed unsafe class NativeArena : IDisposable
{
    /// <summary>The alignment of every block, in bytes: a cache line, and an AVX-512 vector.</summary>
    public const int Alignment = 64;

    // The block's address, 0 once freed (an nint so that the free can be one atomic exchange).
    private nint _address;
    private readonly string _owner;

    /// <summary>Allocates <paramref name="floats"/> zeroed floats.</summary>
    /// <param name="floats">Length of the block (0 allowed: a block of no floats).</param>
    /// <param name="owner">Who holds it ("Mnist"), for error messages.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="floats"/> is negative.</exception>
    /// <exception cref="OutOfMemoryException">The machine cannot give that much memory.</exception>
    public NativeArena(long floats, string owner)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(floats);
        ArgumentNullException.ThrowIfNull(owner);
        _owner = owner;
        Length = floats;
        // One byte at least: AlignedAlloc of 0 may return null, which would read as "disposed".
        nuint bytes = (nuint)Math.Max(1L, checked(floats * sizeof(float)));
        try
        {
            _address = (nint)NativeMemory.AlignedAlloc(bytes, Alignment);
        }
        catch (OutOfMemoryException)
        {
            throw new OutOfMemoryException($"{owner}: the machine cannot allocate {floats * sizeof(float):N0} bytes of native memory for its arena.");
        }
        NativeMemory.Clear((void*)_address, bytes);
        if (floats > 0) GC.AddMemoryPressure(floats * sizeof(float));
    }

    /// <summary>Floats in the block.</summary>
    public long Length { get; }

    /// <summary>Bytes in the block (<see cref="Length"/> x 4).</summary>
    public long Bytes => Length * sizeof(float);

    /// <summary>Whether <see cref="Dispose"/> (or the finaliser) freed the block.</summary>
    public bool IsDisposed => Volatile.Read(ref _address) == 0;

    /// <summary>The block as a bounds-checked view.</summary>
    /// <exception cref="ObjectDisposedException">The block was freed.</exception>
    public ArenaView View => new(ref *Start, Length);

    /// <summary>The first float; throws once freed.</summary>
    internal float* Start => _address != 0 ? (float*)_address : throw new ObjectDisposedException(_owner, $"{_owner}'s memory was freed by Dispose.");

    /// <summary>Copies the whole block to <paramref name="destination"/>, which must have the same length.</summary>
    public void CopyTo(NativeArena destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Length != Length)
        {
            throw new ArgumentException($"{_owner}: a block of {Length} floats cannot be copied to one of {destination.Length}.", nameof(destination));
        }
        Buffer.MemoryCopy(Start, destination.Start, Bytes, Bytes);
    }

    /// <summary>Frees the block (once; later calls do nothing).</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the block of an arena nobody disposed.</summary>
    ~NativeArena() => Free();

    private void Free()
    {
        nint address = Interlocked.Exchange(ref _address, 0);
        if (address == 0) return;
        NativeMemory.AlignedFree((void*)address);
        if (Length > 0) GC.RemoveMemoryPressure(Length * sizeof(float));
    }
}
