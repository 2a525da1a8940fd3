namespace NetGen.Bench.ResNet;

/// <summary>
/// Rewrites the batch dimension of an ONNX model whose declared shapes fix it at 1: in every
/// ValueInfoProto of the graph (inputs, outputs, value_info), the first dimension's dim_value 1
/// becomes the batch. Both are one-byte varints (batch &lt; 128), so the bytes are changed in
/// place and no enclosing length moves. Field numbers from onnx.proto: ModelProto.graph 7;
/// GraphProto.input 11, output 12, value_info 13; ValueInfoProto.type 2; TypeProto.tensor_type 1;
/// Tensor.shape 2; TensorShapeProto.dim 1; Dimension.dim_value 1.
/// </summary>
public static class OnnxBatchPatch
{
    /// <summary>A copy of <paramref name="model"/> with batch <paramref name="batch"/>; throws if a declared shape does not start with 1.</summary>
    public static byte[] WithBatch(byte[] model, int batch)
    {
        if (batch is < 1 or > 127) throw new ArgumentOutOfRangeException(nameof(batch), batch, "The in-place patch writes a one-byte varint: 1..127.");
        var bytes = (byte[])model.Clone();
        int patched = 0;
        foreach (var graph in Fields(bytes, 0, bytes.Length, 7))
        {
            foreach (int field in new[] { 11, 12, 13 })
            {
                foreach (var info in Fields(bytes, graph.Start, graph.End, field))
                {
                    var first = Path(bytes, info, 2, 1, 2, 1);
                    if (first is not { } dim) continue;
                    var value = Fields(bytes, dim.Start, dim.End, 1).FirstOrDefault();
                    if (value.End - value.Start != 1 || bytes[value.Start] != 1)
                        throw new InvalidOperationException($"ONNX batch patch: a declared shape (graph field {field}) does not start with a fixed 1.");
                    bytes[value.Start] = (byte)batch;
                    patched++;
                }
            }
        }
        if (patched == 0) throw new InvalidOperationException("ONNX batch patch: the model declares no shape to patch.");
        return bytes;
    }

    /// <summary>The first nested field along <paramref name="numbers"/> (each the first occurrence), or null.</summary>
    private static (int Start, int End)? Path(byte[] b, (int Start, int End) at, params int[] numbers)
    {
        foreach (int number in numbers)
        {
            var next = Fields(b, at.Start, at.End, number).Take(1).ToList();
            if (next.Count == 0) return null;
            at = next[0];
        }
        return at;
    }

    /// <summary>
    /// The payloads of field <paramref name="number"/> in the message b[start, end): for a
    /// length-delimited field its bytes, for a varint its bytes (so a caller can patch it).
    /// </summary>
    private static IEnumerable<(int Start, int End)> Fields(byte[] b, int start, int end, int number)
    {
        int i = start;
        while (i < end)
        {
            ulong key = Varint(b, ref i);
            int wire = (int)(key & 7);
            int field = (int)(key >> 3);
            int payload = i;
            switch (wire)
            {
                case 0:
                    Varint(b, ref i);
                    break;
                case 1:
                    i += 8;
                    break;
                case 2:
                    int length = (int)Varint(b, ref i);
                    payload = i;
                    i += length;
                    break;
                case 5:
                    i += 4;
                    break;
                default:
                    throw new InvalidOperationException($"ONNX batch patch: wire type {wire} at byte {payload} is not one protobuf writes.");
            }
            if (field == number) yield return (payload, i);
        }
    }

    private static ulong Varint(byte[] b, ref int i)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte c = b[i++];
            value |= (ulong)(c & 0x7f) << shift;
            if (c < 0x80) return value;
        }
    }
}
