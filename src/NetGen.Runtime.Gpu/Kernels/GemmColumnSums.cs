using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// sums[col] += sum over rows of m (rows, cols): the bias gradient of a dense layer (rows = N)
/// or convolution (rows = N P Q). Thread (col, part) sums one column over one part of the rows
/// (neighbouring threads read neighbouring floats of a row: coalesced) and adds its partial sum
/// atomically, so a tall dY spreads over the whole GPU.
/// </summary>
internal sealed class ColumnSums
{
    private readonly Action<Index2D, ArrayView<float>, ArrayView<float>, int, int, int> _kernel;

    private ColumnSums(GpuDevice device) =>
        _kernel = device.Accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, int, int, int>(Kernel);

    public static ColumnSums On(GpuDevice device) => device.Kernels(static d => new ColumnSums(d));

    /// <summary>Rows per part: about 64, fewer parts where the columns alone fill the device.</summary>
    public static int RowsPerPart(GpuDevice device, int rows, int cols)
    {
        long threadsWanted = 2048L * device.Accelerator.NumMultiprocessors;
        long parts = Math.Clamp((threadsWanted + cols - 1) / cols, 1, Math.Max(1, (rows + 63) / 64));
        return (int)((rows + parts - 1) / parts);
    }

    /// <param name="device">The device.</param>
    /// <param name="sums">(cols) accumulated.</param>
    /// <param name="m">(rows, cols) row-major.</param>
    /// <param name="rows">Rows of m.</param>
    /// <param name="cols">Columns of m.</param>
    public void Launch(GpuDevice device, ArrayView<float> sums, ArrayView<float> m, int rows, int cols)
    {
        if (rows == 0) return;
        int perPart = RowsPerPart(device, rows, cols);
        _kernel(new Index2D(cols, (rows + perPart - 1) / perPart), sums, m, rows, cols, perPart);
    }

    internal static void Kernel(Index2D index, ArrayView<float> sums, ArrayView<float> m, int rows, int cols, int rowsPerPart)
    {
        int col = index.X, r0 = index.Y * rowsPerPart, r1 = Math.Min(rows, r0 + rowsPerPart);
        float sum = 0f;
        for (int r = r0; r < r1; r++) sum += m[r * cols + col];
        Atomic.Add(ref sums[col], sum);
    }
}
