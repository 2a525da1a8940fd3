using System;
using System.IO;
using Microsoft.Win32.SafeHandles;
using SkiaSharp;

namespace NetGen.Imaging;

/// <summary>
/// Decodes PNG and JPEG files into normalised float32 C x H x W samples, as
/// <see cref="ImageFolderOptions"/> describes. Its file, pixel and output buffers are kept and
/// reused, so decoding image after image makes no managed garbage beyond SkiaSharp's small
/// handle objects. Not thread-safe: use one decoder per thread.
/// </summary>
public sealed unsafe class ImageDecoder : IDisposable
{
    private const int BytesPerPixel = 4;   // RGBA8888

    private readonly ImageFolderOptions _options;
    private readonly float[] _scale;       // per channel: 1 / (255 Std[c])
    private readonly float[] _offset;      // per channel: -Mean[c] / Std[c]
    private readonly byte[] _target;       // H x W x RGBA, pinned for the target pixmap's lifetime
    private readonly SKPixmap _targetPixmap;
    private readonly SKSamplingOptions _sampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);
    private byte[] _file = new byte[64 * 1024];
    private byte[] _source = new byte[256 * 256 * BytesPerPixel];
    private bool _disposed;

    /// <summary>Creates a decoder for samples shaped by <paramref name="options"/>.</summary>
    public ImageDecoder(ImageFolderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _scale = new float[options.Channels];
        _offset = new float[options.Channels];
        for (int c = 0; c < options.Channels; c++)
        {
            _scale[c] = 1f / (255f * options.Std[c]);
            _offset[c] = -options.Mean[c] / options.Std[c];
        }

        _target = GC.AllocateUninitializedArray<byte>(options.Height * options.Width * BytesPerPixel, pinned: true);
        fixed (byte* target = _target)
        {
            var info = new SKImageInfo(options.Width, options.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            _targetPixmap = new SKPixmap(info, (IntPtr)target, options.Width * BytesPerPixel);
        }
    }

    /// <summary>The shape and normalisation this decoder produces.</summary>
    public ImageFolderOptions Options => _options;

    /// <summary>
    /// Decodes the image at <paramref name="path"/> into <paramref name="chw"/> (C x H x W floats).
    /// Returns false with <paramref name="error"/> saying why when the file cannot be read or is
    /// not a complete PNG or JPEG image; <paramref name="chw"/> is then unspecified.
    /// </summary>
    public bool TryDecode(string path, Span<float> chw, out string? error)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(path);
        if (chw.Length < _options.SampleSize)
        {
            throw new ArgumentException($"A sample needs {_options.SampleSize} floats (C x H x W); the buffer holds {chw.Length}.", nameof(chw));
        }

        int length;
        try
        {
            length = ReadFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"could not be read: {e.Message}";
            return false;
        }

        fixed (byte* file = _file)
        {
            using SKData data = SKData.Create((IntPtr)file, length);
            using SKCodec? codec = data is null ? null : SKCodec.Create(data);
            if (codec is null)
            {
                error = length == 0 ? "the file is empty" : "not a PNG or JPEG image, or its header is corrupt";
                return false;
            }

            return DecodeInto(codec, chw, out error);
        }
    }

    private bool DecodeInto(SKCodec codec, Span<float> chw, out string? error)
    {
        SKSizeI full = codec.Info.Size;
        if (full.Width <= 0 || full.Height <= 0)
        {
            error = $"the image is {full.Width} x {full.Height} pixels";
            return false;
        }

        SKSizeI size = DecodeSize(codec, full);
        long bytes = (long)size.Width * size.Height * BytesPerPixel;
        if (bytes > Array.MaxLength)
        {
            error = $"the image is too large to decode ({size.Width} x {size.Height} pixels)";
            return false;
        }

        if (_source.Length < bytes)
        {
            _source = new byte[bytes];
        }

        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        fixed (byte* source = _source)
        {
            SKCodecResult result = codec.GetPixels(info, (IntPtr)source);
            if (result != SKCodecResult.Success)
            {
                error = result == SKCodecResult.IncompleteInput
                    ? "truncated: the decoder ran out of data before the last row"
                    : $"the decoder failed ({result})";
                return false;
            }

            using var pixmap = new SKPixmap(info, (IntPtr)source, size.Width * BytesPerPixel);
            using SKPixmap? crop = pixmap.ExtractSubset(CropRect(size));
            if (crop is null || !crop.ScalePixels(_targetPixmap, _sampling))
            {
                error = "resampling to the network's input size failed";
                return false;
            }
        }

        WriteNormalised(chw);
        error = null;
        return true;
    }

    // JPEG can decode at 1/2, 1/4 or 1/8 scale far faster than at full size; use the smallest
    // such size whose crop still has at least H x W pixels, so quality is not lost.
    private SKSizeI DecodeSize(SKCodec codec, SKSizeI full)
    {
        SKRectI crop = CropRect(full);
        float needed = Math.Max((float)_options.Width / crop.Width, (float)_options.Height / crop.Height);
        if (needed >= 1f)
        {
            return full;
        }

        SKSizeI scaled = codec.GetScaledDimensions(needed);
        if (scaled.Width <= 0 || scaled.Height <= 0 || scaled.Width >= full.Width)
        {
            return full;
        }

        SKRectI scaledCrop = CropRect(scaled);
        return scaledCrop.Width >= _options.Width && scaledCrop.Height >= _options.Height ? scaled : full;
    }

    /// <summary>
    /// The source rectangle that becomes the output: the whole image for
    /// <see cref="ResizeMode.Stretch"/>, else the centred W x H crop of the image scaled so its
    /// shorter side is S, mapped back to source pixels (size rounded, offset floored).
    /// </summary>
    internal SKRectI CropRect(SKSizeI source)
    {
        if (_options.Resize == ResizeMode.Stretch)
        {
            return new SKRectI(0, 0, source.Width, source.Height);
        }

        int shorterSide = _options.ResizeShorterSide > 0 ? _options.ResizeShorterSide : Math.Max(_options.Height, _options.Width);
        double perOutputPixel = (double)Math.Min(source.Width, source.Height) / shorterSide;
        int width = Math.Clamp((int)Math.Round(_options.Width * perOutputPixel), 1, source.Width);
        int height = Math.Clamp((int)Math.Round(_options.Height * perOutputPixel), 1, source.Height);
        int left = (source.Width - width) / 2;
        int top = (source.Height - height) / 2;
        return new SKRectI(left, top, left + width, top + height);
    }

    // RGBA bytes, H x W -> C x H x W floats (pixel * scale[c] + offset[c]); alpha is ignored.
    private void WriteNormalised(Span<float> chw)
    {
        int plane = _options.Height * _options.Width;
        ReadOnlySpan<byte> rgba = _target;
        if (_options.Channels == 3)
        {
            Span<float> red = chw[..plane], green = chw.Slice(plane, plane), blue = chw.Slice(2 * plane, plane);
            float sr = _scale[0], sg = _scale[1], sb = _scale[2], or = _offset[0], og = _offset[1], ob = _offset[2];
            for (int i = 0; i < plane; i++)
            {
                red[i] = rgba[4 * i] * sr + or;
                green[i] = rgba[4 * i + 1] * sg + og;
                blue[i] = rgba[4 * i + 2] * sb + ob;
            }
        }
        else
        {
            Span<float> grey = chw[..plane];
            float s = _scale[0], o = _offset[0];
            for (int i = 0; i < plane; i++)
            {
                float luma = 0.299f * rgba[4 * i] + 0.587f * rgba[4 * i + 1] + 0.114f * rgba[4 * i + 2];
                grey[i] = luma * s + o;
            }
        }
    }

    // Reads the whole file into _file (grown as needed) and returns its length in bytes.
    private int ReadFile(string path)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(handle);
        if (length > Array.MaxLength)
        {
            throw new IOException($"the file is {length} bytes, more than an image may have");
        }

        if (_file.Length < length)
        {
            _file = new byte[Math.Min(Array.MaxLength, Math.Max(length, 2L * _file.Length))];
        }

        int total = 0;
        while (total < length)
        {
            int got = RandomAccess.Read(handle, _file.AsSpan(total, (int)length - total), total);
            if (got == 0)
            {
                break;
            }

            total += got;
        }

        return total;
    }

    /// <summary>Releases the target pixmap; the decoder cannot be used afterwards.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _targetPixmap.Dispose();
        }
    }
}
