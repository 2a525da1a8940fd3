using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// Device-side reductions: butterfly sums and maxima over a warp (<c>Warp.ShuffleXor</c>, so
/// every lane holds the result, for any power-of-two warp: 32 on NVIDIA, 2 to 16 on the
/// simulator), and over a group through one shared slot per warp.
/// </summary>
internal static class GpuWarp
{
    public static float Sum(float value)
    {
        for (int offset = Warp.WarpSize / 2; offset > 0; offset >>= 1)
            value += Warp.ShuffleXor(value, offset);
        return value;
    }

    public static float Max(float value)
    {
        for (int offset = Warp.WarpSize / 2; offset > 0; offset >>= 1)
            value = MathF.Max(value, Warp.ShuffleXor(value, offset));
        return value;
    }

    public static int Min(int value)
    {
        for (int offset = Warp.WarpSize / 2; offset > 0; offset >>= 1)
            value = Math.Min(value, Warp.ShuffleXor(value, offset));
        return value;
    }

    /// <summary>
    /// The sum over the group, in every thread: each warp sums in registers, lane 0 of each
    /// writes its warp's sum to <paramref name="shared"/> (one slot per warp), and every warp then
    /// sums the slots in the same order (so all threads agree bit for bit). Every thread of the
    /// group must call it.
    /// </summary>
    public static float GroupSum(float value, ArrayView<float> shared)
    {
        value = Sum(value);
        int warps = Group.DimX / Warp.WarpSize;
        if (Warp.IsFirstLane)
            shared[Warp.WarpIdx] = value;
        Group.Barrier();
        float total = 0f;
        for (int w = Warp.LaneIdx; w < warps; w += Warp.WarpSize)
            total += shared[w];
        total = Sum(total);
        Group.Barrier();
        return total;
    }
}

/// <summary>The per-element terms a column sum adds: two sums at once, each over the rows of one channel.</summary>
internal interface IColumnTerms
{
    /// <summary>The two terms of element <paramref name="at"/> (row-major (M, C)) of channel <paramref name="c"/>.</summary>
    void Terms(ArrayView<float> a, ArrayView<float> b, ArrayView<float> mean, int at, int c, out float first, out float second);
}

/// <summary>(a, 0): a plain column sum (a bias gradient, a batch mean).</summary>
internal readonly struct PlainTerms : IColumnTerms
{
    public void Terms(ArrayView<float> a, ArrayView<float> b, ArrayView<float> mean, int at, int c, out float first, out float second)
    {
        first = a[at];
        second = 0f;
    }
}

/// <summary>((a - mean)^2, 0): the sum of squared deviations (a batch variance).</summary>
internal readonly struct SquaredDeviationTerms : IColumnTerms
{
    public void Terms(ArrayView<float> a, ArrayView<float> b, ArrayView<float> mean, int at, int c, out float first, out float second)
    {
        float deviation = a[at] - mean[c];
        first = deviation * deviation;
        second = 0f;
    }
}

/// <summary>(a, a * (b - mean)): batch norm backward's sum of dY and of dY times the centred input.</summary>
internal readonly struct GradientTerms : IColumnTerms
{
    public void Terms(ArrayView<float> a, ArrayView<float> b, ArrayView<float> mean, int at, int c, out float first, out float second)
    {
        float dy = a[at];
        first = dy;
        second = dy * (b[at] - mean[c]);
    }
}

/// <summary>
/// Per-channel sums over the rows of a channels-last (M, C) tensor, the reduction under the bias
/// gradients and batch norm. A group covers one warp-wide block of channels (lane = channel, so
/// each warp reads consecutive floats) over one split of the rows (warp w takes rows w,
/// w + warps, ...; a tensor narrower than a warp takes narrower blocks and several rows per warp);
/// the partial sums meet in shared memory and each channel's are summed across warps with shuffles. The splits' sums land in a workspace (splits, C) and a second
/// launch adds them in split order: the result depends only on the dims and the device's warp
/// shape, never on scheduling (no atomics).
/// </summary>
public sealed class GpuReduce
{
    /// <summary>The most row splits a sum uses (the workspace's rows).</summary>
    public const int MaxSplits = 256;

    /// <summary>Rows each thread adds, at least, before the rows are split further.</summary>
    private const int RowsPerThread = 16;

    private readonly LaunchShape _shape;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> _plain, _squared, _gradient;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int> _finishBias;

    private GpuReduce(GpuDevice device)
    {
        _shape = new LaunchShape(device);
        var a = device.Accelerator;
        _plain = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(ColumnSumsKernel<PlainTerms>);
        _squared = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(ColumnSumsKernel<SquaredDeviationTerms>);
        _gradient = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(ColumnSumsKernel<GradientTerms>);
        _finishBias = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int>(AddSplitsKernel);
    }

    /// <summary>The reductions on <paramref name="device"/>, loaded once.</summary>
    public static GpuReduce On(GpuDevice device) => device.Kernels(static d => new GpuReduce(d));

    /// <summary>Row splits a sum over <paramref name="rows"/> rows uses on this device.</summary>
    public int Splits(int rows)
    {
        int perSplit = Math.Max(_shape.Warps * RowsPerThread, (rows + MaxSplits - 1) / MaxSplits);
        return Math.Max(1, (rows + perSplit - 1) / perSplit);
    }

    /// <summary>Scratch floats <see cref="BiasGradient"/> needs: one (splits, C) block.</summary>
    public int BiasGradientWorkspaceFloats(int rows, int c) => Splits(rows) * c;

