using System.Numerics.Tensors;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>
/// A naive float64 graph network for the joins and batch norm, written from the layer
/// definitions alone (PyTorch semantics: NCHW, conv weights (K, C, R, S), dense (out, in)).
/// Unlike <see cref="ReferenceNetwork"/> it runs a whole batch at once, because a training batch
/// norm normalises with statistics over the batch. Nodes are added in topological order; node 0
/// is the input; parameters come by name in PyTorch layout.
/// </summary>
internal sealed class ReferenceGraph
{
    private readonly List<Node> _nodes = new();

    public ReferenceGraph(int c, int h, int w) => _nodes.Add(new Node(Kind.Input, "", Array.Empty<int>(), (c, h, w)));

    public int Size => _nodes[0].Shape.C * _nodes[0].Shape.H * _nodes[0].Shape.W;

    public int Conv(int input, string name, int k, int r, int stride = 1, int pad = 0, bool bias = true, Activation act = Activation.None,
        int groups = 1)
    {
        var (_, h, w) = _nodes[input].Shape;
        var shape = (k, (h + 2 * pad - r) / stride + 1, (w + 2 * pad - r) / stride + 1);
        return Push(new Node(Kind.Conv, name, new[] { input }, shape) { K = k, R = r, Stride = stride, Pad = pad, Bias = bias, Act = act, Groups = groups });
    }

    /// <param name="scale">False: no gamma tensor (a scale of 1), batchnorm(scale: false).</param>
    /// <param name="center">False: no beta tensor (a shift of 0), batchnorm(center: false).</param>
    public int BatchNorm(int input, string name, double epsilon = 1e-5, double momentum = 0.1, bool frozen = false, bool scale = true, bool center = true) =>
        Push(new Node(Kind.BatchNorm, name, new[] { input }, _nodes[input].Shape)
        {
            Epsilon = epsilon, Momentum = momentum, Frozen = frozen, Scale = scale, Center = center,
        });

    public int Act(int input, Activation act) => Push(new Node(Kind.Act, "", new[] { input }, _nodes[input].Shape) { Act = act });

    public int Clip(int input, double lo, double hi) => Push(new Node(Kind.Clip, "", new[] { input }, _nodes[input].Shape) { Lo = lo, Hi = hi });

    /// <summary>y = factor x + offset: scale(factor) is (factor, 0), shift(offset) is (1, offset).</summary>
    public int Affine(int input, double factor, double offset) =>
        Push(new Node(Kind.Affine, "", new[] { input }, _nodes[input].Shape) { Factor = factor, Offset = offset });

    public int Add(params int[] inputs) => Push(new Node(Kind.Add, "", inputs, _nodes[inputs[0]].Shape));

    /// <summary>Equal shapes, or one input a per-channel gate (C elements) of the other.</summary>
    public int Multiply(int a, int b)
    {
        var full = Elements(a) >= Elements(b) ? _nodes[a].Shape : _nodes[b].Shape;
        return Push(new Node(Kind.Multiply, "", new[] { a, b }, full));
    }

    public int GlobalAvgPool(int input) => Push(new Node(Kind.GlobalAvgPool, "", new[] { input }, (_nodes[input].Shape.C, 1, 1)));

    public int Dense(int input, string name, int units) => Push(new Node(Kind.Dense, name, new[] { input }, (units, 1, 1)) { K = units });

    /// <summary>
    /// The last node's output for each of the <paramref name="n"/> samples. <paramref name="train"/>:
    /// batch norms (not frozen) normalise with the batch's mean and biased variance, and
    /// <paramref name="batchStatistics"/>, when given, receives each one's (mean, unbiased variance) per channel.
    /// </summary>
    public double[][] Forward(IReadOnlyDictionary<string, double[]> p, ReadOnlySpan<double> inputs, int n, bool train,
        Dictionary<string, (double[] Mean, double[] Variance)>? batchStatistics = null)
    {
        var values = new double[_nodes.Count][][];
        values[0] = new double[n][];
        for (int i = 0; i < n; i++) values[0][i] = inputs.Slice(i * Size, Size).ToArray();
        Run(values, 1, p, n, train, batchStatistics);
        return values[^1];
    }

