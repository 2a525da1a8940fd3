using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Execution;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// Convolutions run through Winograd F(2x2, 3x3) (<see cref="WinogradConv"/>): the plan gives such a
/// layer transformed weights, which the pack step derives from its forward packing (and, for its
/// input gradient in training, from its backward packing), and its forward, fused pool and input
/// gradient call the Winograd kernels on them.
/// </summary>
internal sealed partial class LayerCode
{
    /// <summary>Whether node n's forward runs through Winograd in a mode (the plan gave it transformed weights there).</summary>
    private bool RunsWinograd(int n, bool training) => _layout.KernelOffset(n, KernelBufferKind.WinogradWeights, training) >= 0;

    /// <summary>Whether node n's input gradient runs through Winograd, overwriting it (the plan gave it transformed backward weights).</summary>
    private bool RunsWinogradBackwardData(int n) => _layout.Kernel(n, KernelBufferKind.WinogradBackwardWeights) is not null;

    /// <summary>The weights a convolution's forward reads: transformed for Winograd, or packed.</summary>
    private string ForwardWeights(int n, bool training) =>
        Kernel(n, RunsWinograd(n, training) ? KernelBufferKind.WinogradWeights : KernelBufferKind.PackedWeights, training);

    /// <summary>After a convolution's forward packing (plain or folded): its Winograd weights from it.</summary>
    private void PackWinograd(IndentedWriter w, int n, bool training)
    {
        if (!RunsWinograd(n, training)) return;
        w.Line($"{Kernels}Conv2D.PackWinograd({Kernel(n, KernelBufferKind.WinogradWeights, training)}, " +
               $"{Kernel(n, KernelBufferKind.PackedWeights, training)}, in {Dims(n)});");
    }

    /// <summary>After a convolution's backward packing: the Winograd weights of its gradient convolution.</summary>
    private void PackWinogradForBackward(IndentedWriter w, int n)
    {
        if (!RunsWinogradBackwardData(n)) return;
        w.Line($"{Kernels}Conv2D.PackWinogradForBackward({Kernel(n, KernelBufferKind.WinogradBackwardWeights, true)}, " +
               $"{Kernel(n, KernelBufferKind.BackwardPackedWeights, true)}, in {Dims(n)});");
    }

    /// <summary>A fused convolution + 2x2 max pool through Winograd, split by pool rows over the forward's bands.</summary>
    private void WinogradPoolForward(IndentedWriter w, FusedConvPool chain, string activation, string alpha)
    {
        var conv = Network.Nodes[chain.Conv];
        w.Line($"// Fused with {Network.Nodes[chain.Pool].Name} through Winograd F(2x2, 3x3): each 2x2 tile is one pool window, never stored.");
        w.Line($"{BandMembers.Type}.Conv2DForwardWinogradMaxPool(bands, {Out(chain.Pool, false)}, {In(conv.Inputs[0], false)}, " +
               $"{Kernel(chain.Conv, KernelBufferKind.WinogradWeights, false)}, {BiasSpan(chain.Conv)}, {ForwardWorkspace(false)}, " +
               $"in {Dims(chain.Conv)}, in {Dims(chain.Pool)}, {activation}, {alpha});");
    }

    /// <summary>The weights a convolution's input gradient reads: transformed for Winograd, or backward-packed.</summary>
    private string DataWeights(int n, bool winograd) =>
        Kernel(n, winograd ? KernelBufferKind.WinogradBackwardWeights : KernelBufferKind.BackwardPackedWeights, true);

    /// <summary>Zeroes dX where this layer starts it, unless its Winograd input gradient overwrites it (the plan gives that only to the layer that starts it).</summary>
    private void StartDataGradient(IndentedWriter w, int input, int n, bool winograd)
    {
        if (winograd) w.Line($"// Conv2D.BackwardDataWinograd writes the whole of {Network.Nodes[input].Name}'s gradient: this layer starts it.");
        else StartGradient(w, input, n);
    }
}
