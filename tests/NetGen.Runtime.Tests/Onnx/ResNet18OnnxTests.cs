using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NetGen.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Runtime.Tests.Onnx;

/// <summary>
/// The CNTK ResNet-18 of Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, read with NetGen's
/// reader; the expected facts are the package's documented input/output and ResNet-18's
/// structure (with CNTK's third block in the last stage).
/// </summary>
public class ResNet18OnnxTests(ITestOutputHelper output)
{
    [Fact]
    public void Header_input_and_output_are_as_published()
    {
        var m = PretrainedFiles.ResNet18;
        output.WriteLine(Describe(m));
        Assert.Equal(3, m.IrVersion);
        Assert.Equal("CNTK", m.ProducerName);
        Assert.Equal(8, m.DefaultOpsetVersion);
        var input = Assert.Single(m.Graph.RuntimeInputs);
        Assert.Equal("Input247: FLOAT 1x3x224x224", input.ToString());
        Assert.Equal("Pooling395_Output_0: FLOAT 1x512x1x1", Assert.Single(m.Graph.Outputs).ToString());
    }

    [Fact]
    public void Ops_are_resnet18_with_three_blocks_in_the_last_stage()
    {
        var g = PretrainedFiles.ResNet18.Graph;
        var histogram = g.Nodes.GroupBy(n => n.OpType).ToDictionary(x => x.Key, x => x.Count());
        // 1 stem conv + 2 per block x 9 blocks + 3 projections; a ReLU after the stem, inside
        // and after each block; one Add per block.
        Assert.Equal(new Dictionary<string, int>
        {
            ["Conv"] = 22, ["BatchNormalization"] = 22, ["Relu"] = 19, ["Add"] = 9, ["MaxPool"] = 1, ["AveragePool"] = 1,
        }, histogram);

        foreach (var conv in g.Nodes.Where(n => n.OpType == "Conv"))
        {
            Assert.Equal(2, conv.Inputs.Count);                   // no bias: batch norm follows
            Assert.Equal("NOTSET", conv.GetString("auto_pad", "NOTSET"));
            Assert.Equal(1, conv.GetInt("group", 1));
            var consumer = Assert.Single(g.Nodes, n => n.Inputs.Contains(conv.Outputs[0]));
            Assert.Equal("BatchNormalization", consumer.OpType);   // not folded
        }
        foreach (var bn in g.Nodes.Where(n => n.OpType == "BatchNormalization"))
        {
            Assert.Equal(5, bn.Inputs.Count);
            Assert.Equal(1e-5f, bn.GetFloat("epsilon", 0));
            Assert.Equal(1, bn.GetInt("spatial", 0));
        }
        var pool = g.Nodes.Single(n => n.OpType == "AveragePool");
        Assert.Equal(new long[] { 7, 7 }, pool.GetInts("kernel_shape"));
    }

    [Fact]
    public void Initializers_are_the_conv_and_batchnorm_tensors()
    {
        var g = PretrainedFiles.ResNet18.Graph;
        Assert.Equal(110, g.Initializers.Count);                  // 22 conv weights + 22 x 4 batch-norm tensors
        Assert.All(g.InitializerList, t => Assert.NotNull(t.FloatData));
        var weights = g.Nodes.Where(n => n.OpType == "Conv").Select(n => g.Initializers[n.Inputs[1]]).ToList();
        Assert.Equal(new long[] { 64, 3, 7, 7 }, weights[0].Dims);
        Assert.Equal(5, weights.Count(w => w.Dims.SequenceEqual(new long[] { 512, 512, 3, 3 }))); // layer4: 3 in torchvision, 5 here
        // PyTorch's ResNet-18 without fc (11,176,512) + the extra block's two 512x512x3x3
        // convolutions and two batch norms' weight and bias; statistics: 2 x 4,800 + 2 x 1,024.
        long trainable = 11_176_512 + 2 * (512 * 512 * 9) + 2 * 2 * 512;
        long statistics = 2 * 4_800 + 2 * 2 * 512;
        Assert.Equal(trainable + statistics, g.InitializerList.Sum(t => t.ElementCount));
        var variances = g.Nodes.Where(n => n.OpType == "BatchNormalization").SelectMany(n => g.Initializers[n.Inputs[4]].FloatData!);
        Assert.All(variances, v => Assert.True(v >= 0, $"negative running variance {v}"));
    }

    [Fact]
    public void Preprocessing_swaps_to_bgr_and_subtracts_a_mean_image()
    {
        var m = PretrainedFiles.Preprocess;
        output.WriteLine(Describe(m));
        Assert.Equal(new[] { "Split", "Concat", "Sub" }, m.Graph.Nodes.Select(n => n.OpType));
        var split = m.Graph.Nodes[0];
        Assert.Equal(new[] { "OriginalInput" }, split.Inputs);
        Assert.Equal(new[] { "BInp", "GInp", "RInp" }, m.Graph.Nodes[1].Inputs);
        Assert.Equal(new[] { "RInp", "GInp", "BInp" }, split.Outputs);
        var mean = m.Graph.Initializers["MeanImage"];
        Assert.Equal(new long[] { 1, 3, 224, 224 }, mean.Dims);
        // Per-channel averages of the mean image, B G R: ImageNet's means in 0..255.
        double[] average = Enumerable.Range(0, 3).Select(c => mean.FloatData!.Skip(c * 224 * 224).Take(224 * 224).Average(v => (double)v)).ToArray();
        output.WriteLine("MeanImage channel averages (B, G, R): " + string.Join(", ", average.Select(a => a.ToString("0.00", CultureInfo.InvariantCulture))));
        Assert.Equal(103.06, average[0], 0.01);
        Assert.Equal(115.90, average[1], 0.01);
        Assert.Equal(123.15, average[2], 0.01);
    }

    /// <summary>One line per node with attributes and initializer shapes: the structure the .cnn file follows.</summary>
    internal static string Describe(OnnxModel m)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{m.SourceName}: ir {m.IrVersion}, {m.ProducerName} {m.ProducerVersion}, opset {m.DefaultOpsetVersion}");
        sb.AppendLine("inputs: " + string.Join("; ", m.Graph.RuntimeInputs));
        sb.AppendLine("outputs: " + string.Join("; ", m.Graph.Outputs));
        foreach (var n in m.Graph.Nodes)
        {
            var attributes = n.Attributes.Values.Select(a => a.Name + "=" + a.Type switch
            {
                OnnxAttributeType.Int => a.Int.ToString(CultureInfo.InvariantCulture),
                OnnxAttributeType.Float => a.Float.ToString(CultureInfo.InvariantCulture),
                OnnxAttributeType.String => a.String,
                OnnxAttributeType.Ints => "[" + string.Join(",", a.Ints) + "]",
                _ => a.Type.ToString(),
            });
            var inputs = n.Inputs.Select(i => m.Graph.Initializers.TryGetValue(i, out var t) ? $"{i}{OnnxTensorText(t)}" : i);
            sb.AppendLine($"{n.OpType} {n.Name}: {string.Join(", ", inputs)} -> {string.Join(", ", n.Outputs)} {{{string.Join(" ", attributes)}}}");
        }
        return sb.ToString();
    }

    private static string OnnxTensorText(OnnxTensor t) => "[" + string.Join("x", t.Dims) + "]";
}
