namespace NetGen.Kernels;

/// <summary>
/// The register tiles of Conv2D.BackwardWeightsWide.cs: sums over the output pixels of a walk of
/// dY (N, P, Q, K) vectors times x (N, H, W, C) values. dy points at the tile's first output
/// channel, V vectors of 16 channels wide; combination i reads x at offsets[i] from the window's
/// corner, inside the input for every pixel of the walk. The sums go to sums[(i V + v) 16 + lane],
/// overwritten. One loop over the walk's pixels, with the row and image jumps inside it: no
/// per-row setup (MNIST conv3, whose rows are 3 pixels, ran 0.91x the time of a loop per row).
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>Sums for 64 output channels (4 vectors) x 6 combinations: per output pixel 4 dY loads and 6 x broadcasts feed 24 FMAs.</summary>
    private static void WideTile(float* sums, float* dy, float* x, int* offsets, in PixelWalk walk, nint k)
    {
        nint xStep = walk.XStep, rowSkip = walk.RowSkip, imageSkip = walk.ImageSkip;
        nint dyRowSkip = walk.DyRowSkip, dyImageSkip = walk.DyImageSkip;
        int cols = walk.Cols, rows = walk.Rows, qLeft = cols, pLeft = rows;
        float* xp = x + walk.XStart;
        float* dp = dy + walk.DyStart;
        nint o0 = offsets[0], o1 = offsets[1], o2 = offsets[2];
        nint o3 = offsets[3], o4 = offsets[4], o5 = offsets[5];
        Lanes512 a00 = Lanes512.Zero, a01 = Lanes512.Zero, a02 = Lanes512.Zero, a03 = Lanes512.Zero;
        Lanes512 a10 = Lanes512.Zero, a11 = Lanes512.Zero, a12 = Lanes512.Zero, a13 = Lanes512.Zero;
        Lanes512 a20 = Lanes512.Zero, a21 = Lanes512.Zero, a22 = Lanes512.Zero, a23 = Lanes512.Zero;
        Lanes512 a30 = Lanes512.Zero, a31 = Lanes512.Zero, a32 = Lanes512.Zero, a33 = Lanes512.Zero;
        Lanes512 a40 = Lanes512.Zero, a41 = Lanes512.Zero, a42 = Lanes512.Zero, a43 = Lanes512.Zero;
        Lanes512 a50 = Lanes512.Zero, a51 = Lanes512.Zero, a52 = Lanes512.Zero, a53 = Lanes512.Zero;
        for (int left = walk.Count; left > 0; left--)
        {
            Lanes512 d0 = Lanes512.Load(dp), d1 = Lanes512.Load(dp + 16), d2 = Lanes512.Load(dp + 32), d3 = Lanes512.Load(dp + 48);
            Lanes512 b = Lanes512.Broadcast(xp[o0]);
            a00 = Lanes512.Fma(d0, b, a00);
            a01 = Lanes512.Fma(d1, b, a01);
            a02 = Lanes512.Fma(d2, b, a02);
            a03 = Lanes512.Fma(d3, b, a03);
            b = Lanes512.Broadcast(xp[o1]);
            a10 = Lanes512.Fma(d0, b, a10);
            a11 = Lanes512.Fma(d1, b, a11);
            a12 = Lanes512.Fma(d2, b, a12);
            a13 = Lanes512.Fma(d3, b, a13);
            b = Lanes512.Broadcast(xp[o2]);
            a20 = Lanes512.Fma(d0, b, a20);
            a21 = Lanes512.Fma(d1, b, a21);
            a22 = Lanes512.Fma(d2, b, a22);
            a23 = Lanes512.Fma(d3, b, a23);
            b = Lanes512.Broadcast(xp[o3]);
            a30 = Lanes512.Fma(d0, b, a30);
            a31 = Lanes512.Fma(d1, b, a31);
            a32 = Lanes512.Fma(d2, b, a32);
            a33 = Lanes512.Fma(d3, b, a33);
            b = Lanes512.Broadcast(xp[o4]);
            a40 = Lanes512.Fma(d0, b, a40);
            a41 = Lanes512.Fma(d1, b, a41);
            a42 = Lanes512.Fma(d2, b, a42);
            a43 = Lanes512.Fma(d3, b, a43);
            b = Lanes512.Broadcast(xp[o5]);
            a50 = Lanes512.Fma(d0, b, a50);
            a51 = Lanes512.Fma(d1, b, a51);
            a52 = Lanes512.Fma(d2, b, a52);
            a53 = Lanes512.Fma(d3, b, a53);
            dp += k;
            xp += xStep;
            if (--qLeft == 0)
            {
                qLeft = cols;
                xp += rowSkip;
                dp += dyRowSkip;
                if (--pLeft == 0)
                {
                    pLeft = rows;
                    xp += imageSkip;
                    dp += dyImageSkip;
                }
            }
        }
        Lanes512.Store(sums, a00);
        Lanes512.Store(sums + 16, a01);
        Lanes512.Store(sums + 32, a02);
        Lanes512.Store(sums + 48, a03);
        Lanes512.Store(sums + 64, a10);
        Lanes512.Store(sums + 80, a11);
        Lanes512.Store(sums + 96, a12);
        Lanes512.Store(sums + 112, a13);
        Lanes512.Store(sums + 128, a20);
        Lanes512.Store(sums + 144, a21);
        Lanes512.Store(sums + 160, a22);
        Lanes512.Store(sums + 176, a23);
        Lanes512.Store(sums + 192, a30);
        Lanes512.Store(sums + 208, a31);
        Lanes512.Store(sums + 224, a32);
        Lanes512.Store(sums + 240, a33);
        Lanes512.Store(sums + 256, a40);
        Lanes512.Store(sums + 272, a41);
        Lanes512.Store(sums + 288, a42);
        Lanes512.Store(sums + 304, a43);
        Lanes512.Store(sums + 320, a50);
        Lanes512.Store(sums + 336, a51);
        Lanes512.Store(sums + 352, a52);
        Lanes512.Store(sums + 368, a53);
    }

    /// <summary>Sums for 32 output channels (2 vectors) x 9 combinations: per output pixel 2 dY loads and 9 x broadcasts feed 18 FMAs.</summary>
    private static void NarrowTile(float* sums, float* dy, float* x, int* offsets, in PixelWalk walk, nint k)
    {
        nint xStep = walk.XStep, rowSkip = walk.RowSkip, imageSkip = walk.ImageSkip;
        nint dyRowSkip = walk.DyRowSkip, dyImageSkip = walk.DyImageSkip;
        int cols = walk.Cols, rows = walk.Rows, qLeft = cols, pLeft = rows;
        float* xp = x + walk.XStart;
        float* dp = dy + walk.DyStart;
        nint o0 = offsets[0], o1 = offsets[1], o2 = offsets[2];
        nint o3 = offsets[3], o4 = offsets[4], o5 = offsets[5];
        nint o6 = offsets[6], o7 = offsets[7], o8 = offsets[8];
        Lanes512 a00 = Lanes512.Zero, a01 = Lanes512.Zero;
        Lanes512 a10 = Lanes512.Zero, a11 = Lanes512.Zero;
        Lanes512 a20 = Lanes512.Zero, a21 = Lanes512.Zero;
        Lanes512 a30 = Lanes512.Zero, a31 = Lanes512.Zero;
        Lanes512 a40 = Lanes512.Zero, a41 = Lanes512.Zero;
        Lanes512 a50 = Lanes512.Zero, a51 = Lanes512.Zero;
        Lanes512 a60 = Lanes512.Zero, a61 = Lanes512.Zero;
        Lanes512 a70 = Lanes512.Zero, a71 = Lanes512.Zero;
        Lanes512 a80 = Lanes512.Zero, a81 = Lanes512.Zero;
        for (int left = walk.Count; left > 0; left--)
        {
            Lanes512 d0 = Lanes512.Load(dp), d1 = Lanes512.Load(dp + 16);
            Lanes512 b = Lanes512.Broadcast(xp[o0]);
            a00 = Lanes512.Fma(d0, b, a00);
            a01 = Lanes512.Fma(d1, b, a01);
            b = Lanes512.Broadcast(xp[o1]);
            a10 = Lanes512.Fma(d0, b, a10);
            a11 = Lanes512.Fma(d1, b, a11);
            b = Lanes512.Broadcast(xp[o2]);
            a20 = Lanes512.Fma(d0, b, a20);
            a21 = Lanes512.Fma(d1, b, a21);
            b = Lanes512.Broadcast(xp[o3]);
            a30 = Lanes512.Fma(d0, b, a30);
            a31 = Lanes512.Fma(d1, b, a31);
            b = Lanes512.Broadcast(xp[o4]);
            a40 = Lanes512.Fma(d0, b, a40);
            a41 = Lanes512.Fma(d1, b, a41);
            b = Lanes512.Broadcast(xp[o5]);
            a50 = Lanes512.Fma(d0, b, a50);
            a51 = Lanes512.Fma(d1, b, a51);
            b = Lanes512.Broadcast(xp[o6]);
            a60 = Lanes512.Fma(d0, b, a60);
            a61 = Lanes512.Fma(d1, b, a61);
            b = Lanes512.Broadcast(xp[o7]);
            a70 = Lanes512.Fma(d0, b, a70);
            a71 = Lanes512.Fma(d1, b, a71);
            b = Lanes512.Broadcast(xp[o8]);
            a80 = Lanes512.Fma(d0, b, a80);
            a81 = Lanes512.Fma(d1, b, a81);
            dp += k;
            xp += xStep;
            if (--qLeft == 0)
            {
                qLeft = cols;
                xp += rowSkip;
                dp += dyRowSkip;
                if (--pLeft == 0)
                {
                    pLeft = rows;
                    xp += imageSkip;
                    dp += dyImageSkip;
                }
            }
        }
        Lanes512.Store(sums, a00);
        Lanes512.Store(sums + 16, a01);
        Lanes512.Store(sums + 32, a10);
        Lanes512.Store(sums + 48, a11);
        Lanes512.Store(sums + 64, a20);
        Lanes512.Store(sums + 80, a21);
        Lanes512.Store(sums + 96, a30);
        Lanes512.Store(sums + 112, a31);
        Lanes512.Store(sums + 128, a40);
        Lanes512.Store(sums + 144, a41);
        Lanes512.Store(sums + 160, a50);
        Lanes512.Store(sums + 176, a51);
        Lanes512.Store(sums + 192, a60);
        Lanes512.Store(sums + 208, a61);
        Lanes512.Store(sums + 224, a70);
        Lanes512.Store(sums + 240, a71);
        Lanes512.Store(sums + 256, a80);
        Lanes512.Store(sums + 272, a81);
    }

    /// <summary>Sums for 16 output channels (1 vector) x 12 combinations: per output pixel 1 dY load and 12 x broadcasts feed 12 FMAs.</summary>
    private static void SingleTile(float* sums, float* dy, float* x, int* offsets, in PixelWalk walk, nint k)
    {
        nint xStep = walk.XStep, rowSkip = walk.RowSkip, imageSkip = walk.ImageSkip;
        nint dyRowSkip = walk.DyRowSkip, dyImageSkip = walk.DyImageSkip;
        int cols = walk.Cols, rows = walk.Rows, qLeft = cols, pLeft = rows;
        float* xp = x + walk.XStart;
        float* dp = dy + walk.DyStart;
        nint o0 = offsets[0], o1 = offsets[1], o2 = offsets[2];
        nint o3 = offsets[3], o4 = offsets[4], o5 = offsets[5];
        nint o6 = offsets[6], o7 = offsets[7], o8 = offsets[8];
        nint o9 = offsets[9], o10 = offsets[10], o11 = offsets[11];
        Lanes512 a0 = Lanes512.Zero, a1 = Lanes512.Zero, a2 = Lanes512.Zero, a3 = Lanes512.Zero;
        Lanes512 a4 = Lanes512.Zero, a5 = Lanes512.Zero, a6 = Lanes512.Zero, a7 = Lanes512.Zero;
        Lanes512 a8 = Lanes512.Zero, a9 = Lanes512.Zero, a10 = Lanes512.Zero, a11 = Lanes512.Zero;
        for (int left = walk.Count; left > 0; left--)
        {
            Lanes512 d0 = Lanes512.Load(dp);
            a0 = Lanes512.Fma(d0, Lanes512.Broadcast(xp[o0]), a0);
            a1 = Lanes512.Fma(d0, Lanes512.Broadcast(xp[o1]), a1);
            a2 = Lanes512.Fma(d0, Lanes512.Broadcast(xp[o2]), a2);
            a3 = Lanes512.Fma(d0, Lanes512.Broadcast(xp[o3]), a3);
            a4 = Lanes512.Fma(d0, Lanes512.Broadcast(xp[o4]), a4);
            a5 = Lanes512.Fma(d0, Lanes512.Broadcast(xp[o5]), a5);
            a6 = Lanes512.Fma(d0, Lanes512.Broadcast(xp[o6]), a6);
            a7 = Lanes512.Fma(d0, Lanes512.Broadcast(xp[o7]), a7);
            a8 = Lanes512.Fma(d0, Lanes512.Broadcast(xp[o8]), a8);
            a9 = Lanes512.Fma(d0, Lanes512.Broadcast(xp[o9]), a9);
            a10 = Lanes512.Fma(d0, Lanes512.Broadcast(xp[o10]), a10);
            a11 = Lanes512.Fma(d0, Lanes512.Broadcast(xp[o11]), a11);
            dp += k;
            xp += xStep;
            if (--qLeft == 0)
            {
                qLeft = cols;
                xp += rowSkip;
                dp += dyRowSkip;
                if (--pLeft == 0)
                {
                    pLeft = rows;
                    xp += imageSkip;
                    dp += dyImageSkip;
                }
            }
        }
        Lanes512.Store(sums, a0);
        Lanes512.Store(sums + 16, a1);
        Lanes512.Store(sums + 32, a2);
        Lanes512.Store(sums + 48, a3);
        Lanes512.Store(sums + 64, a4);
        Lanes512.Store(sums + 80, a5);
        Lanes512.Store(sums + 96, a6);
        Lanes512.Store(sums + 112, a7);
        Lanes512.Store(sums + 128, a8);
        Lanes512.Store(sums + 144, a9);
        Lanes512.Store(sums + 160, a10);
        Lanes512.Store(sums + 176, a11);
    }
}
