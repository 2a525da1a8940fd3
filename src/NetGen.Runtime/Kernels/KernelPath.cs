using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// Which kernels one call runs: 16 lanes as one 512-bit register (<see cref="Lanes512"/>) or two
/// 256-bit ones (<see cref="Lanes256"/>), and whether a forward convolution's interior runs as
/// register tiles. The public entry points pass <see cref="Hardware"/>, chosen once per call;
/// inside, each kernel is specialised per lane type. An argument rather than a process-wide
/// switch, so tests run every path on one machine side by side (xUnit runs test classes in
/// parallel) without seeing each other's choice.
/// </summary>
internal readonly struct KernelPath
{
    private KernelPath(bool use512, bool interiorTiles)
    {
        Use512 = use512;
        InteriorTiles = interiorTiles;
    }

    /// <summary>512-bit lanes; else two 256-bit registers per 16 lanes.</summary>
    public bool Use512 { get; }

    /// <summary>
    /// Whether a forward convolution runs the pixels whose taps all lie inside the input as wide
    /// register tiles (they need 512-bit lanes' 32 registers); else every pixel takes the border kernels.
    /// </summary>
    public bool InteriorTiles { get; }

    /// <summary>What the public entry points run: 512-bit lanes and the interior tiles where AVX-512 is accelerated, else <see cref="Vector256"/>.</summary>
    public static KernelPath Hardware => new(Vector512.IsHardwareAccelerated, Vector512.IsHardwareAccelerated);

    /// <summary>Two 256-bit registers per 16 lanes and the border kernels everywhere, as on a machine without AVX-512.</summary>
    public static KernelPath Vector256 => new(false, false);

    /// <summary>The hardware's lanes with every pixel of a forward convolution through the border kernels (tests compare the interior tiles with them).</summary>
    public static KernelPath BorderKernels => new(Vector512.IsHardwareAccelerated, false);
}
