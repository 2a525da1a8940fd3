using NetGen;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>The brief's gradient-check network: 1x8x8, conv 4 3x3 + ReLU, max pool 2, flatten, dense 5 + softmax.</summary>
[Network(1, 8, 8, Batch = 4, Optimizer = OptimizerType.Adam)]
[Conv2D(4, 3, Activation = Activation.ReLU, Name = "conv1")]
[MaxPool2D(2, Name = "pool1")]
[Flatten(Name = "flatten")]
[Dense(5, Activation = Activation.Softmax, Name = "dense_1")]
public partial class TinyNet;

/// <summary>
/// Three input channels (the input transpose), 'same' padding with stride 2, a depthwise
/// convolution, separate activation nodes, a Dense after a Flatten of several channels
/// (the NCHW-flatten weight layout), a hidden tanh and a final separate softmax.
/// </summary>
[Network(3, 9, 7, Batch = 3, Optimizer = OptimizerType.Sgd)]
[Conv2D(6, 3, Stride = 2, Padding = Padding.Same, Name = "conv1")]
[LeakyReLU(Name = "act1")]
[DepthwiseConv2D(3, Name = "dw")]
[ELU(Name = "act2")]
[MaxPool2D(2, Stride = 1, Name = "pool")]
[Flatten(Name = "flat")]
[Dense(7, Activation = Activation.Tanh, Name = "fc1")]
[Dense(4, Name = "fc2")]
[Softmax(Name = "prob")]
public partial class MixedNet;

/// <summary>The textbook MNIST CNN (93,322 parameters).</summary>
[Network(1, 28, 28, Batch = 32, Optimizer = OptimizerType.Adam)]
[Conv2D(32, 3, Activation = Activation.ReLU, Name = "conv1")]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(64, 3, Activation = Activation.ReLU, Name = "conv2")]
[MaxPool2D(2, Name = "pool2")]
[Conv2D(64, 3, Activation = Activation.ReLU, Name = "conv3")]
[Flatten(Name = "flatten")]
[Dense(64, Activation = Activation.ReLU, Name = "dense_1")]
[Dense(10, Activation = Activation.Softmax, Name = "dense_2")]
public partial class MnistCnn;

/// <summary>An image-to-image network: output transposed back to channels-first (and two channels: it trains per pixel).</summary>
[Network(2, 6, 5, Batch = 2)]
[Conv2D(3, 3, Padding = Padding.Same, Activation = Activation.Sigmoid, Name = "conv1")]
[Conv2D(2, 1, Name = "conv2")]
public partial class ImageNet;

/// <summary>Average pooling with 'same' padding (a partial window at the edge) and global average pooling into a Dense.</summary>
[Network(2, 9, 9, Batch = 2, Optimizer = OptimizerType.Adam)]
[Conv2D(8, 3, Padding = Padding.Same, Activation = Activation.ReLU, Name = "conv1")]
[AvgPool2D(2, Padding = Padding.Same, Name = "avg")]
[Conv2D(6, 3, Activation = Activation.ELU, Name = "conv2")]
[GlobalAvgPool(Name = "gap")]
[Dense(3, Activation = Activation.Softmax, Name = "fc")]
public partial class PooledNet;

/// <summary>A small digit classifier (about 3,000 parameters) that trains in seconds even in a Debug build.</summary>
[Network(1, 28, 28, Batch = 32, Optimizer = OptimizerType.Adam)]
[Conv2D(8, 3, Stride = 2, Activation = Activation.ReLU, Name = "conv1")]   // (8, 13, 13)
[MaxPool2D(2, Name = "pool1")]                                               // (8, 6, 6)
[Flatten(Name = "flatten")]
[Dense(10, Activation = Activation.Softmax, Name = "dense_1")]
public partial class SmallDigitNet;

/// <summary>Dropout after a Flatten of several channels: the identity in Predict, a seeded mask in training.</summary>
[Network(2, 8, 8, Batch = 4, Optimizer = OptimizerType.Adam)]
[Conv2D(4, 3, Activation = Activation.ReLU, Name = "conv1")]
[Flatten(Name = "flatten")]
[Dropout(0.5, Name = "drop")]
[Dense(5, Activation = Activation.Softmax, Name = "fc")]
public partial class DropNet;

/// <summary>
/// Convolutions that run through Winograd F(2x2, 3x3) (3x3, stride 1, channels multiples of 16): conv1 with
/// 'same' padding on an odd width (partial tiles), fused at inference with a 2x2 stride-1 pool that the Winograd
/// kernel does not take (so the direct kernel runs the pair, and Winograd only trains); conv2 'valid' on an odd
/// height, fused with its 2x2 pool through Winograd at inference. Both compute their input gradient through
/// Winograd (padding 1 and 2 in the gradient convolution). conv0 (1x1) is not Winograd's and gives conv1's input a gradient.
/// </summary>
[Network(3, 6, 5, Batch = 2, Optimizer = OptimizerType.Adam)]
[Conv2D(16, 1, Activation = Activation.ReLU, Name = "conv0")]                             // (16, 6, 5)
[Conv2D(16, 3, Padding = Padding.Same, Activation = Activation.ReLU, Name = "conv1")]     // (16, 6, 5)
[MaxPool2D(2, Stride = 1, Name = "pool1")]                                                 // (16, 5, 4)
[Conv2D(32, 3, Activation = Activation.ReLU, Name = "conv2")]                             // (32, 3, 2)
[MaxPool2D(2, Name = "pool2")]                                                             // (32, 1, 1)
[Flatten(Name = "flatten")]
[Dense(5, Activation = Activation.Softmax, Name = "fc")]
public partial class WinogradNet;

/// <summary>
/// Convolutions whose forward the kernel-choice table gives the row-tap and pixel-tile kernels, in training as at
/// inference: stem (3 channels in, K = 64: row taps), mix (1x1, C = 64 &gt;= 16, K = 32, 36 pixels &gt;= 32: pixel tiles).
/// </summary>
[Network(3, 6, 6, Batch = 2, Optimizer = OptimizerType.Adam)]
[Conv2D(64, 3, Padding = Padding.Same, Activation = Activation.ReLU, Name = "stem")]    // (64, 6, 6)
[Conv2D(32, 1, Activation = Activation.ReLU, Name = "mix")]                             // (32, 6, 6)
[GlobalAvgPool(Name = "gap")]
[Dense(5, Activation = Activation.Softmax, Name = "fc")]
public partial class TilesNet;
