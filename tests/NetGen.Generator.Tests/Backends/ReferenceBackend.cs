using System.Collections.Generic;
using System.Globalization;
using NetGen.Generator.Analysis;
using NetGen.Generator.Backends;
using NetGen.Generator.Emit;
using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Backends;

/// <summary>
/// A second backend behind the generator's contract, to prove the seam: it fuses nothing, needs no
/// kernel buffers and does not slice, and writes each inference step of a schedule as naive float64
/// loops over one <c>double[] m</c> laid out as the schedule says (activations channels last, as the
/// parameter table's Dense weights expect after a Flatten). <see cref="Program"/> wraps the steps in
/// <c>ReferenceProgram.Run(double[] m, double[] x)</c>, x the input sample channels last.
/// </summary>
internal sealed class ReferenceBackend : IBackend
{
    public bool CanRun(Node node) => node.Op switch
    {
        OpKind.Input or OpKind.MaxPool2D or OpKind.GlobalAvgPool or OpKind.Flatten or OpKind.Dropout or OpKind.ReLU
            or OpKind.BatchNorm or OpKind.Add or OpKind.Concat or OpKind.Softmax => true,
        OpKind.Conv2D => node.Args.Groups == 1 && node.Args.Activation is ActivationKind.None or ActivationKind.ReLU,
        OpKind.Dense => node.Args.Activation is ActivationKind.None or ActivationKind.ReLU or ActivationKind.Softmax,
        _ => false,
    };

    public IReadOnlyList<PoolFusion> FusedPools(ComputedGraph graph) => new List<PoolFusion>();

    public int TrainingSlices(NetworkIR network, IReadOnlyList<LayerInfo> layers) => 1;

    public BackendBuffers PlanBuffers(NetworkIR network, IReadOnlyList<LayerInfo> layers) => new NoBuffers();

    public string KernelOf(NetworkAnalysis analysis, ScheduleStep step) =>
        step.Kind == StepKind.FusedAway ? "" : "float64 loops: " + step.Op;

    public IStepWriter Writer(NetworkAnalysis analysis) => new StepWriter(analysis);

    /// <summary>The C# of the network's batch-1 forward as one static method.</summary>
    public string Program(NetworkAnalysis analysis)
    {
        var w = new IndentedWriter();
        w.Line("public static class ReferenceProgram");
        w.Line("{");
        w.Line("    public static void Run(double[] m, double[] x)");
        w.Line("    {");
        var body = new IndentedWriter();
        var writer = Writer(analysis);
        foreach (var step in analysis.Schedule.InferenceForward) writer.Write(body, step);
        foreach (var line in body.ToString().TrimEnd('\n').Split('\n')) w.Line("        " + line);
        w.Line("    }");
        w.Line("}");
        return w.ToString();
    }

    private sealed record NoBuffers() : BackendBuffers(0, 0)
    {
        public override Dictionary<int, long> PackedFloats(bool training) => new();
    }

    private sealed class StepWriter : IStepWriter
    {
        private readonly NetworkAnalysis _analysis;
        private readonly Dictionary<(int, ParameterRole), ParameterEntry> _parameters = new();

        public StepWriter(NetworkAnalysis analysis)
        {
            _analysis = analysis;
            foreach (var p in analysis.Schedule.Parameters) _parameters[(p.Node, p.Role)] = p;
        }

        private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>"m[start + " or "x[" for a place, to be closed with the index and "]".</summary>
        private static string At(BufferRef place) => place.IsCallerInput ? "x[" : "m[" + N(place.Start) + " + ";

        private string Param(int node, ParameterRole role) => "m[" + N(_parameters[(node, role)].Offset) + " + ";

