namespace NetGen.Kernels;

/// <summary>The register width a kernel's 16 lanes are computed in.</summary>
internal enum LaneWidth
{
    /// <summary>Four 128-bit registers (<see cref="Lanes128{TMulAdd}"/>): SSE on x64's baseline, NEON on ARM64.</summary>
    Bits128,
    /// <summary>Two 256-bit registers (<see cref="Lanes256"/>): AVX2.</summary>
    Bits256,
    /// <summary>One 512-bit register (<see cref="Lanes512"/>): AVX-512.</summary>
    Bits512,
}

/// <summary>
/// Which kernels one call runs: 16 lanes as one 512-bit register (<see cref="Lanes512"/>), two
/// 256-bit ones (<see cref="Lanes256"/>) or four 128-bit ones (<see cref="Lanes128{TMulAdd}"/>), and
/// whether a forward convolution's interior runs as register tiles. The public entry points pass <see cref="Hardware"/>, chosen once per call;
/// inside, each kernel is specialised per lane type. An argument rather than a process-wide
/// switch, so tests run every path on one machine side by side (xUnit runs test classes in
/// parallel) without seeing each other's choice.
/// </summary>
internal readonly struct KernelPath
{
    private KernelPath(LaneWidth width, bool interiorTiles, bool fused = true)
    {
        Width = width;
        InteriorTiles = interiorTiles;
        Fused = fused;
    }

    /// <summary>
    /// Whether multiply-adds round once (always on the 256- and 512-bit paths); false only for
    /// 128-bit lanes on an x64 without FMA3, which multiply and add separately (<see cref="Unfused"/>).
    /// </summary>
    public bool Fused { get; }

    /// <summary>The registers the 16 lanes are computed in.</summary>
    public LaneWidth Width { get; }

    /// <summary>512-bit lanes (the kernels that need 32 wide registers run only then).</summary>
    public bool Use512 => Width == LaneWidth.Bits512;

    /// <summary>
    /// Whether a forward convolution runs the pixels whose taps all lie inside the input as wide
    /// register tiles (they need 512-bit lanes' 32 registers); else every pixel takes the border kernels.
    /// </summary>
    public bool InteriorTiles { get; }

    /// <summary>
    /// The widest registers the machine accelerates: 512-bit lanes and the interior tiles where
    /// AVX-512 is, else <see cref="Vector256"/> where AVX2 is, else <see cref="Vector128"/> (SSE,
    /// NEON; where not even 128-bit vectors are accelerated, the JIT runs those in software).
    /// </summary>
    public static KernelPath Hardware => new(HardwareWidth, HardwareWidth == LaneWidth.Bits512, HardwareWidth != LaneWidth.Bits128 || NetGen.Kernels.Fused.IsAccelerated);

    private static LaneWidth HardwareWidth =>
        System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? LaneWidth.Bits512
        : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? LaneWidth.Bits256
        : LaneWidth.Bits128;

    /// <summary>Two 256-bit registers per 16 lanes and the border kernels everywhere, as on a machine with AVX2 and no AVX-512.</summary>
    public static KernelPath Vector256 => new(LaneWidth.Bits256, false);

    /// <summary>Four 128-bit registers per 16 lanes and the border kernels everywhere, as on ARM64 (NEON) or x64's SSE baseline.</summary>
    public static KernelPath Vector128 => new(LaneWidth.Bits128, false);

    /// <summary>128-bit lanes with separate multiplies and adds, as on an x64 without FMA3 (SSE only).</summary>
    public static KernelPath Vector128Unfused => new(LaneWidth.Bits128, false, fused: false);

    /// <summary>The hardware's lanes with every pixel of a forward convolution through the border kernels (tests compare the interior tiles with them).</summary>
    public static KernelPath BorderKernels => new(HardwareWidth, false, Hardware.Fused);
}
