using System;
using System.Collections.Concurrent;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace NetGen.Gpu;

/// <summary>Which accelerator a <see cref="GpuDevice"/> runs its kernels on.</summary>
public enum GpuDeviceKind
{
    /// <summary>The first CUDA device.</summary>
    Cuda,

    /// <summary>
    /// ILGPU's CPU accelerator: the same kernels, run by emulated threads on the host. Correct but
    /// slow (every thread of a group is an OS thread meeting at barriers); the tests' device.
    /// </summary>
    CpuSimulator,
}

/// <summary>
/// One ILGPU context and accelerator, and the kernels loaded on it: each kernel family is loaded
/// once per device (the first launch compiles it) and held for the device's lifetime.
/// </summary>
public sealed class GpuDevice : IDisposable
{
    private readonly Context _context;
    private readonly ConcurrentDictionary<Type, object> _kernels = new();
    private bool _shared;

    private GpuDevice(Context context, Accelerator accelerator, GpuDeviceKind kind)
    {
        _context = context;
        Accelerator = accelerator;
        Kind = kind;
    }

    /// <summary>The accelerator kernels launch on (its default stream).</summary>
    public Accelerator Accelerator { get; }

    /// <summary>What kind of device this is.</summary>
    public GpuDeviceKind Kind { get; }

    /// <summary>The device's name as its driver reports it.</summary>
    public string Name => Accelerator.Name;

    /// <summary>Threads of one warp: 32 on NVIDIA GPUs, the configured width on the CPU simulator.</summary>
    public int WarpSize => Accelerator.WarpSize;

    /// <summary>The most threads one group may have.</summary>
    public int MaxGroupSize => Accelerator.MaxNumThreadsPerGroup;

    /// <summary>Whether a CUDA device is present (a driver and at least one device).</summary>
    public static bool CudaAvailable()
    {
        try
        {
            using var context = Context.Create(builder => builder.Cuda());
            return context.GetCudaDevices().Count > 0;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static readonly object s_sharedLock = new();
    private static GpuDevice? s_sharedCuda;

    /// <summary>
    /// The process's one CUDA device, created on first use (thread-safe) and held until the process ends:
    /// what the generated <c>Create(seed, mode, NetworkDevice.Cuda)</c> runs every network on, so kernels
    /// load once per process. Do not dispose it. A failed start is not remembered: a later call tries again.
    /// </summary>
    /// <exception cref="GpuUnavailableException">No CUDA device or driver is present.</exception>
    public static GpuDevice SharedCuda()
    {
        lock (s_sharedLock)
        {
            if (s_sharedCuda is null)
            {
                var device = Cuda();
                device._shared = true;
                s_sharedCuda = device;
            }
            return s_sharedCuda;
        }
    }

    /// <summary><see cref="SharedCuda"/>'s device, or null when no CUDA device or driver is present (what NetworkDevice.Auto asks).</summary>
    public static GpuDevice? SharedCudaOrNull()
    {
        try
        {
            return SharedCuda();
        }
        catch (GpuUnavailableException)
        {
            return null;
        }
    }

    /// <summary>The first CUDA device.</summary>
    /// <exception cref="GpuUnavailableException">No CUDA device or driver is present.</exception>
    public static GpuDevice Cuda()
    {
        Context? context = null;
        try
        {
            context = Context.Create(builder => builder.Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O2));
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
                throw new GpuUnavailableException("No CUDA device was found (ILGPU lists none): use the CPU, or install an NVIDIA driver.");
            return new GpuDevice(context, devices[0].CreateAccelerator(context), GpuDeviceKind.Cuda);
        }
        catch (GpuUnavailableException)
        {
            context?.Dispose();
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            context?.Dispose();
            throw new GpuUnavailableException($"CUDA could not be started: {e.Message}", e);
        }
    }

    /// <summary>
    /// ILGPU's CPU accelerator with groups of <paramref name="warpSize"/> x <paramref name="warpsPerGroup"/>
    /// threads: kernels take their tile sizes as parameters, so the tests run them at tiny sizes here.
    /// </summary>
    public static GpuDevice CpuSimulator(int warpSize = 4, int warpsPerGroup = 4, int multiprocessors = 1)
    {
        if (warpSize < 2 || warpsPerGroup < 1 || multiprocessors < 1)
            throw new ArgumentOutOfRangeException(nameof(warpSize), $"The CPU simulator needs at least two threads per warp and one warp per group and multiprocessor; it was given {warpSize}, {warpsPerGroup} and {multiprocessors}.");
        var cpu = new CPUDevice(warpSize, warpsPerGroup, multiprocessors);
        var context = Context.Create(builder => builder.CPU(cpu).EnableAlgorithms());
        return new GpuDevice(context, cpu.CreateAccelerator(context), GpuDeviceKind.CpuSimulator);
    }

    /// <summary>The kernel family <typeparamref name="T"/> on this device, loaded on first use and cached.</summary>
    public T Kernels<T>(Func<GpuDevice, T> load) where T : class =>
        (T)_kernels.GetOrAdd(typeof(T), static (_, arg) => arg.load(arg.device), (load, device: this));

    /// <summary>Waits for every launched kernel and copy to finish.</summary>
    public void Synchronize() => Accelerator.Synchronize();

    /// <summary>Frees the accelerator and its context (and with them every buffer and kernel); nothing for <see cref="SharedCuda"/>'s device.</summary>
    public void Dispose()
    {
        if (_shared) return; // SharedCuda's device lives as long as the process.
        Accelerator.Dispose();
        _context.Dispose();
    }
}

/// <summary>The GPU asked for is not present or could not start.</summary>
public sealed class GpuUnavailableException : Exception
{
    /// <summary>An exception with its message.</summary>
    public GpuUnavailableException(string message) : base(message) { }

    /// <summary>An exception with its message and the cause.</summary>
    public GpuUnavailableException(string message, Exception inner) : base(message, inner) { }
}
