using System;
using System.Collections.Generic;
using NetGen.Weights;

namespace NetGen.Execution;

/// <summary>
/// Turns a trained classifier's Flatten + Dense head into convolutions without retraining: the
/// weights of the trained network are copied by name into a convolutional twin, which the user
/// declares as another <c>[Network]</c> with the same layer names, where the first Dense after
/// the Flatten becomes a Conv2D whose kernel is the pre-flatten spatial size (H x W, 'valid') and
/// every later Dense a 1x1 Conv2D. At the training input size the twin computes the same
/// outputs; on a larger input it slides the classifier over the image in one pass, producing a
/// score map (each position is the classifier on one crop, the crops one total stride apart).
/// See docs/fully-convolutional.md.
/// </summary>
public static class FullyConvolutional
{
    /// <summary>
    /// Copies every parameter tensor of <paramref name="trained"/> into the tensor of the same name
    /// of <paramref name="convolutional"/>, reshaping where a Dense became a convolution: a Dense
    /// weight (K, C·H·W) in PyTorch's channels-first flatten order is exactly a Conv2D weight
    /// (K, C, H, W), and (K, F) a 1x1 (K, F, 1, 1). Every tensor is checked before any is copied:
    /// both networks must have the same names, and each pair the same shape or such a reshape, with
    /// the (C, H, W) the Dense was flattened from (<see cref="ParameterTensor.FlattenedFrom"/>) equal to
    /// the convolution's (C, R, S). Otherwise nothing changes.
    /// </summary>
    /// <param name="trained">The network whose weights are copied (any mode).</param>
    /// <param name="convolutional">The convolutional twin that receives them (any mode; repacked).</param>
    /// <exception cref="WeightMismatchException">Lists every tensor missing on either side and every shape that does not map.</exception>
    public static void CopyWeights(INetwork trained, INetwork convolutional)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentNullException.ThrowIfNull(convolutional);
        string from = trained.GetType().Name, to = convolutional.GetType().Name;
        var targets = new Dictionary<string, ParameterTensor>();
        foreach (var tensor in convolutional.ParameterTable) targets[tensor.Name] = tensor;

        var differences = new List<string>();
        var sources = new HashSet<string>();
        foreach (var tensor in trained.ParameterTable)
        {
            sources.Add(tensor.Name);
            if (!targets.TryGetValue(tensor.Name, out var target))
            {
                differences.Add($"'{tensor.Name}' {tensor.ShapeText} of {from} has no tensor of that name in {to}");
                continue;
            }
            if (Mismatch(tensor, target) is { } why)
                differences.Add($"'{tensor.Name}': {from}'s {tensor.ShapeText} cannot become {to}'s {target.ShapeText}: {why}");
        }
        foreach (var tensor in convolutional.ParameterTable)
        {
            if (!sources.Contains(tensor.Name))
                differences.Add($"'{tensor.Name}' {tensor.ShapeText} of {to} has no tensor of that name in {from}");
        }
        if (differences.Count > 0)
            throw new WeightMismatchException($"FullyConvolutional.CopyWeights({from} -> {to})", differences);

        foreach (var tensor in trained.ParameterTable)
        {
            // PyTorch layout on both sides: the reshape is the identity on the flat values.
            var values = new float[tensor.Length];
            trained.CopyParameter(tensor.Name, values);
            convolutional.SetParameter(tensor.Name, values);
        }
    }

    /// <summary>Why <paramref name="source"/> cannot be copied into <paramref name="target"/>, or null when it can.</summary>
    private static string? Mismatch(ParameterTensor source, ParameterTensor target)
    {
        var s = source.Shape;
        var t = target.Shape;
        if (s.SequenceEqual(t)) return null;
        if (s.Length != 2 || t.Length != 4)
            return "only a Dense weight (out, in) becomes a Conv2D weight (out, C, R, S); other tensors keep their shape";
        if (s[0] != t[0])
            return $"the Dense has {s[0]} outputs, the convolution {t[0]} filters";
        if (source.FlattenedFrom is { } f)
        {
            if (f[0] != t[1] || f[1] != t[2] || f[2] != t[3])
                return $"the Dense reads a Flatten of ({f[0]}, {f[1]}, {f[2]}), so the convolution needs {f[0]} input channels and a {f[1]}x{f[2]} kernel";
            return null;
        }
        if ((long)t[1] * t[2] * t[3] != s[1])
            return $"the Dense has {s[1]} inputs; {t[1]} channels x {t[2]}x{t[3]} kernel taps are {(long)t[1] * t[2] * t[3]}";
        return null;
    }
}
