using System;
using NetGen.Training;

namespace NetGen.Data;

/// <summary>
/// A deterministic, stratified split of a labelled dataset into disjoint train and test index
/// sets. The same labels, counts and seed give the same split on every machine.
/// </summary>
/// <remarks>
/// Algorithm (fixed; changing it changes every published split):
/// 1. <c>rng = new SeededRandom(seed)</c>; for class 0, 1, ... in turn, the indices of that
///    class in ascending order are shuffled with <see cref="SeededRandom.Shuffle{T}"/>.
/// 2. The j-th shuffled sample of a class with n samples gets the key (j + 1/2) / n, its
///    quantile within its class; all samples are ordered by key, ties by class.
/// 3. The first <c>testCount</c> samples of that order are the test set, the next
///    <c>trainCount</c> the train set.
/// Every prefix of the order holds each class in proportion to its frequency, within about
/// one sample, so both sets are stratified; and the test set does not depend on
/// <c>trainCount</c>, so growing the train set never leaks test samples into it.
/// </remarks>
public sealed class DatasetSplit
{
    private DatasetSplit(int[] train, int[] test)
    {
        Train = train;
        Test = test;
    }

    /// <summary>Indices of the training samples, interleaved by class.</summary>
    public int[] Train { get; }

    /// <summary>Indices of the test samples, interleaved by class.</summary>
    public int[] Test { get; }

    /// <summary>Splits samples labelled <paramref name="labels"/> (each below <paramref name="classCount"/>).</summary>
    public static DatasetSplit Stratified(ReadOnlySpan<byte> labels, int classCount, int trainCount, int testCount, ulong seed)
    {
        if (classCount is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "The class count must be 1 to 256.");
        }

        if (trainCount < 0 || testCount < 0 || (long)trainCount + testCount > labels.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(trainCount),
                $"Cannot take {trainCount} training and {testCount} test samples from {labels.Length}; counts must be non-negative and sum to at most {labels.Length}.");
        }

        // Counting sort by class: byClass[start[c] .. start[c + 1]) holds class c's indices ascending.
        var start = new int[classCount + 1];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
            {
                throw new ArgumentException($"Label {labels[i]} at index {i} is not below the class count {classCount}.", nameof(labels));
            }

            start[labels[i] + 1]++;
        }

        for (int c = 0; c < classCount; c++)
        {
            start[c + 1] += start[c];
        }

        var byClass = new int[labels.Length];
        var next = start[..classCount];
        for (int i = 0; i < labels.Length; i++)
        {
            byClass[next[labels[i]]++] = i;
        }

        var rng = new SeededRandom(seed);
        var rank = new int[labels.Length];   // position j of each sample within its shuffled class
        for (int c = 0; c < classCount; c++)
        {
            Span<int> members = byClass.AsSpan(start[c], start[c + 1] - start[c]);
            rng.Shuffle(members);
            for (int j = 0; j < members.Length; j++)
            {
                rank[members[j]] = j;
            }
        }

        // Order by (2j + 1) / (2n) compared exactly by cross-multiplication, then by class.
        var order = byClass;
        var size = new int[classCount];
        for (int c = 0; c < classCount; c++)
        {
            size[c] = start[c + 1] - start[c];
        }

        // Keys are distinct within a class and ties across classes break by class, so the
        // order is total and the unstable sort's result is unique.
        byte[] label = labels.ToArray();
        Array.Sort(order, (a, b) =>
        {
            long left = (2L * rank[a] + 1) * size[label[b]];
            long right = (2L * rank[b] + 1) * size[label[a]];
            int byKey = left.CompareTo(right);
            return byKey != 0 ? byKey : label[a].CompareTo(label[b]);
        });

        return new DatasetSplit(order[testCount..(testCount + trainCount)], order[..testCount]);
    }
}
