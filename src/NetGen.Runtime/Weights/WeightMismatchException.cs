using System.Collections.Generic;
using System.Linq;

namespace NetGen.Weights;

/// <summary>
/// A weight file is well formed but its tensors are not the ones expected. Every difference
/// is listed at once (missing names, unexpected names, shape and dtype mismatches), so one
/// run shows everything to fix.
/// </summary>
public sealed class WeightMismatchException : WeightFileException
{
    internal WeightMismatchException(string source, IReadOnlyList<string> differences)
        : base(source, null,
            $"the tensors do not match the expected set ({differences.Count} difference{(differences.Count == 1 ? "" : "s")}):"
            + string.Concat(differences.Select(d => "\n  - " + d)))
    {
        Differences = differences;
    }

    /// <summary>One line per difference, e.g. "missing tensor 'fc.bias' (expected shape [10])".</summary>
    public IReadOnlyList<string> Differences { get; }
}
