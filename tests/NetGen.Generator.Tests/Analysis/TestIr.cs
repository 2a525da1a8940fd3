using Xunit;
using NetGen.Generator.Analysis;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>
/// Builds IR graphs by hand for analysis tests: nodes chain from the previous one unless
/// inputs are given; node i is declared on line i of "test.cnn", so diagnostics can be
/// checked for location.
/// </summary>
internal sealed class TestIr
{
    private readonly List<Node> _nodes = new();
    private readonly Shape _input;

    public TestIr(Shape input, string inputName = "input")
    {
        _input = input;
        _nodes.Add(new Node(inputName, OpKind.Input, EquatableArray<int>.Empty, new LayerArgs(), false, At(0)));
    }

    public static TestIr Chw(int c, int h, int w) => new(Shape.Chw(c, h, w));

    public int Last => _nodes.Count - 1;

    /// <summary>Adds a node reading the previous node; returns its index.</summary>
    public int Then(string name, OpKind op, LayerArgs? args = null, bool frozen = false) =>
        Add(name, op, args, frozen, Last);

    public int Add(string name, OpKind op, LayerArgs? args, bool frozen, params int[] inputs)
    {
        _nodes.Add(new Node(name, op, inputs.ToEquatableArray(), args ?? new LayerArgs(), frozen, At(_nodes.Count)));
        return Last;
    }

    public int Merge(string name, OpKind op, params int[] inputs) => Add(name, op, null, false, inputs);

    public NetworkIR Build(int batch = 1, OptimizerKind optimizer = OptimizerKind.None, Budgets? budgets = null, int? output = null) =>
        new("Net", new TargetClass("Tests", "Net", false), _input, _nodes.ToEquatableArray(), output ?? Last,
            batch, optimizer, budgets ?? Budgets.None, NetworkLocation);

    public static readonly LocationInfo NetworkLocation = new("test.cnn", 0, 7, 0, 0, 0, 7);

    public static LocationInfo At(int line) => new("test.cnn", 100 * line, 5, line, 4, line, 9);

    // ---- Arguments --------------------------------------------------------------------------

    public static LayerArgs Conv(int filters, int kernel, int stride = 1, PaddingMode padding = PaddingMode.Valid,
        int pad = 0, int dilation = 1, int groups = 1, bool bias = true) => new()
    {
        Filters = filters, KernelH = kernel, KernelW = kernel, StrideH = stride, StrideW = stride, Padding = padding,
        PadTop = pad, PadBottom = pad, PadLeft = pad, PadRight = pad, DilationH = dilation, DilationW = dilation,
        Groups = groups, Bias = bias,
    };

    public static LayerArgs Pad(int filters, int kernel, int pad, int stride = 1, bool bias = true) =>
        Conv(filters, kernel, stride, PaddingMode.Explicit, pad, bias: bias);

    public static LayerArgs Pool(int size, int stride, PaddingMode padding = PaddingMode.Valid, int pad = 0, bool ceil = false) =>
        Conv(0, size, stride, padding, pad) with { CeilMode = ceil };

    public static LayerArgs Dense(int units, bool bias = true) => new() { Units = units, Bias = bias };

    // ---- Running ----------------------------------------------------------------------------

    public static NetworkAnalysis Analyze(NetworkIR network)
    {
        var result = NetworkAnalyzer.Analyze(network);
        Assert.True(result.Value is not null,
            "analysis failed: " + string.Join("; ", result.Diagnostics.Select(DiagnosticDescriptors.Format)));
        return result.Value!;
    }

    /// <summary>Analyses a network expected to be invalid; returns its diagnostics as "NGxxxx: message".</summary>
    public static List<DiagnosticInfo> Errors(NetworkIR network)
    {
        var result = NetworkAnalyzer.Analyze(network);
        Assert.Null(result.Value);
        Assert.NotEmpty(result.Diagnostics);
        return result.Diagnostics.ToList();
    }

    public static string Text(DiagnosticInfo d) => d.Id + ": " + DiagnosticDescriptors.Format(d);
}
