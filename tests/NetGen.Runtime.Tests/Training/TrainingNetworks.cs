using NetGen;

namespace NetGen.Runtime.Tests.Training;

/// <summary>A frozen convolution under a trained head, updated by plain SGD (no optimizer state).</summary>
[Network(1, 8, 8, Batch = 4, Optimizer = OptimizerType.None)]
[Conv2D(4, 3, Activation = Activation.ReLU, Name = "conv1", Frozen = true)]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(3, 2, Activation = Activation.ReLU, Name = "conv2")]
[Flatten(Name = "flatten")]
[Dense(5, Activation = Activation.Softmax, Name = "fc")]
public partial class FrozenNet;

/// <summary>SGD with a momentum buffer, a small classifier for the update-rule checks.</summary>
[Network(2, 6, 6, Batch = 4, Optimizer = OptimizerType.Sgd)]
[Conv2D(3, 3, Activation = Activation.Tanh, Name = "conv1")]
[Flatten(Name = "flatten")]
[Dense(4, Activation = Activation.Softmax, Name = "fc")]
public partial class MomentumNet;

/// <summary>The same layers with Adam's two moment buffers.</summary>
[Network(2, 6, 6, Batch = 4, Optimizer = OptimizerType.Adam)]
[Conv2D(3, 3, Activation = Activation.Tanh, Name = "conv1")]
[Flatten(Name = "flatten")]
[Dense(4, Activation = Activation.Softmax, Name = "fc")]
public partial class AdamNet;

/// <summary><see cref="AdamNet"/> declared with twice its batch: one step over 8 samples is the reference for micro-batches.</summary>
[Network(2, 6, 6, Batch = 8, Optimizer = OptimizerType.Adam)]
[Conv2D(3, 3, Activation = Activation.Tanh, Name = "conv1")]
[Flatten(Name = "flatten")]
[Dense(4, Activation = Activation.Softmax, Name = "fc")]
public partial class AdamNetBig;

/// <summary>A fully convolutional segmenter: per-pixel class scores (3, 6, 5) with a softmax over the channels.</summary>
[Network(2, 6, 5, Batch = 3, Optimizer = OptimizerType.Adam)]
[Conv2D(4, 3, Padding = Padding.Same, Activation = Activation.Tanh, Name = "conv1")]
[Conv2D(3, 3, Padding = Padding.Same, Activation = Activation.Softmax, Name = "conv2")]
public partial class SegNet;

/// <summary><see cref="SegNet"/> at batch 5: the one-batch reference for its micro-batches.</summary>
[Network(2, 6, 5, Batch = 5, Optimizer = OptimizerType.Adam)]
[Conv2D(4, 3, Padding = Padding.Same, Activation = Activation.Tanh, Name = "conv1")]
[Conv2D(3, 3, Padding = Padding.Same, Activation = Activation.Softmax, Name = "conv2")]
public partial class SegNetBig;
