using System;
using System.IO;
using System.Runtime.CompilerServices;
using NetGen.Execution;
using CompiledNetwork = NetGen.Cli.Compilation.CompiledNetwork;

namespace NetGen.Cli.Devices;

/// <summary>
/// The device a command runs its network on, opened once at the start (which prints the
/// <c>device: ...</c> line) and disposed at the end: the one place where a command turns a compiled
/// network into an instance. The CPU session touches nothing of the GPU backend, so a CPU run never
/// loads ILGPU; every other choice goes through <see cref="GpuSession"/>, loaded only when asked.
/// </summary>
internal abstract class DeviceSession : IDisposable
{
    /// <summary>Whether the network must be compiled with the GPU backend (so that its nested Gpu class exists).</summary>
    public abstract bool UsesGpu { get; }

    /// <summary>An instance of <paramref name="compiled"/> on this device: weights from <paramref name="seed"/>, memory for <paramref name="mode"/>.</summary>
    /// <exception cref="CliException">The network has no class for this device, or the instance could not be created.</exception>
    public abstract INetwork Create(CompiledNetwork compiled, ulong seed, ExecutionMode mode);

    /// <summary>A training instance (its checkpoint state is public: <see cref="ITrainableNetwork.RestoreState"/>).</summary>
    public ITrainableNetwork CreateTrainable(CompiledNetwork compiled, ulong seed)
    {
        compiled.CheckCanTrain();
        var network = Create(compiled, seed, ExecutionMode.Training);
        if (network is ITrainableNetwork trainable) return trainable;
        network.Dispose();
        throw new CliException($"error: network '{compiled.Name}' on this device cannot train (its class there implements no ITrainableNetwork)");
    }

    public virtual void Dispose() { }

    /// <summary>Opens <paramref name="device"/> and prints the choice to <paramref name="output"/> (<c>device: cpu</c>, <c>device: cuda (NAME)</c>).</summary>
    /// <exception cref="CliException"><c>cuda</c> was asked for and no CUDA device could be started.</exception>
    public static DeviceSession Open(CliDevice device, TextWriter output)
    {
        if (device == CliDevice.Cpu)
        {
            output.WriteLine("device: cpu");
            return new CpuSession();
        }
        return OpenGpu(device, output);
    }

    // Not inlined: compiling Open must not need GpuSession (and through it NetGen.Runtime.Gpu and ILGPU).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DeviceSession OpenGpu(CliDevice device, TextWriter output) => GpuSession.OpenDevice(device, output);
}

/// <summary>The CPU backend: the generated class itself.</summary>
internal sealed class CpuSession : DeviceSession
{
    public override bool UsesGpu => false;

    public override INetwork Create(CompiledNetwork compiled, ulong seed, ExecutionMode mode) => compiled.Create(seed, mode);
}
