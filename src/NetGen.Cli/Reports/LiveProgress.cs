using System;
using System.Globalization;
using NetGen.Training;
using Spectre.Console;

namespace NetGen.Cli.Reports;

/// <summary>
/// Live progress on a terminal: one Spectre.Console bar for the running epoch (batches done,
/// running loss and accuracy, images per second, time left), and above it one line per finished
/// epoch, which stays when the bar goes. Everything is laid out for the terminal's width
/// (<see cref="ProgressLayout"/>): no line wraps, so an 80-column terminal shows one row per epoch.
/// </summary>
internal sealed class LiveProgress : ITrainingCallback
{
    private readonly IAnsiConsole _console;
    private readonly ProgressContext _context;
    private readonly ProgressLayout _layout;
    private ProgressTask? _task;
    private string _header = "";

    private LiveProgress(IAnsiConsole console, ProgressContext context, ProgressLayout layout)
    {
        _console = console;
        _context = context;
        _layout = layout;
    }

    /// <summary>Runs <paramref name="body"/> with a live display on <paramref name="console"/> that ends when it returns.</summary>
    public static T Run<T>(IAnsiConsole console, Func<ITrainingCallback, T> body)
    {
        var layout = ProgressLayout.For(console.Profile.Width);
        return console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(layout.Columns())
            .Start(context => body(new LiveProgress(console, context, layout)));
    }

    public void OnEpochBegin(TrainingContext context)
    {
        _header = string.Create(CultureInfo.InvariantCulture, $"epoch {context.Epoch}/{context.Epochs}");
        _task = _context.AddTask(Markup.Escape(_layout.Fit(_header)), maxValue: Math.Max(context.BatchCount, 1));
        _task.Value = context.BatchesDone;
    }

    public void OnBatchEnd(TrainingContext context, in BatchMetrics batch)
    {
        if (_task is null) return;
        _task.Value = batch.Batch;
        _task.Description = Markup.Escape(_layout.Running(_header, batch.EpochLoss, batch.EpochAccuracy, batch.ImagesPerSecond));
    }

    public void OnValidationBegin(TrainingContext context)
    {
        if (_task is not null) _task.Description = Markup.Escape(_layout.Fit(_header + "  validating"));
    }

    public void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        if (_task is null) return;
        _task.Value = _task.MaxValue;
        _task.StopTask();
        _console.WriteLine(_layout.Finished(metrics, context.Epochs));
    }
}
