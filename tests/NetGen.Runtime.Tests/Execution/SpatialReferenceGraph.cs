namespace NetGen.Runtime.Tests.Execution;

/// <summary>
/// A naive float64 network with branches, written from PyTorch's definitions of each layer
/// (NCHW, weights by name in PyTorch layout), to check generated code against. Nodes are
/// added in order and named by index; node 0 is the input; the last node is the output.
/// </summary>
internal sealed class SpatialReferenceGraph
{
    /// <summary>One sample's tensor, channels first; a vector is (C, 1, 1).</summary>
    private sealed record Tensor(double[] D, int C, int H, int W);

    private sealed record Node(int[] Inputs, Func<Tensor[], IReadOnlyDictionary<string, double[]>, Tensor> Compute, Activation Act, double Alpha);

    private readonly List<Node> _nodes = new();

    public SpatialReferenceGraph(int c, int h, int w)
    {
        InputShape = (c, h, w);
        _nodes.Add(new Node(Array.Empty<int>(), (_, _) => throw new InvalidOperationException(), Activation.None, 0));
    }

    public (int C, int H, int W) InputShape { get; }

    public const int Input = 0;

    /// <summary>Convolution, weights (K, C/G, R, S); padding (top, bottom, left, right).</summary>
    public int Conv(string name, int from, int k, int r, int s, (int H, int W) stride, (int T, int B, int L, int R) pad,
        int groups = 1, Activation act = Activation.None, double alpha = 0, bool bias = true) =>
        Add(new[] { from }, (x, p) => Convolve(x[0], p[name + ".weight"], bias ? p[name + ".bias"] : null, k, r, s, stride, pad, groups),
            act, alpha);

    /// <summary>
    /// PyTorch ConvTranspose2d, weights (C, K, R, S): each input pixel adds x * w over an R x S patch
    /// at (h stride - top, w stride - left); P = (H - 1) stride - top - bottom + R + output padding.
    /// </summary>
    public int ConvTranspose(string name, int from, int k, int r, int s, (int H, int W) stride, (int T, int B, int L, int R) pad,
        (int H, int W) outputPadding, Activation act = Activation.None, double alpha = 0, bool bias = true) =>
        Add(new[] { from }, (x, p) => Transposed(x[0], p[name + ".weight"], bias ? p[name + ".bias"] : null, k, r, s, stride, pad, outputPadding),
            act, alpha);

    /// <summary>Keras SeparableConv2D: a depthwise convolution (C m, 1, R, S) without bias, then a 1x1 (K, C m) with the bias.</summary>
    public int Separable(string name, int from, int k, int r, (int H, int W) stride, (int T, int B, int L, int R) pad, int multiplier,
        Activation act = Activation.None, double alpha = 0, bool bias = true) =>
        Add(new[] { from }, (x, p) =>
        {
            int c = x[0].C;
            var depthwise = Convolve(x[0], p[name + ".depthwise.weight"], null, c * multiplier, r, r, stride, pad, c);
            return Convolve(depthwise, p[name + ".pointwise.weight"], bias ? p[name + ".bias"] : null, k, 1, 1, (1, 1), (0, 0, 0, 0), 1);
        }, act, alpha);

    /// <summary>
    /// PyTorch Upsample(scale_factor, mode): nearest takes x[floor(o / scale)]; bilinear with
    /// align_corners=False samples at max(0, (o + 0.5) / scale - 0.5) between the two nearest pixels.
    /// </summary>
    public int Upsample(int from, int scaleH, int scaleW, bool bilinear) => Add(new[] { from }, (x, _) =>
    {
        var t = x[0];
        int p = t.H * scaleH, q = t.W * scaleW;
        var y = new double[t.C * p * q];
        for (int c = 0; c < t.C; c++)
        for (int oy = 0; oy < p; oy++)
        for (int ox = 0; ox < q; ox++)
        {
            var (y0, y1, ly) = Source(oy, t.H, scaleH, bilinear);
            var (x0, x1, lx) = Source(ox, t.W, scaleW, bilinear);
            double At(int iy, int ix) => t.D[(c * t.H + iy) * t.W + ix];
            y[(c * p + oy) * q + ox] = (1 - ly) * ((1 - lx) * At(y0, x0) + lx * At(y0, x1)) + ly * ((1 - lx) * At(y1, x0) + lx * At(y1, x1));
        }
        return new Tensor(y, t.C, p, q);
    }, Activation.None, 0);

