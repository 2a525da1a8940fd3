using NetGen.Execution;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>The graph networks of Execution/Graphs/*.cnn, each with its float64 twin.</summary>
internal static class GraphCases
{
    public static readonly string[] Names = { "Residual", "Se", "WinogradResidual", "SliceResidual", "ModernActivation", "Clip", "FusedModern", "LastStage", "WideBlock", "NoAffine", "NoAffineSingle" };

    public static ITrainableNetwork Make(string name, ulong seed, ExecutionMode mode) => name switch
    {
        "Residual" => new ResidualNet(seed, mode),
        "Se" => new SeNet(seed, mode),
        "WinogradResidual" => new WinogradResidualNet(seed, mode),
        "SliceResidual" => new SliceResidualNet(seed, mode),
        "ModernActivation" => new ModernActivationNet(seed, mode),
        "Clip" => new ClipNet(seed, mode),
        "FusedModern" => new FusedModernNet(seed, mode),
        "LastStage" => new LastStageNet(seed, mode),
        "WideBlock" => new WideBlockNet(seed, mode),
        "NoAffine" => new NoAffineNet(seed, mode),
        "NoAffineSingle" => new NoAffineSingleNet(seed, mode),
        _ => throw new ArgumentException(name),
    };

    public static (long Inference, long Training) PlannedBytes(string name) => name switch
    {
        "Residual" => (ResidualNet.InferenceBytes + ResidualNet.InferenceKernelBytes, ResidualNet.TrainingBytes + ResidualNet.TrainingKernelBytes),
        "Se" => (SeNet.InferenceBytes + SeNet.InferenceKernelBytes, SeNet.TrainingBytes + SeNet.TrainingKernelBytes),
        "WinogradResidual" => (WinogradResidualNet.InferenceBytes + WinogradResidualNet.InferenceKernelBytes,
            WinogradResidualNet.TrainingBytes + WinogradResidualNet.TrainingKernelBytes),
        "SliceResidual" => (SliceResidualNet.InferenceBytes + SliceResidualNet.InferenceKernelBytes,
            SliceResidualNet.TrainingBytes + SliceResidualNet.TrainingKernelBytes),
        "ModernActivation" => (ModernActivationNet.InferenceBytes + ModernActivationNet.InferenceKernelBytes,
            ModernActivationNet.TrainingBytes + ModernActivationNet.TrainingKernelBytes),
        "Clip" => (ClipNet.InferenceBytes + ClipNet.InferenceKernelBytes, ClipNet.TrainingBytes + ClipNet.TrainingKernelBytes),
        "FusedModern" => (FusedModernNet.InferenceBytes + FusedModernNet.InferenceKernelBytes,
            FusedModernNet.TrainingBytes + FusedModernNet.TrainingKernelBytes),
        "LastStage" => (LastStageNet.InferenceBytes + LastStageNet.InferenceKernelBytes, LastStageNet.TrainingBytes + LastStageNet.TrainingKernelBytes),
        "WideBlock" => (WideBlockNet.InferenceBytes + WideBlockNet.InferenceKernelBytes, WideBlockNet.TrainingBytes + WideBlockNet.TrainingKernelBytes),
        "NoAffine" => (NoAffineNet.InferenceBytes + NoAffineNet.InferenceKernelBytes, NoAffineNet.TrainingBytes + NoAffineNet.TrainingKernelBytes),
        "NoAffineSingle" => (NoAffineSingleNet.InferenceBytes + NoAffineSingleNet.InferenceKernelBytes,
            NoAffineSingleNet.TrainingBytes + NoAffineSingleNet.TrainingKernelBytes),
        _ => throw new ArgumentException(name),
    };

    /// <summary>A basic block with an identity shortcut: relu(bn2(conv2(relu(bn1(conv1(x))))) + x).</summary>
    private static int Basic(ReferenceGraph g, int input, string name, int filters)
    {
        int relu = g.Act(g.BatchNorm(g.Conv(input, name + ".conv1", filters, 3, pad: 1, bias: false), name + ".bn1"), Activation.ReLU);
        int bn2 = g.BatchNorm(g.Conv(relu, name + ".conv2", filters, 3, pad: 1, bias: false), name + ".bn2");
        return g.Act(g.Add(bn2, input), Activation.ReLU);
    }

    public static ReferenceGraph Reference(string name)
    {
        switch (name)
        {
            case "Residual":
            {
                var g = new ReferenceGraph(3, 8, 8);
                int bn0 = g.BatchNorm(0, "bn0");
                int stem = g.Conv(bn0, "stem", 8, 3, stride: 2, pad: 1);
                int relu1 = g.Act(g.BatchNorm(stem, "bn1"), Activation.ReLU);
                int conv1 = g.Conv(relu1, "block1.conv1", 8, 3, pad: 1, bias: false);
                int inner = g.Act(g.BatchNorm(conv1, "block1.bn1"), Activation.ReLU);
                int conv2 = g.Conv(inner, "block1.conv2", 8, 3, pad: 1);
                int block = g.Act(g.Add(g.BatchNorm(conv2, "block1.bn2", epsilon: 0.001, momentum: 0.3), relu1), Activation.ReLU);
                int side = g.Conv(stem, "side_conv", 8, 1, bias: false);
                int sum = g.Add(block, side, relu1);
                g.Dense(g.GlobalAvgPool(g.BatchNorm(sum, "bn3")), "head", 5);
                return g;
            }
            case "Se":
            {
                var g = new ReferenceGraph(2, 6, 6);
                int conv1 = g.Conv(0, "conv1", 8, 3, pad: 1, act: Activation.Tanh);
                int fc1 = g.Conv(g.GlobalAvgPool(conv1), "se1.fc1", 4, 1, act: Activation.ReLU);
                int fc2 = g.Conv(fc1, "se1.fc2", 8, 1, act: Activation.Sigmoid);
                int frozen = g.BatchNorm(g.Multiply(conv1, fc2), "frozen_bn", frozen: true);
                int vgate = g.Act(g.BatchNorm(g.Dense(g.GlobalAvgPool(frozen), "gate_fc", 8), "gate_bn"), Activation.Sigmoid);
                int scaled = g.Multiply(vgate, frozen);
                int square = g.Multiply(scaled, scaled);
                int dw = g.Act(g.BatchNorm(g.Conv(square, "dw", 8, 3, pad: 1, bias: false, groups: 8), "dw_bn"), Activation.ReLU);
                int grouped = g.BatchNorm(g.Conv(dw, "grouped", 8, 1, groups: 2), "grouped_bn");
                g.Dense(g.GlobalAvgPool(grouped), "head", 4);
                return g;
            }
            case "WinogradResidual":
            {
                var g = new ReferenceGraph(2, 5, 6);
                int entry = g.Conv(0, "entry", 16, 1);
                int conv1 = g.Conv(entry, "conv1", 16, 3, pad: 1, bias: false);
                int inner = g.Act(g.BatchNorm(conv1, "bn1"), Activation.ReLU);
                int conv2 = g.Conv(inner, "conv2", 16, 3, pad: 1, bias: false);
                int sum = g.Act(g.Add(g.BatchNorm(conv2, "bn2"), entry), Activation.ReLU);
                g.Dense(g.GlobalAvgPool(sum), "head", 4);
                return g;
            }
            case "SliceResidual":
            {
                var g = new ReferenceGraph(2, 4, 4);
                int entry = g.Conv(0, "entry", 4, 1);
                int conv1 = g.Conv(entry, "conv1", 4, 3, pad: 1, bias: false);
                int sum = g.Add(g.Act(g.BatchNorm(conv1, "bn1"), Activation.ReLU), entry);
                g.Dense(g.GlobalAvgPool(g.Act(g.BatchNorm(sum, "bn2"), Activation.ReLU)), "head", 3);
                return g;
            }
            case "NoAffine":
            case "NoAffineSingle":
            {
                var g = new ReferenceGraph(2, 4, 4);
                int entry = g.Conv(0, "entry", 4, 1, bias: false);
                int conv1 = g.Conv(entry, "conv1", 4, 3, pad: 1, bias: false);
                int relu1 = g.Act(g.BatchNorm(conv1, "bn1", epsilon: 0.001, scale: false), Activation.ReLU);
                int conv2 = g.Conv(relu1, "conv2", 4, 3, pad: 1, bias: false);
                int sum = g.Add(g.BatchNorm(conv2, "bn2", center: false), entry);
                int bn3 = g.BatchNorm(sum, "bn3", scale: false, center: false);
                int bn4 = g.BatchNorm(g.Act(bn3, Activation.ReLU), "bn4", scale: false, frozen: true);
                g.Dense(g.GlobalAvgPool(g.Conv(bn4, "conv3", 4, 1)), "head", 3);
                return g;
            }
            case "ModernActivation":
            {
                var g = new ReferenceGraph(3, 6, 6);
                int conv1 = g.Conv(0, "conv1", 8, 3, pad: 1, act: Activation.ReLU6);
                int hs = g.Act(g.BatchNorm(conv1, "bn1"), Activation.HardSwish);
                int si = g.Act(g.BatchNorm(g.Conv(hs, "conv2", 8, 1, bias: false), "bn2"), Activation.SiLU);
                int ge = g.Act(g.BatchNorm(g.Conv(si, "conv3", 8, 1, bias: false), "bn3"), Activation.GELU);
                int gt = g.Act(g.Conv(ge, "conv4", 8, 1), Activation.GELUTanh);
                int mi = g.Act(g.Conv(gt, "dw", 8, 3, pad: 1, groups: 8), Activation.Mish);
                int gate = g.Conv(g.GlobalAvgPool(mi), "excite", 8, 1, act: Activation.HardSigmoid);
                g.Dense(g.GlobalAvgPool(g.Multiply(mi, gate)), "head", 4);
                return g;
            }
            case "FusedModern":
            {
                var g = new ReferenceGraph(3, 6, 6);
                int conv1 = g.Conv(0, "conv1", 8, 3, pad: 1, act: Activation.HardSwish);
                int conv2 = g.Conv(conv1, "conv2", 8, 1, act: Activation.SiLU);
                int dw = g.Conv(conv2, "dw", 8, 3, pad: 1, groups: 8, act: Activation.GELU);
                int conv3 = g.Conv(dw, "conv3", 8, 1, act: Activation.GELUTanh);
                int fc = g.Act(g.Dense(g.GlobalAvgPool(conv3), "fc", 6), Activation.Mish);
                g.Dense(fc, "head", 4);
                return g;
            }
            case "LastStage":
            {
                var g = new ReferenceGraph(3, 8, 8);
                int stem = g.Act(g.BatchNorm(g.Conv(0, "conv1", 32, 3, pad: 1, bias: false), "bn1"), Activation.ReLU);
                int b0 = Basic(g, stem, "b0", 32);
                int relu1 = g.Act(g.BatchNorm(g.Conv(b0, "b1.conv1", 64, 3, stride: 2, pad: 1, bias: false), "b1.bn1"), Activation.ReLU);
                int bn2 = g.BatchNorm(g.Conv(relu1, "b1.conv2", 64, 3, pad: 1, bias: false), "b1.bn2");
                int down = g.BatchNorm(g.Conv(b0, "b1.downsample_0", 64, 1, stride: 2, bias: false), "b1.downsample_1");
                int b1 = g.Act(g.Add(bn2, down), Activation.ReLU);
                g.Dense(g.GlobalAvgPool(Basic(g, b1, "b2", 64)), "head", 5);
                return g;
            }
            case "WideBlock":
            {
                var g = new ReferenceGraph(256, 4, 4);
                g.Dense(g.GlobalAvgPool(Basic(g, 0, "b", 256)), "head", 10);
                return g;
            }
            case "Clip":
            {
                var g = new ReferenceGraph(3, 6, 6);
                int cl = g.Clip(g.BatchNorm(g.Conv(0, "conv1", 8, 3, pad: 1), "bn1"), -0.5, 0.8);
                int shifted = g.Affine(g.Affine(cl, -1.5, 0), 1, 0.25);
                int six = g.Clip(g.Conv(shifted, "conv2", 8, 1), 0, 6);
                g.Dense(g.GlobalAvgPool(six), "head", 4);
                return g;
            }
            default:
                throw new ArgumentException(name);
        }
    }

    /// <summary>
    /// Random non-trivial values for what starts trivial: biases and batch norm shifts around 0,
    /// gammas and running variances in [0.5, 1.5], running means in [-0.3, 0.3].
    /// </summary>
    public static void Randomize(INetwork net, ulong seed)
    {
        foreach (var tensor in net.ParameterTable.ToArray())
        {
            var r = Cases.Random(tensor.Length, seed++);
            float[]? values = null;
            if (tensor.Name.EndsWith(".running_mean", StringComparison.Ordinal)) values = r.Select(v => 0.3f * v).ToArray();
            else if (tensor.Name.EndsWith(".running_var", StringComparison.Ordinal) || IsGamma(net, tensor)) values = r.Select(v => 1f + 0.5f * v).ToArray();
            else if (tensor.Name.EndsWith(".bias", StringComparison.Ordinal)) values = r.Select(v => 0.2f * v).ToArray();
            if (values is not null) net.SetParameter(tensor.Name, values);
        }
    }

    /// <summary>A batch norm's weight: a (C) ".weight" beside a ".running_mean".</summary>
    private static bool IsGamma(INetwork net, ParameterTensor tensor)
    {
        if (!tensor.Name.EndsWith(".weight", StringComparison.Ordinal)) return false;
        string prefix = tensor.Name[..^".weight".Length];
        foreach (var other in net.ParameterTable)
            if (other.Name == prefix + ".running_mean") return true;
        return false;
    }
}
