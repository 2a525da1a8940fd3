using NetGen.Execution;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>The networks of SpatialNetworks.cnn, each with its float64 twin written from the same layer list.</summary>
internal static class SpatialCases
{
    /// <summary>The networks that train (class-score outputs).</summary>
    public static readonly string[] Trainable = { "Transpose", "TransposeInput", "Separable", "Resample", "Concat", "Crop", "Attribute" };

    public static readonly string[] Names = Trainable.Append("UNet").ToArray();

    public static INetwork Make(string name, ulong seed, ExecutionMode mode) => name switch
    {
        "Transpose" => new TransposeNet(seed, mode),
        "TransposeInput" => new TransposeInputNet(seed, mode),
        "Separable" => new SeparableNet(seed, mode),
        "Resample" => new ResampleNet(seed, mode),
        "Concat" => new ConcatNet(seed, mode),
        "Crop" => new CropNet(seed, mode),
        "UNet" => new TinyUNet(seed, mode),
        "Attribute" => new AttributeSpatialNet(seed, mode),
        _ => throw new ArgumentException(name),
    };

    /// <summary>(InferenceBytes + InferenceKernelBytes, TrainingBytes + TrainingKernelBytes, ParameterCount) as generated.</summary>
    public static (long Inference, long Training, long Parameters) Planned(string name) => name switch
    {
        "Transpose" => (TransposeNet.InferenceBytes + TransposeNet.InferenceKernelBytes,
            TransposeNet.TrainingBytes + TransposeNet.TrainingKernelBytes, TransposeNet.ParameterCount),
        "TransposeInput" => (TransposeInputNet.InferenceBytes + TransposeInputNet.InferenceKernelBytes,
            TransposeInputNet.TrainingBytes + TransposeInputNet.TrainingKernelBytes, TransposeInputNet.ParameterCount),
        "Separable" => (SeparableNet.InferenceBytes + SeparableNet.InferenceKernelBytes,
            SeparableNet.TrainingBytes + SeparableNet.TrainingKernelBytes, SeparableNet.ParameterCount),
        "Resample" => (ResampleNet.InferenceBytes + ResampleNet.InferenceKernelBytes,
            ResampleNet.TrainingBytes + ResampleNet.TrainingKernelBytes, ResampleNet.ParameterCount),
        "Concat" => (ConcatNet.InferenceBytes + ConcatNet.InferenceKernelBytes,
            ConcatNet.TrainingBytes + ConcatNet.TrainingKernelBytes, ConcatNet.ParameterCount),
        "Crop" => (CropNet.InferenceBytes + CropNet.InferenceKernelBytes,
            CropNet.TrainingBytes + CropNet.TrainingKernelBytes, CropNet.ParameterCount),
        "UNet" => (TinyUNet.InferenceBytes + TinyUNet.InferenceKernelBytes,
            TinyUNet.TrainingBytes + TinyUNet.TrainingKernelBytes, TinyUNet.ParameterCount),
        "Attribute" => (AttributeSpatialNet.InferenceBytes + AttributeSpatialNet.InferenceKernelBytes,
            AttributeSpatialNet.TrainingBytes + AttributeSpatialNet.TrainingKernelBytes, AttributeSpatialNet.ParameterCount),
        _ => throw new ArgumentException(name),
    };

