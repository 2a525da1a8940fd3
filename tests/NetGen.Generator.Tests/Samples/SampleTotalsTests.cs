using System;
using NetGen.Generator.Model;
using Xunit;

namespace NetGen.Generator.Tests.Samples;

/// <summary>
/// The sample architectures against their published parameter counts, and the textbook
/// exercise against its worked figures (samples/Exercises/README.md).
/// </summary>
public class SampleTotalsTests
{
    /// <summary>
    /// Published counts. PyTorch (torchvision, pretrainedmodels) counts parameters without the
    /// batch-norm running mean and variance, which it keeps as buffers; Keras counts them as
    /// non-trainable parameters. So the PyTorch nets are compared to TotalParams - Statistics
    /// and the Keras nets to TotalParams. Statistics are 2 per batch-norm channel, counted by
    /// tools/param-check/cnn_params.py; for the Keras nets they equal Keras's non-trainable count.
    /// </summary>
    public static TheoryData<string, string, long, long, bool, int> Architectures => new()
    {
        // file, network, published count, statistics, count includes statistics (Keras), classes
        { "LeNet5.cnn", "LeNet5", 61_706, 0, false, 10 },
        { "AlexNet.cnn", "AlexNet", 61_100_840, 0, false, 1000 },
        { "Vgg16.cnn", "Vgg16", 138_357_544, 0, false, 1000 },
        { "GoogLeNet.cnn", "GoogLeNet", 6_624_904, 14_560, false, 1000 },
        { "ResNet18.cnn", "ResNet18", 11_689_512, 9_600, false, 1000 },
        { "ResNet34.cnn", "ResNet34", 21_797_672, 17_024, false, 1000 },
        { "ResNet50.cnn", "ResNet50", 25_557_032, 53_120, false, 1000 },
        { "SeResNet50.cnn", "SeResNet50", 28_088_024, 53_120, false, 1000 },
        { "Xception.cnn", "Xception", 22_910_480, 54_528, true, 1000 },
        { "MobileNet.cnn", "MobileNet", 4_253_864, 21_888, true, 1000 },
        { "InceptionV3.cnn", "InceptionV3", 23_851_784, 34_432, true, 1000 },
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Architecture_matches_its_published_parameter_count(
        string file, string network, long published, long statistics, bool keras, int classes)
    {
        NetworkAnalysis analysis = SampleFiles.Analyze("Architectures/" + file);

        Assert.Equal(network, analysis.Network.Name);
        Assert.Equal(statistics, analysis.Statistics);
        Assert.Equal(published, keras ? analysis.TotalParams : analysis.TotalParams - analysis.Statistics);
        // Nothing is frozen in the samples: the only non-trainable values are the statistics.
        Assert.Equal(statistics, analysis.NonTrainableParams);
        Assert.Equal(Shape.Vector(classes), analysis.OutputShape);
    }

    /// <summary>
    /// Published compute, in the precision it is published: torchvision's model table
    /// ("GFLOPS", which counts multiply-accumulates of convolutions and dense layers, to two
    /// decimals) and the MobileNet paper's 569 million mult-adds.
    /// </summary>
    public static TheoryData<string, double, double, int> PublishedMacs => new()
    {
        // file, published figure, its unit, its decimals
        { "AlexNet.cnn", 0.71, 1e9, 2 },
        { "Vgg16.cnn", 15.47, 1e9, 2 },
        { "GoogLeNet.cnn", 1.50, 1e9, 2 },
        { "ResNet18.cnn", 1.81, 1e9, 2 },
        { "ResNet34.cnn", 3.66, 1e9, 2 },
        { "ResNet50.cnn", 4.09, 1e9, 2 },
        { "InceptionV3.cnn", 5.71, 1e9, 2 },
        { "MobileNet.cnn", 569, 1e6, 0 },
    };

    [Theory]
    [MemberData(nameof(PublishedMacs))]
    public void Architecture_matches_its_published_compute(string file, double published, double unit, int decimals)
    {
        NetworkAnalysis analysis = SampleFiles.Analyze("Architectures/" + file);

        Assert.Equal(published, Math.Round(analysis.TotalMacs / unit, decimals));
    }

    /// <summary>
    /// The unpadded U-Net of Ronneberger et al. (2015), 64 base filters, 2 classes, by arithmetic
    /// (a 3x3 convolution has 9 cin cout + cout parameters, a 2x2 up-convolution 4 cin cout + cout):
    /// encoder   1-64: 640 + 36,928; 64-128: 73,856 + 147,584; 128-256: 295,168 + 590,080;
    ///           256-512: 1,180,160 + 2,359,808; 512-1024: 4,719,616 + 9,438,208 = 18,842,048;
    /// decoder   up 1024-512: 2,097,664 + 4,719,104 + 2,359,808; up 512-256: 524,544 + 1,179,904 + 590,080;
    ///           up 256-128: 131,200 + 295,040 + 147,584; up 128-64: 32,832 + 73,792 + 36,928;
    ///           1x1 64-2: 130 = 12,188,610;
    /// total 31,030,658 (the "about 31 million" usually quoted). Sizes: each valid 3x3 takes 2
    /// pixels off, 572 -> 568 -> 284 ... -> 28 at the bottom, up 56 -> 52, 104 -> 100, 200 -> 196,
    /// 392 -> 388; the skips are cropped 64 -> 56, 136 -> 104, 280 -> 200, 568 -> 392.
    /// </summary>
    [Fact]
    public void UNet_has_the_arithmetic_parameter_count_compute_and_a_2x388x388_output()
    {
        NetworkAnalysis analysis = SampleFiles.Analyze("Architectures/UNet.cnn");

        Assert.Equal(31_030_658, analysis.TotalParams);
        Assert.Equal(0, analysis.NonTrainableParams);
        Assert.Equal(Shape.Chw(2, 388, 388), analysis.OutputShape);

        // MACs from the same sizes: a valid 3x3 costs 9 cin cout per output pixel, an
        // up-convolution 4 cin cout per input pixel, the 1x1 head 64 x 2 per pixel.
        long macs = 0;
        int size = 572, channels = 1;
        var skips = new int[4];
        for (int level = 0; level < 5; level++)
        {
            int filters = 64 << level;
            macs += 9L * channels * filters * (size - 2) * (size - 2) + 9L * filters * filters * (size - 4) * (size - 4);
            size -= 4;
            channels = filters;
            if (level < 4) skips[level] = size;
            if (level < 4) size /= 2;
        }
        Assert.Equal(new[] { 568, 280, 136, 64 }, skips);
        for (int level = 3; level >= 0; level--)
        {
            int filters = 64 << level;
            macs += 4L * channels * filters * size * size;
            size *= 2;
            Assert.True(skips[level] >= size && (skips[level] - size) % 2 == 0, "the crop is centred exactly");
            macs += 9L * 2 * filters * filters * (size - 2) * (size - 2) + 9L * filters * filters * (size - 4) * (size - 4);
            size -= 4;
            channels = filters;
        }
        macs += 64L * 2 * size * size;
        Assert.Equal(388, size);
        Assert.Equal(macs, analysis.TotalMacs);
        Assert.Equal(150.43, Math.Round(analysis.TotalMacs / 1e9, 2));
    }

    [Fact]
    public void ThreeConv_parameters_and_output_shapes_match_the_worked_exercise()
    {
        NetworkAnalysis analysis = SampleFiles.Analyze("Exercises/ThreeConv.cnn");

        // 3x3 kernels: K x C x 9 weights + K biases per layer.
        Assert.Equal(2_800 + 180_200 + 720_400, analysis.TotalParams);
        Assert.Equal(903_400, analysis.TrainableParams);
        // 'same' with stride 2: ceil(in / 2) per axis; 300 -> 150 -> 75 -> 38.
        Assert.Equal(Shape.Chw(100, 100, 150), Output(analysis, "conv1"));
        Assert.Equal(Shape.Chw(200, 50, 75), Output(analysis, "conv2"));
        Assert.Equal(Shape.Chw(400, 25, 38), Output(analysis, "conv3"));
        Assert.Equal(Shape.Chw(400, 25, 38), analysis.OutputShape);
    }

    [Fact]
    public void ThreeConv_inference_memory_matches_the_worked_exercise()
    {
        NetworkAnalysis analysis = SampleFiles.Analyze("Exercises/ThreeConv.cnn");

        // Peak liveness: conv1's output (6.0 MB) is alive while conv2 writes its own (3.0 MB).
        Assert.Equal(9_000_000, analysis.InferencePlan.Bytes);
        Assert.Equal(3_613_600, analysis.ParameterBytes);
        Assert.Equal(12_613_600, analysis.InferenceBytes);
    }

    [Fact]
    public void ThreeConv_training_memory_at_batch_50_matches_the_worked_exercise()
    {
        TrainingMemory training = SampleFiles.Analyze("Exercises/ThreeConv.cnn").Training;

        Assert.Equal(50, training.Batch);
        // 50 x (1,500,000 + 750,000 + 380,000) activations x 4 bytes.
        Assert.Equal(526_000_000, training.Activations);
        // 50 x 3 x 200 x 300 x 4 bytes.
        Assert.Equal(36_000_000, training.Inputs);
        Assert.Equal(3_613_600, training.Parameters);
        Assert.Equal(3_613_600, training.Gradients);
        // Adam keeps two moments per trainable parameter.
        Assert.Equal(OptimizerKind.Adam, training.Optimizer);
        Assert.Equal(7_227_200, training.OptimizerState);
        // Backward liveness: conv2's output gradient (150 MB) is alive while conv2's backward
        // writes conv1's (300 MB); the input image needs no gradient.
        Assert.Equal(450_000_000, training.Workspace);
        Assert.Equal(1_026_454_400, training.Total);
    }

    private static Shape Output(NetworkAnalysis analysis, string node)
    {
        for (int i = 0; i < analysis.Network.Nodes.Count; i++)
        {
            if (analysis.Network.Nodes[i].Name == node) return analysis.Layers[i].Output;
        }
        throw new Xunit.Sdk.XunitException($"{analysis.Network.Name} has no node '{node}'");
    }
}
