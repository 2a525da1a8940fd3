using NetGen;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>
/// The spatial layers declared as attributes (the other front end, mapped to the same IR): a
/// transposed convolution with crop and output padding, LRN, a strided separable convolution
/// with multiplier 2, bilinear upsampling, then class scores.
/// </summary>
[Network(2, 5, 5, Batch = 2, Optimizer = OptimizerType.Sgd)]
[Conv2D(4, 3, Padding = Padding.Same, Activation = Activation.ReLU, Name = "conv1")]                         // (4, 5, 5)
[Conv2DTranspose(3, 3, Stride = 2, Pad = 1, OutputPadding = 1, Activation = Activation.ELU, Name = "up1")]  // (3, 10, 10)
[LocalResponseNorm(1, Bias = 1.5, Alpha = 0.3, Beta = 0.75, Name = "lrn1")]
[SeparableConv2D(5, 3, Stride = 2, Multiplier = 2, Activation = Activation.Tanh, Name = "sep1")]            // (5, 4, 4)
[Upsample(2, Mode = Interpolation.Bilinear, Name = "up2")]                                                  // (5, 8, 8)
[GlobalAvgPool(Name = "gap")]
[Dense(3, Activation = Activation.Softmax, Name = "fc")]
public partial class AttributeSpatialNet;