    public static SpatialReferenceGraph Reference(string name)
    {
        switch (name)
        {
            case "Transpose":
            {
                var g = new SpatialReferenceGraph(3, 5, 4);
                int conv1 = g.Conv("conv1", SpatialReferenceGraph.Input, 4, 3, 3, (1, 1), (1, 1, 1, 1), act: Activation.ReLU);
                int up1 = g.ConvTranspose("up1", conv1, 5, 3, 3, (2, 2), (1, 1, 1, 1), (1, 1), Activation.LeakyReLU, 0.01);
                // 'same' at stride 1 with a 2x2 kernel crops one row and one column, at the bottom and right.
                int up2 = g.ConvTranspose("up2", up1, 3, 2, 2, (1, 1), (0, 1, 0, 1), (0, 0), Activation.Tanh);
                int flat = g.Flatten(g.MaxPool(up2, 2, 2));
                g.Dense("fc", flat, 4, Activation.Softmax);
                return g;
            }
            case "TransposeInput":
            {
                var g = new SpatialReferenceGraph(2, 3, 3);
                int up = g.ConvTranspose("up", SpatialReferenceGraph.Input, 4, 3, 3, (3, 2), (0, 0, 1, 1), (0, 0), Activation.ELU, 1.0);
                g.Dense("fc", g.Flatten(up), 3);
                return g;
            }
            case "Separable":
            {
                var g = new SpatialReferenceGraph(2, 7, 5);
                // 'same' with stride 2 on 7x5: outputs 4x3, padding 2 rows and 2 columns, split 1 + 1.
                int sep1 = g.Separable("sep1", SpatialReferenceGraph.Input, 6, 3, (2, 2), (1, 1, 1, 1), 2, Activation.ReLU);
                int sep2 = g.Separable("sep2", sep1, 4, 3, (1, 1), (1, 1, 1, 1), 1, Activation.Tanh);
                int sep3 = g.Separable("sep3", sep2, 5, 2, (1, 1), (0, 0, 0, 0), 3, bias: false);
                g.Dense("fc", g.Flatten(sep3), 3, Activation.Softmax);
                return g;
            }
            case "Resample":
            {
                var g = new SpatialReferenceGraph(3, 5, 3);
                int conv1 = g.Conv("conv1", SpatialReferenceGraph.Input, 4, 3, 3, (1, 1), (1, 1, 1, 1), act: Activation.ReLU);
                int lrn1 = g.Lrn(g.Upsample(conv1, 2, 2, bilinear: true), 2, 2, 0.1, 0.75);
                int conv2 = g.Conv("conv2", lrn1, 6, 3, 3, (2, 2), (0, 0, 0, 0), act: Activation.ELU, alpha: 1.0);
                int lrn2 = g.Lrn(g.Upsample(conv2, 3, 2, bilinear: false), 1, 1, 0.5, 0.6);
                g.Dense("fc", g.Flatten(lrn2), 3, Activation.Softmax);
                return g;
            }
            case "Concat":
            {
                var g = new SpatialReferenceGraph(2, 6, 5);
                int a = g.Conv("a", SpatialReferenceGraph.Input, 3, 3, 3, (1, 1), (1, 1, 1, 1), act: Activation.ReLU);
                int b = g.Conv("b", SpatialReferenceGraph.Input, 2, 1, 1, (1, 1), (0, 0, 0, 0), act: Activation.Tanh);
                int c = g.Concat(a, b, SpatialReferenceGraph.Input);
                int d = g.Conv("d", c, 4, 3, 3, (2, 2), (0, 0, 0, 0), act: Activation.ReLU);
                int e = g.MaxPool(a, 3, 2);
                int flat = g.Flatten(g.Concat(d, e, e));
                int v1 = g.Dense("v1", flat, 4, Activation.ReLU);
                int v2 = g.Dense("v2", flat, 2, Activation.Tanh);
                g.Dense("fc", g.Concat(v1, v2), 3, Activation.Softmax);
                return g;
            }
            case "Crop":
            {
                var g = new SpatialReferenceGraph(2, 9, 8);
                int a = g.Conv("a", SpatialReferenceGraph.Input, 3, 3, 3, (1, 1), (0, 0, 0, 0), act: Activation.ReLU);
                int b = g.Conv("b", a, 4, 2, 2, (2, 2), (0, 0, 0, 0), act: Activation.Tanh);
                // Centred 3x3 in 9x8: (9 - 3) / 2 = 3 rows and (8 - 3) / 2 = 2 columns above and left.
                int c = g.Crop(SpatialReferenceGraph.Input, 3, 2, 3, 3);
                int d = g.Crop(a, 1, 2, 3, 3);
                int e = g.Conv("e", g.Concat(b, c, d), 4, 2, 2, (1, 1), (0, 0, 0, 0), act: Activation.ReLU);
                // Centred 2x2 in 7x6: floor(5 / 2) = 2 rows above (3 below), (6 - 2) / 2 = 2 columns left.
                int f = g.Crop(a, 2, 2, 2, 2);
                g.Dense("fc", g.Flatten(g.Concat(e, f)), 3, Activation.Softmax);
                return g;
            }
            case "UNet":
            {
                var g = new SpatialReferenceGraph(3, 12, 12);
                var same = (1, 1, 1, 1);
                int enc1 = g.Conv("enc1", SpatialReferenceGraph.Input, 8, 3, 3, (1, 1), same, act: Activation.ReLU);
                int enc2 = g.Conv("enc2", g.MaxPool(enc1, 2, 2), 16, 3, 3, (1, 1), same, act: Activation.ReLU);
                int mid = g.Conv("mid", g.MaxPool(enc2, 2, 2), 16, 3, 3, (1, 1), same, act: Activation.ReLU);
                int up2 = g.ConvTranspose("up2", mid, 16, 2, 2, (2, 2), (0, 0, 0, 0), (0, 0));
                int dec2 = g.Conv("dec2", g.Concat(up2, enc2), 16, 3, 3, (1, 1), same, act: Activation.ReLU);
                int up1 = g.Upsample(dec2, 2, 2, bilinear: true);
                int dec1 = g.Conv("dec1", g.Concat(up1, enc1), 8, 3, 3, (1, 1), same, act: Activation.ReLU);
                g.Conv("out", dec1, 2, 1, 1, (1, 1), (0, 0, 0, 0));
                return g;
            }
            case "Attribute":
            {
                var g = new SpatialReferenceGraph(2, 5, 5);
                int conv1 = g.Conv("conv1", SpatialReferenceGraph.Input, 4, 3, 3, (1, 1), (1, 1, 1, 1), act: Activation.ReLU);
                int up1 = g.ConvTranspose("up1", conv1, 3, 3, 3, (2, 2), (1, 1, 1, 1), (1, 1), Activation.ELU, 1.0);
                int sep1 = g.Separable("sep1", g.Lrn(up1, 1, 1.5, 0.3, 0.75), 5, 3, (2, 2), (0, 0, 0, 0), 2, Activation.Tanh);
                g.Dense("fc", g.GlobalAvgPool(g.Upsample(sep1, 2, 2, bilinear: true)), 3, Activation.Softmax);
                return g;
            }
            default:
                throw new ArgumentException(name);
        }
    }
}
