namespace NetGen.Runtime.Tests.Execution;

/// <summary>
/// Which elements of a parameter tensor a finite-difference check probes: every index of the
/// first dimension (a conv's or dense layer's output channel or unit) and every position in the
/// rest (input channel and tap), each at least once, in max(first, rest) probes rather than
/// first x rest. Probe i is (i mod first, i mod rest). A 1-D tensor (bias, batch-norm scale) is
/// probed whole.
/// </summary>
internal static class ProbedElements
{
    public static int[] Cover(ReadOnlySpan<int> shape)
    {
        int length = 1;
        foreach (int dim in shape) length *= dim;
        int first = shape.Length == 0 ? 1 : shape[0], rest = length / first;
        // i < max(first, rest): i mod the larger dimension is i itself, so the probes are distinct.
        return Enumerable.Range(0, Math.Max(first, rest)).Select(i => i % first * rest + i % rest).ToArray();
    }
}
