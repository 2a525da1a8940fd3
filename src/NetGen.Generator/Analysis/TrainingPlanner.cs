using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// Training memory at a batch size B (docs/memory.md). All per-sample figures scale by B, so
/// the total is affine in B: fixed (parameters, gradients, optimizer state) + B x per sample
/// (input, saved activations, activation gradients).
/// <list type="bullet">
/// <item>Activations: every computed node's output except the input and flatten (a view),
/// all saved for the backward pass, back to back in node order.</item>
/// <item>Workspace: the activation gradients. The gradient of node n's output exists from the
/// backward step of its last reader (the first met in reverse; the output's from the start)
/// until n's own backward step, the same interval as the value at inference. The input needs
/// none. A flatten or dropout node's backward step turns its output gradient into its input's
/// in place, so the input's gradient shares that storage when the flatten or dropout is its
/// last reader (later readers would otherwise have started it already).</item>
/// </list>
/// </summary>
internal static class TrainingPlanner
{
    public static TrainingMemory Plan(NetworkIR network, IReadOnlyList<LayerInfo> layers, Liveness live,
        int batch, OptimizerKind optimizer)
    {
        checked
        {
            long trainable = 0, total = 0;
            foreach (var layer in layers)
            {
                trainable += layer.Trainable;
                total += layer.Trainable + layer.NonTrainable;
            }
            long statePerParameter = optimizer switch { OptimizerKind.Sgd => 1, OptimizerKind.Adam => 2, _ => 0 };
            var activations = SavedActivations(network, layers, live, batch);
            var gradients = GradientPlan(network, layers, live, batch);
            return new TrainingMemory(
                batch,
                optimizer,
                Inputs: batch * network.InputShape.Bytes,
                Activations: activations.Bytes,
                Parameters: total * 4,
                Gradients: trainable * 4,
                OptimizerState: trainable * 4 * statePerParameter,
                Workspace: gradients.Bytes,
                ActivationPlan: activations,
                GradientPlan: gradients);
        }
    }

    private static ArenaPlan SavedActivations(NetworkIR network, IReadOnlyList<LayerInfo> layers, Liveness live, int batch)
    {
        var nodes = network.Nodes;
        // Where each node's output is stored: its own slot, or (flatten) its input's storage,
        // which for a flatten of the network input is the caller's input (owner 0, offset 0).
        var owner = new int[nodes.Count];
        var offsets = new long[nodes.Count];
        var slots = new List<TensorSlot>();
        long end = 0;
        for (int n = 1; n < nodes.Count; n++)
        {
            if (!live.Computed[n]) continue;
            long bytes = checked(batch * layers[n].Output.Bytes);
            if (nodes[n].Op == OpKind.Flatten)
            {
                int input = nodes[n].Inputs[0];
                owner[n] = owner[input];
                offsets[n] = offsets[input];
                slots.Add(new TensorSlot(n, offsets[n], bytes, owner[n]));
                continue;
            }
            owner[n] = n;
            offsets[n] = end;
            slots.Add(new TensorSlot(n, end, bytes));
            end = checked(end + bytes);
        }
        return new ArenaPlan(end, slots.ToEquatableArray());
    }

    private static ArenaPlan GradientPlan(NetworkIR network, IReadOnlyList<LayerInfo> layers, Liveness live, int batch)
    {
        var nodes = network.Nodes;
        var tensors = new List<PlannedTensor>();
        for (int n = 1; n < nodes.Count; n++)
        {
            if (!live.Computed[n]) continue;
            int lastReader = live.LastUse(n);
            bool inPlace = lastReader < nodes.Count && nodes[lastReader].Op is OpKind.Flatten or OpKind.Dropout;
            tensors.Add(new PlannedTensor(n, checked(batch * layers[n].Output.Bytes), n, lastReader,
                inPlace ? lastReader : -1));
        }
        return ArenaBuilder.Build(tensors);
    }
}
