using NetGen;

namespace Samples.Exercises;

/// <summary>
/// The textbook exercise as attributes: an RGB 200x300 image (3x200x300) through three 3x3
/// convolutions with stride 2 and 'same' padding, 100, 200 and 400 feature maps. The twin of
/// network ThreeConv in ThreeConv.cnn: same layers, same names, same training settings.
/// </summary>
[Network(3, 200, 300, Batch = 50, Optimizer = OptimizerType.Adam)]
[Conv2D(100, 3, Stride = 2, Padding = Padding.Same, Name = "conv1")]   // (100, 100, 150)
[Conv2D(200, 3, Stride = 2, Padding = Padding.Same, Name = "conv2")]   // (200, 50, 75)
[Conv2D(400, 3, Stride = 2, Padding = Padding.Same, Name = "conv3")]   // (400, 25, 38)
public partial class ThreeConvNet;
