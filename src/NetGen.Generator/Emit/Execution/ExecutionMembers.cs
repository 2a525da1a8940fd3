using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// The execution members of a network's class: the kernel-buffer constants always; when
/// every layer can run (<see cref="ExecutionSupport"/>), the constructor, Predict, and when
/// the output holds class scores (a vector, or per pixel), TrainStep and its companions. Straight-line code, one
/// kernel call per layer, every dimension and offset a constant.
/// </summary>
internal static class ExecutionMembers
{
    private const string Mode = "global::NetGen.Execution.ExecutionMode";
    private const string RoSpan = "global::System.ReadOnlySpan<float>";
    private const string Span = "global::System.Span<float>";

    /// <summary>" : global::NetGen.Execution.ITrainableNetwork" (or INetwork) when the members are generated, else "".</summary>
    public static string BaseList(NetworkAnalysis a)
    {
        if (!ExecutionSupport.CanPredict(a)) return "";
        var layout = new ExecutionLayout(a);
        if (!layout.CanTrain) return " : global::NetGen.Execution.INetwork";
        return TrainingPasses.Slices(layout) > 1
            ? " : global::NetGen.Execution.ITrainableNetwork, global::NetGen.Execution.ISampleSlices"
            : " : global::NetGen.Execution.ITrainableNetwork";
    }

    public static void Write(IndentedWriter w, NetworkAnalysis a)
    {
        var kernels = a.KernelBuffers;
        w.Lines($$"""

            /// <summary>Bytes the kernels need beside <see cref="InferenceBytes"/>: packed weight copies and scratch. An inference instance allocates the sum.</summary>
            public const long InferenceKernelBytes = {{Number(kernels.InferenceBytes)}};
            /// <summary>Bytes the kernels need beside <see cref="TrainingBytes"/>: forward and backward packed weight copies and scratch. A training instance allocates the sum.</summary>
            public const long TrainingKernelBytes = {{Number(kernels.TrainingBytes)}};
            """);
        if (!ExecutionSupport.CanPredict(a)) return;

        var layout = new ExecutionLayout(a);
        var code = new LayerCode(layout);
        WriteTables(w, layout, code);
        WriteConstruction(w, layout);
        PredictMembers.Write(w, layout);
        if (layout.CanTrain) TrainingMembers.Write(w, layout);
        WriteParameterAccess(w, layout);
        WritePasses(w, layout, code);
        code.Offsets.Write(w);
    }

    private static void WriteTables(IndentedWriter w, ExecutionLayout layout, LayerCode code)
    {
        w.Line();
        w.Line("/// <summary>Every parameter tensor: name, PyTorch shape, offset, initialiser (in the order weight files list them).</summary>");
        w.Line("public static global::System.ReadOnlySpan<global::NetGen.Execution.ParameterTensor> ParameterTensors => s_netgenParameters;");
        w.Line();
        w.Line("private static readonly global::NetGen.Execution.ParameterTensor[] s_netgenParameters =");
        w.Line("{");
        foreach (var p in layout.Parameters)
        {
            string flattened = p.FlattenedFrom is { } f ? $", new[] {{ {f[0]}, {f[1]}, {f[2]} }}" : "";
            w.Line($"    new({Literal(p.Name)}, {Number(p.Offset)}, new[] {{ {string.Join(", ", p.Shape)} }}, {Number(p.GradientOffset)}, " +
                   $"global::NetGen.Execution.ParameterInit.{p.Init}, {Number(p.FanIn)}, {Number(p.FanOut)}{flattened}),");
        }
        w.Line("};");
        w.Line();
        for (int n = 1; n < layout.Network.Nodes.Count; n++)
        {
            if (!layout.Analysis.Layers[n].Computed) continue;
            if (code.DimsField(n) is { } field) w.Line(field);
        }
    }

