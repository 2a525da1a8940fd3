namespace NetGen.Threading;

/// <summary>
/// One parallel step: a struct that processes the items [start, end) (samples of a batch),
/// so <see cref="WorkerPool.Run{T}"/> specialises per step with no delegate or closure.
/// It holds what the step needs as fields (arena array and offsets, dimensions); spans
/// cannot cross threads, so they are sliced inside <see cref="Execute"/>.
/// </summary>
public interface IRangeWork
{
    /// <summary>Process items [start, end). <paramref name="worker"/> is in [0, Workers): use it to pick per-worker scratch.</summary>
    void Execute(int worker, int start, int end);
}
