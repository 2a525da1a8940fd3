using System;
using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

public static unsafe partial class Conv2D
{
    /// <summary>A compile-time switch of a generic kernel: the JIT compiles one copy per struct and drops the code it turns off.</summary>
    private interface IWinogradSwitch
    {
        static abstract bool On { get; }
    }

    private readonly struct WinogradOn : IWinogradSwitch
    {
        public static bool On => true;
    }

    private readonly struct WinogradOff : IWinogradSwitch
    {
        public static bool On => false;
    }

    /// <summary>
    /// M[t, e, :] = sum over c of V[t, e, c] * U[e, :, c] for the block's first
    /// <paramref name="count"/> tiles and each of the 16 taps e: m (32, 16, K), v (32, 16, C),
    /// u the first computed block of tap 0 in U (16, K/16, C, 16), whose taps lie
    /// <paramref name="tapBlocks"/> (K/16) blocks of (C, 16) apart; k (a multiple of 16, at most
    /// K) the channels computed, M's floats per tap. Register tiles of 64 output channels x 5 or 4 tiles (20 or 16
    /// accumulators; any count of 12 or more splits into fives and fours exactly: 25 = 5 x 5,
    /// 32 = 4 x 5 + 3 x 4), then 32 or 16 channels x 8 tiles for the rest of K. Within one tap
    /// the tiles run innermost, so the C x 64 weights of a register tile stay in cache across them
    /// (in L1 up to C = 128).
    /// </summary>
    private static void WinogradMultiply<TV>(float* m, float* v, float* u, int c, int k, int tapBlocks, int count)
        where TV : struct, ILanes16<TV>
    {
        const int B = Simd.Block;
        int blocks = k / B, blockFloats = c * B, mRow = WinogradTaps * k, vRow = WinogradTaps * c;
        int groups = (count + 4) / 5, fives = Math.Max(0, count - 4 * groups);
        if (typeof(TV) != typeof(Lanes512))
        {
            // Two 256-bit registers per vector: the 64-channel tiles would spill.
            for (int e = 0; e < WinogradTaps; e++)
            {
                for (int kb = 0; kb < blocks; kb++)
                {
                    for (int t = 0; t < count; t += 4)
                    {
                        Multiply32<TV, WinogradOff, WinogradOff>(m + t * mRow + e * k + kb * B, mRow, v + t * vRow + e * c, vRow, c,
                            u + (e * tapBlocks + kb) * blockFloats, blockFloats, Math.Min(4, count - t));
                    }
                }
            }
            return;
        }
        for (int e = 0; e < WinogradTaps; e++)
        {
            float* me = m + e * k, ve = v + e * c, ue = u + e * tapBlocks * blockFloats;
            int kb = 0;
            for (; kb + 4 <= blocks; kb += 4)
            {
                float* w = ue + kb * blockFloats;
                int t = 0;
                for (int i = 0; i < fives; i++, t += 5)
                {
                    Multiply64<TV, WinogradOn>(me + t * mRow + kb * B, mRow, ve + t * vRow, vRow, c, w, blockFloats, 5);
                }
                for (; t < count; t += 4)
                {
                    Multiply64<TV, WinogradOff>(me + t * mRow + kb * B, mRow, ve + t * vRow, vRow, c, w, blockFloats, Math.Min(4, count - t));
                }
            }
            if (kb + 2 <= blocks)
            {
                for (int t = 0; t < count; t += 8)
                {
                    Multiply32<TV, WinogradOn, WinogradOn>(me + t * mRow + kb * B, mRow, ve + t * vRow, vRow, c, ue + kb * blockFloats, blockFloats, Math.Min(8, count - t));
                }
                kb += 2;
            }
            if (kb < blocks)
            {
                for (int t = 0; t < count; t += 8)
                {
                    Multiply32<TV, WinogradOff, WinogradOn>(me + t * mRow + kb * B, mRow, ve + t * vRow, vRow, c, ue + kb * blockFloats, blockFloats, Math.Min(8, count - t));
                }
            }
        }
    }

