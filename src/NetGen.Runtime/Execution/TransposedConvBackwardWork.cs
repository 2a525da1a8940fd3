using System;
using NetGen.Kernels;
using NetGen.Threading;

namespace NetGen.Execution;

/// <summary>
/// A Conv2DTranspose layer's backward as two independent items for a <see cref="WorkerPool"/>,
/// like <see cref="ConvBackwardWork"/>: item 0 computes the weight and bias gradients, item 1 the
/// input gradient. Both read dY; each writes its own tensors, so two workers give exactly the
/// sequential result. Offsets and lengths are fp32 elements of the network's one array.
/// </summary>
public readonly struct TransposedConvBackwardWork : IRangeWork
{
    private readonly NativeArena _memory;
    private readonly Conv2DTransposeDims _dims;
    private readonly long _dW, _dB, _dY, _x, _dX, _packed;
    private readonly int _dWLength, _dBLength, _dYLength, _xLength, _dXLength, _packedLength;
    private readonly long _workspace;
    private readonly int _workspaceLength;

    /// <param name="memory">The network's arena.</param>
    /// <param name="dW">(C, K, R, S) weight gradient.</param>
    /// <param name="dWLength">Its length.</param>
    /// <param name="dB">(K) bias gradient, or -1 for none.</param>
    /// <param name="dBLength">Its length (0 for none).</param>
    /// <param name="dY">(N, P, Q, K) pre-activation output gradient.</param>
    /// <param name="dYLength">Its length.</param>
    /// <param name="x">(N, H, W, C) the forward input.</param>
    /// <param name="xLength">Its length.</param>
    /// <param name="dX">(N, H, W, C) input gradient, accumulated (zeroed by the caller when it starts).</param>
    /// <param name="dXLength">Its length.</param>
    /// <param name="packed">Weights packed by <see cref="Conv2DTranspose.PackForBackward"/>.</param>
    /// <param name="packedLength">Their length.</param>
    /// <param name="workspace">BackwardData's scratch.</param>
    /// <param name="workspaceLength">Its length.</param>
    /// <param name="dims">The layer at the batch.</param>
    public TransposedConvBackwardWork(NativeArena memory, long dW, int dWLength, long dB, int dBLength, long dY, int dYLength,
        long x, int xLength, long dX, int dXLength, long packed, int packedLength, long workspace, int workspaceLength,
        in Conv2DTransposeDims dims)
    {
        _memory = memory;
        _dims = dims;
        (_dW, _dWLength, _dB, _dBLength, _dY, _dYLength) = (dW, dWLength, dB, dBLength, dY, dYLength);
        (_x, _xLength, _dX, _dXLength, _packed, _packedLength) = (x, xLength, dX, dXLength, packed, packedLength);
        (_workspace, _workspaceLength) = (workspace, workspaceLength);
    }

    /// <inheritdoc/>
    public void Execute(int worker, int start, int end)
    {
        var m = _memory.View;
        var dY = m.Slice(_dY, _dYLength);
        for (int item = start; item < end; item++)
        {
            if (item == 0)
            {
                Conv2DTranspose.BackwardWeights(m.Slice(_dW, _dWLength), dY, m.Slice(_x, _xLength), _dims);
                if (_dB >= 0) Conv2DTranspose.BackwardBias(m.Slice(_dB, _dBLength), dY, _dims);
            }
            else
            {
                Conv2DTranspose.BackwardData(m.Slice(_dX, _dXLength), dY, m.Slice(_packed, _packedLength), m.Slice(_workspace, _workspaceLength), _dims);
            }
        }
    }
}
