using System.Collections.Generic;
using System.Linq;
using System.Text;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emit;

/// <summary>
/// The human-readable summary of an analysed network, in the manner of Keras's
/// <c>model.summary()</c> and torchinfo: a table of layers, parameter and MAC totals, then
/// memory, one figure per line. The build embeds it as the <c>Summary</c> constant and
/// <c>netgen summary</c> prints it, so both read the same. Lines end with '\n'.
/// </summary>
public static class SummaryWriter
{
    private static readonly string[] Headers = { "Layer", "Kind", "Output shape", "Params", "MACs" };

    public static string Write(NetworkAnalysis analysis)
    {
        var network = analysis.Network;
        var s = new StringBuilder();
        s.Append("Network: ").Append(network.Name).Append('\n');
        s.Append("Input: ").Append(network.InputShape.ToString()).Append('\n');
        s.Append("Output: ").Append(analysis.OutputShape.ToString()).Append('\n');
        s.Append('\n');
        WriteTable(s, analysis);
        s.Append('\n');
        WriteTotals(s, analysis);
        s.Append('\n');
        WriteMemory(s, analysis);
        return s.ToString();
    }

    /// <summary>The Kind column: the op, its fused activation, and whether it is frozen ("Conv2D + ReLU, frozen").</summary>
    public static string KindText(Node node)
    {
        string kind = node.Op.ToString();
        if (node.Args.Activation != ActivationKind.None && IsFusing(node.Op)) kind += " + " + node.Args.Activation;
        return node.Frozen ? kind + ", frozen" : kind;
    }

    private static bool IsFusing(OpKind op) =>
        op is OpKind.Conv2D or OpKind.DepthwiseConv2D or OpKind.SeparableConv2D or OpKind.Conv2DTranspose or OpKind.Dense;

    private static void WriteTable(StringBuilder s, NetworkAnalysis analysis)
    {
        var rows = new List<string[]> { Headers };
        foreach (var layer in analysis.Layers)
        {
            var node = analysis.Network.Nodes[layer.Node];
            rows.Add(new[] { node.Name, KindText(node), layer.Output.ToString(), Units.FormatCount(layer.Params), Units.FormatCount(layer.Macs) });
        }

        var widths = new int[Headers.Length];
        foreach (var row in rows)
            for (int c = 0; c < row.Length; c++) widths[c] = System.Math.Max(widths[c], row[c].Length);
        int total = widths.Sum() + 2 * (widths.Length - 1);

        for (int r = 0; r < rows.Count; r++)
        {
            AppendRow(s, rows[r], widths);
            if (r == 0) s.Append('=', total).Append('\n');
        }
        s.Append('-', total).Append('\n');
    }

    /// <summary>Text columns left-aligned, the two count columns right-aligned, two spaces between.</summary>
    private static void AppendRow(StringBuilder s, string[] row, int[] widths)
    {
        for (int c = 0; c < row.Length; c++)
        {
            if (c > 0) s.Append("  ");
            s.Append(c >= 3 ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]));
        }
        s.Append('\n');
    }

    private static void WriteTotals(StringBuilder s, NetworkAnalysis analysis)
    {
        s.Append("Total params: ").Append(Units.FormatCount(analysis.TotalParams)).Append('\n');
        s.Append("Trainable params: ").Append(Units.FormatCount(analysis.TrainableParams)).Append('\n');
        s.Append("Non-trainable params: ").Append(Units.FormatCount(analysis.NonTrainableParams)).Append('\n');
        if (analysis.Statistics > 0)
        {
            s.Append("PyTorch-style count (without BatchNorm statistics): ")
                .Append(Units.FormatCount(analysis.TotalParams - analysis.Statistics)).Append('\n');
        }
        s.Append("Total MACs: ").Append(Units.FormatCount(analysis.TotalMacs));
        if (analysis.TotalMacs >= 1_000_000) s.Append(" (").Append(Units.FormatMacs(analysis.TotalMacs)).Append(')');
        s.Append(" per sample\n");
    }

    private static void WriteMemory(StringBuilder s, NetworkAnalysis analysis)
    {
        var training = analysis.Training;
        string parameters = Units.FormatBytes(analysis.ParameterBytes);
        s.Append("Memory (fp32, MB = 10^6 bytes):\n");
        s.Append("Parameters: ").Append(parameters).Append('\n');
        s.Append("Inference peak: ").Append(Units.FormatBytes(analysis.InferencePlan.Bytes)).Append(" activations + ")
            .Append(parameters).Append(" parameters = ").Append(Units.FormatBytes(analysis.InferenceBytes)).Append('\n');
        var kernels = analysis.KernelBuffers;
        s.Append("Kernel buffers beside the plans (packed weights, scratch): ").Append(Units.FormatBytes(kernels.InferenceBytes))
            .Append(" inference, ").Append(Units.FormatBytes(kernels.TrainingBytes)).Append(" training\n");
        s.Append("Training at batch ").Append(training.Batch.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Append(" (").Append(training.Optimizer.ToString().ToLowerInvariant()).Append("):\n");

        var figures = new (string Label, long Bytes)[]
        {
            ("Inputs", training.Inputs),
            ("Activations", training.Activations),
            ("Parameters", training.Parameters),
            ("Gradients", training.Gradients),
            ("Optimizer state", training.OptimizerState),
            ("Backward workspace", training.Workspace),
            ("Total", training.Total),
        };
        int labelWidth = figures.Max(f => f.Label.Length) + 1;
        int valueWidth = figures.Max(f => Units.FormatBytes(f.Bytes).Length);
        foreach (var (label, bytes) in figures)
            s.Append("  ").Append((label + ":").PadRight(labelWidth)).Append(' ').Append(Units.FormatBytes(bytes).PadLeft(valueWidth)).Append('\n');
        // What one instance allocates: the plan's figure plus the kernel buffers; the figure NG0302 checks.
        s.Append("An instance allocates (plan + kernel buffers): ")
            .Append(Units.FormatBytes(analysis.InferenceBytes + kernels.InferenceBytes)).Append(" to predict, ")
            .Append(Units.FormatBytes(training.Total + kernels.TrainingBytes)).Append(" to train\n");
    }
}
