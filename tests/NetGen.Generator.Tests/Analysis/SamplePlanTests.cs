using Xunit;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;
using NetGen.Generator.Tests.Samples;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>
/// The plan properties of <see cref="PlanChecks"/> on every sample architecture (inception
/// branches, squeeze-and-excitation gates, separable convolutions, ceil-mode pooling), and
/// MACs against the figures their papers and torchvision publish.
/// </summary>
public class SamplePlanTests
{
    [Theory]
    [InlineData("Architectures/LeNet5.cnn")]
    [InlineData("Architectures/AlexNet.cnn")]
    [InlineData("Architectures/Vgg16.cnn")]
    [InlineData("Architectures/GoogLeNet.cnn")]
    [InlineData("Architectures/ResNet18.cnn")]
    [InlineData("Architectures/ResNet50.cnn")]
    [InlineData("Architectures/SeResNet50.cnn")]
    [InlineData("Architectures/MobileNet.cnn")]
    [InlineData("Architectures/Xception.cnn")]
    [InlineData("Architectures/InceptionV3.cnn")]
    public void PlansAreSound(string file)
    {
        var a = SampleFiles.Analyze(file);
        var last = PlanChecks.LastUse(a.Network, PlanChecks.Computed(a));
        PlanChecks.CheckLiveness(a.Network, a.InferencePlan, last);
        PlanChecks.CheckLiveness(a.Network, a.Training.GradientPlan, last);
        PlanChecks.CheckInPlaceIsSafe(a);
        var t = a.Training;
        Assert.Equal(t.FixedBytes + t.Batch * NetworkAnalyzer.TrainingAt(a, 1, t.Optimizer).PerSampleBytes, t.Total);
    }

    [Theory]
    // torchvision's published GFLOPS (multiply-accumulates) and the papers' figures, to 3 digits.
    [InlineData("Architectures/AlexNet.cnn", 0.714)]
    [InlineData("Architectures/Vgg16.cnn", 15.5)]
    [InlineData("Architectures/GoogLeNet.cnn", 1.50)]
    [InlineData("Architectures/ResNet18.cnn", 1.81)]
    [InlineData("Architectures/ResNet50.cnn", 4.09)]
    [InlineData("Architectures/MobileNet.cnn", 0.569)]
    public void MacsMatchPublishedFigures(string file, double gmacs)
    {
        double macs = SampleFiles.Analyze(file).TotalMacs / 1e9;
        Assert.InRange(macs, gmacs * 0.995, gmacs * 1.005);
    }
}
