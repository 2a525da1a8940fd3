using NetGen.Data;
using Xunit;
using static NetGen.Runtime.Tests.Data.IdxFixtures;

namespace NetGen.Runtime.Tests.Data;

public class IdxReaderTests
{
    private static IdxArray ReadBytes(byte[] bytes, int rank) => IdxReader.Read(new MemoryStream(bytes), "fixture.idx", rank);

    private static DataFormatException Fails(byte[] bytes, int rank)
    {
        var ex = Assert.Throws<DataFormatException>(() => ReadBytes(bytes, rank));
        Assert.Equal("fixture.idx", ex.SourceName);
        Assert.StartsWith("fixture.idx: ", ex.Message);
        return ex;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsImages_RawAndGzip(bool gzip)
    {
        byte[] file = Images(2, 3, 4, i => (byte)(i * 7));
        IdxArray array = ReadBytes(gzip ? Gzip(file) : file, 3);
        Assert.Equal([2, 3, 4], array.Dimensions.ToArray());
        Assert.Equal(24, array.Data.Length);
        Assert.Equal((byte)(23 * 7 % 256), array.Data[23]);
        Assert.Equal((byte)7, array.Data[1]);
    }

    [Fact]
    public void WrongMagic_NamesBothMagicNumbers()
    {
        var ex = Fails(Labels(1, 2, 3), 3);
        Assert.Contains("expected magic number 0x00000803 (unsigned bytes, 3 dimensions, an image file)", ex.Message);
        Assert.Contains("found 0x00000801 (unsigned bytes, 1 dimension, a label file)", ex.Message);

        byte[] floats = Idx(0x0D03, [1, 1, 1], [0, 0, 0, 0]);
        Assert.Contains("float32, 3 dimensions", Fails(floats, 3).Message);

        byte[] text = "hello world!"u8.ToArray();
        Assert.Contains("not an IDX file", Fails(text, 1).Message);
    }

    [Fact]
    public void TruncatedFiles_SayWhatIsMissing()
    {
        Assert.Contains("found 3 bytes", Fails([0, 0, 8], 1).Message);
        byte[] full = Images(2, 2, 2, i => 1);
        Assert.Contains("ends in dimension 1", Fails(full[..9], 3).Message);
        var ex = Fails(full[..^1], 3);
        Assert.Contains("need 8 bytes of data", ex.Message);
        Assert.Contains("7 bytes", ex.Message);
        Assert.Contains("truncated: expected 8 bytes of data, found 7", Fails(Gzip(full[..^1]), 3).Message);
    }

    [Fact]
    public void TrailingData_IsRejected()
    {
        byte[] full = Labels(1, 2, 3);
        byte[] longer = [.. full, 9];
        Assert.Contains("give 3 bytes of data, but the file holds 4", Fails(longer, 1).Message);
        Assert.Contains("continues past the 3 bytes", Fails(Gzip(longer), 1).Message);
    }

    [Fact]
    public void HostileHeader_IsRejectedWithoutAllocating()
    {
        // 2^31 - 1 images of 2^31 - 1 pixels: far beyond any array.
        byte[] huge = Idx(0x803, [int.MaxValue, int.MaxValue, 1], []);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("more than", Fails(huge, 3).Message);
        Assert.Contains("more than", Fails(Gzip(huge), 3).Message);
        // A header that fits an array but not the file: 1e9 bytes claimed, 16 bytes present.
        byte[] lying = Idx(0x803, [1_000_000, 1000, 1], []);
        Assert.Contains("the file holds", Fails(lying, 3).Message);
        Assert.Contains("compressed file can hold", Fails(Gzip(lying), 3).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000, "a hostile header caused a large allocation");
        Assert.Contains("negative size", Fails(Idx(0x801, [-5], []), 1).Message);
    }

    [Fact]
    public void GzipLyingHeader_GrowsBufferOnlyWithRealData()
    {
        // 64 MB claimed; 70 KB of incompressible bytes could inflate that far, so the reader
        // must discover the truncation by reading, not by a 64 MB allocation.
        var noise = new byte[70_000];
        new Random(1).NextBytes(noise);
        byte[] gz = Gzip(Idx(0x801, [64_000_000], noise));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("truncated: expected 64000000 bytes of data, found 70000", Fails(gz, 1).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8_000_000);
    }

    [Fact]
    public void CorruptGzip_IsADataFormatError()
    {
        byte[] gz = Gzip(Images(4, 8, 8, i => (byte)i));
        for (int i = 12; i < gz.Length - 8; i++)
        {
            gz[i] ^= 0x5A;
        }

        Assert.Contains("gzip", Fails(gz, 3).Message);
    }

    [Fact]
    public void LabelOutOfRange_NamesLabelAndIndex()
    {
        string folder = TempFolder();
        try
        {
            string path = Path.Combine(folder, "labels.idx");
            File.WriteAllBytes(path, Labels(0, 9, 10, 3));
            var ex = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path, 10));
            Assert.Equal($"{path}: label 10 at index 2 is out of range; expected 0 to 9", ex.Message);
            Assert.Equal(new byte[] { 0, 9, 10, 3 }, IdxReader.ReadLabels(path, 11));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void RandomCorruptions_NeverEscapeAsOtherExceptions()
    {
        byte[] valid = Images(3, 5, 5, i => (byte)(i * 31));
        byte[] validGz = Gzip(valid);
        var rng = new NetGen.Training.SeededRandom(2024);
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] source = trial % 2 == 0 ? valid : validGz;
            byte[] bytes = source[..(1 + rng.NextInt32(source.Length))];
            int flips = rng.NextInt32(4);
            for (int f = 0; f < flips; f++)
            {
                bytes[rng.NextInt32(bytes.Length)] ^= (byte)(1 << rng.NextInt32(8));
            }

            try
            {
                IdxArray array = ReadBytes(bytes, 3);
                Assert.Equal(array.Data.Length, array.Dimensions[0] * array.Dimensions[1] * array.Dimensions[2]);
            }
            catch (DataFormatException)
            {
            }
        }
    }
}
