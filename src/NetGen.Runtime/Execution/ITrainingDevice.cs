using System;

namespace NetGen.Execution;

/// <summary>
/// The device work of a training network, which <see cref="TrainingDriver"/> runs: the CPU base
/// (<see cref="CompiledTrainableNetwork"/>) implements it on its arena, the GPU base (NetGen.Runtime.Gpu's
/// <c>GpuTrainableNetwork</c>) with its launches. Every member runs inside a call the driver has entered
/// and checked: the arguments are whole, checked samples of at most <see cref="NetworkLayout.MaxBatch"/>.
/// </summary>
internal interface ITrainingDevice
{
    /// <summary>Claims the instance for <paramref name="member"/> (the network's call guard; a nested call joins the outer one).</summary>
    CallGuard.Scope Enter(string member);

    /// <summary>
    /// Batch <paramref name="n"/> (labelled, checked) samples, the first being sample <paramref name="firstSample"/> of the
    /// call (for messages): loads the inputs, runs the forward (with <paramref name="backward"/> in training mode, dropout
    /// masks drawn), the softmax cross-entropy, and with <paramref name="backward"/> the backward, adding the summed loss's
    /// gradient to the gradient block. Returns the loss's totals.
    /// </summary>
    LossTotals RunBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int n, int firstSample, bool backward);

    /// <summary><paramref name="n"/> samples through the evaluation-mode training forward, their outputs as Predict returns them.</summary>
    void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int n);

    /// <summary>Zeroes the gradient block.</summary>
    void ClearGradients();

    /// <summary>Multiplies the gradient block by <paramref name="factor"/> (the summed gradient into the mean's).</summary>
    void ScaleGradients(float factor);

    /// <summary>One update of the declared optimizer with the gradient block at step <paramref name="step"/> (from 1), then the training repack.</summary>
    void Update(long step);

    /// <summary>The gradient block as the host reads it (the GPU downloads it first), for <see cref="TrainingDriver.CopyGradient"/>.</summary>
    ReadOnlySpan<float> ReadGradients();

    /// <summary>Copies the optimizer state (checked length) into <paramref name="destination"/>.</summary>
    void ReadOptimizerState(Span<float> destination);

    /// <summary>Sets the optimizer state from <paramref name="source"/> (checked length).</summary>
    void WriteOptimizerState(ReadOnlySpan<float> source);
}