        public void Write(IndentedWriter w, ScheduleStep step)
        {
            if (step.Pass != PassKind.InferenceForward) throw new System.NotSupportedException("the reference backend writes inference steps only");
            var node = _analysis.Network.Nodes[step.Node];
            w.Line($"// {node.Name}: {step.Op} {step.InputShape} -> {step.OutputShape}");
            if (step.Kind == StepKind.FusedAway) return;
            var x = step.InputShape;
            var y = step.OutputShape;
            string Y = At(step.Output!.Value), X = At(step.Inputs[0]);
            var a = node.Args;
            switch (step.Op)
            {
                case OpKind.Conv2D:
                {
                    var pads = WindowPadding.ForWindow(a, x);
                    w.Line($"for (int p = 0; p < {y.H}; p++) for (int q = 0; q < {y.W}; q++) for (int k = 0; k < {y.C}; k++)");
                    w.Line("{");
                    w.Line(step.Epilogue.Bias ? $"    double acc = {Param(step.Node, ParameterRole.Bias)}k];" : "    double acc = 0;");
                    w.Line($"    for (int r = 0; r < {a.KernelH}; r++)");
                    w.Line("    {");
                    w.Line($"        int ih = p * {a.StrideH} - {pads.Top} + r * {a.DilationH};");
                    w.Line($"        if (ih < 0 || ih >= {x.H}) continue;");
                    w.Line($"        for (int s = 0; s < {a.KernelW}; s++)");
                    w.Line("        {");
                    w.Line($"            int iw = q * {a.StrideW} - {pads.Left} + s * {a.DilationW};");
                    w.Line($"            if (iw < 0 || iw >= {x.W}) continue;");
                    w.Line($"            for (int c = 0; c < {x.C}; c++) acc += {X}(ih * {x.W} + iw) * {x.C} + c] * " +
                           $"{Param(step.Node, ParameterRole.Weight)}((k * {x.C} + c) * {a.KernelH} + r) * {a.KernelW} + s];");
                    w.Line("        }");
                    w.Line("    }");
                    if (step.Epilogue.FoldedBatchNorm is var bn and >= 0)
                        w.Line("    " + BatchNorm(bn, "acc", "k") + ";");
                    w.Line($"    {Y}(p * {y.W} + q) * {y.C} + k] = {Activation(step.Epilogue.Activation, "acc")};");
                    w.Line("}");
                    break;
                }
                case OpKind.Dense:
                    w.Line($"for (int k = 0; k < {y.C}; k++)");
                    w.Line("{");
                    w.Line(step.Epilogue.Bias ? $"    double acc = {Param(step.Node, ParameterRole.Bias)}k];" : "    double acc = 0;");
                    w.Line($"    for (int i = 0; i < {x.Elements}; i++) acc += {X}i] * {Param(step.Node, ParameterRole.Weight)}k * {x.Elements} + i];");
                    w.Line($"    {Y}k] = {Activation(step.Epilogue.Activation, "acc")};");
                    w.Line("}");
                    if (step.Epilogue.Activation == ActivationKind.Softmax) Softmax(w, Y, Y, 1, y.C);
                    break;
                case OpKind.MaxPool2D:
                {
                    var pads = WindowPadding.ForWindow(a, x);
                    w.Line($"for (int p = 0; p < {y.H}; p++) for (int q = 0; q < {y.W}; q++) for (int c = 0; c < {y.C}; c++)");
                    w.Line("{");
                    w.Line("    double best = double.NegativeInfinity;");
                    w.Line($"    for (int r = 0; r < {a.KernelH}; r++) for (int s = 0; s < {a.KernelW}; s++)");
                    w.Line("    {");
                    w.Line($"        int ih = p * {a.StrideH} - {pads.Top} + r, iw = q * {a.StrideW} - {pads.Left} + s;");
                    w.Line($"        if (ih >= 0 && ih < {x.H} && iw >= 0 && iw < {x.W}) best = System.Math.Max(best, {X}(ih * {x.W} + iw) * {x.C} + c]);");
                    w.Line("    }");
                    w.Line($"    {Y}(p * {y.W} + q) * {y.C} + c] = best;");
                    w.Line("}");
                    break;
                }
                case OpKind.GlobalAvgPool:
                    w.Line($"for (int c = 0; c < {x.C}; c++)");
                    w.Line("{");
                    w.Line("    double sum = 0;");
                    w.Line($"    for (int i = 0; i < {(long)x.H * x.W}; i++) sum += {X}i * {x.C} + c];");
                    w.Line($"    {Y}c] = sum / {(long)x.H * x.W};");
                    w.Line("}");
                    break;
                case OpKind.Flatten:
                case OpKind.Dropout:
                    w.Line("// A view of its input at inference.");
                    break;
                case OpKind.ReLU:
                    w.Line($"for (int i = 0; i < {y.Elements}; i++) {Y}i] = System.Math.Max({X}i], 0);");
                    break;
                case OpKind.BatchNorm:
                    w.Line($"for (int i = 0; i < {y.Elements}; i++)");
                    w.Line("{");
                    w.Line($"    double v = {X}i];");
                    w.Line("    " + BatchNorm(step.Node, "v", $"i % {y.C}") + ";");
                    w.Line($"    {Y}i] = v;");
                    w.Line("}");
                    break;
                case OpKind.Add:
                {
                    var sum = new List<string>();
                    foreach (var input in step.Inputs) sum.Add(At(input) + "i]");
                    string value = string.Join(" + ", sum);
                    if (step.Epilogue.FusedReLU >= 0) value = $"System.Math.Max({value}, 0)";
                    w.Line($"for (int i = 0; i < {y.Elements}; i++) {Y}i] = {value};");
                    break;
                }
                case OpKind.Concat:
                {
                    int offset = 0;
                    for (int j = 0; j < step.Inputs.Count; j++)
                    {
                        int c = _analysis.Layers[node.Inputs[j]].Output.C;
                        w.Line($"for (int i = 0; i < {(long)y.H * y.W}; i++) for (int c = 0; c < {c}; c++) {Y}i * {y.C} + {offset} + c] = {At(step.Inputs[j])}i * {c} + c];");
                        offset += c;
                    }
                    break;
                }
                case OpKind.Softmax:
                    Softmax(w, Y, X, y.Elements / y.C, y.C);
                    break;
                default:
                    throw new System.NotSupportedException(step.Op + " has no reference loop");
            }
        }

