using System;
using NetGen.Kernels;
using NetGen.Threading;

namespace NetGen.Execution;

/// <summary>The input transpose of a batch-1 Predict (channels-first image to channels-last), split by rows over the pool.</summary>
public sealed unsafe partial class LayerBands
{
    /// <summary>
    /// dst (H, W, C) = src (C, H, W) transposed, one sample (<see cref="Layout.NchwToNhwcRows"/>), split by bands of rows
    /// over <paramref name="bands"/>' workers when it is given and the image has at least <see cref="MinimumElements"/> floats.
    /// </summary>
    /// <param name="bands">The pool, or null to run on the calling thread.</param>
    /// <param name="dst">(H, W, C) output.</param>
    /// <param name="src">(C, H, W) input.</param>
    /// <param name="c">Channels.</param>
    /// <param name="h">Height.</param>
    /// <param name="w">Width.</param>
    public static void NchwToNhwc(LayerBands? bands, Span<float> dst, ReadOnlySpan<float> src, int c, int h, int w)
    {
        int count = bands is null || (long)c * h * w < bands.MinimumElements ? 1 : Math.Min(bands.Pool.Workers, h);
        if (count <= 1)
        {
            Layout.NchwToNhwcRows(dst, src, c, h, w, 0, h);
            return;
        }
        const string name = "LayerBands.NchwToNhwc";
        Check.Length(src.Length, (long)c * h * w, name, nameof(src), "C*H*W");
        Check.Length(dst.Length, (long)c * h * w, name, nameof(dst), "C*H*W");
        fixed (float* pd = dst, ps = src)
        {
            var work = new TransposeBand(count, pd, ps, c, h, w);
            bands!.Pool.Run(count, in work);
        }
    }

    /// <summary>Band i of the transpose: rows [i * H / B, (i + 1) * H / B).</summary>
    private readonly struct TransposeBand : IRangeWork
    {
        private readonly int _count, _c, _h, _w;
        private readonly float* _dst, _src;

        public TransposeBand(int count, float* dst, float* src, int c, int h, int w)
        {
            _count = count;
            _dst = dst;
            _src = src;
            _c = c;
            _h = h;
            _w = w;
        }

        public void Execute(int worker, int start, int end)
        {
            int length = _c * _h * _w;
            for (int i = start; i < end; i++)
            {
                Layout.NchwToNhwcRows(new Span<float>(_dst, length), new ReadOnlySpan<float>(_src, length), _c, _h, _w,
                    BandStart(i, _count, _h), BandStart(i + 1, _count, _h));
            }
        }
    }
}
