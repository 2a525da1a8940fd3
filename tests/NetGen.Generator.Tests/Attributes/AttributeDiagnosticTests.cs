using NetGen.Generator.Tests.Infrastructure;
using Xunit;

namespace NetGen.Generator.Tests.Attributes;

/// <summary>Front-end errors through the real generator: id, message and position, and no code for a broken network.</summary>
public class AttributeDiagnosticTests
{
    private static string[] Diagnose(params string[] sources)
    {
        var run = GeneratorTestHelper.Run(sources);
        Assert.Empty(run.Sources);
        return GeneratorTestHelper.Describe(run.GeneratorDiagnostics);
    }

    [Fact]
    public void NG0011_class_not_partial()
    {
        const string source = """
            [NetGen.Network(1, 28, 28)]
            [NetGen.Dense(10)]
            public class Plain { }
            """;
        Assert.Equal(
            new[] { $"NG0011 {SourcePosition.Of(source, "Plain")}: Class 'Plain' is marked [Network] but is not partial, so NetGen cannot add its members" },
            Diagnose(source));
    }

    [Fact]
    public void NG0011_containing_class_not_partial()
    {
        const string source = """
            public class Holder
            {
                [NetGen.Network(4)]
                [NetGen.Dense(2)]
                public partial class Inner { }
            }
            """;
        Assert.Equal(
            new[] { $"NG0011 {SourcePosition.Of(source, "Holder")}: Class 'Holder' is marked [Network] but is not partial, so NetGen cannot add its members" },
            Diagnose(source));
    }

    [Fact]
    public void NG0013_no_layers()
    {
        const string source = """
            [NetGen.Network(3, 8, 8)]
            public partial class Hollow { }
            """;
        Assert.Equal(new[] { $"NG0013 {SourcePosition.Of(source, "Hollow")}: Network 'Hollow' has no layers" }, Diagnose(source));
    }

    [Fact]
    public void NG0004_points_at_the_offending_argument()
    {
        const string source = """
            using NetGen;
            [Network(0, 28, 28, Batch = 0, MaxInferenceBytes = -5)]
            [Conv2D(0, 3, Name = "conv1")]
            [Conv2D(8, 3, Stride = -1, Padding = Padding.Same, Pad = 1)]
            [Dropout(1.5)]
            [BatchNorm(Momentum = 2)]
            [Dense(10, Activation = (Activation)42)]
            public partial class Broken { }
            """;
        Assert.Equal(new[]
        {
            $"NG0004 {SourcePosition.Of(source, "MaxInferenceBytes")}: Argument 'MaxInferenceBytes' of 'Broken' is -5; it must be zero (no budget) or a positive limit",
            $"NG0004 {SourcePosition.Of(source, "Activation = (Activation)42")}: Argument 'Activation' of 'dense_1' is 42; it must be one of Activation.None, Activation.ReLU, Activation.LeakyReLU, Activation.ELU, Activation.Sigmoid, Activation.Tanh, Activation.Softmax, Activation.ReLU6, Activation.HardSigmoid, Activation.HardSwish, Activation.SiLU, Activation.GELU, Activation.GELUTanh, Activation.Mish",
            $"NG0004 {SourcePosition.Of(source, "0, 28")}: Argument 'channels' of 'Broken' is 0; it must be a positive integer",
            $"NG0004 {SourcePosition.Of(source, "0, 3")}: Argument 'filters' of 'conv1' is 0; it must be a positive integer",
            $"NG0004 {SourcePosition.Of(source, "1.5")}: Argument 'rate' of 'dropout_1' is 1.5; it must be in [0, 1)",
            $"NG0004 {SourcePosition.Of(source, "Batch")}: Argument 'Batch' of 'Broken' is 0; it must be a positive integer",
            $"NG0004 {SourcePosition.Of(source, "Momentum")}: Argument 'Momentum' of 'batchnorm_1' is 2; it must be in [0, 1]",
            $"NG0004 {SourcePosition.Of(source, "Pad = 1")}: Argument 'Pad' of 'conv2d_1' is 1; it must be left out when Padding is Padding.Same",
            $"NG0004 {SourcePosition.Of(source, "Stride")}: Argument 'Stride' of 'conv2d_1' is -1; it must be a positive integer",
        }.OrderBy(s => s, StringComparer.Ordinal), Diagnose(source));
    }

    [Fact]
    public void NG0006_duplicate_names_point_at_the_second_and_name_the_first()
    {
        const string source = """
            using NetGen;
            [Network(3, 8, 8)]
            [Conv2D(8, 3, Name = "stem")]
            [ReLU(Name = "stem")]
            [Dense(4, Name = "input")]
            public partial class Twice { }
            """;
        Assert.Equal(new[]
        {
            $"NG0006 {SourcePosition.Of(source, "Name = \"stem\"", occurrence: 2)}: Node 'stem' is already declared at {SourcePosition.Of(source, "Name = \"stem\"")}",
            $"NG0006 {SourcePosition.Of(source, "Name = \"input\"")}: Node 'input' is already declared at {SourcePosition.Of(source, "Network(")}",
        }, Diagnose(source));
    }

    [Fact]
    public void NG0004_for_a_name_weight_files_cannot_use()
    {
        const string source = """
            [NetGen.Network(4)]
            [NetGen.Dense(2, Name = "my dense")]
            [NetGen.ReLU(Name = "")]
            public partial class Names { }
            """;
        Assert.Equal(new[]
        {
            $"NG0004 {SourcePosition.Of(source, "Name = \"my")}: Argument 'Name' of 'my dense' is 'my dense'; it must be a letter or '_' followed by letters, digits, '_' or '.'",
            $"NG0004 {SourcePosition.Of(source, "Name = \"\"")}: Argument 'Name' of 'relu' is empty; it must be a letter or '_' followed by letters, digits, '_' or '.'",
        }, Diagnose(source));
    }

    [Fact]
    public void Attributes_with_compiler_errors_add_no_NetGen_diagnostics()
    {
        var run = GeneratorTestHelper.Run("""
            [NetGen.Network(3, 8, 8)]
            [NetGen.Conv2D(8)]
            public partial class Unbound { }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Sources);
        Assert.Contains(run.CompilationDiagnostics, d => d.Id == "CS1729");
    }

    [Fact]
    public void NG0010_bound_file_missing_from_AdditionalFiles()
    {
        const string source = """
            [NetGen.NetworkFile("Models/missing.cnn")]
            public partial class Bound { }
            """;
        Assert.Equal(
            new[] { $"NG0010 {SourcePosition.Of(source, "\"Models")}: Class 'Bound' binds to 'Models/missing.cnn', which is not among the project's AdditionalFiles" },
            Diagnose(source));
    }

    [Fact]
    public void NG0011_for_a_binding_class_not_partial()
    {
        const string source = """
            [NetGen.NetworkFile("a.cnn")]
            public class Bound { }
            """;
        Assert.Contains(
            $"NG0011 {SourcePosition.Of(source, "Bound")}: Class 'Bound' is marked [Network] but is not partial, so NetGen cannot add its members",
            Diagnose(source));
    }
}
