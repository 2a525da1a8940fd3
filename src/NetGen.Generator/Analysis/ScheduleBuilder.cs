using System.Collections.Generic;
using NetGen.Generator.Backends;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// Computes a network's <see cref="ExecutionSchedule"/> from its analysis: the regions of each
/// mode (parameters first, then the inference arena or the training regions, then the kernel
/// buffers), every node's places, the parameter table, and the steps of each pass with their
/// fused epilogues. The decisions a pass's code follows (which batch norm folds, which ReLU is
/// fused, which convolution runs with its pool, where a sliced pass starts a phase, which slice
/// repacks a layer) are made here, once, with the backend's answers (<see cref="IBackend"/>):
/// what it runs, the chains it fuses, its sample slices and its kernel buffers.
/// </summary>
internal static partial class ScheduleBuilder
{
    public static ExecutionSchedule Build(NetworkIR network, IReadOnlyList<LayerInfo> layers, ArenaPlan inference, TrainingMemory training,
        BackendBuffers kernels, IBackend backend)
    {
        var graph = new ComputedGraph(network, layers);
        var parameters = new ParameterTable(network, layers, graph);
        long parameterFloats = parameters.Floats;
        long trainable = parameters.TrainableFloats;
        long state = trainable * (network.Optimizer switch { OptimizerKind.Sgd => 1, OptimizerKind.Adam => 2, _ => 0 });

        long arenaBase = parameterFloats;
        long inferenceKernelBase = arenaBase + inference.Bytes / 4;
        long gradientBase = parameterFloats;
        long stateBase = gradientBase + training.Gradients / 4;
        long inputBase = stateBase + training.OptimizerState / 4;
        long activationBase = inputBase + training.Inputs / 4;
        long workspaceBase = activationBase + training.Activations / 4;
        long trainingKernelBase = workspaceBase + training.Workspace / 4;
        var regions = new[]
        {
            new Region(RegionKind.Parameters, 0, parameterFloats),
            new Region(RegionKind.InferenceArena, arenaBase, inference.Bytes / 4),
            new Region(RegionKind.InferenceKernelBuffers, inferenceKernelBase, kernels.InferenceBytes / 4),
            new Region(RegionKind.Gradients, gradientBase, training.Gradients / 4),
            new Region(RegionKind.OptimizerState, stateBase, training.OptimizerState / 4),
            new Region(RegionKind.Inputs, inputBase, training.Inputs / 4),
            new Region(RegionKind.SavedActivations, activationBase, training.Activations / 4),
            new Region(RegionKind.ActivationGradients, workspaceBase, training.Workspace / 4),
            new Region(RegionKind.TrainingKernelBuffers, trainingKernelBase, kernels.TrainingBytes / 4),
        };

        var places = Places(network, layers, inference, training, arenaBase, inputBase, activationBase, workspaceBase);

        int output = network.Output;
        var outputNode = network.Nodes[output];
        int logits = outputNode.Op == OpKind.Softmax ? outputNode.Inputs[0] : output;
        bool endsInSoftmax = outputNode.Op == OpKind.Softmax
                             || ExecutionLimits.HasFusedActivation(outputNode) && outputNode.Args.Activation == ActivationKind.Softmax;
        bool canPredict = CanPredict(network, layers, inferenceKernelBase + kernels.InferenceBytes / 4, backend);
        bool canTrain = canPredict && ExecutionLimits.HasClassScores(layers[output].Output) && logits != 0
                        && ExecutionLimits.FitsArena(trainingKernelBase + kernels.TrainingBytes / 4)
                        && ExecutionLimits.LargestTensor(network, layers, network.Batch).Floats <= int.MaxValue;
        int slices = backend.TrainingSlices(network, layers);

        var table = parameters.Entries.ToEquatableArray();
        var steps = new StepBuilder(network, layers, graph, places, table, backend.FusedPools(graph), kernels, slices);
        var none = EquatableArray<ScheduleStep>.Empty;
        return new ExecutionSchedule(
            regions.ToEquatableArray(),
            table,
            trainable,
            state,
            places.ToEquatableArray(),
            kernels,
            slices,
            logits,
            endsInSoftmax,
            canPredict,
            canTrain,
            canPredict ? steps.Pack(training: false) : none,
            canPredict ? steps.InferenceForward() : none,
            canTrain ? steps.Pack(training: true) : none,
            canTrain ? steps.TrainingForward() : none,
            canTrain ? steps.Backward() : none);
    }

    /// <summary>Predict is generated: every computed layer has a kernel, inference fits the address space and every tensor one span.</summary>
    private static bool CanPredict(NetworkIR network, IReadOnlyList<LayerInfo> layers, long inferenceFloats, IBackend backend)
    {
        for (int n = 0; n < network.Nodes.Count; n++)
            if (layers[n].Computed && !backend.CanRun(network.Nodes[n])) return false;
        return ExecutionLimits.FitsArena(inferenceFloats) && ExecutionLimits.LargestTensor(network, layers, 1).Floats <= int.MaxValue;
    }

    private static NodePlaces[] Places(NetworkIR network, IReadOnlyList<LayerInfo> layers, ArenaPlan inference, TrainingMemory training,
        long arenaBase, long inputBase, long activationBase, long workspaceBase)
    {
        int count = network.Nodes.Count;
        var inferenceSlots = ByNode(inference, count);
        var savedSlots = ByNode(training.ActivationPlan, count);
        var gradientSlots = ByNode(training.GradientPlan, count);
        var places = new NodePlaces[count];
        var callerInput = new BufferRef(RegionKind.CallerInput, -1, layers[0].Output.Elements, layers[0].Output.Elements);
        places[0] = new NodePlaces(0, callerInput, new BufferRef(RegionKind.Inputs, inputBase, layers[0].Output.Elements, layers[0].Output.Elements), null);
        for (int n = 1; n < count; n++)
        {
            long elements = layers[n].Output.Elements;
            BufferRef? At(RegionKind region, long start) => new BufferRef(region, start, elements, elements);
            var i = inferenceSlots[n];
            var s = savedSlots[n];
            var g = gradientSlots[n];
            BufferRef? inferencePlace = i is null ? null
                : i.AliasOf == 0 ? callerInput with { PerSample = elements, Length = elements }
                : At(RegionKind.InferenceArena, arenaBase + i.Offset / 4);
            BufferRef? saved = s is null ? null
                : s.AliasOf == 0 ? At(RegionKind.Inputs, inputBase)
                : At(RegionKind.SavedActivations, activationBase + s.Offset / 4);
            BufferRef? gradient = g is null ? null : At(RegionKind.ActivationGradients, workspaceBase + g.Offset / 4);
            places[n] = new NodePlaces(n, inferencePlace, saved, gradient);
        }
        return places;
    }

    /// <summary>Per node, its slot in <paramref name="plan"/> (the first, as a search in slot order finds), or null.</summary>
    private static TensorSlot?[] ByNode(ArenaPlan plan, int nodes)
    {
        var slots = new TensorSlot?[nodes];
        foreach (var slot in plan.Slots)
            if (slot.Node < nodes && slots[slot.Node] is null) slots[slot.Node] = slot;
        return slots;
    }
}
