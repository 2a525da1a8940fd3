using Xunit;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>Budget diagnostics on ThreeConv (figures in <see cref="ThreeConvTests"/>), with a value still returned.</summary>
public class BudgetTests
{
    private static readonly LocationInfo BudgetLine = new("test.cnn", 40, 20, 5, 4, 5, 24);

    private static (NetworkAnalysis Analysis, DiagnosticInfo Diagnostic) Over(Budgets budgets, int batch = 50)
    {
        var result = NetworkAnalyzer.Analyze(ThreeConvTests.ThreeConv(batch, OptimizerKind.Adam, budgets));
        Assert.NotNull(result.Value);
        Assert.Single(result.Diagnostics);
        return (result.Value!, result.Diagnostics[0]);
    }

    [Fact]
    public void WithinBudgetsNoDiagnostics()
    {
        var result = NetworkAnalyzer.Analyze(ThreeConvTests.ThreeConv(
            budgets: new Budgets(903_400, 12_613_600, 1_026_454_400)));
        Assert.NotNull(result.Value);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void ParameterBudget()
    {
        var (_, d) = Over(new Budgets(500_000, null, null, MaxParamsLocation: BudgetLine));
        Assert.Equal("NG0201: Network 'Net' has 903,400 parameters, over its budget of 500,000; " +
            "largest: conv3 720,400, conv2 180,200, conv1 2,800", TestIr.Text(d));
        Assert.Equal(BudgetLine, d.Location);
    }

    [Fact]
    public void InferenceBudget()
    {
        var (_, d) = Over(new Budgets(null, 10_000_000, null));
        Assert.Equal("NG0202: Network 'Net' needs 12.6 MB for inference, over its budget of 10.0 MB; " +
            "largest: conv1 output 6.0 MB, conv2 output 3.0 MB, conv3 weights 2.9 MB", TestIr.Text(d));
        Assert.Equal(TestIr.NetworkLocation, d.Location);
    }

    [Fact]
    public void TrainingBudgetNamesTheLargestBatchThatFits()
    {
        long limit = 1_000_000_000;
        var (a, d) = Over(new Budgets(null, null, limit, MaxTrainingLocation: BudgetLine));
        Assert.Equal("NG0203: Network 'Net' needs 1.03 GB to train at batch 50, over its budget of 1.00 GB; " +
            "largest: conv1 output 300.0 MB, conv2 output 150.0 MB, conv3 output 76.0 MB; batch 48 would fit (986.0 MB)",
            TestIr.Text(d));
        Assert.Equal(BudgetLine, d.Location);
        // Recomputed from the plan: 48 fits, 49 does not.
        Assert.Equal(985_974_400, NetworkAnalyzer.TrainingAt(a, 48, OptimizerKind.Adam).Total);
        Assert.True(NetworkAnalyzer.TrainingAt(a, 48, OptimizerKind.Adam).Total <= limit);
        Assert.True(NetworkAnalyzer.TrainingAt(a, 49, OptimizerKind.Adam).Total > limit);
    }

    [Theory]
    [InlineData(100_000_000)]
    [InlineData(523_456_789)]
    [InlineData(40_000_000)]
    public void LargestFittingBatchIsExact(long limit)
    {
        var (a, d) = Over(new Budgets(null, null, limit));
        string text = TestIr.Text(d);
        int at = text.IndexOf("; batch ", StringComparison.Ordinal) + "; batch ".Length;
        int batch = int.Parse(text.Substring(at, text.IndexOf(' ', at) - at), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(NetworkAnalyzer.TrainingAt(a, batch, OptimizerKind.Adam).Total <= limit, text);
        Assert.True(NetworkAnalyzer.TrainingAt(a, batch + 1, OptimizerKind.Adam).Total > limit, text);
    }

    [Fact]
    public void WhenBatchOneDoesNotFitSaysWhatTheFixedPartNeeds()
    {
        var (a, d) = Over(new Budgets(null, null, 20_000_000));
        Assert.EndsWith("; even batch 1 does not fit (34.7 MB); parameters, gradients and optimizer state alone need 14.5 MB",
            TestIr.Text(d));
        Assert.Equal(34_694_400, NetworkAnalyzer.TrainingAt(a, 1, OptimizerKind.Adam).Total);
    }

    [Fact]
    public void AllThreeBudgetsReportTogether()
    {
        var result = NetworkAnalyzer.Analyze(ThreeConvTests.ThreeConv(budgets: new Budgets(1, 1, 1)));
        Assert.NotNull(result.Value);
        Assert.Equal(new[] { "NG0201", "NG0202", "NG0203" }, result.Diagnostics.Select(x => x.Id));
        Assert.EndsWith("parameters, gradients and optimizer state alone need 14.5 MB", TestIr.Text(result.Diagnostics[2]));
    }
}
