namespace NetGen.Imaging;

/// <summary>
/// Disjoint train, validation and test index sets over an <see cref="ImageFolderDataset"/>'s
/// files, each interleaved by class. See <see cref="ImageFolderDataset.Split(int, int, int, ulong)"/>.
/// </summary>
/// <param name="Train">Dataset indices of the training images.</param>
/// <param name="Validation">Dataset indices of the validation images.</param>
/// <param name="Test">Dataset indices of the test images.</param>
public sealed record ImageSplit(int[] Train, int[] Validation, int[] Test);
