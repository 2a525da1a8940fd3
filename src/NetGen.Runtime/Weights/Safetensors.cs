using System;
using System.Collections.Generic;
using System.Linq;

namespace NetGen.Weights;

/// <summary>
/// Saving and loading network weights as safetensors files, the format PyTorch, JAX and
/// Hugging Face tools exchange. Writes F32; reads and validates any dtype the format defines.
/// </summary>
public static class Safetensors
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (and optional string <paramref name="metadata"/>) to
    /// <paramref name="path"/> atomically: a temporary file in the same directory is written,
    /// flushed to disk and renamed over <paramref name="path"/>, and the directory is flushed.
    /// A reader (or a crash) sees the old file or the new one, never half; when writing fails,
    /// the old file is left as it was and the temporary file is removed.
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty or repeated, or a shape does not match its data.</exception>
    public static void Write(string path, IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafetensorsWriter.Write(path, tensors, metadata);

    /// <summary>The bytes <see cref="Write"/> would put in a file.</summary>
    public static byte[] Serialize(IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafetensorsWriter.Serialize(tensors, metadata);

    /// <summary>
    /// Loads the F32 tensors of <paramref name="path"/> after checking they are exactly
    /// <paramref name="expected"/> (name to shape).
    /// </summary>
    /// <exception cref="WeightMismatchException">Lists every missing, unexpected, wrongly shaped or non-F32 tensor.</exception>
    /// <exception cref="WeightFileException">The file is malformed.</exception>
    public static Dictionary<string, float[]> Load(string path, IReadOnlyDictionary<string, int[]> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        CheckMatches(file, expected);
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (string name in expected.Keys)
        {
            result.Add(name, file.ReadFloats(name));
        }

        return result;
    }

    /// <summary>
    /// Loads the tensors of <paramref name="path"/> straight into the callers' buffers after
    /// checking the file holds exactly the tensors of <paramref name="targets"/>, nothing more.
    /// </summary>
    /// <exception cref="ArgumentException">A target's buffer size differs from product(shape), or a name repeats.</exception>
    /// <exception cref="WeightMismatchException">Lists every missing, unexpected, wrongly shaped or non-F32 tensor.</exception>
    /// <exception cref="WeightFileException">The file is malformed.</exception>
    public static void LoadInto(string path, IReadOnlyList<TensorTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var expected = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (TensorTarget target in targets)
        {
            long elements = target.Shape.Aggregate(1L, (p, d) => p * d);
            if (elements != target.Destination.Length)
            {
                throw new ArgumentException(
                    $"Target '{target.Name}' has shape {TensorInfo.FormatShape(target.Shape)} ({elements} elements) but a buffer of {target.Destination.Length}.", nameof(targets));
            }

            if (!expected.TryAdd(target.Name, target.Shape))
            {
                throw new ArgumentException($"Target '{target.Name}' is given twice.", nameof(targets));
            }
        }

        using SafetensorsFile file = SafetensorsFile.Open(path);
        CheckMatches(file, expected);
        foreach (TensorTarget target in targets)
        {
            file.ReadFloats(target.Name, target.Destination.Span);
        }
    }

    /// <summary>
    /// Throws unless <paramref name="file"/> holds exactly the F32 tensors of
    /// <paramref name="expected"/> with those shapes; the exception lists every difference.
    /// </summary>
    /// <exception cref="WeightMismatchException">The sets differ.</exception>
    public static void CheckMatches(SafetensorsFile file, IReadOnlyDictionary<string, int[]> expected)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(expected);
        var differences = new List<string>();
        foreach (KeyValuePair<string, int[]> e in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            string want = TensorInfo.FormatShape(e.Value);
            if (!file.TryGetTensor(e.Key, out TensorInfo found))
            {
                differences.Add($"missing tensor '{e.Key}' (expected shape {want}, F32)");
                continue;
            }

            if (found.DType != SafetensorsDType.F32)
            {
                differences.Add($"tensor '{e.Key}' has dtype {found.DType}, expected F32");
            }

            if (!found.Shape.SequenceEqual(e.Value))
            {
                differences.Add($"tensor '{e.Key}' has shape {found.ShapeText}, expected {want}");
            }
        }

        foreach (TensorInfo t in file.Tensors)
        {
            if (!expected.ContainsKey(t.Name))
            {
                differences.Add($"unexpected tensor '{t.Name}' (shape {t.ShapeText}, {t.DType})");
            }
        }

        if (differences.Count > 0)
        {
            throw new WeightMismatchException(file.Source, differences);
        }
    }
}
