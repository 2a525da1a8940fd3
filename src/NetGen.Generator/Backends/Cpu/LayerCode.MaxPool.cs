using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Execution;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>MaxPool2D's backward: into a cleared input gradient, or written whole when the windows tile the input.</summary>
internal sealed partial class LayerCode
{
    /// <summary>
    /// When this pool starts its input's gradient (its last reader) and its windows tile the
    /// input (stride = window, no padding, P x R = H, Q x S = W), every element of dX is written
    /// once by BackwardOverwrite: no clear first (MNIST pool1: 26x26x32 floats per sample).
    /// </summary>
    private void MaxPoolBackward(IndentedWriter w, int n, string dY, string x, string dims)
    {
        var node = Network.Nodes[n];
        int input = node.Inputs[0];
        var a = node.Args;
        var inShape = _layout.InputShape(n);
        var outShape = _layout.OutputShape(n);
        var pads = WindowPadding.ForWindow(a, inShape);
        bool tiles = a.StrideH == a.KernelH && a.StrideW == a.KernelW && pads.Top == 0 && pads.Left == 0 &&
                     outShape.H * a.KernelH == inShape.H && outShape.W * a.KernelW == inShape.W;
        if (tiles && StartsGradient(input))
        {
            w.Line($"{Kernels}MaxPool2D.BackwardOverwrite({Grad(input)}, {dY}, {x}, {dims});");
            return;
        }
        StartGradient(w, input, n);
        w.Line($"{Kernels}MaxPool2D.Backward({Grad(input)}, {dY}, {x}, {dims});");
    }
}
