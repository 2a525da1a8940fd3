using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace NetGen.Data;

/// <summary>
/// Reads IDX files (LeCun's format for MNIST and Fashion-MNIST), raw or gzip-compressed
/// (detected by the gzip magic bytes 1f 8b, not by the file name). Only unsigned-byte
/// elements (type code 0x08) are supported, which is what every MNIST-style file uses.
/// </summary>
/// <remarks>
/// Layout: a big-endian 32-bit magic number 0x0000TTRR (TT the element type, RR the number of
/// dimensions), RR big-endian 32-bit dimension sizes, then the elements row-major. A hostile
/// header cannot force a large allocation: sizes are checked against the stream's length
/// (raw) or against what the compressed bytes can expand to (gzip), and the buffer for
/// compressed data grows only as real data arrives.
/// </remarks>
public static class IdxReader
{
    /// <summary>Magic number of an image file: unsigned bytes, 3 dimensions (N, rows, columns).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of a label file: unsigned bytes, 1 dimension (N).</summary>
    public const int LabelsMagic = 0x00000801;

    private const byte UnsignedByteType = 0x08;

    // Deflate expands at most ~1032:1 (a 258-byte match coded in under 2 bits), plus headers.
    private const long MaxDeflateRatio = 1032;
    private const int InitialGzipBuffer = 1 << 20;

    /// <summary>Reads an image file: dimensions (N, rows, columns).</summary>
    /// <exception cref="DataFormatException">The file is malformed; the message says how.</exception>
    public static IdxArray ReadImages(string path) => Read(path, expectedRank: 3);

    /// <summary>Reads a label file and checks every label is below <paramref name="classCount"/>.</summary>
    /// <exception cref="DataFormatException">The file is malformed or a label is out of range.</exception>
    public static byte[] ReadLabels(string path, int classCount)
    {
        IdxArray labels = Read(path, expectedRank: 1);
        CheckLabels(labels, classCount);
        return labels.Data;
    }

