using System.Globalization;
using System.Linq;
using System.Text;
using NetGen.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Runtime.Tests.Onnx;

public class ResNet18OnnxTests(ITestOutputHelper output)
{
    [Fact]
    public void Summary()
    {
        output.WriteLine(Describe(PretrainedFiles.ResNet18));
        output.WriteLine(Describe(PretrainedFiles.Preprocess));
        var mean = PretrainedFiles.Preprocess.Graph.Initializers["MeanImage"].FloatData!;
        for (int c = 0; c < 3; c++)
        {
            var plane = mean.Skip(c * 224 * 224).Take(224 * 224).ToArray();
            output.WriteLine($"MeanImage channel {c}: min {plane.Min()} max {plane.Max()} avg {plane.Average()}");
        }
        var g = PretrainedFiles.ResNet18.Graph;
        var used = g.Nodes.SelectMany(n => n.Inputs).ToHashSet();
        foreach (var t in g.InitializerList.Where(t => !used.Contains(t.Name))) output.WriteLine($"unused {t.Name} {t}");
    }

    internal static string Describe(OnnxModel m)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{m.SourceName}: ir {m.IrVersion}, producer {m.ProducerName} {m.ProducerVersion}, opsets {string.Join(",", m.OpsetImports)}");
        sb.AppendLine("inputs: " + string.Join("; ", m.Graph.RuntimeInputs));
        sb.AppendLine("outputs: " + string.Join("; ", m.Graph.Outputs));
        foreach (var n in m.Graph.Nodes)
        {
            var attrs = n.Attributes.Values.Select(a => a.Name + "=" + a.Type switch
            {
                OnnxAttributeType.Int => a.Int.ToString(CultureInfo.InvariantCulture),
                OnnxAttributeType.Float => a.Float.ToString(CultureInfo.InvariantCulture),
                OnnxAttributeType.String => a.String,
                OnnxAttributeType.Ints => "[" + string.Join(",", a.Ints) + "]",
                OnnxAttributeType.Floats => "[" + string.Join(",", a.Floats.Select(f => f.ToString(CultureInfo.InvariantCulture))) + "]",
                OnnxAttributeType.Tensor => a.Tensor!.ToString(),
                _ => a.Type.ToString(),
            });
            var ins = n.Inputs.Select(i => m.Graph.Initializers.TryGetValue(i, out var t) ? $"{i}{OnnxTensorDims(t)}" : i);
            sb.AppendLine($"{n.OpType} {n.Name}: {string.Join(", ", ins)} -> {string.Join(", ", n.Outputs)} {{{string.Join(" ", attrs)}}}");
        }
        return sb.ToString();
    }

    private static string OnnxTensorDims(OnnxTensor t) =>
        t.FloatData is { Length: <= 4 } f ? $"={{{string.Join(",", f.Select(x => x.ToString(CultureInfo.InvariantCulture)))}}}" : "[" + string.Join("x", t.Dims) + "]";
}
