using System;
using Samples.Exercises;

// The same network declared twice, as attributes (ThreeConvNet.cs) and in ThreeConv.cnn: both
// front ends lower to one IR and one analysis, so every constant the generator writes must
// agree. Prints both summaries, then each comparison; exits 1 on any difference.

Console.WriteLine(ThreeConvNet.Summary);
Console.WriteLine();
Console.WriteLine(ThreeConv.Summary);
Console.WriteLine();

int differences = 0;
Compare("ParameterCount", ThreeConvNet.ParameterCount, ThreeConv.ParameterCount);
Compare("TrainableParameterCount", ThreeConvNet.TrainableParameterCount, ThreeConv.TrainableParameterCount);
Compare("Macs", ThreeConvNet.Macs, ThreeConv.Macs);
Compare("OutputShape", string.Join("x", ThreeConvNet.OutputShape.ToArray()), string.Join("x", ThreeConv.OutputShape.ToArray()));
Compare("InferenceBytes", ThreeConvNet.InferenceBytes, ThreeConv.InferenceBytes);
Compare("TrainingBatch", ThreeConvNet.TrainingBatch, ThreeConv.TrainingBatch);
Compare("TrainingBytes", ThreeConvNet.TrainingBytes, ThreeConv.TrainingBytes);
Compare("Layers", ThreeConvNet.Layers.Length, ThreeConv.Layers.Length);
for (int i = 0; i < Math.Min(ThreeConvNet.Layers.Length, ThreeConv.Layers.Length); i++)
{
    // LayerSummary is a record struct: name, kind, output shape, parameters and MACs at once.
    Compare($"Layers[{i}]", ThreeConvNet.Layers[i], ThreeConv.Layers[i]);
}

Console.WriteLine(differences == 0
    ? "The attribute and .cnn declarations agree."
    : $"{differences} difference(s) between the attribute and .cnn declarations.");
return differences == 0 ? 0 : 1;

void Compare<T>(string what, T fromAttributes, T fromCnn)
{
    bool same = Equals(fromAttributes, fromCnn);
    if (!same) differences++;
    Console.WriteLine(same
        ? FormattableString.Invariant($"  same  {what}: {fromAttributes}")
        : FormattableString.Invariant($"  DIFF  {what}: attributes {fromAttributes}, .cnn {fromCnn}"));
}
