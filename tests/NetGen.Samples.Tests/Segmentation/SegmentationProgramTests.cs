extern alias SegmentationSample;

using SegmentationSample::Samples.Segmentation;
using Xunit;

namespace NetGen.Samples.Tests.Segmentation;

/// <summary>The Segmentation program's command-line errors, through its compiled Main: exit code 2, the reason, the usage.</summary>
public class SegmentationProgramTests
{
    [Theory]
    [InlineData(new[] { "--test", "3" }, "--test needs a whole number of at least 4")]
    [InlineData(new[] { "--epochs", "0" }, "--epochs needs a whole number of at least 1")]
    [InlineData(new[] { "--seed", "-5" }, "--seed needs a non-negative whole number")]
    [InlineData(new[] { "--train" }, "--train needs a value")]
    [InlineData(new[] { "--scenes", "10" }, "unknown argument '--scenes'")]
    public void A_bad_argument_exits_with_2_and_its_reason(string[] args, string reason)
    {
        var run = EntryPoint.Run(typeof(DigitSegNet).Assembly, args);

        EntryPoint.AssertCleanError(run, 2, reason, "usage: Segmentation [--epochs N]");
    }
}
