namespace NetGen;

/// <summary>2-D convolution: (C, H, W) to (filters, P, Q), <c>conv2d</c> in a .cnn file.</summary>
public sealed class Conv2DAttribute : ConvolutionLayerAttribute
{
    /// <summary>A square kernel.</summary>
    /// <param name="filters">Output channels (K).</param>
    /// <param name="kernel">Kernel height and width (R = S).</param>
    public Conv2DAttribute(int filters, int kernel) : this(filters, kernel, kernel) { }

    /// <summary>A rectangular kernel.</summary>
    /// <param name="filters">Output channels (K).</param>
    /// <param name="kernelH">Kernel height (R).</param>
    /// <param name="kernelW">Kernel width (S).</param>
    public Conv2DAttribute(int filters, int kernelH, int kernelW)
    {
        Filters = filters;
        KernelH = kernelH;
        KernelW = kernelW;
    }

    /// <summary>Output channels (K).</summary>
    public int Filters { get; }

    /// <summary>Kernel height (R).</summary>
    public int KernelH { get; }

    /// <summary>Kernel width (S).</summary>
    public int KernelW { get; }

    /// <summary>Channel groups: input and output channels split into this many independent convolutions. Default 1.</summary>
    public int Groups { get; set; } = 1;
}

/// <summary>Depthwise convolution: each input channel convolved on its own, (C, H, W) to (C x multiplier, P, Q).</summary>
public sealed class DepthwiseConv2DAttribute : ConvolutionLayerAttribute
{
    /// <summary>A square kernel.</summary>
    /// <param name="kernel">Kernel height and width.</param>
    public DepthwiseConv2DAttribute(int kernel) : this(kernel, kernel) { }

    /// <summary>A rectangular kernel.</summary>
    /// <param name="kernelH">Kernel height.</param>
    /// <param name="kernelW">Kernel width.</param>
    public DepthwiseConv2DAttribute(int kernelH, int kernelW)
    {
        KernelH = kernelH;
        KernelW = kernelW;
    }

    /// <summary>Kernel height.</summary>
    public int KernelH { get; }

    /// <summary>Kernel width.</summary>
    public int KernelW { get; }

    /// <summary>Output channels per input channel. Default 1.</summary>
    public int Multiplier { get; set; } = 1;
}

/// <summary>
/// Depthwise-separable convolution: a depthwise convolution then a 1x1 convolution to
/// <c>filters</c> channels. As in Keras, only the pointwise half has a bias.
/// </summary>
public sealed class SeparableConv2DAttribute : ConvolutionLayerAttribute
{
    /// <summary>A square kernel.</summary>
    /// <param name="filters">Output channels of the pointwise convolution.</param>
    /// <param name="kernel">Depthwise kernel height and width.</param>
    public SeparableConv2DAttribute(int filters, int kernel) : this(filters, kernel, kernel) { }

    /// <summary>A rectangular kernel.</summary>
    /// <param name="filters">Output channels of the pointwise convolution.</param>
    /// <param name="kernelH">Depthwise kernel height.</param>
    /// <param name="kernelW">Depthwise kernel width.</param>
    public SeparableConv2DAttribute(int filters, int kernelH, int kernelW)
    {
        Filters = filters;
        KernelH = kernelH;
        KernelW = kernelW;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Depthwise kernel height.</summary>
    public int KernelH { get; }

    /// <summary>Depthwise kernel width.</summary>
    public int KernelW { get; }

    /// <summary>Depthwise output channels per input channel. Default 1.</summary>
    public int Multiplier { get; set; } = 1;
}

/// <summary>
/// Transposed convolution (learned upsampling): output P = (H - 1) x stride - padding +
/// kernel + output padding; with <see cref="Padding.Same"/>, P = H x stride.
/// </summary>
public sealed class Conv2DTransposeAttribute : WindowedLayerAttribute
{
    /// <summary>A square kernel.</summary>
    /// <param name="filters">Output channels.</param>
    /// <param name="kernel">Kernel height and width.</param>
    public Conv2DTransposeAttribute(int filters, int kernel) : this(filters, kernel, kernel) { }

    /// <summary>A rectangular kernel.</summary>
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelH">Kernel height.</param>
    /// <param name="kernelW">Kernel width.</param>
    public Conv2DTransposeAttribute(int filters, int kernelH, int kernelW)
    {
        Filters = filters;
        KernelH = kernelH;
        KernelW = kernelW;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Kernel height.</summary>
    public int KernelH { get; }

    /// <summary>Kernel width.</summary>
    public int KernelW { get; }

    /// <summary>Extra rows and columns added at the bottom and right of the output. Default 0.</summary>
    public int OutputPadding { get; set; }

    /// <summary>Whether the layer adds a learned bias per output channel. Default true.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>Activation applied to the output. Default <see cref="NetGen.Activation.None"/>.</summary>
    public Activation Activation { get; set; } = Activation.None;
}
