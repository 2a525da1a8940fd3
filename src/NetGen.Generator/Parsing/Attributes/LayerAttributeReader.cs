using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing.Attributes;

/// <summary>
/// Maps one layer attribute (<c>[Conv2D(32, 3, Padding = Padding.Same)]</c>) to its op and
/// arguments with every default explicit, exactly as the .cnn front end lowers the same
/// layer (docs/cnn-language.md), and reports values out of range (NG0004).
/// </summary>
internal static class LayerAttributeReader
{
    /// <summary>A layer attribute class: its op and the .cnn spelling used for automatic names (<c>conv2d_1</c>).</summary>
    public readonly record struct LayerKind(OpKind Op, string CnnName);

    /// <summary>Layer attribute classes of the runtime (namespace NetGen) by simple name.</summary>
    public static readonly IReadOnlyDictionary<string, LayerKind> Kinds = new Dictionary<string, LayerKind>
    {
        ["Conv2DAttribute"] = new(OpKind.Conv2D, "conv2d"),
        ["DepthwiseConv2DAttribute"] = new(OpKind.DepthwiseConv2D, "depthwise_conv2d"),
        ["SeparableConv2DAttribute"] = new(OpKind.SeparableConv2D, "separable_conv2d"),
        ["Conv2DTransposeAttribute"] = new(OpKind.Conv2DTranspose, "conv2d_transpose"),
        ["MaxPool2DAttribute"] = new(OpKind.MaxPool2D, "maxpool2d"),
        ["AvgPool2DAttribute"] = new(OpKind.AvgPool2D, "avgpool2d"),
        ["GlobalAvgPoolAttribute"] = new(OpKind.GlobalAvgPool, "global_avgpool"),
        ["FlattenAttribute"] = new(OpKind.Flatten, "flatten"),
        ["DenseAttribute"] = new(OpKind.Dense, "dense"),
        ["DropoutAttribute"] = new(OpKind.Dropout, "dropout"),
        ["BatchNormAttribute"] = new(OpKind.BatchNorm, "batchnorm"),
        ["LocalResponseNormAttribute"] = new(OpKind.LocalResponseNorm, "lrn"),
        ["UpsampleAttribute"] = new(OpKind.Upsample, "upsample"),
        ["CropAttribute"] = new(OpKind.Crop, "crop"),
        ["ReLUAttribute"] = new(OpKind.ReLU, "relu"),
        ["LeakyReLUAttribute"] = new(OpKind.LeakyReLU, "leaky_relu"),
        ["ELUAttribute"] = new(OpKind.ELU, "elu"),
        ["SigmoidAttribute"] = new(OpKind.Sigmoid, "sigmoid"),
        ["TanhAttribute"] = new(OpKind.Tanh, "tanh"),
        ["SoftmaxAttribute"] = new(OpKind.Softmax, "softmax"),
        ["ReLU6Attribute"] = new(OpKind.ReLU6, "relu6"),
        ["HardSigmoidAttribute"] = new(OpKind.HardSigmoid, "hardsigmoid"),
        ["HardSwishAttribute"] = new(OpKind.HardSwish, "hardswish"),
        ["SiLUAttribute"] = new(OpKind.SiLU, "silu"),
        ["GELUAttribute"] = new(OpKind.GELU, "gelu"),
        ["MishAttribute"] = new(OpKind.Mish, "mish"),
        ["ClipAttribute"] = new(OpKind.Clip, "clip"),
        ["ScaleAttribute"] = new(OpKind.Scale, "scale"),
        ["ShiftAttribute"] = new(OpKind.Shift, "shift"),
    };

    private static readonly string[] PaddingMembers = { "Padding.Valid", "Padding.Same" };
    private static readonly string[] ActivationMembers =
    {
        "Activation.None", "Activation.ReLU", "Activation.LeakyReLU", "Activation.ELU", "Activation.Sigmoid", "Activation.Tanh", "Activation.Softmax",
        "Activation.ReLU6", "Activation.HardSigmoid", "Activation.HardSwish", "Activation.SiLU", "Activation.GELU", "Activation.GELUTanh", "Activation.Mish",
    };
    private static readonly string[] UpsampleMembers = { "Interpolation.Nearest", "Interpolation.Bilinear" };

