using System;
using System.Collections.Generic;
using ILGPU;
using ILGPU.Runtime;
using NetGen.Execution;

namespace NetGen.Gpu.Execution;

/// <summary>
/// The base of every generated network's nested <c>Gpu</c> class: the GPU backend's twin of
/// <see cref="CompiledNetwork"/>. It owns one <see cref="DeviceArena"/> of exactly the GPU plan's size
/// for the mode (the schedule's regions plus the GPU kernel buffers), the pinned staging buffers of what
/// crosses the bus, a host copy of the parameters (for the parameter copies and Save/Load), and the public
/// members with the CPU class's checks and messages. The generated class implements the launch sequences
/// (the weight packing and the batch-1 forward), generic over the GEMM tile so the same code runs on a
/// CUDA device (<see cref="GpuTile64"/>) and on the CPU simulator (<see cref="SimulatorTile"/>). Kernels
/// are loaded once per device (<see cref="GpuDevice.Kernels{T}"/>); every launch goes to the accelerator's
/// default stream. An instance serves one call at a time, like the CPU class.
/// </summary>
public abstract class GpuNetwork : INetwork
{
    private readonly DeviceArena _arena;
    private readonly HostStaging _io;
    private readonly float[] _parameters;
    private readonly bool _simulatorTile;
    private CallGuard _guard;
    private bool _disposed;

