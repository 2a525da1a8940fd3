using NetGen.Bench.Peers;
using NetGen.Execution;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetGen.Bench.Mnist;

/// <summary>
/// The MNIST CNN in TorchSharp (LibTorch CPU), its parameters named as NetGen's ("conv1.weight")
/// and copied from a NetGen instance, so both compute with identical weights. The module ends
/// at the logits; inference applies softmax, training uses cross-entropy on the logits.
/// </summary>
public sealed class MnistTorch : IDisposable
{
    private readonly Sequential _model;

    /// <param name="network">Source of the weights.</param>
    public MnistTorch(INetwork network)
    {
        TorchSharpNative.EnsureLoaded();
        _model = nn.Sequential(
            ("conv1", nn.Conv2d(1, 32, 3)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(32, 64, 3)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
            ("conv3", nn.Conv2d(64, 64, 3)), ("relu3", nn.ReLU()),
            ("flatten", nn.Flatten()),
            ("dense_1", nn.Linear(576, 64)), ("relu4", nn.ReLU()),
            ("dense_2", nn.Linear(64, 10)));
        using (no_grad())
        {
            foreach (var (name, parameter) in _model.named_parameters())
            {
                var values = new float[parameter.numel()];
                network.CopyParameter(name, values);
                using var source = tensor(values, parameter.shape);
                parameter.copy_(source);
            }
        }
    }

    /// <summary>The module (logits out).</summary>
    public Sequential Model => _model;

    /// <summary>The module's parameters by NetGen name.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> Parameters => _model.named_parameters();

    public void Dispose() => _model.Dispose();
}
