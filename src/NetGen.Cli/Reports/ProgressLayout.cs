using System;
using System.Globalization;
using NetGen.Training;
using Spectre.Console;

namespace NetGen.Cli.Reports;

/// <summary>
/// What the live progress shows at a terminal width: the bar's width, which time columns fit, and
/// the texts, each cut to its room. Spectre.Console wraps a description wider than its column and
/// squeezes the other columns to a character each (a finished epoch's 90-character line on an 80-column
/// terminal took 23 rows), so every width here is counted: description, one space, bar, then
/// " 100%", " 00:00:00" per time column (<see cref="Gap"/> between columns).
/// </summary>
internal sealed record ProgressLayout(int Width, int DescriptionWidth, int BarWidth, bool ShowRemaining, bool ShowElapsed)
{
    /// <summary>Spaces Spectre puts between two columns.</summary>
    public const int Gap = 1;
    private const int Percentage = 4, Time = 8, MinimumBar = 10;

    /// <summary>"epoch 12/30  loss 0.3120  acc 90.5%  12,345 img/s": the longest running description of a usual run.</summary>
    public const int RunningText = 52;

    /// <summary>The layout for a terminal <paramref name="width"/> columns wide (the last column is left free: a full row makes some terminals wrap).</summary>
    public static ProgressLayout For(int width)
    {
        int usable = Math.Max(width, 20) - 1;
        int description = Math.Min(RunningText, usable - Gap - MinimumBar - Gap - Percentage);
        description = Math.Max(description, 10);
        int rest = usable - description - Gap - Gap - Percentage;
        bool remaining = rest - MinimumBar >= Gap + Time;
        if (remaining) rest -= Gap + Time;
        bool elapsed = rest - MinimumBar >= Gap + Time + 10;
        if (elapsed) rest -= Gap + Time;
        return new ProgressLayout(width, description, Math.Clamp(rest, 1, 40), remaining, elapsed);
    }

    /// <summary>The progress columns in this layout.</summary>
    public ProgressColumn[] Columns()
    {
        var description = new TaskDescriptionColumn { Alignment = Justify.Left };
        var bar = new ProgressBarColumn { Width = BarWidth };
        return (ShowRemaining, ShowElapsed) switch
        {
            (true, true) => [description, bar, new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn()],
            (true, false) => [description, bar, new PercentageColumn(), new RemainingTimeColumn()],
            _ => [description, bar, new PercentageColumn()],
        };
    }

    /// <summary>The running epoch's description, the most that fits: with speed, without it, the header alone.</summary>
    public string Running(string header, double loss, double accuracy, double imagesPerSecond)
    {
        string scores = string.Create(CultureInfo.InvariantCulture, $"  loss {loss:0.0000}  acc {100 * accuracy:0.0}%");
        string speed = string.Create(CultureInfo.InvariantCulture, $"  {imagesPerSecond:N0} img/s");
        return First(DescriptionWidth, header + scores + speed, header + scores, header);
    }

    /// <summary><paramref name="text"/> cut to the description's room.</summary>
    public string Fit(string text) => Cut(text, DescriptionWidth);

    /// <summary>A finished epoch's line, the most that fits the terminal: the full line of the logs, then shorter forms.</summary>
    public string Finished(EpochMetrics m, int epochs)
    {
        string full = PlainProgress.Line(m, epochs);
        string noSpeed = string.Create(CultureInfo.InvariantCulture,
            $"epoch {m.Epoch}/{epochs}  loss {m.TrainLoss:0.0000}  acc {100 * m.TrainAccuracy:0.00}%  val loss {m.ValidationLoss:0.0000}  val acc {100 * m.ValidationAccuracy:0.00}%  {m.Seconds:0.0} s");
        string tight = string.Create(CultureInfo.InvariantCulture,
            $"epoch {m.Epoch}/{epochs} loss {m.TrainLoss:0.000} acc {100 * m.TrainAccuracy:0.0}% val {m.ValidationLoss:0.000} {100 * m.ValidationAccuracy:0.0}% {m.Seconds:0}s");
        return First(Width - 1, full, noSpeed, tight);
    }

    private static string First(int room, params ReadOnlySpan<string> longestFirst)
    {
        foreach (string text in longestFirst)
            if (text.Length <= room) return text;
        return Cut(longestFirst[^1], room);
    }

    private static string Cut(string text, int room) => text.Length <= room ? text : text[..Math.Max(room, 1)];
}
