using ILGPU;
using NetGen.Kernels;

namespace NetGen.Gpu;

/// <summary>
/// A convolution's dimensions as a blittable kernel argument (<see cref="Conv2DDims"/>, plus C/G
/// and K/G), with the divisors the operands split indices by prepared for <see cref="FastDivisor"/>.
/// </summary>
internal struct ConvGeometry
{
    public int N, H, W, C, K, R, S, P, Q, StrideH, StrideW, PadTop, PadLeft, DilationH, DilationW, GroupC, GroupK;
    public FastDivisor ByPQ, ByQ, ByHW, ByW, ByS, ByRS, ByGroupC, ByGroupK, ByK, ByC, ByStrideH, ByStrideW;

    public static ConvGeometry Of(in Conv2DDims d) => new()
    {
        N = d.N, H = d.H, W = d.W, C = d.C, K = d.K, R = d.R, S = d.S, P = d.P, Q = d.Q,
        StrideH = d.StrideH, StrideW = d.StrideW, PadTop = d.PadTop, PadLeft = d.PadLeft,
        DilationH = d.DilationH, DilationW = d.DilationW, GroupC = d.GroupC, GroupK = d.GroupK,
        ByPQ = FastDivisor.Of(d.P * d.Q), ByQ = FastDivisor.Of(d.Q), ByHW = FastDivisor.Of(d.H * d.W), ByW = FastDivisor.Of(d.W),
        ByS = FastDivisor.Of(d.S), ByRS = FastDivisor.Of(d.R * d.S), ByGroupC = FastDivisor.Of(d.GroupC), ByGroupK = FastDivisor.Of(d.GroupK),
        ByK = FastDivisor.Of(d.K), ByC = FastDivisor.Of(d.C), ByStrideH = FastDivisor.Of(d.StrideH), ByStrideW = FastDivisor.Of(d.StrideW),
    };

    /// <summary>x[n, h, w, channel], or 0 for a tap in the padding (h, w outside the image).</summary>
    public readonly float Tap(ArrayView<float> x, int n, int h, int w, int channel) =>
        (uint)h < (uint)H && (uint)w < (uint)W ? x[((n * H + h) * W + w) * C + channel] : 0f;

    /// <summary>
    /// The output row that input row h meets through kernel row r (p stride - pad + r dilation = h),
    /// or -1 where none does (between strides, or outside the output).
    /// </summary>
    public readonly int OutputRow(int h, int r)
    {
        int ph = h + PadTop - r * DilationH;
        if (ph < 0) return -1;
        int p = ByStrideH.Divide(ph);
        return p * StrideH == ph && p < P ? p : -1;
    }

    /// <summary>The output column input column w meets through kernel column s, or -1.</summary>
    public readonly int OutputColumn(int w, int s)
    {
        int pw = w + PadLeft - s * DilationW;
        if (pw < 0) return -1;
        int q = ByStrideW.Divide(pw);
        return q * StrideW == pw && q < Q ? q : -1;
    }
}

/// <summary>
/// Forward A, the implicit im2col of x (N, H, W, C): row m = (n, p, q), column (r, s, c) of
/// group batch, c fastest (contiguous in channels-last x). Nothing is materialised.
/// </summary>
internal struct ConvInputOperand : IGemmOperand
{
    public ArrayView<float> X;
    public ConvGeometry G;

    public readonly float Load(int batch, int row, int col)
    {
        int n = G.ByPQ.DivRem(row, out int pq), p = G.ByQ.DivRem(pq, out int q);
        int rs = G.ByGroupC.DivRem(col, out int c), r = G.ByS.DivRem(rs, out int s);
        return G.Tap(X, n, p * G.StrideH - G.PadTop + r * G.DilationH, q * G.StrideW - G.PadLeft + s * G.DilationW, batch * G.GroupC + c);
    }

    public readonly bool ColumnsContiguous => true;
}

/// <summary>
/// Backward-weights B, im2col of x transposed: row m = (n, p, q) is the reduction, column
/// j = (c, r, s) of group batch (the canonical weight order, so dW is stored as it comes).
/// </summary>
internal struct ConvInputColumnsOperand : IGemmOperand
{
    public ArrayView<float> X;
    public ConvGeometry G;

    public readonly float Load(int batch, int row, int col)
    {
        int n = G.ByPQ.DivRem(row, out int pq), p = G.ByQ.DivRem(pq, out int q);
        int c = G.ByRS.DivRem(col, out int rs), r = G.ByS.DivRem(rs, out int s);
        return G.Tap(X, n, p * G.StrideH - G.PadTop + r * G.DilationH, q * G.StrideW - G.PadLeft + s * G.DilationW, batch * G.GroupC + c);
    }

    public readonly bool ColumnsContiguous => false;
}

/// <summary>
/// Backward-data A, the implicit col2im of dY (N, P, Q, K): row m = (n, h, w) of dX, column
/// (r, s, k) of group batch: the output pixel tap (r, s) of (h, w) reaches, or 0 where the
/// stride skips it or it lies outside the output.
/// </summary>
internal struct ConvOutputGradOperand : IGemmOperand
{
    public ArrayView<float> DY;
    public ConvGeometry G;

    public readonly float Load(int batch, int row, int col)
    {
        int n = G.ByHW.DivRem(row, out int hw), h = G.ByW.DivRem(hw, out int w);
        int rs = G.ByGroupK.DivRem(col, out int k), r = G.ByS.DivRem(rs, out int s);
        int p = G.OutputRow(h, r), q = G.OutputColumn(w, s);
        return p >= 0 && q >= 0 ? DY[((n * G.P + p) * G.Q + q) * G.K + batch * G.GroupK + k] : 0f;
    }

    public readonly bool ColumnsContiguous => true;
}

/// <summary>
/// Backward-data B from the GPU weight layout (G, R, S, C/G, K/G): row (r, s, k), column c of
/// group batch, i.e. w[g k, c, r, s]; k is fastest in memory, which is along the rows.
/// </summary>
internal struct ConvWeightsTransposedOperand : IGemmOperand
{
    public ArrayView<float> Packed;
    public ConvGeometry G;

    public readonly float Load(int batch, int row, int col)
    {
        int rs = G.ByGroupK.DivRem(row, out int k);
        return Packed[((batch * G.R * G.S + rs) * G.GroupC + col) * G.GroupK + k];
    }

    public readonly bool ColumnsContiguous => false;
}
