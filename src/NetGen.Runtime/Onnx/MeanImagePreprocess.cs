using System;
using System.Collections.Generic;
using System.Linq;

namespace NetGen.Onnx;

/// <summary>
/// The input preprocessing ML.NET's image featurizers ship as an ONNX file
/// (ResNetPreprocess.onnx beside the pretrained ResNet-18): a planar (C, H, W) image has its
/// channels reordered (RGB to BGR) and a per-pixel mean image subtracted, nothing else. Read
/// from the file with <see cref="FromOnnx"/>, which accepts exactly that graph (Split along the
/// channels, Concat of the parts along the channels in some order, Sub of a constant), and run
/// with <see cref="Apply"/>, so no ONNX runtime is needed.
/// </summary>
public sealed class MeanImagePreprocess
{
    private readonly float[] _mean;
    private readonly int[] _source;

    private MeanImagePreprocess(int channels, int height, int width, int[] source, float[] mean)
    {
        Channels = channels;
        Height = height;
        Width = width;
        _source = source;
        _mean = mean;
    }

    /// <summary>Channels C of the image and of the result.</summary>
    public int Channels { get; }

    /// <summary>Height H in pixels.</summary>
    public int Height { get; }

    /// <summary>Width W in pixels.</summary>
    public int Width { get; }

    /// <summary>The mean image (C, H, W) in output channel order, subtracted pixel by pixel.</summary>
    public ReadOnlySpan<float> MeanImage => _mean;

    /// <summary>Output channel c is input channel SourceChannel(c) (2, 1, 0 for RGB to BGR).</summary>
    public int SourceChannel(int c) => _source[c];

    /// <summary>destination[c] = image[SourceChannel(c)] - MeanImage[c], planes (H, W), one image.</summary>
    /// <param name="destination">(C, H, W) the network's input.</param>
    /// <param name="image">(C, H, W) planar image, pixel values as the model expects (0..255).</param>
    public void Apply(Span<float> destination, ReadOnlySpan<float> image)
    {
        int plane = Height * Width, size = Channels * plane;
        if (image.Length != size)
            throw new ArgumentException($"MeanImagePreprocess.Apply: the image has {image.Length} floats; ({Channels}, {Height}, {Width}) is {size}.", nameof(image));
        if (destination.Length != size)
            throw new ArgumentException($"MeanImagePreprocess.Apply: the destination has {destination.Length} floats; ({Channels}, {Height}, {Width}) is {size}.", nameof(destination));
        for (int c = 0; c < Channels; c++)
        {
            var from = image.Slice(_source[c] * plane, plane);
            var mean = _mean.AsSpan(c * plane, plane);
            var to = destination.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++) to[i] = from[i] - mean[i];
        }
    }

    /// <summary>
    /// Reads the preprocessing from its ONNX graph: one input (1, C, H, W); Split on axis 1 into C
    /// single channels; Concat on axis 1 of all C of them; Sub of a FLOAT initializer (1, C, H, W)
    /// from that. Anything else throws <see cref="NotSupportedException"/> naming the node and what differs.
    /// </summary>
    public static MeanImagePreprocess FromOnnx(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var g = model.Graph;
        string where = model.SourceName;
        var ops = g.Nodes.Select(n => n.OpType).ToArray();
        if (!ops.SequenceEqual(new[] { "Split", "Concat", "Sub" }))
            throw Unsupported(where, $"expected the nodes Split, Concat, Sub; the graph has {string.Join(", ", ops)}");
        var input = g.RuntimeInputs.Count == 1 ? g.RuntimeInputs[0] : throw Unsupported(where, $"expected one input, found {g.RuntimeInputs.Count}");
        var dims = input.Shape?.Select(d => d.Value ?? -1).ToArray() ?? Array.Empty<long>();
        if (dims.Length != 4 || dims[0] != 1 || dims.Skip(1).Any(d => d <= 0 || d > int.MaxValue))
            throw Unsupported(where, $"input {input} is not one fixed (1, C, H, W) image");
        int channels = (int)dims[1], height = (int)dims[2], width = (int)dims[3];

        var split = g.Nodes[0];
        if (split.Inputs.Count < 1 || split.Inputs[0] != input.Name || split.GetInt("axis", 0) != 1 || split.Outputs.Count != channels)
            throw Unsupported(where, $"{split} does not split the input's {channels} channels one by one along axis 1");
        var parts = split.GetInts("split");
        if (parts.Count != 0 && parts.Any(p => p != 1))
            throw Unsupported(where, $"{split} splits into [{string.Join(",", parts)}], not single channels");

        var concat = g.Nodes[1];
        if (concat.GetInt("axis", 0) != 1 || concat.Inputs.Count != channels)
            throw Unsupported(where, $"{concat} does not join {channels} channels along axis 1");
        var source = new int[channels];
        var used = new HashSet<int>();
        for (int c = 0; c < channels; c++)
        {
            int index = IndexOf(split.Outputs, concat.Inputs[c]);
            if (index < 0 || !used.Add(index))
                throw Unsupported(where, $"{concat} input {concat.Inputs[c]} is not a distinct channel of {split.Name}");
            source[c] = index;
        }

        var sub = g.Nodes[2];
        if (sub.Inputs.Count != 2 || sub.Inputs[0] != concat.Outputs[0] || !g.Initializers.TryGetValue(sub.Inputs[1], out var meanImage))
            throw Unsupported(where, $"{sub} does not subtract a constant from {concat.Name}'s output");
        if (meanImage.FloatData is not { } mean || !meanImage.Dims.SequenceEqual(dims))
            throw Unsupported(where, $"{sub.Inputs[1]} is {meanImage}, expected FLOAT {string.Join("x", dims)}");
        if (g.Outputs.Count != 1 || g.Outputs[0].Name != sub.Outputs[0])
            throw Unsupported(where, $"the graph's output is not {sub.Name}'s");
        return new MeanImagePreprocess(channels, height, width, source, (float[])mean.Clone());
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        return -1;
    }

    private static NotSupportedException Unsupported(string source, string what) =>
        new($"{source}: not a channel-reorder and mean-image preprocessing graph: {what}.");
}
