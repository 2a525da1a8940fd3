using System;
using System.Reflection;
using NetGen.Execution;
using NetGen.Gpu;

namespace NetGen.GpuBench;

/// <summary>
/// The device the benchmark trains on: the CPU backend, or a GPU backend device (CUDA, or ILGPU's
/// CPU accelerator as a simulator) whose networks are the generated classes' nested <c>Gpu</c> classes,
/// constructed as <c>new Gpu(GpuDevice device, ulong seed, ExecutionMode mode)</c> and found by
/// reflection, so the benchmark builds whether or not the generator wrote them.
/// </summary>
internal sealed class BenchDevice : IDisposable
{
    private readonly GpuDevice? _gpu;

    private BenchDevice(string name, GpuDevice? gpu)
    {
        Name = name;
        _gpu = gpu;
    }

    /// <summary>cpu, cuda or simulator, as --device named it.</summary>
    public string Name { get; }

    /// <summary>Opens cpu, cuda or simulator.</summary>
    /// <exception cref="BenchException">Another name, or no CUDA device.</exception>
    public static BenchDevice Open(string name)
    {
        switch (name)
        {
            case "cpu":
                return new BenchDevice(name, null);
            case "simulator":
                return new BenchDevice(name, GpuDevice.CpuSimulator(warpSize: 4, warpsPerGroup: 4));
            case "cuda":
                try
                {
                    return new BenchDevice(name, GpuDevice.Cuda());
                }
                catch (GpuUnavailableException e)
                {
                    throw new BenchException($"--device cuda: error: {e.Message}");
                }
            default:
                throw new BenchException($"--device: error: '{name}' is not a device; expected cpu, cuda or simulator");
        }
    }

    /// <summary>A training instance of <paramref name="network"/> on this device, its weights drawn from <paramref name="seed"/>.</summary>
    public ITrainableNetwork Create(BenchNetwork network, ulong seed)
    {
        if (_gpu is null) return network.CreateCpu(seed);
        var gpuClass = network.Class.GetNestedType("Gpu", BindingFlags.Public)
            ?? throw new BenchException($"error: network '{network.Name}' has no GPU class: the GPU backend was not compiled in " +
                $"({network.Class.FullName} has no nested Gpu class); run it with --device cpu");
        var constructor = gpuClass.GetConstructor([typeof(GpuDevice), typeof(ulong), typeof(ExecutionMode)])
            ?? throw new BenchException($"error: {gpuClass.FullName} has no constructor (GpuDevice, ulong, ExecutionMode)");
        try
        {
            return (ITrainableNetwork)constructor.Invoke([_gpu, seed, ExecutionMode.Training]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new BenchException($"error: could not create network '{network.Name}' on {_gpu.Name}: {e.InnerException.Message}");
        }
    }

    public void Dispose() => _gpu?.Dispose();
}

/// <summary>A failure the benchmark reports as one line (and exit code 1, or 2 for a bad command line).</summary>
internal sealed class BenchException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
