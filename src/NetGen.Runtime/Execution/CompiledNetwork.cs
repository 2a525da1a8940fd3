using System;
using System.Collections.Generic;
using NetGen.Threading;

namespace NetGen.Execution;

/// <summary>
/// The base of every generated network class: what each one used to re-emit, held once. It owns
/// the arena (one <see cref="NativeArena"/> of exactly the plan's size for the mode), the call
/// guard, the worker-pool plumbing, and the public members with their argument checks and messages
/// (which name the network). The generated class implements the small protected members: the
/// straight-line forward of one sample and the weight packing, every offset and dimension a
/// literal. An instance serves one call at a time (another thread's call throws an
/// <see cref="InvalidOperationException"/>). <see cref="Dispose"/> frees the arena at once;
/// without it the arena's finaliser frees it after the instance is collected.
/// </summary>
public abstract class CompiledNetwork : INetwork, ICpuExecution, IWorkerPredictor, IDisposable
{
    private readonly NativeArena _memory;
    private CallGuard _guard;
    private WorkerPool? _pool;
    // Index 0 is the instance's own arena; 1.. the workers' copies (inference instances given a pool only).
    private NativeArena[]? _workerMemory;
    private LayerBands? _bands;

    /// <summary>Allocates the arena for <paramref name="mode"/>, initialises the parameters from <paramref name="seed"/> and packs them.</summary>
    /// <param name="seed">Seed of the initial weights (<see cref="ParameterStore.Initialize"/>).</param>
    /// <param name="mode">What to allocate memory for.</param>
    /// <param name="layout">The generated class's plan figures.</param>
    /// <exception cref="NotSupportedException"><paramref name="mode"/> is training and the network has no training code.</exception>
    protected CompiledNetwork(ulong seed, ExecutionMode mode, NetworkLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Layout = layout;
        Mode = mode;
        bool training = mode == ExecutionMode.Training;
        if (training && layout.TrainingFloats == 0)
        {
            throw new NotSupportedException($"{layout.Name} cannot train: it has no training code (its output is not class scores, or see NG0302).");
        }
        _memory = new NativeArena(training ? layout.TrainingFloats : layout.InferenceFloats, layout.Name);
        ParameterStore.Initialize(Arena.Slice(0, layout.ParameterFloats), layout.Parameters, seed);
        Repack();
    }

    /// <summary>The plan figures this instance was made with.</summary>
    protected NetworkLayout Layout { get; }

    /// <summary>What this instance was allocated for.</summary>
    public ExecutionMode Mode { get; }

    /// <summary>What this instance allocated, in bytes: the plan's figure for its mode plus the kernel buffers.</summary>
    public long AllocatedBytes => _memory.Bytes;

    /// <summary>Bytes the workers' copies hold: (pool.Workers - 1) x the inference allocation on an inference instance given a pool, else 0.</summary>
    public long WorkerAllocatedBytes => _workerMemory is null ? 0 : (_workerMemory.Length - 1) * Layout.InferenceFloats * sizeof(float);

    int INetwork.InputSize => Layout.InputSize;

    int INetwork.OutputSize => Layout.OutputSize;

    ReadOnlySpan<ParameterTensor> INetwork.ParameterTable => Layout.Parameters;

    /// <summary>The instance's arena, for the generated passes (<c>var m = Arena;</c>).</summary>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
    protected ArenaView Arena => _memory.View;

    /// <summary>The arena itself, for work items that cross threads (spans cannot).</summary>
    protected NativeArena Memory => _memory;

    /// <summary>The pool <see cref="UseWorkerPool"/> gave, or null.</summary>
    protected WorkerPool? Pool => _pool;

    /// <summary>
    /// Claims the instance for <paramref name="member"/> (the first line of every public member that
    /// touches the arena); a nested call on the same thread joins the outer one.
    /// </summary>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
    /// <exception cref="InvalidOperationException">Another thread is inside a call.</exception>
    protected CallGuard.Scope Enter(string member)
    {
        if (_memory.IsDisposed) throw new ObjectDisposedException(Layout.Name, $"{Layout.Name}.{member}: the instance was disposed.");
        return CallGuard.Enter(ref _guard, Layout.Name, member);
    }

