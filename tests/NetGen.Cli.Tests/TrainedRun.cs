using NetGen.Cli.Commands;
using NetGen.Cli.Compilation;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>One real `netgen train` run shared by the tests of a class: the tiny net, 2 epochs on 480 digits (360 train, 120 validation).</summary>
public sealed class TrainedRun
{
    public const int Samples = 480;
    public const double ValidationFraction = 0.25;
    public const int Epochs = 2;
    /// <summary>ceil(360 / 32) batches per epoch.</summary>
    public const int BatchesPerEpoch = 12;

    public TrainedRun()
    {
        Folder = TestData.TempFolder();
        NetFile = TestData.WriteFile(Folder, "tiny.cnn", TestData.TinyNet);
        Data = TestData.MnistFolder(Samples);
        Out = Path.Combine(Folder, "run");
        Cache = CompileCache.At(Path.Combine(Folder, "cache"));
        (ExitCode, Output, Errors) = Train(Options(Epochs, Out));
    }

    public string Folder { get; }
    public string NetFile { get; }
    public string Data { get; }
    public string Out { get; }
    /// <summary>The compile cache of this fixture's tests (in its temporary folder, never the user's): the run's network compiles once.</summary>
    internal CompileCache Cache { get; }
    public int ExitCode { get; }
    public string Output { get; }
    public string Errors { get; }

    internal TrainOptions Options(int epochs, string? outFolder = null, string? resume = null) =>
        new(NetFile, Data, epochs, Out: outFolder, Resume: resume, ValidationFraction: resume is null ? ValidationFraction : null, Cache: Cache);

    /// <summary>
    /// Runs `netgen train`; <paramref name="options"/> must name a cache (the fixture's or the
    /// test's own <see cref="TestData.Cache"/>): without one the command would write into the user's.
    /// </summary>
    internal static (int ExitCode, string Output, string Errors) Train(TrainOptions options, CancellationToken cancel = default)
    {
        if (options.Cache is null) throw new ArgumentException("a test's TrainOptions needs a Cache (the fixture's or TestData.Cache()), not the user's", nameof(options));
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = TrainCommand.Run(options, output, errors, interactive: false, cancel);
        return (code, output.ToString(), errors.ToString());
    }
}

[CollectionDefinition(Name)]
public sealed class TrainingCollection : ICollectionFixture<TrainedRun>
{
    /// <summary>The tests that train run one after another: they share the run and the machine's cores.</summary>
    public const string Name = "training";
}
