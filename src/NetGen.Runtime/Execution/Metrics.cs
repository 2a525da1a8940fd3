using System;

namespace NetGen.Execution;

/// <summary>Classification counts over a batch of score rows.</summary>
public static class Metrics
{
    /// <summary>Index of the largest score (the first on a tie).</summary>
    public static int ArgMax(ReadOnlySpan<float> scores)
    {
        int best = 0;
        for (int i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[best]) best = i;
        }
        return best;
    }

    /// <summary>How many of the <paramref name="n"/> rows of <paramref name="scores"/> (N, classes) have their arg-max at the label.</summary>
    public static int CountCorrect(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int n, int classes)
    {
        int correct = 0;
        for (int row = 0; row < n; row++)
        {
            if (ArgMax(scores.Slice(row * classes, classes)) == labels[row]) correct++;
        }
        return correct;
    }
}
