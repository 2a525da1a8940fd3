using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// Element-wise joins on the device with NetGen.Kernels.Elementwise's semantics: residual Add
/// (and with its ReLU fused), same-shape Multiply, the squeeze-and-excitation Gate (x (N, H*W, C)
/// scaled per channel by s (N, C)), and their backward halves; plus channel concatenation,
/// local response normalisation, dropout and arithmetic with one constant (the other files of
/// this class). Grid-stride kernels; gradients accumulate with +=; an output may be the same
/// view as an input.
/// </summary>
public sealed partial class GpuElementwise
{
    private const int AddOp = 0, AddReLUOp = 1, MultiplyOp = 2, AccumulateOp = 3, AccumulateProductOp = 4;

    private readonly LaunchShape _shape;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> _binary;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> _gate;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> _gateGradient;

    private GpuElementwise(GpuDevice device)
    {
        _shape = new LaunchShape(device);
        var a = device.Accelerator;
        _binary = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(BinaryKernel);
        _gate = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(GateKernel);
        _gateGradient = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(GateGradientKernel);
        _concat = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int, int, int>(ConcatKernel);
        _lrnForward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int, float, float, float>(LrnForwardKernel);
        _lrnBackward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float, float, float>(LrnBackwardKernel);
        _dropout = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, ulong, ulong, int, int>(DropoutKernel);
        _scalar = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, float, int, int>(ScalarKernel);
    }

    /// <summary>The element-wise kernels on <paramref name="device"/>, loaded once.</summary>
    public static GpuElementwise On(GpuDevice device) => device.Kernels(static d => new GpuElementwise(d));

    /// <summary>y = a + b. Overwrites y; y may be a or b.</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="a">(F) first input.</param>
    /// <param name="b">(F) second input.</param>
    public void Add(ArrayView<float> y, ArrayView<float> a, ArrayView<float> b) => Binary("GpuElementwise.Add", y, a, b, AddOp);

    /// <summary>y = max(a + b, 0). Overwrites y; y may be a or b.</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="a">(F) first input.</param>
    /// <param name="b">(F) second input.</param>
    public void AddReLU(ArrayView<float> y, ArrayView<float> a, ArrayView<float> b) => Binary("GpuElementwise.AddReLU", y, a, b, AddReLUOp);

    /// <summary>dX += dY: Add's backward for each of its inputs.</summary>
    /// <param name="dX">(F) input gradient, accumulated.</param>
    /// <param name="dY">(F) output gradient.</param>
    public void AccumulateGradient(ArrayView<float> dX, ArrayView<float> dY) => Binary("GpuElementwise.AccumulateGradient", dX, dY, dY, AccumulateOp);

    /// <summary>y = a * b. Overwrites y. Backward needs a and b.</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="a">(F) first input.</param>
    /// <param name="b">(F) second input.</param>
    public void Multiply(ArrayView<float> y, ArrayView<float> a, ArrayView<float> b) => Binary("GpuElementwise.Multiply", y, a, b, MultiplyOp);

    /// <summary>dA += dY * b; dB += dY * a.</summary>
    /// <param name="dA">(F) accumulated.</param>
    /// <param name="dB">(F) accumulated.</param>
    /// <param name="dY">(F) output gradient.</param>
    /// <param name="a">(F) forward input a.</param>
    /// <param name="b">(F) forward input b.</param>
    public void MultiplyBackward(ArrayView<float> dA, ArrayView<float> dB, ArrayView<float> dY, ArrayView<float> a, ArrayView<float> b)
    {
        MultiplyBackwardInput(dA, dY, b);
        MultiplyBackwardInput(dB, dY, a);
    }

    /// <summary>dA += dY * b: one input's half of <see cref="MultiplyBackward"/>.</summary>
    /// <param name="dA">(F) accumulated.</param>
    /// <param name="dY">(F) output gradient.</param>
    /// <param name="b">(F) the other forward input.</param>
    public void MultiplyBackwardInput(ArrayView<float> dA, ArrayView<float> dY, ArrayView<float> b) =>
        Binary("GpuElementwise.MultiplyBackwardInput", dA, dY, b, AccumulateProductOp);

    /// <summary>y[n, i, c] = x[n, i, c] * s[n, c]. Overwrites y. Backward needs x and s.</summary>
    /// <param name="y">(N, H*W, C) output.</param>
    /// <param name="x">(N, H*W, C) input.</param>
    /// <param name="s">(N, C) per-channel gate.</param>
    /// <param name="n">Batch N.</param>
    /// <param name="pixels">H * W.</param>
    /// <param name="c">Channels C.</param>
    public void Gate(ArrayView<float> y, ArrayView<float> x, ArrayView<float> s, int n, int pixels, int c)
    {
        const string kernel = "GpuElementwise.Gate";
        int total = CheckGate(kernel, y, nameof(y), x, nameof(x), s, nameof(s), n, pixels, c);
        _gate(_shape.GridStride(total), y, x, s, total, pixels, c, 0);
    }

