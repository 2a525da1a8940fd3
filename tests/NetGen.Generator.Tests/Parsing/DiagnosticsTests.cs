using Xunit;

namespace NetGen.Generator.Tests.Parsing;

/// <summary>Every diagnostic the .cnn front end raises: id, message, and the exact token it points at.</summary>
public class DiagnosticsTests
{
    private static string Net(string body) => "network N {\n input 8\n" + body + "\n}";

    // ---- NG0001 syntax ---------------------------------------------------------------------

    [Fact]
    public void SyntaxErrorSaysExpectedAndFound()
    {
        var d = Cnn.Single(Net(" dense(4 relu)"), "NG0001", 3, 10, "relu");
        Assert.Equal("Syntax error: expected ',' or ')' but found 'relu'", Cnn.Message(d));
    }

    [Fact]
    public void MissingClosingBraceAtEndOfFile()
    {
        var d = Cnn.Single("network N {\n input 8\n relu\n", "NG0001", 4, 1, "");
        Assert.Equal("Syntax error: expected '}' but found end of file", Cnn.Message(d));
    }

    [Fact]
    public void KeywordsAndLayerKindsAreNotNames()
    {
        Cnn.Diagnostics(Net(" relu = dense(3)\n input: relu"),
            "(3,2) NG0001: Syntax error: expected a node name but found 'relu' (a layer kind)",
            "(4,2) NG0001: Syntax error: expected a node name but found 'input' (a keyword)");
    }

    [Fact]
    public void GarbageBetweenNetworksSkipsToTheNextNetwork()
    {
        var file = Cnn.Parse("networkk N {\n input 8\n}\nnetwork M {\n input 8\n relu\n}");
        var d = Assert.Single(file.Diagnostics);
        Assert.Equal("Syntax error: expected 'namespace', 'network' or 'block' but found 'networkk'", Cnn.Message(d));
        Assert.Equal("M", Assert.Single(file.Networks).Name);
    }

    [Fact]
    public void SeveralErrorsInOnePass()
    {
        Cnn.Diagnostics("""
            network N {
                input 3x32x32
                conv2d(16, 3 relu)
                conv2 (16, 3)
                conv2d(16, 3, strides: 2)
                maxpool2d(0)
                dense(10) ) extra
            }
            """,
            "(3,18) NG0001: Syntax error: expected ',' or ')' but found 'relu'",
            "(7,15) NG0001: Syntax error: expected end of line but found ')'",
            "(4,5) NG0002: Unknown layer 'conv2'; did you mean 'conv2d'?",
            "(5,19) NG0003: Layer 'conv2d' has no argument 'strides'; it takes: filters, kernel, stride, padding, dilation, groups, bias, activation, frozen",
            "(6,15) NG0004: Argument 'size' of 'maxpool2d' is 0; it must be a positive integer or HxW");
    }

    [Fact]
    public void NamesOfBrokenStatementsDoNotCascade()
    {
        Cnn.Diagnostics(Net(" x = dense(4 4)\n y = x -> relu\n z = conv2(3, 3)\n w = add(z, y)\n q = input -> fc: dense(3 3) -> relu\n output fc"),
            "(3,14) NG0001: Syntax error: expected ',' or ')' but found '4'",
            "(7,27) NG0001: Syntax error: expected ',' or ')' but found '3'",
            "(5,6) NG0002: Unknown layer 'conv2'; did you mean 'conv2d'?");
    }

    [Fact]
    public void NestingDepthIsBounded()
    {
        string deep = new string('(', 70) + "1" + new string(')', 70);
        var d = Cnn.Single(Net(" dense(" + deep + ")"), "NG0001", 3, 73, "(");
        Assert.Equal("Syntax error: expected at most 64 nested parentheses or signs but found '('", Cnn.Message(d));
    }

    [Fact]
    public void OperatorCountIsBounded()
    {
        string sum = string.Concat(System.Linq.Enumerable.Repeat("1 + ", 1001)) + "1";
        var d = Cnn.Single(Net(" dense(" + sum + ")"), "NG0001", 3, 8 + 4 * 1000 + 2, "+");
        Assert.Equal("Syntax error: expected at most 1000 operators in a statement but found '+'", Cnn.Message(d));
    }

    [Fact]
    public void RealOverflow() =>
        Assert.Equal("Argument 'rate' of 'dropout' is 1e999; it must be a finite number",
            Cnn.Message(Cnn.Single(Net(" dropout(1e999)"), "NG0004", 3, 10, "1e999")));

