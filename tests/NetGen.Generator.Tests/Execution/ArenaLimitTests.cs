using NetGen.Generator.Tests.Infrastructure;
using NetGen.Generator.Tests.Samples;
using Xunit;

namespace NetGen.Generator.Tests.Execution;

/// <summary>
/// The arena is one native block, so a plan past 2^31 floats still gets its code; NG0302 is left for
/// plans past a 64-bit address space and for one tensor past what a span holds. And the class the
/// generated part extends: the runtime's base, so a user base class is NG0016.
/// </summary>
public class ArenaLimitTests
{
    [Fact]
    public void Vgg16_at_batch_64_gets_train_step_although_its_plan_passes_two_to_the_31_floats()
    {
        string path = Path.Combine(SampleFiles.RepositoryRoot, "samples", "Architectures", "Vgg16.cnn");
        string text = File.ReadAllText(path).Replace("    input 3x224x224\n", "    input 3x224x224\n    batch 64\n");
        var run = GeneratorTestHelper.Run(Array.Empty<string>(), new[] { (path, text) });

        Assert.Empty(GeneratorTestHelper.Describe(run.GeneratorDiagnostics));
        var assembly = CompiledCode.Load(run.Output);
        var type = assembly.GetTypes().Single(t => t.Name == "Vgg16");
        long training = (long)CompiledCode.Static(assembly, type.FullName!, "TrainingBytes")!;
        long kernels = (long)CompiledCode.Static(assembly, type.FullName!, "TrainingKernelBytes")!;
        Assert.Equal(64, (int)CompiledCode.Static(assembly, type.FullName!, "TrainingBatch")!);
        Assert.True((training + kernels) / 4 > int.MaxValue, $"VGG-16 at batch 64 plans {training + kernels:N0} bytes");
        Assert.True(typeof(NetGen.Execution.CompiledTrainableNetwork).IsAssignableFrom(type));
        // The per-slice backward is the generated class's own; the base runs the slices.
        var backward = type.GetMethod("BackwardSlice", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);
        Assert.NotNull(backward);
        Assert.Equal(type, backward!.DeclaringType);
        // An offset past int range is a long literal in the generated code.
        string code = run.Sources.Values.Single();
        Assert.Matches(@"m\.Slice\([0-9]{10,}", code);
    }

    [Fact]
    public void One_tensor_over_a_span_is_named_in_NG0302()
    {
        var run = GeneratorTestHelper.Run(Array.Empty<string>(), new[]
        {
            ("/repo/huge.cnn", "network Huge {\n    input 1x28x28\n    f = flatten\n    d = dense(2739200)\n}\n"),
        });
        Assert.Equal(new[]
        {
            "NG0302 /repo/huge.cnn(1,9): Network 'Huge' gets no Predict or TrainStep: the tensor d parameters holds 2,150,272,000 floats, more than the 2,147,483,647 one span holds",
        }, GeneratorTestHelper.Describe(run.GeneratorDiagnostics));
    }

    [Fact]
    public void The_generated_class_extends_the_runtime_base_and_carries_GeneratedCode()
    {
        var run = GeneratorTestHelper.Run("""
            using NetGen;
            [Network(1, 8, 8)]
            [Conv2D(4, 3)]
            [Flatten]
            [Dense(3, Activation = Activation.Softmax)]
            public partial class Net;
            """);
        Assert.Empty(GeneratorTestHelper.Describe(run.CompilationDiagnostics));
        string code = run.Sources["Net.Network.g.cs"];
        Assert.Contains("[global::System.CodeDom.Compiler.GeneratedCode(\"NetGen.Generator\", ", code);
        Assert.Contains("partial class Net : global::NetGen.Execution.CompiledTrainableNetwork", code);
        // The class's hover text: the layer table, XML-escaped.
        Assert.Contains("/// Net: (1, 8, 8) -&gt; (3), ", code);
        Assert.Contains("/// dense_1  ", code);
        Assert.DoesNotContain("_netgenMemory", code);
        Assert.DoesNotContain("unsafe", code);
    }

    [Fact]
    public void A_network_class_with_a_base_class_gets_NG0016_instead_of_CS0263()
    {
        var run = GeneratorTestHelper.Run("""
            using NetGen;
            public class Model { }
            [Network(1, 8, 8)]
            [Flatten]
            [Dense(3)]
            public partial class Net : Model, System.IComparable
            {
                public int CompareTo(object? other) => 0;
            }
            """);
        Assert.Equal(new[]
        {
            "NG0016 Source0.cs(6,28): Class 'Net' derives from 'Model', but the generated part derives from NetGen.Execution.CompiledNetwork and a class has one base class; remove the base class (hold the other type in a field instead)",
        }, GeneratorTestHelper.Describe(run.GeneratorDiagnostics));
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Id == "CS0263");
        Assert.DoesNotContain(run.Sources.Keys, key => key.StartsWith("Net."));
    }
}
