using NetGen;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>A patch classifier: conv 3x3, max pool 2, Flatten of (4, 3, 3), two Dense layers.</summary>
[Network(2, 8, 8, Batch = 4, Optimizer = OptimizerType.Adam)]
[Conv2D(4, 3, Activation = Activation.ReLU, Name = "conv1")]   // (4, 6, 6)
[MaxPool2D(2, Name = "pool1")]                                   // (4, 3, 3)
[Flatten(Name = "flatten")]
[Dense(6, Activation = Activation.ReLU, Name = "fc1")]
[Dense(3, Activation = Activation.Softmax, Name = "fc2")]
public partial class PatchNet;

/// <summary><see cref="PatchNet"/> fully convolutional at its own input size: fc1 a 3x3 convolution, fc2 a 1x1.</summary>
[Network(2, 8, 8)]
[Conv2D(4, 3, Activation = Activation.ReLU, Name = "conv1")]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(6, 3, Activation = Activation.ReLU, Name = "fc1")]       // (6, 1, 1)
[Conv2D(3, 1, Activation = Activation.Softmax, Name = "fc2")]    // (3, 1, 1)
public partial class PatchNetConv;

/// <summary>The same twin on a 13x11 input: a (3, 3, 2) score map, positions 2 input pixels apart.</summary>
[Network(2, 13, 11)]
[Conv2D(4, 3, Activation = Activation.ReLU, Name = "conv1")]   // (4, 11, 9)
[MaxPool2D(2, Name = "pool1")]                                   // (4, 5, 4)
[Conv2D(6, 3, Activation = Activation.ReLU, Name = "fc1")]       // (6, 3, 2)
[Conv2D(3, 1, Activation = Activation.Softmax, Name = "fc2")]    // (3, 3, 2)
public partial class PatchNetMap;

/// <summary>A wrong twin: fc1's kernel is 2x2, fc2 is renamed.</summary>
[Network(2, 8, 8)]
[Conv2D(4, 3, Activation = Activation.ReLU, Name = "conv1")]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(6, 2, Activation = Activation.ReLU, Name = "fc1")]
[Conv2D(3, 1, Name = "head")]
public partial class PatchNetWrongTwin;