    /// <summary>b = a / (k + alpha * sum of a^2 over channels c - radius .. c + radius)^beta (TensorFlow's form).</summary>
    public int Lrn(int from, int radius, double k, double alpha, double beta) => Add(new[] { from }, (x, _) =>
    {
        var t = x[0];
        int pixels = t.H * t.W;
        var y = new double[t.D.Length];
        for (int c = 0; c < t.C; c++)
        for (int i = 0; i < pixels; i++)
        {
            double sum = 0;
            for (int j = Math.Max(0, c - radius); j <= Math.Min(t.C - 1, c + radius); j++) sum += t.D[j * pixels + i] * t.D[j * pixels + i];
            y[c * pixels + i] = t.D[c * pixels + i] / Math.Pow(k + alpha * sum, beta);
        }
        return t with { D = y };
    }, Activation.None, 0);

    /// <summary>x[:, top:top + height, left:left + width] (torchvision's crop).</summary>
    public int Crop(int from, int top, int left, int height, int width) => Add(new[] { from }, (x, _) =>
    {
        var t = x[0];
        var y = new double[t.C * height * width];
        for (int c = 0; c < t.C; c++)
        for (int oy = 0; oy < height; oy++)
        for (int ox = 0; ox < width; ox++) y[(c * height + oy) * width + ox] = t.D[(c * t.H + top + oy) * t.W + left + ox];
        return new Tensor(y, t.C, height, width);
    }, Activation.None, 0);

    /// <summary>torch.cat along channels.</summary>
    public int Concat(params int[] from) => Add(from, (x, _) =>
        new Tensor(x.SelectMany(t => t.D).ToArray(), x.Sum(t => t.C), x[0].H, x[0].W), Activation.None, 0);

    public int MaxPool(int from, int r, int stride) => Add(new[] { from }, (x, _) =>
    {
        var t = x[0];
        int p = (t.H - r) / stride + 1, q = (t.W - r) / stride + 1;
        var y = new double[t.C * p * q];
        for (int c = 0; c < t.C; c++)
        for (int oy = 0; oy < p; oy++)
        for (int ox = 0; ox < q; ox++)
        {
            double best = double.NegativeInfinity;
            for (int i = 0; i < r; i++)
            for (int j = 0; j < r; j++) best = Math.Max(best, t.D[(c * t.H + oy * stride + i) * t.W + ox * stride + j]);
            y[(c * p + oy) * q + ox] = best;
        }
        return new Tensor(y, t.C, p, q);
    }, Activation.None, 0);

    /// <summary>Mean over each channel's pixels, to a (C) vector.</summary>
    public int GlobalAvgPool(int from) => Add(new[] { from }, (x, _) =>
    {
        var t = x[0];
        int pixels = t.H * t.W;
        var y = Enumerable.Range(0, t.C).Select(c => t.D.Skip(c * pixels).Take(pixels).Average()).ToArray();
        return new Tensor(y, t.C, 1, 1);
    }, Activation.None, 0);

    /// <summary>torch.flatten: channels first.</summary>
    public int Flatten(int from) => Add(new[] { from }, (x, _) => new Tensor(x[0].D, x[0].D.Length, 1, 1), Activation.None, 0);

    /// <summary>y = W x + b, W (out, in).</summary>
    public int Dense(string name, int from, int units, Activation act = Activation.None, double alpha = 0) => Add(new[] { from }, (x, p) =>
    {
        var w = p[name + ".weight"];
        var b = p[name + ".bias"];
        var v = x[0].D;
        var y = new double[units];
        for (int u = 0; u < units; u++)
        {
            double sum = b[u];
            for (int i = 0; i < v.Length; i++) sum += w[u * v.Length + i] * v[i];
            y[u] = sum;
        }
        return new Tensor(y, units, 1, 1);
    }, act, alpha);

    /// <summary>The output (channels first) for one sample.</summary>
    public double[] Forward(IReadOnlyDictionary<string, double[]> p, ReadOnlySpan<double> input) => Run(p, input, logits: false);

