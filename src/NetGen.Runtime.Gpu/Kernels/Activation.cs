using System;
using ILGPU;
using ILGPU.Runtime;
using NetGen.Kernels;

namespace NetGen.Gpu;

/// <summary>
/// Activations on the device, the semantics of NetGen.Kernels.Activations and Softmax: element-wise
/// functions on tensors of any shape (F floats) as grid-stride kernels (the layout does not
/// matter, NHWC included), softmax over the last dimension of (N, F) with one warp per row.
/// Backward needs y saved, or x for the functions that <see cref="Activations.NeedsInput"/>;
/// dX accumulates with +=. Each method checks lengths on the host and launches on the device's
/// stream; nothing is allocated per call.
/// </summary>
public sealed partial class GpuActivations
{
    private readonly LaunchShape _shape;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, float, int> _forward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, int, int, int> _backward;

    private GpuActivations(GpuDevice device)
    {
        _shape = new LaunchShape(device);
        var a = device.Accelerator;
        _forward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, float, int>(ForwardKernel);
        _backward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, int, int, int>(BackwardKernel);
        _softmaxForward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int>(SoftmaxForwardKernel);
        _softmaxBackward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(SoftmaxBackwardKernel);
        _clipForward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, float, float, int>(ClipForwardKernel);
        _clipBackward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, int>(ClipBackwardKernel);
    }

    /// <summary>The activation kernels on <paramref name="device"/>, loaded once.</summary>
    public static GpuActivations On(GpuDevice device) => device.Kernels(static d => new GpuActivations(d));

    /// <summary>y = f(x). y may be x (in place).</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="x">(F) input.</param>
    /// <param name="kind">The function; Softmax is <see cref="SoftmaxForward"/>, which needs the rows.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha; ignored otherwise.</param>
    public void Forward(ArrayView<float> y, ArrayView<float> x, Activation kind, float alpha = 0f)
    {
        const string kernel = "GpuActivations.Forward";
        RejectSoftmax(kind, kernel);
        OpsCheck.Length(y.Length, x.Length, kernel, nameof(y), "x.Length");
        int n = OpsCheck.Elements(x.Length, kernel, nameof(x));
        _forward(_shape.GridStride(n), y, x, (int)kind, alpha, n);
    }

    /// <summary>dX += dY * f'(y), for a function that does not <see cref="Activations.NeedsInput"/>.</summary>
    /// <param name="dX">(F) input gradient, accumulated.</param>
    /// <param name="dY">(F) output gradient.</param>
    /// <param name="y">(F) the output saved from forward.</param>
    /// <param name="kind">The function.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public void Backward(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> y, Activation kind, float alpha = 0f)
    {
        const string kernel = "GpuActivations.Backward";
        RejectNeedsInput(kind, kernel);
        Launch(kernel, dX, dY, y, y, kind, alpha, useInput: false, inPlace: false);
    }

    /// <summary>dX += dY * f'(x) where the function <see cref="Activations.NeedsInput"/>, else dY * f'(y).</summary>
    /// <param name="dX">(F) input gradient, accumulated.</param>
    /// <param name="dY">(F) output gradient.</param>
    /// <param name="x">(F) the forward input.</param>
    /// <param name="y">(F) the forward output.</param>
    /// <param name="kind">The function.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public void BackwardWithInput(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> x, ArrayView<float> y, Activation kind, float alpha = 0f)
    {
        const string kernel = "GpuActivations.BackwardWithInput";
        OpsCheck.Length(x.Length, dX.Length, kernel, nameof(x), "dX.Length");
        Launch(kernel, dX, dY, x, y, kind, alpha, Activations.NeedsInput(kind), inPlace: false);
    }

    /// <summary>dY = dY * f'(y), overwriting dY: the gradient at a fused layer's pre-activation.</summary>
    /// <param name="dY">(F) output gradient in, pre-activation gradient out.</param>
    /// <param name="y">(F) the forward output.</param>
    /// <param name="kind">The function; not one that <see cref="Activations.NeedsInput"/>.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public void BackwardInPlace(ArrayView<float> dY, ArrayView<float> y, Activation kind, float alpha = 0f)
    {
        const string kernel = "GpuActivations.BackwardInPlace";
        RejectNeedsInput(kind, kernel);
        Launch(kernel, dY, dY, y, y, kind, alpha, useInput: false, inPlace: true);
    }

    /// <summary>dY = dY * f'(x), overwriting dY, from the input where the function <see cref="Activations.NeedsInput"/>.</summary>
    /// <param name="dY">(F) output gradient in, pre-activation gradient out.</param>
    /// <param name="x">(F) the pre-activation.</param>
    /// <param name="y">(F) the forward output.</param>
    /// <param name="kind">The function.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public void BackwardInPlaceWithInput(ArrayView<float> dY, ArrayView<float> x, ArrayView<float> y, Activation kind, float alpha = 0f)
    {
        const string kernel = "GpuActivations.BackwardInPlaceWithInput";
        OpsCheck.Length(x.Length, dY.Length, kernel, nameof(x), "dY.Length");
        Launch(kernel, dY, dY, x, y, kind, alpha, Activations.NeedsInput(kind), inPlace: true);
    }

    private void Launch(string kernel, ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> x, ArrayView<float> y,
        Activation kind, float alpha, bool useInput, bool inPlace)
    {
        RejectSoftmax(kind, kernel);
        OpsCheck.Length(dY.Length, dX.Length, kernel, nameof(dY), "dX.Length");
        OpsCheck.Length(y.Length, dX.Length, kernel, nameof(y), "dX.Length");
        int n = OpsCheck.Elements(dX.Length, kernel, nameof(dX));
        if (kind == Activation.None && inPlace)
            return;
        _backward(_shape.GridStride(n), dX, dY, x, y, (int)kind, alpha, useInput ? 1 : 0, inPlace ? 1 : 0, n);
    }

    private static void RejectSoftmax(Activation kind, string kernel)
    {
        if (kind == Activation.Softmax)
            throw new ArgumentException($"{kernel}: softmax is over a row, not element-wise; call SoftmaxForward or SoftmaxBackward with the rows and features.", nameof(kind));
    }

    private static void RejectNeedsInput(Activation kind, string kernel)
    {
        if (Activations.NeedsInput(kind))
            throw new ArgumentException($"{kernel}: the derivative of {kind} is not a function of its output; call BackwardWithInput or BackwardInPlaceWithInput, which take the input x.", nameof(kind));
    }

    private static void ForwardKernel(ArrayView<float> y, ArrayView<float> x, int kind, float alpha, int n)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
            y[i] = GpuActivationMath.Apply(x[i], kind, alpha);
    }

    /// <summary>g = f'(x) or f'(y); dX += dY g, or dY *= g in place (dX is then dY).</summary>
    private static void BackwardKernel(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> x, ArrayView<float> y,
        int kind, float alpha, int useInput, int inPlace, int n)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            float g = useInput != 0 ? GpuActivationMath.DerivativeOfInput(x[i], kind) : GpuActivationMath.Derivative(y[i], kind, alpha);
            if (inPlace != 0)
                dY[i] = dY[i] * g;
            else
                dX[i] += dY[i] * g;
        }
    }
}
