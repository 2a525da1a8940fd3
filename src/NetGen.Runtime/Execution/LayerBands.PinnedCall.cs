using System;
using NetGen.Kernels;

namespace NetGen.Execution;

public sealed unsafe partial class LayerBands
{
    /// <summary>
    /// A convolution call's arguments pinned for one pool run (spans cannot cross threads): y, x, weights, bias and the
    /// calling thread's workspace as pointers and lengths, the dimensions and the activation. Worker i &gt; 0 takes the
    /// scratch at the same offset of its own memory (<see cref="Workspace"/>).
    /// </summary>
    private readonly struct PinnedCall
    {
        private readonly float* _y, _x, _weights, _bias, _workspace;
        private readonly int _yLength, _xLength, _weightsLength, _biasLength, _workspaceLength;

        public PinnedCall(float* y, int yLength, float* x, int xLength, float* weights, int weightsLength, float* bias, int biasLength,
            float* workspace, int workspaceLength, in Conv2DDims dims, Activation activation, float alpha)
        {
            _y = y;
            _yLength = yLength;
            _x = x;
            _xLength = xLength;
            _weights = weights;
            _weightsLength = weightsLength;
            _bias = bias;
            _biasLength = biasLength;
            _workspace = workspace;
            _workspaceLength = workspaceLength;
            Dims = dims;
            Activation = activation;
            Alpha = alpha;
        }

        public Conv2DDims Dims { get; }
        public Activation Activation { get; }
        public float Alpha { get; }
        public Span<float> Y => new(_y, _yLength);
        public ReadOnlySpan<float> X => new(_x, _xLength);
        public ReadOnlySpan<float> Weights => new(_weights, _weightsLength);
        public ReadOnlySpan<float> Bias => new(_bias, _biasLength);

        /// <summary>Worker 0's scratch is the caller's; worker i's the same slot of its own memory.</summary>
        public Span<float> Workspace(LayerBands owner, int worker) => worker == 0
            ? new Span<float>(_workspace, _workspaceLength)
            : owner.WorkerWorkspace(worker);
    }
}
