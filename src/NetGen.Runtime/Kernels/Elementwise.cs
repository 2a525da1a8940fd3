using System;

namespace NetGen.Kernels;

/// <summary>
/// Element-wise joins of two tensors: residual Add, same-shape Multiply, and the
/// squeeze-and-excitation Gate that scales each channel of x (N, H, W, C) by s (N, C).
/// Gradients accumulate with +=; Add's backward is <see cref="AccumulateGradient"/> once per input.
/// </summary>
public static partial class Elementwise
{
    /// <summary>y = a + b. Overwrites y; y may be a or b.</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="a">(F) first input.</param>
    /// <param name="b">(F) second input.</param>
    public static void Add(Span<float> y, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Check.Length(a.Length, y.Length, "Elementwise.Add", nameof(a), "y.Length");
        Check.Length(b.Length, y.Length, "Elementwise.Add", nameof(b), "y.Length");
        if (y.Overlaps(b))
        {
            // y is b: copying a first would overwrite it.
            Reduce.AddInto(y, a);
            return;
        }
        a.CopyTo(y);
        Reduce.AddInto(y, b);
    }

    /// <summary>dX += dY: the backward of Add for each of its inputs (and of any identity edge).</summary>
    /// <param name="dX">(F) input gradient, accumulated.</param>
    /// <param name="dY">(F) output gradient.</param>
    public static void AccumulateGradient(Span<float> dX, ReadOnlySpan<float> dY)
    {
        Check.Length(dY.Length, dX.Length, "Elementwise.AccumulateGradient", nameof(dY), "dX.Length");
        Reduce.AddInto(dX, dY);
    }

    /// <summary>y = a * b. Overwrites y. Backward needs a and b.</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="a">(F) first input.</param>
    /// <param name="b">(F) second input.</param>
    public static void Multiply(Span<float> y, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Check.Length(a.Length, y.Length, "Elementwise.Multiply", nameof(a), "y.Length");
        Check.Length(b.Length, y.Length, "Elementwise.Multiply", nameof(b), "y.Length");
        y.Clear();
        Reduce.AddProductInto(y, a, b);
    }

    /// <summary>dA += dY * b; dB += dY * a.</summary>
    /// <param name="dA">(F) accumulated.</param>
    /// <param name="dB">(F) accumulated.</param>
    /// <param name="dY">(F) output gradient.</param>
    /// <param name="a">(F) forward input a.</param>
    /// <param name="b">(F) forward input b.</param>
    public static void MultiplyBackward(Span<float> dA, Span<float> dB, ReadOnlySpan<float> dY, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        const string kernel = "Elementwise.MultiplyBackward";
        Check.Length(dB.Length, dA.Length, kernel, nameof(dB), "dA.Length");
        Check.Length(dY.Length, dA.Length, kernel, nameof(dY), "dA.Length");
        Check.Length(a.Length, dA.Length, kernel, nameof(a), "dA.Length");
        Check.Length(b.Length, dA.Length, kernel, nameof(b), "dA.Length");
        Reduce.AddProductInto(dA, dY, b);
        Reduce.AddProductInto(dB, dY, a);
    }

    /// <summary>y[n, i, c] = x[n, i, c] * s[n, c] for every pixel i. Overwrites y. Backward needs x and s.</summary>
    /// <param name="y">(N, H*W, C) output.</param>
    /// <param name="x">(N, H*W, C) input.</param>
    /// <param name="s">(N, C) per-channel gate.</param>
    /// <param name="n">Batch N.</param>
    /// <param name="pixels">H * W.</param>
    /// <param name="c">Channels C.</param>
    public static void Gate(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> s, int n, int pixels, int c)
    {
        Check.Length(y.Length, (long)n * pixels * c, "Elementwise.Gate", nameof(y), "N*H*W*C");
        Check.Length(x.Length, (long)n * pixels * c, "Elementwise.Gate", nameof(x), "N*H*W*C");
        Check.Length(s.Length, (long)n * c, "Elementwise.Gate", nameof(s), "N*C");
        y.Clear();
        for (int b = 0; b < n; b++)
        {
            var sr = s.Slice(b * c, c);
            for (int i = 0; i < pixels; i++)
            {
                int o = (b * pixels + i) * c;
                Reduce.AddProductInto(y.Slice(o, c), x.Slice(o, c), sr);
            }
        }
    }

