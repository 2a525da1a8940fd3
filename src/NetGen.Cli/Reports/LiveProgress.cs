using System;
using System.Globalization;
using NetGen.Cli.Training;
using Spectre.Console;

namespace NetGen.Cli.Reports;

/// <summary>
/// A Spectre.Console bar per epoch on a terminal: batches done, running loss and accuracy,
/// images per second and the epoch's time left; a finished epoch's bar keeps its metrics.
/// </summary>
internal sealed class LiveProgress : ITrainingProgress
{
    private readonly ProgressContext _context;
    private ProgressTask? _task;
    private int _epoch, _epochs;

    private LiveProgress(ProgressContext context) => _context = context;

    /// <summary>Runs <paramref name="body"/> with a live display that ends when it returns.</summary>
    public static T Run<T>(Func<ITrainingProgress, T> body) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .Start(context => body(new LiveProgress(context)));

    public void StartEpoch(int epoch, int epochs, int batches, int done)
    {
        _epoch = epoch;
        _epochs = epochs;
        _task = _context.AddTask(Header(), maxValue: batches);
        _task.Value = done;
    }

    public void Batch(int done, double loss, double accuracy, double imagesPerSecond)
    {
        if (_task is null) return;
        _task.Value = done;
        _task.Description = Header() + string.Create(CultureInfo.InvariantCulture,
            $"  loss {loss:0.0000}  acc {100 * accuracy:0.0}%  {imagesPerSecond:N0} img/s");
    }

    public void Validating()
    {
        if (_task is not null) _task.Description += "  validating...";
    }

    public void EndEpoch(EpochMetrics m, int epochs)
    {
        if (_task is null) return;
        _task.Description = Markup.Escape(PlainProgress.Line(m, epochs));
        _task.Value = _task.MaxValue;
        _task.StopTask();
    }

    private string Header() => string.Create(CultureInfo.InvariantCulture, $"epoch {_epoch}/{_epochs}");
}
