using System;
using System.Collections.Generic;
using System.Threading;

namespace NetGen.Execution;

/// <summary>
/// Prediction from many threads with one network's weights: a generated instance serves one call
/// at a time (another thread's call throws), so the pool holds up to <see cref="Capacity"/>
/// instances, made when concurrent calls first need them, and lends one to each call. Every
/// instance gets the same weights, copied once: from a source instance or a weights file at
/// construction, then into each new instance with one <see cref="INetwork.SetParameters"/>, so
/// every instance gives the same outputs bit for bit. <see cref="Predict(ReadOnlySpan{float}, Span{float})"/>
/// allocates nothing once the instances it lends are made. Safe to call from any number of
/// threads; a call waits when all <see cref="Capacity"/> instances are busy.
/// </summary>
/// <remarks>
/// Memory: each instance made holds its own <see cref="INetwork.AllocatedBytes"/>, and the pool
/// keeps one copy of the parameters (PyTorch layouts) to initialise the instances it makes later.
/// The factory must return a new instance per call (one it returned twice would throw, as any instance
/// used by two threads at once does); do not give the instances one shared
/// <see cref="Threading.WorkerPool"/>, which runs one call at a time.
/// </remarks>
/// <typeparam name="TNetwork">The generated network class.</typeparam>
public sealed class NetworkPool<TNetwork> where TNetwork : class, INetwork
{
    private readonly Func<TNetwork> _factory;
    private readonly Dictionary<string, float[]>? _weights;
    private readonly TNetwork?[] _instances;
    // _lent[i] is 1 while slot i is lent to a call; the semaphore counts the slots that are not.
    private readonly int[] _lent;
    private readonly SemaphoreSlim _free;
    private int _created;

    /// <summary>A pool whose instances take the weights <paramref name="factory"/> gives them (a fixed seed, or a Load inside it).</summary>
    /// <param name="factory">Makes one new instance per call (called at most <see cref="Capacity"/> times).</param>
    /// <param name="capacity">Most instances, so most concurrent calls; 0: one per logical processor.</param>
    public NetworkPool(Func<TNetwork> factory, int capacity = 0)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (capacity == 0)
        {
            capacity = Environment.ProcessorCount;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _factory = factory;
        _instances = new TNetwork?[capacity];
        _lent = new int[capacity];
        _free = new SemaphoreSlim(capacity, capacity);
    }

    /// <summary>
    /// A pool whose instances all take <paramref name="source"/>'s parameters as they are now (copied
    /// once here; later changes to <paramref name="source"/> do not reach the pool).
    /// </summary>
    /// <param name="factory">Makes one new instance per call; its weights are replaced by the source's.</param>
    /// <param name="source">The trained instance; read here, on the calling thread, and not kept.</param>
    /// <param name="capacity">Most instances; 0: one per logical processor.</param>
    public NetworkPool(Func<TNetwork> factory, TNetwork source, int capacity = 0) : this(factory, capacity)
    {
        ArgumentNullException.ThrowIfNull(source);
        _weights = CopyParameters(source);
    }

    /// <summary>
    /// A pool whose instances all take the weights in <paramref name="weightsPath"/> (a safetensors file as
    /// <see cref="INetwork.Save"/> writes it), read once here: the first instance is made and loads it, so a
    /// missing or mismatched file throws from this constructor.
    /// </summary>
    /// <param name="factory">Makes one new instance per call; its weights are replaced by the file's.</param>
    /// <param name="weightsPath">The weights file.</param>
    /// <param name="capacity">Most instances; 0: one per logical processor.</param>
    public NetworkPool(Func<TNetwork> factory, string weightsPath, int capacity = 0) : this(factory, capacity)
    {
        ArgumentNullException.ThrowIfNull(weightsPath);
        var first = factory() ?? throw new InvalidOperationException($"NetworkPool<{typeof(TNetwork).Name}>: the factory returned null.");
        first.Load(weightsPath);
        _weights = CopyParameters(first);
        _instances[0] = first;
        _created = 1;
    }

    /// <summary>Most instances the pool makes, so most calls that run at once.</summary>
    public int Capacity => _instances.Length;

    /// <summary>Instances made so far (at most <see cref="Capacity"/>).</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>Runs one sample on an instance no other call is using (as <see cref="INetwork.Predict(ReadOnlySpan{float}, Span{float})"/>).</summary>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        int slot = Rent();
        try
        {
            Instance(slot).Predict(input, output);
        }
        finally
        {
            Return(slot);
        }
    }

    /// <summary>Runs <paramref name="count"/> samples on one instance no other call is using (as <see cref="INetwork.Predict(ReadOnlySpan{float}, Span{float}, int)"/>).</summary>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int count)
    {
        int slot = Rent();
        try
        {
            Instance(slot).Predict(inputs, outputs, count);
        }
        finally
        {
            Return(slot);
        }
    }

    /// <summary>Claims a slot: waits for the semaphore, which guarantees one is free, then takes the first free one (made instances first).</summary>
    private int Rent()
    {
        _free.Wait();
        for (int i = 0; ; i = (i + 1) % _lent.Length)
        {
            if (Volatile.Read(ref _lent[i]) == 0 && Interlocked.CompareExchange(ref _lent[i], 1, 0) == 0)
            {
                return i;
            }
        }
    }

    private void Return(int slot)
    {
        Volatile.Write(ref _lent[slot], 0);
        _free.Release();
    }

    /// <summary>The instance of a slot this call holds, made on first use (only the holder touches the slot).</summary>
    private TNetwork Instance(int slot)
    {
        if (_instances[slot] is { } made)
        {
            return made;
        }
        var network = _factory() ?? throw new InvalidOperationException($"NetworkPool<{typeof(TNetwork).Name}>: the factory returned null.");
        if (_weights is not null)
        {
            network.SetParameters(_weights);
        }
        _instances[slot] = network;
        Interlocked.Increment(ref _created);
        return network;
    }

    private static Dictionary<string, float[]> CopyParameters(TNetwork source)
    {
        var weights = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var tensor in source.ParameterTable)
        {
            var values = new float[tensor.Length];
            source.CopyParameter(tensor.Name, values);
            weights.Add(tensor.Name, values);
        }
        return weights;
    }
}
