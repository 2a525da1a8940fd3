using System.Buffers.Binary;
using System.Text;
using NetGen.Weights;
using Xunit;

namespace NetGen.Runtime.Tests.Weights;

/// <summary>Byte-level compatibility with the safetensors format, from hand-written bytes.</summary>
public class SafetensorsFormatTests
{
    // One tensor "w" = [1.0, -2.0] as the format specifies it: u64 LE header length, JSON,
    // spaces up to 8-byte alignment, then little-endian IEEE floats.
    private static readonly byte[] Fixture =
    [
        56, 0, 0, 0, 0, 0, 0, 0,
        .. "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  "u8,
        0x00, 0x00, 0x80, 0x3F,   // 1.0f
        0x00, 0x00, 0x00, 0xC0,   // -2.0f
    ];

    internal static byte[] Build(string header, params byte[][] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new List<byte>();
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
        bytes.AddRange(length);
        bytes.AddRange(json);
        foreach (byte[] d in data)
        {
            bytes.AddRange(d);
        }

        return bytes.ToArray();
    }

    internal static byte[] Floats(params float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        }

        return bytes;
    }

    [Fact]
    public void Writer_ProducesTheSpecBytes()
    {
        byte[] written = Safetensors.Serialize([new NamedTensor("w", [2], new float[] { 1f, -2f })]);
        Assert.Equal(Fixture, written);
    }

    [Fact]
    public void Writer_MatchesTheReferenceImplementationsExpectedBytes()
    {
        // Expected outputs of test_serialization and test_empty in huggingface/safetensors
        // (safetensors/src/tensor.rs): tensor "attn.0" = [0, 1, 2, 3, 4, 5] of shape [1, 2, 3],
        // whose 64-byte header needs no padding, and a file with no tensors.
        byte[] upstream =
        [
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        ];
        Assert.Equal(upstream, Safetensors.Serialize([new NamedTensor("attn.0", [1, 2, 3], new float[] { 0, 1, 2, 3, 4, 5 })]));
        Assert.Equal([0f, 1, 2, 3, 4, 5], SafetensorsFile.Parse(upstream, "upstream").ReadFloats("attn.0"));

        byte[] empty = [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32];
        Assert.Equal(empty, Safetensors.Serialize([]));
        Assert.Empty(SafetensorsFile.Parse(empty, "empty").Tensors);
    }

    [Fact]
    public void Reader_ParsesTheReferenceImplementationsFixture()
    {
        // test_deserialization in huggingface/safetensors: an I32 [2, 2] tensor of zeros.
        byte[] upstream =
        [
            (byte)'<', 0, 0, 0, 0, 0, 0, 0,
            .. "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"u8,
            .. new byte[16],
        ];
        using SafetensorsFile file = SafetensorsFile.Parse(upstream, "upstream");
        TensorInfo test = Assert.Single(file.Tensors);
        Assert.Equal(("test", "I32", 4L, 0L, 16L), (test.Name, test.DType, test.ElementCount, test.Begin, test.End));
        Assert.Equal([2, 2], test.Shape.ToArray());
    }

    [Fact]
    public void Reader_ParsesTheSpecBytes()
    {
        using SafetensorsFile file = SafetensorsFile.Parse(Fixture, "fixture");
        TensorInfo w = Assert.Single(file.Tensors);
        Assert.Equal("w", w.Name);
        Assert.Equal("F32", w.DType);
        Assert.Equal([2], w.Shape.ToArray());
        Assert.Equal((0L, 8L), (w.Begin, w.End));
        Assert.Equal([1f, -2f], file.ReadFloats("w"));
    }

    [Fact]
    public void Reader_AcceptsOtherWritersLayouts()
    {
        // Unpadded header, keys in another order, metadata last, an F16 tensor first in the
        // data region and an F32 scalar after it: all legal in the format.
        string header = "{\"b\":{\"shape\":[],\"data_offsets\":[4,8],\"dtype\":\"F32\"}," +
                        "\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}," +
                        "\"__metadata__\":{\"format\":\"pt\"}}";
        byte[] bytes = Build(header, [0x00, 0x3C, 0x00, 0xC0], Floats(0.5f));
        using SafetensorsFile file = SafetensorsFile.Parse(bytes, "other");
        Assert.Equal(["a", "b"], file.Tensors.Select(t => t.Name));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal([0.5f], file.ReadFloats("b"));
        Assert.Equal(1L, file.GetTensor("b").ElementCount);
        var ex = Assert.Throws<WeightFileException>(() => file.ReadFloats("a"));
        Assert.Equal("other: tensor 'a': has dtype F16; only F32 can be read as float32", ex.Message);
    }

    [Theory]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", "not well-formed JSON")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "tensor 'w': the header names it twice")]
    [InlineData("{\"w\":{\"dtype\":\"F31\",\"shape\":[2],\"data_offsets\":[0,8]}}", "tensor 'w': unknown dtype \"F31\"")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", "tensor 'w': data_offsets [0, 16] reach past the data region of 8 bytes")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", "tensor 'w': data_offsets [8, 0] begin after they end")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "tensor 'w': shape [3] of F32 needs 12 bytes, but data_offsets [0, 8] hold 8")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", "tensor 'w': \"shape\" item 0 must be a non-negative integer, found -2")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}", "needs more than 8 bytes")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296],\"data_offsets\":[0,8]}}", "dimension 0 of the shape is 4294967296")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", "\"data_offsets\" must have 2 numbers, found 1")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "the data region has 8 bytes but the tensors cover only the first 4")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "tensor 'w': data_offsets [4, 8] leave bytes [0, 4) of the data region unused")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "tensor 'b': data_offsets [4, 8] overlap tensor 'a' at [0, 8]")]
    [InlineData("{\"__metadata__\":{\"k\":1}}", "\"__metadata__\" entry \"k\" must be a string")]
    [InlineData("{\"w\":[1]}", "tensor 'w': the header entry must be an object")]
    public void InvalidHeaders_AreRejectedWithTheirReason(string header, string reason)
    {
        byte[] bytes = Build(header, Floats(1f, 2f));
        var ex = Assert.Throws<WeightFileException>(() => SafetensorsFile.Parse(bytes, "bad.safetensors"));
        Assert.StartsWith("bad.safetensors: ", ex.Message);
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void InvalidUtf8InTheHeader_IsRejected()
    {
        byte[] bytes = [.. Fixture];
        bytes[10] = 0xB2;   // inside the name "w": a lone continuation byte
        var ex = Assert.Throws<WeightFileException>(() => SafetensorsFile.Parse(bytes, "u"));
        Assert.Equal("u: the header is not valid UTF-8", ex.Message);
    }

    [Fact]
    public void TruncatedPrefixAndHugeHeaderLength_AreRejected()
    {
        var ex = Assert.Throws<WeightFileException>(() => SafetensorsFile.Parse([1, 0, 0], "t"));
        Assert.Contains("8-byte header length, the file has 3 bytes", ex.Message);
        byte[] huge = [.. Fixture];
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        ex = Assert.Throws<WeightFileException>(() => SafetensorsFile.Parse(huge, "t"));
        Assert.Contains($"the header length {ulong.MaxValue} exceeds the {Fixture.Length - 8} bytes", ex.Message);
        Assert.Throws<WeightFileException>(() => SafetensorsFile.Parse(Fixture[..^1], "t"));
    }

    [Fact]
    public void RandomFlipsAndTruncations_OnlyEverGiveWeightFileException()
    {
        byte[] valid = Safetensors.Serialize(
            [
                new NamedTensor("conv.weight", [2, 1, 3, 3], Enumerable.Range(0, 18).Select(i => i * 0.25f).ToArray()),
                new NamedTensor("conv.bias", [2], new float[] { -1f, 1f }),
                new NamedTensor("scale", [], new float[] { 3f }),
            ],
            new Dictionary<string, string> { ["epoch"] = "3" });
        var rng = new NetGen.Training.SeededRandom(77);
        int accepted = 0;
        for (int trial = 0; trial < 4000; trial++)
        {
            byte[] bytes = [.. valid];
            if (trial % 3 != 0)
            {
                int flips = 1 + rng.NextInt32(3);
                for (int f = 0; f < flips; f++)
                {
                    // Bias flips toward the prefix and header, where the structure lives.
                    int at = rng.NextInt32(2) == 0 ? rng.NextInt32(Math.Min(bytes.Length, 200)) : rng.NextInt32(bytes.Length);
                    bytes[at] ^= (byte)(1 << rng.NextInt32(8));
                }
            }

            if (trial % 3 != 1)
            {
                bytes = bytes[..rng.NextInt32(bytes.Length + 1)];
            }

            try
            {
                using SafetensorsFile file = SafetensorsFile.Parse(bytes, "fuzz");
                foreach (TensorInfo t in file.Tensors.Where(t => t.DType == "F32"))
                {
                    Assert.Equal(t.ElementCount, file.ReadFloats(t.Name).Length);
                }

                accepted++;
            }
            catch (WeightFileException)
            {
            }
        }

        // Flips inside the data region leave a valid file; the fuzzer must reach both outcomes.
        Assert.InRange(accepted, 1, 3999);
    }
}