    /// <summary>The arguments of a layer of kind <paramref name="op"/>; problems go to <paramref name="a"/>'s diagnostics.</summary>
    public static LayerArgs Read(OpKind op, AttributeArguments a) => op switch
    {
        OpKind.Conv2D => Convolution(a, Window(a, Kernel(a), defaultStride: 1)) with
        {
            Filters = a.Positive("filters", 0),
            Groups = a.Positive("Groups", 1),
        },
        OpKind.DepthwiseConv2D => Convolution(a, Window(a, Kernel(a), defaultStride: 1)) with
        {
            DepthMultiplier = a.Positive("Multiplier", 1),
        },
        OpKind.SeparableConv2D => Convolution(a, Window(a, Kernel(a), defaultStride: 1)) with
        {
            Filters = a.Positive("filters", 0),
            DepthMultiplier = a.Positive("Multiplier", 1),
        },
        OpKind.Conv2DTranspose => Window(a, Kernel(a), defaultStride: 1) with
        {
            Filters = a.Positive("filters", 0),
            OutputPadding = a.NonNegative("OutputPadding", 0),
            Bias = a.Bool("Bias", true),
            Activation = FusedActivation(a),
            Alpha = FusedAlpha(a),
        },
        OpKind.MaxPool2D or OpKind.AvgPool2D => Pool(a),
        OpKind.GlobalAvgPool => new LayerArgs { KeepDims = a.Bool("KeepDims", false) },
        OpKind.Flatten => new LayerArgs(),
        OpKind.Dense => new LayerArgs
        {
            Units = a.Positive("units", 0),
            Bias = a.Bool("Bias", true),
            Activation = FusedActivation(a),
            Alpha = FusedAlpha(a),
        },
        OpKind.Dropout => new LayerArgs { Rate = a.InRange("rate", 0, 0, 1, maxInclusive: false, "in [0, 1)") },
        OpKind.BatchNorm => new LayerArgs
        {
            Epsilon = a.InRange("Epsilon", 1e-5, double.Epsilon, double.MaxValue, maxInclusive: true, "a positive number"),
            Momentum = a.InRange("Momentum", 0.1, 0, 1, maxInclusive: true, "in [0, 1]"),
            Scale = a.Bool("Scale", true),
            Center = a.Bool("Center", true),
        },
        OpKind.LocalResponseNorm => new LayerArgs
        {
            Radius = a.NonNegative("radius", 0),
            LrnBias = a.InRange("Bias", 1.0, double.Epsilon, double.MaxValue, maxInclusive: true, "a positive number"),
            LrnAlpha = a.InRange("Alpha", 1e-4, 0, double.MaxValue, maxInclusive: true, "zero or more"),
            LrnBeta = a.InRange("Beta", 0.75, 0, double.MaxValue, maxInclusive: true, "zero or more"),
        },
        OpKind.Upsample => new LayerArgs
        {
            ScaleH = a.Positive("scale", 1),
            ScaleW = a.Int("scale", 1),
            Mode = (UpsampleMode)a.Enum("Mode", 0, UpsampleMembers),
        },
        OpKind.Crop => new LayerArgs
        {
            CropTop = a.NonNegative("top", 0),
            CropLeft = a.NonNegative("left", 0),
            CropHeight = a.Positive("height", 1),
            CropWidth = a.Positive("width", 1),
        },
        OpKind.ReLU => Activation(ActivationKind.ReLU, 0),
        OpKind.LeakyReLU => Activation(ActivationKind.LeakyReLU, a.Finite("alpha", 0.01)),
        OpKind.ELU => Activation(ActivationKind.ELU, a.Finite("alpha", 1.0)),
        OpKind.Sigmoid => Activation(ActivationKind.Sigmoid, 0),
        OpKind.Tanh => Activation(ActivationKind.Tanh, 0),
        OpKind.Softmax => Activation(ActivationKind.Softmax, 0),
        OpKind.ReLU6 => Activation(ActivationKind.ReLU6, 0),
        OpKind.HardSigmoid => Activation(ActivationKind.HardSigmoid, 0),
        OpKind.HardSwish => Activation(ActivationKind.HardSwish, 0),
        OpKind.SiLU => Activation(ActivationKind.SiLU, 0),
        OpKind.GELU => Activation(a.Bool("Tanh", false) ? ActivationKind.GELUTanh : ActivationKind.GELU, 0),
        OpKind.Mish => Activation(ActivationKind.Mish, 0),
        OpKind.Clip => Clip(a),
        OpKind.Scale => new LayerArgs { Constant = FiniteFloat(a, "factor") },
        OpKind.Shift => new LayerArgs { Constant = FiniteFloat(a, "offset") },
        _ => new LayerArgs(),
    };

