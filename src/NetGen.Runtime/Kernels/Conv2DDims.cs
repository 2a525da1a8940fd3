namespace NetGen.Kernels;

/// <summary>
/// Every dimension of one 2-D convolution, in the glossary's letters (docs/kernels.md):
/// input (N, H, W, C) channels-last, output (N, P, Q, K), kernel R x S. The generator emits
/// these as constants; kernels copy them into locals before looping. Padding on the bottom
/// and right is implied by P and Q (it only decides how many outputs there are).
/// </summary>
public readonly record struct Conv2DDims
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
    /// <summary>Vertical stride.</summary>
    public int StrideH { get; init; }
    /// <summary>Horizontal stride.</summary>
    public int StrideW { get; init; }
    /// <summary>Zero rows above the input.</summary>
    public int PadTop { get; init; }
    /// <summary>Zero columns left of the input.</summary>
    public int PadLeft { get; init; }
    /// <summary>Vertical dilation (1 = dense kernel).</summary>
    public int DilationH { get; init; }
    /// <summary>Horizontal dilation.</summary>
    public int DilationW { get; init; }
    /// <summary>Groups: C and K are both split into this many independent slices (C for depthwise).</summary>
    public int Groups { get; init; }

    /// <summary>Input channels per group.</summary>
    public int GroupC => C / Groups;

    /// <summary>The per-sample shape the kernel choice reads (<see cref="ConvKernelChoice"/>).</summary>
    internal ConvShape Shape => new(C, K, R, S, StrideH, StrideW, DilationH, DilationW, Groups, PadTop, PadLeft, P, Q);

    /// <summary>Output channels per group.</summary>
    public int GroupK => K / Groups;

    /// <summary>
    /// Dimensions with P and Q computed from explicit padding:
    /// P = floor((H + padTop + padBottom - ((R - 1) * dilationH + 1)) / strideH) + 1, Q likewise.
    /// </summary>
    public static Conv2DDims Create(
        int n, int h, int w, int c, int k, int r, int s,
        int strideH = 1, int strideW = 1,
        int padTop = 0, int padBottom = 0, int padLeft = 0, int padRight = 0,
        int dilationH = 1, int dilationW = 1, int groups = 1)
    {
        int p = OutputSize(h, r, strideH, padTop, padBottom, dilationH);
        int q = OutputSize(w, s, strideW, padLeft, padRight, dilationW);
        var dims = new Conv2DDims
        {
            N = n, H = h, W = w, C = c, K = k, R = r, S = s, P = p, Q = q,
            StrideH = strideH, StrideW = strideW, PadTop = padTop, PadLeft = padLeft,
            DilationH = dilationH, DilationW = dilationW, Groups = groups,
        };
        dims.Validate();
        return dims;
    }

    /// <summary>floor((size + padBefore + padAfter - ((kernel - 1) * dilation + 1)) / stride) + 1.</summary>
    public static int OutputSize(int size, int kernel, int stride, int padBefore, int padAfter, int dilation = 1) =>
        (size + padBefore + padAfter - ((kernel - 1) * dilation + 1)) / stride + 1;

    /// <summary>Throws <see cref="System.ArgumentException"/> naming the first inconsistent dimension.</summary>
    public void Validate()
    {
        const string owner = nameof(Conv2DDims);
        Check.NonNegative(N, owner, nameof(N));
        Check.Positive(H, owner, nameof(H));
        Check.Positive(W, owner, nameof(W));
        Check.Positive(C, owner, nameof(C));
        Check.Positive(K, owner, nameof(K));
        Check.Positive(R, owner, nameof(R));
        Check.Positive(S, owner, nameof(S));
        Check.Positive(P, owner, nameof(P));
        Check.Positive(Q, owner, nameof(Q));
        Check.Positive(StrideH, owner, nameof(StrideH));
        Check.Positive(StrideW, owner, nameof(StrideW));
        Check.Positive(DilationH, owner, nameof(DilationH));
        Check.Positive(DilationW, owner, nameof(DilationW));
        Check.Positive(Groups, owner, nameof(Groups));
        Check.NonNegative(PadTop, owner, nameof(PadTop));
        Check.NonNegative(PadLeft, owner, nameof(PadLeft));
        if (!(C % Groups == 0 && K % Groups == 0))
        {
            throw Check.Failure(owner, $"C = {C} and K = {K} must both be multiples of Groups = {Groups}.");
        }
    }
}
