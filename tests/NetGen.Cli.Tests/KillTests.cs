using System.Diagnostics;
using System.Text.Json;
using NetGen.Cli.Commands;
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

    [Fact]
    public void Killed_runs_leave_a_checkpoint_that_resumes()
    {
        string folder = TestData.TempFolder();
        string net = TestData.WriteFile(folder, "tiny.cnn", TestData.TinyNet);
        string data = TestData.MnistFolder(Samples);
        var total = Stopwatch.StartNew();

        // Killed before its first save completes: the folder holds no checkpoint.json (at most
        // the first step's files); resuming says so, without a stack trace.
        string early = Path.Combine(folder, "early");
        Directory.CreateDirectory(early);
        using (var child = StartTrain(net, data, early))
        {
            WaitFor(() => Directory.EnumerateFileSystemEntries(early).Any() || child.HasExited, TimeSpan.FromSeconds(30));
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        if (!File.Exists(Path.Combine(early, "checkpoint.json")))
        {
            var (code, _, errors) = TrainedRun.Train(new TrainOptions(net, data, 1, Resume: early));
            Assert.True(code is 1 or 2, errors);
            Assert.StartsWith($"{Path.Combine(early, "checkpoint.json")}: error: file not found", errors);
            Assert.DoesNotContain("   at ", errors);
        }
        log.WriteLine($"killed before the first save: {string.Join(" ", Directory.GetFiles(early).Select(p => Path.GetFileName(p)))}");

        // Killed at spread moments after the first save (an epoch and its save take some tens of
        // milliseconds), and twice (-1) in the middle of a later save: as soon as the folder holds a
        // step's files beside the ones checkpoint.json names, or a temporary file.
        int[] delays = [0, 30, 120, 300, 650, 1100, -1, -1];
        int resumed = 0;
        foreach (int delay in delays)
        {
            string run = Path.Combine(folder, "run" + delay);
            using (var child = StartTrain(net, data, run))
            {
                WaitFor(() => File.Exists(Path.Combine(run, "checkpoint.json")) || child.HasExited, TimeSpan.FromSeconds(30));
                Assert.False(child.HasExited, $"netgen train exited with {(child.HasExited ? child.ExitCode : 0)} before it was killed");
                if (delay >= 0) Thread.Sleep(delay);
                else WaitFor(() => SaveFiles(run) > 2 || child.HasExited, TimeSpan.FromSeconds(30));
                child.Kill(entireProcessTree: true);
                child.WaitForExit();
            }
            log.WriteLine($"kill {delay} ms after the first save: {string.Join(" ", Directory.GetFiles(run).Select(p => Path.GetFileName(p)).Where(n => n.Contains("safetensors") || n.EndsWith(".tmp")).Order())}");
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
                var eval = new StringWriter();
                Assert.True(EvalCommand.Run(new EvalOptions(net, data, run, Out: TestData.TempFolder()), new StringWriter(), eval) == 0, eval.ToString());
                var (code, output, errors) = TrainedRun.Train(new TrainOptions(net, data, epoch + 1, Resume: run));
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
    private static Process StartTrain(string net, string data, string outFolder)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "netgen.dll");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(outFolder)!,
        };
        foreach (string argument in new[] { dll, "train", net, "--data", data, "--epochs", "100000", "--val-fraction", "0.25", "--out", outFolder })
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
