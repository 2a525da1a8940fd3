using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit;

/// <summary>
/// The members of a network's class: constants for sizes, shapes and memory, the summary,
/// the layer table, and the inference arena plan the runtime allocates from.
/// </summary>
internal static class NetworkMembers
{
    private const string LayerSummary = "global::NetGen.LayerSummary";

    public static void Write(IndentedWriter w, NetworkAnalysis a)
    {
        var training = a.Training;
        w.Lines($$"""
            /// <summary>Parameters (fp32 elements): trainable, frozen, and BatchNorm running statistics.</summary>
            public const long ParameterCount = {{Number(a.TotalParams)}};
            /// <summary>Parameters the optimizer updates.</summary>
            public const long TrainableParameterCount = {{Number(a.TrainableParams)}};
            /// <summary>Parameters not trained: frozen layers and BatchNorm running statistics.</summary>
            public const long NonTrainableParameterCount = {{Number(a.NonTrainableParams)}};
            /// <summary>Multiply-accumulates of one forward pass over one sample.</summary>
            public const long Macs = {{Number(a.TotalMacs)}};
            /// <summary>Bytes inference needs at batch 1: parameters plus the peak of live activations (the input is the caller's).</summary>
            public const long InferenceBytes = {{Number(a.InferenceBytes)}};
            /// <summary>The batch size <see cref="TrainingBytes"/> is computed at.</summary>
            public const int TrainingBatch = {{Number(training.Batch)}};
            /// <summary>Bytes training at <see cref="TrainingBatch"/> needs ({{training.Optimizer.ToString().ToLowerInvariant()}}): inputs, saved activations, parameters, gradients, optimizer state and backward workspace.</summary>
            public const long TrainingBytes = {{Number(training.Total)}};

            """);
        WriteShape(w, "Input", "input", a.Network.InputShape);
        WriteShape(w, "Output", "output", a.OutputShape);
        WriteSummary(w, a);
        WriteLayers(w, a);
        WritePlan(w, a);
        Execution.ExecutionMembers.Write(w, a);
    }

    private static void WriteShape(IndentedWriter w, string prefix, string what, Shape shape)
    {
        if (shape.IsVector)
        {
            w.Lines($$"""
                /// <summary>Features of one {{what}} sample.</summary>
                public const int {{prefix}}Features = {{Number(shape.C)}};
                /// <summary>Shape of one {{what}} sample, batch excluded: (features).</summary>
                public static global::System.ReadOnlySpan<int> {{prefix}}Shape => new int[] { {{Number(shape.C)}} };

                """);
            return;
        }
        w.Lines($$"""
            /// <summary>Channels of one {{what}} sample.</summary>
            public const int {{prefix}}Channels = {{Number(shape.C)}};
            /// <summary>Height of one {{what}} sample.</summary>
            public const int {{prefix}}Height = {{Number(shape.H)}};
            /// <summary>Width of one {{what}} sample.</summary>
            public const int {{prefix}}Width = {{Number(shape.W)}};
            /// <summary>Shape of one {{what}} sample, batch excluded: (channels, height, width).</summary>
            public static global::System.ReadOnlySpan<int> {{prefix}}Shape => new int[] { {{Number(shape.C)}}, {{Number(shape.H)}}, {{Number(shape.W)}} };

            """);
    }

    /// <summary>The summary as one concatenated constant, a literal per line, so it reads as the table it is.</summary>
    private static void WriteSummary(IndentedWriter w, NetworkAnalysis a)
    {
        var lines = SummaryWriter.Write(a).TrimEnd('\n').Split('\n');
        w.Line("/// <summary>The build's summary of this network: layers, parameter and MAC totals, memory.</summary>");
        w.Line("public const string Summary =");
        for (int i = 0; i < lines.Length; i++)
            w.Line("    " + Literal(lines[i] + "\n") + (i < lines.Length - 1 ? " +" : ";"));
        w.Line();
    }

    private static void WriteLayers(IndentedWriter w, NetworkAnalysis a)
    {
        w.Lines($$"""
            /// <summary>One row per node in execution order, as the build's analysis found it.</summary>
            public static global::System.ReadOnlySpan<{{LayerSummary}}> Layers => s_netgenLayers;
            private static readonly {{LayerSummary}}[] s_netgenLayers =
            {
            """);
        foreach (var layer in a.Layers)
        {
            var node = a.Network.Nodes[layer.Node];
            w.Line($"    new {LayerSummary}({Literal(node.Name)}, {Literal(SummaryWriter.KindText(node))}, " +
                   $"{Literal(layer.Output.ToString())}, {Number(layer.Params)}, {Number(layer.Macs)}),");
        }
        w.Line("};");
        w.Line();
    }

    /// <summary>
    /// The inference arena as constants: its size and each node output's byte offset in it,
    /// named <c>Offset_{node}</c> with the name made an identifier.
    /// </summary>
    private static void WritePlan(IndentedWriter w, NetworkAnalysis a)
    {
        var plan = a.InferencePlan;
        w.Lines($$"""
            /// <summary>The inference arena at batch 1: each node's output at its <c>Offset_</c> constant (bytes); the input is the caller's.</summary>
            {{NetworkEmitter.GeneratedCode}}
            internal static class Plan
            {
                /// <summary>Bytes of the inference arena (peak of live activations).</summary>
                public const long InferenceArenaBytes = {{Number(plan.Bytes)}};
            """);
        var names = OffsetNames(a);
        foreach (var slot in plan.Slots.OrderBy(s => s.Node))
        {
            var node = a.Network.Nodes[slot.Node];
            string comment = node.Name + " " + a.Layers[slot.Node].Output + ", " + Units.FormatCount(slot.Bytes) + " bytes";
            if (slot.AliasOf >= 0) comment += ", in place of " + a.Network.Nodes[slot.AliasOf].Name;
            if (slot.Bytes == 0 && a.Layers[slot.Node].Output.Bytes > 0) comment += ", not stored: computed with the max pool that reads it";
            w.Line($"    public const long {names[slot.Node]} = {Number(slot.Offset)}; // {comment}");
        }
        w.Line("}");
    }

    /// <summary>Offset_{name} per node, unique even when two names sanitise alike ("a.b", "a_b").</summary>
    private static Dictionary<int, string> OffsetNames(NetworkAnalysis a)
    {
        var names = new Dictionary<int, string>();
        var used = new HashSet<string>();
        foreach (var slot in a.InferencePlan.Slots.OrderBy(s => s.Node))
        {
            string name = "Offset_" + IdentifierPart(a.Network.Nodes[slot.Node].Name);
            if (!used.Add(name))
            {
                name += "_" + Number(slot.Node);
                used.Add(name);
            }
            names[slot.Node] = name;
        }
        return names;
    }
}