    [Fact]
    public void StrayCharacter() =>
        Assert.Equal("Syntax error: expected a name, number or symbol but found '$'",
            Cnn.Message(Cnn.Single(Net(" dense(4) $"), "NG0001", 3, 11, "$")));

    [Fact]
    public void BlocksDoNotNest() =>
        Assert.Equal("Syntax error: expected a statement (blocks do not nest; settings belong to a network) but found 'block'",
            Cnn.Message(Cnn.Parse("block a() {\n block b() {\n relu\n }\n relu\n}\nnetwork N {\n input 8\n a()\n}").Diagnostics[0]));

    // ---- NG0002 / NG0003 ---------------------------------------------------------------------

    [Theory]
    [InlineData("relux", "Unknown layer 'relux'; did you mean 'relu'?")]
    [InlineData("linear(3)", "Unknown layer 'linear'; did you mean 'dense'?")]
    [InlineData("Conv2D(3, 3)", "Unknown layer 'Conv2D'; did you mean 'conv2d'?")]
    [InlineData("globalavgpool", "Unknown layer 'globalavgpool'; did you mean 'global_avgpool'?")]
    [InlineData("resblok(3)", "Unknown layer 'resblok'; did you mean block 'resblock'?")]
    public void UnknownLayerSuggestsTheClosest(string layer, string message)
    {
        string text = "block resblock(f) {\n dense(f)\n}\n" + Net(" " + layer);
        var d = Cnn.Single(text, "NG0002", 6, 2, layer.Split('(')[0]);
        Assert.Equal(message, Cnn.Message(d));
    }

    [Fact]
    public void NodeWhereALayerBelongs()
    {
        Assert.Equal("Unknown layer 'x'; 'x' is a node: a chain starts from it, as in 'x -> relu'",
            Cnn.Message(Cnn.Single(Net(" x = dense(3)\n y = x"), "NG0002", 4, 6, "x")));
        Assert.Equal("Unknown layer 'x'; 'x' is a node: a chain starts from it, as in 'x -> relu'",
            Cnn.Message(Cnn.Single(Net(" x = dense(3)\n relu -> x"), "NG0002", 4, 10, "x")));
    }

    [Theory]
    [InlineData("selu")]      // one edit from elu, another function
    [InlineData("prelu")]     // one edit from relu
    [InlineData("softplus")]
    [InlineData("relu5")]     // relu6 and relu are other functions
    [InlineData("gelu2")]
    public void UnknownLayerSuggestsNoFunctionThatIsNotTheSame(string layer)
    {
        string message = Cnn.Message(Cnn.Single(Net(" " + layer), "NG0002", 3, 2, layer));
        Assert.DoesNotContain("did you mean", message);
        Assert.Contains("relu6, hardsigmoid, hardswish, silu, swish, gelu, mish", message);
    }

    [Theory]
    [InlineData("hard_swish", "hardswish")]
    [InlineData("h_sigmoid", "hardsigmoid")]
    [InlineData("hardswsh", "hardswish")]   // a typo of the same name
    public void UnknownLayerSuggestsTheSameFunction(string layer, string suggestion) =>
        Assert.EndsWith("; did you mean '" + suggestion + "'?", Cnn.Message(Cnn.Single(Net(" " + layer), "NG0002", 3, 2, layer)));

    [Fact]
    public void UnknownLayerFarFromAnyListsTheLayers() =>
        Assert.StartsWith("Unknown layer 'zzzzzzzzzz'; the layers are conv2d, depthwise_conv2d,",
            Cnn.Message(Cnn.Single(Net(" zzzzzzzzzz"), "NG0002", 3, 2, "zzzzzzzzzz")));

    [Fact]
    public void UnknownArgumentListsWhatTheLayerTakes()
    {
        Assert.Equal("Layer 'maxpool2d' has no argument 'kernel'; it takes: size, stride, padding, ceil, frozen",
            Cnn.Message(Cnn.Single(Net(" maxpool2d(2, kernel: 2)"), "NG0003", 3, 15, "kernel")));
        Assert.Equal("Layer 'conv2d' has no argument '#3'; it takes: filters, kernel, stride, padding, dilation, groups, bias, activation, frozen",
            Cnn.Message(Cnn.Single(Net(" conv2d(4, 3, 1)"), "NG0003", 3, 15, "1")));
        Assert.Equal("Layer 'relu' has no argument 'alpha'; it takes: frozen",
            Cnn.Message(Cnn.Single(Net(" relu(alpha: 0.1)"), "NG0003", 3, 7, "alpha")));
    }