    /// <summary>Packs the weights for inference into the kernel buffers (after any change to the parameters).</summary>
    protected abstract void PackInference();

    /// <summary>
    /// One sample through the batch-1 code on <paramref name="m"/> (the instance's arena or a worker's copy):
    /// <paramref name="input"/> channels first as the caller gave it, <paramref name="output"/> as Predict returns it;
    /// <paramref name="bands"/> (or null) splits large layers over the pool.
    /// </summary>
    protected abstract void PredictOne(ReadOnlySpan<float> input, Span<float> output, ArenaView m, LayerBands? bands);

    /// <summary>Predict on a training instance; networks without training code never have one.</summary>
    protected virtual void PredictTraining(ReadOnlySpan<float> inputs, Span<float> outputs, int count) =>
        throw new InvalidOperationException($"{Layout.Name} has no training code.");

    /// <summary>Repacks after the parameters changed: the mode's packed copies, and the workers' arenas.</summary>
    protected virtual void Repack()
    {
        PackInference();
        SyncWorkers();
    }

    /// <summary>
    /// Runs one sample: <paramref name="input"/> holds one sample as PyTorch orders it (channels, then rows,
    /// then columns), <paramref name="output"/> one output sample (channels first). Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length is not one sample's.</exception>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        using var call = Enter("Predict");
        var l = Layout;
        PredictArguments.CheckOne(l, input.Length, output.Length);
        if (Mode == ExecutionMode.Training)
        {
            PredictTraining(input, output, 1);
            return;
        }
        PredictOne(input, output, Arena, _bands);
    }

    /// <summary>
    /// Runs <paramref name="count"/> samples, each laid out as <see cref="Predict(ReadOnlySpan{float}, Span{float})"/>
    /// takes it. An inference instance runs them one at a time, on the calling thread, or split over the workers of
    /// the pool given to <see cref="UseWorkerPool"/> (same outputs, bit for bit); a training instance runs up to a
    /// training batch at a time. Allocates nothing.
    /// </summary>
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
        if (_workerMemory is not null && count > 1)
        {
            ParallelPredict.Run(_pool!, this, inputs, outputs, count, l.InputSize, l.OutputSize);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            PredictOne(inputs.Slice(i * l.InputSize, l.InputSize), outputs.Slice(i * l.OutputSize, l.OutputSize), Arena, _bands);
        }
    }

    // Runs on a pool worker inside the caller's Predict, which holds the guard: it does not enter it.
    void IWorkerPredictor.PredictOnWorker(int worker, ReadOnlySpan<float> input, Span<float> output) =>
        PredictOne(input, output,
            (_workerMemory ?? throw new InvalidOperationException($"{Layout.Name} has no worker memory: give UseWorkerPool a pool of several workers first."))[worker].View,
            null);

    /// <summary>
    /// Runs work on <paramref name="pool"/>'s workers; null (the default) runs everything on the calling thread.
    /// On an inference instance, batched Predict then runs the batch-1 code per sample, a contiguous slice of the
    /// samples per worker, each worker on its own copy of the arena: this call allocates (pool.Workers - 1) x the
    /// inference allocation once (the generated <c>WorkerInferenceBytes</c>; freed when given null or a one-worker
    /// pool), and the outputs are bit-identical to sequential ones. A single sample then runs each large
    /// convolution by bands of output rows, one band per worker (<see cref="LayerBands"/>), with the same outputs
    /// bit for bit. On a training instance, the training forward and backward run on the workers (fixed sample
    /// slices, or each layer's two backward halves), with the same results as on one thread. The pool stays the
    /// caller's to dispose, and must not run other work during this instance's calls (a pool is not re-entrant).
    /// </summary>
    public void UseWorkerPool(WorkerPool? pool)
    {
        using var call = Enter("UseWorkerPool");
        _pool = pool;
        int extra = pool is null || Mode != ExecutionMode.Inference ? 0 : pool.Workers - 1;
        if (extra == 0)
        {
            FreeWorkers();
            _bands = null;
            return;
        }
        if (_workerMemory is null || _workerMemory.Length != extra + 1)
        {
            FreeWorkers();
            var memory = new NativeArena[extra + 1];
            memory[0] = _memory;
            for (int i = 1; i <= extra; i++) memory[i] = new NativeArena(Layout.InferenceFloats, Layout.Name);
            _workerMemory = memory;
        }
        _bands = Layout.BandWorkspaceOffset < 0 ? null : new LayerBands(pool!, _workerMemory, Layout.BandWorkspaceOffset, Layout.BandWorkspaceFloats);
        SyncWorkers();
    }

    private void FreeWorkers()
    {
        if (_workerMemory is not { } workers) return;
        for (int i = 1; i < workers.Length; i++) workers[i].Dispose();
        _workerMemory = null;
    }

    /// <summary>Copies the instance's parameters and packed weights to every worker's arena (after a change to them).</summary>
    private void SyncWorkers()
    {
        if (_workerMemory is not { } workers) return;
        for (int i = 1; i < workers.Length; i++) _memory.CopyTo(workers[i]);
    }

    /// <summary>Copies the parameter tensor <paramref name="name"/> ("conv1.weight") into <paramref name="destination"/>, in PyTorch layout.</summary>
    public void CopyParameter(string name, Span<float> destination)
    {
        using var call = Enter("CopyParameter");
        var tensor = ParameterStore.Find(Layout.Parameters, name);
        ParameterStore.CopyOut(destination, Arena.Slice(0, Layout.ParameterFloats), tensor.Offset, tensor);
    }

    /// <summary>Sets the parameter tensor <paramref name="name"/> from <paramref name="source"/>, in PyTorch layout, and repacks.</summary>
    public void SetParameter(string name, ReadOnlySpan<float> source)
    {
        using var call = Enter("SetParameter");
        var tensor = ParameterStore.Find(Layout.Parameters, name);
        ParameterStore.CopyIn(Arena.Slice(0, Layout.ParameterFloats), tensor.Offset, source, tensor);
        Repack();
    }

    /// <summary>
    /// Sets every parameter tensor named in <paramref name="values"/> (PyTorch layouts, as <see cref="SetParameter"/>)
    /// and repacks once. An unknown name or a wrong length throws before anything changes.
    /// </summary>
    public void SetParameters(IReadOnlyDictionary<string, float[]> values)
    {
        using var call = Enter("SetParameters");
        ParameterStore.CopyAllIn(Arena.Slice(0, Layout.ParameterFloats), Layout.Parameters, values);
        Repack();
    }

    /// <summary>
    /// Saves every parameter to <paramref name="path"/> as safetensors, atomically: names from the layers
    /// ("conv1.weight"), PyTorch layouts (conv (K, C/G, R, S), dense (out, in), a Dense after a Flatten in
    /// PyTorch's channels-first flatten order).
    /// </summary>
    public void Save(string path)
    {
        using var call = Enter("Save");
        NetworkWeights.Save(this, path);
    }

    /// <summary>
    /// Loads a safetensors file holding exactly this network's tensors (as <see cref="Save"/> writes them);
    /// otherwise changes nothing and throws a <see cref="Weights.WeightMismatchException"/> listing every mismatch.
    /// </summary>
    public void Load(string path)
    {
        using var call = Enter("Load");
        NetworkWeights.Load(this, path);
    }

    /// <summary>
    /// Frees the arena and the workers' copies now (the pool stays the caller's). Later calls throw an
    /// <see cref="ObjectDisposedException"/>; a second Dispose does nothing. Refused while another thread is inside a call.
    /// </summary>
    public void Dispose()
    {
        if (_memory.IsDisposed) return;
        using (CallGuard.Enter(ref _guard, Layout.Name, "Dispose"))
        {
            FreeWorkers();
            _bands = null;
            _pool = null;
            _memory.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}
