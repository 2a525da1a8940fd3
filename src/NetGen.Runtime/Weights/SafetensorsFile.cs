using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NetGen.Weights;

/// <summary>
/// A validated safetensors file (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length N, N bytes of JSON header, then the data region. Opening reads
/// and validates only the header; tensor data is read on demand. Dispose to close the file.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly SafeFileHandle? _handle;
    private readonly byte[]? _bytes;
    private readonly long _dataStart;
    private readonly Dictionary<string, TensorInfo> _byName;
    private readonly TensorInfo[] _sorted;

    private SafetensorsFile(string source, SafeFileHandle? handle, byte[]? bytes, long dataStart,
        List<TensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Source = source;
        _handle = handle;
        _bytes = bytes;
        _dataStart = dataStart;
        Metadata = metadata;
        _byName = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
        foreach (TensorInfo t in tensors)
        {
            _byName.Add(t.Name, t);
        }

        _sorted = tensors.ToArray();
        Array.Sort(_sorted, (a, b) => string.CompareOrdinal(a.Name, b.Name));
    }

    /// <summary>The path, or the name given to <see cref="Parse"/>.</summary>
    public string Source { get; }

    /// <summary>The header's "__metadata__" entries (empty when there are none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Every tensor, ordered by name (ordinal).</summary>
    public IReadOnlyList<TensorInfo> Tensors => _sorted;

    /// <summary>Opens <paramref name="path"/> and validates its header.</summary>
    /// <exception cref="WeightFileException">The file is truncated or its header is invalid.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long length = RandomAccess.GetLength(handle);
            Span<byte> prefix = stackalloc byte[8];
            int got = ReadAt(handle, prefix, 0);
            long headerLength = CheckPrefix(prefix[..got], length, path);
            var header = new byte[headerLength];
            if (ReadAt(handle, header, 8) != headerLength)
            {
                throw new WeightFileException(path, null, "the file shrank while its header was read");
            }

            var (tensors, metadata) = SafetensorsHeader.Parse(header, length - 8 - headerLength, path);
            return new SafetensorsFile(path, handle, null, 8 + headerLength, tensors, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Validates an in-memory safetensors file; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="WeightFileException">The bytes are truncated or the header is invalid.</exception>
    public static SafetensorsFile Parse(byte[] bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(sourceName);
        long headerLength = CheckPrefix(bytes.AsSpan(0, Math.Min(8, bytes.Length)), bytes.Length, sourceName);
        var (tensors, metadata) = SafetensorsHeader.Parse(
            bytes.AsSpan(8, (int)headerLength), bytes.Length - 8 - headerLength, sourceName);
        return new SafetensorsFile(sourceName, null, bytes, 8 + headerLength, tensors, metadata);
    }

    /// <summary>The entry for <paramref name="name"/>, if the file has one.</summary>
    public bool TryGetTensor(string name, out TensorInfo tensor) => _byName.TryGetValue(name, out tensor!);

    /// <summary>The entry for <paramref name="name"/>.</summary>
    /// <exception cref="WeightFileException">The file has no such tensor.</exception>
    public TensorInfo GetTensor(string name) =>
        _byName.TryGetValue(name, out TensorInfo? t) ? t : throw new WeightFileException(Source, name, "no such tensor in the file");

    /// <summary>Reads F32 tensor <paramref name="name"/> into a new array.</summary>
    /// <exception cref="WeightFileException">No such tensor, it is not F32, or the file was truncated since opening.</exception>
    public float[] ReadFloats(string name)
    {
        TensorInfo t = GetTensor(name);
        if (t.ElementCount > Array.MaxLength)
        {
            throw new WeightFileException(Source, name, $"{t.ElementCount} elements do not fit one array");
        }

        var values = new float[t.ElementCount];
        ReadFloats(name, values);
        return values;
    }

    /// <summary>Reads F32 tensor <paramref name="name"/> into <paramref name="destination"/> (exactly its element count).</summary>
    /// <exception cref="WeightFileException">No such tensor, it is not F32, or the file was truncated since opening.</exception>
    public void ReadFloats(string name, Span<float> destination)
    {
        TensorInfo t = GetTensor(name);
        if (t.DType != SafetensorsDType.F32)
        {
            throw new WeightFileException(Source, name, $"has dtype {t.DType}; only F32 can be read as float32");
        }

        if (destination.Length != t.ElementCount)
        {
            throw new ArgumentException(
                $"Tensor '{name}' of shape {t.ShapeText} has {t.ElementCount} elements; the destination holds {destination.Length}.", nameof(destination));
        }

        Span<byte> raw = MemoryMarshal.AsBytes(destination);
        if (_bytes != null)
        {
            _bytes.AsSpan((int)(_dataStart + t.Begin), raw.Length).CopyTo(raw);
        }
        else
        {
            ObjectDisposedException.ThrowIf(_handle!.IsClosed, this);
            if (ReadAt(_handle, raw, _dataStart + t.Begin) != raw.Length)
            {
                throw new WeightFileException(Source, name, "the file was truncated after it was opened");
            }
        }

        if (!BitConverter.IsLittleEndian)
        {
            Span<int> words = MemoryMarshal.Cast<float, int>(destination);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }

    /// <summary>Closes the file (nothing to do for an in-memory buffer).</summary>
    public void Dispose() => _handle?.Dispose();

    // Returns the header length after checking it fits both the file and the format's cap.
    private static long CheckPrefix(ReadOnlySpan<byte> prefix, long fileLength, string source)
    {
        if (prefix.Length < 8)
        {
            throw new WeightFileException(source, null,
                $"truncated: a safetensors file starts with an 8-byte header length, the file has {fileLength} bytes");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(fileLength - 8) || headerLength > SafetensorsHeader.MaxHeaderBytes)
        {
            throw new WeightFileException(source, null,
                $"the header length {headerLength} exceeds the {fileLength - 8} bytes after the length field" +
                (headerLength > SafetensorsHeader.MaxHeaderBytes ? $" or the format's limit of {SafetensorsHeader.MaxHeaderBytes}" : ""));
        }

        return (long)headerLength;
    }

    private static int ReadAt(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int got = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (got == 0)
            {
                break;
            }

            total += got;
        }

        return total;
    }
}
