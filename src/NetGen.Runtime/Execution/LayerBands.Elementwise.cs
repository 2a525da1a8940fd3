using System;
using NetGen.Kernels;
using NetGen.Threading;

namespace NetGen.Execution;

/// <summary>
/// The batch-1 layers between convolutions split over the pool too: the max pool by bands of output
/// rows, the residual add (with or without its ReLU) by ranges of elements. Without them the second
/// worker idles while the caller runs them (ResNet-18: the stem's pool 130 us, the adds 80 us of a
/// 21 ms inference on one core). Each element is computed by the same code as in one call, so the
/// results are the same bit for bit.
/// </summary>
public sealed unsafe partial class LayerBands
{
    /// <summary>
    /// The default <see cref="MinimumElements"/>: 32K floats (128 KB) is about 3 us of one core for an
    /// add here, the size where half of it still saves more than a dispatch to a spinning worker costs.
    /// </summary>
    public const int DefaultMinimumElements = 32 * 1024;

    /// <summary>Pools and adds with fewer output elements run on the calling thread.</summary>
    public int MinimumElements { get; init; } = DefaultMinimumElements;

    /// <summary>
    /// <see cref="MaxPool2D.Forward(Span{float}, ReadOnlySpan{float}, in PoolDims)"/>, split by bands of output rows over <paramref name="bands"/>' workers when it is
    /// given and the pooling is one sample of at least <see cref="MinimumElements"/> outputs; the same results bit for bit.
    /// </summary>
    /// <param name="bands">The pool, or null to run on the calling thread.</param>
    /// <param name="y">(1, P, Q, C) output.</param>
    /// <param name="x">(1, H, W, C) input.</param>
    /// <param name="dims">The pooling.</param>
    public static void MaxPool2DForward(LayerBands? bands, Span<float> y, ReadOnlySpan<float> x, in PoolDims dims)
    {
        int count = bands is null || dims.N != 1 || (long)dims.P * dims.Q * dims.C < bands.MinimumElements
            ? 1
            : Math.Min(bands.Pool.Workers, dims.P);
        if (count <= 1)
        {
            MaxPool2D.Forward(y, x, dims);
            return;
        }
        const string name = "LayerBands.MaxPool2DForward";
        dims.Validate();
        Check.Length(y.Length, (long)dims.P * dims.Q * dims.C, name, nameof(y), "P*Q*C");
        Check.Length(x.Length, (long)dims.H * dims.W * dims.C, name, nameof(x), "H*W*C");
        fixed (float* py = y, px = x)
        {
            var work = new PoolBand(count, py, y.Length, px, x.Length, dims);
            bands!.Pool.Run(count, in work);
        }
    }

    /// <summary>y = a + b (<see cref="Elementwise.Add"/>), split by ranges of elements like <see cref="AddReLU"/>.</summary>
    /// <param name="bands">The pool, or null to run on the calling thread.</param>
    /// <param name="y">(F) output; may be a or b.</param>
    /// <param name="a">(F) first input.</param>
    /// <param name="b">(F) second input.</param>
    public static void Add(LayerBands? bands, Span<float> y, ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        AddSplit(bands, y, a, b, relu: false);

    /// <summary>
    /// y = max(a + b, 0) (<see cref="Elementwise.AddReLU"/>), split into one range of whole 16-float blocks per worker when
    /// <paramref name="bands"/> is given and y has at least <see cref="MinimumElements"/> floats; the same results bit for bit.
    /// </summary>
    /// <param name="bands">The pool, or null to run on the calling thread.</param>
    /// <param name="y">(F) output; may be a or b.</param>
    /// <param name="a">(F) first input.</param>
    /// <param name="b">(F) second input.</param>
    public static void AddReLU(LayerBands? bands, Span<float> y, ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        AddSplit(bands, y, a, b, relu: true);

    private static void AddSplit(LayerBands? bands, Span<float> y, ReadOnlySpan<float> a, ReadOnlySpan<float> b, bool relu)
    {
        string name = relu ? "LayerBands.AddReLU" : "LayerBands.Add";
        Check.Length(a.Length, y.Length, name, nameof(a), "y.Length");
        Check.Length(b.Length, y.Length, name, nameof(b), "y.Length");
        int blocks = y.Length / Simd.Block;
        // y is a or b itself, or apart from both: then no range of y is read by another range.
        bool apart = (!y.Overlaps(a, out int offsetA) || offsetA == 0) && (!y.Overlaps(b, out int offsetB) || offsetB == 0);
        int count = bands is null || y.Length < bands.MinimumElements || !apart ? 1 : Math.Min(bands.Pool.Workers, blocks);
        if (count <= 1)
        {
            AddRange(y, a, b, relu);
            return;
        }
        fixed (float* py = y, pa = a, pb = b)
        {
            var work = new AddBand(count, py, pa, pb, y.Length, relu);
            bands!.Pool.Run(count, in work);
        }
    }

    private static void AddRange(Span<float> y, ReadOnlySpan<float> a, ReadOnlySpan<float> b, bool relu)
    {
        if (relu)
        {
            Elementwise.AddReLU(y, a, b);
        }
        else
        {
            Elementwise.Add(y, a, b);
        }
    }

    /// <summary>Band i of a max pool: output rows [i * P / B, (i + 1) * P / B).</summary>
    private readonly struct PoolBand : IRangeWork
    {
        private readonly int _count;
        private readonly float* _y, _x;
        private readonly int _yLength, _xLength;
        private readonly PoolDims _dims;

        public PoolBand(int count, float* y, int yLength, float* x, int xLength, in PoolDims dims)
        {
            _count = count;
            _y = y;
            _yLength = yLength;
            _x = x;
            _xLength = xLength;
            _dims = dims;
        }

        public void Execute(int worker, int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                MaxPool2D.ForwardRows(new Span<float>(_y, _yLength), new ReadOnlySpan<float>(_x, _xLength), _dims,
                    BandStart(i, _count, _dims.P), BandStart(i + 1, _count, _dims.P));
            }
        }
    }

    /// <summary>Band i of an add: 16-float blocks [i * F/16 / B, (i + 1) * F/16 / B), the last band taking the tail.</summary>
    private readonly struct AddBand : IRangeWork
    {
        private readonly int _count, _length;
        private readonly float* _y, _a, _b;
        private readonly bool _relu;

        public AddBand(int count, float* y, float* a, float* b, int length, bool relu)
        {
            _count = count;
            _y = y;
            _a = a;
            _b = b;
            _length = length;
            _relu = relu;
        }

        public void Execute(int worker, int start, int end)
        {
            int blocks = _length / Simd.Block;
            for (int i = start; i < end; i++)
            {
                int first = BandStart(i, _count, blocks) * Simd.Block;
                int next = i == _count - 1 ? _length : BandStart(i + 1, _count, blocks) * Simd.Block;
                AddRange(new Span<float>(_y + first, next - first), new ReadOnlySpan<float>(_a + first, next - first),
                    new ReadOnlySpan<float>(_b + first, next - first), _relu);
            }
        }
    }
}
