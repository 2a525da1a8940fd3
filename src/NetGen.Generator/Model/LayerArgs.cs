namespace NetGen.Generator.Model;

/// <summary>
/// The arguments of one node, flat: each op reads the fields that apply to it (see
/// docs/cnn-language.md for which). Zero means "not given" where a default applies; the
/// front ends fill defaults before lowering, so the IR holds explicit values.
/// </summary>
public sealed record LayerArgs
{
    /// <summary>Output channels (Conv2D, SeparableConv2D, Conv2DTranspose).</summary>
    public int Filters { get; init; }
    /// <summary>Output features (Dense).</summary>
    public int Units { get; init; }
    public int KernelH { get; init; }
    public int KernelW { get; init; }
    public int StrideH { get; init; } = 1;
    public int StrideW { get; init; } = 1;
    public PaddingMode Padding { get; init; } = PaddingMode.Valid;
    public int PadTop { get; init; }
    public int PadBottom { get; init; }
    public int PadLeft { get; init; }
    public int PadRight { get; init; }
    public int DilationH { get; init; } = 1;
    public int DilationW { get; init; } = 1;
    public int Groups { get; init; } = 1;
    /// <summary>Depthwise multiplier (DepthwiseConv2D, SeparableConv2D's depthwise half).</summary>
    public int DepthMultiplier { get; init; } = 1;
    /// <summary>Extra rows/cols added on the bottom/right of a transposed convolution's output.</summary>
    public int OutputPadding { get; init; }
    public bool Bias { get; init; } = true;
    /// <summary>Activation fused into a Conv/Dense node; for an activation node, its function.</summary>
    public ActivationKind Activation { get; init; } = ActivationKind.None;
    /// <summary>Negative slope (LeakyReLU) or alpha (ELU).</summary>
    public double Alpha { get; init; }
    /// <summary>Clip: the bounds, ClipMin &lt; ClipMax.</summary>
    public double ClipMin { get; init; }
    public double ClipMax { get; init; }
    /// <summary>Scale: the factor; Shift: the offset. Finite.</summary>
    public double Constant { get; init; }
    /// <summary>Drop probability (Dropout).</summary>
    public double Rate { get; init; }
    /// <summary>BatchNorm epsilon.</summary>
    public double Epsilon { get; init; } = 1e-5;
    /// <summary>BatchNorm running-statistics momentum (PyTorch convention: new = (1-m) old + m batch).</summary>
    public double Momentum { get; init; } = 0.1;
    /// <summary>BatchNorm has a learned scale gamma (Keras's <c>scale</c>); without it the scale is 1 and no gamma tensor exists.</summary>
    public bool Scale { get; init; } = true;
    /// <summary>BatchNorm has a learned shift beta (Keras's <c>center</c>); without it the shift is 0 and no beta tensor exists.</summary>
    public bool Center { get; init; } = true;
    /// <summary>LocalResponseNorm: channels summed on each side (AlexNet's depth radius).</summary>
    public int Radius { get; init; }
    /// <summary>LocalResponseNorm: k, alpha, beta in b = a / (k + alpha * sum a^2)^beta.</summary>
    public double LrnBias { get; init; } = 1.0;
    public double LrnAlpha { get; init; } = 1e-4;
    public double LrnBeta { get; init; } = 0.75;
    /// <summary>Upsample factors.</summary>
    public int ScaleH { get; init; } = 1;
    public int ScaleW { get; init; } = 1;
    public UpsampleMode Mode { get; init; } = UpsampleMode.Nearest;
    /// <summary>Crop: the first row and column kept and the window's size (the .cnn front end resolves <c>like:</c> to these).</summary>
    public int CropTop { get; init; }
    public int CropLeft { get; init; }
    public int CropHeight { get; init; }
    public int CropWidth { get; init; }
    /// <summary>GlobalAvgPool: keep (C, 1, 1) instead of a (C) vector.</summary>
    public bool KeepDims { get; init; }
    /// <summary>Pooling: ceil instead of floor when computing the output size (Caffe/torchvision GoogLeNet).</summary>
    public bool CeilMode { get; init; }
}
