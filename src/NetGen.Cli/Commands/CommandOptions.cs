using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using NetGen.Cli.Compilation;
using NetGen.Imaging;
using NetGen.Training;

namespace NetGen.Cli.Commands;

/// <summary>Options several commands share, and Ctrl-C handling.</summary>
internal static class CommandOptions
{
    /// <summary>The largest --batch the commands accept.</summary>
    public const int MaxBatch = 65_536;

    public static Option<int?> Batch(string description) =>
        OptionValues.OptionalCount("--batch", description, "a batch size", MaxBatch);

    public static Option<string?> Optimizer(string description) =>
        OptionValues.OneOf("--optimizer", description, "an optimizer", OptimizerNames.All);

    /// <summary>Where a command's output and errors go: the invocation's writers (the console, or a test's).</summary>
    public static (TextWriter Output, TextWriter Errors) Writers(ParseResult parse) =>
        (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);

    public static Option<string?> Network() =>
        new("--network") { Description = "Which network of the file (when it declares several)" };

    /// <summary><c>--cache DIR</c>: the compile cache's folder for this call, over the environment's (see <see cref="CompileCache"/>).</summary>
    public static Option<DirectoryInfo?> Cache() =>
        new("--cache") { Description = "Folder of the compile cache for this call (default: $NETGEN_CACHE_DIR, else $XDG_CACHE_HOME/netgen, else ~/.cache/netgen)", HelpName = "dir" };

    /// <summary>The cache <c>--cache</c> names; null when it was not given (the environment's then).</summary>
    public static CompileCache? CacheValue(ParseResult parse, Option<DirectoryInfo?> cache) =>
        parse.GetValue(cache) is { } folder ? CompileCache.At(folder.FullName) : null;

    /// <summary>
    /// Failures a user can act on without a stack trace: <see cref="CliException"/>s, and file-system
    /// errors the commands do not anticipate one by one (an output folder without write access, a
    /// full disk, an image the loader thread could not read).
    /// </summary>
    public static bool IsUserError(Exception e) => e is CliException or CheckpointException or IOException or UnauthorizedAccessException or ImageLoadException;

    /// <summary>Prints a user error (its message, as a CliException words it, or "error: ..."); returns the exit code.</summary>
    public static int Report(Exception e, TextWriter errors)
    {
        if (e is CliException cli)
        {
            errors.WriteLine(cli.Message);
            return cli.ExitCode;
        }
        if (e is CheckpointException checkpoint)
        {
            errors.WriteLine(checkpoint.Message);
            return checkpoint.NotFound ? ExitCodes.NotFound : ExitCodes.Error;
        }
        errors.WriteLine("error: " + e.Message);
        return ExitCodes.Error;
    }

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
