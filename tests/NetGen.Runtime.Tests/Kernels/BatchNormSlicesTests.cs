using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Batch norm over a batch run as sample slices (BatchNorm.Slices.cs): each slice's partials, combined in
/// slice order, against the float64 definition over the whole batch, with slices that hold no sample.
/// </summary>
public class BatchNormSlicesTests
{
    /// <param name="samples">N.</param>
    /// <param name="slices">Slices of the batch: 1 sample in 2 leaves the first empty; 7 in 3 gives 2, 2, 3.</param>
    /// <param name="pixels">Rows per sample.</param>
    /// <param name="c">Channels.</param>
    /// <param name="offset">Added to every input: a mean far from zero, which the moments must not lose.</param>
    [Theory]
    [InlineData(1, 2, 5, 3, 0f)]
    [InlineData(3, 2, 4, 17, 3f)]
    [InlineData(7, 2, 3, 5, 0f)]
    [InlineData(7, 3, 30, 9, 100f)]   // 60 or 90 rows a slice: more than one 64-row chunk in the last
    public void Sliced_forward_and_backward_match_the_whole_batch_in_float64(int samples, int slices, int pixels, int c, float offset)
    {
        const float eps = 1e-5f, momentum = 0.1f;
        int rows = samples * pixels;
        var rng = new Random(samples * 31 + slices * 7 + c);
        var x = TestData.Uniform(rng, rows * c, 2f);
        for (int i = 0; i < x.Length; i++) x[i] += offset;
        var gamma = TestData.Uniform(rng, c);
        var beta = TestData.Uniform(rng, c);
        var runMean = TestData.Uniform(rng, c);
        var runVar = Array.ConvertAll(TestData.Uniform(rng, c), v => 1f + Math.Abs(v));
        var runMean0 = (float[])runMean.Clone();
        var runVar0 = (float[])runVar.Clone();

        // Stale values in the partials of an empty slice must not reach the combine.
        var partials = Enumerable.Repeat(float.NaN, slices * BatchNorm.SlicePartialFloats(c)).ToArray();
        var workspace = new float[c];
        ForEachSlice(samples, slices, pixels, (k, first, count) =>
            BatchNorm.SliceMoments(partials.AsSpan(k * 2 * c, 2 * c), x.AsSpan(first * c, count * c), workspace, count, c));
        var mean = new float[c];
        var invStd = new float[c];
        var scale = new float[c];
        var shift = new float[c];
        BatchNorm.CombineMoments(mean, invStd, scale, shift, runMean, runVar, partials, gamma, beta, samples, slices, pixels, c, eps, momentum);
        var y = new float[x.Length];
        ForEachSlice(samples, slices, pixels, (_, first, count) =>
            BatchNorm.Normalize(y.AsSpan(first * c, count * c), x.AsSpan(first * c, count * c), scale, shift, count, c));

        var xd = TestData.ToDouble(x);
        var gd = TestData.ToDouble(gamma);
        var bd = TestData.ToDouble(beta);
        var expected = BatchNormTests.Reference(xd, gd, bd, rows, c, eps, out var refMean, out var refVar);
        TensorAssert.Close(expected, y, 1e-4, 1e-4, "y");
        TensorAssert.Close(refMean, mean, 1e-5, 1e-6, "saved mean");
        TensorAssert.Close(Array.ConvertAll(refVar, v => 1 / Math.Sqrt(v + eps)), invStd, 1e-4, 1e-5, "saved invstd");
        var expRunMean = new double[c];
        var expRunVar = new double[c];
        for (int i = 0; i < c; i++)
        {
            expRunMean[i] = 0.9 * runMean0[i] + 0.1 * refMean[i];
            expRunVar[i] = 0.9 * runVar0[i] + 0.1 * refVar[i] * rows / (rows - 1);
        }
        TensorAssert.Close(expRunMean, runMean, 1e-5, 1e-6, "running mean");
        TensorAssert.Close(expRunVar, runVar, 1e-4, 1e-5, "running var");

        var upstream = TestData.Uniform(rng, x.Length);
        var dX0 = TestData.Uniform(rng, x.Length);
        var dG0 = TestData.Uniform(rng, c);
        var dB0 = TestData.Uniform(rng, c);
        var dX = (float[])dX0.Clone();
        var dG = (float[])dG0.Clone();
        var dB = (float[])dB0.Clone();
        Array.Fill(partials, float.NaN);
        ForEachSlice(samples, slices, pixels, (k, first, count) =>
            BatchNorm.BackwardSliceSums(partials.AsSpan(k * 2 * c, 2 * c), upstream.AsSpan(first * c, count * c),
                x.AsSpan(first * c, count * c), mean, workspace, count, c));
        var coefficients = new float[3 * c];
        BatchNorm.CombineBackward(coefficients, dG, dB, partials, gamma, mean, invStd, samples, slices, pixels, c);
        ForEachSlice(samples, slices, pixels, (_, first, count) =>
            BatchNorm.BackwardApply(dX.AsSpan(first * c, count * c), upstream.AsSpan(first * c, count * c),
                x.AsSpan(first * c, count * c), coefficients, count, c));
        var g = TestData.ToDouble(upstream);
        double Loss(double[] xs, double[] gs, double[] bs) => TestData.Dot(g, BatchNormTests.Reference(xs, gs, bs, rows, c, eps, out _, out _));
        double tolerance = offset > 10 ? 1e-2 : 1e-3; // finite differences at x ~ 100 lose digits in float64 too
        TensorAssert.Close(TestData.Add(dX0, Numeric.Gradient(v => Loss(v, gd, bd), xd)), dX, tolerance, 1e-4, "dX");
        TensorAssert.Close(TestData.Add(dG0, Numeric.Gradient(v => Loss(xd, v, bd), gd)), dG, 1e-4, 1e-4, "dGamma");
        TensorAssert.Close(TestData.Add(dB0, Numeric.Gradient(v => Loss(xd, gd, v), bd)), dB, 1e-4, 1e-4, "dBeta");
    }

    [Fact]
    public void Combining_one_value_per_channel_is_rejected_with_the_count()
    {
        var partials = new float[4];
        var one = new float[1];
        var error = Assert.Throws<ArgumentException>(() => BatchNorm.CombineMoments(one, one, one, one, one, one, partials,
            one, one, samples: 1, slices: 2, pixels: 1, c: 1, 1e-5f, 0.1f));
        Assert.Contains("M = 1", error.Message);
        Assert.Contains("BatchNorm.CombineMoments", error.Message);
    }

    /// <summary>Calls <paramref name="body"/>(slice, first row, rows) for every slice that holds samples, as SampleSlices splits them.</summary>
    private static void ForEachSlice(int samples, int slices, int pixels, Action<int, int, int> body)
    {
        for (int k = 0; k < slices; k++)
        {
            int first = k * samples / slices, count = (k + 1) * samples / slices - first;
            if (count > 0) body(k, first * pixels, count * pixels);
        }
    }
}
