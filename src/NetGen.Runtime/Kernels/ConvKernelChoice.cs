// This file is compiled into NetGen.Runtime and, linked, into NetGen.Generator (netstandard2.0):
// plain C#, no runtime types, so that the generator (which emits the call and sizes its buffers)
// and the runtime (threading, the kernels' own checks) read one table. See docs/kernels.md.
namespace NetGen.Kernels;

/// <summary>The forward kernels of a convolution. All but <see cref="Winograd"/> take the same packed weights and workspace.</summary>
internal enum ConvKernel
{
    /// <summary>Conv2D.Forward: interior register tiles of 4 pixels x 64 channels, border kernels around them.</summary>
    Direct,

    /// <summary>Conv2D.Forward's depthwise path (groups = C = K): 16 channels per vector, one multiply-add per tap.</summary>
    Depthwise,

    /// <summary>Conv2D.ForwardRowTaps: an image stem, S x C taps of a kernel row as one loop.</summary>
    RowTaps,

    /// <summary>Conv2D.ForwardPixelTiles: pairs of 16-channel blocks over every pixel, weights kept in L2.</summary>
    PixelTiles,

    /// <summary>Conv2D.ForwardWinograd: F(2x2, 3x3), 16 products per channel pair and tile instead of 36.</summary>
    Winograd,
}

/// <summary>How a convolution followed by a max pool runs at inference (training runs them apart: the pool's backward reads the convolution's output).</summary>
internal enum ConvPoolKernel
{
    /// <summary>The two layers apart.</summary>
    None,

    /// <summary>Conv2D.ForwardMaxPool: the convolution rows a pool row reads, into scratch, pooled (in registers on a 2x2/2 interior).</summary>
    Direct,

    /// <summary>Conv2D.ForwardWinogradMaxPool: each 2x2 Winograd tile is one pool window.</summary>
    Winograd,
}

/// <summary>How a convolution's input gradient dX runs.</summary>
internal enum ConvBackwardKernel
{
    /// <summary>Conv2D.BackwardData scattering each output pixel's gradient into its R x S inputs (stride above 1, depthwise).</summary>
    Scatter,

    /// <summary>Conv2D.BackwardData as a convolution of dY with the kernel flipped, on the forward register tiles (stride 1).</summary>
    AsConvolution,

    /// <summary>Conv2D.BackwardDataWinograd, which overwrites dX: only where the layer is the first to write that gradient.</summary>
    Winograd,
}

/// <summary>
/// A convolution's shape as the kernel choice reads it, per sample: C channels in, K out, an R x S kernel,
/// strides, dilations, groups, top/left padding and the P x Q output.
/// </summary>
internal readonly struct ConvShape
{
    public ConvShape(int c, int k, int r, int s, int strideH, int strideW, int dilationH, int dilationW, int groups,
        int padTop, int padLeft, int p, int q)
    {
        C = c;
        K = k;
        R = r;
        S = s;
        StrideH = strideH;
        StrideW = strideW;
        DilationH = dilationH;
        DilationW = dilationW;
        Groups = groups;
        PadTop = padTop;
        PadLeft = padLeft;
        P = p;
        Q = q;
    }

    public int C { get; }
    public int K { get; }
    public int R { get; }
    public int S { get; }
    public int StrideH { get; }
    public int StrideW { get; }
    public int DilationH { get; }
    public int DilationW { get; }
    public int Groups { get; }
    public int PadTop { get; }
    public int PadLeft { get; }
    public int P { get; }
    public int Q { get; }
}

/// <summary>
/// The one table that decides which CPU kernel runs a convolution, for inference and training alike;
/// threading (LayerBands) only splits the chosen kernel's work, and the kernels check their
/// arguments against the same predicates. The measured reasons are in docs/kernels.md ("Kernel choice").
/// </summary>
internal static class ConvKernelChoice
{
    /// <summary>Lanes of one 512-bit register: packed weights come in blocks of 16 output channels.</summary>
    public const int Block = 16;

    /// <summary>Pixels per tile of the pixel-tile kernel.</summary>
    public const int PixelTilesWidth = 8;

    /// <summary>Output channels per tile of the row-tap kernel: 4 blocks of 16.</summary>
    public const int RowTapChannels = 4 * Block;

    /// <summary>Tiles (2x2 output blocks) the Winograd kernel transforms and multiplies together.</summary>
    public const int WinogradTileBlock = 32;

    /// <summary>Transformed taps per channel pair of Winograd F(2x2, 3x3): a 4x4 block.</summary>
    public const int WinogradTaps = 16;

    /// <summary>
    /// The forward kernel of a convolution run on its own (inference, and every training forward), first match wins:
    /// <list type="number">
    /// <item>Winograd: 3x3, stride 1, no dilation or groups, C and K multiples of 16 (2.25x fewer multiply-adds);</item>
    /// <item>depthwise: groups = C = K;</item>
    /// <item>row taps: no groups, C &lt;= 4, no horizontal dilation, K a multiple of 64 (an image stem);</item>
    /// <item>pixel tiles: no groups, K a multiple of 32, C &gt;= 16, at least 32 output pixels per sample;</item>
    /// <item>otherwise the direct kernel.</item>
    /// </list>
    /// </summary>
    public static ConvKernel Forward(in ConvShape s)
    {
        return Winograd(s) ? ConvKernel.Winograd : ForwardPacked(s);
    }

