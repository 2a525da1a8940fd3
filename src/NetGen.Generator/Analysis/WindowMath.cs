using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>One spatial axis of a sliding window: the output size, and the sizes a diagnostic reports.</summary>
/// <param name="Output">P (or Q); may be zero or negative, which the caller reports.</param>
/// <param name="Padded">The input with its padding, which the effective kernel must fit.</param>
/// <param name="Kernel">The effective kernel, (R - 1) x dilation + 1.</param>
internal readonly record struct AxisSize(long Output, long Padded, long Kernel)
{
    public bool KernelTooLarge => Kernel > Padded;
}

/// <summary>
/// Output sizes of convolution, pooling and transposed convolution along one axis, as
/// docs/cnn-language.md defines them. All arithmetic in long: a transposed convolution or a
/// large stride can leave the int range, which the caller then reports.
/// </summary>
internal static class WindowMath
{
    /// <summary>
    /// Convolution or pooling. Valid: P = floor((H - k) / s) + 1 with k = (R - 1) d + 1.
    /// Same (Keras/TensorFlow): P = ceil(H / s), whatever the kernel, because padding of
    /// max((P - 1) s + k - H, 0) is added (the odd pixel at the bottom/right).
    /// Explicit: H is padded by <paramref name="padBefore"/> + <paramref name="padAfter"/> first.
    /// With <paramref name="ceil"/> (pooling), ceil replaces floor, and as in PyTorch a last
    /// window that would start past the input and the leading padding is dropped.
    /// </summary>
    public static AxisSize Window(long input, int kernel, int stride, int dilation, PaddingMode padding,
        int padBefore, int padAfter, bool ceil)
    {
        long k = (long)(kernel - 1) * dilation + 1;
        if (padding == PaddingMode.Same) return new AxisSize(CeilDiv(input, stride), input + SamePadding(input, kernel, stride, dilation), k);

        long before = padding == PaddingMode.Explicit ? padBefore : 0;
        long padded = input + before + (padding == PaddingMode.Explicit ? padAfter : 0);
        if (padded < k) return new AxisSize(0, padded, k);
        long span = padded - k;
        long output = ceil ? CeilDiv(span, stride) + 1 : span / stride + 1;
        if (ceil && (output - 1) * stride >= input + before) output--;
        return new AxisSize(output, padded, k);
    }

    /// <summary>Total 'same' padding on one axis: max((ceil(H / s) - 1) s + k - H, 0); the larger half goes after.</summary>
    public static long SamePadding(long input, int kernel, int stride, int dilation)
    {
        long k = (long)(kernel - 1) * dilation + 1;
        long total = (CeilDiv(input, stride) - 1) * stride + k - input;
        return total > 0 ? total : 0;
    }

    /// <summary>
    /// Transposed convolution (PyTorch): P = (H - 1) s - pad_before - pad_after + (R - 1) d + 1 + output_padding;
    /// with 'same', P = H s (Keras). Valid has no padding.
    /// </summary>
    public static long Transposed(long input, int kernel, int stride, int dilation, PaddingMode padding,
        int padBefore, int padAfter, int outputPadding)
    {
        if (padding == PaddingMode.Same) return input * stride;
        long k = (long)(kernel - 1) * dilation + 1;
        long pads = padding == PaddingMode.Explicit ? (long)padBefore + padAfter : 0;
        return (input - 1) * stride - pads + k + outputPadding;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
