namespace NetGen.Kernels;

/// <summary>
/// Every dimension of one transposed 2-D convolution: input (N, H, W, C), output (N, P, Q, K),
/// kernel R x S, with P = (H - 1) * strideH - padTop - padBottom + (R - 1) * dilationH + 1 + outputPaddingH
/// (Q likewise), as PyTorch's ConvTranspose2d.
/// </summary>
public readonly record struct Conv2DTransposeDims
{
    /// <summary>Batch.</summary>
    public int N { get; init; }
    /// <summary>Input height.</summary>
    public int H { get; init; }
    /// <summary>Input width.</summary>
    public int W { get; init; }
    /// <summary>Input channels.</summary>
    public int C { get; init; }
    /// <summary>Output channels.</summary>
    public int K { get; init; }
    /// <summary>Kernel height.</summary>
    public int R { get; init; }
    /// <summary>Kernel width.</summary>
    public int S { get; init; }
    /// <summary>Output height.</summary>
    public int P { get; init; }
    /// <summary>Output width.</summary>
    public int Q { get; init; }
    /// <summary>Vertical stride (upsampling factor).</summary>
    public int StrideH { get; init; }
    /// <summary>Horizontal stride.</summary>
    public int StrideW { get; init; }
    /// <summary>Rows cropped from the top of the full output.</summary>
    public int PadTop { get; init; }
    /// <summary>Columns cropped from the left of the full output.</summary>
    public int PadLeft { get; init; }
    /// <summary>Vertical dilation.</summary>
    public int DilationH { get; init; }
    /// <summary>Horizontal dilation.</summary>
    public int DilationW { get; init; }
    /// <summary>Groups.</summary>
    public int Groups { get; init; }

    /// <summary>Dimensions with P and Q computed by PyTorch's rule (see the type's summary).</summary>
    public static Conv2DTransposeDims Create(
        int n, int h, int w, int c, int k, int r, int s,
        int strideH = 1, int strideW = 1,
        int padTop = 0, int padBottom = 0, int padLeft = 0, int padRight = 0,
        int outputPaddingH = 0, int outputPaddingW = 0, int dilationH = 1, int dilationW = 1, int groups = 1)
    {
        var dims = new Conv2DTransposeDims
        {
            N = n, H = h, W = w, C = c, K = k, R = r, S = s,
            P = (h - 1) * strideH - padTop - padBottom + (r - 1) * dilationH + 1 + outputPaddingH,
            Q = (w - 1) * strideW - padLeft - padRight + (s - 1) * dilationW + 1 + outputPaddingW,
            StrideH = strideH, StrideW = strideW, PadTop = padTop, PadLeft = padLeft,
            DilationH = dilationH, DilationW = dilationW, Groups = groups,
        };
        dims.AsConvolution().Validate();
        return dims;
    }

    /// <summary>
    /// The convolution this one is the transpose of (its gradient): input (N, P, Q, K), output
    /// (N, H, W, C), weights (C, K/G, R, S), which is exactly PyTorch's ConvTranspose2d layout.
    /// </summary>
    public Conv2DDims AsConvolution() => new()
    {
        N = N, H = P, W = Q, C = K, K = C, R = R, S = S, P = H, Q = W,
        StrideH = StrideH, StrideW = StrideW, PadTop = PadTop, PadLeft = PadLeft,
        DilationH = DilationH, DilationW = DilationW, Groups = Groups,
    };
}
