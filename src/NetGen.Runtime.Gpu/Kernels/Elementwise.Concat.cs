using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// Channel concatenation, channels-last, as NetGen.Kernels.Concat: the output (M, Ctotal) holds
/// each input (M, Ci) at a channel offset, one call per input; backward needs nothing saved.
/// </summary>
public sealed partial class GpuElementwise
{
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int, int, int> _concat;

    /// <summary>y[m, offset + i] = x[m, i]. Writes only this input's channels of y.</summary>
    /// <param name="y">(M, Ctotal) output.</param>
    /// <param name="x">(M, Ci) one input.</param>
    /// <param name="rows">M.</param>
    /// <param name="outChannels">Ctotal.</param>
    /// <param name="offset">First channel of this input in y.</param>
    public void ConcatForward(ArrayView<float> y, ArrayView<float> x, int rows, int outChannels, int offset)
    {
        int c = ConcatChannels("GpuElementwise.ConcatForward", y.Length, x.Length, rows, outChannels, offset);
        _concat(_shape.GridStride(x.Length), y, x, rows * c, c, outChannels, offset, 0);
    }

    /// <summary>dX[m, i] += dY[m, offset + i].</summary>
    /// <param name="dX">(M, Ci) one input's gradient, accumulated.</param>
    /// <param name="dY">(M, Ctotal) output gradient.</param>
    /// <param name="rows">M.</param>
    /// <param name="outChannels">Ctotal.</param>
    /// <param name="offset">First channel of this input in y.</param>
    public void ConcatBackward(ArrayView<float> dX, ArrayView<float> dY, int rows, int outChannels, int offset)
    {
        int c = ConcatChannels("GpuElementwise.ConcatBackward", dY.Length, dX.Length, rows, outChannels, offset);
        _concat(_shape.GridStride(dX.Length), dY, dX, rows * c, c, outChannels, offset, 1);
    }

    private static int ConcatChannels(string kernel, long outLength, long inLength, int rows, int outChannels, int offset)
    {
        OpsCheck.Positive(rows, kernel, nameof(rows));
        OpsCheck.Length(outLength, (long)rows * outChannels, kernel, "the concatenated tensor", "M*Ctotal");
        OpsCheck.Elements(outLength, kernel, "the concatenated tensor");
        if (inLength % rows != 0)
            throw new ArgumentException($"{kernel}: the input's {inLength} floats are not M = {rows} rows.");
        int c = (int)(inLength / rows);
        if (!(offset >= 0 && offset + c <= outChannels))
            throw new ArgumentException($"{kernel}: channels [{offset}, {offset + c}) do not fit in the output's {outChannels}.", nameof(offset));
        return c;
    }

    /// <summary>Thread per element of the part (M, Ci): copy into the whole, or add the whole's slice into the part's gradient.</summary>
    private static void ConcatKernel(ArrayView<float> whole, ArrayView<float> part, int count, int c, int outChannels, int offset, int backward)
    {
        for (int i = Grid.GlobalIndex.X; i < count; i += Grid.DimX * Group.DimX)
        {
            int at = i / c * outChannels + offset + i % c;
            if (backward != 0)
                part[i] += whole[at];
            else
                whole[at] = part[i];
        }
    }
}
