using System.Text.RegularExpressions;
using NetGen.Cli.Commands;
using NetGen.Cli.Reports;
using NetGen.Training;
using Spectre.Console.Testing;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>
/// Live progress on a terminal 80 columns wide: every row it draws fits (no wrapped description,
/// no time column squeezed to a character a row), and each finished epoch stays as one line.
/// </summary>
[Collection(TrainingCollection.Name)]
public partial class LiveProgressTests
{
    private readonly TrainedRun _run;

    public LiveProgressTests(TrainedRun run) => _run = run;

    /// <summary>Colours and links: nothing on the screen.</summary>
    [GeneratedRegex(@"\x1b\[[0-9;]*m|\x1b\][^\x07\x1b]*(\x07|\x1b\\)")]
    private static partial Regex Style();

    /// <summary>Cursor moves and erases: what follows starts a new row.</summary>
    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Control();

    [Theory]
    [InlineData(80)]
    [InlineData(60)]
    [InlineData(120)]
    public void A_training_run_draws_rows_that_fit_the_terminal(int width)
    {
        var console = new TestConsole().Width(width).Interactive().EmitAnsiSequences();
        var output = new StringWriter();

        int code = TrainCommand.Run(_run.Options(2, TestData.TempFolder()), output, new StringWriter(), interactive: true, CancellationToken.None, console);

        Assert.Equal(0, code);
        // A cursor move or line erase starts a new row of text; each row is what one write put on a terminal row.
        string[] rows = Control().Replace(Style().Replace(console.Output, ""), "\n").Split('\n', '\r').Where(r => r.Trim().Length > 0).ToArray();
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.True(row.TrimEnd().Length < width, $"{row.TrimEnd().Length} columns: '{row}'"));
        // Nothing wrapped: every row is a whole bar or a whole epoch line (a wrapped one leaves rows of its
        // tail, "val acc 45.83%  0.5 s", or of a squeezed column, one character each).
        Assert.All(rows, row => Assert.StartsWith("epoch ", row.TrimStart()));
        // One finished line per epoch, each whole: "epoch 1/2  loss ... val acc ...".
        var finished = rows.Select(r => r.Trim()).Where(r => r.StartsWith("epoch ") && r.Contains("val", StringComparison.Ordinal)).Distinct().ToArray();
        Assert.Equal(["epoch 1/2", "epoch 2/2"], finished.Select(r => r[..9]));
        Assert.Contains("Done: 2 epochs", output.ToString());
    }

    [Fact]
    public void The_layout_counts_every_column_into_80()
    {
        var layout = ProgressLayout.For(80);

        Assert.True(layout.ShowRemaining);
        int used = layout.DescriptionWidth + ProgressLayout.Gap + layout.BarWidth + ProgressLayout.Gap + 4 + (layout.ShowRemaining ? ProgressLayout.Gap + 8 : 0) + (layout.ShowElapsed ? ProgressLayout.Gap + 8 : 0);
        Assert.InRange(used, 70, 79);
        var metrics = new EpochMetrics(12, 0.31204, 0.90531, 0.29512, 0.91204, 12_345, 123.4);
        Assert.True(layout.Finished(metrics, 30).Length < 80);
        Assert.Equal(PlainProgress.Line(metrics, 30), ProgressLayout.For(200).Finished(metrics, 30));
        Assert.True(layout.Running("epoch 12/30", 0.3120, 0.905, 12_345).Length <= layout.DescriptionWidth);
    }
}