    /// <summary>
    /// <see cref="Forward"/> where only the packed weights exist (no Winograd transform: a caller such as
    /// LayerBands.Conv2DForward, or the convolutions inside a separable or transposed layer): Winograd falls back
    /// to the next row of the table.
    /// </summary>
    public static ConvKernel ForwardPacked(in ConvShape s)
    {
        if (IsDepthwise(s)) return ConvKernel.Depthwise;
        if (RowTaps(s)) return ConvKernel.RowTaps;
        if (PixelTilesWin(s)) return ConvKernel.PixelTiles;
        return ConvKernel.Direct;
    }

    /// <summary>
    /// A convolution whose output only a max pool reads, at inference (windows inside the convolution's output,
    /// checked by the caller): Winograd with a 2x2 stride-2 unpadded floor-mode pool, else the direct pooled kernel.
    /// </summary>
    /// <param name="s">The convolution.</param>
    /// <param name="poolR">Pool window height.</param>
    /// <param name="poolS">Pool window width.</param>
    /// <param name="poolStrideH">Pool stride down.</param>
    /// <param name="poolStrideW">Pool stride across.</param>
    /// <param name="poolPadTop">Pool top padding.</param>
    /// <param name="poolPadLeft">Pool left padding.</param>
    /// <param name="poolP">Pool output height.</param>
    /// <param name="poolQ">Pool output width.</param>
    public static ConvPoolKernel ForwardPooled(in ConvShape s, int poolR, int poolS, int poolStrideH, int poolStrideW,
        int poolPadTop, int poolPadLeft, int poolP, int poolQ) =>
        Winograd(s) && WinogradPool(s, poolR, poolS, poolStrideH, poolStrideW, poolPadTop, poolPadLeft, poolP, poolQ)
            ? ConvPoolKernel.Winograd
            : ConvPoolKernel.Direct;

    /// <summary>
    /// The input gradient's kernel: Winograd where the gradient convolution suits it and the layer starts the
    /// gradient (<paramref name="startsGradient"/>: Winograd overwrites dX), a convolution of dY with stride 1
    /// and padding within the kernel's reach, else the scatter kernel.
    /// </summary>
    public static ConvBackwardKernel BackwardData(in ConvShape s, bool startsGradient)
    {
        if (!BackwardAsConvolution(s)) return ConvBackwardKernel.Scatter;
        return startsGradient && Winograd(s) ? ConvBackwardKernel.Winograd : ConvBackwardKernel.AsConvolution;
    }

    /// <summary>Whether Conv2D.ForwardWinograd takes this convolution: 3x3, stride 1, no dilation, no groups, C and K multiples of 16.</summary>
    public static bool Winograd(in ConvShape s) =>
        s.R == 3 && s.S == 3 && s.StrideH == 1 && s.StrideW == 1 && s.DilationH == 1 && s.DilationW == 1 &&
        s.Groups == 1 && s.C % Block == 0 && s.K % Block == 0;

    /// <summary>Whether the Winograd pooled kernel takes this pool: 2x2, stride 2, no padding, output P/2 x Q/2 rounded down.</summary>
    public static bool WinogradPool(in ConvShape s, int poolR, int poolS, int poolStrideH, int poolStrideW,
        int poolPadTop, int poolPadLeft, int poolP, int poolQ) =>
        poolR == 2 && poolS == 2 && poolStrideH == 2 && poolStrideW == 2 && poolPadTop == 0 && poolPadLeft == 0 &&
        poolP == s.P / 2 && poolQ == s.Q / 2;

    /// <summary>A depthwise convolution with multiplier 1: groups = C = K.</summary>
    public static bool IsDepthwise(in ConvShape s) => s.Groups > 1 && s.Groups == s.C && s.K == s.C;

    /// <summary>Whether Conv2D.ForwardRowTaps can run this convolution: no groups, C &lt;= 4, no horizontal dilation, K a multiple of 64.</summary>
    public static bool RowTaps(in ConvShape s) =>
        s.Groups == 1 && s.C <= 4 && s.DilationW == 1 && s.K % RowTapChannels == 0;

    /// <summary>Whether Conv2D.ForwardPixelTiles can run this convolution: no groups, K a multiple of 32.</summary>
    public static bool PixelTiles(in ConvShape s) => s.Groups == 1 && s.K % (2 * Block) == 0;

    /// <summary>Whether pixel tiles beat the direct kernel: they can run it, C &gt;= 16 and at least 4 tiles of output pixels per sample.</summary>
    public static bool PixelTilesWin(in ConvShape s) =>
        PixelTiles(s) && s.C >= Block && (long)s.P * s.Q >= 4 * PixelTilesWidth;

    /// <summary>
    /// Inside the direct pooled kernel, on a 2x2/2 pool whose windows lie in the interior: the one-channel 3x3
    /// path keeps 9 taps x 2 weight vectors in registers for the whole layer.
    /// </summary>
    public static bool OneChannelPooled(in ConvShape s) =>
        s.C == 1 && s.Groups == 1 && s.R == 3 && s.S == 3 && s.DilationW == 1;

    /// <summary>With stride 1 and padding within the dilated kernel's reach, dX is a convolution of dY (not for depthwise).</summary>
    public static bool BackwardAsConvolution(in ConvShape s) =>
        !IsDepthwise(s) && s.StrideH == 1 && s.StrideW == 1 &&
        s.PadTop <= (s.R - 1) * s.DilationH && s.PadLeft <= (s.S - 1) * s.DilationW;

    /// <summary>Floats of the Winograd-transformed weights: 16 * C * K.</summary>
    public static long WinogradWeightFloats(in ConvShape s) => (long)WinogradTaps * s.C * s.K;

    /// <summary>Scratch of the Winograd kernels: one block's transformed inputs and products, 16 * 32 * (C + K).</summary>
    public static long WinogradWorkspaceFloats(in ConvShape s) => (long)WinogradTaps * WinogradTileBlock * (s.C + s.K);
}
