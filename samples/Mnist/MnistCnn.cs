using NetGen;

namespace Samples.Mnist;

/// <summary>
/// The textbook MNIST CNN: three 3x3 convolutions with ReLU, two 2x2 max pools, a 64-unit
/// hidden layer and a 10-way softmax, 93,322 parameters. The generator turns these
/// attributes into the class's constants, Summary, Predict and TrainStep (Adam, batch 64).
/// </summary>
[Network(1, 28, 28, Batch = 64, Optimizer = OptimizerType.Adam)]
[Conv2D(32, 3, Activation = Activation.ReLU, Name = "conv1")]   // (32, 26, 26)
[MaxPool2D(2, Name = "pool1")]                                   // (32, 13, 13)
[Conv2D(64, 3, Activation = Activation.ReLU, Name = "conv2")]   // (64, 11, 11)
[MaxPool2D(2, Name = "pool2")]                                   // (64, 5, 5)
[Conv2D(64, 3, Activation = Activation.ReLU, Name = "conv3")]   // (64, 3, 3)
[Flatten(Name = "flatten")]                                      // (576)
[Dense(64, Activation = Activation.ReLU, Name = "dense_1")]     // (64)
[Dense(10, Activation = Activation.Softmax, Name = "dense_2")]  // (10)
public partial class MnistCnn;