    /// <summary>A scale factor or shift offset: finite once rounded to the float the kernels use.</summary>
    private static double FiniteFloat(AttributeArguments a, string name)
    {
        double value = a.Finite(name, 0);
        if (System.Math.Abs(value) > float.MaxValue) a.Invalid(name, value, "a finite number");
        return value;
    }

    private static LayerArgs Clip(AttributeArguments a)
    {
        double min = a.Finite("min", 0), max = a.Finite("max", 0);
        if (!(max > min)) a.Invalid("max", max, "a number above min (" + min.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + ")");
        return new LayerArgs { ClipMin = min, ClipMax = max };
    }

    private static LayerArgs Activation(ActivationKind kind, double alpha) => new() { Activation = kind, Alpha = alpha };

    /// <summary>(kernel) or (kernelH, kernelW), as the constructor was called.</summary>
    private static (int H, int W) Kernel(AttributeArguments a) => a.Has("kernel")
        ? (a.Positive("kernel", 0), a.Int("kernel", 0))
        : (a.Positive("kernelH", 0), a.Positive("kernelW", 0));

    /// <summary>Kernel, strides and padding of a sliding-window layer.</summary>
    private static LayerArgs Window(AttributeArguments a, (int H, int W) kernel, int defaultStride)
    {
        int stride = a.Positive("Stride", defaultStride);
        int strideH = a.Has("StrideH") ? a.Positive("StrideH", stride) : stride;
        int strideW = a.Has("StrideW") ? a.Positive("StrideW", stride) : stride;
        var args = new LayerArgs { KernelH = kernel.H, KernelW = kernel.W, StrideH = strideH, StrideW = strideW };

        var mode = (PaddingMode)a.Enum("Padding", 0, PaddingMembers);
        string? explicitArg = a.Has("Pad") ? "Pad" : a.Has("PadH") ? "PadH" : a.Has("PadW") ? "PadW" : null;
        if (explicitArg is null) return args with { Padding = mode };
        if (mode == PaddingMode.Same)
        {
            a.Invalid(explicitArg, a.Int(explicitArg, 0), "left out when Padding is Padding.Same");
            return args with { Padding = PaddingMode.Same };
        }
        int pad = a.NonNegative("Pad", 0);
        int padH = a.Has("PadH") ? a.NonNegative("PadH", 0) : pad;
        int padW = a.Has("PadW") ? a.NonNegative("PadW", 0) : pad;
        return args with { Padding = PaddingMode.Explicit, PadTop = padH, PadBottom = padH, PadLeft = padW, PadRight = padW };
    }

    private static LayerArgs Convolution(AttributeArguments a, LayerArgs window)
    {
        int dilation = a.Positive("Dilation", 1);
        return window with
        {
            DilationH = dilation,
            DilationW = dilation,
            Bias = a.Bool("Bias", true),
            Activation = FusedActivation(a),
            Alpha = FusedAlpha(a),
        };
    }

    /// <summary>Pooling: the window is square and the stride defaults to its size.</summary>
    private static LayerArgs Pool(AttributeArguments a)
    {
        int size = a.Positive("size", 0);
        return Window(a, (size, size), defaultStride: size) with { CeilMode = a.Bool("CeilMode", false) };
    }

    private static ActivationKind FusedActivation(AttributeArguments a) => (ActivationKind)a.Enum("Activation", 0, ActivationMembers);

    /// <summary>The slope or alpha a fused LeakyReLU or ELU uses: the same defaults as the standalone layers.</summary>
    private static double FusedAlpha(AttributeArguments a) => (ActivationKind)a.Int("Activation", 0) switch
    {
        ActivationKind.LeakyReLU => 0.01,
        ActivationKind.ELU => 1.0,
        _ => 0,
    };
}
