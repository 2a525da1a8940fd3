using NetGen;

namespace Samples.FashionMnist;

/// <summary>
/// Two VGG-style blocks (two 3x3 convolutions each, batch norm before every ReLU, 2x2 max
/// pool, dropout), a 256-unit hidden layer and a 10-way softmax: 870,826 trainable
/// parameters (871,210 with the batch-norm statistics), well under the 2 million of
/// Fashion-MNIST's benchmark table. Convolutions feeding a batch norm have no bias (the
/// norm's shift replaces it); at inference each norm folds into its convolution.
/// </summary>
[Network(1, 28, 28, Batch = 64, Optimizer = OptimizerType.Adam)]
[Conv2D(32, 3, Padding = Padding.Same, Bias = false, Name = "conv1")]   // (32, 28, 28)
[BatchNorm(Name = "bn1")]
[ReLU(Name = "relu1")]
[Conv2D(32, 3, Padding = Padding.Same, Bias = false, Name = "conv2")]   // (32, 28, 28)
[BatchNorm(Name = "bn2")]
[ReLU(Name = "relu2")]
[MaxPool2D(2, Name = "pool1")]                                           // (32, 14, 14)
[Dropout(0.1, Name = "drop1")]
[Conv2D(64, 3, Padding = Padding.Same, Bias = false, Name = "conv3")]   // (64, 14, 14)
[BatchNorm(Name = "bn3")]
[ReLU(Name = "relu3")]
[Conv2D(64, 3, Padding = Padding.Same, Bias = false, Name = "conv4")]   // (64, 14, 14)
[BatchNorm(Name = "bn4")]
[ReLU(Name = "relu4")]
[MaxPool2D(2, Name = "pool2")]                                           // (64, 7, 7)
[Dropout(0.2, Name = "drop2")]
[Flatten(Name = "flatten")]                                              // (3136)
[Dense(256, Activation = Activation.ReLU, Name = "dense1")]             // (256)
[Dropout(0.3, Name = "drop3")]
[Dense(10, Activation = Activation.Softmax, Name = "dense2")]           // (10)
public partial class FashionNet;
