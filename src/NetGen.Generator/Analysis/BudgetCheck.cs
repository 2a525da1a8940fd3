using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// The network's declared budgets (NG0201-NG0203). Each diagnostic names the figure, the limit
/// and the three largest contributors; the training one also says which batch would fit.
/// </summary>
internal static class BudgetCheck
{
    public static void Check(NetworkAnalysis analysis, Liveness live, List<DiagnosticInfo> diagnostics)
    {
        var network = analysis.Network;
        var budgets = network.Budgets ?? Budgets.None;

        if (budgets.MaxParams is long maxParams && analysis.TotalParams > maxParams)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ParamsBudgetExceeded.Id,
                budgets.MaxParamsLocation ?? network.Location, network.Name,
                Units.FormatCount(analysis.TotalParams), Units.FormatCount(maxParams), LargestByParams(analysis)));
        }

        if (budgets.MaxInferenceBytes is long maxInference && analysis.InferenceBytes > maxInference)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InferenceBudgetExceeded.Id,
                budgets.MaxInferenceLocation ?? network.Location, network.Name,
                Units.FormatBytes(analysis.InferenceBytes), Units.FormatBytes(maxInference),
                Contributors.Largest(InferenceContributors(analysis))));
        }

        var training = analysis.Training;
        if (budgets.MaxTrainingBytes is long maxTraining && training.Total > maxTraining)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TrainingBudgetExceeded.Id,
                budgets.MaxTrainingLocation ?? network.Location, network.Name,
                Units.FormatBytes(training.Total), training.Batch, Units.FormatBytes(maxTraining),
                Contributors.Largest(TrainingContributors(analysis)), WhatFits(analysis, live, maxTraining)));
        }
    }

    private static string LargestByParams(NetworkAnalysis analysis)
    {
        var items = new List<Contributor>();
        foreach (var layer in analysis.Layers)
            if (layer.Params > 0)
                items.Add(new Contributor(Name(analysis, layer.Node), layer.Params, Units.FormatCount(layer.Params)));
        return Contributors.Largest(items);
    }

    /// <summary>Outputs that own arena bytes (in-place outputs share their input's) and weights.</summary>
    private static List<Contributor> InferenceContributors(NetworkAnalysis analysis)
    {
        var items = new List<Contributor>();
        foreach (var slot in analysis.InferencePlan.Slots)
            if (slot.AliasOf < 0) items.Add(Bytes(Name(analysis, slot.Node) + " output", slot.Bytes));
        foreach (var layer in analysis.Layers)
            if (layer.Params > 0) items.Add(Bytes(Name(analysis, layer.Node) + " weights", layer.Params * 4));
        return items;
    }

    /// <summary>Saved activations at the batch, and each node's weights with their gradients and optimizer state.</summary>
    private static List<Contributor> TrainingContributors(NetworkAnalysis analysis)
    {
        var training = analysis.Training;
        long stateCopies = training.Gradients == 0 ? 0 : training.OptimizerState / training.Gradients;
        var items = new List<Contributor>();
        foreach (var slot in training.ActivationPlan.Slots)
            if (slot.AliasOf < 0) items.Add(Bytes(Name(analysis, slot.Node) + " output", slot.Bytes));
        foreach (var layer in analysis.Layers)
        {
            if (layer.Params == 0) continue;
            string what = layer.Trainable == 0 ? " weights"
                : stateCopies == 0 ? " weights and gradients"
                : " weights, gradients and optimizer state";
            long bytes = (layer.Params + layer.Trainable * (1 + stateCopies)) * 4;
            items.Add(Bytes(Name(analysis, layer.Node) + what, bytes));
        }
        return items;
    }

    /// <summary>
    /// "batch 44 would fit (518.4 MB)", or when no batch fits, what batch 1 and the
    /// batch-independent part need. Training memory is affine in the batch, fixed + B x per
    /// sample, so the largest batch is (limit - fixed) / per sample; it is confirmed against
    /// the plan at that batch and the next.
    /// </summary>
    private static string WhatFits(NetworkAnalysis analysis, Liveness live, long limit)
    {
        var network = analysis.Network;
        var atOne = TrainingPlanner.Plan(network, analysis.Layers, live, 1, network.Optimizer);
        long fixedBytes = atOne.FixedBytes;
        long perSample = atOne.PerSampleBytes;

        long batch = limit < fixedBytes ? 0 : (limit - fixedBytes) / perSample;
        if (batch >= network.Batch) batch = network.Batch - 1;
        while (batch >= 1 && Total(analysis, live, batch) > limit) batch--;
        while (batch + 1 < network.Batch && Total(analysis, live, batch + 1) <= limit) batch++;

        if (batch >= 1)
            return "batch " + batch + " would fit (" + Units.FormatBytes(Total(analysis, live, batch)) + ")";
        return "even batch 1 does not fit (" + Units.FormatBytes(atOne.Total) + "); parameters, gradients and optimizer state alone need "
            + Units.FormatBytes(fixedBytes);
    }

    private static long Total(NetworkAnalysis analysis, Liveness live, long batch) =>
        TrainingPlanner.Plan(analysis.Network, analysis.Layers, live, (int)batch, analysis.Network.Optimizer).Total;

    private static Contributor Bytes(string label, long bytes) => new(label, bytes, Units.FormatBytes(bytes));

    private static string Name(NetworkAnalysis analysis, int node) => analysis.Network.Nodes[node].Name;
}
