using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// A fused activation whose backward needs its input (hardswish, silu, gelu, mish:
/// <see cref="OpNames.NeedsPreActivation"/>). At inference it runs in the layer's epilogue like
/// any other. In training the layer writes its result (bias included, no activation) into its
/// SavedPreActivation buffer, the activation of that goes to the layer's output, and the backward
/// turns dY into the pre-activation's gradient from the saved buffer before the layer's own backward.
/// </summary>
internal sealed partial class LayerCode
{
    /// <summary>Training: the batch's pre-activation buffer of a layer that keeps one; null otherwise (and at inference).</summary>
    private string? PreActivation(int n, bool training)
    {
        if (!training || !OpNames.NeedsPreActivation(Network.Nodes[n].Args.Activation)) return null;
        return Place(BatchArgs(_layout.KernelOffset(n, KernelBufferKind.SavedPreActivation, true), _layout.OutputShape(n).Elements));
    }

    /// <summary>The activation the layer's kernel applies: none when it writes a pre-activation, else <paramref name="fused"/>.</summary>
    private static string KernelActivation(string? preActivation, string fused) =>
        preActivation is null ? fused : Activation(ActivationKind.None);

    /// <summary>y = f(pre-activation), after a layer that wrote its pre-activation (nothing otherwise).</summary>
    private void ActivateSaved(IndentedWriter w, int n, string? preActivation, string y)
    {
        if (preActivation is null) return;
        w.Line($"{Kernels}Activations.Forward({y}, {preActivation}, {Activation(Network.Nodes[n].Args.Activation)});");
    }

    /// <summary>dY = dY * f'(pre-activation) in place, for a layer that keeps its pre-activation; false for other layers.</summary>
    private bool PreActivationBackward(IndentedWriter w, int n)
    {
        string? pre = PreActivation(n, true);
        if (pre is null) return false;
        w.Line($"{Kernels}Activations.BackwardInPlaceWithInput({Grad(n)}, {pre}, {Out(n, true)}, {Activation(Network.Nodes[n].Args.Activation)});");
        return true;
    }
}
