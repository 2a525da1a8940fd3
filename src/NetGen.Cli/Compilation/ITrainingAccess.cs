using System;
using NetGen.Threading;

namespace NetGen.Cli.Compilation;

/// <summary>
/// What a checkpoint needs from a generated network beyond <see cref="Execution.ITrainableNetwork"/>:
/// its optimizer state and step count, to save and restore them. The CLI compiles one more
/// partial-class part beside the generated code (<see cref="AccessSource"/>) that implements this
/// over the class's own memory block, so resuming continues Adam's moments or SGD's velocity
/// exactly. Public only because the run-time compiled assembly implements it.
/// </summary>
public interface ITrainingAccess
{
    /// <summary>The optimizer state block (SGD: 1 x trainable floats; Adam: 2 x; none: empty), in the generated layout.</summary>
    Span<float> OptimizerState { get; }

    /// <summary>
    /// The dropout masks' generator state (a xoshiro128** struct's 16 bytes), so a resumed run draws
    /// the masks an uninterrupted one would; empty for a network without dropout.
    /// </summary>
    Span<byte> RandomState { get; }

    /// <summary>Optimizer steps taken (Adam's bias correction reads it).</summary>
    long Steps { get; set; }

    /// <summary>The generated method that spreads each layer's backward halves over a worker pool.</summary>
    void UseWorkerPool(WorkerPool? pool);
}
