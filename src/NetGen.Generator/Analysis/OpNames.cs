using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>The .cnn layer kind of each op, as diagnostics name it (docs/cnn-language.md).</summary>
internal static class OpNames
{
    public static string Of(OpKind op) => op switch
    {
        OpKind.Input => "input",
        OpKind.Conv2D => "conv2d",
        OpKind.DepthwiseConv2D => "depthwise_conv2d",
        OpKind.SeparableConv2D => "separable_conv2d",
        OpKind.Conv2DTranspose => "conv2d_transpose",
        OpKind.MaxPool2D => "maxpool2d",
        OpKind.AvgPool2D => "avgpool2d",
        OpKind.GlobalAvgPool => "global_avgpool",
        OpKind.Flatten => "flatten",
        OpKind.Dense => "dense",
        OpKind.Dropout => "dropout",
        OpKind.BatchNorm => "batchnorm",
        OpKind.LocalResponseNorm => "lrn",
        OpKind.Upsample => "upsample",
        OpKind.Crop => "crop",
        OpKind.Add => "add",
        OpKind.Concat => "concat",
        OpKind.Multiply => "multiply",
        OpKind.ReLU => "relu",
        OpKind.LeakyReLU => "leaky_relu",
        OpKind.ELU => "elu",
        OpKind.Sigmoid => "sigmoid",
        OpKind.Tanh => "tanh",
        OpKind.Softmax => "softmax",
        OpKind.ReLU6 => "relu6",
        OpKind.HardSigmoid => "hardsigmoid",
        OpKind.HardSwish => "hardswish",
        OpKind.SiLU => "silu",
        OpKind.GELU => "gelu",
        OpKind.Mish => "mish",
        OpKind.Clip => "clip",
        OpKind.Scale => "scale",
        OpKind.Shift => "shift",
        _ => op.ToString().ToLowerInvariant(),
    };

    /// <summary>Ops that join several inputs.</summary>
    public static bool IsMerge(OpKind op) => op is OpKind.Add or OpKind.Concat or OpKind.Multiply;

    /// <summary>Ops computed element by element with output shape = input shape, which may run in place at inference.</summary>
    public static bool IsElementwise(OpKind op) => op is OpKind.ReLU or OpKind.LeakyReLU or OpKind.ELU
        or OpKind.Sigmoid or OpKind.Tanh or OpKind.Softmax or OpKind.BatchNorm
        or OpKind.ReLU6 or OpKind.HardSigmoid or OpKind.HardSwish or OpKind.SiLU or OpKind.GELU or OpKind.Mish or OpKind.Clip
        or OpKind.Scale or OpKind.Shift;

    /// <summary>Ops whose output is a view of their input at inference (same elements, no computation).</summary>
    public static bool IsInferenceView(OpKind op) => op is OpKind.Flatten or OpKind.Dropout;

    /// <summary>
    /// Activations whose derivative is not a function of their output (not monotonic), so
    /// backward needs the pre-activation: an activation node reads its input, and a layer
    /// with one fused keeps its pre-activation in training (the SavedPreActivation kernel buffer).
    /// </summary>
    public static bool NeedsPreActivation(ActivationKind kind) =>
        kind is ActivationKind.HardSwish or ActivationKind.SiLU or ActivationKind.GELU or ActivationKind.GELUTanh or ActivationKind.Mish;

    /// <summary>An activation node's function (gelu's form is in its arguments); None for other ops.</summary>
    public static ActivationKind ActivationOf(Node node) => node.Op == OpKind.GELU ? node.Args.Activation : ActivationOf(node.Op);

    public static ActivationKind ActivationOf(OpKind op) => op switch
    {
        OpKind.ReLU => ActivationKind.ReLU,
        OpKind.LeakyReLU => ActivationKind.LeakyReLU,
        OpKind.ELU => ActivationKind.ELU,
        OpKind.Sigmoid => ActivationKind.Sigmoid,
        OpKind.Tanh => ActivationKind.Tanh,
        OpKind.ReLU6 => ActivationKind.ReLU6,
        OpKind.HardSigmoid => ActivationKind.HardSigmoid,
        OpKind.HardSwish => ActivationKind.HardSwish,
        OpKind.SiLU => ActivationKind.SiLU,
        OpKind.GELU => ActivationKind.GELU,
        OpKind.Mish => ActivationKind.Mish,
        _ => ActivationKind.None,
    };
}
