using System.Globalization;
using NetGen.Data;

namespace NetGen.Cli.Data;

/// <summary>MNIST-format IDX data held in memory: a training set and a validation set.</summary>
internal sealed class IdxData : LabeledData
{
    private readonly MnistDataset _train;
    private readonly MnistDataset _validation;

    public IdxData(string description, MnistDataset train, MnistDataset validation)
        : base(description, ClassNamesOf(MnistDataset.ClassCount), 1, train.Rows, train.Columns)
    {
        _train = train;
        _validation = validation;
    }

    public override int TrainCount => _train.Count;
    public override int ValidationCount => _validation.Count;

    public override IBatchSource OpenTrain(int batchSize, ulong seed) => new ShuffledBatches(_train, batchSize, seed);

    public override IBatchSource OpenValidation(int batchSize) => new OrderedBatches(_validation, batchSize);

    private static string[] ClassNamesOf(int count)
    {
        var names = new string[count];
        for (int i = 0; i < count; i++) names[i] = i.ToString(CultureInfo.InvariantCulture);
        return names;
    }
}
