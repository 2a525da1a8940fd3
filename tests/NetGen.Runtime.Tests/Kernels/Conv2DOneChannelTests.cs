using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>
/// One-input-channel convolutions (a grayscale network's first layer), fused with a max pool
/// (<see cref="Conv2D.ForwardMaxPool"/>) and alone (<see cref="Conv2D.Forward"/>), against the
/// float64 reference: the register-resident 3x3 kernels, their channel tails, and the shapes
/// that fall back to the generic paths (padding, dilation across, other kernel sizes).
/// </summary>
public class Conv2DOneChannelTests
{
    public record Case(string Name, Conv2DDims Conv, int PoolR, int PoolS, int PoolStride, Activation Act, float Alpha = 0f, bool Bias = true)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() => new()
    {
        new("MNIST conv1: 28x28, K=32 (one block pair), ReLU, 2x2/2", Conv2DDims.Create(2, 28, 28, 1, 32, 3, 3), 2, 2, 2, Activation.ReLU),
        new("K=24 (pair with a partial second block), no activation, no bias", Conv2DDims.Create(1, 14, 14, 1, 24, 3, 3), 2, 2, 2, Activation.None, Bias: false),
        new("K=16 (single block, even windows across), Tanh", Conv2DDims.Create(2, 14, 14, 1, 16, 3, 3), 2, 2, 2, Activation.Tanh),
        new("K=40 (pair + partial single block, odd windows across), LeakyReLU", Conv2DDims.Create(1, 13, 13, 1, 40, 3, 3), 2, 2, 2, Activation.LeakyReLU, 0.1f),
        new("K=8 (partial single block), one window", Conv2DDims.Create(3, 4, 4, 1, 8, 3, 3), 2, 2, 2, Activation.ReLU),
        new("K=64 (two pairs), stride 2, ELU", Conv2DDims.Create(1, 17, 17, 1, 64, 3, 3, 2, 2), 2, 2, 2, Activation.ELU, 1f),
        new("K=48, dilation 2 down, stride 3 across, Sigmoid", Conv2DDims.Create(1, 12, 25, 1, 48, 3, 3, 1, 3, dilationH: 2), 2, 2, 2, Activation.Sigmoid),
        new("27x27: the floor-mode pool drops the last row and column", Conv2DDims.Create(1, 27, 27, 1, 32, 3, 3), 2, 2, 2, Activation.ReLU),
        new("pad 1 (border windows: generic path)", Conv2DDims.Create(1, 10, 9, 1, 32, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1), 2, 2, 2, Activation.ReLU),
        new("dilation 2 across (generic path)", Conv2DDims.Create(1, 12, 12, 1, 32, 3, 3, dilationW: 2), 2, 2, 2, Activation.ReLU),
        new("5x5 kernel (generic path)", Conv2DDims.Create(1, 12, 12, 1, 20, 5, 5), 2, 2, 2, Activation.ReLU),
        new("3x3/2 pool (generic path)", Conv2DDims.Create(1, 13, 13, 1, 32, 3, 3), 3, 3, 2, Activation.ReLU),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_pool_matches_reference(Case t) => CheckPooled(t, KernelPath.Hardware);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_pool_256_bit_path_matches_reference(Case t) => CheckPooled(t, KernelPath.Vector256);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_pool_128_bit_path_matches_reference(Case t) => CheckPooled(t, KernelPath.Vector128);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_pool_128_bit_unfused_path_matches_reference(Case t) => CheckPooled(t, KernelPath.Vector128Unfused);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_reference(Case t) => CheckForward(t, KernelPath.Hardware);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_256_bit_path_matches_reference(Case t) => CheckForward(t, KernelPath.Vector256);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_128_bit_path_matches_reference(Case t) => CheckForward(t, KernelPath.Vector128);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_128_bit_unfused_path_matches_reference(Case t) => CheckForward(t, KernelPath.Vector128Unfused);

    private static void CheckPooled(Case t, KernelPath path)
    {
        var d = t.Conv;
        var pool = PoolDims.Create(d.N, d.P, d.Q, d.K, t.PoolR, t.PoolS, t.PoolStride, t.PoolStride);
        var (x, packed, b, reference) = Inputs(t);
        var expected = TestData.NchwToNhwc(Reference.Pool(reference, pool), pool.N, pool.C, pool.P, pool.Q);
        var y = Garbage(pool.N * pool.P * pool.Q * pool.C);
        var workspace = Garbage(Conv2D.ForwardMaxPoolWorkspaceFloats(d, pool));
        Conv2D.ForwardMaxPool(y, x, packed, b, workspace, d, pool, t.Act, t.Alpha, path);
        TensorAssert.Close(expected, y, 1e-5, 1e-6, "y");
    }

    private static void CheckForward(Case t, KernelPath path)
    {
        var d = t.Conv;
        var (x, packed, b, reference) = Inputs(t);
        var expected = TestData.NchwToNhwc(reference, d.N, d.K, d.P, d.Q);
        var y = Garbage(d.N * d.P * d.Q * d.K);
        var workspace = Garbage(Conv2D.ForwardWorkspaceFloats(d));
        Conv2D.Forward(y, x, packed, b, workspace, d, t.Act, t.Alpha, path);
        TensorAssert.Close(expected, y, 1e-5, 1e-6, "y");
    }

    /// <summary>Random x, packed weights, bias (or empty), and the float64 reference output (N, K, P, Q) after the activation.</summary>
    private static (float[] X, float[] Packed, float[] Bias, double[] Reference) Inputs(Case t)
    {
        var d = t.Conv;
        var rng = new Random(t.Name.Length * 7 + d.K);
        var x = TestData.Uniform(rng, d.N * d.H * d.W);
        var w = TestData.Uniform(rng, d.K * d.R * d.S, 0.5f);
        var b = t.Bias ? TestData.Uniform(rng, d.K, 0.5f) : [];
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, w, d);
        var reference = Reference.Conv2D(TestData.ToDouble(x), TestData.ToDouble(w), t.Bias ? TestData.ToDouble(b) : null, d, t.Act, t.Alpha);
        return (x, packed, b, reference);
    }

    /// <summary>NaN-filled: a kernel that reads an output or workspace float before writing it shows up as NaN.</summary>
    private static float[] Garbage(int length)
    {
        var a = new float[length];
        Array.Fill(a, float.NaN);
        return a;
    }
}
