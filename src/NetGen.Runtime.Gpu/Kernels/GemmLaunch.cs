using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// The tiled GEMM kernel for one tile size, operand pair and epilogue, loaded once per device
/// (through <see cref="GpuDevice.Kernels{T}"/>, keyed by this closed type) and launched on the
/// device's default stream. A launch allocates nothing on the host beyond ILGPU's own launch.
/// </summary>
internal sealed class TiledGemm<TTile, TA, TB, TE>
    where TTile : struct, IGemmTile
    where TA : struct, IGemmOperand
    where TB : struct, IGemmOperand
    where TE : struct, IGemmEpilogue
{
    private readonly Action<KernelConfig, TA, TB, TE, GemmShape> _kernel;
    private readonly int _threads;
    private readonly int _tileM;
    private readonly int _tileN;
    private readonly int _tileK;
    private readonly int _shared;

    private TiledGemm(GpuDevice device)
    {
        TTile tile = default;
        _threads = tile.ThreadsM * tile.ThreadsN;
        _tileM = tile.ThreadsM * GemmTiles.Micro;
        _tileN = tile.ThreadsN * GemmTiles.Micro;
        _tileK = tile.TileK;
        _shared = GemmTiles.SharedFloats<TTile>();
        if (tile.ThreadsM < 1 || tile.ThreadsN < 1 || _tileK < 1)
            throw new ArgumentException($"{typeof(TTile).Name}: ThreadsM = {tile.ThreadsM}, ThreadsN = {tile.ThreadsN} and TileK = {_tileK} must all be positive.");
        if (_threads > device.MaxGroupSize)
            throw new ArgumentException(
                $"{typeof(TTile).Name} needs groups of {_threads} threads; {device.Name} allows at most {device.MaxGroupSize}. Use a smaller tile (the CPU simulator: {nameof(SimulatorTile)}).");
        _kernel = device.Accelerator.LoadStreamKernel<TA, TB, TE, GemmShape>(GemmKernel.Run<TTile, TA, TB, TE>);
    }

    /// <summary>The kernel on <paramref name="device"/>, loaded on first use.</summary>
    public static TiledGemm<TTile, TA, TB, TE> On(GpuDevice device) => device.Kernels(static d => new TiledGemm<TTile, TA, TB, TE>(d));

    /// <summary>Rows of C one group computes.</summary>
    public int TileM => _tileM;

    /// <summary>Columns of C one group computes.</summary>
    public int TileN => _tileN;

    /// <summary>
    /// C (M, N) of each of <paramref name="batches"/> slices, the reduction of <paramref name="k"/>
    /// split in <paramref name="splits"/> parts (only for an epilogue that adds atomically).
    /// </summary>
    public void Launch(GpuDevice device, TA a, TB b, TE epilogue, int m, int n, int k, int batches, int splits)
    {
        if (m == 0 || n == 0 || batches == 0) return;
        int perSplit = Ceil(Ceil(k, splits), _tileK) * _tileK;
        var shape = new GemmShape { M = m, N = n, K = k, Splits = splits, KPerSplit = Math.Max(perSplit, _tileK) };
        var config = new KernelConfig(
            new Index3D(Ceil(m, _tileM), Ceil(n, _tileN), batches * splits),
            new Index3D(_threads, 1, 1),
            SharedMemoryConfig.RequestDynamic<float>(_shared));
        _kernel(config, a, b, epilogue, shape);
    }

    /// <summary>
    /// Reduction splits that give a GPU about two groups per multiprocessor when the output has
    /// few tiles (a weight gradient: small M x N, a long reduction over the batch), each part
    /// at least 8 stages deep.
    /// </summary>
    public int AutoSplits(GpuDevice device, int m, int n, int k, int batches)
    {
        long tiles = (long)Ceil(m, _tileM) * Ceil(n, _tileN) * Math.Max(batches, 1);
        long wanted = 2L * device.Accelerator.NumMultiprocessors;
        if (tiles >= wanted) return 1;
        long byDepth = Math.Max(1, k / (8L * _tileK));
        return (int)Math.Max(1, Math.Min(Ceil((int)wanted, (int)tiles), byDepth));
    }

    private static int Ceil(int a, int b) => (a + b - 1) / b;
}
