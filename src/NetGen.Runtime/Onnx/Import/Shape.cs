namespace NetGen.Onnx.Import;

/// <summary>
/// The shape of one sample as the importer tracks it, batch excluded: rank 3 is (C, H, W), rank 1
/// a vector of C features (H = W = 1). The generator's own shape type is not visible here (the
/// runtime does not reference the generator), and the .cnn text is all the two share.
/// </summary>
internal readonly record struct Shape(int Rank, int C, int H, int W)
{
    public static Shape Chw(int c, int h, int w) => new(3, c, h, w);

    public static Shape Vector(int features) => new(1, features, 1, 1);

    public long Elements => (long)C * H * W;

    public bool IsVector => Rank == 1;

    /// <summary>(C, H, W) or (F), as the generator prints shapes.</summary>
    public override string ToString() => Rank == 1 ? $"({C})" : $"({C}, {H}, {W})";
}
