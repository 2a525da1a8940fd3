using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>torchvision's ResNet-18 built as IR, a network with published figures.</summary>
internal static class ResNets
{
    /// <summary>One basic block (conv-bn-relu-conv-bn, add, relu) on a (filters, size, size) input.</summary>
    public static TestIr BasicBlockNet(int filters, int size)
    {
        var ir = TestIr.Chw(filters, size, size);
        BasicBlock(ir, "block", 0, filters, 1);
        return ir;
    }

    public static TestIr ResNet18()
    {
        var ir = TestIr.Chw(3, 224, 224);
        ir.Then("conv1", OpKind.Conv2D, TestIr.Pad(64, 7, 3, 2, bias: false));
        ir.Then("bn1", OpKind.BatchNorm);
        ir.Then("relu", OpKind.ReLU);
        int x = ir.Then("maxpool", OpKind.MaxPool2D, TestIr.Pool(3, 2, PaddingMode.Explicit, 1));
        int channels = 64;
        int[] widths = { 64, 128, 256, 512 };
        for (int stage = 0; stage < 4; stage++)
        {
            for (int block = 0; block < 2; block++)
            {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                x = BasicBlock(ir, $"layer{stage + 1}.{block}", x, widths[stage], stride, channels);
                channels = widths[stage];
            }
        }
        ir.Then("avgpool", OpKind.GlobalAvgPool);
        ir.Then("fc", OpKind.Dense, TestIr.Dense(1000));
        return ir;
    }

    private static int BasicBlock(TestIr ir, string name, int input, int filters, int stride, int inChannels = -1)
    {
        ir.Add(name + ".conv1", OpKind.Conv2D, TestIr.Pad(filters, 3, 1, stride, bias: false), false, input);
        ir.Then(name + ".bn1", OpKind.BatchNorm);
        ir.Then(name + ".relu", OpKind.ReLU);
        ir.Then(name + ".conv2", OpKind.Conv2D, TestIr.Pad(filters, 3, 1, bias: false));
        int main = ir.Then(name + ".bn2", OpKind.BatchNorm);
        int skip = input;
        if (stride != 1 || inChannels >= 0 && inChannels != filters)
        {
            ir.Add(name + ".downsample.0", OpKind.Conv2D, TestIr.Conv(filters, 1, stride, bias: false), false, input);
            skip = ir.Then(name + ".downsample.1", OpKind.BatchNorm);
        }
        ir.Merge(name + ".add", OpKind.Add, main, skip);
        return ir.Then(name + ".out", OpKind.ReLU);
    }
}