    /// <summary>dX += dY * s (broadcast over pixels); dS[n, c] += sum over pixels of dY * x.</summary>
    /// <param name="dX">(N, H*W, C) accumulated.</param>
    /// <param name="dS">(N, C) accumulated.</param>
    /// <param name="dY">(N, H*W, C) output gradient.</param>
    /// <param name="x">(N, H*W, C) forward input.</param>
    /// <param name="s">(N, C) forward gate.</param>
    /// <param name="n">Batch N.</param>
    /// <param name="pixels">H * W.</param>
    /// <param name="c">Channels C.</param>
    public static void GateBackward(Span<float> dX, Span<float> dS, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, ReadOnlySpan<float> s, int n, int pixels, int c)
    {
        const string kernel = "Elementwise.GateBackward";
        Check.Length(dX.Length, (long)n * pixels * c, kernel, nameof(dX), "N*H*W*C");
        Check.Length(dY.Length, (long)n * pixels * c, kernel, nameof(dY), "N*H*W*C");
        Check.Length(x.Length, (long)n * pixels * c, kernel, nameof(x), "N*H*W*C");
        Check.Length(dS.Length, (long)n * c, kernel, nameof(dS), "N*C");
        Check.Length(s.Length, (long)n * c, kernel, nameof(s), "N*C");
        for (int b = 0; b < n; b++)
        {
            var sr = s.Slice(b * c, c);
            var dsr = dS.Slice(b * c, c);
            for (int i = 0; i < pixels; i++)
            {
                int o = (b * pixels + i) * c;
                Reduce.AddProductInto(dX.Slice(o, c), dY.Slice(o, c), sr);
                Reduce.AddProductInto(dsr, dY.Slice(o, c), x.Slice(o, c));
            }
        }
    }
}

/// <summary>
/// Channel concatenation in channels-last layout: the output (M, Ctotal) holds each input
/// (M, Ci) at a channel offset, M = N * H * W. Generated code calls <see cref="Forward"/>
/// once per input (no array of spans); backward needs nothing saved.
/// </summary>
public static class Concat
{
    /// <summary>y[m, offset + i] = x[m, i]. Writes only this input's channels of y.</summary>
    /// <param name="y">(M, Ctotal) output.</param>
    /// <param name="x">(M, Ci) one input.</param>
    /// <param name="rows">M.</param>
    /// <param name="outChannels">Ctotal.</param>
    /// <param name="offset">First channel of this input in y.</param>
    public static void Forward(Span<float> y, ReadOnlySpan<float> x, int rows, int outChannels, int offset)
    {
        int c = Channels(y.Length, x.Length, rows, outChannels, offset, "Concat.Forward");
        for (int m = 0; m < rows; m++)
        {
            x.Slice(m * c, c).CopyTo(y.Slice(m * outChannels + offset, c));
        }
    }

    /// <summary>dX[m, i] += dY[m, offset + i].</summary>
    /// <param name="dX">(M, Ci) one input's gradient, accumulated.</param>
    /// <param name="dY">(M, Ctotal) output gradient.</param>
    /// <param name="rows">M.</param>
    /// <param name="outChannels">Ctotal.</param>
    /// <param name="offset">First channel of this input in y.</param>
    public static void Backward(Span<float> dX, ReadOnlySpan<float> dY, int rows, int outChannels, int offset)
    {
        int c = Channels(dY.Length, dX.Length, rows, outChannels, offset, "Concat.Backward");
        for (int m = 0; m < rows; m++)
        {
            Reduce.AddInto(dX.Slice(m * c, c), dY.Slice(m * outChannels + offset, c));
        }
    }

    private static int Channels(int outLength, int inLength, int rows, int outChannels, int offset, string kernel)
    {
        Check.Positive(rows, kernel, nameof(rows));
        Check.Length(outLength, (long)rows * outChannels, kernel, "y", "M*Ctotal");
        if (!(inLength % rows == 0))
        {
            throw Check.Failure(kernel, $"the input's {inLength} floats are not M = {rows} rows.");
        }
        int c = inLength / rows;
        if (!(offset >= 0 && offset + c <= outChannels))
        {
            throw Check.Failure(kernel, $"channels [{offset}, {offset + c}) do not fit in the output's {outChannels}.");
        }
        return c;
    }
}
