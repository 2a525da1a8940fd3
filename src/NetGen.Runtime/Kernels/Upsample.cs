using System;

namespace NetGen.Kernels;

/// <summary>Dimensions of an integer-factor upsampling: x (N, H, W, C) to y (N, H * ScaleH, W * ScaleW, C).</summary>
/// <param name="N">Batch.</param>
/// <param name="H">Input height.</param>
/// <param name="W">Input width.</param>
/// <param name="C">Channels.</param>
/// <param name="ScaleH">Vertical factor.</param>
/// <param name="ScaleW">Horizontal factor.</param>
public readonly record struct UpsampleDims(int N, int H, int W, int C, int ScaleH, int ScaleW)
{
    /// <summary>Output height.</summary>
    public int P => H * ScaleH;

    /// <summary>Output width.</summary>
    public int Q => W * ScaleW;
}

/// <summary>
/// Upsampling by integer factors, channels-last, each output pixel a weighted sum of whole
/// input channel rows (vectorised over C). Nearest copies x[p / scale]; bilinear follows
/// PyTorch's align_corners=false: source = (p + 0.5) / scale - 0.5, clamped at 0, between the
/// two nearest rows (the last row repeated at the edge). Backward needs nothing saved; dX accumulates.
/// </summary>
public static class Upsample
{
    /// <summary>y = x upsampled. Overwrites y.</summary>
    /// <param name="y">(N, P, Q, C) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="dims">The upsampling.</param>
    /// <param name="bilinear">Bilinear instead of nearest.</param>
    public static void Forward(Span<float> y, ReadOnlySpan<float> x, in UpsampleDims dims, bool bilinear)
    {
        CheckLengths("Upsample.Forward", y.Length, x.Length, dims);
        UpsampleDims d = dims;
        int c = d.C;
        for (int n = 0; n < d.N; n++)
        {
            for (int p = 0; p < d.P; p++)
            {
                Source(p, d.H, d.ScaleH, bilinear, out int h0, out int h1, out float lh);
                for (int q = 0; q < d.Q; q++)
                {
                    Source(q, d.W, d.ScaleW, bilinear, out int w0, out int w1, out float lw);
                    var yp = y.Slice(((n * d.P + p) * d.Q + q) * c, c);
                    if (!bilinear)
                    {
                        x.Slice(((n * d.H + h0) * d.W + w0) * c, c).CopyTo(yp);
                        continue;
                    }
                    yp.Clear();
                    Reduce.AddScaledInto(yp, x.Slice(((n * d.H + h0) * d.W + w0) * c, c), (1 - lh) * (1 - lw));
                    Reduce.AddScaledInto(yp, x.Slice(((n * d.H + h0) * d.W + w1) * c, c), (1 - lh) * lw);
                    Reduce.AddScaledInto(yp, x.Slice(((n * d.H + h1) * d.W + w0) * c, c), lh * (1 - lw));
                    Reduce.AddScaledInto(yp, x.Slice(((n * d.H + h1) * d.W + w1) * c, c), lh * lw);
                }
            }
        }
    }

    /// <summary>dX += the transpose of forward applied to dY.</summary>
    /// <param name="dX">(N, H, W, C) accumulated.</param>
    /// <param name="dY">(N, P, Q, C) output gradient.</param>
    /// <param name="dims">The upsampling.</param>
    /// <param name="bilinear">Bilinear instead of nearest.</param>
    public static void Backward(Span<float> dX, ReadOnlySpan<float> dY, in UpsampleDims dims, bool bilinear)
    {
        CheckLengths("Upsample.Backward", dY.Length, dX.Length, dims);
        UpsampleDims d = dims;
        int c = d.C;
        for (int n = 0; n < d.N; n++)
        {
            for (int p = 0; p < d.P; p++)
            {
                Source(p, d.H, d.ScaleH, bilinear, out int h0, out int h1, out float lh);
                for (int q = 0; q < d.Q; q++)
                {
                    Source(q, d.W, d.ScaleW, bilinear, out int w0, out int w1, out float lw);
                    var g = dY.Slice(((n * d.P + p) * d.Q + q) * c, c);
                    if (!bilinear)
                    {
                        Reduce.AddInto(dX.Slice(((n * d.H + h0) * d.W + w0) * c, c), g);
                        continue;
                    }
                    Reduce.AddScaledInto(dX.Slice(((n * d.H + h0) * d.W + w0) * c, c), g, (1 - lh) * (1 - lw));
                    Reduce.AddScaledInto(dX.Slice(((n * d.H + h0) * d.W + w1) * c, c), g, (1 - lh) * lw);
                    Reduce.AddScaledInto(dX.Slice(((n * d.H + h1) * d.W + w0) * c, c), g, lh * (1 - lw));
                    Reduce.AddScaledInto(dX.Slice(((n * d.H + h1) * d.W + w1) * c, c), g, lh * lw);
                }
            }
        }
    }

    /// <summary>Input indices i0, i1 and the weight of i1 for output index o (weight 0 for nearest).</summary>
    private static void Source(int o, int size, int scale, bool bilinear, out int i0, out int i1, out float weight1)
    {
        if (!bilinear)
        {
            i0 = i1 = o / scale;
            weight1 = 0f;
            return;
        }
        float src = Math.Max(0f, (o + 0.5f) / scale - 0.5f);
        i0 = Math.Min((int)src, size - 1);
        i1 = Math.Min(i0 + 1, size - 1);
        weight1 = src - i0;
    }

    private static void CheckLengths(string kernel, int outLength, int inLength, in UpsampleDims d)
    {
        Check.Positive(d.ScaleH, kernel, nameof(d.ScaleH));
        Check.Positive(d.ScaleW, kernel, nameof(d.ScaleW));
        Check.Length(outLength, (long)d.N * d.P * d.Q * d.C, kernel, "y", "N*P*Q*C");
        Check.Length(inLength, (long)d.N * d.H * d.W * d.C, kernel, "x", "N*H*W*C");
    }
}
