using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

public class LayoutTests
{
    [Fact]
    public void Dense_after_flatten_gives_pytorch_outputs_with_permuted_weights()
    {
        const int n = 2, c = 3, h = 4, w = 5, k = 7, f = c * h * w;
        var rng = new Random(42);
        var nchw = TestData.Uniform(rng, n * f);
        var torchWeights = TestData.Uniform(rng, k * f);
        // PyTorch: flatten (C, H, W) then Dense with (K, C*H*W) weights.
        var expected = Reference.Dense(TestData.ToDouble(nchw), TestData.ToDouble(torchWeights), null, new DenseDims(n, f, k));

        var nhwc = new float[nchw.Length];
        Layout.NchwToNhwc(nhwc, nchw, n, c, h, w);
        var ours = new float[torchWeights.Length];
        Layout.DenseWeightsFromNchwFlatten(ours, torchWeights, k, c, h, w);
        var d = new DenseDims(n, f, k);
        var packed = new float[Dense.PackedWeightFloats(d)];
        Dense.Pack(packed, ours, d);
        var y = new float[n * k];
        Dense.Forward(y, nhwc, packed, [], d);
        TensorAssert.Close(expected, y, 1e-4, 1e-4, "y");

        var back = new float[ours.Length];
        Layout.DenseWeightsToNchwFlatten(back, ours, k, c, h, w);
        Assert.Equal(torchWeights, back);
    }
}
