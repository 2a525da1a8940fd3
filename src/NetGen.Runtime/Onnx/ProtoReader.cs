using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace NetGen.Onnx;

/// <summary>Protobuf wire types (the low three bits of a field's tag).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// Reads one protobuf message, bytes [start, end) of a buffer, field by field. Every read is
/// checked against the message's end, so a truncated or hostile file gives an
/// <see cref="OnnxFormatException"/> with the absolute byte offset, never an out-of-range
/// read; a length-delimited field is at most the bytes that remain, so nothing allocated
/// from a length can exceed the file's size. Nested messages are read by
/// <see cref="ReadMessage"/>, which returns a reader over the field's bytes only.
/// </summary>
/// <remarks>
/// Groups (wire types 3 and 4, deprecated, never written by ONNX) are rejected rather than
/// skipped: skipping them would need nesting, and ONNX has no use for them.
/// </remarks>
internal sealed class ProtoReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _buffer;
    private readonly int _end;
    private int _position;

    /// <summary>Reader over <paramref name="buffer"/>[start, end) for the message <paramref name="messageName"/>.</summary>
    public ProtoReader(byte[] buffer, int start, int end, string source, string messageName)
    {
        _buffer = buffer;
        _position = start;
        _end = end;
        Source = source;
        MessageName = messageName;
    }

    /// <summary>The file path or buffer name, for error messages.</summary>
    public string Source { get; }

    /// <summary>"ModelProto", "TensorProto", ... for error messages.</summary>
    public string MessageName { get; }

    /// <summary>Absolute offset of the next byte to read.</summary>
    public int Position => _position;

    /// <summary>Bytes left in this message.</summary>
    public int Remaining => _end - _position;

    /// <summary>The field number of the tag just read (valid after <see cref="TryReadTag"/>).</summary>
    public int FieldNumber { get; private set; }

    /// <summary>The wire type of the tag just read.</summary>
    public WireType WireType { get; private set; }

    /// <summary>Offset of the tag just read, for errors about its field.</summary>
    public int FieldOffset { get; private set; }

    /// <summary>Reads the next tag; false at the end of the message.</summary>
    public bool TryReadTag()
    {
        if (_position >= _end) return false;
        FieldOffset = _position;
        ulong tag = ReadRawVarint("tag");
        int wire = (int)(tag & 7);
        ulong number = tag >> 3;
        // Field numbers are 1 .. 2^29 - 1 in protobuf.
        if (number == 0 || number > 0x1FFF_FFFF)
            throw Error(MessageName, FieldOffset, $"invalid field number {number}");
        if (wire > 5)
            throw Error(MessageName, FieldOffset, $"invalid wire type {wire} for field {number}");
        FieldNumber = (int)number;
        WireType = (WireType)wire;
        return true;
    }

    /// <summary>Skips the current field's value, whatever its wire type.</summary>
    public void SkipField()
    {
        switch (WireType)
        {
            case WireType.Varint: ReadRawVarint(FieldName()); break;
            case WireType.Fixed64: Advance(8); break;
            case WireType.Fixed32: Advance(4); break;
            case WireType.LengthDelimited: Advance(ReadLength()); break;
            default:
                throw Error(FieldName(), FieldOffset, $"protobuf groups (wire type {(int)WireType}) are not supported");
        }
    }

    /// <summary>An int64/int32/enum field (varint, two's complement for negatives).</summary>
    public long ReadInt64()
    {
        Expect(WireType.Varint);
        return (long)ReadRawVarint(FieldName());
    }

    /// <summary>An int32 or enum field: a varint that must fit in 32 bits (negatives are sign-extended to 64).</summary>
    public int ReadInt32()
    {
        long value = ReadInt64();
        if (value < int.MinValue || value > int.MaxValue)
            throw Error(FieldName(), FieldOffset, $"value {value} does not fit in 32 bits");
        return (int)value;
    }

    /// <summary>A float field (fixed32, little-endian).</summary>
    public float ReadFloat()
    {
        Expect(WireType.Fixed32);
        int at = Advance(4);
        return BinaryPrimitives.ReadSingleLittleEndian(_buffer.AsSpan(at, 4));
    }

    /// <summary>A string field, strict UTF-8.</summary>
    public string ReadString()
    {
        var bytes = ReadBytesSpan();
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error(FieldName(), FieldOffset, "string is not valid UTF-8");
        }
    }

    /// <summary>A bytes field as a view of the buffer (no copy).</summary>
    public ReadOnlySpan<byte> ReadBytesSpan()
    {
        Expect(WireType.LengthDelimited);
        int length = ReadLength();
        int at = Advance(length);
        return _buffer.AsSpan(at, length);
    }

    /// <summary>A nested message: a reader over exactly its bytes; this reader moves past them.</summary>
    public ProtoReader ReadMessage(string messageName)
    {
        Expect(WireType.LengthDelimited);
        int length = ReadLength();
        int at = Advance(length);
        return new ProtoReader(_buffer, at, at + length, Source, messageName);
    }

    /// <summary>
    /// Appends a repeated int64 field: one value (unpacked) or a packed run of varints.
    /// Writers may use either encoding, so readers must accept both.
    /// </summary>
    public void ReadRepeatedInt64(List<long> into)
    {
        if (WireType != WireType.LengthDelimited)
        {
            into.Add(ReadInt64());
            return;
        }
        int length = ReadLength();
        int end = _position + length;
        string field = FieldName();
        while (_position < end)
        {
            ulong value = ReadRawVarint(field, end);
            into.Add((long)value);
        }
    }

    /// <summary>Appends a repeated float field: one fixed32 (unpacked) or a packed run of them.</summary>
    public void ReadRepeatedFloat(List<float> into)
    {
        if (WireType != WireType.LengthDelimited)
        {
            into.Add(ReadFloat());
            return;
        }
        int length = ReadLength();
        if (length % 4 != 0)
            throw Error(FieldName(), FieldOffset, $"packed floats take {length} bytes, not a multiple of 4");
        int at = Advance(length);
        for (int i = 0; i < length; i += 4)
            into.Add(BinaryPrimitives.ReadSingleLittleEndian(_buffer.AsSpan(at + i, 4)));
    }

    /// <summary>An error about the current field, at its tag's offset.</summary>
    public OnnxFormatException FieldError(string message) => Error(FieldName(), FieldOffset, message);

    /// <summary>An error about the message as a whole, at the given offset.</summary>
    public OnnxFormatException Error(string field, long offset, string message) => new(Source, field, offset, message);

    private string FieldName() => OnnxSchema.FieldName(MessageName, FieldNumber);

    private void Expect(WireType wire)
    {
        if (WireType != wire)
            throw Error(FieldName(), FieldOffset, $"wire type {(int)WireType} where {(int)wire} ({wire}) was expected");
    }

    /// <summary>A length prefix, at most the bytes that remain in this message.</summary>
    private int ReadLength()
    {
        int at = _position;
        ulong length = ReadRawVarint(FieldName());
        if (length > (ulong)(_end - _position))
            throw Error(FieldName(), at, $"length {length} runs past the end of the {MessageName} ({_end - _position} bytes remain)");
        return (int)length;
    }

    /// <summary>Moves past <paramref name="count"/> bytes and returns where they start.</summary>
    private int Advance(int count)
    {
        if (count > _end - _position)
            throw Error(FieldName(), _position, $"{count} bytes needed, {_end - _position} remain in the {MessageName}");
        int at = _position;
        _position += count;
        return at;
    }

    private ulong ReadRawVarint(string field) => ReadRawVarint(field, _end);

    /// <summary>A base-128 varint of at most 10 bytes that ends before <paramref name="end"/>.</summary>
    private ulong ReadRawVarint(string field, int end)
    {
        int start = _position;
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= end)
                throw Error(field, start, "truncated varint");
            byte b = _buffer[_position++];
            // The tenth byte holds only bit 63: anything above it overflows 64 bits.
            if (shift == 63 && b > 1)
                throw Error(field, start, "varint overflows 64 bits");
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw Error(field, start, "varint longer than 10 bytes");
    }
}
