using System;
using System.CommandLine;
using System.Threading;

namespace NetGen.Cli.Commands;

/// <summary>Options several commands share, and Ctrl-C handling.</summary>
internal static class CommandOptions
{
    public static Option<int?> Batch(string description)
    {
        var batch = new Option<int?>("--batch") { Description = description };
        batch.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is int b && b <= 0) result.AddError($"--batch must be a positive integer, not {b}");
        });
        return batch;
    }

    public static Option<string?> Optimizer(string description)
    {
        var optimizer = new Option<string?>("--optimizer") { Description = description };
        optimizer.AcceptOnlyFromAmong(OptimizerNames.All);
        return optimizer;
    }

    public static Option<string?> Network() =>
        new("--network") { Description = "Which network of the file (when it declares several)" };

    public static void Positive(Option<int> option, string name) =>
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value <= 0) result.AddError($"{name} must be a positive integer, not {value}");
        });

    /// <summary>
    /// Runs <paramref name="body"/> with a token that the first Ctrl-C cancels (the process is not
    /// killed, so the body can save and exit); a second Ctrl-C ends the process as usual.
    /// </summary>
    public static int WithCtrlC(Func<CancellationToken, int> body)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler handler = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return;
            e.Cancel = true;
            cancel.Cancel();
            Console.Error.WriteLine("Ctrl-C: stopping after this batch and writing a checkpoint (press again to quit at once)");
        };
        Console.CancelKeyPress += handler;
        try
        {
            return body(cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= handler;
        }
    }
}
