using System.Diagnostics;
using NetGen.Cli.Commands;
using NetGen.Cli.Compilation;
using NetGen.Cli.Devices;
using NetGen.Gpu;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>
/// <c>--device</c> on the commands that run a network: the values it takes, the line each run starts
/// with, cuda without a GPU (this machine has none), auto's fallback, the GPU path on the simulator,
/// the compile cache keeping CPU and GPU compiles apart, and a CPU run not loading ILGPU.
/// </summary>
[Collection(TrainingCollection.Name)]
public class DeviceTests(TrainedRun run)
{
    private static readonly Lazy<bool> s_cuda = new(GpuDevice.CudaAvailable);

    private (int Code, string Output, string Errors) Train(CliDevice device, int samples = 64, string? netFile = null)
    {
        string folder = TestData.TempFolder();
        var options = new TrainOptions(netFile ?? run.NetFile, TestData.MnistFolder(samples), 1, Out: Path.Combine(folder, "run"),
            ValidationFraction: 0.25, Device: device, Cache: run.Cache);
        return TrainedRun.Train(options);
    }

    private static string FirstLine(string text) => text.Split('\n')[0].TrimEnd('\r');

    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("predict")]
    public void A_bad_device_is_a_usage_error_that_lists_the_devices(string command)
    {
        var args = new Dictionary<string, string[]>
        {
            ["train"] = ["train", "net.cnn", "--data", "d"],
            ["eval"] = ["eval", "net.cnn", "--data", "d", "--checkpoint", "c"],
            ["predict"] = ["predict", "net.cnn", "--checkpoint", "c", "--input", "i"],
        }[command];
        var errors = new StringWriter();

        int code = Cli.Run([.. args, "--device", "gpu"], TextWriter.Null, errors);

        Assert.Equal(2, code);
        Assert.StartsWith("--device: error: 'gpu' is not a device; expected cpu, cuda or auto", errors.ToString());
    }

    [Fact]
    public void Device_values_parse_in_any_case_and_default_to_cpu()
    {
        Assert.Equal(CliDevice.Cpu, Cli.CreateRoot().Parse(["train", "n.cnn", "--data", "d"]).GetValue<CliDevice>("--device"));
        foreach (var (text, device) in new[] { ("CUDA", CliDevice.Cuda), ("auto", CliDevice.Auto), ("Simulator", CliDevice.Simulator), ("cpu", CliDevice.Cpu) })
        {
            var parse = Cli.CreateRoot().Parse(["predict", "n.cnn", "--checkpoint", "c", "--input", "i", "--device", text]);
            Assert.Empty(parse.Errors);
            Assert.Equal(device, parse.GetValue<CliDevice>("--device"));
        }
    }

    [Fact]
    public void Every_run_starts_with_its_device_line()
    {
        Assert.Equal("device: cpu", FirstLine(run.Output));
        var eval = new StringWriter();
        Assert.Equal(0, EvalCommand.Run(new EvalOptions(run.NetFile, run.Data, run.Out, Out: TestData.TempFolder(), Cache: run.Cache), eval, TextWriter.Null));
        Assert.Equal("device: cpu", FirstLine(eval.ToString()));
        var predict = new StringWriter();
        string images = Path.Combine(run.Data, "train-images-idx3-ubyte");
        int code = PredictCommand.Run(new PredictOptions(run.NetFile, run.Out, images, Count: 2, Cache: run.Cache), predict, TextWriter.Null);
        Assert.Equal(0, code);
        Assert.Equal("device: cpu", FirstLine(predict.ToString()));
    }

    [Fact]
    public void Cuda_without_a_gpu_is_one_line_and_exit_code_1()
    {
        var (code, output, errors) = Train(CliDevice.Cuda);
        if (s_cuda.Value)
        {
            // A machine with a GPU: the run names it (and then trains, or says the network has no GPU class).
            Assert.StartsWith("device: cuda (", FirstLine(output));
            return;
        }
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith("--device cuda: error: ", errors);
        Assert.Single(errors.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", errors);
    }

    [Fact]
    public void Auto_falls_back_to_the_cpu_and_says_so()
    {
        var (code, output, errors) = Train(CliDevice.Auto);
        if (s_cuda.Value)
        {
            Assert.StartsWith("device: cuda (", FirstLine(output));
            return;
        }
        Assert.True(code == 0, errors);
        Assert.StartsWith("device: cpu (auto fell back to the CPU: ", FirstLine(output));
        Assert.Contains("Done: 1 epochs", output);
    }

    [Fact]
    public void The_simulator_trains_the_networks_gpu_class()
    {
        // The shared net without its dropout: every layer of it has a GPU kernel.
        string netFile = Path.Combine(TestData.TempFolder(), "gpu-digits.cnn");
        File.WriteAllText(netFile, TestData.TinyNet.Replace("drop = dropout(0.2)", ""));
        using var compiled = NetworkCompiler.Compile(new CompileRequest(netFile, Cache: CompileCache.Off, Gpu: true), TextWriter.Null);
        Assert.NotNull(GpuSession.GpuConstructor(compiled, out string? missing));
        Assert.Null(missing);

        var (code, output, errors) = Train(CliDevice.Simulator, samples: 40, netFile: netFile);

        Assert.StartsWith("device: simulator (ILGPU's CPU accelerator", FirstLine(output));
        Assert.True(code == 0, errors);
        Assert.Contains("Done: 1 epochs", output);
    }

    [Fact]
    public void A_class_without_a_nested_gpu_network_is_named_in_the_message()
    {
        Assert.Null(GpuSession.GpuConstructor(typeof(DeviceTests), "Plain", out string? missing));
        Assert.StartsWith("network 'Plain' has no GPU class: ", missing);
        Assert.Contains("NetGen.Cli.Tests.DeviceTests has no nested Gpu network", missing);
    }

    [Fact]
    public void The_cache_keeps_cpu_and_gpu_compiles_apart()
    {
        var cache = CompileCache.At(TestData.TempFolder());
        CompiledNetwork Compile(bool gpu) => NetworkCompiler.Compile(new CompileRequest(run.NetFile, Cache: cache, Gpu: gpu), TextWriter.Null);

        using (var cpu = Compile(gpu: false)) Assert.False(cpu.FromCache);
        using (var gpu = Compile(gpu: true)) Assert.False(gpu.FromCache);
        Assert.Equal(2, Directory.GetFiles(cache.Folder!, "*.entry").Length);
        using (var gpu = Compile(gpu: true)) Assert.True(gpu.FromCache);
        using (var cpu = Compile(gpu: false)) Assert.True(cpu.FromCache);
        Assert.Equal(2, Directory.GetFiles(cache.Folder!, "*.entry").Length);
    }

    [Fact]
    public void A_cpu_run_does_not_load_the_gpu_backend()
    {
        // A loaded assembly is a mapped file: /proc/PID/maps of a running `netgen train` lists every
        // one it loaded. Linux only (the CI machines); elsewhere there is no such view.
        if (!OperatingSystem.IsLinux()) return;
        string folder = TestData.TempFolder();
        var start = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "netgen.dll"), "train", run.NetFile, "--data", run.Data,
            "--epochs", "100000", "--out", Path.Combine(folder, "run"), "--device", "cpu" })
            start.ArgumentList.Add(argument);
        start.Environment["NETGEN_NO_CACHE"] = "1";
        using var child = Process.Start(start)!;
        using var epochs = new ManualResetEventSlim();
        child.OutputDataReceived += (_, e) => { if (e.Data?.StartsWith("epoch 1/") == true) epochs.Set(); };
        child.ErrorDataReceived += (_, _) => { };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        string[] mapped;
        try
        {
            Assert.True(epochs.Wait(TimeSpan.FromSeconds(120)), "the child trained no epoch in 120 s");
            mapped = File.ReadAllLines($"/proc/{child.Id}/maps");
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        Assert.Contains(mapped, line => line.EndsWith("/NetGen.Runtime.dll", StringComparison.Ordinal));
        foreach (string gpu in NetworkCompiler.GpuAssemblies)
            Assert.DoesNotContain(mapped, line => line.EndsWith("/" + gpu + ".dll", StringComparison.Ordinal));
    }

    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        return Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
