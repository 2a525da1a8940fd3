using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

public class LocalResponseNormTests
{
    private static double[] Reference(double[] x, int rows, int c, int radius, double k, double alpha, double beta)
    {
        var y = new double[x.Length];
        for (int m = 0; m < rows; m++)
            for (int i = 0; i < c; i++)
            {
                double sum = 0;
                for (int j = i - radius; j <= i + radius; j++)
                    if (j >= 0 && j < c) sum += x[m * c + j] * x[m * c + j];
                y[m * c + i] = x[m * c + i] / Math.Pow(k + alpha * sum, beta);
            }
        return y;
    }

    [Theory]
    [InlineData(6, 7, 2, 2.0f, 1e-2f, 0.75f)]   // AlexNet's k, beta; a large alpha so the sum matters
    [InlineData(3, 20, 1, 1.0f, 0.5f, 0.5f)]
    [InlineData(2, 3, 5, 1.0f, 0.1f, 0.75f)]    // window wider than the channels
    [InlineData(4, 37, 2, 2.0f, 1e-2f, 0.75f)]  // whole vectors and a tail, AlexNet's beta through square roots
    [InlineData(3, 45, 3, 1.5f, 0.2f, 0.6f)]    // whole vectors and a tail, any beta through exp and log
    public void Forward_and_backward_match_references(int rows, int c, int radius, float k, float alpha, float beta)
    {
        var rng = new Random(rows * 100 + c * 10 + radius);
        var x = TestData.Uniform(rng, rows * c, 2f);
        var y = new float[x.Length];
        LocalResponseNorm.Forward(y, x, rows, c, radius, k, alpha, beta);
        var xd = TestData.ToDouble(x);
        TensorAssert.Close(Reference(xd, rows, c, radius, k, alpha, beta), y, 1e-5, 1e-6, "y");

        var upstream = TestData.Uniform(rng, x.Length);
        var dX0 = TestData.Uniform(rng, x.Length);
        var dX = (float[])dX0.Clone();
        LocalResponseNorm.Backward(dX, upstream, x, new float[LocalResponseNorm.BackwardWorkspaceFloats(c)], rows, c, radius, k, alpha, beta);
        var g = TestData.ToDouble(upstream);
        var gx = Numeric.Gradient(v => TestData.Dot(g, Reference(v, rows, c, radius, k, alpha, beta)), xd);
        TensorAssert.Close(TestData.Add(dX0, gx), dX, 1e-4, 1e-5, "dX");
    }
}
