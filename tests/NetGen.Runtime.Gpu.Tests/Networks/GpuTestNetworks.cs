using NetGen;

namespace NetGen.Gpu.Tests.Networks;

/// <summary>An MNIST-style CNN at a tiny size: conv + ReLU, max pool, flatten, dense + softmax (SGD with momentum).</summary>
[Network(1, 8, 8, Batch = 3, Optimizer = OptimizerType.Sgd)]
[Conv2D(4, 3, Activation = Activation.ReLU, Name = "conv1")]
[MaxPool2D(2, Name = "pool1")]
[Flatten(Name = "flatten")]
[Dense(5, Activation = Activation.Softmax, Name = "dense_1")]
public partial class GpuMnistNet;

/// <summary>The same layers trained with Adam, on a two-channel input (the channels-last staging).</summary>
[Network(2, 7, 7, Batch = 2, Optimizer = OptimizerType.Adam)]
[Conv2D(4, 3, Padding = Padding.Same, Activation = Activation.ReLU, Name = "conv1")]
[MaxPool2D(2, Name = "pool1")]
[Flatten(Name = "flatten")]
[Dense(3, Activation = Activation.Softmax, Name = "dense_1")]
public partial class GpuMnistAdamNet;

/// <summary>The MNIST-style CNN with a dropout of rate 0 between pool and flatten: the dropout path trains exactly as the CPU's (every mask is 1).</summary>
[Network(1, 8, 8, Batch = 3, Optimizer = OptimizerType.Sgd)]
[Conv2D(4, 3, Activation = Activation.ReLU, Name = "conv1")]
[MaxPool2D(2, Name = "pool1")]
[Dropout(0.0, Name = "drop")]
[Flatten(Name = "flatten")]
[Dense(5, Activation = Activation.Softmax, Name = "dense_1")]
public partial class GpuDropoutIdentityNet;

/// <summary>A dropout of rate 0.5 straight after a 1x4x4 input, then a dense head: its masks can be redrawn on the host (node 1's streams).</summary>
[Network(1, 4, 4, Batch = 3, Optimizer = OptimizerType.Sgd)]
[Dropout(0.5, Name = "drop")]
[Flatten(Name = "flatten")]
[Dense(3, Name = "head")]
public partial class GpuDropoutNet;