    /// <summary>Allocates the device arena for <paramref name="mode"/>, initialises the parameters from <paramref name="seed"/> (as the CPU class does), uploads and packs them.</summary>
    /// <param name="device">The device the instance runs on (it stays the caller's: Dispose does not free it).</param>
    /// <param name="seed">Seed of the initial weights (<see cref="ParameterStore.Initialize"/>): the CPU class with the same seed starts with the same weights.</param>
    /// <param name="mode">What to allocate memory for.</param>
    /// <param name="layout">The generated class's plan figures.</param>
    /// <exception cref="NotSupportedException"><paramref name="mode"/> is training and the network has no training code.</exception>
    /// <exception cref="ArgumentException">The CPU simulator allows groups of fewer than 16 threads (the simulator's GEMM tile needs 16).</exception>
    protected GpuNetwork(GpuDevice device, ulong seed, ExecutionMode mode, GpuLayout layout)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(layout);
        Device = device;
        GpuLayout = layout;
        Layout = layout.Network;
        Mode = mode;
        bool training = mode == ExecutionMode.Training;
        if (training && Layout.TrainingFloats == 0)
            throw new NotSupportedException($"{Layout.Name} cannot train: it has no training code (its output is not class scores, or see NG0302).");
        _simulatorTile = device.Kind == GpuDeviceKind.CpuSimulator;
        int tileThreads = _simulatorTile ? GemmTiles.Threads<SimulatorTile>() : GemmTiles.Threads<GpuTile64>();
        if (device.MaxGroupSize < tileThreads)
            throw new ArgumentException(
                $"{Layout.Name}: the GPU backend's GEMM tile needs groups of {tileThreads} threads; {device.Name} allows {device.MaxGroupSize} (make the simulator with warpSize x warpsPerGroup >= {tileThreads}).",
                nameof(device));
        _arena = new DeviceArena(device, training ? Layout.TrainingFloats : Layout.InferenceFloats);
        try
        {
            // Zeroed as the CPU's native block is: the optimizer state starts at 0.
            _arena.Clear(0, _arena.Length, "the arena");
            int batch = training ? Layout.MaxBatch : 1;
            _io = new HostStaging(device, batch * Layout.InputSize, batch * Layout.OutputSize);
            _parameters = new float[Layout.ParameterFloats];
            ParameterStore.Initialize(_parameters, Layout.Parameters, seed);
            UploadParameters();
        }
        catch
        {
            _io?.Dispose();
            _arena.Dispose();
            throw;
        }
    }

    /// <summary>The device the instance runs on.</summary>
    public GpuDevice Device { get; }

    /// <summary>The GPU plan's figures this instance was made with.</summary>
    protected GpuLayout GpuLayout { get; }

    /// <summary>The plan's network figures (names and sizes for the checks, where the blocks sit).</summary>
    protected NetworkLayout Layout { get; }

    /// <summary>What this instance was allocated for.</summary>
    public ExecutionMode Mode { get; }

    /// <summary>Bytes the instance allocated on the device: the GPU plan's figure for its mode plus the GPU kernel buffers.</summary>
    public long AllocatedBytes => _arena.Length * sizeof(float);

    /// <summary>"cuda: &lt;card name&gt;", or "simulator" on ILGPU's CPU accelerator.</summary>
    public string DeviceName => Device.Kind == GpuDeviceKind.Cuda ? "cuda: " + Device.Name : "simulator";

    int INetwork.InputSize => Layout.InputSize;

    int INetwork.OutputSize => Layout.OutputSize;

    ReadOnlySpan<ParameterTensor> INetwork.ParameterTable => Layout.Parameters;

    /// <summary>The instance's device arena, for the generated launch sequences (<c>var m = Memory;</c>).</summary>
    protected DeviceArena Memory => _arena;

    /// <summary>The pinned buffers of the inputs in and the outputs out.</summary>
    private protected HostStaging InputOutput => _io;

    /// <summary>Whether launches take the simulator's tile (else the GPU's).</summary>
    private protected bool SimulatorTiles => _simulatorTile;

    /// <summary>Claims the instance for <paramref name="member"/>, as the CPU class does.</summary>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
    /// <exception cref="InvalidOperationException">Another thread is inside a call.</exception>
    protected CallGuard.Scope Enter(string member)
    {
        if (_disposed) throw new ObjectDisposedException(Layout.Name, $"{Layout.Name}.{member}: the instance was disposed.");
        return CallGuard.Enter(ref _guard, Layout.Name, member);
    }

    /// <summary>Packs the weights for the batch-1 kernels (GPU layouts of the convolutions) into the kernel buffers.</summary>
    protected abstract void PackInference<TTile>() where TTile : struct, IGemmTile;

    /// <summary>The batch-1 forward: the input sample at <see cref="GpuLayout.InputOffset"/> (channels-last) to the output at <see cref="GpuLayout.OutputOffset"/>.</summary>
    protected abstract void ForwardInference<TTile>() where TTile : struct, IGemmTile;

    /// <summary>Predict on a training instance; networks without training code never have one.</summary>
    private protected virtual void PredictTraining(ReadOnlySpan<float> inputs, Span<float> outputs, int count) =>
        throw new InvalidOperationException($"{Layout.Name} has no training code.");

    /// <summary>Repacks after the parameters changed (the mode's packed copies).</summary>
    private protected virtual void Repack()
    {
        if (_simulatorTile) PackInference<SimulatorTile>();
        else PackInference<GpuTile64>();
    }

    /// <summary>Runs one sample (channels first, as the CPU class takes it). Allocates nothing on the host.</summary>
    /// <exception cref="ArgumentException">A span's length is not one sample's.</exception>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        using var call = Enter("Predict");
        var l = Layout;
        PredictArguments.CheckOne(l, input.Length, output.Length);
        if (Mode == ExecutionMode.Training) PredictTraining(input, output, 1);
        else PredictOne(input, output);
    }

    /// <summary>Runs <paramref name="count"/> samples, each as <see cref="Predict(ReadOnlySpan{float}, Span{float})"/> takes it: one at a time on an inference instance, up to a training batch at a time on a training one.</summary>
    /// <exception cref="ArgumentException">A span's length is not <paramref name="count"/> samples'.</exception>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int count)
    {
        using var call = Enter("Predict");
        var l = Layout;
        PredictArguments.CheckBatch(l, inputs.Length, outputs.Length, count);
        if (Mode == ExecutionMode.Training)
        {
            PredictTraining(inputs, outputs, count);
            return;
        }
        for (int i = 0; i < count; i++)
            PredictOne(inputs.Slice(i * l.InputSize, l.InputSize), outputs.Slice(i * l.OutputSize, l.OutputSize));
    }

    /// <summary>Stages one sample channels-last, uploads it, runs the forward and downloads the output (channels first).</summary>
    private void PredictOne(ReadOnlySpan<float> input, Span<float> output)
    {
        var l = Layout;
        StageInputs(_io.Batch, input, 1);
        _io.UploadBatch(_arena.Slice(GpuLayout.InputOffset, l.InputSize, "the input"));
        if (_simulatorTile) ForwardInference<SimulatorTile>();
        else ForwardInference<GpuTile64>();
        _io.DownloadResults(_arena.Slice(GpuLayout.OutputOffset, l.OutputSize, "the output"));
        Device.Synchronize();
        ReadOutputs(output, _io.Results, 1);
    }

    /// <summary>Writes <paramref name="n"/> samples given channels first into pinned <paramref name="staged"/>, channels-last (the device's layout).</summary>
    private protected void StageInputs(Span<float> staged, ReadOnlySpan<float> inputs, int n)
    {
        var l = Layout;
        var target = staged.Slice(0, n * l.InputSize);
        if (l.InputChannels > 1) NetGen.Kernels.Layout.NchwToNhwc(target, inputs, n, l.InputChannels, l.InputHeight, l.InputWidth);
        else inputs.CopyTo(target);
    }

    /// <summary>Copies <paramref name="n"/> downloaded output samples (channels-last) to the caller, channels first for a (C, H, W) map.</summary>
    private protected void ReadOutputs(Span<float> outputs, ReadOnlySpan<float> results, int n)
    {
        var l = Layout;
        var source = results.Slice(0, n * l.OutputSize);
        if (l.OutputHeight > 0 && l.Classes > 1) NetGen.Kernels.Layout.NhwcToNchw(outputs, source, n, l.Classes, l.OutputHeight, l.OutputWidth);
        else source.CopyTo(outputs);
    }

    /// <summary>Copies the parameter tensor <paramref name="name"/> into <paramref name="destination"/>, in PyTorch layout (reads the device's current values).</summary>
    public void CopyParameter(string name, Span<float> destination)
    {
        using var call = Enter("CopyParameter");
        var tensor = ParameterStore.Find(Layout.Parameters, name);
        DownloadParameters();
        ParameterStore.CopyOut(destination, _parameters, tensor.Offset, tensor);
    }

    /// <summary>Sets the parameter tensor <paramref name="name"/> from <paramref name="source"/>, in PyTorch layout, and repacks.</summary>
    public void SetParameter(string name, ReadOnlySpan<float> source)
    {
        using var call = Enter("SetParameter");
        var tensor = ParameterStore.Find(Layout.Parameters, name);
        DownloadParameters();
        ParameterStore.CopyIn(_parameters, tensor.Offset, source, tensor);
        UploadParameters();
    }

    /// <summary>Sets every tensor named in <paramref name="values"/> and repacks once; an unknown name or a wrong length changes nothing.</summary>
    public void SetParameters(IReadOnlyDictionary<string, float[]> values)
    {
        using var call = Enter("SetParameters");
        DownloadParameters();
        ParameterStore.CopyAllIn(_parameters, Layout.Parameters, values);
        UploadParameters();
    }

    /// <summary>Saves every parameter as safetensors, the same file the CPU class writes (<see cref="NetworkWeights.Save"/>).</summary>
    public void Save(string path)
    {
        using var call = Enter("Save");
        NetworkWeights.Save(this, path);
    }

    /// <summary>Loads a safetensors file as the CPU class does (<see cref="NetworkWeights.Load(INetwork, string)"/>): every mismatch listed, nothing changed on error.</summary>
    public void Load(string path)
    {
        using var call = Enter("Load");
        NetworkWeights.Load(this, path);
    }

    /// <summary>The host copy of the parameter block, refreshed from the device.</summary>
    private protected void DownloadParameters()
    {
        Device.Synchronize();
        _arena.Slice(0, Layout.ParameterFloats, "the parameters").CopyToCPU(_parameters);
    }

    /// <summary>Uploads the host copy of the parameter block and repacks.</summary>
    private void UploadParameters()
    {
        _arena.Slice(0, Layout.ParameterFloats, "the parameters").CopyFromCPU(_parameters);
        Repack();
    }

    /// <summary>Frees the device arena and the pinned buffers now (the device stays the caller's). Later calls throw an <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        using (CallGuard.Enter(ref _guard, Layout.Name, "Dispose"))
        {
            _disposed = true;
            DisposeDeviceState();
            _io.Dispose();
            _arena.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees what a derived base holds beside the arena (its staging buffers).</summary>
    private protected virtual void DisposeDeviceState()
    {
    }
}
