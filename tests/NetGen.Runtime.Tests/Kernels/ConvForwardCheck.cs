using NetGen.Kernels;

namespace NetGen.Tests.Kernels;

/// <summary>A forward convolution kernel with Conv2D.Forward's arguments (y, x, packed weights, bias, workspace, dims, activation, alpha, path).</summary>
internal delegate void ConvForwardKernel(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
    Span<float> workspace, in Conv2DDims dims, Activation activation, float alpha, KernelPath path);

/// <summary>One forward kernel on random data against the float64 reference convolution.</summary>
internal static class ConvForwardCheck
{
    /// <summary>The data a check ran on, for further comparisons by the caller.</summary>
    public sealed record Inputs(float[] X, float[] Packed, float[] Bias, float[] Y);

    /// <summary>
    /// Draws x, weights and bias from <paramref name="rng"/> (in that order), runs
    /// <paramref name="kernel"/> on <paramref name="path"/> over garbage-filled output and workspace (it must
    /// overwrite the one and clear what it relies on in the other) and asserts it equals the reference to 1e-4.
    /// </summary>
    public static Inputs AgainstReference(Conv2DTests.Case t, Random rng, float alpha, ConvForwardKernel kernel, KernelPath path)
    {
        var d = t.Dims;
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var w = TestData.Uniform(rng, d.K * d.GroupC * d.R * d.S, 0.5f);
        var b = t.Bias ? TestData.Uniform(rng, d.K) : [];
        var y = TestData.Uniform(rng, d.N * d.P * d.Q * d.K);
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        var ws = new float[Conv2D.ForwardWorkspaceFloats(d)];
        Array.Fill(ws, 3f);
        Conv2D.Pack(packed, w, d);
        kernel(y, x, packed, b, ws, d, t.Act, alpha, path);

        var expected = Reference.Conv2D(TestData.NhwcToNchw(x, d.N, d.C, d.H, d.W), TestData.ToDouble(w),
            t.Bias ? TestData.ToDouble(b) : null, d, t.Act, alpha);
        TensorAssert.Close(TestData.NchwToNhwc(expected, d.N, d.K, d.P, d.Q), y, 1e-4, 1e-4, "y");
        return new Inputs(x, packed, b, y);
    }
}