    /// <summary>
    /// The training loss (as <see cref="Loss"/>) as a function of the current values of one tensor
    /// in <paramref name="p"/>, for finite differences: the nodes before the first one that reads
    /// <paramref name="tensor"/> run once here, and each call recomputes only from that node on.
    /// </summary>
    public Func<double> LossOfTensor(IReadOnlyDictionary<string, double[]> p, double[] inputs, int[] labels, string tensor)
    {
        string layer = tensor[..tensor.LastIndexOf('.')];
        int from = _nodes.FindIndex(node => node.Name == layer);
        if (from < 1) throw new ArgumentException($"no node reads {tensor}", nameof(tensor));
        int n = labels.Length;
        var values = new double[_nodes.Count][][];
        values[0] = new double[n][];
        for (int i = 0; i < n; i++) values[0][i] = inputs.AsSpan(i * Size, Size).ToArray();
        Run(values, 1, p, n, train: true, null, until: from);
        return () =>
        {
            // Nodes from `from` on are written afresh each call; those before it are only read.
            Run(values, from, p, n, train: true, null);
            return CrossEntropy(values[^1], labels);
        };
    }

    private void Run(double[][][] values, int first, IReadOnlyDictionary<string, double[]> p, int n, bool train,
        Dictionary<string, (double[] Mean, double[] Variance)>? batchStatistics, int until = int.MaxValue)
    {
        for (int t = first; t < Math.Min(until, _nodes.Count); t++)
        {
            var node = _nodes[t];
            var x = values[node.Inputs[0]];
            var (c, h, w) = _nodes[node.Inputs[0]].Shape;
            values[t] = node.Kind switch
            {
                Kind.Conv => x.Select(s => Apply(Conv(s, c, h, w, node, p), node.Act)).ToArray(),
                Kind.BatchNorm => Normalize(x, c, h * w, node, p, train && !node.Frozen, batchStatistics),
                Kind.Act => x.Select(s => Apply(s, node.Act)).ToArray(),
                Kind.Clip => x.Select(s => s.Select(v => Math.Min(Math.Max(v, node.Lo), node.Hi)).ToArray()).ToArray(),
                Kind.Affine => x.Select(s => s.Select(v => node.Factor * v + node.Offset).ToArray()).ToArray(),
                Kind.Add => Enumerable.Range(0, n).Select(i => Enumerable.Range(0, x[i].Length)
                    .Select(j => node.Inputs.Sum(input => values[input][i][j])).ToArray()).ToArray(),
                Kind.Multiply => Enumerable.Range(0, n).Select(i => Multiply(values[node.Inputs[0]][i], values[node.Inputs[1]][i], node.Shape.C)).ToArray(),
                Kind.GlobalAvgPool => x.Select(s => Enumerable.Range(0, c).Select(ch => s.Skip(ch * h * w).Take(h * w).Average()).ToArray()).ToArray(),
                Kind.Dense => x.Select(s => Dense(s, p[node.Name + ".weight"], p[node.Name + ".bias"], node.K)).ToArray(),
                _ => throw new InvalidOperationException(node.Kind.ToString()),
            };
        }
    }

    /// <summary>Mean over the batch of -log softmax(output)[label] (the output is the logits).</summary>
    public double Loss(IReadOnlyDictionary<string, double[]> p, double[] inputs, int[] labels, bool train = true) =>
        CrossEntropy(Forward(p, inputs, labels.Length, train), labels);