    /// <summary>Mean over the batch of -log softmax(logits)[label], the logits being the output before a final softmax.</summary>
    public double Loss(IReadOnlyDictionary<string, double[]> p, double[] inputs, int[] labels)
    {
        int size = InputShape.C * InputShape.H * InputShape.W;
        double total = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var z = Run(p, inputs.AsSpan(i * size, size), logits: true);
            double max = z.Max();
            total += max + Math.Log(z.Sum(v => Math.Exp(v - max))) - z[labels[i]];
        }
        return total / labels.Length;
    }

    private int Add(int[] inputs, Func<Tensor[], IReadOnlyDictionary<string, double[]>, Tensor> compute, Activation act, double alpha)
    {
        _nodes.Add(new Node(inputs, compute, act, alpha));
        return _nodes.Count - 1;
    }

    private double[] Run(IReadOnlyDictionary<string, double[]> p, ReadOnlySpan<double> input, bool logits)
    {
        var values = new Tensor[_nodes.Count];
        values[0] = new Tensor(input.ToArray(), InputShape.C, InputShape.H, InputShape.W);
        for (int n = 1; n < _nodes.Count; n++)
        {
            var node = _nodes[n];
            var y = node.Compute(node.Inputs.Select(i => values[i]).ToArray(), p);
            bool dropSoftmax = logits && n == _nodes.Count - 1 && node.Act == Activation.Softmax;
            values[n] = dropSoftmax ? y : Activate(y, node.Act, node.Alpha);
        }
        return values[^1].D;
    }

    private static Tensor Convolve(Tensor x, double[] weight, double[]? bias, int k, int r, int s, (int H, int W) stride,
        (int T, int B, int L, int R) pad, int groups)
    {
        int p = (x.H + pad.T + pad.B - r) / stride.H + 1, q = (x.W + pad.L + pad.R - s) / stride.W + 1;
        int cg = x.C / groups, kg = k / groups;
        var y = new double[k * p * q];
        for (int ko = 0; ko < k; ko++)
        {
            int g = ko / kg;
            for (int oy = 0; oy < p; oy++)
            for (int ox = 0; ox < q; ox++)
            {
                double sum = bias?[ko] ?? 0;
                for (int ci = 0; ci < cg; ci++)
                for (int i = 0; i < r; i++)
                for (int j = 0; j < s; j++)
                {
                    int iy = oy * stride.H - pad.T + i, ix = ox * stride.W - pad.L + j;
                    if (iy < 0 || iy >= x.H || ix < 0 || ix >= x.W) continue;
                    sum += weight[((ko * cg + ci) * r + i) * s + j] * x.D[((g * cg + ci) * x.H + iy) * x.W + ix];
                }
                y[(ko * p + oy) * q + ox] = sum;
            }
        }
        return new Tensor(y, k, p, q);
    }

    private static Tensor Transposed(Tensor x, double[] weight, double[]? bias, int k, int r, int s, (int H, int W) stride,
        (int T, int B, int L, int R) pad, (int H, int W) outputPadding)
    {
        int p = (x.H - 1) * stride.H - pad.T - pad.B + r + outputPadding.H;
        int q = (x.W - 1) * stride.W - pad.L - pad.R + s + outputPadding.W;
        var y = new double[k * p * q];
        for (int ko = 0; ko < k; ko++)
            for (int i = 0; i < p * q; i++) y[ko * p * q + i] = bias?[ko] ?? 0;
        for (int c = 0; c < x.C; c++)
        for (int h = 0; h < x.H; h++)
        for (int w = 0; w < x.W; w++)
        for (int ko = 0; ko < k; ko++)
        for (int i = 0; i < r; i++)
        for (int j = 0; j < s; j++)
        {
            int oy = h * stride.H - pad.T + i, ox = w * stride.W - pad.L + j;
            if (oy < 0 || oy >= p || ox < 0 || ox >= q) continue;
            y[(ko * p + oy) * q + ox] += x.D[(c * x.H + h) * x.W + w] * weight[((c * k + ko) * r + i) * s + j];
        }
        return new Tensor(y, k, p, q);
    }

    /// <summary>The two source indices of output index o and the second one's weight (0 for nearest).</summary>
    private static (int I0, int I1, double Weight1) Source(int o, int size, int scale, bool bilinear)
    {
        if (!bilinear) return (o / scale, o / scale, 0);
        double src = Math.Max(0, (o + 0.5) / scale - 0.5);
        int i0 = Math.Min((int)Math.Floor(src), size - 1);
        return (i0, Math.Min(i0 + 1, size - 1), src - i0);
    }

    /// <summary>An activation, or a softmax over the channels at each pixel.</summary>
    private static Tensor Activate(Tensor t, Activation act, double alpha)
    {
        if (act == Activation.None) return t;
        var y = new double[t.D.Length];
        int pixels = t.H * t.W;
        if (act == Activation.Softmax)
        {
            for (int i = 0; i < pixels; i++)
            {
                double max = Enumerable.Range(0, t.C).Max(c => t.D[c * pixels + i]);
                double sum = Enumerable.Range(0, t.C).Sum(c => Math.Exp(t.D[c * pixels + i] - max));
                for (int c = 0; c < t.C; c++) y[c * pixels + i] = Math.Exp(t.D[c * pixels + i] - max) / sum;
            }
            return t with { D = y };
        }
        for (int i = 0; i < y.Length; i++)
        {
            double v = t.D[i];
            y[i] = act switch
            {
                Activation.ReLU => Math.Max(v, 0),
                Activation.LeakyReLU => v > 0 ? v : alpha * v,
                Activation.ELU => v > 0 ? v : alpha * (Math.Exp(v) - 1),
                Activation.Sigmoid => 1 / (1 + Math.Exp(-v)),
                Activation.Tanh => Math.Tanh(v),
                _ => throw new ArgumentOutOfRangeException(nameof(act), act, null),
            };
        }
        return t with { D = y };
    }
}