    // ---- NG0004 --------------------------------------------------------------------------------

    [Theory]
    [InlineData(" conv2d(0, 3)", 9, "0", "Argument 'filters' of 'conv2d' is 0; it must be a positive integer")]
    [InlineData(" conv2d(4, 0x3)", 12, "0x3", "Argument 'kernel' of 'conv2d' is 0x3; it must be a positive integer or HxW")]
    [InlineData(" conv2d(4, 3, stride: -1)", 23, "-1", "Argument 'stride' of 'conv2d' is -1; it must be a positive integer or HxW")]
    [InlineData(" conv2d(4, 3, padding: sam)", 24, "sam", "Argument 'padding' of 'conv2d' is 'sam'; it must be valid, same, a non-negative integer or HxW")]
    [InlineData(" conv2d(4, 3, padding: 1x2x3)", 24, "1x2x3", "Argument 'padding' of 'conv2d' is 1x2x3; it must be valid, same, a non-negative integer or HxW")]
    [InlineData(" conv2d(4, 3, activation: relu7)", 27, "relu7", "Argument 'activation' of 'conv2d' is 'relu7'; it must be one of none, relu, leaky_relu, elu, sigmoid, tanh, softmax, relu6, hardsigmoid, hardswish, silu, swish, gelu, gelu_tanh, mish")]
    [InlineData(" gelu(approximate: sigmoid)", 20, "sigmoid", "Argument 'approximate' of 'gelu' is 'sigmoid'; it must be one of none, erf, tanh")]
    [InlineData(" conv2d(4, 3, bias: 1)", 21, "1", "Argument 'bias' of 'conv2d' is 1; it must be true or false")]
    [InlineData(" conv2d(99999999999, 3)", 9, "99999999999", "Argument 'filters' of 'conv2d' is 99999999999; it must be an integer from 1 to 2147483647")]
    [InlineData(" conv2d(99999999999999999999999, 3)", 9, "99999999999999999999999", "Argument 'filters' of 'conv2d' is 99999999999999999999999; it must be an integer below 2^63")]
    [InlineData(" conv2d(4000000000 * 4000000000, 3)", 9, "4000000000 * 4000000000", "Argument 'filters' of 'conv2d' is 4000000000 * 4000000000, past 2^63; it must be an integer below 2^63")]
    [InlineData(" dense(4 / 0)", 8, "4 / 0", "Argument 'units' of 'dense' is 4 / 0, a division by zero; it must be a number")]
    [InlineData(" dense(4 + same)", 12, "same", "Argument 'units' of 'dense' is 'same'; it must be a number to compute with")]
    [InlineData(" dense(10M)", 8, "10M", "Argument 'units' of 'dense' is 10M; it must be a positive integer")]
    [InlineData(" dense(2.5)", 8, "2.5", "Argument 'units' of 'dense' is 2.5; it must be a positive integer")]
    [InlineData(" dropout(1.0)", 10, "1.0", "Argument 'rate' of 'dropout' is 1; it must be a number in [0, 1)")]
    [InlineData(" dropout(-0.1)", 10, "-0.1", "Argument 'rate' of 'dropout' is -0.1; it must be a number in [0, 1)")]
    [InlineData(" batchnorm(epsilon: 0)", 21, "0", "Argument 'epsilon' of 'batchnorm' is 0; it must be a positive number")]
    [InlineData(" batchnorm(momentum: 2)", 22, "2", "Argument 'momentum' of 'batchnorm' is 2; it must be a number in [0, 1]")]
    [InlineData(" batchnorm(scale: 0)", 19, "0", "Argument 'scale' of 'batchnorm' is 0; it must be true or false")]
    [InlineData(" batchnorm(center: no)", 20, "no", "Argument 'center' of 'batchnorm' is 'no'; it must be true or false")]
    [InlineData(" upsample(2, mode: cubic)", 20, "cubic", "Argument 'mode' of 'upsample' is 'cubic'; it must be one of nearest, bilinear")]
    [InlineData(" leaky_relu(alpha: -1)", 20, "-1", "Argument 'alpha' of 'leaky_relu' is -1; it must be a non-negative number")]
    [InlineData(" conv2d_transpose(4, 3, stride: 2, output_padding: 2)", 52, "2", "Argument 'output_padding' of 'conv2d_transpose' is 2; it must be smaller than the stride")]
    [InlineData(" dense(4, activation: relu, activation: tanh)", 29, "activation", "Argument 'activation' of 'dense' is given twice; it must be given once")]
    [InlineData(" dense(4) * 0", 13, "0", "Argument '*' of 'dense' is 0; it must be an integer from 1 to 10000")]
    [InlineData(" dense(4) * 99999999999", 13, "99999999999", "Argument '*' of 'dense' is 99999999999; it must be an integer from 1 to 10000")]
    [InlineData(" add(input, 3)", 13, "3", "Argument 'inputs' of 'add' is not a node name; it must be node names, as in add(a, b)")]
    [InlineData(" output input\n relu", 9, "input", "Argument 'output' of 'N' is the input; it must be a layer's node")]
    public void InvalidArgumentValue(string body, int column, string token, string message)
    {
        var d = Cnn.Single(Net(body), "NG0004", 3, column, token);
        Assert.Equal(message, Cnn.Message(d));
    }

