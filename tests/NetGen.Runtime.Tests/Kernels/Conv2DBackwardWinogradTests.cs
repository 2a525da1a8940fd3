using NetGen.Execution;
using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The input gradient of a stride-1 3x3 convolution through Winograd F(2x2, 3x3) (Conv2D.BackwardDataWinograd)
/// against a float64 scatter of dY through the canonical weights, and against Conv2D.BackwardData; which
/// layers it takes; and the two-worker backward item that runs it.
/// </summary>
public class Conv2DBackwardWinogradTests
{
    public static TheoryData<string, Conv2DDims> Cases() => new()
    {
        { "valid, 16 -> 32, 7x6 (gradient padding 2)", Conv2DDims.Create(2, 7, 6, 16, 32, 3, 3) },
        { "same, 32 -> 16, 5x5 (gradient padding 1, odd)", Conv2DDims.Create(1, 5, 5, 32, 16, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1) },
        { "pad 2, 16 -> 16, 4x9 (gradient padding 0)", Conv2DDims.Create(3, 4, 9, 16, 16, 3, 3, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2) },
        { "uneven padding, 48 -> 16, 9x8", Conv2DDims.Create(1, 9, 8, 48, 16, 3, 3, padTop: 0, padBottom: 1, padLeft: 1, padRight: 0) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Overwrites_dX_with_the_float64_input_gradient(string name, Conv2DDims d)
    {
        Assert.True(Conv2D.SuitsWinogradBackwardData(d), name);
        var (dY, w, winograd, packed) = Operands(d, name.Length);
        var dX = TestData.Uniform(new Random(3), d.N * d.H * d.W * d.C, 5f); // overwritten, not added to
        var workspace = new float[Conv2D.WinogradWorkspaceFloats(d)];
        Array.Fill(workspace, float.NaN);
        Conv2D.BackwardDataWinograd(dX, dY, winograd, workspace, d);
        TensorAssert.Close(ReferenceDx(dY, w, d), dX, 1e-4, 1e-5, "dX");

        // The direct kernel adds the same gradient into a cleared dX.
        var direct = new float[dX.Length];
        Conv2D.BackwardData(direct, dY, packed, new float[Conv2D.BackwardDataWorkspaceFloats(d)], d);
        TensorAssert.Close(direct, dX, 1e-4, 1e-5, "dX against Conv2D.BackwardData");
    }

    [Fact]
    public void Layers_it_does_not_take_are_refused_with_their_shape()
    {
        var strided = Conv2DDims.Create(1, 8, 8, 16, 16, 3, 3, 2, 2, 1, 1, 1, 1);
        var narrow = Conv2DDims.Create(1, 8, 8, 8, 16, 3, 3);
        var deep = Conv2DDims.Create(1, 8, 8, 16, 16, 3, 3, padTop: 3, padBottom: 3, padLeft: 3, padRight: 3);
        Assert.False(Conv2D.SuitsWinogradBackwardData(strided));
        Assert.False(Conv2D.SuitsWinogradBackwardData(narrow));
        Assert.False(Conv2D.SuitsWinogradBackwardData(deep)); // padding past the kernel: dX is not a convolution
        Assert.True(Conv2D.SuitsWinograd(deep));
        var error = Assert.Throws<ArgumentException>(() => Conv2D.BackwardDataWinograd(
            new float[8 * 8 * 8], new float[6 * 6 * 16], new float[16 * 8 * 16], new float[16 * 32 * 24], narrow));
        Assert.Contains("Conv2D.BackwardDataWinograd", error.Message);
        Assert.Contains("C = 8, K = 16", error.Message);
        var packing = Assert.Throws<ArgumentException>(() => Conv2D.PackWinogradForBackward(
            new float[16 * 16 * 16], new float[Conv2D.PackedBackwardWeightFloats(deep)], deep));
        Assert.Contains("padding 3,3", packing.Message);
    }

    [Fact]
    public void The_backward_work_item_runs_it_and_leaves_the_weight_gradients_to_the_other()
    {
        var d = Conv2DDims.Create(2, 6, 5, 16, 32, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1);
        var (dY, _, winograd, packed) = Operands(d, 9);
        var rng = new Random(4);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        int dw = d.K * d.C * 9, xLength = x.Length, dyLength = dY.Length, ws = Conv2D.WinogradWorkspaceFloats(d);
        // One array: dW | dB | dY | x | dX | winograd weights | workspace.
        int oDb = dw, oDy = oDb + d.K, oX = oDy + dyLength, oDx = oX + xLength, oW = oDx + xLength, oWs = oW + winograd.Length;
        var memory = new float[oWs + ws];
        dY.CopyTo(memory, oDy);
        x.CopyTo(memory, oX);
        winograd.CopyTo(memory, oW);
        Array.Fill(memory, 7f, oDx, xLength); // overwritten
        using var arena = Arenas.From(memory);
        var work = new ConvBackwardWork(arena, 0, dw, oDb, d.K, oDy, dyLength, oX, xLength, oDx, xLength, oW, winograd.Length, oWs, ws, d, winograd: true);
        work.Execute(0, 1, 2);
        memory = Arenas.ToArray(arena);
        Assert.All(memory[..oDy], v => Assert.Equal(0f, v));
        var expected = new float[xLength];
        Conv2D.BackwardData(expected, dY, packed, new float[Conv2D.BackwardDataWorkspaceFloats(d)], d);
        TensorAssert.Close(expected, memory.AsSpan(oDx, xLength), 1e-4, 1e-5, "dX");
    }

    /// <summary>dY, canonical (K, C, 3, 3) weights, their Winograd transform for the gradient and the backward packing.</summary>
    private static (float[] DY, float[] W, float[] Winograd, float[] Packed) Operands(Conv2DDims d, int seed)
    {
        var rng = new Random(seed);
        var dY = TestData.Uniform(rng, d.N * d.P * d.Q * d.K);
        var w = TestData.Uniform(rng, d.K * d.C * 9, 0.5f);
        var packed = new float[Conv2D.PackedBackwardWeightFloats(d)];
        Conv2D.PackForBackward(packed, w, d);
        var winograd = new float[Conv2D.WinogradWeightFloats(d)];
        Conv2D.PackWinogradForBackward(winograd, packed, d);
        return (dY, w, winograd, packed);
    }

    /// <summary>dX[n, h, w, c] = sum of dY[n, p, q, k] * w[k, c, r, s] over the windows that read (h, w), in float64.</summary>
    private static double[] ReferenceDx(float[] dY, float[] w, Conv2DDims d)
    {
        var dX = new double[d.N * d.H * d.W * d.C];
        for (int n = 0; n < d.N; n++)
        for (int p = 0; p < d.P; p++)
        for (int q = 0; q < d.Q; q++)
        for (int r = 0; r < 3; r++)
        for (int s = 0; s < 3; s++)
        {
            int h = p - d.PadTop + r, wc = q - d.PadLeft + s;
            if (h < 0 || h >= d.H || wc < 0 || wc >= d.W) continue;
            for (int k = 0; k < d.K; k++)
            {
                double g = dY[((n * d.P + p) * d.Q + q) * d.K + k];
                for (int c = 0; c < d.C; c++)
                    dX[((n * d.H + h) * d.W + wc) * d.C + c] += g * w[((k * d.C + c) * 3 + r) * 3 + s];
            }
        }
        return dX;
    }
}
