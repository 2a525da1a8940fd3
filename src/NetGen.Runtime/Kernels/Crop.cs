using System;

namespace NetGen.Kernels;

/// <summary>
/// Dimensions of a crop: x (N, H, W, C) to y (N, P, Q, C), rows [Top, Top + P) and columns
/// [Left, Left + Q) of each sample.
/// </summary>
/// <param name="N">Batch.</param>
/// <param name="H">Input height.</param>
/// <param name="W">Input width.</param>
/// <param name="C">Channels.</param>
/// <param name="Top">First row kept.</param>
/// <param name="Left">First column kept.</param>
/// <param name="P">Rows kept.</param>
/// <param name="Q">Columns kept.</param>
public readonly record struct CropDims(int N, int H, int W, int C, int Top, int Left, int P, int Q);

/// <summary>
/// A window of rows and columns, channels-last: each kept row of a sample is one contiguous run
/// of Q x C floats, copied whole. Backward needs nothing saved: it adds dY into the window of dX
/// and leaves the rest of dX as it was (the pixels cropped away get no gradient).
/// </summary>
public static class Crop
{
    /// <summary>y = the window of x. Overwrites y.</summary>
    /// <param name="y">(N, P, Q, C) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="dims">The crop.</param>
    public static void Forward(Span<float> y, ReadOnlySpan<float> x, in CropDims dims)
    {
        Validate("Crop.Forward", y.Length, x.Length, dims);
        CropDims d = dims;
        int run = d.Q * d.C;
        for (int n = 0; n < d.N; n++)
        {
            for (int p = 0; p < d.P; p++)
            {
                x.Slice(((n * d.H + d.Top + p) * d.W + d.Left) * d.C, run).CopyTo(y.Slice((n * d.P + p) * run, run));
            }
        }
    }

    /// <summary>dX[window] += dY.</summary>
    /// <param name="dX">(N, H, W, C) accumulated.</param>
    /// <param name="dY">(N, P, Q, C) output gradient.</param>
    /// <param name="dims">The crop.</param>
    public static void Backward(Span<float> dX, ReadOnlySpan<float> dY, in CropDims dims)
    {
        Validate("Crop.Backward", dY.Length, dX.Length, dims);
        CropDims d = dims;
        int run = d.Q * d.C;
        for (int n = 0; n < d.N; n++)
        {
            for (int p = 0; p < d.P; p++)
            {
                Reduce.AddInto(dX.Slice(((n * d.H + d.Top + p) * d.W + d.Left) * d.C, run), dY.Slice((n * d.P + p) * run, run));
            }
        }
    }

    private static void Validate(string kernel, int outLength, int inLength, in CropDims d)
    {
        Check.Positive(d.P, kernel, nameof(d.P));
        Check.Positive(d.Q, kernel, nameof(d.Q));
        if (!(d.Top >= 0 && d.Left >= 0 && (long)d.Top + d.P <= d.H && (long)d.Left + d.Q <= d.W))
        {
            throw Check.Failure(kernel, $"the {d.P}x{d.Q} window at top {d.Top}, left {d.Left} does not lie inside the {d.H}x{d.W} input.");
        }
        Check.Length(outLength, (long)d.N * d.P * d.Q * d.C, kernel, "y", "N*P*Q*C");
        Check.Length(inLength, (long)d.N * d.H * d.W * d.C, kernel, "x", "N*H*W*C");
    }
}
