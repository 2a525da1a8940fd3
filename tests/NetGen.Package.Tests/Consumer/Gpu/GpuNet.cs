using NetGen;

namespace PkgGpu;

/// <summary>(1, 8, 8) -> conv (4, 6, 6) -> pool (4, 3, 3) -> 36 -> 3, as the CPU-only consumer's AttributeNet, with Adam.</summary>
[Network(1, 8, 8, Batch = 4, Optimizer = OptimizerType.Adam)]
[Conv2D(4, 3, Activation = Activation.ReLU, Name = "conv")]
[MaxPool2D(2, Name = "pool")]
[Flatten(Name = "flatten")]
[Dense(3, Activation = Activation.Softmax, Name = "head")]
public partial class GpuNet;