    [Fact]
    public void MissingArgumentPointsAtTheLayer() =>
        Assert.Equal("Argument 'kernel' of 'conv2d' is missing; it must be a positive integer or HxW",
            Cnn.Message(Cnn.Single(Net(" conv2d(4)"), "NG0004", 3, 2, "conv2d")));

    [Fact]
    public void MergeNeedsTwoInputs() =>
        Assert.Equal("Argument 'inputs' of 'concat' is 1 node; it must be at least two nodes",
            Cnn.Message(Cnn.Single(Net(" concat(input)"), "NG0004", 3, 2, "concat")));

    [Fact]
    public void NetworkSettings()
    {
        Cnn.Diagnostics("network N {\n input 3x8\n batch 0\n optimizer adagrad\n budget params 10Q\n budget memory 1MB\n budget inference 100\n batch 4\n dense(4)\n}",
            "(2,8) NG0004: Argument 'input' of 'N' is 3x8; it must be C x H x W of positive integers (3x224x224) or a positive feature count",
            "(3,8) NG0004: Argument 'batch' of 'N' is 0; it must be a positive integer",
            "(4,12) NG0004: Argument 'optimizer' of 'N' is 'adagrad'; it must be none, sgd or adam",
            "(5,16) NG0004: Argument 'budget params' of 'N' is 10Q; it must be a positive count, optionally with K, M or G (25M)",
            "(6,9) NG0004: Argument 'budget' of 'N' is 'memory'; it must be params, inference or training",
            "(7,19) NG0004: Argument 'budget inference' of 'N' is 100; it must be a positive size in bytes with a unit: B, KB, MB, GB, KiB, MiB or GiB (512MB)",
            "(8,2) NG0004: Argument 'batch' of 'N' is declared twice (first at test.cnn(3,2)); it must be declared once");
    }

    [Fact]
    public void DuplicateNetworkName()
    {
        var file = Cnn.Parse("network N {\n input 8\n relu\n}\nnetwork N {\n input 8\n relu\n}");
        var d = Assert.Single(file.Diagnostics);
        Assert.Equal("Argument 'network' of 'N' is declared twice (first at test.cnn(1,9)); it must be unique within the file", Cnn.Message(d));
        Assert.Equal((4, 8), (d.Location!.StartLine, d.Location.StartColumn));
        Assert.Single(file.Networks);
    }

    [Fact]
    public void NodeLimit()
    {
        var d = Cnn.Single("block b() {\n dense(4) * 10000\n}\nnetwork N {\n input 8\n b() * 100\n}", "NG0004", 6, 2, "b");
        Assert.Equal("Argument 'size' of 'N' is more than 100,000 nodes; it must be at most that many with blocks and repetitions expanded", Cnn.Message(d));
    }

    // ---- NG0005 .. NG0013 ------------------------------------------------------------------------

    [Fact]
    public void UnknownOutput() =>
        Assert.Equal("'output' refers to 'nope', which is not a node of this network",
            Cnn.Message(Cnn.Single(Net(" output nope\n relu"), "NG0005", 3, 9, "nope")));

    [Fact]
    public void UnknownNameInsideABlockIsReportedOnceWithLocalNames()
    {
        var d = Cnn.Single("block b() {\n x = in -> relu\n y = q -> relu\n}\n" + Net(" b() * 5"), "NG0005", 3, 6, "q");
        Assert.Equal("'y' refers to 'q', which is not a node of this network", Cnn.Message(d));
    }

