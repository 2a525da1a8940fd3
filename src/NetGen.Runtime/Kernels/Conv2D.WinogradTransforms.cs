using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

public static unsafe partial class Conv2D
{
    /// <summary>
    /// V = B^T d B for one tile, 16 input channels per vector: v is the tile's (16 taps, C) in
    /// V (32, 16, C); x one sample (H, W, C); the tile's 4x4 input block starts at
    /// (row0, col0), which may lie in the padding (rows and columns outside the image read as
    /// zero; a tile inside the image makes the same checks, always true, which cost little
    /// beside its share of the multiply: 16 loads here against 16 * K multiply-adds there per
    /// 16 channels).
    /// </summary>
    private static void WinogradInputTile<TV>(float* v, float* x, in Conv2DDims d, int row0, int col0)
        where TV : struct, ILanes16<TV>
    {
        // tap: floats from one tap of the tile to the next in V (tile-major: C).
        int c = d.C, h = d.H, w = d.W, rowStep = w * c, tap = c;
        bool r0 = (uint)row0 < (uint)h, r1 = (uint)(row0 + 1) < (uint)h, r2 = (uint)(row0 + 2) < (uint)h, r3 = (uint)(row0 + 3) < (uint)h;
        var cols = new ColumnsInside((uint)col0 < (uint)w, (uint)(col0 + 1) < (uint)w, (uint)(col0 + 2) < (uint)w, (uint)(col0 + 3) < (uint)w);
        // Not dereferenced where a row or column is outside the image.
        float* p0 = x + ((long)row0 * w + col0) * c;
        TV minus = TV.Broadcast(-1f);
        for (int cb = 0; cb < c; cb += Simd.Block)
        {
            float* p = p0 + cb;
            // h_i = d_i B for each input row i: [d0 - d2, d1 + d2, d2 - d1, d1 - d3].
            InputRow(p, c, r0, cols, minus, out TV h00, out TV h01, out TV h02, out TV h03);
            InputRow(p + rowStep, c, r1, cols, minus, out TV h10, out TV h11, out TV h12, out TV h13);
            InputRow(p + 2 * rowStep, c, r2, cols, minus, out TV h20, out TV h21, out TV h22, out TV h23);
            InputRow(p + 3 * rowStep, c, r3, cols, minus, out TV h30, out TV h31, out TV h32, out TV h33);
            // V = B^T h, tap e = 4 i + j: row 0 = h0 - h2, row 1 = h1 + h2, row 2 = h2 - h1, row 3 = h1 - h3.
            float* o = v + cb;
            TV.Store(o, TV.Fma(h20, minus, h00));
            TV.Store(o + tap, TV.Fma(h21, minus, h01));
            TV.Store(o + 2 * tap, TV.Fma(h22, minus, h02));
            TV.Store(o + 3 * tap, TV.Fma(h23, minus, h03));
            o += 4 * tap;
            TV.Store(o, TV.Add(h10, h20));
            TV.Store(o + tap, TV.Add(h11, h21));
            TV.Store(o + 2 * tap, TV.Add(h12, h22));
            TV.Store(o + 3 * tap, TV.Add(h13, h23));
            o += 4 * tap;
            TV.Store(o, TV.Fma(h10, minus, h20));
            TV.Store(o + tap, TV.Fma(h11, minus, h21));
            TV.Store(o + 2 * tap, TV.Fma(h12, minus, h22));
            TV.Store(o + 3 * tap, TV.Fma(h13, minus, h23));
            o += 4 * tap;
            TV.Store(o, TV.Fma(h30, minus, h10));
            TV.Store(o + tap, TV.Fma(h31, minus, h11));
            TV.Store(o + 2 * tap, TV.Fma(h32, minus, h12));
            TV.Store(o + 3 * tap, TV.Fma(h33, minus, h13));
        }
    }

    /// <summary>Which of a tile's 4 input columns lie inside the image.</summary>
    private readonly record struct ColumnsInside(bool C0, bool C1, bool C2, bool C3);

    /// <summary>One input row of a tile (4 pixels, <paramref name="c"/> floats apart) times B: zeros outside the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputRow<TV>(float* p, int c, bool inside, in ColumnsInside cols, TV minus, out TV h0, out TV h1, out TV h2, out TV h3)
        where TV : struct, ILanes16<TV>
    {
        TV d0 = inside && cols.C0 ? TV.Load(p) : TV.Zero;
        TV d1 = inside && cols.C1 ? TV.Load(p + c) : TV.Zero;
        TV d2 = inside && cols.C2 ? TV.Load(p + 2 * c) : TV.Zero;
        TV d3 = inside && cols.C3 ? TV.Load(p + 3 * c) : TV.Zero;
        h0 = TV.Fma(d2, minus, d0);
        h1 = TV.Add(d1, d2);
        h2 = TV.Fma(d1, minus, d2);
        h3 = TV.Fma(d3, minus, d1);
    }

    /// <summary>
    /// The 2x2 outputs of one tile and 16 output channels, A^T M A, from its 16 taps in M
    /// (<paramref name="tap"/> floats apart) before bias: s = A^T M row by row
    /// (s0 = m0 + m1 + m2, s1 = m1 - m2 - m3), then y = s A (y0 = s0 + s1 + s2, y1 = s1 - s2 - s3).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputBlock<TV>(float* m, int tap, TV minus, out TV y00, out TV y01, out TV y10, out TV y11)
        where TV : struct, ILanes16<TV>
    {
        OutputColumn(m, tap, minus, out TV s00, out TV s10);
        OutputColumn(m + tap, tap, minus, out TV s01, out TV s11);
        OutputColumn(m + 2 * tap, tap, minus, out TV s02, out TV s12);
        OutputColumn(m + 3 * tap, tap, minus, out TV s03, out TV s13);
        y00 = TV.Add(TV.Add(s00, s01), s02);
        y01 = TV.Fma(s03, minus, TV.Fma(s02, minus, s01));
        y10 = TV.Add(TV.Add(s10, s11), s12);
        y11 = TV.Fma(s13, minus, TV.Fma(s12, minus, s11));
    }

