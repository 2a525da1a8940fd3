using System;
using NetGen.Kernels;
using NetGen.Threading;

namespace NetGen.Execution;

/// <summary>
/// A Conv2D layer's backward as two independent items for a <see cref="WorkerPool"/>: item 0
/// computes the weight and bias gradients, item 1 the input gradient. Both read dY; each
/// writes its own tensors, so two workers give exactly the sequential result. Offsets and
/// lengths are fp32 elements of the network's arena (spans cannot cross threads).
/// </summary>
public readonly struct ConvBackwardWork : IRangeWork
{
    private readonly NativeArena _memory;
    private readonly Conv2DDims _dims;
    private readonly long _dW, _dB, _dY, _x, _dX, _packed;
    private readonly int _dWLength, _dBLength, _dYLength, _xLength, _dXLength, _packedLength;
    private readonly long _workspace;
    private readonly int _workspaceLength;
    private readonly bool _winograd;

    /// <param name="memory">The network's arena.</param>
    /// <param name="dW">(K, C/G, R, S) weight gradient.</param>
    /// <param name="dWLength">Its length.</param>
    /// <param name="dB">(K) bias gradient, or -1 for none.</param>
    /// <param name="dBLength">Its length (0 for none).</param>
    /// <param name="dY">(N, P, Q, K) pre-activation output gradient.</param>
    /// <param name="dYLength">Its length.</param>
    /// <param name="x">(N, H, W, C) the forward input.</param>
    /// <param name="xLength">Its length.</param>
    /// <param name="dX">(N, H, W, C) input gradient, accumulated (zeroed by the caller when it starts), or overwritten with <paramref name="winograd"/>.</param>
    /// <param name="dXLength">Its length.</param>
    /// <param name="packed">Backward-packed weights, or with <paramref name="winograd"/> their Winograd transform (<see cref="Conv2D.PackWinogradForBackward"/>).</param>
    /// <param name="packedLength">Their length.</param>
    /// <param name="workspace">BackwardData's scratch.</param>
    /// <param name="workspaceLength">Its length (0 when it needs none).</param>
    /// <param name="dims">The convolution at the batch.</param>
    /// <param name="winograd">dX through <see cref="Conv2D.BackwardDataWinograd"/>, which overwrites it (the layer starts its input's gradient).</param>
    public ConvBackwardWork(NativeArena memory, long dW, int dWLength, long dB, int dBLength, long dY, int dYLength,
        long x, int xLength, long dX, int dXLength, long packed, int packedLength, long workspace, int workspaceLength,
        in Conv2DDims dims, bool winograd = false)
    {
        (_workspace, _workspaceLength, _winograd) = (workspace, workspaceLength, winograd);
        _memory = memory;
        _dims = dims;
        (_dW, _dWLength, _dB, _dBLength, _dY, _dYLength) = (dW, dWLength, dB, dBLength, dY, dYLength);
        (_x, _xLength, _dX, _dXLength, _packed, _packedLength) = (x, xLength, dX, dXLength, packed, packedLength);
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
                Conv2D.BackwardWeights(m.Slice(_dW, _dWLength), dY, m.Slice(_x, _xLength), _dims);
                if (_dB >= 0) Conv2D.BackwardBias(m.Slice(_dB, _dBLength), dY, _dims);
            }
            else if (_winograd)
            {
                Conv2D.BackwardDataWinograd(m.Slice(_dX, _dXLength), dY, m.Slice(_packed, _packedLength), m.Slice(_workspace, _workspaceLength), _dims);
            }
            else
            {
                Conv2D.BackwardData(m.Slice(_dX, _dXLength), dY, m.Slice(_packed, _packedLength), m.Slice(_workspace, _workspaceLength), _dims);
            }
        }
    }
}

/// <summary>A Dense layer's backward as two items, like <see cref="ConvBackwardWork"/>; dX reads the canonical weights.</summary>
public readonly struct DenseBackwardWork : IRangeWork
{
    private readonly NativeArena _memory;
    private readonly DenseDims _dims;
    private readonly long _dW, _dB, _dY, _x, _dX, _w;
    private readonly int _dWLength, _dBLength, _dYLength, _xLength, _dXLength, _wLength;

    /// <param name="memory">The network's arena.</param>
    /// <param name="dW">(K, C) weight gradient.</param>
    /// <param name="dWLength">Its length.</param>
    /// <param name="dB">(K) bias gradient, or -1 for none.</param>
    /// <param name="dBLength">Its length (0 for none).</param>
    /// <param name="dY">(N, K) pre-activation output gradient.</param>
    /// <param name="dYLength">Its length.</param>
    /// <param name="x">(N, C) the forward input.</param>
    /// <param name="xLength">Its length.</param>
    /// <param name="dX">(N, C) input gradient, accumulated.</param>
    /// <param name="dXLength">Its length.</param>
    /// <param name="w">(K, C) canonical weights.</param>
    /// <param name="wLength">Their length.</param>
    /// <param name="dims">The layer at the batch.</param>
    public DenseBackwardWork(NativeArena memory, long dW, int dWLength, long dB, int dBLength, long dY, int dYLength,
        long x, int xLength, long dX, int dXLength, long w, int wLength,
        in DenseDims dims)
    {
        _memory = memory;
        _dims = dims;
        (_dW, _dWLength, _dB, _dBLength, _dY, _dYLength) = (dW, dWLength, dB, dBLength, dY, dYLength);
        (_x, _xLength, _dX, _dXLength, _w, _wLength) = (x, xLength, dX, dXLength, w, wLength);
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
                Dense.BackwardWeights(m.Slice(_dW, _dWLength), dY, m.Slice(_x, _xLength), _dims);
                if (_dB >= 0) Dense.BackwardBias(m.Slice(_dB, _dBLength), dY, _dims);
            }
            else
            {
                Dense.BackwardData(m.Slice(_dX, _dXLength), dY, m.Slice(_w, _wLength), _dims);
            }
        }
    }
}
