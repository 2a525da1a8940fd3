using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

/// <summary>
/// The end of a Conv2D/Dense register block: add bias, apply the fused activation, store
/// the 16 lanes (or the first <c>count</c> of them when the block is the channel tail,
/// so nothing past the tensor is written).
/// </summary>
internal static unsafe class Epilogue
{
    /// <param name="y">Destination of up to 16 channels.</param>
    /// <param name="acc">The accumulated sums.</param>
    /// <param name="bias">Bias of those channels, or null for none.</param>
    /// <param name="count">Valid channels in this block, 1..16.</param>
    /// <param name="activation">Fused activation.</param>
    /// <param name="alpha">Its parameter.</param>
    /// <param name="tail">16 floats of scratch for a partial block.</param>
    /// <param name="accumulate">Add to y instead of overwriting it (then bias and activation must be off).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TV>(float* y, TV acc, float* bias, int count, Activation activation, float alpha, float* tail, bool accumulate = false)
        where TV : struct, ILanes16<TV>
    {
        if (accumulate)
        {
            if (count == Simd.Block)
            {
                TV.Store(y, TV.Add(TV.Load(y), acc));
                return;
            }
            TV.Store(tail, acc);
            for (int i = 0; i < count; i++)
            {
                y[i] += tail[i];
            }
            return;
        }
        if (count == Simd.Block)
        {
            if (bias != null)
            {
                acc = TV.Add(acc, TV.Load(bias));
            }
            if (activation == Activation.ReLU)
            {
                acc = TV.Max(acc, TV.Zero);
            }
            TV.Store(y, acc);
            if (activation > Activation.ReLU)
            {
                for (int i = 0; i < Simd.Block; i++)
                {
                    y[i] = Activations.Apply(y[i], activation, alpha);
                }
            }
            return;
        }
        TV.Store(tail, acc);
        for (int i = 0; i < count; i++)
        {
            float v = bias != null ? tail[i] + bias[i] : tail[i];
            y[i] = Activations.Apply(v, activation, alpha);
        }
    }
}