    [Fact]
    public void UnknownNameFlowingIntoABlockNamesTheInstance() =>
        Assert.Equal("'layer1' refers to 'stme', which is not a node of this network",
            Cnn.Message(Cnn.Single("block b() {\n relu\n}\n" + Net(" stem = relu\n layer1 = stme -> b()"), "NG0005", 7, 11, "stme")));

    [Fact]
    public void InIsOnlyInsideBlocks() =>
        Assert.Equal("'relu_1' refers to 'in', which is not a node of this network",
            Cnn.Message(Cnn.Single(Net(" in -> relu"), "NG0005", 3, 2, "in")));

    [Fact]
    public void UnusedNodeInABlockIsWarnedOnce()
    {
        var file = Cnn.Parse("block b() {\n x = in -> relu\n y = in -> relu\n}\n" + Net(" b() * 5"));
        var d = Assert.Single(file.Diagnostics);
        Assert.Equal("NG0008", d.Id);
        Assert.Equal("Node 'b_1.x' does not contribute to the output 'b_5.y' and will not be computed", Cnn.Message(d));
        Assert.Single(file.Networks);
    }

    [Fact]
    public void MissingInput() =>
        Assert.Equal("Network 'N' declares no input shape",
            Cnn.Message(Cnn.Single("network N {\n dense(4)\n}", "NG0009", 1, 9, "N")));

    [Fact]
    public void NoLayers() =>
        Assert.Equal("Network 'N' has no layers", Cnn.Message(Cnn.Single("network N {\n input 8\n}", "NG0013", 1, 9, "N")));

    [Fact]
    public void BlockArguments()
    {
        Cnn.Diagnostics("block b(f) {\n dense(f)\n}\n" + Net(" b()\n b(1, 2)\n b(g: 1)\n b(1, f: 2)\n b(1, frozen: maybe)"),
            "(6,2) NG0012: Block 'b': parameter 'f' is missing (it has no default)",
            "(7,7) NG0012: Block 'b': it takes 1 argument (f) but more were given",
            "(8,4) NG0012: Block 'b': it has no parameter 'g'; it takes f",
            "(8,2) NG0012: Block 'b': parameter 'f' is missing (it has no default)",
            "(9,7) NG0012: Block 'b': parameter 'f' is given twice",
            "(10,15) NG0004: Argument 'frozen' of 'b' is 'maybe'; it must be true or false");
    }

    [Fact]
    public void BlockThatInstantiatesItself()
    {
        Assert.Equal("Block 'a': it instantiates itself (a -> b -> a)",
            Cnn.Message(Cnn.Single("block a(f) {\n b(f)\n}\nblock b(f) {\n a(f)\n}\n" + Net(" a(1)"), "NG0012", 5, 2, "a")));
        Assert.Equal("Block 'a': it instantiates itself (a -> a)",
            Cnn.Message(Cnn.Single("block a() {\n relu -> a()\n}\n" + Net(" a()"), "NG0012", 2, 10, "a")));
    }

    [Fact]
    public void BlockDeclarations()
    {
        Cnn.Diagnostics("block a(x, x) {\n relu\n}\nblock a() {\n relu\n}\nblock e() {\n}\n" + Net(" relu"),
            "(1,12) NG0012: Block 'a': parameter 'x' is declared twice",
            "(4,7) NG0012: Block 'a': it is already declared at test.cnn(1,7)",
            "(7,7) NG0012: Block 'e': it has no statements");
    }

    [Fact]
    public void BlockWithASyntaxErrorSpoilsOnlyTheNetworksUsingIt()
    {
        var file = Cnn.Parse("block a() {\n dense(4 4)\n relu\n}\nnetwork Uses {\n input 8\n a()\n}\nnetwork Free {\n input 8\n relu\n}");
        Assert.Equal("NG0001", Assert.Single(file.Diagnostics).Id);
        Assert.Equal("Free", Assert.Single(file.Networks).Name);
    }

    [Fact]
    public void ErrorInOneNetworkKeepsTheOthers()
    {
        var file = Cnn.Parse("network Bad {\n input 8\n dense(0)\n}\nnetwork Good {\n input 8\n dense(1)\n}");
        Assert.Equal("NG0004", Assert.Single(file.Diagnostics).Id);
        Assert.Equal("Good", Assert.Single(file.Networks).Name);
    }
}
