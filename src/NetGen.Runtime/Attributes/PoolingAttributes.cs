namespace NetGen;

/// <summary>What max and average pooling share: a square window whose stride defaults to its size.</summary>
public abstract class PoolingLayerAttribute : WindowedLayerAttribute
{
    /// <summary>A square window of <paramref name="size"/>; the stride defaults to the size.</summary>
    /// <param name="size">Window height and width.</param>
    protected PoolingLayerAttribute(int size)
    {
        Size = size;
        Stride = size;
    }

    /// <summary>Window height and width.</summary>
    public int Size { get; }

    /// <summary>Round the output size up instead of down (Caffe, torchvision's GoogLeNet). Default false.</summary>
    public bool CeilMode { get; set; }
}

/// <summary>Max pooling: (C, H, W) to (C, P, Q), the largest value of each window.</summary>
public sealed class MaxPool2DAttribute : PoolingLayerAttribute
{
    /// <summary>A square window of <paramref name="size"/>, stride <paramref name="size"/> unless set.</summary>
    /// <param name="size">Window height and width.</param>
    public MaxPool2DAttribute(int size) : base(size) { }
}

/// <summary>Average pooling: (C, H, W) to (C, P, Q), the mean of each window.</summary>
public sealed class AvgPool2DAttribute : PoolingLayerAttribute
{
    /// <summary>A square window of <paramref name="size"/>, stride <paramref name="size"/> unless set.</summary>
    /// <param name="size">Window height and width.</param>
    public AvgPool2DAttribute(int size) : base(size) { }
}

/// <summary>Global average pooling: (C, H, W) to a (C) vector, or (C, 1, 1) with <see cref="KeepDims"/>.</summary>
public sealed class GlobalAvgPoolAttribute : LayerAttribute
{
    /// <summary>Keep the (C, 1, 1) shape instead of a (C) vector. Default false.</summary>
    public bool KeepDims { get; set; }
}

/// <summary>Flattens (C, H, W) to a (C x H x W) vector.</summary>
public sealed class FlattenAttribute : LayerAttribute
{
}

/// <summary>Upsampling by a whole factor: (C, H, W) to (C, H x scale, W x scale).</summary>
public sealed class UpsampleAttribute : LayerAttribute
{
    /// <summary>Upsamples both axes by <paramref name="scale"/>.</summary>
    /// <param name="scale">Factor for height and width.</param>
    public UpsampleAttribute(int scale) => Scale = scale;

    /// <summary>Factor for height and width.</summary>
    public int Scale { get; }

    /// <summary>How new pixels are filled. Default <see cref="Interpolation.Nearest"/>.</summary>
    public Interpolation Mode { get; set; } = Interpolation.Nearest;
}

/// <summary>
/// Keeps a window of the rows and columns: (C, H, W) to (C, height, width), rows
/// [top, top + height) and columns [left, left + width). The window must lie inside the input
/// (NG0109). The .cnn language's <c>crop(like: node)</c>, centred on another node's size, needs
/// a second input and so has no attribute form: attribute networks are chains.
/// </summary>
public sealed class CropAttribute : LayerAttribute
{
    /// <summary>Keeps <paramref name="height"/> x <paramref name="width"/> pixels from row <paramref name="top"/>, column <paramref name="left"/>.</summary>
    /// <param name="top">First row kept (0 or more).</param>
    /// <param name="left">First column kept (0 or more).</param>
    /// <param name="height">Rows kept (positive).</param>
    /// <param name="width">Columns kept (positive).</param>
    public CropAttribute(int top, int left, int height, int width)
    {
        Top = top;
        Left = left;
        Height = height;
        Width = width;
    }

    /// <summary>First row kept.</summary>
    public int Top { get; }

    /// <summary>First column kept.</summary>
    public int Left { get; }

    /// <summary>Rows kept.</summary>
    public int Height { get; }

    /// <summary>Columns kept.</summary>
    public int Width { get; }
}
