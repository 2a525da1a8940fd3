namespace NetGen.Kernels;

/// <summary>
/// Dimensions of a 2-D pooling window: input (N, H, W, C) channels-last, output (N, P, Q, C),
/// window R x S. Ceil mode is already folded into P and Q.
/// </summary>
public readonly record struct PoolDims
{
    /// <summary>Batch.</summary>
    public int N { get; init; }
    /// <summary>Input height.</summary>
    public int H { get; init; }
    /// <summary>Input width.</summary>
    public int W { get; init; }
    /// <summary>Channels (in and out).</summary>
    public int C { get; init; }
    /// <summary>Window height.</summary>
    public int R { get; init; }
    /// <summary>Window width.</summary>
    public int S { get; init; }
    /// <summary>Output height.</summary>
    public int P { get; init; }
    /// <summary>Output width.</summary>
    public int Q { get; init; }
    /// <summary>Vertical stride.</summary>
    public int StrideH { get; init; }
    /// <summary>Horizontal stride.</summary>
    public int StrideW { get; init; }
    /// <summary>Padding rows above the input.</summary>
    public int PadTop { get; init; }
    /// <summary>Padding columns left of the input.</summary>
    public int PadLeft { get; init; }
    /// <summary>Padding rows below the input: only an average pool that counts padding reads it (its divisor).</summary>
    public int PadBottom { get; init; }
    /// <summary>Padding columns right of the input (see <see cref="PadBottom"/>).</summary>
    public int PadRight { get; init; }

    /// <summary>
    /// Dimensions with P and Q computed as PyTorch does: floor (or ceil) of
    /// (H + padTop + padBottom - R) / stride, plus 1; in ceil mode a last window that would
    /// start inside the bottom/right padding is dropped.
    /// </summary>
    public static PoolDims Create(
        int n, int h, int w, int c, int r, int s, int strideH, int strideW,
        int padTop = 0, int padBottom = 0, int padLeft = 0, int padRight = 0, bool ceilMode = false)
    {
        var dims = new PoolDims
        {
            N = n, H = h, W = w, C = c, R = r, S = s,
            P = OutputSize(h, r, strideH, padTop, padBottom, ceilMode),
            Q = OutputSize(w, s, strideW, padLeft, padRight, ceilMode),
            StrideH = strideH, StrideW = strideW, PadTop = padTop, PadLeft = padLeft,
            PadBottom = padBottom, PadRight = padRight,
        };
        dims.Validate();
        return dims;
    }

    /// <summary>One spatial output size, PyTorch's rule (see <see cref="Create"/>).</summary>
    public static int OutputSize(int size, int window, int stride, int padBefore, int padAfter, bool ceilMode)
    {
        int span = size + padBefore + padAfter - window;
        int outSize = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceilMode && (outSize - 1) * stride >= size + padBefore)
        {
            outSize--;
        }
        return outSize;
    }

    /// <summary>Throws <see cref="System.ArgumentException"/> naming the first inconsistent dimension.</summary>
    public void Validate()
    {
        const string owner = nameof(PoolDims);
        Check.NonNegative(N, owner, nameof(N));
        Check.Positive(H, owner, nameof(H));
        Check.Positive(W, owner, nameof(W));
        Check.Positive(C, owner, nameof(C));
        Check.Positive(R, owner, nameof(R));
        Check.Positive(S, owner, nameof(S));
        Check.Positive(P, owner, nameof(P));
        Check.Positive(Q, owner, nameof(Q));
        Check.Positive(StrideH, owner, nameof(StrideH));
        Check.Positive(StrideW, owner, nameof(StrideW));
        Check.NonNegative(PadTop, owner, nameof(PadTop));
        Check.NonNegative(PadLeft, owner, nameof(PadLeft));
        Check.NonNegative(PadBottom, owner, nameof(PadBottom));
        Check.NonNegative(PadRight, owner, nameof(PadRight));
        // Every window must overlap the input, or a max pool has nothing to take.
        if (!(PadTop < R && PadLeft < S))
        {
            throw Check.Failure(owner, $"padding ({PadTop} top, {PadLeft} left) must be smaller than the window {R}x{S}.");
        }
        if (!((P - 1) * StrideH - PadTop < H && (Q - 1) * StrideW - PadLeft < W))
        {
            throw Check.Failure(owner, $"output {P}x{Q} has windows that start past the input {H}x{W}.");
        }
    }
}
