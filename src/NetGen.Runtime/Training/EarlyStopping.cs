using System;
using System.Globalization;

namespace NetGen.Training;

/// <summary>The validation metric that early stopping and the best checkpoint follow.</summary>
public enum MonitoredMetric
{
    /// <summary>Validation loss ("val_loss"): lower is better.</summary>
    ValidationLoss,

    /// <summary>Validation accuracy ("val_acc"): higher is better.</summary>
    ValidationAccuracy,
}

/// <summary>
/// Stops a run when the monitored validation metric has not improved by more than
/// <see cref="MinDelta"/> for <see cref="Patience"/> epochs in a row, as Keras's
/// <c>EarlyStopping</c>; with <see cref="RestoreBestWeights"/> the network ends with the weights
/// of its best epoch (from the best checkpoint, or a copy in memory without a checkpoint folder).
/// </summary>
public sealed record EarlyStopping
{
    /// <summary>Watches <paramref name="monitor"/>; stops after <paramref name="patience"/> epochs without an improvement over <paramref name="minDelta"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Patience under 1, or a negative or non-finite min delta.</exception>
    public EarlyStopping(MonitoredMetric monitor = MonitoredMetric.ValidationLoss, int patience = 5, double minDelta = 0, bool restoreBestWeights = true)
    {
        if (patience < 1)
            throw new ArgumentOutOfRangeException(nameof(patience), patience, $"EarlyStopping.Patience must be at least 1 epoch, not {patience}.");
        if (!(minDelta >= 0) || double.IsInfinity(minDelta))
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, $"EarlyStopping.MinDelta must be a finite number, 0 or more, not {minDelta}.");
        Monitor = monitor;
        Patience = patience;
        MinDelta = minDelta;
        RestoreBestWeights = restoreBestWeights;
    }

    /// <summary>The metric watched.</summary>
    public MonitoredMetric Monitor { get; }

    /// <summary>Epochs without an improvement that end the run.</summary>
    public int Patience { get; }

    /// <summary>The least change that counts as an improvement (nats for the loss, a share for the accuracy).</summary>
    public double MinDelta { get; }

    /// <summary>Whether the network ends with its best epoch's weights.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>
    /// Reads the CLI's <c>--early-stopping</c>: <c>METRIC:PATIENCE</c> or <c>METRIC:PATIENCE:MIN_DELTA</c>,
    /// METRIC <c>val_loss</c> or <c>val_acc</c> (e.g. <c>val_loss:5</c>, <c>val_acc:3:0.001</c>).
    /// </summary>
    /// <exception cref="FormatException">Not of that form; the message quotes the text and says which part is wrong.</exception>
    public static EarlyStopping Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] fields = text.Trim().Split(':');
        if (fields.Length is not (2 or 3))
            throw Bad(text, "write METRIC:PATIENCE or METRIC:PATIENCE:MIN_DELTA, e.g. val_loss:5");
        if (!TryParseMetric(fields[0], out var metric))
            throw Bad(text, $"unknown metric '{fields[0]}'; use val_loss or val_acc");
        if (!int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int patience) || patience < 1)
            throw Bad(text, $"the patience must be a whole number of epochs, at least 1, not '{fields[1]}'");
        double delta = 0;
        if (fields.Length == 3 && (!double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out delta) || !(delta >= 0) || double.IsInfinity(delta)))
            throw Bad(text, $"the min delta must be a number, 0 or more, not '{fields[2]}'");
        return new EarlyStopping(metric, patience, delta);
    }

    /// <summary>"val_loss" or "val_acc".</summary>
    public static string Name(MonitoredMetric metric) => metric == MonitoredMetric.ValidationAccuracy ? "val_acc" : "val_loss";

    /// <summary>Reads "val_loss" or "val_acc".</summary>
    public static bool TryParseMetric(string name, out MonitoredMetric metric)
    {
        metric = name == "val_acc" ? MonitoredMetric.ValidationAccuracy : MonitoredMetric.ValidationLoss;
        return name is "val_loss" or "val_acc";
    }

    /// <summary>The monitored value of an epoch.</summary>
    public static double ValueOf(MonitoredMetric metric, EpochMetrics epoch) =>
        metric == MonitoredMetric.ValidationAccuracy ? epoch.ValidationAccuracy : epoch.ValidationLoss;

    /// <summary>True when <paramref name="value"/> improves on <paramref name="best"/> by more than <paramref name="minDelta"/>.</summary>
    public static bool Improves(MonitoredMetric metric, double value, double best, double minDelta) =>
        metric == MonitoredMetric.ValidationAccuracy ? value > best + minDelta : value < best - minDelta;

    private static FormatException Bad(string text, string what) => new($"early stopping '{text}': {what}");
}
