namespace NetGen.Generator.Tests.Pipeline;

/// <summary>Inputs shared by the pipeline tests: one of each kind the generator reads.</summary>
public static class PipelineSources
{
    public const string AttributeNetwork = """
        using NetGen;

        namespace App
        {
            [Network(1, 28, 28, Batch = 64)]
            [Conv2D(8, 3, Activation = Activation.ReLU, Name = "conv1")]
            [MaxPool2D(2)]
            [Flatten]
            [Dense(10, Activation = Activation.Softmax)]
            public partial class Mnist { }
        }
        """;

    public const string Binding = """
        namespace App
        {
            [NetGen.NetworkFile("nets/tiny.cnn")]
            public partial class BoundTiny { }
        }
        """;

    public const string TinyCnn = """
        namespace Nets

        network Tiny {
            input 3x16x16
            batch 8
            conv1 = conv2d(4, 3, padding: same) -> relu
            head = global_avgpool -> dense(2)
        }
        """;

    public const string OtherCnn = """
        network Other {
            input 16
            dense(8) -> relu -> dense(4)
        }
        """;
}
