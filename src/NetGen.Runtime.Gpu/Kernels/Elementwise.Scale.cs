using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// Arithmetic with one constant, NetGen.Kernels.ScalarOps on the device: the <c>scale(factor)</c> layer
/// y = x * factor, the <c>shift(offset)</c> layer y = x + offset, their backward dX += factor * dY (shift's
/// with factor 1; neither reads x or y), and x *= factor in place (the gradient block's mean from its sum,
/// NetGen.Execution.ExecutionOps.Scale). One grid-stride kernel, the operation an argument.
/// </summary>
public sealed partial class GpuElementwise
{
    private const int ScaleOp = 0, ShiftOp = 1, ScaleAccumulateOp = 2;

    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, float, int, int> _scalar;

    /// <summary>x *= factor, in place.</summary>
    /// <param name="x">(F) values, scaled in place.</param>
    /// <param name="factor">The factor.</param>
    public void Scale(ArrayView<float> x, float factor) => Scalar("GpuElementwise.Scale", x, x, factor, ScaleOp);

    /// <summary>y = x * factor. Overwrites y; y may be x. Backward (<see cref="ScaleAccumulate"/>) needs nothing saved.</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="x">(F) input.</param>
    /// <param name="factor">The constant factor.</param>
    public void Scale(ArrayView<float> y, ArrayView<float> x, float factor) => Scalar("GpuElementwise.Scale", y, x, factor, ScaleOp);

    /// <summary>y = x + offset. Overwrites y; y may be x. Backward is dX += dY (<see cref="ScaleAccumulate"/> with factor 1).</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="x">(F) input.</param>
    /// <param name="offset">The constant offset.</param>
    public void Shift(ArrayView<float> y, ArrayView<float> x, float offset) => Scalar("GpuElementwise.Shift", y, x, offset, ShiftOp);

    /// <summary>dX += factor * dY: scale's backward (shift's with factor 1). dX may not overlap dY.</summary>
    /// <param name="dX">(F) gradient of the input, accumulated.</param>
    /// <param name="dY">(F) gradient of the output.</param>
    /// <param name="factor">The forward factor (1 for shift).</param>
    public void ScaleAccumulate(ArrayView<float> dX, ArrayView<float> dY, float factor) =>
        Scalar("GpuElementwise.ScaleAccumulate", dX, dY, factor, ScaleAccumulateOp);

    private void Scalar(string kernel, ArrayView<float> y, ArrayView<float> x, float constant, int op)
    {
        OpsCheck.Length(x.Length, y.Length, kernel, "the input", "the output's length");
        int n = OpsCheck.Elements(y.Length, kernel, "the output");
        _scalar(_shape.GridStride(n), y, x, constant, op, n);
    }

    private static void ScalarKernel(ArrayView<float> y, ArrayView<float> x, float constant, int op, int n)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            switch (op)
            {
                case ScaleOp: y[i] = x[i] * constant; break;
                case ShiftOp: y[i] = x[i] + constant; break;
                default: y[i] += x[i] * constant; break;
            }
        }
    }
}
