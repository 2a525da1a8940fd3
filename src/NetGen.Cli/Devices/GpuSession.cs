using System;
using System.IO;
using System.Reflection;
using NetGen.Execution;
using NetGen.Gpu;
using CompiledNetwork = NetGen.Cli.Compilation.CompiledNetwork;

namespace NetGen.Cli.Devices;

/// <summary>
/// A GPU backend device (CUDA, or ILGPU's CPU accelerator) and the networks created on it: the
/// generated class's nested <c>Gpu</c> class, found by reflection (the network is compiled at run time),
/// constructed as <c>new Gpu(GpuDevice device, ulong seed, ExecutionMode mode)</c>. The device outlives
/// its networks: commands dispose the network first, then the session.
/// </summary>
internal sealed class GpuSession : DeviceSession
{
    /// <summary>The nested class the generator writes when the compilation references NetGen.Runtime.Gpu.</summary>
    public const string GpuClassName = "Gpu";

    // The simulator's groups: 4 threads a warp, 4 warps a group. Each thread is an OS thread meeting
    // the others at barriers, so groups are kept tiny (issue 12: a 16x16 group ran 256 threads on 2 cores).
    private const int SimulatorWarp = 4, SimulatorWarps = 4;

    private readonly GpuDevice _device;
    private readonly bool _fallBackToCpu;
    private readonly TextWriter _output;

    private GpuSession(GpuDevice device, bool fallBackToCpu, TextWriter output)
    {
        _device = device;
        _fallBackToCpu = fallBackToCpu;
        _output = output;
    }

    public override bool UsesGpu => true;

    /// <summary>Opens the GPU device <paramref name="device"/> asks for (<c>auto</c>: the CPU when CUDA is not there) and prints the choice.</summary>
    public static DeviceSession OpenDevice(CliDevice device, TextWriter output)
    {
        switch (device)
        {
            case CliDevice.Simulator:
                var simulator = GpuDevice.CpuSimulator(SimulatorWarp, SimulatorWarps);
                output.WriteLine($"device: simulator (ILGPU's CPU accelerator, groups of {SimulatorWarp}x{SimulatorWarps} threads: checks the GPU path; very slow)");
                return new GpuSession(simulator, fallBackToCpu: false, output);
            case CliDevice.Cuda:
                try
                {
                    var cuda = GpuDevice.Cuda();
                    output.WriteLine($"device: cuda ({cuda.Name})");
                    return new GpuSession(cuda, fallBackToCpu: false, output);
                }
                catch (GpuUnavailableException e)
                {
                    throw new CliException($"{DeviceOption.Name} cuda: error: {e.Message}");
                }
            case CliDevice.Auto:
                try
                {
                    var cuda = GpuDevice.Cuda();
                    output.WriteLine($"device: cuda ({cuda.Name}; auto)");
                    return new GpuSession(cuda, fallBackToCpu: true, output);
                }
                catch (GpuUnavailableException e)
                {
                    output.WriteLine($"device: cpu (auto fell back to the CPU: {e.Message})");
                    return new CpuSession();
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(device), device, "not a GPU device choice");
        }
    }

    public override INetwork Create(CompiledNetwork compiled, ulong seed, ExecutionMode mode)
    {
        var constructor = GpuConstructor(compiled, out string? missing);
        if (constructor is null)
        {
            if (!_fallBackToCpu) throw new CliException("error: " + missing);
            _output.WriteLine($"device: cpu (auto: {missing})");
            return compiled.Create(seed, mode);
        }
        try
        {
            return (INetwork)constructor.Invoke([_device, seed, mode]);
        }
        catch (TargetInvocationException e) when (e.InnerException is OutOfMemoryException or InvalidOperationException or GpuUnavailableException or ILGPU.Runtime.AcceleratorException)
        {
            throw new CliException($"error: could not create network '{compiled.Name}' on {_device.Name}: {e.InnerException.Message}");
        }
    }

    /// <summary>The nested Gpu class's (GpuDevice, ulong, ExecutionMode) constructor; null, with why in <paramref name="missing"/>, when there is none.</summary>
    internal static ConstructorInfo? GpuConstructor(CompiledNetwork compiled, out string? missing) =>
        GpuConstructor(compiled.ClassType, compiled.Name, out missing);

    internal static ConstructorInfo? GpuConstructor(Type networkClass, string networkName, out string? missing)
    {
        var gpu = networkClass.GetNestedType(GpuClassName, BindingFlags.Public);
        if (gpu is null || !typeof(INetwork).IsAssignableFrom(gpu))
        {
            missing = $"network '{networkName}' has no GPU class: the GPU backend was not compiled in " +
                $"(its generated class {networkClass.FullName?.Replace('+', '.')} has no nested {GpuClassName} network); run it with {DeviceOption.Name} cpu";
            return null;
        }
        var constructor = gpu.GetConstructor([typeof(GpuDevice), typeof(ulong), typeof(ExecutionMode)]);
        missing = constructor is null
            ? $"network '{networkName}': its GPU class has no constructor (GpuDevice, ulong, ExecutionMode); it was generated by another version of NetGen than this netgen"
            : null;
        return constructor;
    }

    public override void Dispose() => _device.Dispose();
}
