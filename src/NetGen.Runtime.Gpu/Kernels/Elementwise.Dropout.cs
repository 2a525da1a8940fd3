using System;
using ILGPU;
using ILGPU.Runtime;
using NetGen.Kernels;

namespace NetGen.Gpu;

/// <summary>
/// Inverted dropout (NetGen.Kernels.Dropout's rule: keep with probability 1 - rate, scale by
/// 1 / (1 - rate), rate 1 gives zeros) with per-sample seeded streams: sample n's F floats are
/// dealt to <see cref="StreamsPerSample"/> lanes (element i to lane i mod L, so neighbouring
/// threads write neighbouring floats), and lane l draws from the CPU's own generator,
/// <see cref="FastRandom"/>(seed, firstStream + n * L + l), its elements in order. A sample's
/// mask therefore depends only on (seed, stream, its index), never on the launch shape or the
/// batch it sits in, and the CPU can reproduce it exactly. Forward writes the mask, all
/// backward needs (<see cref="DropoutBackward"/> is dX += dY * mask).
/// </summary>
public sealed partial class GpuElementwise
{
    /// <summary>Random streams per sample (L): threads in flight per sample.</summary>
    public const int StreamsPerSample = 256;

    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, ulong, ulong, int, int> _dropout;

    /// <summary>y = x * mask, with a fresh mask from the streams of (seed, firstStream). Overwrites y and mask; y may be x.</summary>
    /// <param name="y">(N, F) output.</param>
    /// <param name="mask">(N, F) the scale applied to each element, saved for backward.</param>
    /// <param name="x">(N, F) input.</param>
    /// <param name="rate">Drop probability in [0, 1].</param>
    /// <param name="seed">The step's seed.</param>
    /// <param name="firstStream">Stream of sample 0's lane 0 (a layer's own range, so two dropouts differ).</param>
    /// <param name="samples">N.</param>
    public void DropoutForward(ArrayView<float> y, ArrayView<float> mask, ArrayView<float> x, float rate, ulong seed, ulong firstStream, int samples)
    {
        const string kernel = "GpuElementwise.DropoutForward";
        OpsCheck.Positive(samples, kernel, nameof(samples));
        OpsCheck.Length(y.Length, x.Length, kernel, nameof(y), "x.Length");
        OpsCheck.Length(mask.Length, x.Length, kernel, nameof(mask), "x.Length");
        OpsCheck.Elements(x.Length, kernel, nameof(x));
        if (x.Length % samples != 0)
            throw new ArgumentException($"{kernel}: x's {x.Length} floats are not {samples} samples of equal size.", nameof(samples));
        if (!(rate >= 0f && rate <= 1f))
            throw new ArgumentOutOfRangeException(nameof(rate), $"{kernel}: rate must be in [0, 1], got {rate}.");
        float keep = rate < 1f ? 1f / (1f - rate) : 0f;
        long lanes = (long)samples * StreamsPerSample;
        OpsCheck.Elements(lanes, kernel, "samples * StreamsPerSample");
        _dropout(_shape.GridStride(lanes), y, mask, x, rate, keep, seed, firstStream, (int)(x.Length / samples), (int)lanes);
    }

    /// <summary>dX += dY * mask.</summary>
    /// <param name="dX">(F) input gradient, accumulated.</param>
    /// <param name="dY">(F) output gradient.</param>
    /// <param name="mask">(F) the mask forward wrote.</param>
    public void DropoutBackward(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> mask) =>
        Binary("GpuElementwise.DropoutBackward", dX, dY, mask, AccumulateProductOp);

    private static void DropoutKernel(ArrayView<float> y, ArrayView<float> mask, ArrayView<float> x, float rate, float keep,
        ulong seed, ulong firstStream, int perSample, int lanes)
    {
        for (int t = Grid.GlobalIndex.X; t < lanes; t += Grid.DimX * Group.DimX)
        {
            var random = new FastRandom(seed, firstStream + (ulong)t);
            int sample = t / StreamsPerSample, lane = t % StreamsPerSample;
            for (int i = lane; i < perSample; i += StreamsPerSample)
            {
                int at = sample * perSample + i;
                float m = random.NextFloat() >= rate ? keep : 0f;
                mask[at] = m;
                y[at] = x[at] * m;
            }
        }
    }
}
