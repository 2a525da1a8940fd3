using System;
using System.Collections.Generic;
using NetGen.Generator.Backends;
using NetGen.Generator.Backends.Cpu;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>Pure analysis of a network: shapes, parameters, MACs, memory plans, budgets.</summary>
public static class NetworkAnalyzer
{
    /// <summary>
    /// Analyses a network. The value is null when a shape error makes the network invalid;
    /// budget errors and warnings come with a value. Never throws.
    /// </summary>
    public static Result<NetworkAnalysis> Analyze(NetworkIR network) => Analyze(network, CpuBackend.Instance);

    /// <summary>Analyses a network for a backend: its answers shape the inference plan, the kernel buffers and the schedule.</summary>
    internal static Result<NetworkAnalysis> Analyze(NetworkIR network, IBackend backend)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var wellFormed = StructureCheck.Check(network, diagnostics);
        if (wellFormed is null) return Fail(diagnostics);
        var shapes = ShapeInference.Infer(network, wellFormed, diagnostics);
        if (diagnostics.Count > 0) return Fail(diagnostics);

        try
        {
            var live = new Liveness(network);
            var layers = Layers(network, shapes, live);
            var inference = InferencePlanner.Plan(network, layers, live, backend);
            var training = TrainingPlanner.Plan(network, layers, live, network.Batch, network.Optimizer);
            var analysis = Assemble(network, layers.ToEquatableArray(), inference, training, backend);
            CheckTotals(analysis);
            BudgetCheck.Check(analysis, live, diagnostics);
            return new Result<NetworkAnalysis>(analysis, diagnostics.ToEquatableArray());
        }
        catch (OverflowException)
        {
            // Only reachable with sizes far beyond any real network (parameter counts or bytes past 2^63).
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TensorTooLarge.Id, network.Location,
                network.Name, "a parameter count or memory figure at batch " + network.Batch,
                Units.FormatCount(long.MaxValue) + ", the 64-bit range"));
            return Fail(diagnostics);
        }
    }

    /// <summary>
    /// The analysis of a network from its per-node facts and memory plans: the kernel buffers and the
    /// execution schedule computed from them (what <see cref="Analyze"/> and hand-built analyses share).
    /// </summary>
    public static NetworkAnalysis Assemble(NetworkIR network, EquatableArray<LayerInfo> layers, ArenaPlan inference, TrainingMemory training) =>
        Assemble(network, layers, inference, training, CpuBackend.Instance);

    internal static NetworkAnalysis Assemble(NetworkIR network, EquatableArray<LayerInfo> layers, ArenaPlan inference, TrainingMemory training,
        IBackend backend)
    {
        var kernels = backend.PlanBuffers(network, layers);
        var schedule = ScheduleBuilder.Build(network, layers, inference, training, kernels, backend);
        return new NetworkAnalysis(network, layers, inference, training, schedule);
    }

    /// <summary>
    /// Training memory of an analysed network at another batch size or optimizer (what the
    /// summary's "batch N would fit" and tests use). Throws <see cref="ArgumentOutOfRangeException"/>
    /// for a batch below 1 and <see cref="OverflowException"/> past 2^63 bytes.
    /// </summary>
    public static TrainingMemory TrainingAt(NetworkAnalysis analysis, int batch, OptimizerKind optimizer)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "the batch size must be at least 1");
        return TrainingPlanner.Plan(analysis.Network, analysis.Layers, new Liveness(analysis.Network), batch, optimizer);
    }

    private static LayerInfo[] Layers(NetworkIR network, Shape?[] shapes, Liveness live)
    {
        var nodes = network.Nodes;
        var layers = new LayerInfo[nodes.Count];
        layers[0] = new LayerInfo(0, network.InputShape, 0, 0, 0, 0);
        for (int n = 1; n < nodes.Count; n++)
        {
            var output = shapes[n]!.Value;
            if (!live.Computed[n])
            {
                layers[n] = new LayerInfo(n, output, 0, 0, 0, 0) { Computed = false };
                continue;
            }
            var input = shapes[nodes[n].Inputs[0]]!.Value;
            var (trainable, nonTrainable, statistics) = ParameterCount.Of(nodes[n], input);
            layers[n] = new LayerInfo(n, output, trainable, nonTrainable, statistics, MacCount.Of(nodes[n], input, output));
        }
        return layers;
    }

    /// <summary>
    /// <see cref="NetworkAnalysis"/> and <see cref="TrainingMemory"/> sum their totals unchecked;
    /// summing them checked once here turns a wrap-around into the overflow diagnostic.
    /// </summary>
    private static void CheckTotals(NetworkAnalysis analysis)
    {
        checked
        {
            long parameters = 0, macs = 0;
            foreach (var l in analysis.Layers)
            {
                parameters += l.Trainable + l.NonTrainable;
                macs += l.Macs;
            }
            _ = parameters * 4 + analysis.InferencePlan.Bytes;
            var t = analysis.Training;
            _ = t.Inputs + t.Activations + t.Parameters + t.Gradients + t.OptimizerState + t.Workspace;
        }
    }

    private static Result<NetworkAnalysis> Fail(List<DiagnosticInfo> diagnostics) =>
        new(null, diagnostics.ToEquatableArray());
}
