namespace NetGen.Runtime.Tests.Execution;

/// <summary>
/// A naive float64 network, written from the layer definitions alone (PyTorch semantics:
/// NCHW, weights (K, C/G, R, S) and (out, in), NCHW flatten), to check generated code
/// against. One sample at a time; parameters by name in PyTorch layout.
/// </summary>
internal sealed class ReferenceNetwork
{
    private readonly List<Layer> _layers = new();

    public ReferenceNetwork(int c, int h, int w) => InputShape = (c, h, w);

    public (int C, int H, int W) InputShape { get; }

    /// <summary>When true, the last layer's softmax is left out by <see cref="Logits"/> and the loss.</summary>
    public bool EndsInSoftmax { get; private set; }

    public ReferenceNetwork Conv(string name, int k, int r, int stride = 1, int padTop = 0, int padBottom = 0, int padLeft = 0,
        int padRight = 0, int groups = 1, Activation act = Activation.None, double alpha = 0, bool bias = true)
    {
        _layers.Add(new Layer(Kind.Conv, name, k, r, stride, padTop, padBottom, padLeft, padRight, groups, act, alpha, bias));
        return this;
    }

    public ReferenceNetwork MaxPool(int r, int stride, int padTop = 0, int padBottom = 0, int padLeft = 0, int padRight = 0)
    {
        _layers.Add(new Layer(Kind.MaxPool, "", 0, r, stride, padTop, padBottom, padLeft, padRight, 1, Activation.None, 0, false));
        return this;
    }

    /// <summary>Average over the taps inside the input (padding not counted).</summary>
    public ReferenceNetwork AvgPool(int r, int stride, int padTop = 0, int padBottom = 0, int padLeft = 0, int padRight = 0)
    {
        _layers.Add(new Layer(Kind.AvgPool, "", 0, r, stride, padTop, padBottom, padLeft, padRight, 1, Activation.None, 0, false));
        return this;
    }

    public ReferenceNetwork GlobalAvgPool()
    {
        _layers.Add(new Layer(Kind.GlobalAvgPool, "", 0, 0, 1, 0, 0, 0, 0, 1, Activation.None, 0, false));
        return this;
    }

    public ReferenceNetwork Flatten()
    {
        _layers.Add(new Layer(Kind.Flatten, "", 0, 0, 1, 0, 0, 0, 0, 1, Activation.None, 0, false));
        return this;
    }

    public ReferenceNetwork Dense(string name, int units, Activation act = Activation.None, double alpha = 0)
    {
        _layers.Add(new Layer(Kind.Dense, name, units, 0, 1, 0, 0, 0, 0, 1, act, alpha, true));
        EndsInSoftmax = act == Activation.Softmax;
        return this;
    }

    public ReferenceNetwork Act(Activation act, double alpha = 0)
    {
        _layers.Add(new Layer(Kind.Act, "", 0, 0, 1, 0, 0, 0, 0, 1, act, alpha, false));
        EndsInSoftmax = act == Activation.Softmax;
        return this;
    }

    /// <summary>The network's output for one (C, H, W) sample, channels first.</summary>
    public double[] Forward(IReadOnlyDictionary<string, double[]> p, ReadOnlySpan<double> input) => Run(p, input, logits: false);

    /// <summary>The output with a final softmax left out: the scores the loss reads.</summary>
    public double[] Logits(IReadOnlyDictionary<string, double[]> p, ReadOnlySpan<double> input) => Run(p, input, logits: true);

