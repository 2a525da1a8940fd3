using System;

namespace NetGen.Kernels;

/// <summary>
/// Winograd F(2x2, 3x3) forward for 3x3 stride-1 convolutions: each 2x2 block of outputs
/// (a tile) comes from a 4x4 block of input through 16 products per channel pair instead of
/// 36 (2.25x fewer multiply-adds). With d the 4x4 input block of one channel, g the 3x3 kernel
/// of one (output, input) channel pair:
/// <code>
/// U = G g G^T   (4x4, per k and c; precomputed by PackWinograd)
/// V = B^T d B   (4x4, per tile and c)
/// M = sum over c of U (.) V   (element-wise: 16 products of (tiles x C) by (C x K))
/// y = A^T M A   (2x2 outputs per tile and k)
/// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],
/// A^T = [1 1 1 0; 0 1 -1 -1]
/// </code>
/// The transforms use only 0, +-1 and 1/2, so results match the direct kernel to float
/// rounding. Tiles are processed in blocks of <see cref="WinogradTileBlock"/>; the workspace
/// holds one block's V (32 tiles, 16 taps, C) and M (32 tiles, 16 taps, K), tile-major so that
/// a tile's transforms read and write one contiguous run (16 x C floats) rather than 16 rows a
/// block apart, which for C = 32 or 64 all fell in one L1 set. The parts: the public entries
/// and their checks here, <c>Conv2D.WinogradPack.cs</c> (U), <c>Conv2D.WinogradRun.cs</c> (the
/// block loop), <c>Conv2D.WinogradTransforms.cs</c> (V and y, 16 channels per vector),
/// <c>Conv2D.WinogradMultiply.cs</c> (the 16 products, register-tiled), <c>Conv2D.WinogradChannels.cs</c>
/// (a range of output channels, for a layer split by channels).
/// <para>
/// Bands: a band of output rows from <see cref="TryRowBand"/> is a convolution of its own that
/// these entries take as is (its tiles start at the band's first row; an even first row keeps
/// the layer's tiles whole, so the band's outputs are the layer's bit for bit).
/// </para>
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>Tiles (2x2 output blocks) transformed and multiplied together; the workspace holds one block.</summary>
    public const int WinogradTileBlock = ConvKernelChoice.WinogradTileBlock;

    /// <summary>Transformed taps per channel pair: a 4x4 block.</summary>
    private const int WinogradTaps = ConvKernelChoice.WinogradTaps;

    /// <summary>
    /// Whether <see cref="ForwardWinograd(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> takes this convolution: 3x3 kernel, stride 1,
    /// no dilation, no groups, C and K multiples of 16 (any padding).
    /// </summary>
    public static bool SuitsWinograd(in Conv2DDims dims) => ConvKernelChoice.Winograd(dims.Shape);

    /// <summary>Floats of the transformed weights: 16 * C * K, laid out (16, K/16, C, 16).</summary>
    public static int WinogradWeightFloats(in Conv2DDims dims) => checked((int)ConvKernelChoice.WinogradWeightFloats(dims.Shape));

    /// <summary>Scratch floats <see cref="ForwardWinograd(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> and <see cref="ForwardWinogradMaxPool(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, in PoolDims, Activation, float)"/> need: one block's V and M, 16 * <see cref="WinogradTileBlock"/> * (C + K).</summary>
    public static int WinogradWorkspaceFloats(in Conv2DDims dims) => checked((int)ConvKernelChoice.WinogradWorkspaceFloats(dims.Shape));

    /// <summary>y = act(conv(x, w) + b) through Winograd F(2x2, 3x3). Overwrites y.</summary>
    /// <param name="y">(N, P, Q, K) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="winogradWeights">Weights transformed by <see cref="PackWinograd(Span{float}, ReadOnlySpan{float}, in Conv2DDims)"/>.</param>
    /// <param name="bias">(K), or empty for no bias.</param>
    /// <param name="workspace">At least <see cref="WinogradWorkspaceFloats"/> floats of scratch.</param>
    /// <param name="dims">The convolution; <see cref="SuitsWinograd"/> must hold.</param>
    /// <param name="activation">Activation fused into the store.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void ForwardWinograd(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> winogradWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation = Activation.None, float alpha = 0f) =>
        ForwardWinograd(y, x, winogradWeights, bias, workspace, dims, activation, alpha, KernelPath.Hardware);

    /// <summary><see cref="ForwardWinograd(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> on <paramref name="path"/>.</summary>
    internal static void ForwardWinograd(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> winogradWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation, float alpha, KernelPath path)
    {
        const string kernel = "Conv2D.ForwardWinograd";
        dims.Validate();
        RequireWinograd(kernel, dims);
        Check.Length(y.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(y), "N*P*Q*K");
        CheckWinogradInputs(kernel, x, winogradWeights, bias, workspace, dims);
        var tiles = new WinogradTiles((dims.P + 1) / 2, (dims.Q + 1) / 2, Pooled: false);
        WinogradRun(y, x, winogradWeights, bias, workspace, dims, tiles, activation, alpha, 0, dims.K, path);
    }

    /// <summary>
    /// y = maxpool2x2/2(act(conv(x, w) + b)) through Winograd F(2x2, 3x3): each tile is one pool
    /// window, so the convolution's outputs are never stored. Overwrites y.
    /// </summary>
    /// <param name="y">(N, P_pool, Q_pool, K) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="winogradWeights">Weights transformed by <see cref="PackWinograd(Span{float}, ReadOnlySpan{float}, in Conv2DDims)"/>.</param>
    /// <param name="bias">(K), or empty for none.</param>
    /// <param name="workspace">At least <see cref="WinogradWorkspaceFloats"/> floats.</param>
    /// <param name="conv">The convolution; <see cref="SuitsWinograd"/> must hold.</param>
    /// <param name="pool">A 2x2 stride-2 pool without padding over the convolution's output (floor mode).</param>
    /// <param name="activation">Activation fused before the pool.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void ForwardWinogradMaxPool(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> winogradWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims conv, in PoolDims pool, Activation activation = Activation.None, float alpha = 0f) =>
        ForwardWinogradMaxPool(y, x, winogradWeights, bias, workspace, conv, pool, activation, alpha, KernelPath.Hardware);

    /// <summary><see cref="ForwardWinogradMaxPool(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, in PoolDims, Activation, float)"/> on <paramref name="path"/>.</summary>
    internal static void ForwardWinogradMaxPool(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> winogradWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims conv, in PoolDims pool, Activation activation, float alpha, KernelPath path)
    {
        const string kernel = "Conv2D.ForwardWinogradMaxPool";
        conv.Validate();
        pool.Validate();
        RequireWinograd(kernel, conv);
        if (!SuitsWinogradMaxPool(conv, pool))
        {
            throw Check.Failure(kernel,
                $"the pool ({pool.R}x{pool.S}, stride {pool.StrideH}x{pool.StrideW}, padding {pool.PadTop},{pool.PadLeft}, output {pool.P}x{pool.Q}) " +
                $"over the convolution's ({conv.N}, {conv.P}, {conv.Q}, {conv.K}) output is not a 2x2 stride-2 floor-mode pool without padding.");
        }
        Check.Length(y.Length, (long)pool.N * pool.P * pool.Q * pool.C, kernel, nameof(y), "N*P_pool*Q_pool*K");
        CheckWinogradInputs(kernel, x, winogradWeights, bias, workspace, conv);
        var tiles = new WinogradTiles(pool.P, pool.Q, Pooled: true);
        WinogradRun(y, x, winogradWeights, bias, workspace, conv, tiles, activation, alpha, 0, conv.K, path);
    }

    /// <summary>Whether <see cref="ForwardWinogradMaxPool(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, in PoolDims, Activation, float)"/> takes this pool: 2x2, stride 2, no padding, P_pool = P/2 and Q_pool = Q/2 rounded down.</summary>
    public static bool SuitsWinogradMaxPool(in Conv2DDims conv, in PoolDims pool) =>
        pool.N == conv.N && pool.H == conv.P && pool.W == conv.Q && pool.C == conv.K &&
        ConvKernelChoice.WinogradPool(conv.Shape, pool.R, pool.S, pool.StrideH, pool.StrideW, pool.PadTop, pool.PadLeft, pool.P, pool.Q);

    private static void RequireWinograd(string kernel, in Conv2DDims dims)
    {
        if (!SuitsWinograd(dims))
        {
            throw Check.Failure(kernel,
                $"Winograd F(2x2, 3x3) takes a 3x3 stride-1 undilated convolution without groups, C and K multiples of 16; " +
                $"this one is {dims.R}x{dims.S}, stride {dims.StrideH}x{dims.StrideW}, dilation {dims.DilationH}x{dims.DilationW}, " +
                $"{dims.Groups} groups, C = {dims.C}, K = {dims.K}.");
        }
    }

    private static void CheckWinogradInputs(string kernel, ReadOnlySpan<float> x, ReadOnlySpan<float> winogradWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims)
    {
        Check.Length(x.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(x), "N*H*W*C");
        Check.Length(winogradWeights.Length, WinogradWeightFloats(dims), kernel, nameof(winogradWeights), "Conv2D.WinogradWeightFloats(dims)");
        if (bias.Length != 0)
        {
            Check.Length(bias.Length, dims.K, kernel, nameof(bias), "K");
        }
        Check.AtLeast(workspace.Length, WinogradWorkspaceFloats(dims), kernel, nameof(workspace), "Conv2D.WinogradWorkspaceFloats(dims)");
    }
}
