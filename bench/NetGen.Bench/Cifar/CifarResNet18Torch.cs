using NetGen.Bench.Peers;
using NetGen.Execution;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetGen.Bench.Cifar;

/// <summary>
/// The CIFAR ResNet-18 of <c>CifarResNet18.cnn</c> in TorchSharp (LibTorch CPU), module for
/// module: the fields are named as the .cnn file's nodes, so <c>named_parameters</c> gives
/// NetGen's names ("layer2_0.downsample_0.weight"), and every parameter and batch-norm running
/// statistic is copied from a NetGen instance (PyTorch layouts both sides). The module ends at
/// the logits; training applies <c>cross_entropy</c> to them, as NetGen's TrainStep does.
/// Built in float32 for the timed row, or in float64 as the reference the agreement check
/// measures both float32 implementations against.
/// </summary>
public sealed class CifarResNet18Torch : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly BasicBlock layer1_0, layer1_1, layer2_0, layer2_1, layer3_0, layer3_1, layer4_0, layer4_1;
    private readonly Linear fc;

    /// <param name="network">Source of the weights and running statistics.</param>
    /// <param name="type">Float32 (timed) or Float64 (the reference).</param>
    public CifarResNet18Torch(INetwork network, ScalarType type) : base(nameof(CifarResNet18Torch))
    {
        TorchSharpNative.EnsureLoaded();
        conv1 = nn.Conv2d(3, 64, 3, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(64);
        layer1_0 = new BasicBlock(64, 64, 1);
        layer1_1 = new BasicBlock(64, 64, 1);
        layer2_0 = new BasicBlock(64, 128, 2);
        layer2_1 = new BasicBlock(128, 128, 1);
        layer3_0 = new BasicBlock(128, 256, 2);
        layer3_1 = new BasicBlock(256, 256, 1);
        layer4_0 = new BasicBlock(256, 512, 2);
        layer4_1 = new BasicBlock(512, 512, 1);
        fc = nn.Linear(512, 10);
        RegisterComponents();
        this.to(type);
        CopyFrom(network);
    }

    /// <summary>(N, 3, 32, 32) in, (N, 10) logits out.</summary>
    public override Tensor forward(Tensor x)
    {
        x = nn.functional.relu(bn1.forward(conv1.forward(x)));
        foreach (var block in new[] { layer1_0, layer1_1, layer2_0, layer2_1, layer3_0, layer3_1, layer4_0, layer4_1 })
        {
            x = block.forward(x);
        }
        return fc.forward(x.mean([2, 3]));
    }

    /// <summary>Parameters and running statistics from NetGen (num_batches_tracked has no NetGen twin and is unused with a fixed momentum).</summary>
    private void CopyFrom(INetwork network)
    {
        using var _ = no_grad();
        var tensors = named_parameters().Select(p => (p.name, (Tensor)p.parameter))
            .Concat(named_buffers().Where(b => !b.name.EndsWith(".num_batches_tracked", StringComparison.Ordinal)));
        foreach (var (name, tensor) in tensors)
        {
            var values = new float[tensor.numel()];
            network.CopyParameter(name, values);
            using var source = torch.tensor(values, tensor.shape);
            tensor.copy_(source);
        }
    }

    /// <summary>ResNet's basic block; with a stride or a width change, a 1x1 projection and its batch norm on the shortcut.</summary>
    private sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1, conv2;
        private readonly BatchNorm2d bn1, bn2;
        private readonly Conv2d? downsample_0;
        private readonly BatchNorm2d? downsample_1;

        public BasicBlock(int channelsIn, int channelsOut, int stride) : base(nameof(BasicBlock))
        {
            conv1 = nn.Conv2d(channelsIn, channelsOut, 3, stride: stride, padding: 1, bias: false);
            bn1 = nn.BatchNorm2d(channelsOut);
            conv2 = nn.Conv2d(channelsOut, channelsOut, 3, padding: 1, bias: false);
            bn2 = nn.BatchNorm2d(channelsOut);
            if (stride != 1 || channelsIn != channelsOut)
            {
                downsample_0 = nn.Conv2d(channelsIn, channelsOut, 1, stride: stride, bias: false);
                downsample_1 = nn.BatchNorm2d(channelsOut);
            }
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var b = bn2.forward(conv2.forward(nn.functional.relu(bn1.forward(conv1.forward(x)))));
            var shortcut = downsample_0 is null ? x : downsample_1!.forward(downsample_0.forward(x));
            return nn.functional.relu(b + shortcut);
        }
    }
}
