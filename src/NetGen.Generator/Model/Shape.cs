namespace NetGen.Generator.Model;

/// <summary>
/// The shape of one sample, batch excluded: rank 3 is (C, H, W), rank 1 is a vector of C
/// features (H = W = 1). Elements and bytes assume fp32.
/// </summary>
public readonly record struct Shape(int Rank, int C, int H, int W)
{
    public static Shape Chw(int c, int h, int w) => new(3, c, h, w);

    public static Shape Vector(int features) => new(1, features, 1, 1);

    public long Elements => (long)C * H * W;

    public long Bytes => Elements * 4;

    public bool IsVector => Rank == 1;

    /// <summary>Keras-like text: (C, H, W) or (F).</summary>
    public override string ToString() => Rank == 1 ? $"({C})" : $"({C}, {H}, {W})";
}
