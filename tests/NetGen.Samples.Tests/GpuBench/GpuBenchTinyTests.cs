using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Samples.Tests.GpuBench;

/// <summary>
/// bench/gpu at its tiny size, so it cannot rot: NetGen.GpuBench trains the four networks for two
/// steps of two samples on the CPU (one warm-up, one timed; a ResNet-18 step at 224x224 is slow in Debug) and writes the weights and batches; then, where a python3 with torch
/// is installed, torch_bench.py trains the same models from them and report.py checks the first-step
/// losses agree (relative 1e-5 on the CPU). Without torch the .NET half alone is checked, and the test says so.
/// </summary>
public sealed class GpuBenchTinyTests(ITestOutputHelper log)
{
    private static readonly string[] Networks = ["mnist_cnn_b64", "mnist_cnn_b256", "resnet18_224", "cifar_resnet18"];

    private const int Steps = 2;

    [Fact]
    public void The_tiny_benchmark_trains_every_network_and_agrees_with_pytorch()
    {
        string work = Path.Combine(Path.GetTempPath(), "netgen-gpubench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var bench = Assembly.Load("NetGen.GpuBench");
            var run = EntryPoint.Run(bench, "--device", "cpu", "--work", Path.Combine(work, "data"), "--steps", $"{Steps}", "--warmup", "1", "--batch", "2");
            Assert.True(run.ExitCode == 0, run.Error);

            var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.Equal(Networks, lines.Select(l => l.GetProperty("network").GetString()));
            foreach (var line in lines)
            {
                Assert.Equal("cpu", line.GetProperty("device_name").GetString());
                Assert.Equal(2, line.GetProperty("batch").GetInt32());
                Assert.True(line.GetProperty("images_per_s").GetDouble() > 0);
                var losses = line.GetProperty("losses").EnumerateArray().Select(l => l.GetSingle()).ToArray();
                Assert.Equal(Steps, losses.Length);
                Assert.All(losses, l => Assert.True(float.IsFinite(l) && l > 0, $"{line.GetProperty("network")}: loss {l}"));
                string folder = Path.Combine(work, "data", line.GetProperty("network").GetString()!);
                foreach (string file in new[] { "init.safetensors", "batches.safetensors", "meta.json" })
                    Assert.True(File.Exists(Path.Combine(folder, file)), $"{folder} has no {file}");
            }
            string netgen = Path.Combine(work, "netgen.jsonl");
            File.WriteAllText(netgen, run.Output);

            string? python = TorchPython();
            if (python is null)
            {
                log.WriteLine("no python3 with torch here: the .NET half alone was checked (apt-get install -y python3-torch adds PyTorch's)");
                return;
            }
            string script = Path.Combine(BenchFolder(), "torch_bench.py");
            var torch = Python(python, script, "--work", Path.Combine(work, "data"), "--device", "cpu", "--modes", "eager");
            Assert.True(torch.Code == 0, torch.Error);
            string torchLines = Path.Combine(work, "torch.jsonl");
            File.WriteAllText(torchLines, torch.Output);
            var report = Python(python, Path.Combine(BenchFolder(), "report.py"), netgen, torchLines, "--check");
            log.WriteLine(report.Output);
            Assert.True(report.Code == 0, report.Output + report.Error);
            Assert.Equal(Networks.Length, report.Output.Split('\n').Count(l => l.Contains("(ok, tol 1e-05)", StringComparison.Ordinal)));
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    private static string BenchFolder() => Path.Combine(RepoRoot(), "bench", "gpu");

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetGen.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("NetGen.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The python run.sh would pick: $PYTHON, python3, Debian's /usr/bin/python3, the first that imports torch.</summary>
    private static string? TorchPython()
    {
        foreach (string? candidate in new[] { Environment.GetEnvironmentVariable("PYTHON"), "python3", "/usr/bin/python3" })
        {
            if (string.IsNullOrEmpty(candidate)) continue;
            try
            {
                if (Python(candidate, "-c", "import torch").Code == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed under that name.
            }
        }
        return null;
    }

    private static (int Code, string Output, string Error) Python(string python, params string[] args)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
