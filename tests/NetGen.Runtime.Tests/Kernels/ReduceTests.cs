using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Reduce.SumRowsInto against a scalar row-by-row sum. Each column must add its rows in row order
/// starting from its previous sum, so the float results are compared bit for bit: the bias
/// gradients and training with and without a worker pool rely on that exact order.
/// </summary>
public class ReduceTests
{
    [Theory]
    [InlineData(0, 32)]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(5, 8)]
    [InlineData(300, 31)]
    [InlineData(600, 32)]     // MNIST conv1's channels; rows cross two chunk edges
    [InlineData(257, 33)]     // one column after the vector blocks
    [InlineData(513, 64)]
    [InlineData(40, 100)]     // 3 four-vector blocks (256-bit), then one vector, then scalars
    public void SumRowsInto_EqualsRowByRowSumBitForBit(int rows, int k)
    {
        var rng = new Random(rows * 1000 + k);
        float[] m = TestData.Uniform(rng, rows * k, 3f);
        float[] start = TestData.Uniform(rng, k, 0.5f);
        var expected = (float[])start.Clone();
        for (int row = 0; row < rows; row++)
        {
            for (int c = 0; c < k; c++)
            {
                expected[c] += m[row * k + c];
            }
        }

        var sum = (float[])start.Clone();
        Reduce.SumRowsInto(sum, m, rows, k);

        for (int c = 0; c < k; c++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[c]) == BitConverter.SingleToInt32Bits(sum[c]),
                $"column {c} of {rows} x {k}: {sum[c]:R}, row by row {expected[c]:R}");
        }
    }

    [Fact]
    public void SumRowsInto_LeavesColumnsPastKAlone()
    {
        var sum = new float[] { 1f, 2f, 3f, 9f };
        Reduce.SumRowsInto(sum, new float[] { 1f, 1f, 1f, 1f, 1f, 1f }, 2, 3);
        Assert.Equal(new[] { 3f, 4f, 5f, 9f }, sum);
    }

    [Fact]
    public void SumRowsInto_TooFewFloats_NamesTheSizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Reduce.SumRowsInto(new float[4], new float[7], 2, 4));
        Assert.Contains("2 rows of 4 need 4 sums and 8 floats; there are 4 and 7", ex.Message);
    }
}
