using System;
using System.Collections.Generic;
using System.Text.Json;

namespace NetGen.Weights;

/// <summary>
/// Parses and validates a safetensors header (the JSON after the 8-byte length). Every check
/// the format's reference implementation makes is made here, so whatever passes can be read
/// without any out-of-range access: offsets inside the data region, begin &lt;= end, sizes that
/// equal product(shape) x dtype size without overflow, and tensors that tile the data region
/// exactly (no overlap, no hole, nothing after the last tensor).
/// </summary>
internal static class SafetensorsHeader
{
    /// <summary>The reference implementation's cap on the header size (100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public const string MetadataKey = "__metadata__";

    public static (List<TensorInfo> Tensors, Dictionary<string, string> Metadata) Parse(
        ReadOnlySpan<byte> json, long dataLength, string source)
    {
        if (json.Length == 0 || json[0] != (byte)'{')
        {
            throw new WeightFileException(source, null, "the header must be a JSON object starting with '{'");
        }

        // JsonDocument accepts invalid UTF-8 inside strings and only fails when one is read.
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            throw new WeightFileException(source, null, "the header is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw new WeightFileException(source, null, $"the header is not well-formed JSON ({ex.Message})");
        }

        using (document)
        {
            var tensors = new List<TensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new WeightFileException(source, property.Name, "the header names it twice");
                }

                if (property.Name == MetadataKey)
                {
                    ParseMetadata(property.Value, metadata, source);
                }
                else
                {
                    tensors.Add(ParseTensor(property.Name, property.Value, dataLength, source));
                }
            }

            CheckTiling(tensors, dataLength, source);
            return (tensors, metadata);
        }
    }

    private static void ParseMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new WeightFileException(source, null, $"\"{MetadataKey}\" must be an object of strings, found {value.ValueKind}");
        }

        foreach (JsonProperty entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new WeightFileException(source, null,
                    $"\"{MetadataKey}\" entry \"{entry.Name}\" must be a string, found {entry.Value.ValueKind}");
            }

            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw new WeightFileException(source, null, $"\"{MetadataKey}\" names \"{entry.Name}\" twice");
            }
        }
    }

    private static TensorInfo ParseTensor(string name, JsonElement value, long dataLength, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new WeightFileException(source, name, $"the header entry must be an object, found {value.ValueKind}");
        }

        if (!value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw new WeightFileException(source, name, "the header entry has no string \"dtype\"");
        }

        string dtype = dtypeElement.GetString()!;
        int elementSize = SafetensorsDType.SizeOf(dtype);
        if (elementSize == 0)
        {
            throw new WeightFileException(source, name, $"unknown dtype \"{dtype}\"");
        }

        int[] shape = ReadIntegers(value, "shape", -1, name, source, out long[] rawShape);
        long elements = 1;
        for (int i = 0; i < rawShape.Length; i++)
        {
            if (rawShape[i] > int.MaxValue)
            {
                throw new WeightFileException(source, name, $"dimension {i} of the shape is {rawShape[i]}, more than {int.MaxValue}");
            }

            // Saturate at dataLength + 1: any product beyond the data region fails the size
            // check below anyway, and the multiplication cannot overflow.
            long cap = dataLength + 1;
            elements = rawShape[i] != 0 && elements > cap / rawShape[i] ? cap : elements * rawShape[i];
        }

        ReadIntegers(value, "data_offsets", 2, name, source, out long[] offsets);
        long begin = offsets[0], end = offsets[1];
        if (begin > end)
        {
            throw new WeightFileException(source, name, $"data_offsets [{begin}, {end}] begin after they end");
        }

        if (end > dataLength)
        {
            throw new WeightFileException(source, name,
                $"data_offsets [{begin}, {end}] reach past the data region of {dataLength} bytes");
        }

        if (elements > dataLength || elements * elementSize != end - begin)
        {
            string need = elements > dataLength ? $"more than {dataLength}" : (elements * elementSize).ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new WeightFileException(source, name,
                $"shape {TensorInfo.FormatShape(shape)} of {dtype} needs {need} bytes, but data_offsets [{begin}, {end}] hold {end - begin}");
        }

        return new TensorInfo(name, dtype, shape, elements, begin, end);
    }

    // Reads a JSON array of non-negative integers; count -1 accepts any length.
    private static int[] ReadIntegers(JsonElement entry, string key, int count, string name, string source, out long[] values)
    {
        if (!entry.TryGetProperty(key, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new WeightFileException(source, name, $"the header entry has no array \"{key}\"");
        }

        int length = array.GetArrayLength();
        if (count >= 0 && length != count)
        {
            throw new WeightFileException(source, name, $"\"{key}\" must have {count} numbers, found {length}");
        }

        values = new long[length];
        var narrow = new int[length];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
            {
                throw new WeightFileException(source, name, $"\"{key}\" item {i} must be a non-negative integer, found {item.GetRawText()}");
            }

            values[i] = v;
            narrow[i] = (int)Math.Min(v, int.MaxValue);
            i++;
        }

        return narrow;
    }

    // The format forbids holes and overlaps: sorted by offset, tensors must tile [0, dataLength).
    private static void CheckTiling(List<TensorInfo> tensors, long dataLength, string source)
    {
        var byOffset = tensors.ToArray();
        Array.Sort(byOffset, (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long covered = 0;
        TensorInfo? previous = null;
        foreach (TensorInfo t in byOffset)
        {
            if (t.Begin < covered)
            {
                throw new WeightFileException(source, t.Name,
                    $"data_offsets [{t.Begin}, {t.End}] overlap tensor '{previous!.Name}' at [{previous.Begin}, {previous.End}]");
            }

            if (t.Begin > covered)
            {
                throw new WeightFileException(source, t.Name,
                    $"data_offsets [{t.Begin}, {t.End}] leave bytes [{covered}, {t.Begin}) of the data region unused; the format forbids holes");
            }

            covered = t.End;
            previous = t;
        }

        if (covered != dataLength)
        {
            throw new WeightFileException(source, null,
                $"the data region has {dataLength} bytes but the tensors cover only the first {covered}");
        }
    }
}
