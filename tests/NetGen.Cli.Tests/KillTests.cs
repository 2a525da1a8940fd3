using System.Diagnostics;
using System.Text.Json;
using NetGen.Cli.Commands;
using NetGen.Cli.Compilation;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>
/// A real `netgen train` process killed (SIGKILL) at spread moments while it saves a checkpoint
/// every few milliseconds: whatever checkpoint.json the folder holds afterwards names complete
/// files of its own step, and resuming from it works.
/// </summary>
[Collection(TrainingCollection.Name)]
public class KillTests(Xunit.Abstractions.ITestOutputHelper log)
{
    /// <summary>48 training samples, batch 32: two steps per epoch, so a save every few milliseconds.</summary>
    private const int Samples = 64;

    private const string WideNet = """
        network WideDigits {
            input 1x28x28
            batch 32
            optimizer adam
            flat = flatten
            hidden = dense(5000, activation: relu)
            fc = dense(10)
        }
        """;

    [Fact]
    public void Run_killed_in_its_first_save_has_no_checkpoint_and_the_next_run_cleans_up()
    {
        string folder = TestData.TempFolder();
        // 4.2 M parameters: a 17 MB weight file and 34 MB of Adam state, so the first save takes
        // long enough (writes and flushes to disk) for a kill to land inside it on a quiet machine.
        string net = TestData.WriteFile(folder, "wide.cnn", WideNet);
        var cache = CompileCache.At(Path.Combine(folder, "cache"));
        string data = TestData.MnistFolder(Samples);
        string early = Path.Combine(folder, "early");
        string[] left = [];
        // Killed as soon as the first weight file (or its temporary file) appears: the optimizer
        // state and checkpoint.json follow after two more flushes to disk. On a busy machine the
        // kill may come too late; a few tries make one land.
        for (int attempt = 0; attempt < 3 && left.Length == 0; attempt++)
        {
            if (Directory.Exists(early)) Directory.Delete(early, recursive: true);
            using var child = StartTrain(net, data, early, cache);
            WaitFor(() => SaveFiles(early) > 0 || child.HasExited, TimeSpan.FromSeconds(60));
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            if (!File.Exists(Path.Combine(early, "checkpoint.json"))) left = Directory.GetFiles(early).Select(p => Path.GetFileName(p)).Order().ToArray();
        }
        log.WriteLine($"killed in the first save: {string.Join(" ", left)}");
        Assert.NotEmpty(left);
        Assert.DoesNotContain("checkpoint.json", left);

        string expected = $"{Path.Combine(early, "checkpoint.json")}: error: file not found: {early} holds no checkpoint " +
            "(a run stopped before its first save finished leaves none; is it a folder that `netgen train --out` wrote?)";
        var (code, _, errors) = TrainedRun.Train(new TrainOptions(net, data, 1, Resume: early, Cache: cache));
        Assert.Equal(2, code);
        Assert.Equal(expected, errors.Trim());
        var evalErrors = new StringWriter();
        Assert.Equal(2, EvalCommand.Run(new EvalOptions(net, data, early, Cache: cache), new StringWriter(), evalErrors));
        Assert.Equal(expected, evalErrors.ToString().Trim());

        // A new run into the folder removes what the killed save left.
        var (again, _, againErrors) = TrainedRun.Train(new TrainOptions(net, data, 1, Out: early, ValidationFraction: 0.25, Cache: cache));
        Assert.True(again == 0, againErrors);
        Assert.Equal(["optimizer-000002.safetensors", "weights-000002.safetensors"],
            Directory.GetFiles(early).Select(p => Path.GetFileName(p)).Where(n => n.Contains(".safetensors") || n.EndsWith(".tmp")).Order());
    }

