using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>x *= factor: the gradient block's mean from its sum (NetGen.Execution.ExecutionOps.Scale on the device).</summary>
public sealed partial class GpuElementwise
{
    private readonly Action<KernelConfig, ArrayView<float>, float, int> _scale;

    /// <summary>x *= factor, in place.</summary>
    /// <param name="x">(F) values, scaled in place.</param>
    /// <param name="factor">The factor.</param>
    public void Scale(ArrayView<float> x, float factor)
    {
        int n = OpsCheck.Elements(x.Length, "GpuElementwise.Scale", "x");
        _scale(_shape.GridStride(n), x, factor, n);
    }

    private static void ScaleKernel(ArrayView<float> x, float factor, int n)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX) x[i] *= factor;
    }
}