    private static void WriteConstruction(IndentedWriter w, ExecutionLayout layout)
    {
        var network = layout.Network;
        string name = network.Target.ClassName.Split('.')[network.Target.ClassName.Split('.').Length - 1];
        int generic = name.IndexOf('<');
        if (generic >= 0) name = name.Substring(0, generic);
        bool dropout = layout.CanTrain && HasDropout(layout);
        string randomInit = dropout ? "\n        _netgenRandom = new global::NetGen.Kernels.FastRandom(seed, 1);" : "";
        string trainingBranch = layout.CanTrain
            ? "NetgenPackTraining();"
            : $"throw new global::System.NotSupportedException({Literal(network.Name + " cannot train: see NG0302.")});";
        w.Lines($$"""

            private readonly float[] _netgenMemory;
            private readonly {{Mode}} _netgenMode;
            // Claimed by every public member that touches _netgenMemory: a second thread's call throws.
            private global::NetGen.Execution.CallGuard _netgenGuard;

            /// <summary>
            /// An inference instance: parameters initialised from <paramref name="seed"/> (He uniform for
            /// layers followed by ReLU, Glorot uniform otherwise, biases 0; batch norms scale 1, shift 0,
            /// running mean 0 and variance 1). Allocates
            /// <see cref="InferenceBytes"/> + <see cref="InferenceKernelBytes"/> once; nothing afterwards.
            /// </summary>
            /// <param name="seed">The same seed gives the same weights on every machine.</param>
            public {{name}}(ulong seed) : this(seed, {{Mode}}.Inference)
            {
            }

            /// <summary>
            /// An instance for <paramref name="mode"/>: inference allocates <see cref="InferenceBytes"/> +
            /// <see cref="InferenceKernelBytes"/>; training allocates <see cref="TrainingBytes"/> +
            /// <see cref="TrainingKernelBytes"/> and also predicts. Parameters as <see cref="{{name}}(ulong)"/>.
            /// An instance serves one call at a time: a call while another thread is inside one throws an
            /// <see cref="global::System.InvalidOperationException"/>; use one instance per thread, or a
            /// <see cref="global::NetGen.Execution.NetworkPool{TNetwork}"/>.
            /// </summary>
            /// <param name="seed">Seed of the initial weights.</param>
            /// <param name="mode">What to allocate memory for.</param>
            public {{name}}(ulong seed, {{Mode}} mode)
            {
                _netgenMode = mode;
                bool training = mode == {{Mode}}.Training;
                _netgenMemory = global::NetGen.Execution.ExecutionMemory.Allocate(
                    training ? TrainingBytes + TrainingKernelBytes : InferenceBytes + InferenceKernelBytes, {{Literal(network.Name)}}, mode);
                global::NetGen.Execution.ParameterStore.Initialize(global::System.MemoryExtensions.AsSpan(_netgenMemory, 0, {{Number(layout.ParameterFloats)}}), s_netgenParameters, seed);
                if (training)
                {{{randomInit}}
                    {{trainingBranch}}
                }
                else
                {
                    NetgenPackInference();
                }
            }

            /// <summary>What this instance allocated, in bytes: the plan's figure for its mode plus the kernel buffers.</summary>
            public long AllocatedBytes => (long)_netgenMemory.Length * 4;

            /// <summary>What this instance was allocated for.</summary>
            public {{Mode}} Mode => _netgenMode;

            int global::NetGen.Execution.INetwork.InputSize => {{Number(network.InputShape.Elements)}};

            int global::NetGen.Execution.INetwork.OutputSize => {{Number(layout.Analysis.OutputShape.Elements)}};

            global::System.ReadOnlySpan<global::NetGen.Execution.ParameterTensor> global::NetGen.Execution.INetwork.ParameterTable => s_netgenParameters;
            """);
    }

    /// <summary>
    /// The first line of every public member that reads or writes the instance's memory: claims the
    /// instance's <c>CallGuard</c> for the call (a nested guarded call on the same thread joins it).
    /// </summary>
    public static string Guard(ExecutionLayout layout, string member) =>
        $"using var netgenCall = global::NetGen.Execution.CallGuard.Enter(ref _netgenGuard, {Literal(layout.Network.Name)}, {Literal(member)});";

    /// <summary>Whether a computed node is a Dropout (training then draws masks from a seeded stream).</summary>
    public static bool HasDropout(ExecutionLayout layout)
    {
        for (int n = 1; n < layout.Network.Nodes.Count; n++)
            if (layout.Analysis.Layers[n].Computed && layout.Network.Nodes[n].Op == OpKind.Dropout) return true;
        return false;
    }

