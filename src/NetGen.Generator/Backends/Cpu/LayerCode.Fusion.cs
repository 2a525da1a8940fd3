using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Execution;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// Inference steps that run a convolution together with the max pool that reads it
/// (<see cref="ConvPoolFusion"/>): the convolution's step writes the pool's output, and the
/// activation and pool steps have nothing left to do. Training runs them apart.
/// </summary>
internal sealed partial class LayerCode
{
    /// <summary>At inference: writes node n's part of a fused convolution + max pool and returns true, or false when n is in no such chain.</summary>
    private bool ConvPoolForward(IndentedWriter w, ScheduleStep step)
    {
        var e = step.Epilogue;
        if (e.Pool < 0) return false;
        int n = step.Node;
        var conv = Network.Nodes[n];
        string activation = Activation(e.Activation == ActivationKind.Softmax ? ActivationKind.None : e.Activation);
        string alpha = Alpha(e.ActivationNode >= 0 ? Network.Nodes[e.ActivationNode] : conv);
        // Which fused kernel runs is the CPU's choice (Winograd for a 2x2 stride-2 pool over a Winograd convolution).
        var chain = ConvPoolFusion.Of(_layout.Graph, n)!.Value;
        if (chain.Winograd)
        {
            WinogradPoolForward(w, chain, activation, alpha);
            return true;
        }
        w.Line($"// Fused with {Network.Nodes[e.Pool].Name}: the convolution's rows each pool row reads are computed into scratch and pooled, never stored whole.");
        w.Line($"{Kernels}Conv2D.ForwardMaxPool({Out(e.Pool, false)}, {In(conv.Inputs[0], false)}, {Kernel(n, KernelBufferKind.PackedWeights, false)}, " +
               $"{BiasSpan(n)}, {Kernel(-1, KernelBufferKind.ConvPoolWorkspace, false)}, in {Dims(n)}, in {Dims(e.Pool)}, {activation}, {alpha});");
        return true;
    }
}
