using System.Collections.Generic;

namespace NetGen.Onnx.Import;

/// <summary>
/// One node of the .cnn being written: its layer and arguments, the nodes it reads, its
/// per-sample output shape and its weights (PyTorch layouts, under "{Name}.{suffix}"). Folding a
/// constant into it (a Mul after a convolution) changes its weights, so it stays mutable until
/// the file is written.
/// </summary>
internal sealed class CnnNode
{
    public CnnNode(string name, string layer, Shape shape, string comment)
    {
        Name = name;
        Layer = layer;
        Shape = shape;
        Comment = comment;
    }

    public string Name { get; }

    /// <summary>The .cnn layer kind ("conv2d"); "input" for the network's input.</summary>
    public string Layer { get; }

    /// <summary>The output of one sample.</summary>
    public Shape Shape { get; }

    /// <summary>What it came from ("Conv 'conv1'"), for the line's comment.</summary>
    public string Comment { get; set; }

    /// <summary>Positional arguments, in the layer's order (filters, kernel), as .cnn text.</summary>
    public List<string> Positional { get; } = new();

    /// <summary>Named arguments as .cnn text ("stride", "2").</summary>
    public List<(string Name, string Value)> Named { get; } = new();

    /// <summary>The nodes it reads, in order (two or more for add, concat, multiply).</summary>
    public List<CnnNode> Inputs { get; } = new();

    /// <summary>Weights by suffix ("weight", "bias", "running_mean"), in the order the layer declares them.</summary>
    public List<(string Suffix, int[] Shape, float[] Data)> Tensors { get; } = new();

    /// <summary>True for conv2d, conv2d_transpose, depthwise_conv2d and dense: `bias: false` is written when no "bias" tensor is held.</summary>
    public bool TakesBias { get; init; }

    /// <summary>The tensor with <paramref name="suffix"/>, or null.</summary>
    public float[]? Tensor(string suffix)
    {
        foreach (var t in Tensors)
            if (t.Suffix == suffix) return t.Data;
        return null;
    }

    public bool IsInput => Layer == "input";
}
