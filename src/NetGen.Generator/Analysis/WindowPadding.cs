using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// A window op's padding on each side, as the kernels take it (explicit rows and columns), so
/// the code that runs a layer gets exactly the output size analysis computed.
/// For a transposed convolution, Top/Bottom/Left/Right are rows and columns cropped from the
/// full output (PyTorch's padding), and OutputPaddingH/W are rows and columns added at the
/// bottom and right.
/// </summary>
public readonly record struct WindowPadding(int Top, int Bottom, int Left, int Right, int OutputPaddingH = 0, int OutputPaddingW = 0)
{
    /// <summary>
    /// Convolution (conv2d, depthwise, separable) or pooling on a (C, H, W) input. Valid: none.
    /// Same (Keras/TensorFlow): max((ceil(H / s) - 1) s + (R - 1) d + 1 - H, 0) in total, the
    /// smaller half before, the odd pixel after. Explicit: as given. With these pads,
    /// P = floor((H + top + bottom - ((R - 1) d + 1)) / s) + 1 (ceil for a ceil-mode pool).
    /// </summary>
    public static WindowPadding ForWindow(LayerArgs args, Shape input)
    {
        switch (args.Padding)
        {
            case PaddingMode.Same:
                int h = (int)WindowMath.SamePadding(input.H, args.KernelH, args.StrideH, args.DilationH);
                int w = (int)WindowMath.SamePadding(input.W, args.KernelW, args.StrideW, args.DilationW);
                return new WindowPadding(h / 2, h - h / 2, w / 2, w - w / 2);
            case PaddingMode.Explicit:
                return new WindowPadding(args.PadTop, args.PadBottom, args.PadLeft, args.PadRight);
            default:
                return default;
        }
    }

    /// <summary>
    /// Transposed convolution, P = (H - 1) s - top - bottom + (R - 1) d + 1 + output padding.
    /// Same (Keras, P = H s): the transpose of a 'same' convolution from H s to H, which pads
    /// max(k - s, 0) with k = (R - 1) d + 1, the smaller half on top: that many are cropped, and
    /// when k &lt; s the s - k missing rows are output padding. Valid: nothing cropped.
    /// Explicit: the pads and output padding as given.
    /// </summary>
    public static WindowPadding ForTransposed(LayerArgs args)
    {
        switch (args.Padding)
        {
            case PaddingMode.Same:
                var (top, bottom, extraH) = SameTransposed(args.KernelH, args.StrideH, args.DilationH);
                var (left, right, extraW) = SameTransposed(args.KernelW, args.StrideW, args.DilationW);
                return new WindowPadding(top, bottom, left, right, extraH, extraW);
            case PaddingMode.Explicit:
                return new WindowPadding(args.PadTop, args.PadBottom, args.PadLeft, args.PadRight, args.OutputPadding, args.OutputPadding);
            default:
                return new WindowPadding(0, 0, 0, 0, args.OutputPadding, args.OutputPadding);
        }
    }

    private static (int Before, int After, int Extra) SameTransposed(int kernel, int stride, int dilation)
    {
        int k = (kernel - 1) * dilation + 1;
        int crop = k > stride ? k - stride : 0;
        return (crop / 2, crop - crop / 2, k < stride ? stride - k : 0);
    }
}
