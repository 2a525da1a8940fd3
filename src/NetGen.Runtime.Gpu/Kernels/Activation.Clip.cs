using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// The <c>clip(min, max)</c> layer, the semantics of NetGen.Kernels.Clip: y = min(max(x, lo), hi)
/// element-wise, and dX += dY where lo &lt; y &lt; hi (0 at both ends, as PyTorch's hardtanh and
/// relu6 give it), so backward needs only y saved. Grid-stride kernels like the other activations.
/// </summary>
public sealed partial class GpuActivations
{
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, float, float, int> _clipForward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, int> _clipBackward;

    /// <summary>y = min(max(x, lo), hi). y may be x (in place).</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="x">(F) input.</param>
    /// <param name="lo">The lower bound; below <paramref name="hi"/>.</param>
    /// <param name="hi">The upper bound.</param>
    public void ClipForward(ArrayView<float> y, ArrayView<float> x, float lo, float hi)
    {
        const string kernel = "GpuActivations.ClipForward";
        CheckBounds(lo, hi, kernel);
        OpsCheck.Length(y.Length, x.Length, kernel, nameof(y), "x.Length");
        int n = OpsCheck.Elements(x.Length, kernel, nameof(x));
        _clipForward(_shape.GridStride(n), y, x, lo, hi, n);
    }

    /// <summary>dX += dY where lo &lt; y &lt; hi. dX may not be dY.</summary>
    /// <param name="dX">(F) input gradient, accumulated.</param>
    /// <param name="dY">(F) output gradient.</param>
    /// <param name="y">(F) the output saved from forward.</param>
    /// <param name="lo">The lower bound of forward.</param>
    /// <param name="hi">The upper bound of forward.</param>
    public void ClipBackward(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> y, float lo, float hi)
    {
        const string kernel = "GpuActivations.ClipBackward";
        CheckBounds(lo, hi, kernel);
        OpsCheck.Length(dY.Length, dX.Length, kernel, nameof(dY), "dX.Length");
        OpsCheck.Length(y.Length, dX.Length, kernel, nameof(y), "dX.Length");
        int n = OpsCheck.Elements(dX.Length, kernel, nameof(dX));
        _clipBackward(_shape.GridStride(n), dX, dY, y, lo, hi, n);
    }

    private static void CheckBounds(float lo, float hi, string kernel)
    {
        if (!(lo < hi))
            throw new ArgumentException($"{kernel}: the bounds must satisfy lo < hi, got lo = {lo} and hi = {hi}.", nameof(lo));
    }

    private static void ClipForwardKernel(ArrayView<float> y, ArrayView<float> x, float lo, float hi, int n)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
            y[i] = MathF.Min(MathF.Max(x[i], lo), hi);
    }

    private static void ClipBackwardKernel(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> y, float lo, float hi, int n)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            float v = y[i];
            if (v > lo && v < hi) dX[i] += dY[i];
        }
    }
}
