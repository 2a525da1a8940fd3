using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Bench.Infrastructure;

namespace NetGen.Bench.Generator;

/// <summary>
/// Compile-time cost of the attribute front end: a <c>[Network]</c> class of 16 layer
/// attributes (a small VGG-style CIFAR-10 network, 3x32x32 in, 10 classes out) generated
/// by a driver that has never run.
/// </summary>
[MemoryDiagnoser]
public class AttributeGeneratorBenchmarks
{
    private const string GeneratedHintName = "App.CifarNet.Network.g.cs";

    private const string NetworkSource = """
        using NetGen;

        namespace App;

        [Network(3, 32, 32, Batch = 32)]
        [Conv2D(32, 3, Padding = Padding.Same, Activation = Activation.ReLU, Name = "conv1_1")]   // (32, 32, 32)
        [BatchNorm]
        [Conv2D(32, 3, Padding = Padding.Same, Activation = Activation.ReLU, Name = "conv1_2")]   // (32, 32, 32)
        [MaxPool2D(2)]                                                                            // (32, 16, 16)
        [Dropout(0.25)]
        [Conv2D(64, 3, Padding = Padding.Same, Activation = Activation.ReLU, Name = "conv2_1")]   // (64, 16, 16)
        [BatchNorm]
        [Conv2D(64, 3, Padding = Padding.Same, Activation = Activation.ReLU, Name = "conv2_2")]   // (64, 16, 16)
        [MaxPool2D(2)]                                                                            // (64, 8, 8)
        [Dropout(0.25)]
        [Conv2D(128, 3, Padding = Padding.Same, Activation = Activation.ReLU, Name = "conv3_1")]  // (128, 8, 8)
        [BatchNorm]
        [GlobalAvgPool]                                                                           // (128)
        [Dense(128, Activation = Activation.ReLU, Name = "fc1")]
        [Dropout(0.5)]
        [Dense(10, Activation = Activation.Softmax, Name = "fc2")]
        public partial class CifarNet;
        """;

    private CSharpCompilation _compilation = null!;

    [GlobalSetup]
    public void Setup()
    {
        _compilation = GeneratorHarness.Compilation(("App/CifarNet.cs", NetworkSource));
        GeneratorHarness.RequireGenerated(Cold(), GeneratedHintName);
    }

    /// <summary>
    /// A driver that has never run, over a fresh copy of the compilation (so attribute binding
    /// is redone): find the class, read its attributes, analyse and emit.
    /// </summary>
    [Benchmark]
    public GeneratorDriver Cold() =>
        GeneratorHarness.CreateDriver(Array.Empty<AdditionalText>(), trackSteps: false).RunGenerators(_compilation.Clone());
}
