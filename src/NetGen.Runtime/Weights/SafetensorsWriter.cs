using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using NetGen.IO;

namespace NetGen.Weights;

/// <summary>
/// Writes float32 tensors in the safetensors format: tensors sorted by name (ordinal), data
/// little-endian and contiguous in that order, "__metadata__" first in the header, and the
/// header padded with spaces so the data region starts at a multiple of 8 bytes.
/// </summary>
internal static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(path);
        NamedTensor[] ordered = Validate(tensors, metadata);
        byte[] header = BuildHeader(ordered, metadata);

        // A crash leaves either the old file or the new one, never half (DurableFile).
        DurableFile.Replace(path, stream => WriteTo(stream, header, ordered), 1 << 16);
    }

    public static byte[] Serialize(IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        NamedTensor[] ordered = Validate(tensors, metadata);
        byte[] header = BuildHeader(ordered, metadata);
        using var memory = new MemoryStream();
        WriteTo(memory, header, ordered);
        return memory.ToArray();
    }

    private static NamedTensor[] Validate(IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        NamedTensor[] ordered = tensors.ToArray();
        Array.Sort(ordered, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (int i = 0; i < ordered.Length; i++)
        {
            NamedTensor t = ordered[i];
            if (string.IsNullOrEmpty(t.Name) || t.Name == SafetensorsHeader.MetadataKey)
            {
                throw new ArgumentException($"Tensor {i} has the name \"{t.Name}\"; names must be non-empty and not \"{SafetensorsHeader.MetadataKey}\".", nameof(tensors));
            }

            if (i > 0 && ordered[i - 1].Name == t.Name)
            {
                throw new ArgumentException($"Tensor '{t.Name}' is given twice.", nameof(tensors));
            }

            ArgumentNullException.ThrowIfNull(t.Shape);
            long elements = 1;
            foreach (int d in t.Shape)
            {
                if (d < 0)
                {
                    throw new ArgumentException($"Tensor '{t.Name}' has shape {TensorInfo.FormatShape(t.Shape)} with a negative dimension.", nameof(tensors));
                }

                elements = Math.Min(elements * d, (long)int.MaxValue + 1);
            }

            if (elements != t.Data.Length)
            {
                throw new ArgumentException(
                    $"Tensor '{t.Name}' has shape {TensorInfo.FormatShape(t.Shape)} ({elements} elements) but {t.Data.Length} values.", nameof(tensors));
            }
        }

        if (metadata != null && metadata.Any(kv => kv.Key is null || kv.Value is null))
        {
            throw new ArgumentException("Metadata keys and values must not be null.", nameof(metadata));
        }

        return ordered;
    }

    private static byte[] BuildHeader(NamedTensor[] ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (KeyValuePair<string, string> kv in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    json.WriteString(kv.Key, kv.Value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (NamedTensor t in ordered)
            {
                long end = offset + 4L * t.Data.Length;
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", SafetensorsDType.F32);
                json.WriteStartArray("shape");
                foreach (int d in t.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }

            json.WriteEndObject();
        }

        // Pad with spaces (valid trailing JSON whitespace) so 8 + header length is a multiple of 8.
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void WriteTo(Stream stream, byte[] header, NamedTensor[] ordered)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        if (BitConverter.IsLittleEndian)
        {
            foreach (NamedTensor t in ordered)
            {
                stream.Write(MemoryMarshal.AsBytes(t.Data.Span));
            }

            return;
        }

        Span<byte> chunk = stackalloc byte[4096];
        foreach (NamedTensor t in ordered)
        {
            ReadOnlySpan<float> data = t.Data.Span;
            for (int start = 0; start < data.Length; start += chunk.Length / 4)
            {
                int count = Math.Min(chunk.Length / 4, data.Length - start);
                for (int i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(chunk[(4 * i)..], data[start + i]);
                }

                stream.Write(chunk[..(4 * count)]);
            }
        }
    }
}
