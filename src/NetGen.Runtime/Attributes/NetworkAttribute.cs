using System;

namespace NetGen;

/// <summary>
/// Declares a network on a <c>partial</c> class: the input shape of one sample here, the
/// layers as layer attributes (<see cref="Conv2DAttribute"/>, <see cref="DenseAttribute"/>, ...)
/// on the same class, applied in source order. The NetGen generator adds the network's
/// constants (shapes, parameter count, memory) and code to the class at compile time.
/// </summary>
/// <example>
/// <code>
/// [Network(1, 28, 28, Batch = 64)]
/// [Conv2D(32, 3, Activation = Activation.ReLU)]
/// [MaxPool2D(2)]
/// [Flatten]
/// [Dense(10, Activation = Activation.Softmax)]
/// public partial class MnistNet { }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>An image input: one sample is (channels, height, width).</summary>
    /// <param name="channels">Channels of one input sample (C).</param>
    /// <param name="height">Height of one input sample in pixels (H).</param>
    /// <param name="width">Width of one input sample in pixels (W).</param>
    public NetworkAttribute(int channels, int height, int width)
    {
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>A vector input: one sample is <paramref name="features"/> numbers.</summary>
    /// <param name="features">Features of one input sample.</param>
    public NetworkAttribute(int features)
    {
        Channels = features;
        Height = 1;
        Width = 1;
    }

    /// <summary>Channels of one input sample, or its features for a vector input.</summary>
    public int Channels { get; }

    /// <summary>Height of one input sample (1 for a vector input).</summary>
    public int Height { get; }

    /// <summary>Width of one input sample (1 for a vector input).</summary>
    public int Width { get; }

    /// <summary>Batch size of the generated training-memory constants. Default 32.</summary>
    public int Batch { get; set; } = 32;

    /// <summary>Optimizer whose state the training-memory figure includes. Default <see cref="NetGen.OptimizerType.Adam"/>.</summary>
    public OptimizerType Optimizer { get; set; } = OptimizerType.Adam;

    /// <summary>Compile-time error (NG0201) when the network has more parameters than this; 0 = no budget.</summary>
    public long MaxParams { get; set; }

    /// <summary>Compile-time error (NG0202) when inference needs more bytes than this (parameters + peak activations); 0 = no budget.</summary>
    public long MaxInferenceBytes { get; set; }

    /// <summary>Compile-time error (NG0203) when training at <see cref="Batch"/> needs more bytes than this; 0 = no budget.</summary>
    public long MaxTrainingBytes { get; set; }
}

/// <summary>
/// Binds a network declared in a <c>.cnn</c> file (an <c>AdditionalFiles</c> item) to this
/// <c>partial</c> class: the generator adds that network's members here instead of
/// generating a class of its own.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkFileAttribute : Attribute
{
    /// <summary>Binds the network in <paramref name="path"/>.</summary>
    /// <param name="path">The .cnn file, matched against the end of each AdditionalFiles path (<c>"Models/resnet.cnn"</c>).</param>
    public NetworkFileAttribute(string path) => Path = path;

    /// <summary>The .cnn file, matched against the end of each AdditionalFiles path.</summary>
    public string Path { get; }

    /// <summary>The network to bind when the file declares several; may be left out when it declares one.</summary>
    public string? Network { get; set; }
}

/// <summary>The optimizer whose state the training-memory figure includes.</summary>
public enum OptimizerType
{
    /// <summary>No optimizer state (plain SGD without momentum).</summary>
    None,
    /// <summary>SGD with momentum: one extra value per trainable parameter.</summary>
    Sgd,
    /// <summary>Adam: two extra values (first and second moments) per trainable parameter.</summary>
    Adam,
}