    private static double CrossEntropy(double[][] z, int[] labels)
    {
        double total = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double max = z[i].Max();
            total += max + Math.Log(z[i].Sum(v => Math.Exp(v - max))) - z[i][labels[i]];
        }
        return total / labels.Length;
    }

    private int Push(Node node)
    {
        _nodes.Add(node);
        return _nodes.Count - 1;
    }

    private long Elements(int node) => (long)_nodes[node].Shape.C * _nodes[node].Shape.H * _nodes[node].Shape.W;

    private static double[] Conv(double[] x, int c, int h, int w, Node l, IReadOnlyDictionary<string, double[]> p)
    {
        var weight = p[l.Name + ".weight"];
        var bias = l.Bias ? p[l.Name + ".bias"] : null;
        var (k0, p0, q0) = l.Shape;
        int cg = c / l.Groups, kg = k0 / l.Groups, taps = cg * l.R * l.R, pixels = p0 * q0;
        var y = new double[k0 * pixels];
        // A group's receptive field of each output pixel as one row laid out like a weight row (C/G, R, S),
        // zeros where it reads padding: every output is one dot product, which the vectorised
        // TensorPrimitives.Dot sums (the reference runs hundreds of times per gradient check, and
        // this assembly is unoptimised in Debug).
        var fields = new double[pixels * taps];
        for (int g = 0; g < l.Groups; g++)
        {
            Array.Clear(fields);
            for (int oy = 0; oy < p0; oy++)
            for (int ox = 0; ox < q0; ox++)
            for (int ci = 0; ci < cg; ci++)
            for (int r = 0; r < l.R; r++)
            for (int s = 0; s < l.R; s++)
            {
                int iy = oy * l.Stride - l.Pad + r, ix = ox * l.Stride - l.Pad + s;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                fields[(oy * q0 + ox) * taps + (ci * l.R + r) * l.R + s] = x[((g * cg + ci) * h + iy) * w + ix];
            }
            for (int k = g * kg; k < (g + 1) * kg; k++)
            {
                var row = weight.AsSpan(k * taps, taps);
                for (int pixel = 0; pixel < pixels; pixel++)
                    y[k * pixels + pixel] = (bias?[k] ?? 0) + TensorPrimitives.Dot<double>(row, fields.AsSpan(pixel * taps, taps));
            }
        }
        return y;
    }

    private static double[][] Normalize(double[][] x, int c, int pixels, Node l, IReadOnlyDictionary<string, double[]> p, bool batch,
        Dictionary<string, (double[] Mean, double[] Variance)>? statistics)
    {
        var mean = (double[])p[l.Name + ".running_mean"].Clone();
        var variance = (double[])p[l.Name + ".running_var"].Clone();
        if (batch)
        {
            int m = x.Length * pixels;
            var unbiased = new double[c];
            for (int ch = 0; ch < c; ch++)
            {
                var values = x.SelectMany(s => s.Skip(ch * pixels).Take(pixels)).ToArray();
                mean[ch] = values.Average();
                double squares = values.Sum(v => (v - mean[ch]) * (v - mean[ch]));
                variance[ch] = squares / m;
                unbiased[ch] = squares / (m - 1);
            }
            if (statistics is not null) statistics[l.Name] = ((double[])mean.Clone(), unbiased);
        }
        var gamma = l.Scale ? p[l.Name + ".weight"] : Enumerable.Repeat(1.0, c).ToArray();
        var beta = l.Center ? p[l.Name + ".bias"] : new double[c];
        return x.Select(s => s.Select((v, i) =>
        {
            int ch = i / pixels;
            return gamma[ch] * (v - mean[ch]) / Math.Sqrt(variance[ch] + l.Epsilon) + beta[ch];
        }).ToArray()).ToArray();
    }

    private static double[] Multiply(double[] a, double[] b, int c)
    {
        if (a.Length == b.Length) return a.Select((v, i) => v * b[i]).ToArray();
        var (full, gate) = a.Length > b.Length ? (a, b) : (b, a);
        int pixels = full.Length / c;
        return full.Select((v, i) => v * gate[i / pixels]).ToArray();
    }

    private static double[] Dense(double[] x, double[] weight, double[] bias, int units) =>
        Enumerable.Range(0, units).Select(k => bias[k] + Enumerable.Range(0, x.Length).Sum(i => weight[k * x.Length + i] * x[i])).ToArray();

    private static double[] Apply(double[] x, Activation act) => x.Select(v => NetGen.Tests.Kernels.Reference.Act(v, act, 0)).ToArray();

    private enum Kind { Input, Conv, BatchNorm, Act, Clip, Affine, Add, Multiply, GlobalAvgPool, Dense }

    private sealed record Node(Kind Kind, string Name, int[] Inputs, (int C, int H, int W) Shape)
    {
        public int K { get; init; }
        public int R { get; init; }
        public int Stride { get; init; } = 1;
        public int Pad { get; init; }
        public int Groups { get; init; } = 1;
        public bool Bias { get; init; }
        public Activation Act { get; init; }
        public double Lo { get; init; }
        public double Hi { get; init; }
        public double Factor { get; init; }
        public double Offset { get; init; }
        public double Epsilon { get; init; }
        public double Momentum { get; init; }
        public bool Frozen { get; init; }
        public bool Scale { get; init; } = true;
        public bool Center { get; init; } = true;
    }
}
