using System;
using ILGPU;

namespace NetGen.Gpu;

/// <summary>
/// One operand of the tiled GEMM, read element by element while a group fills its shared tile:
/// A is (M, K) and B is (K, N) as the kernel sees them, whatever the memory holds (a plain or
/// transposed matrix, an implicit im2col of an image, packed weights). Rows and columns past
/// the edge are never asked for: the kernel zero-fills them.
/// </summary>
public interface IGemmOperand
{
    /// <summary>Element (row, col) of slice <paramref name="batch"/> (a convolution group, a batch entry).</summary>
    float Load(int batch, int row, int col);

    /// <summary>Whether consecutive columns are adjacent in memory (the tile loads walk that way, coalesced).</summary>
    bool ColumnsContiguous { get; }
}

/// <summary>Where the tiled GEMM puts C (M, N): the epilogue fuses scaling, bias, activation, residual or accumulation.</summary>
public interface IGemmEpilogue
{
    /// <summary>Stores the reduced value of C (row, col) of slice <paramref name="batch"/>.</summary>
    void Store(int batch, int row, int col, float value);
}

/// <summary>The launch shape of one GEMM: C (M, N) = A (M, K) B (K, N) per batch, the reduction split in Splits parts.</summary>
internal struct GemmShape
{
    public int M, N, K, Splits, KPerSplit;
}

/// <summary>
/// The tiled GEMM kernel. A group of ThreadsM x ThreadsN threads owns a (4 ThreadsM) x
/// (4 ThreadsN) tile of C; grid X walks row tiles, Y column tiles, Z batches x splits of the
/// reduction. Per TileK-deep stage the group copies an A tile and a B tile to shared memory
/// (walking each operand the way its memory is contiguous), meets at a barrier, and every
/// thread multiplies 4 A values by 4 B values into its 16 register accumulators. Thread (ty, tx)
/// owns rows ty + i ThreadsM and columns tx + j ThreadsN: neighbouring threads read neighbouring
/// B values (no bank conflicts) and store neighbouring columns (coalesced).
/// </summary>
internal static class GemmKernel
{
    public static void Run<TTile, TA, TB, TE>(TA a, TB b, TE epilogue, GemmShape shape)
        where TTile : struct, IGemmTile
        where TA : struct, IGemmOperand
        where TB : struct, IGemmOperand
        where TE : struct, IGemmEpilogue
    {
        TTile tile = default;
        int tm = tile.ThreadsM, tn = tile.ThreadsN, tk = tile.TileK;
        int tileM = tm * GemmTiles.Micro, tileN = tn * GemmTiles.Micro, threads = tm * tn;
        int tid = Group.IdxX, ty = tid / tn, tx = tid - ty * tn;
        int row0 = Grid.IdxX * tileM, col0 = Grid.IdxY * tileN;
        int batch = Grid.IdxZ / shape.Splits, split = Grid.IdxZ - batch * shape.Splits;
        int kBegin = split * shape.KPerSplit, kEnd = Math.Min(shape.K, kBegin + shape.KPerSplit);

        // (TileK, tileM + 1) and (TileK, tileN + 1), k-major: a thread's 4 rows lie tm apart, its
        // 4 columns tn apart. The extra float per row staggers the banks when a tile is filled
        // down k (an operand contiguous along k): unpadded, a warp's stores would all hit one bank.
        int lda = tileM + 1, ldb = tileN + 1;
        ArrayView<float> shared = SharedMemory.GetDynamic<float>();
        ArrayView<float> sa = shared.SubView(0, tk * lda);
        ArrayView<float> sb = shared.SubView(tk * lda, tk * ldb);
        bool aAlongK = a.ColumnsContiguous, bAlongN = b.ColumnsContiguous;

        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int k0 = kBegin; k0 < kEnd; k0 += tk)
        {
            for (int i = tid; i < tileM * tk; i += threads)
            {
                int m, kk;
                if (aAlongK) { m = i / tk; kk = i - m * tk; }
                else { kk = i / tileM; m = i - kk * tileM; }
                int row = row0 + m, k = k0 + kk;
                sa[kk * lda + m] = row < shape.M && k < kEnd ? a.Load(batch, row, k) : 0f;
            }
            for (int i = tid; i < tk * tileN; i += threads)
            {
                int n, kk;
                if (bAlongN) { kk = i / tileN; n = i - kk * tileN; }
                else { n = i / tk; kk = i - n * tk; }
                int col = col0 + n, k = k0 + kk;
                sb[kk * ldb + n] = col < shape.N && k < kEnd ? b.Load(batch, k, col) : 0f;
            }
            Group.Barrier();
            for (int kk = 0; kk < tk; kk++)
            {
                int ao = kk * lda + ty, bo = kk * ldb + tx;
                float a0 = sa[ao], a1 = sa[ao + tm], a2 = sa[ao + 2 * tm], a3 = sa[ao + 3 * tm];
                float b0 = sb[bo], b1 = sb[bo + tn], b2 = sb[bo + 2 * tn], b3 = sb[bo + 3 * tn];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            Group.Barrier();
        }
        int r = row0 + ty, c = col0 + tx;
        StoreRow(epilogue, shape, batch, r, c, tn, c00, c01, c02, c03);
        StoreRow(epilogue, shape, batch, r + tm, c, tn, c10, c11, c12, c13);
        StoreRow(epilogue, shape, batch, r + 2 * tm, c, tn, c20, c21, c22, c23);
        StoreRow(epilogue, shape, batch, r + 3 * tm, c, tn, c30, c31, c32, c33);
    }

    private static void StoreRow<TE>(TE epilogue, GemmShape shape, int batch, int row, int col, int step, float v0, float v1, float v2, float v3)
        where TE : struct, IGemmEpilogue
    {
        if (row >= shape.M) return;
        if (col < shape.N) epilogue.Store(batch, row, col, v0);
        if (col + step < shape.N) epilogue.Store(batch, row, col + step, v1);
        if (col + 2 * step < shape.N) epilogue.Store(batch, row, col + 2 * step, v2);
        if (col + 3 * step < shape.N) epilogue.Store(batch, row, col + 3 * step, v3);
    }
}
