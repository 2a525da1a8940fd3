namespace NetGen.Generator.Model;

/// <summary>Every operation a network node can be. Both front ends lower to these.</summary>
public enum OpKind
{
    Input,
    Conv2D,
    DepthwiseConv2D,
    SeparableConv2D,
    Conv2DTranspose,
    MaxPool2D,
    AvgPool2D,
    GlobalAvgPool,
    Flatten,
    Dense,
    Dropout,
    BatchNorm,
    LocalResponseNorm,
    Upsample,
    /// <summary>A window of the input's rows and columns: Args.CropTop, CropLeft, CropHeight, CropWidth.</summary>
    Crop,
    Add,
    Concat,
    Multiply,
    ReLU,
    LeakyReLU,
    ELU,
    Sigmoid,
    Tanh,
    Softmax,
    ReLU6,
    HardSigmoid,
    HardSwish,
    SiLU,
    /// <summary>GELU; Args.Activation says which form (GELU exact, GELUTanh).</summary>
    GELU,
    Mish,
    /// <summary>min(max(x, Args.ClipMin), Args.ClipMax); relu6 is clip(0, 6).</summary>
    Clip,
    /// <summary>y = x * Args.Constant (the scale(factor) layer; ONNX Mul by a scalar).</summary>
    Scale,
    /// <summary>y = x + Args.Constant (the shift(offset) layer; ONNX Add by a scalar).</summary>
    Shift,
}

/// <summary>How a convolution or pooling window is padded. Rules in docs/cnn-language.md.</summary>
public enum PaddingMode
{
    /// <summary>No padding: P = floor((H - effective kernel) / stride) + 1.</summary>
    Valid,
    /// <summary>Keras/TensorFlow 'same': P = ceil(H / stride), extra padding at the bottom/right.</summary>
    Same,
    /// <summary>Explicit per-side padding (PadTop, PadBottom, PadLeft, PadRight).</summary>
    Explicit,
}

/// <summary>An activation fused into a Conv/Dense node, or the function of an activation node.</summary>
public enum ActivationKind
{
    None,
    ReLU,
    LeakyReLU,
    ELU,
    Sigmoid,
    Tanh,
    Softmax,
    // The same names and order as NetGen.Activation (the attribute front end reads the enum by index).
    ReLU6,
    HardSigmoid,
    HardSwish,
    SiLU,
    GELU,
    GELUTanh,
    Mish,
}

/// <summary>How Upsample fills new pixels.</summary>
public enum UpsampleMode
{
    Nearest,
    Bilinear,
}

/// <summary>The optimizer whose state the training memory figure includes.</summary>
public enum OptimizerKind
{
    None,
    Sgd,
    Adam,
}