    private static void WriteParameterAccess(IndentedWriter w, ExecutionLayout layout)
    {
        w.Lines($$"""

            /// <summary>Copies the parameter tensor <paramref name="name"/> ("conv1.weight") into <paramref name="destination"/>, in PyTorch layout.</summary>
            public void CopyParameter(string name, {{Span}} destination)
            {
                {{ExecutionMembers.Guard(layout, "CopyParameter")}}
                var tensor = global::NetGen.Execution.ParameterStore.Find(s_netgenParameters, name);
                global::NetGen.Execution.ParameterStore.CopyOut(destination, _netgenMemory, tensor.Offset, tensor);
            }

            /// <summary>Sets the parameter tensor <paramref name="name"/> from <paramref name="source"/>, in PyTorch layout, and repacks.</summary>
            public void SetParameter(string name, {{RoSpan}} source)
            {
                {{ExecutionMembers.Guard(layout, "SetParameter")}}
                var tensor = global::NetGen.Execution.ParameterStore.Find(s_netgenParameters, name);
                global::NetGen.Execution.ParameterStore.CopyIn(_netgenMemory, tensor.Offset, source, tensor);
                NetgenRepack();
            }

            /// <summary>
            /// Sets every parameter tensor named in <paramref name="values"/> (PyTorch layouts, as <see cref="SetParameter"/>)
            /// and repacks once. An unknown name or a wrong length throws before anything changes.
            /// </summary>
            public void SetParameters(global::System.Collections.Generic.IReadOnlyDictionary<string, float[]> values)
            {
                {{ExecutionMembers.Guard(layout, "SetParameters")}}
                global::NetGen.Execution.ParameterStore.CopyAllIn(_netgenMemory, s_netgenParameters, values);
                NetgenRepack();
            }

            /// <summary>
            /// Saves every parameter to <paramref name="path"/> as safetensors, atomically: names from the layers
            /// ("conv1.weight"), PyTorch layouts (conv (K, C/G, R, S), dense (out, in), a Dense after a Flatten in
            /// PyTorch's channels-first flatten order).
            /// </summary>
            public void Save(string path)
            {
                {{ExecutionMembers.Guard(layout, "Save")}}
                global::NetGen.Execution.NetworkWeights.Save(this, path);
            }

            /// <summary>
            /// Loads a safetensors file holding exactly this network's tensors (as <see cref="Save"/> writes them);
            /// otherwise changes nothing and throws a <see cref="global::NetGen.Weights.WeightMismatchException"/> listing every mismatch.
            /// </summary>
            public void Load(string path)
            {
                {{ExecutionMembers.Guard(layout, "Load")}}
                global::NetGen.Execution.NetworkWeights.Load(this, path);
            }

            private void NetgenRepack()
            {
                if (_netgenMode == {{Mode}}.Training)
                {
                    {{(layout.CanTrain ? "NetgenPackTraining();" : "throw new global::System.InvalidOperationException();")}}
                }
                else
                {
                    NetgenPackInference();
                    NetgenSyncWorkers();
                }
            }
            """);
    }

    private static void WritePasses(IndentedWriter w, ExecutionLayout layout, LayerCode code)
    {
        var nodes = layout.Network.Nodes;
        w.Line();
        w.Open("private void NetgenPackInference()");
        w.Line($"{Span} m = _netgenMemory;");
        for (int n = 1; n < nodes.Count; n++)
            if (layout.Analysis.Layers[n].Computed) code.Pack(w, n, training: false);
        w.Close();

        w.Line();
        w.Line("/// <summary>One sample through every layer on <paramref name=\"m\"/> (the instance's memory or a worker's copy); <paramref name=\"x\"/> is the input channels-last; <paramref name=\"bands\"/> (or null) splits large layers over a pool.</summary>");
        w.Open($"private void NetgenForwardInference({RoSpan} x, {Span} m, {BandMembers.Type}? bands)");
        for (int n = 1; n < nodes.Count; n++)
            if (layout.Analysis.Layers[n].Computed) code.Forward(w, n, training: false);
        w.Close();

        if (layout.CanTrain) TrainingPasses.Write(w, layout, code);
    }
}