    [Fact]
    public void Killed_runs_leave_a_checkpoint_that_resumes()
    {
        string folder = TestData.TempFolder();
        string net = TestData.WriteFile(folder, "tiny.cnn", TestData.TinyNet);
        var cache = CompileCache.At(Path.Combine(folder, "cache"));
        string data = TestData.MnistFolder(Samples);
        var total = Stopwatch.StartNew();

        // Killed at spread moments after the first save (an epoch and its save take some tens of
        // milliseconds), and four times (-1) in the middle of a later save: as soon as the folder holds
        // a step's files beside the ones checkpoint.json names, or a temporary file.
        int[] delays = [0, 5, 15, 30, 60, 120, 200, 300, 450, 650, 850, 1100, -1, -1, -1, -1];
        int resumed = 0;
        for (int i = 0; i < delays.Length; i++)
        {
            int delay = delays[i];
            string run = Path.Combine(folder, "run" + i);
            using (var child = StartTrain(net, data, run, cache))
            {
                WaitFor(() => File.Exists(Path.Combine(run, "checkpoint.json")) || child.HasExited, TimeSpan.FromSeconds(30));
                Assert.False(child.HasExited, $"netgen train exited with {(child.HasExited ? child.ExitCode : 0)} before it was killed");
                // Up to 10 ms more, so kills do not fall in step with the epochs.
                if (delay >= 0) Thread.Sleep(delay + Random.Shared.Next(10));
                else WaitFor(() => SaveFiles(run) > 2 || child.HasExited, TimeSpan.FromSeconds(30));
                child.Kill(entireProcessTree: true);
                child.WaitForExit();
            }
            log.WriteLine($"kill {(delay >= 0 ? $"{delay} ms after the first save" : "in a later save")}: {string.Join(" ", Directory.GetFiles(run).Select(p => Path.GetFileName(p)).Where(n => n.Contains("safetensors") || n.EndsWith(".tmp")).Order())}");
            // The first save finished before the kill, so checkpoint.json exists; the files it names are there and from its step.
            string json = Path.Combine(run, "checkpoint.json");
            Assert.True(File.Exists(json), $"no checkpoint.json after a kill {delay} ms after the first save");
            using (var manifest = JsonDocument.Parse(File.ReadAllText(json)))
            {
                long step = manifest.RootElement.GetProperty("step").GetInt64();
                foreach (string key in new[] { "weights", "optimizerState" })
                {
                    using var file = NetGen.Weights.SafetensorsFile.Open(TestData.CheckpointFile(run, key));
                    Assert.Equal(step.ToString(System.Globalization.CultureInfo.InvariantCulture), file.Metadata["step"]);
                }
                int epoch = manifest.RootElement.GetProperty("epoch").GetInt32();
                // A kill saves nothing itself: the step is the end of a finished epoch, two steps each.
                Assert.Equal(2L * epoch, step);
                var eval = new StringWriter();
                Assert.True(EvalCommand.Run(new EvalOptions(net, data, run, Out: TestData.TempFolder(), Cache: cache), new StringWriter(), eval) == 0, eval.ToString());
                var (code, output, errors) = TrainedRun.Train(new TrainOptions(net, data, epoch + 1, Resume: run, Cache: cache));
                Assert.True(code == 0, $"resume after a kill {delay} ms after the first save: {errors}");
                Assert.Contains($"Resuming after epoch {epoch}", output);
                resumed++;
            }
            // The resumed save left one step's files and no temporary ones.
            var left = Directory.GetFiles(run).Select(Path.GetFileName).Where(n => n!.EndsWith(".safetensors") || n.EndsWith(".tmp")).ToArray();
            Assert.Equal(2, left.Length);
        }
        Assert.Equal(delays.Length, resumed);
        Assert.True(total.Elapsed < TimeSpan.FromSeconds(120), $"took {total.Elapsed}");
    }

    /// <summary>`dotnet netgen.dll train` for many tiny epochs; its output drained so it never blocks on a full pipe.</summary>
    private static Process StartTrain(string net, string data, string outFolder, CompileCache cache)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "netgen.dll");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(outFolder)!,
        };
        foreach (string argument in new[] { dll, "train", net, "--data", data, "--epochs", "100000", "--val-fraction", "0.25", "--out", outFolder, "--cache", cache.Folder! })
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The dotnet host running the tests (`dotnet test` names it in DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }

    /// <summary>Weight and optimizer files, temporary ones included.</summary>
    private static int SaveFiles(string folder)
    {
        try
        {
            return Directory.EnumerateFiles(folder).Select(p => Path.GetFileName(p).TrimStart('.'))
                .Count(n => n.StartsWith("weights-") || n.StartsWith("optimizer-"));
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static void WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"waited {timeout} for netgen train");
            Thread.Sleep(1);
        }
    }
}