    /// <summary>dBias[k] += sum over the M = N * H * W rows of dY[m, k]. Saved from forward: nothing.</summary>
    /// <param name="dBias">(K) accumulated.</param>
    /// <param name="dY">(M, K) output gradient, channels-last.</param>
    /// <param name="workspace">At least <see cref="BiasGradientWorkspaceFloats"/> floats.</param>
    /// <param name="rows">M.</param>
    /// <param name="k">Channels K.</param>
    public void BiasGradient(ArrayView<float> dBias, ArrayView<float> dY, ArrayView<float> workspace, int rows, int k)
    {
        const string kernel = "GpuReduce.BiasGradient";
        OpsCheck.Positive(rows, kernel, nameof(rows));
        OpsCheck.Positive(k, kernel, nameof(k));
        OpsCheck.Length(dBias.Length, k, kernel, nameof(dBias), "K");
        OpsCheck.Length(dY.Length, (long)rows * k, kernel, nameof(dY), "M*K");
        OpsCheck.AtLeast(workspace.Length, BiasGradientWorkspaceFloats(rows, k), kernel, nameof(workspace), "splits*K");
        int splits = Splits(rows);
        var partial = workspace.SubView(0, (long)splits * k);
        ColumnSums(ColumnSum.Plain, partial, partial, dY, dY, dY, rows, k);
        _finishBias(_shape.GridStride(k), dBias, partial, splits, k);
    }

    internal enum ColumnSum { Plain, SquaredDeviation, Gradient }

    /// <summary>first/second (splits, C) = per-split sums of the terms over (M, C) inputs a, b with per-channel mean.</summary>
    internal void ColumnSums(ColumnSum kind, ArrayView<float> first, ArrayView<float> second, ArrayView<float> a, ArrayView<float> b, ArrayView<float> mean, int rows, int c)
    {
        int splits = Splits(rows);
        // Channels per block: a warp's width, or fewer for a narrow tensor, whose warps then take several rows at once.
        int width = Math.Min(_shape.WarpSize, 1 << (int)Math.Ceiling(Math.Log2(c)));
        int blocks = (c + width - 1) / width;
        var config = new KernelConfig(blocks * splits, _shape.Group);
        var launch = kind switch { ColumnSum.Plain => _plain, ColumnSum.SquaredDeviation => _squared, _ => _gradient };
        launch(config, first, second, a, b, mean, rows, c, splits, width);
    }

    /// <summary>
    /// Group (block, split). The group's threads are slots of <paramref name="width"/> lanes (width a
    /// power of two dividing the warp): thread t is channel block * width + t mod width of slot
    /// t / width, and slot s adds rows s, s + slots, ... of the split. The slots' partial sums meet in
    /// shared memory (thread t's at t), and warp w finishes channels w, w + warps, ... of the block,
    /// its lanes reading the slots in a fixed order and meeting in shuffles.
    /// </summary>
    private static void ColumnSumsKernel<TTerms>(
        ArrayView<float> first, ArrayView<float> second, ArrayView<float> a, ArrayView<float> b, ArrayView<float> mean,
        int rows, int c, int splits, int width) where TTerms : struct, IColumnTerms
    {
        var shared1 = SharedMemory.Allocate<float>(LaunchShape.MaxGroupThreads);
        var shared2 = SharedMemory.Allocate<float>(LaunchShape.MaxGroupThreads);
        int warps = Group.DimX / Warp.WarpSize, slots = Group.DimX / width;
        int thread = Group.IdxX, lane = Warp.LaneIdx, warp = Warp.WarpIdx;
        int blocks = (c + width - 1) / width;
        int block = Grid.IdxX % blocks, split = Grid.IdxX / blocks;
        int perSplit = (rows + splits - 1) / splits;
        int start = split * perSplit, end = Math.Min(rows, start + perSplit);
        int channel = block * width + thread % width;
        float s1 = 0f, s2 = 0f;
        if (channel < c)
        {
            var terms = default(TTerms);
            for (int row = start + thread / width; row < end; row += slots)
            {
                terms.Terms(a, b, mean, row * c + channel, channel, out float t1, out float t2);
                s1 += t1;
                s2 += t2;
            }
        }
        shared1[thread] = s1;
        shared2[thread] = s2;
        Group.Barrier();
        for (int j = warp; j < width; j += warps)
        {
            float t1 = 0f, t2 = 0f;
            for (int slot = lane; slot < slots; slot += Warp.WarpSize)
            {
                t1 += shared1[slot * width + j];
                t2 += shared2[slot * width + j];
            }
            t1 = GpuWarp.Sum(t1);
            t2 = GpuWarp.Sum(t2);
            int ch = block * width + j;
            if (Warp.IsFirstLane && ch < c)
            {
                // second first: a one-sum caller passes the same view for both, and first must win.
                second[split * c + ch] = t2;
                first[split * c + ch] = t1;
            }
        }
    }

    /// <summary>total[k] += partial[0, k] + partial[1, k] + ..., in split order.</summary>
    private static void AddSplitsKernel(ArrayView<float> total, ArrayView<float> partial, int splits, int c)
    {
        for (int k = Grid.GlobalIndex.X; k < c; k += Grid.DimX * Group.DimX)
        {
            float sum = 0f;
            for (int s = 0; s < splits; s++)
                sum += partial[s * c + k];
            total[k] += sum;
        }
    }
}