    /// <summary>Reads an unsigned-byte IDX file with <paramref name="expectedRank"/> dimensions.</summary>
    /// <exception cref="DataFormatException">The file is malformed; the message says how.</exception>
    public static IdxArray Read(string path, int expectedRank)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Read(file, path, expectedRank);
    }

    /// <summary>
    /// Reads an unsigned-byte IDX array from a seekable <paramref name="stream"/> at its current
    /// position, raw or gzip-compressed, up to the stream's end. <paramref name="sourceName"/>
    /// names the data in error messages.
    /// </summary>
    /// <exception cref="DataFormatException">The data is malformed; the message says how.</exception>
    public static IdxArray Read(Stream stream, string sourceName, int expectedRank)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The stream must be seekable so its length can bound the sizes in the header.", nameof(stream));
        }

        if (expectedRank is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedRank), expectedRank, "An IDX file has 1 to 255 dimensions.");
        }

        long start = stream.Position;
        long length = stream.Length - start;
        Span<byte> probe = stackalloc byte[2];
        bool gzip = ReadUpTo(stream, probe) == 2 && probe[0] == 0x1F && probe[1] == 0x8B;
        stream.Position = start;
        if (!gzip)
        {
            return ReadBody(stream, sourceName, expectedRank, maxPayload: length, exactLength: true);
        }

        using var inflater = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        try
        {
            return ReadBody(inflater, sourceName, expectedRank, maxPayload: Math.Min(length, long.MaxValue / MaxDeflateRatio) * MaxDeflateRatio, exactLength: false);
        }
        catch (InvalidDataException ex)
        {
            throw new DataFormatException(sourceName, $"the gzip data is corrupt ({ex.Message})");
        }
    }

    /// <summary>Throws unless every label in <paramref name="labels"/> is below <paramref name="classCount"/>.</summary>
    internal static void CheckLabels(IdxArray labels, int classCount)
    {
        if (classCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "There must be at least one class.");
        }

        ReadOnlySpan<byte> data = labels.Data;
        int bad = classCount > byte.MaxValue ? -1 : data.IndexOfAnyInRange((byte)classCount, byte.MaxValue);
        if (bad >= 0)
        {
            throw new DataFormatException(labels.Source,
                $"label {data[bad]} at index {bad} is out of range; expected 0 to {classCount - 1}");
        }
    }

    private static IdxArray ReadBody(Stream stream, string source, int expectedRank, long maxPayload, bool exactLength)
    {
        Span<byte> word = stackalloc byte[4];
        int got = ReadUpTo(stream, word);
        if (got < 4)
        {
            throw new DataFormatException(source, $"truncated: an IDX header starts with a 4-byte magic number, found {got} bytes");
        }

        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        int expectedMagic = (UnsignedByteType << 8) | expectedRank;
        if (magic != expectedMagic)
        {
            throw new DataFormatException(source,
                $"expected magic number 0x{expectedMagic:X8} ({Describe(expectedMagic)}), found 0x{magic:X8} ({Describe(magic)})");
        }

        var dimensions = new int[expectedRank];
        long elements = 1;
        for (int i = 0; i < expectedRank; i++)
        {
            got = ReadUpTo(stream, word);
            if (got < 4)
            {
                throw new DataFormatException(source,
                    $"truncated header: expected {expectedRank} dimension sizes of 4 bytes, the data ends in dimension {i}");
            }

            int size = BinaryPrimitives.ReadInt32BigEndian(word);
            if (size < 0)
            {
                throw new DataFormatException(source, $"dimension {i} has negative size {size}");
            }

            dimensions[i] = size;
            // elements <= Array.MaxLength < 2^31 and size < 2^31, so the product cannot overflow.
            elements *= size;
            if (elements > Array.MaxLength)
            {
                throw new DataFormatException(source,
                    $"the header's dimensions ({string.Join(" x ", dimensions[..(i + 1)])}{(i + 1 < expectedRank ? " x ..." : "")}) " +
                    $"need more than {Array.MaxLength} bytes, the most an array can hold");
            }
        }

        long headerBytes = 4 + 4L * expectedRank;
        long available = maxPayload - headerBytes;
        if (elements > available)
        {
            throw new DataFormatException(source,
                $"the header's dimensions ({string.Join(" x ", dimensions)}) need {elements} bytes of data, " +
                $"more than the {(exactLength ? "" : "at most ")}{Math.Max(available, 0)} bytes the {(exactLength ? "file holds" : "compressed file can hold")}");
        }

        if (exactLength && elements < available)
        {
            throw new DataFormatException(source,
                $"the header's dimensions ({string.Join(" x ", dimensions)}) give {elements} bytes of data, but the file holds {available} bytes after the header");
        }

        byte[] data = exactLength ? ReadExactly(stream, (int)elements, source) : ReadGrowing(stream, (int)elements, source);
        if (!exactLength && stream.ReadByte() >= 0)
        {
            throw new DataFormatException(source,
                $"the data continues past the {elements} bytes the header's dimensions ({string.Join(" x ", dimensions)}) give");
        }

        return new IdxArray(source, dimensions, data);
    }

    private static byte[] ReadExactly(Stream stream, int count, string source)
    {
        var data = new byte[count];
        int got = ReadUpTo(stream, data);
        if (got < count)
        {
            throw new DataFormatException(source, $"truncated: expected {count} bytes of data, found {got}");
        }

        return data;
    }

    // For compressed data: the buffer doubles only as bytes actually arrive, so a header that
    // lies about the size costs at most twice the real decompressed size.
    private static byte[] ReadGrowing(Stream stream, int count, string source)
    {
        var data = new byte[Math.Min(count, InitialGzipBuffer)];
        int filled = 0;
        while (true)
        {
            int got = ReadUpTo(stream, data.AsSpan(filled));
            filled += got;
            if (filled == count)
            {
                return data;
            }

            if (filled < data.Length)
            {
                throw new DataFormatException(source, $"truncated: expected {count} bytes of data, found {filled}");
            }

            Array.Resize(ref data, (int)Math.Min(count, 2L * data.Length));
        }
    }

    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int got = stream.Read(buffer[total..]);
            if (got == 0)
            {
                break;
            }

            total += got;
        }

        return total;
    }

    private static string Describe(int magic)
    {
        if ((magic & unchecked((int)0xFFFF0000)) != 0)
        {
            return "not an IDX file: the first two bytes must be zero";
        }

        int type = (magic >> 8) & 0xFF;
        int rank = magic & 0xFF;
        string typeName = type switch
        {
            0x08 => "unsigned bytes",
            0x09 => "signed bytes",
            0x0B => "int16",
            0x0C => "int32",
            0x0D => "float32",
            0x0E => "float64",
            _ => $"unknown element type 0x{type:X2}",
        };
        string kind = magic switch
        {
            ImagesMagic => ", an image file",
            LabelsMagic => ", a label file",
            _ => "",
        };
        return $"{typeName}, {rank} dimension{(rank == 1 ? "" : "s")}{kind}";
    }
}