    /// <summary>dX += dY * s (broadcast over pixels); dS[n, c] += sum over pixels of dY * x.</summary>
    /// <param name="dX">(N, H*W, C) accumulated.</param>
    /// <param name="dS">(N, C) accumulated.</param>
    /// <param name="dY">(N, H*W, C) output gradient.</param>
    /// <param name="x">(N, H*W, C) forward input.</param>
    /// <param name="s">(N, C) forward gate.</param>
    /// <param name="n">Batch N.</param>
    /// <param name="pixels">H * W.</param>
    /// <param name="c">Channels C.</param>
    public void GateBackward(ArrayView<float> dX, ArrayView<float> dS, ArrayView<float> dY, ArrayView<float> x, ArrayView<float> s, int n, int pixels, int c)
    {
        GateBackwardData(dX, dY, s, n, pixels, c);
        GateBackwardGate(dS, dY, x, n, pixels, c);
    }

    /// <summary>dX += dY * s: the gated input's half of <see cref="GateBackward"/>.</summary>
    /// <param name="dX">(N, H*W, C) accumulated.</param>
    /// <param name="dY">(N, H*W, C) output gradient.</param>
    /// <param name="s">(N, C) forward gate.</param>
    /// <param name="n">Batch N.</param>
    /// <param name="pixels">H * W.</param>
    /// <param name="c">Channels C.</param>
    public void GateBackwardData(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> s, int n, int pixels, int c)
    {
        const string kernel = "GpuElementwise.GateBackwardData";
        int total = CheckGate(kernel, dX, nameof(dX), dY, nameof(dY), s, nameof(s), n, pixels, c);
        _gate(_shape.GridStride(total), dX, dY, s, total, pixels, c, 1);
    }

    /// <summary>dS[n, c] += sum over pixels of dY * x: the gate's half of <see cref="GateBackward"/> (one thread per (n, c), pixels in order).</summary>
    /// <param name="dS">(N, C) accumulated.</param>
    /// <param name="dY">(N, H*W, C) output gradient.</param>
    /// <param name="x">(N, H*W, C) forward gated input.</param>
    /// <param name="n">Batch N.</param>
    /// <param name="pixels">H * W.</param>
    /// <param name="c">Channels C.</param>
    public void GateBackwardGate(ArrayView<float> dS, ArrayView<float> dY, ArrayView<float> x, int n, int pixels, int c)
    {
        const string kernel = "GpuElementwise.GateBackwardGate";
        CheckGate(kernel, dY, nameof(dY), x, nameof(x), dS, nameof(dS), n, pixels, c);
        _gateGradient(_shape.GridStride((long)n * c), dS, dY, x, n * c, pixels, c);
    }

    private void Binary(string kernel, ArrayView<float> y, ArrayView<float> a, ArrayView<float> b, int op)
    {
        OpsCheck.Length(a.Length, y.Length, kernel, "the first input", "the output's length");
        OpsCheck.Length(b.Length, y.Length, kernel, "the second input", "the output's length");
        int n = OpsCheck.Elements(y.Length, kernel, "the output");
        _binary(_shape.GridStride(n), y, a, b, op, n);
    }

    private static int CheckGate(string kernel, ArrayView<float> first, string firstName, ArrayView<float> second, string secondName,
        ArrayView<float> gate, string gateName, int n, int pixels, int c)
    {
        OpsCheck.NonNegative(n, kernel, nameof(n));
        OpsCheck.Positive(pixels, kernel, nameof(pixels));
        OpsCheck.Positive(c, kernel, nameof(c));
        OpsCheck.Length(first.Length, (long)n * pixels * c, kernel, firstName, "N*H*W*C");
        OpsCheck.Length(second.Length, (long)n * pixels * c, kernel, secondName, "N*H*W*C");
        OpsCheck.Length(gate.Length, (long)n * c, kernel, gateName, "N*C");
        return OpsCheck.Elements(first.Length, kernel, firstName);
    }

    private static void BinaryKernel(ArrayView<float> y, ArrayView<float> a, ArrayView<float> b, int op, int n)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            switch (op)
            {
                case AddOp: y[i] = a[i] + b[i]; break;
                case AddReLUOp: y[i] = MathF.Max(a[i] + b[i], 0f); break;
                case MultiplyOp: y[i] = a[i] * b[i]; break;
                case AccumulateOp: y[i] += a[i]; break;
                default: y[i] += a[i] * b[i]; break;
            }
        }
    }

    /// <summary>y = x * s[n, c], or y += x * s[n, c] when accumulating (the data gradient).</summary>
    private static void GateKernel(ArrayView<float> y, ArrayView<float> x, ArrayView<float> s, int total, int pixels, int c, int accumulate)
    {
        for (int i = Grid.GlobalIndex.X; i < total; i += Grid.DimX * Group.DimX)
        {
            float v = x[i] * s[i / (pixels * c) * c + i % c];
            if (accumulate != 0)
                y[i] += v;
            else
                y[i] = v;
        }
    }

    /// <summary>dS[n, c] starts from its value and adds each pixel's dY * x in order, as the CPU does.</summary>
    private static void GateGradientKernel(ArrayView<float> dS, ArrayView<float> dY, ArrayView<float> x, int gates, int pixels, int c)
    {
        for (int i = Grid.GlobalIndex.X; i < gates; i += Grid.DimX * Group.DimX)
        {
            int b = i / c, k = i % c;
            float sum = dS[i];
            for (int j = 0; j < pixels; j++)
            {
                int at = (b * pixels + j) * c + k;
                sum += dY[at] * x[at];
            }
            dS[i] = sum;
        }
    }
}
