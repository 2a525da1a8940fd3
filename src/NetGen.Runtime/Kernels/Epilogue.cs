using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

/// <summary>
/// The end of a Conv2D/Dense register block: add bias, apply ReLU, store the 16 lanes (or
/// the first <c>count</c> of them when the block is the channel tail, so nothing past the
/// tensor is written). Nothing here calls a method: a call while other accumulators are
/// live makes the JIT spill them inside the hot loop (zmm registers are caller-saved), so
/// activations that need exp/tanh run afterwards over the stored block (<see cref="Activate"/>).
/// </summary>
internal static unsafe class Epilogue
{
    /// <param name="y">Destination of up to 16 channels.</param>
    /// <param name="acc">The accumulated sums.</param>
    /// <param name="bias">Bias of those channels, or null for none.</param>
    /// <param name="count">Valid channels in this block, 1..16.</param>
    /// <param name="relu">Apply max(0, .) before storing.</param>
    /// <param name="tail">16 floats of scratch for a partial block.</param>
    /// <param name="accumulate">Add the sums to what y holds (a partial sum) before bias and ReLU.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TV>(float* y, TV acc, float* bias, int count, bool relu, float* tail, bool accumulate = false)
        where TV : struct, ILanes16<TV>
    {
        if (count == Simd.Block)
        {
            if (accumulate)
            {
                acc = TV.Add(acc, TV.Load(y));
            }
            if (bias != null)
            {
                acc = TV.Add(acc, TV.Load(bias));
            }
            if (relu)
            {
                acc = TV.Max(acc, TV.Zero);
            }
            TV.Store(y, acc);
            return;
        }
        TV.Store(tail, acc);
        for (int i = 0; i < count; i++)
        {
            float v = tail[i];
            if (accumulate)
            {
                v += y[i];
            }
            if (bias != null)
            {
                v += bias[i];
            }
            y[i] = relu && v < 0f ? 0f : v;
        }
    }

    /// <summary>Applies an activation other than None/ReLU to <paramref name="count"/> stored outputs, a vector at a time (<see cref="ActivationMath"/>).</summary>
    public static void Activate(float* y, int count, Activation activation, float alpha)
    {
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && ActivationMath.Vectorised(activation))
        {
            int lanes = System.Numerics.Vector<float>.Count;
            for (; i + lanes <= count; i += lanes)
            {
                var v = System.Runtime.CompilerServices.Unsafe.ReadUnaligned<System.Numerics.Vector<float>>(y + i);
                System.Runtime.CompilerServices.Unsafe.WriteUnaligned(y + i, ActivationMath.Apply(v, activation, alpha));
            }
            if (i < count)
            {
                // The same vector math for the tail (as Activations.Forward): results do not depend on the path.
                float* lanesBuffer = stackalloc float[lanes];
                var buffer = new System.Span<float>(lanesBuffer, lanes);
                buffer.Clear();
                new System.Span<float>(y + i, count - i).CopyTo(buffer);
                ActivationMath.Apply(new System.Numerics.Vector<float>(buffer), activation, alpha).CopyTo(buffer);
                buffer[..(count - i)].CopyTo(new System.Span<float>(y + i, count - i));
            }
            return;
        }
        for (; i < count; i++)
        {
            y[i] = Activations.Apply(y[i], activation, alpha);
        }
    }
}
