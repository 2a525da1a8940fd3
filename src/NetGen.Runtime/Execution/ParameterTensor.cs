using System;

namespace NetGen.Execution;

/// <summary>
/// One parameter tensor of a generated network: where it lives and how it is named, shaped
/// and initialised. Shapes are PyTorch's: Conv2D weight (K, C/G, R, S), Dense weight
/// (out, in), biases (K). The generated code stores every tensor in that layout except one:
/// a Dense that follows a Flatten of a (C, H, W) tensor keeps its columns in channels-last
/// (H, W, C) order, which <see cref="FlattenedFrom"/> records so weight files use PyTorch's.
/// </summary>
public sealed class ParameterTensor
{
    private readonly int[] _shape;

    /// <param name="name">"conv1.weight", "dense_1.bias".</param>
    /// <param name="offset">First element in the parameter block (fp32 elements).</param>
    /// <param name="shape">PyTorch shape, outermost first.</param>
    /// <param name="gradientOffset">First element in the gradient block, or -1 when frozen.</param>
    /// <param name="init">How it starts.</param>
    /// <param name="fanIn">Inputs feeding one output (C/G * R * S, or in features).</param>
    /// <param name="fanOut">Outputs one input feeds (K/G * R * S, or out features).</param>
    /// <param name="flattenedFrom">(C, H, W) before the Flatten for a Dense weight stored channels-last, else null.</param>
    public ParameterTensor(string name, int offset, int[] shape, int gradientOffset, ParameterInit init,
        int fanIn, int fanOut, int[]? flattenedFrom = null)
    {
        Name = name;
        Offset = offset;
        _shape = shape;
        GradientOffset = gradientOffset;
        Init = init;
        FanIn = fanIn;
        FanOut = fanOut;
        FlattenedFrom = flattenedFrom;
        long length = 1;
        foreach (int d in shape) length *= d;
        Length = checked((int)length);
    }

    /// <summary>"conv1.weight".</summary>
    public string Name { get; }

    /// <summary>First element in the parameter block.</summary>
    public int Offset { get; }

    /// <summary>Elements (fp32).</summary>
    public int Length { get; }

    /// <summary>PyTorch shape, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>First element in the gradient block, or -1 for a frozen tensor.</summary>
    public int GradientOffset { get; }

    /// <summary>Whether the optimizer updates it.</summary>
    public bool Trainable => GradientOffset >= 0;

    /// <summary>How it starts.</summary>
    public ParameterInit Init { get; }

    /// <summary>Inputs feeding one output.</summary>
    public int FanIn { get; }

    /// <summary>Outputs one input feeds.</summary>
    public int FanOut { get; }

    /// <summary>(C, H, W) of the flattened tensor when stored channels-last, else null.</summary>
    public int[]? FlattenedFrom { get; }

    /// <summary>A copy of the PyTorch shape.</summary>
    public int[] ShapeArray() => (int[])_shape.Clone();

    /// <summary>"(64, 32, 3, 3)".</summary>
    public string ShapeText => "(" + string.Join(", ", _shape) + ")";
}