        /// <summary>"v = gamma (v - mean) / sqrt(var + eps) + beta" of batch norm <paramref name="bn"/> at channel <paramref name="c"/>.</summary>
        private string BatchNorm(int bn, string v, string c)
        {
            double eps = (float)_analysis.Network.Nodes[bn].Args.Epsilon;
            return $"{v} = {Param(bn, ParameterRole.Weight)}{c}] * ({v} - {Param(bn, ParameterRole.RunningMean)}{c}]) / " +
                   $"System.Math.Sqrt({Param(bn, ParameterRole.RunningVar)}{c}] + {eps.ToString("R", CultureInfo.InvariantCulture)}) + {Param(bn, ParameterRole.Bias)}{c}]";
        }

        private static string Activation(ActivationKind kind, string v) => kind == ActivationKind.ReLU ? $"System.Math.Max({v}, 0)" : v;

        private static void Softmax(IndentedWriter w, string y, string x, long rows, int c)
        {
            w.Line($"for (int row = 0; row < {rows}; row++)");
            w.Line("{");
            w.Line("    double max = double.NegativeInfinity, total = 0;");
            w.Line($"    for (int c = 0; c < {c}; c++) max = System.Math.Max(max, {x}row * {c} + c]);");
            w.Line($"    for (int c = 0; c < {c}; c++) {{ {y}row * {c} + c] = System.Math.Exp({x}row * {c} + c] - max); total += {y}row * {c} + c]; }}");
            w.Line($"    for (int c = 0; c < {c}; c++) {y}row * {c} + c] /= total;");
            w.Line("}");
        }
    }
}
