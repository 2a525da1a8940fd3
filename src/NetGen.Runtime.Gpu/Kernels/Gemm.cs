using System;
using ILGPU;

namespace NetGen.Gpu;

/// <summary>
/// C (M, N) = Alpha op(A) op(B) + Beta C, all row-major: A is stored (M, K), or (K, M) with
/// <see cref="TransposeA"/>; B is stored (K, N), or (N, K) with <see cref="TransposeB"/>.
/// </summary>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">The reduction.</param>
/// <param name="TransposeA">A is stored (K, M).</param>
/// <param name="TransposeB">B is stored (N, K).</param>
/// <param name="Alpha">Scale of the product.</param>
/// <param name="Beta">Scale of the old C (0: C is only written; 1: accumulate).</param>
public readonly record struct GemmDims(int M, int N, int K, bool TransposeA = false, bool TransposeB = false, float Alpha = 1f, float Beta = 0f)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid dimension.</summary>
    public void Validate()
    {
        if (M < 0 || N < 0 || K < 0)
            throw new ArgumentException($"GemmDims: M = {M}, N = {N} and K = {K} must not be negative.");
    }
}

/// <summary>The general matrix product on the GPU, through the tiled kernel (<see cref="GemmKernel"/>).</summary>
public static class GpuGemm
{
    /// <summary>
    /// C = Alpha op(A) op(B) + Beta C on the device's stream (asynchronous). With Beta = 1 the
    /// reduction may be split over <paramref name="splitK"/> groups adding atomically
    /// (0: chosen from the shape; 1: never).
    /// </summary>
    /// <typeparam name="TTile">The tile sizes (<see cref="GpuTile64"/> on a GPU, <see cref="SimulatorTile"/> on the CPU simulator).</typeparam>
    /// <param name="device">The device.</param>
    /// <param name="c">(M, N) output.</param>
    /// <param name="a">(M, K), or (K, M) transposed.</param>
    /// <param name="b">(K, N), or (N, K) transposed.</param>
    /// <param name="dims">The product.</param>
    /// <param name="splitK">Reduction splits, only with Beta = 1.</param>
    public static void Multiply<TTile>(GpuDevice device, ArrayView<float> c, ArrayView<float> a, ArrayView<float> b, in GemmDims dims, int splitK = 1)
        where TTile : struct, IGemmTile
    {
        const string kernel = "GpuGemm.Multiply";
        dims.Validate();
        GpuCheck.Length(c.Length, (long)dims.M * dims.N, kernel, nameof(c), "M*N");
        GpuCheck.Length(a.Length, (long)dims.M * dims.K, kernel, nameof(a), "M*K");
        GpuCheck.Length(b.Length, (long)dims.K * dims.N, kernel, nameof(b), "K*N");
        GpuCheck.Splits(splitK, kernel);
        if (splitK > 1 && dims.Beta != 1f)
            throw new ArgumentException($"{kernel}: a split reduction adds into C, so it needs Beta = 1 (it was {dims.Beta}).", nameof(splitK));
        var gemm = TiledGemm<TTile, MatrixOperand, MatrixOperand, StoreEpilogue>.On(device);
        int splits = splitK == 0 ? (dims.Beta == 1f ? gemm.AutoSplits(device, dims.M, dims.N, dims.K, 1) : 1) : splitK;
        var opA = new MatrixOperand(a, dims.TransposeA ? dims.M : dims.K, dims.TransposeA);
        var opB = new MatrixOperand(b, dims.TransposeB ? dims.K : dims.N, dims.TransposeB);
        var store = new StoreEpilogue { Target = c, Ld = dims.N, Alpha = dims.Alpha, Beta = dims.Beta, Atomic = splits > 1 ? 1 : 0 };
        gemm.Launch(device, opA, opB, store, dims.M, dims.N, dims.K, 1, splits);
    }
}
