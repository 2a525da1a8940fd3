using NetGen.Gpu;
using NetGen.Kernels;
using Xunit;

namespace NetGen.Gpu.Tests;

[Collection(OpsCollection.Name)]
public class ActivationKernelTests(OpsDevice fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    private static readonly Activation[] Elementwise =
    [
        Activation.None, Activation.ReLU, Activation.LeakyReLU, Activation.ELU, Activation.Sigmoid, Activation.Tanh,
        Activation.ReLU6, Activation.HardSigmoid, Activation.HardSwish, Activation.SiLU, Activation.GELU,
        Activation.GELUTanh, Activation.Mish,
    ];

    /// <summary>f in float64, from the definitions (erf by its series), independent of both kernels.</summary>
    private static double Reference(double x, Activation kind, double alpha) => kind switch
    {
        Activation.ReLU => Math.Max(x, 0),
        Activation.LeakyReLU => x > 0 ? x : alpha * x,
        Activation.ELU => x > 0 ? x : alpha * (Math.Exp(x) - 1),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Tanh => Math.Tanh(x),
        Activation.ReLU6 => Math.Min(Math.Max(x, 0), 6),
        Activation.HardSigmoid => Math.Min(Math.Max(x + 3, 0), 6) / 6,
        Activation.HardSwish => x * Math.Min(Math.Max(x + 3, 0), 6) / 6,
        Activation.SiLU => x / (1 + Math.Exp(-x)),
        Activation.GELU => x * 0.5 * (1 + Erf(x / Math.Sqrt(2))),
        Activation.GELUTanh => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        Activation.Mish => x * Math.Tanh(Math.Log(1 + Math.Exp(x))),
        _ => x,
    };

    private static double Erf(double z)
    {
        // Maclaurin series, exact to double for |z| <= 5 with enough terms.
        double sum = 0, term = z;
        for (int n = 0; n < 200; n++)
        {
            sum += term / (2 * n + 1);
            term *= -z * z / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    /// <summary>Inputs away from the kinks (finite differences stay on one side), a ragged count.</summary>
    private static float[] Inputs(int seed)
    {
        var x = Ops.Random(37, seed, scale: 4f);
        for (int i = 0; i < x.Length; i++)
        {
            foreach (float kink in new[] { -3f, 0f, 3f, 6f })
                if (MathF.Abs(x[i] - kink) < 0.05f) x[i] = kink + 0.1f;
        }
        return x;
    }

    [Fact]
    public void ForwardMatchesTheCpuKernelAndFloat64ForEveryKind()
    {
        var ops = GpuActivations.On(_device);
        foreach (var kind in Elementwise)
        {
            float alpha = kind == Activation.ELU ? 1.0f : 0.1f;
            var x = Inputs((int)kind);
            using var bx = Ops.Upload(_device, x);
            using var by = Ops.Upload(_device, new float[x.Length]);
            ops.Forward(by.View, bx.View, kind, alpha);
            var y = Ops.Download(_device, by.View);
            var cpu = new float[x.Length];
            Activations.Forward(cpu, x, kind, alpha);
            Ops.Close(cpu, y, $"{kind} against the CPU kernel");
            Ops.Close(x.Select(v => Reference(v, kind, alpha)).ToArray(), y, $"{kind} against float64", atol: 1e-6);
        }
    }

    [Fact]
    public void BackwardAccumulatesTheDerivativeAsTheCpuDoesAndAsFiniteDifferences()
    {
        var ops = GpuActivations.On(_device);
        foreach (var kind in Elementwise)
        {
            float alpha = kind == Activation.ELU ? 1.0f : 0.1f;
            var x = Inputs(100 + (int)kind);
            var y = new float[x.Length];
            Activations.Forward(y, x, kind, alpha);
            var dY = Ops.Random(x.Length, 7);
            var dX0 = Ops.Random(x.Length, 8);
            using var bx = Ops.Upload(_device, x);
            using var by = Ops.Upload(_device, y);
            using var bdy = Ops.Upload(_device, dY);
            using var bdx = Ops.Upload(_device, dX0);
            if (Activations.NeedsInput(kind))
                ops.BackwardWithInput(bdx.View, bdy.View, bx.View, by.View, kind, alpha);
            else
                ops.Backward(bdx.View, bdy.View, by.View, kind, alpha);
            var dX = Ops.Download(_device, bdx.View);

            var cpu = (float[])dX0.Clone();
            Activations.BackwardWithInput(cpu, dY, x, y, kind, alpha);
            Ops.Close(cpu, dX, $"{kind}' against the CPU kernel");
            var reference = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                const double h = 1e-5;
                double slope = (Reference(x[i] + h, kind, alpha) - Reference(x[i] - h, kind, alpha)) / (2 * h);
                reference[i] = dX0[i] + dY[i] * slope;
            }
            // The derivatives from y (sigmoid, tanh) round y to float first: 1e-4 relative still holds.
            Ops.Close(reference, dX, $"{kind}' against float64 finite differences", atol: 1e-5);
        }
    }

    [Fact]
    public void InPlaceBackwardOverwritesTheGradientWithThePreActivationOne()
    {
        var ops = GpuActivations.On(_device);
        foreach (var kind in new[] { Activation.ReLU, Activation.Sigmoid, Activation.GELU, Activation.Mish })
        {
            var x = Inputs(200 + (int)kind);
            var y = new float[x.Length];
            Activations.Forward(y, x, kind);
            var dY = Ops.Random(x.Length, 9);
            using var bx = Ops.Upload(_device, x);
            using var by = Ops.Upload(_device, y);
            using var bdy = Ops.Upload(_device, dY);
            ops.BackwardInPlaceWithInput(bdy.View, bx.View, by.View, kind);
            var cpu = (float[])dY.Clone();
            Activations.BackwardInPlaceWithInput(cpu, x, y, kind);
            Ops.Close(cpu, Ops.Download(_device, bdy.View), $"{kind} in place");
        }
    }

    [Fact]
    public void SoftmaxRowsMatchTheCpuForwardAndBackward()
    {
        var ops = GpuActivations.On(_device);
        // 5 rows of 11: rows are not a multiple of the group's 4 warps, features not of the warp's 4 lanes.
        const int rows = 5, features = 11;
        var x = Ops.Random(rows * features, 11, scale: 6f);
        var dY = Ops.Random(rows * features, 12);
        var dX0 = Ops.Random(rows * features, 13);
        using var bx = Ops.Upload(_device, x);
        using var by = Ops.Upload(_device, new float[x.Length]);
        using var bdy = Ops.Upload(_device, dY);
        using var bdx = Ops.Upload(_device, dX0);
        ops.SoftmaxForward(by.View, bx.View, rows, features);
        var y = Ops.Download(_device, by.View);
        var cpu = new float[x.Length];
        Softmax.Forward(cpu, x, rows, features);
        Ops.Close(cpu, y, "softmax");
        ops.SoftmaxBackward(bdx.View, bdy.View, by.View, rows, features);
        var cpuDx = (float[])dX0.Clone();
        Softmax.Backward(cpuDx, dY, cpu, rows, features);
        Ops.Close(cpuDx, Ops.Download(_device, bdx.View), "softmax backward");
    }

    [Fact]
    public void ClipMatchesTheCpuKernelForwardAndBackward()
    {
        var ops = GpuActivations.On(_device);
        const float lo = -0.5f, hi = 1.25f;
        // A ragged count with values below, inside and above the bounds, and some exactly on them (derivative 0 there).
        var x = Ops.Random(41, 21, scale: 3f);
        x[3] = lo;
        x[7] = hi;
        var dY = Ops.Random(x.Length, 22);
        var dX0 = Ops.Random(x.Length, 23);
        using var bx = Ops.Upload(_device, x);
        using var by = Ops.Upload(_device, new float[x.Length]);
        using var bdy = Ops.Upload(_device, dY);
        using var bdx = Ops.Upload(_device, dX0);
        ops.ClipForward(by.View, bx.View, lo, hi);
        var cpu = new float[x.Length];
        Clip.Forward(cpu, x, lo, hi);
        Assert.Equal(x.Select(v => Math.Clamp(v, lo, hi)).ToArray(), Ops.Download(_device, by.View));
        ops.ClipBackward(bdx.View, bdy.View, by.View, lo, hi);
        var cpuDx = (float[])dX0.Clone();
        Clip.Backward(cpuDx, dY, cpu, lo, hi);
        var dX = Ops.Download(_device, bdx.View);
        Assert.Equal(cpuDx, dX);
        Assert.Equal(dX0[3], dX[3]);
        Assert.Equal(dX0[7], dX[7]);
        Assert.Contains(x, v => v < lo);
        Assert.Contains(x, v => v > hi);
    }

    [Fact]
    public void MisuseIsRefusedByName()
    {
        var ops = GpuActivations.On(_device);
        using var a = Ops.Upload(_device, new float[4]);
        using var b = Ops.Upload(_device, new float[5]);
        Assert.Contains("x.Length", Assert.Throws<ArgumentException>(() => ops.Forward(a.View, b.View, Activation.ReLU)).Message);
        Assert.Contains("SoftmaxForward", Assert.Throws<ArgumentException>(() => ops.Forward(a.View, a.View, Activation.Softmax)).Message);
        Assert.Contains("BackwardWithInput", Assert.Throws<ArgumentException>(() => ops.Backward(a.View, a.View, a.View, Activation.GELU)).Message);
        Assert.Contains("lo < hi, got lo = 1 and hi = 1", Assert.Throws<ArgumentException>(() => ops.ClipForward(a.View, a.View, 1f, 1f)).Message);
        Assert.Contains("GpuActivations.ClipBackward", Assert.Throws<ArgumentException>(() => ops.ClipBackward(a.View, b.View, a.View, 0f, 1f)).Message);
    }
}
