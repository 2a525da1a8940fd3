using NetGen.Generator.Emit;
using NetGen.Generator.Model;
using NetGen.Generator.Tests.Infrastructure;
using Xunit;

namespace NetGen.Generator.Tests.Emit;

public class NetworkEmitterTests
{
    /// <summary>Reads the span-typed members through arrays, since reflection cannot return a span.</summary>
    private const string Probe = """
        public static class Probe
        {
            public static int[] Input() => Samples.Exercises.ThreeConv.InputShape.ToArray();
            public static int[] Output() => Samples.Exercises.ThreeConv.OutputShape.ToArray();
            public static NetGen.LayerSummary[] Layers() => Samples.Exercises.ThreeConv.Layers.ToArray();
            public static long Offset2() => Samples.Exercises.ThreeConv.Plan.Offset_conv2;
            public static long Arena() => Samples.Exercises.ThreeConv.Plan.InferenceArenaBytes;
        }
        """;

    [Fact]
    public void Generated_class_snapshot()
    {
        var source = NetworkEmitter.Emit(HandBuiltAnalyses.ThreeConv());
        Assert.Equal("Samples.Exercises.ThreeConv.Network.g.cs", source.HintName);
        Snapshot.Verify("Emit.ThreeConv", source.Text);
    }

    [Fact]
    public void Partial_user_class_in_the_global_namespace_snapshot()
    {
        var source = NetworkEmitter.Emit(HandBuiltAnalyses.FrozenMlp());
        Assert.Equal("FrozenMlp.Network.g.cs", source.HintName);
        Snapshot.Verify("Emit.FrozenMlp", source.Text);
        CompiledCode.AssertClean(GeneratorTestHelper.Compilation("internal partial class FrozenMlp { }", source.Text));
    }

    [Fact]
    public void Compiled_constants_hold_the_analysis_figures()
    {
        var analysis = HandBuiltAnalyses.ThreeConv();
        var assembly = CompiledCode.Load(NetworkEmitter.Emit(analysis).Text, Probe);
        const string type = "Samples.Exercises.ThreeConv";

        Assert.Equal(903_400L, CompiledCode.Static(assembly, type, "ParameterCount"));
        Assert.Equal(903_400L, CompiledCode.Static(assembly, type, "TrainableParameterCount"));
        Assert.Equal(0L, CompiledCode.Static(assembly, type, "NonTrainableParameterCount"));
        Assert.Equal(1_399_500_000L, CompiledCode.Static(assembly, type, "Macs"));
        Assert.Equal(3_613_600L + 9_000_000L, CompiledCode.Static(assembly, type, "InferenceBytes"));
        Assert.Equal(50, CompiledCode.Static(assembly, type, "TrainingBatch"));
        Assert.Equal(analysis.Training.Total, CompiledCode.Static(assembly, type, "TrainingBytes"));
        Assert.Equal(3, CompiledCode.Static(assembly, type, "InputChannels"));
        Assert.Equal(300, CompiledCode.Static(assembly, type, "InputWidth"));
        Assert.Equal(38, CompiledCode.Static(assembly, type, "OutputWidth"));
        Assert.Equal(SummaryWriter.Write(analysis), CompiledCode.Static(assembly, type, "Summary"));

        Assert.Equal(new[] { 3, 200, 300 }, (int[])CompiledCode.Static(assembly, "Probe", "Input")!);
        Assert.Equal(new[] { 400, 25, 38 }, (int[])CompiledCode.Static(assembly, "Probe", "Output")!);
        Assert.Equal(6_000_000L, CompiledCode.Static(assembly, "Probe", "Offset2"));
        Assert.Equal(9_000_000L, CompiledCode.Static(assembly, "Probe", "Arena"));
        var layers = (NetGen.LayerSummary[])CompiledCode.Static(assembly, "Probe", "Layers")!;
        Assert.Equal(new NetGen.LayerSummary("conv2", "Conv2D", "(200, 50, 75)", 180_200, 675_000_000), layers[2]);
        Assert.Equal(4, layers.Length);
    }

    [Fact]
    public void Vector_networks_get_feature_constants()
    {
        var text = NetworkEmitter.Emit(HandBuiltAnalyses.FrozenMlp()).Text;
        Assert.Contains("public const int InputFeatures = 784;", text);
        Assert.Contains("public const int OutputFeatures = 10;", text);
        Assert.DoesNotContain("InputChannels", text);
    }

    [Fact]
    public void Nested_generic_class_and_clashing_node_names_compile()
    {
        var analysis = HandBuiltAnalyses.ThreeConv(new TargetClass("Deep.Space", "Outer.Inner<T>", true));
        var nodes = analysis.Network.Nodes;
        analysis = analysis with
        {
            Network = analysis.Network with
            {
                Nodes = new[] { nodes[0], nodes[1] with { Name = "a.b" }, nodes[2] with { Name = "a_b" }, nodes[3] with { Name = "a-b" } }.ToEquatableArray(),
            },
        };
        var source = NetworkEmitter.Emit(analysis);

        Assert.Equal("Deep.Space.Outer.Inner_T.Network.g.cs", source.HintName);
        Assert.Contains("public const long Offset_a_b = 0;", source.Text);
        Assert.Contains("public const long Offset_a_b_2 = 6000000;", source.Text);
        Assert.Contains("public const long Offset_a_b_3 = 0;", source.Text);
        CompiledCode.AssertClean(GeneratorTestHelper.Compilation(
            "namespace Deep.Space { public partial class Outer { internal partial class Inner<T> { } } }", source.Text));
    }

    [Fact]
    public void Every_public_member_is_documented()
    {
        // With documentation diagnostics on, an undocumented public member would raise CS1591.
        var options = GeneratorTestHelper.ParseOptions.WithDocumentationMode(Microsoft.CodeAnalysis.DocumentationMode.Diagnose);
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(NetworkEmitter.Emit(HandBuiltAnalyses.ThreeConv()).Text, options);
        var compilation = GeneratorTestHelper.Compilation().AddSyntaxTrees(tree);
        Assert.Empty(GeneratorTestHelper.Describe(compilation.GetDiagnostics()));
    }

    [Fact]
    public void Emitting_is_deterministic()
    {
        Assert.Equal(NetworkEmitter.Emit(HandBuiltAnalyses.ThreeConv()), NetworkEmitter.Emit(HandBuiltAnalyses.ThreeConv()));
    }
}
