using System;
using System.Linq;
using NetGen.Onnx;
using Xunit;

namespace NetGen.Runtime.Tests.Onnx;

public class OnnxReaderTests
{
    [Fact]
    public void Reads_a_hand_built_model()
    {
        var model = OnnxModel.Parse(TinyModel.Build(), "tiny.onnx");

        Assert.Equal(3, model.IrVersion);
        Assert.Equal("handmade", model.ProducerName);
        Assert.Equal("1.0", model.ProducerVersion);
        Assert.Equal(8, model.DefaultOpsetVersion);
        var g = model.Graph;
        Assert.Equal("tiny", g.Name);
        Assert.Equal(new[] { "Conv", "BatchNormalization" }, g.Nodes.Select(n => n.OpType));

        var conv = g.Nodes[0];
        Assert.Equal("conv0", conv.Name);
        Assert.Equal(new[] { "x", "W" }, conv.Inputs);
        Assert.Equal(new[] { "y" }, conv.Outputs);
        Assert.Equal(new long[] { 3, 3 }, conv.GetInts("kernel_shape"));
        Assert.Equal(new long[] { 1, 1, 0, 0 }, conv.GetInts("pads"));
        Assert.Equal("NOTSET", conv.GetString("auto_pad", "?"));
        Assert.Equal(1, conv.GetInt("group", 0));
        Assert.Equal(7, conv.GetInt("missing", 7));

        var bn = g.Nodes[1];
        Assert.Equal(1e-5f, bn.GetFloat("epsilon", 0));
        Assert.Equal(OnnxAttributeType.Float, bn.Attributes["momentum"].Type);
        Assert.Equal(0.9f, bn.GetFloat("momentum", 0));
        Assert.Equal(new[] { 0.5f, 2f }, bn.Attributes["weights"].Floats);
        Assert.Equal(new long[] { -1, 4 }, bn.Attributes["value"].Tensor!.Int64Data);

        Assert.Equal(6, g.Initializers.Count);
        Assert.Equal(new[] { "W", "scale", "B", "mean", "var", "shape" }, g.InitializerList.Select(t => t.Name));
        var w = g.Initializers["W"];
        Assert.Equal(new long[] { 2, 1, 3, 3 }, w.Dims);
        Assert.Equal(18, w.ElementCount);
        Assert.Equal(TinyModel.ConvWeight, w.FloatData);
        Assert.Equal(TinyModel.Scale, g.Initializers["scale"].FloatData);
        Assert.Equal(new[] { 0.25f, -0.25f }, g.Initializers["B"].FloatData);
        Assert.Equal(new long[] { 1, -1 }, g.Initializers["shape"].Int64Data);
        Assert.Null(g.Initializers["shape"].FloatData);

        Assert.Equal(new[] { "x", "W" }, g.Inputs.Select(i => i.Name));
        Assert.Equal("x", Assert.Single(g.RuntimeInputs).Name);
        Assert.Equal("x: FLOAT Nx1x5x5", g.Inputs[0].ToString());
        Assert.Equal(new OnnxDimension(null, "N"), g.Inputs[0].Shape![0]);
        Assert.Equal(new OnnxDimension(5, null), g.Inputs[0].Shape![3]);
        Assert.Equal("z: FLOAT Nx2x3x3", Assert.Single(g.Outputs).ToString());
    }

    [Fact]
    public void Every_truncation_is_a_format_error()
    {
        byte[] full = TinyModel.Build();
        OnnxModel.Parse(full, "tiny.onnx");
        for (int length = 0; length < full.Length; length++)
        {
            var ex = Assert.Throws<OnnxFormatException>(() => OnnxModel.Parse(full[..length], "cut.onnx"));
            Assert.Equal("cut.onnx", ex.SourceName);
            Assert.InRange(ex.Offset, 0, length);
            Assert.StartsWith("cut.onnx: ", ex.Message);
        }
    }

    [Fact]
    public void Bit_flips_give_a_model_or_a_format_error_never_another_exception()
    {
        byte[] full = TinyModel.Build();
        var random = new Random(20261125);
        int formatErrors = 0;
        for (int trial = 0; trial < 5000; trial++)
        {
            byte[] bytes = (byte[])full.Clone();
            int flips = 1 + random.Next(3);
            for (int f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            try
            {
                OnnxModel.Parse(bytes, "flipped.onnx");
            }
            catch (OnnxFormatException ex)
            {
                Assert.InRange(ex.Offset, 0, bytes.Length);
                formatErrors++;
            }
        }
        // Most flips land in tags, lengths or counts the reader validates.
        Assert.InRange(formatErrors, 500, 5000);
    }

    [Fact]
    public void Damaged_copies_of_a_real_file_give_only_format_errors()
    {
        // ResNetPreprocess.onnx (600 KB, CNTK/ML.NET-written): cuts and flips anywhere,
        // including inside its 600 KB mean image.
        byte[] full = System.IO.File.ReadAllBytes(PretrainedResNet18.LocatePreprocess());
        var random = new Random(4242);
        int errors = 0;
        for (int trial = 0; trial < 600; trial++)
        {
            byte[] bytes;
            if (trial % 2 == 0)
            {
                bytes = full[..random.Next(full.Length)];
            }
            else
            {
                bytes = (byte[])full.Clone();
                // Flips near the start hit the structure; elsewhere they mostly hit float data.
                int at = trial % 4 == 1 ? random.Next(Math.Min(full.Length, 512)) : random.Next(full.Length);
                bytes[at] ^= (byte)(1 << random.Next(8));
            }
            try
            {
                OnnxModel.Parse(bytes, "damaged.onnx");
            }
            catch (OnnxFormatException)
            {
                errors++;
            }
        }
        Assert.InRange(errors, 300, 600);   // the cuts (unless one ends exactly at a field boundary past the graph) and some flips
    }

    [Fact]
    public void Random_bytes_give_only_format_errors()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 2000; trial++)
        {
            var bytes = new byte[random.Next(1, 200)];
            random.NextBytes(bytes);
            try
            {
                OnnxModel.Parse(bytes, "noise.onnx");
            }
            catch (OnnxFormatException)
            {
            }
        }
    }
}
