using System;
using ILGPU;
using ILGPU.Runtime;
using NetGen.Kernels;

namespace NetGen.Gpu;

/// <summary>
/// A crop (<see cref="CropDims"/>), channels-last, as NetGen.Kernels.Crop: y is rows [Top, Top + P) and
/// columns [Left, Left + Q) of each sample of x. Both passes are a thread per output element
/// (consecutive threads take consecutive channels); backward adds each dY into the one dX it came from,
/// so no two threads write one element, and leaves the rest of dX as it was (the pixels cropped away
/// get no gradient). Backward needs nothing saved.
/// </summary>
public sealed partial class GpuPool
{
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, CropDims, int, int> _crop;

    /// <summary>y = the window of x. Overwrites y.</summary>
    /// <param name="y">(N, P, Q, C) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="dims">The crop.</param>
    public void CropForward(ArrayView<float> y, ArrayView<float> x, in CropDims dims)
    {
        int outputs = CheckCrop("GpuPool.CropForward", y, "y", x, "x", dims);
        _crop(_shape.GridStride(outputs), y, x, dims, outputs, 0);
    }

    /// <summary>dX[window] += dY.</summary>
    /// <param name="dX">(N, H, W, C) accumulated.</param>
    /// <param name="dY">(N, P, Q, C) output gradient.</param>
    /// <param name="dims">The crop.</param>
    public void CropBackward(ArrayView<float> dX, ArrayView<float> dY, in CropDims dims)
    {
        int outputs = CheckCrop("GpuPool.CropBackward", dY, "dY", dX, "dX", dims);
        _crop(_shape.GridStride(outputs), dX, dY, dims, outputs, 1);
    }

    private static int CheckCrop(string kernel, ArrayView<float> output, string outputName, ArrayView<float> input, string inputName, in CropDims d)
    {
        OpsCheck.NonNegative(d.N, kernel, "N");
        OpsCheck.Positive(d.C, kernel, "C");
        OpsCheck.Positive(d.P, kernel, "P");
        OpsCheck.Positive(d.Q, kernel, "Q");
        if (!(d.Top >= 0 && d.Left >= 0 && (long)d.Top + d.P <= d.H && (long)d.Left + d.Q <= d.W))
            throw new ArgumentException($"{kernel}: the {d.P}x{d.Q} window at top {d.Top}, left {d.Left} does not lie inside the {d.H}x{d.W} input.", nameof(d));
        OpsCheck.Length(output.Length, (long)d.N * d.P * d.Q * d.C, kernel, outputName, "N*P*Q*C");
        OpsCheck.Length(input.Length, (long)d.N * d.H * d.W * d.C, kernel, inputName, "N*H*W*C");
        return OpsCheck.Elements(output.Length, kernel, outputName);
    }

    /// <summary>Forward: window[i] = full's element under output i; backward (gradient != 0): full's element += window[i].</summary>
    private static void CropKernel(ArrayView<float> target, ArrayView<float> source, CropDims d, int outputs, int gradient)
    {
        for (int i = Grid.GlobalIndex.X; i < outputs; i += Grid.DimX * Group.DimX)
        {
            int c = i % d.C, t = i / d.C, q = t % d.Q;
            t /= d.Q;
            int p = t % d.P, n = t / d.P;
            int at = ((n * d.H + d.Top + p) * d.W + d.Left + q) * d.C + c;
            if (gradient != 0)
                target[at] += source[i];
            else
                target[i] = source[at];
        }
    }
}
