using NetGen;

namespace NetGen.GpuBench;

// The MNIST CNN of samples/Mnist (MnistCnn.cs: the same layers and names), trained with SGD and
// momentum rather than the sample's Adam, at two batches. Attributes fix the batch, so each batch is
// its own declared network; the sample's file cannot be linked for that reason.

/// <summary>The textbook MNIST CNN at batch 64.</summary>
[Network(1, 28, 28, Batch = 64, Optimizer = OptimizerType.Sgd)]
[Conv2D(32, 3, Activation = Activation.ReLU, Name = "conv1")]   // (32, 26, 26)
[MaxPool2D(2, Name = "pool1")]                                   // (32, 13, 13)
[Conv2D(64, 3, Activation = Activation.ReLU, Name = "conv2")]   // (64, 11, 11)
[MaxPool2D(2, Name = "pool2")]                                   // (64, 5, 5)
[Conv2D(64, 3, Activation = Activation.ReLU, Name = "conv3")]   // (64, 3, 3)
[Flatten(Name = "flatten")]                                      // (576)
[Dense(64, Activation = Activation.ReLU, Name = "dense_1")]     // (64)
[Dense(10, Activation = Activation.Softmax, Name = "dense_2")]  // (10)
public partial class MnistCnnBatch64;

/// <summary>The textbook MNIST CNN at batch 256.</summary>
[Network(1, 28, 28, Batch = 256, Optimizer = OptimizerType.Sgd)]
[Conv2D(32, 3, Activation = Activation.ReLU, Name = "conv1")]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(64, 3, Activation = Activation.ReLU, Name = "conv2")]
[MaxPool2D(2, Name = "pool2")]
[Conv2D(64, 3, Activation = Activation.ReLU, Name = "conv3")]
[Flatten(Name = "flatten")]
[Dense(64, Activation = Activation.ReLU, Name = "dense_1")]
[Dense(10, Activation = Activation.Softmax, Name = "dense_2")]
public partial class MnistCnnBatch256;
