using System;
using System.Collections.Generic;
using System.Linq;
using NetGen.Weights;

namespace NetGen.Onnx;

/// <summary>Turns an ONNX model's initializers into a network's parameters through a weight map.</summary>
public static partial class OnnxImport
{
    /// <summary>
    /// Binds every parameter in <paramref name="expectedShapes"/> (name -> shape, e.g.
    /// "conv1.weight" -> [64, 3, 7, 7]) to the ONNX initializer the map names for it, and
    /// returns name -> elements in that shape's row-major layout (fresh arrays, in the order
    /// of <paramref name="expectedShapes"/>).
    /// </summary>
    /// <exception cref="WeightMismatchException">
    /// Anything that does not fit, all listed at once: a parameter the map does not fill,
    /// a map entry naming a parameter the network lacks or an initializer the model lacks,
    /// an initializer neither mapped nor marked '-', a shape or element type mismatch.
    /// </exception>
    public static IReadOnlyDictionary<string, float[]> Bind(OnnxModel model, OnnxWeightMap map, IReadOnlyDictionary<string, int[]> expectedShapes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(expectedShapes);
        var initializers = model.Graph.Initializers;
        var differences = new List<string>();
        var byParameter = new Dictionary<string, OnnxWeightMapEntry>(StringComparer.Ordinal);
        var mapped = new HashSet<string>(StringComparer.Ordinal);

        foreach (var entry in map.Entries)
        {
            string at = $"{map.SourceName}({entry.Line})";
            mapped.Add(entry.OnnxName);
            if (!initializers.ContainsKey(entry.OnnxName))
                differences.Add($"{at}: ONNX initializer '{entry.OnnxName}' is not in the model");
            if (entry.ParameterName is null) continue;
            if (!expectedShapes.ContainsKey(entry.ParameterName))
                differences.Add($"{at}: '{entry.ParameterName}' is not a parameter of the network");
            else
                byParameter.Add(entry.ParameterName, entry);
        }
        foreach (var tensor in model.Graph.InitializerList)
        {
            if (!mapped.Contains(tensor.Name))
                differences.Add($"ONNX initializer '{tensor.Name}' {tensor} is not in the map (map it, or to '-' to leave it out)");
        }

        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (parameter, shape) in expectedShapes)
        {
            string expected = FormatShape(shape);
            if (!byParameter.TryGetValue(parameter, out var entry))
            {
                differences.Add($"parameter '{parameter}' {expected} has no entry in the map");
                continue;
            }
            if (!initializers.TryGetValue(entry.OnnxName, out var tensor)) continue;
            string at = $"{map.SourceName}({entry.Line})";
            if (tensor.FloatData is null)
                differences.Add($"{at}: '{parameter}' needs FLOAT but ONNX initializer '{entry.OnnxName}' is {tensor}");
            else if (!tensor.Dims.SequenceEqual(shape.Select(d => (long)d)))
                differences.Add($"{at}: '{parameter}' expects shape {expected} but ONNX initializer '{entry.OnnxName}' is {OnnxTensor.FormatDims(tensor.Dims)}");
            else
                result.Add(parameter, (float[])tensor.FloatData.Clone());
        }

        if (differences.Count > 0)
            throw new WeightMismatchException($"{model.SourceName} with {map.SourceName}", differences);
        return result;
    }

    private static string FormatShape(int[] shape) => OnnxTensor.FormatDims(shape.Select(d => (long)d).ToArray());
}
