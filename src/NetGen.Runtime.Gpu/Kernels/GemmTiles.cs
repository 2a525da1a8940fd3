namespace NetGen.Gpu;

/// <summary>
/// Tile sizes of the tiled GEMM, as constants of a struct type so each tile size is its own
/// specialised kernel (the JIT and ILGPU fold them; no virtual call). A group of
/// ThreadsM x ThreadsN threads computes a (4 ThreadsM) x (4 ThreadsN) tile of C, each thread
/// a 4 x 4 block in registers, stepping through the reduction TileK at a time through shared
/// memory ((4 ThreadsM + 4 ThreadsN + 2) x TileK floats: each tile row padded by one).
/// </summary>
public interface IGemmTile
{
    /// <summary>Threads down the rows of the tile (the tile has 4x as many rows).</summary>
    int ThreadsM { get; }

    /// <summary>Threads across the columns of the tile (the tile has 4x as many columns).</summary>
    int ThreadsN { get; }

    /// <summary>Reduction steps per shared-memory stage.</summary>
    int TileK { get; }
}

/// <summary>The tile sizes of the GEMM-based kernels.</summary>
public static class GemmTiles
{
    /// <summary>Outputs per thread along each of rows and columns (a 4 x 4 register block).</summary>
    public const int Micro = 4;

    /// <summary>Floats of dynamic shared memory one group of <typeparamref name="TTile"/> uses.</summary>
    public static int SharedFloats<TTile>() where TTile : struct, IGemmTile
    {
        TTile t = default;
        return ((t.ThreadsM + t.ThreadsN) * Micro + 2) * t.TileK;
    }

    /// <summary>Threads of one group of <typeparamref name="TTile"/>.</summary>
    public static int Threads<TTile>() where TTile : struct, IGemmTile
    {
        TTile t = default;
        return t.ThreadsM * t.ThreadsN;
    }
}

/// <summary>64 x 64 tiles, 256 threads, 16-deep stages (8.1 KiB of shared memory): the GPU's tile.</summary>
public struct GpuTile64 : IGemmTile
{
    /// <inheritdoc/>
    public readonly int ThreadsM => 16;
    /// <inheritdoc/>
    public readonly int ThreadsN => 16;
    /// <inheritdoc/>
    public readonly int TileK => 16;
}

/// <summary>128 x 64 tiles, 512 threads, 8-deep stages (6 KiB): tall outputs (convolutions over many pixels).</summary>
public struct GpuTile128x64 : IGemmTile
{
    /// <inheritdoc/>
    public readonly int ThreadsM => 32;
    /// <inheritdoc/>
    public readonly int ThreadsN => 16;
    /// <inheritdoc/>
    public readonly int TileK => 8;
}

/// <summary>16 x 16 tiles of 16 threads, 4-deep stages: the CPU simulator's tile (groups of 16 threads).</summary>
public struct SimulatorTile : IGemmTile
{
    /// <inheritdoc/>
    public readonly int ThreadsM => 4;
    /// <inheritdoc/>
    public readonly int ThreadsN => 4;
    /// <inheritdoc/>
    public readonly int TileK => 4;
}

/// <summary>8 x 32 tiles of 16 threads, 3-deep stages: a non-square tile whose depth divides nothing, for the tests.</summary>
public struct SimulatorWideTile : IGemmTile
{
    /// <inheritdoc/>
    public readonly int ThreadsM => 2;
    /// <inheritdoc/>
    public readonly int ThreadsN => 8;
    /// <inheritdoc/>
    public readonly int TileK => 3;
}
