namespace NetGen;

/// <summary>
/// What layers that slide a window (convolutions, pooling) share: stride and padding.
/// Output size per axis: floor((input + padding - effective kernel) / stride) + 1.
/// </summary>
public abstract class WindowedLayerAttribute : LayerAttribute
{
    /// <summary>Step of the window along both axes.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Vertical step; when set, overrides <see cref="Stride"/> for rows.</summary>
    public int StrideH { get; set; }

    /// <summary>Horizontal step; when set, overrides <see cref="Stride"/> for columns.</summary>
    public int StrideW { get; set; }

    /// <summary><see cref="NetGen.Padding.Valid"/> (default) or Keras/TensorFlow <see cref="NetGen.Padding.Same"/>.</summary>
    public Padding Padding { get; set; } = Padding.Valid;

    /// <summary>Explicit zero padding on every side, in pixels; cannot be combined with <see cref="NetGen.Padding.Same"/>.</summary>
    public int Pad { get; set; }

    /// <summary>Explicit zero padding at the top and bottom; when set, overrides <see cref="Pad"/> for rows.</summary>
    public int PadH { get; set; }

    /// <summary>Explicit zero padding at the left and right; when set, overrides <see cref="Pad"/> for columns.</summary>
    public int PadW { get; set; }
}

/// <summary>What the convolutions share beyond the window: bias, dilation and a fused activation.</summary>
public abstract class ConvolutionLayerAttribute : WindowedLayerAttribute
{
    /// <summary>Spacing between kernel taps; the effective kernel is (kernel - 1) x dilation + 1. Default 1.</summary>
    public int Dilation { get; set; } = 1;

    /// <summary>Whether the layer adds a learned bias per output channel. Default true.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>Activation applied to the output. Default <see cref="NetGen.Activation.None"/>.</summary>
    public Activation Activation { get; set; } = Activation.None;
}