    /// <summary>
    /// 4 blocks of 16 output channels x 4 tiles (5 when <typeparamref name="TFifth"/> is on):
    /// m the first tile's first channel (tiles <paramref name="mRow"/> floats apart), v the first
    /// tile's row of C (tiles <paramref name="vRow"/> apart), w the first block's (C, 16) weights
    /// (blocks <paramref name="blockFloats"/> apart). Tiles past <paramref name="count"/> recompute
    /// the last one and are not stored.
    /// </summary>
    private static void Multiply64<TV, TFifth>(float* m, int mRow, float* v, int vRow, int c, float* w, int blockFloats, int count)
        where TV : struct, ILanes16<TV>
        where TFifth : struct, IWinogradSwitch
    {
        const int B = Simd.Block;
        float* v0 = v, v1 = v + Math.Min(1, count - 1) * vRow, v2 = v + Math.Min(2, count - 1) * vRow, v3 = v + Math.Min(3, count - 1) * vRow;
        float* v4 = TFifth.On ? v + 4 * vRow : v0;
        float* w0 = w, w1 = w + blockFloats, w2 = w + 2 * blockFloats, w3 = w + 3 * blockFloats;
        TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, a4 = TV.Zero;
        TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero, b4 = TV.Zero;
        TV c0 = TV.Zero, c1 = TV.Zero, c2 = TV.Zero, c3 = TV.Zero, c4 = TV.Zero;
        TV d0 = TV.Zero, d1 = TV.Zero, d2 = TV.Zero, d3 = TV.Zero, d4 = TV.Zero;
        for (int j = 0; j < c; j++)
        {
            TV wa = TV.Load(w0), wb = TV.Load(w1), wc = TV.Load(w2), wd = TV.Load(w3);
            TV s = TV.Broadcast(v0[j]);
            a0 = TV.Fma(s, wa, a0);
            b0 = TV.Fma(s, wb, b0);
            c0 = TV.Fma(s, wc, c0);
            d0 = TV.Fma(s, wd, d0);
            s = TV.Broadcast(v1[j]);
            a1 = TV.Fma(s, wa, a1);
            b1 = TV.Fma(s, wb, b1);
            c1 = TV.Fma(s, wc, c1);
            d1 = TV.Fma(s, wd, d1);
            s = TV.Broadcast(v2[j]);
            a2 = TV.Fma(s, wa, a2);
            b2 = TV.Fma(s, wb, b2);
            c2 = TV.Fma(s, wc, c2);
            d2 = TV.Fma(s, wd, d2);
            s = TV.Broadcast(v3[j]);
            a3 = TV.Fma(s, wa, a3);
            b3 = TV.Fma(s, wb, b3);
            c3 = TV.Fma(s, wc, c3);
            d3 = TV.Fma(s, wd, d3);
            if (TFifth.On)
            {
                s = TV.Broadcast(v4[j]);
                a4 = TV.Fma(s, wa, a4);
                b4 = TV.Fma(s, wb, b4);
                c4 = TV.Fma(s, wc, c4);
                d4 = TV.Fma(s, wd, d4);
            }
            w0 += B;
            w1 += B;
            w2 += B;
            w3 += B;
        }
        Store64(m, a0, b0, c0, d0);
        if (count > 1) Store64(m + mRow, a1, b1, c1, d1);
        if (count > 2) Store64(m + 2 * mRow, a2, b2, c2, d2);
        if (count > 3) Store64(m + 3 * mRow, a3, b3, c3, d3);
        if (TFifth.On) Store64(m + 4 * mRow, a4, b4, c4, d4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store64<TV>(float* m, TV a, TV b, TV c, TV d)
        where TV : struct, ILanes16<TV>
    {
        TV.Store(m, a);
        TV.Store(m + Simd.Block, b);
        TV.Store(m + 2 * Simd.Block, c);
        TV.Store(m + 3 * Simd.Block, d);
    }

    /// <summary>
    /// 1 block of 16 output channels (2 when <typeparamref name="TSecond"/> is on) x 4 tiles (8 when
    /// <typeparamref name="TEight"/> is on), for the channels past the last multiple of 64, and on
    /// the 256-bit path (16 x 4 there: 8 registers of accumulators, as AVX2 has 16);
    /// arguments as <see cref="Multiply64{TV, TFifth}"/>.
    /// </summary>
    private static void Multiply32<TV, TSecond, TEight>(float* m, int mRow, float* v, int vRow, int c, float* w, int blockFloats, int count)
        where TV : struct, ILanes16<TV>
        where TSecond : struct, IWinogradSwitch
        where TEight : struct, IWinogradSwitch
    {
        const int B = Simd.Block;
        int last = count - 1;
        float* v0 = v, v1 = v + Math.Min(1, last) * vRow, v2 = v + Math.Min(2, last) * vRow, v3 = v + Math.Min(3, last) * vRow;
        float* v4 = v + Math.Min(4, last) * vRow, v5 = v + Math.Min(5, last) * vRow, v6 = v + Math.Min(6, last) * vRow, v7 = v + Math.Min(7, last) * vRow;
        float* w0 = w, w1 = TSecond.On ? w + blockFloats : w;
        TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, a4 = TV.Zero, a5 = TV.Zero, a6 = TV.Zero, a7 = TV.Zero;
        TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero, b4 = TV.Zero, b5 = TV.Zero, b6 = TV.Zero, b7 = TV.Zero;
        for (int j = 0; j < c; j++)
        {
            TV wa = TV.Load(w0);
            TV wb = TSecond.On ? TV.Load(w1) : TV.Zero;
            TV s = TV.Broadcast(v0[j]);
            a0 = TV.Fma(s, wa, a0);
            if (TSecond.On) b0 = TV.Fma(s, wb, b0);
            s = TV.Broadcast(v1[j]);
            a1 = TV.Fma(s, wa, a1);
            if (TSecond.On) b1 = TV.Fma(s, wb, b1);
            s = TV.Broadcast(v2[j]);
            a2 = TV.Fma(s, wa, a2);
            if (TSecond.On) b2 = TV.Fma(s, wb, b2);
            s = TV.Broadcast(v3[j]);
            a3 = TV.Fma(s, wa, a3);
            if (TSecond.On) b3 = TV.Fma(s, wb, b3);
            if (TEight.On)
            {
                s = TV.Broadcast(v4[j]);
                a4 = TV.Fma(s, wa, a4);
                if (TSecond.On) b4 = TV.Fma(s, wb, b4);
            }
            if (TEight.On)
            {
                s = TV.Broadcast(v5[j]);
                a5 = TV.Fma(s, wa, a5);
                if (TSecond.On) b5 = TV.Fma(s, wb, b5);
            }
            if (TEight.On)
            {
                s = TV.Broadcast(v6[j]);
                a6 = TV.Fma(s, wa, a6);
                if (TSecond.On) b6 = TV.Fma(s, wb, b6);
            }
            if (TEight.On)
            {
                s = TV.Broadcast(v7[j]);
                a7 = TV.Fma(s, wa, a7);
                if (TSecond.On) b7 = TV.Fma(s, wb, b7);
            }
            w0 += B;
            w1 += B;
        }
        Store32<TV, TSecond>(m, a0, b0);
        if (count > 1) Store32<TV, TSecond>(m + mRow, a1, b1);
        if (count > 2) Store32<TV, TSecond>(m + 2 * mRow, a2, b2);
        if (count > 3) Store32<TV, TSecond>(m + 3 * mRow, a3, b3);
        if (TEight.On && count > 4) Store32<TV, TSecond>(m + 4 * mRow, a4, b4);
        if (TEight.On && count > 5) Store32<TV, TSecond>(m + 5 * mRow, a5, b5);
        if (TEight.On && count > 6) Store32<TV, TSecond>(m + 6 * mRow, a6, b6);
        if (TEight.On && count > 7) Store32<TV, TSecond>(m + 7 * mRow, a7, b7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store32<TV, TSecond>(float* m, TV a, TV b)
        where TV : struct, ILanes16<TV>
        where TSecond : struct, IWinogradSwitch
    {
        TV.Store(m, a);
        if (TSecond.On) TV.Store(m + Simd.Block, b);
    }
}