    /// <summary>Mean over the batch of -log softmax(logits)[label].</summary>
    public double Loss(IReadOnlyDictionary<string, double[]> p, double[] inputs, int[] labels)
    {
        int size = InputShape.C * InputShape.H * InputShape.W;
        double total = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var z = Logits(p, inputs.AsSpan(i * size, size));
            double max = z.Max();
            double sum = z.Sum(v => Math.Exp(v - max));
            total += max + Math.Log(sum) - z[labels[i]];
        }
        return total / labels.Length;
    }

    private double[] Run(IReadOnlyDictionary<string, double[]> p, ReadOnlySpan<double> input, bool logits)
    {
        var (c, h, w) = InputShape;
        double[] x = input.ToArray();
        for (int l = 0; l < _layers.Count; l++)
        {
            var layer = _layers[l];
            bool last = l == _layers.Count - 1;
            var act = last && logits && EndsInSoftmax ? Activation.None : layer.Act;
            switch (layer.Kind)
            {
                case Kind.Conv:
                    (x, c, h, w) = Conv(x, c, h, w, layer, p[layer.Name + ".weight"], layer.Bias ? p[layer.Name + ".bias"] : null);
                    Apply(x, c, h * w, act, layer.Alpha);
                    break;
                case Kind.MaxPool:
                case Kind.AvgPool:
                    (x, h, w) = Pool(x, c, h, w, layer, layer.Kind == Kind.MaxPool);
                    break;
                case Kind.GlobalAvgPool:
                    x = Enumerable.Range(0, c).Select(ch => x.Skip(ch * h * w).Take(h * w).Average()).ToArray();
                    (h, w) = (1, 1);
                    break;
                case Kind.Flatten:
                    (c, h, w) = (c * h * w, 1, 1);
                    break;
                case Kind.Dense:
                    x = Dense(x, p[layer.Name + ".weight"], p[layer.Name + ".bias"], layer.K);
                    (c, h, w) = (layer.K, 1, 1);
                    Apply(x, c, 1, act, layer.Alpha);
                    break;
                case Kind.Act:
                    Apply(x, c, h * w, act, layer.Alpha);
                    break;
            }
        }
        return x;
    }

    private static (double[], int, int, int) Conv(double[] x, int c, int h, int w, Layer l, double[] weight, double[]? bias)
    {
        int p = (h + l.PadTop + l.PadBottom - l.R) / l.Stride + 1;
        int q = (w + l.PadLeft + l.PadRight - l.R) / l.Stride + 1;
        int cg = c / l.Groups, kg = l.K / l.Groups;
        var y = new double[l.K * p * q];
        for (int k = 0; k < l.K; k++)
        {
            int g = k / kg;
            for (int oy = 0; oy < p; oy++)
            for (int ox = 0; ox < q; ox++)
            {
                double sum = bias?[k] ?? 0;
                for (int ci = 0; ci < cg; ci++)
                for (int r = 0; r < l.R; r++)
                for (int s = 0; s < l.R; s++)
                {
                    int iy = oy * l.Stride - l.PadTop + r, ix = ox * l.Stride - l.PadLeft + s;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                    sum += weight[((k * cg + ci) * l.R + r) * l.R + s] * x[((g * cg + ci) * h + iy) * w + ix];
                }
                y[(k * p + oy) * q + ox] = sum;
            }
        }
        return (y, l.K, p, q);
    }

    private static (double[], int, int) Pool(double[] x, int c, int h, int w, Layer l, bool max)
    {
        int p = (h + l.PadTop + l.PadBottom - l.R) / l.Stride + 1;
        int q = (w + l.PadLeft + l.PadRight - l.R) / l.Stride + 1;
        var y = new double[c * p * q];
        for (int ch = 0; ch < c; ch++)
        for (int oy = 0; oy < p; oy++)
        for (int ox = 0; ox < q; ox++)
        {
            double best = double.NegativeInfinity, sum = 0;
            int taps = 0;
            for (int r = 0; r < l.R; r++)
            for (int s = 0; s < l.R; s++)
            {
                int iy = oy * l.Stride - l.PadTop + r, ix = ox * l.Stride - l.PadLeft + s;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                best = Math.Max(best, x[(ch * h + iy) * w + ix]);
                sum += x[(ch * h + iy) * w + ix];
                taps++;
            }
            y[(ch * p + oy) * q + ox] = max ? best : sum / taps;
        }
        return (y, p, q);
    }

    private static double[] Dense(double[] x, double[] weight, double[] bias, int units)
    {
        var y = new double[units];
        for (int k = 0; k < units; k++)
        {
            double sum = bias[k];
            for (int i = 0; i < x.Length; i++) sum += weight[k * x.Length + i] * x[i];
            y[k] = sum;
        }
        return y;
    }

    /// <summary>Elementwise activation, or softmax over the channels at each of the <paramref name="pixels"/> positions.</summary>
    private static void Apply(double[] x, int channels, int pixels, Activation act, double alpha)
    {
        if (act == Activation.Softmax)
        {
            for (int px = 0; px < pixels; px++)
            {
                double max = double.NegativeInfinity;
                for (int ch = 0; ch < channels; ch++) max = Math.Max(max, x[ch * pixels + px]);
                double sum = 0;
                for (int ch = 0; ch < channels; ch++) sum += Math.Exp(x[ch * pixels + px] - max);
                for (int ch = 0; ch < channels; ch++) x[ch * pixels + px] = Math.Exp(x[ch * pixels + px] - max) / sum;
            }
            return;
        }
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            x[i] = act switch
            {
                Activation.ReLU => Math.Max(v, 0),
                Activation.LeakyReLU => v > 0 ? v : alpha * v,
                Activation.ELU => v > 0 ? v : alpha * (Math.Exp(v) - 1),
                Activation.Sigmoid => 1 / (1 + Math.Exp(-v)),
                Activation.Tanh => Math.Tanh(v),
                _ => v,
            };
        }
    }

    private enum Kind { Conv, MaxPool, AvgPool, GlobalAvgPool, Flatten, Dense, Act }

    private sealed record Layer(Kind Kind, string Name, int K, int R, int Stride, int PadTop, int PadBottom, int PadLeft,
        int PadRight, int Groups, Activation Act, double Alpha, bool Bias);
}