    /// <summary>Column j of A^T M: taps j, 4 + j, 8 + j, 12 + j (from m, <paramref name="tap"/> floats apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputColumn<TV>(float* m, int tap, TV minus, out TV s0, out TV s1)
        where TV : struct, ILanes16<TV>
    {
        TV m0 = TV.Load(m), m1 = TV.Load(m + 4 * tap), m2 = TV.Load(m + 8 * tap), m3 = TV.Load(m + 12 * tap);
        s0 = TV.Add(TV.Add(m0, m1), m2);
        s1 = TV.Fma(m3, minus, TV.Fma(m2, minus, m1));
    }

    /// <summary>
    /// One tile's 2x2 outputs over k channels: y00 its top-left pixel's first channel (the pixel
    /// to the right <paramref name="pixel"/> (K) floats on, the one below <paramref name="rowStep"/>);
    /// m the tile's (16 taps, k) in M; the second row or column is not
    /// stored where it falls past P or Q. ReLU is fused; other activations run over the
    /// stored pixels afterwards.
    /// </summary>
    private static void WinogradOutputTile<TV>(float* y00, int rowStep, int pixel, float* m, int k, float* bias, bool secondRow, bool secondColumn,
        Activation act, float alpha)
        where TV : struct, ILanes16<TV>
    {
        int tap = k;
        bool relu = act == Activation.ReLU;
        TV minus = TV.Broadcast(-1f);
        float* y10 = y00 + rowStep;
        for (int kb = 0; kb < k; kb += Simd.Block)
        {
            OutputBlock(m + kb, tap, minus, out TV a, out TV b, out TV c, out TV e);
            if (bias != null)
            {
                TV bv = TV.Load(bias + kb);
                a = TV.Add(a, bv);
                b = TV.Add(b, bv);
                c = TV.Add(c, bv);
                e = TV.Add(e, bv);
            }
            if (relu)
            {
                a = TV.Max(a, TV.Zero);
                b = TV.Max(b, TV.Zero);
                c = TV.Max(c, TV.Zero);
                e = TV.Max(e, TV.Zero);
            }
            TV.Store(y00 + kb, a);
            if (secondColumn) TV.Store(y00 + pixel + kb, b);
            if (secondRow)
            {
                TV.Store(y10 + kb, c);
                if (secondColumn) TV.Store(y10 + pixel + kb, e);
            }
        }
        if (act > Activation.ReLU)
        {
            ActivateTileRow(y00, pixel, k, secondColumn, act, alpha);
            if (secondRow) ActivateTileRow(y10, pixel, k, secondColumn, act, alpha);
        }
    }

    /// <summary>The activation over one row of a tile: k channels of its 1 or 2 pixels (<paramref name="pixel"/> floats apart; one run when k is all of them).</summary>
    private static void ActivateTileRow(float* y0, int pixel, int k, bool secondColumn, Activation act, float alpha)
    {
        if (k == pixel || !secondColumn)
        {
            Epilogue.Activate(y0, secondColumn ? 2 * k : k, act, alpha);
            return;
        }
        Epilogue.Activate(y0, k, act, alpha);
        Epilogue.Activate(y0 + pixel, k, act, alpha);
    }

    /// <summary>
    /// One pooled tile: the maximum of its 2x2 outputs over k channels (M's floats per tap) into y.
    /// For None and ReLU the maximum is taken first, then bias and ReLU (exact: rounding x + b
    /// is non-decreasing in x); another activation is applied to each output first, through
    /// <paramref name="scratch"/> (64 floats), so any activation pools as the reference does.
    /// </summary>
    private static void WinogradOutputPooled<TV>(float* y, float* m, int k, float* bias, Activation act, float alpha, float* scratch)
        where TV : struct, ILanes16<TV>
    {
        const int B = Simd.Block;
        int tap = k;
        bool slow = act > Activation.ReLU;
        TV minus = TV.Broadcast(-1f);
        for (int kb = 0; kb < k; kb += B)
        {
            OutputBlock(m + kb, tap, minus, out TV a, out TV b, out TV c, out TV e);
            TV bv = bias != null ? TV.Load(bias + kb) : TV.Zero;
            if (slow)
            {
                TV.Store(scratch, TV.Add(a, bv));
                TV.Store(scratch + B, TV.Add(b, bv));
                TV.Store(scratch + 2 * B, TV.Add(c, bv));
                TV.Store(scratch + 3 * B, TV.Add(e, bv));
                Epilogue.Activate(scratch, 4 * B, act, alpha);
                TV top = TV.Max(TV.Load(scratch), TV.Load(scratch + B));
                TV.Store(y + kb, TV.Max(top, TV.Max(TV.Load(scratch + 2 * B), TV.Load(scratch + 3 * B))));
                continue;
            }
            TV pooled = TV.Add(TV.Max(TV.Max(a, b), TV.Max(c, e)), bv);
            if (act == Activation.ReLU)
            {
                pooled = TV.Max(pooled, TV.Zero);
            }
            TV.Store(y + kb, pooled);
        }
    }
}
