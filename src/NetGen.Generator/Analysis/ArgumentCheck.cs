using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// Range checks on the arguments each op reads (NG0004). The front ends check the arguments
/// users write; this repeats the checks the arithmetic of analysis relies on (a zero stride
/// would divide by zero), so any IR gets a diagnostic instead of an exception.
/// </summary>
internal static class ArgumentCheck
{
    public static bool Check(Node node, List<DiagnosticInfo> diagnostics)
    {
        var a = node.Args;
        var c = new Checker(node, diagnostics);
        switch (node.Op)
        {
            case OpKind.Conv2D:
                c.Positive("filters", a.Filters);
                Window(c, a);
                c.Positive("groups", a.Groups);
                break;
            case OpKind.DepthwiseConv2D:
                c.Positive("multiplier", a.DepthMultiplier);
                Window(c, a);
                break;
            case OpKind.SeparableConv2D:
                c.Positive("filters", a.Filters);
                c.Positive("multiplier", a.DepthMultiplier);
                Window(c, a);
                break;
            case OpKind.Conv2DTranspose:
                c.Positive("filters", a.Filters);
                Window(c, a);
                c.Require("output_padding", a.OutputPadding, a.OutputPadding >= 0, "0 or more");
                if (a.Padding == PaddingMode.Same)
                    c.Require("output_padding", a.OutputPadding, a.OutputPadding == 0, "0 with padding: same (the output is H x stride)");
                else
                    c.Require("output_padding", a.OutputPadding,
                        a.OutputPadding < System.Math.Max(a.StrideH, a.DilationH) && a.OutputPadding < System.Math.Max(a.StrideW, a.DilationW),
                        "smaller than the stride or the dilation (as PyTorch requires)");
                break;
            case OpKind.MaxPool2D:
            case OpKind.AvgPool2D:
                Window(c, a);
                break;
            case OpKind.Dense:
                c.Positive("units", a.Units);
                break;
            case OpKind.Dropout:
                c.Require("rate", a.Rate, a.Rate >= 0 && a.Rate < 1, "at least 0 and below 1");
                break;
            case OpKind.LocalResponseNorm:
                c.Require("radius", a.Radius, a.Radius >= 0, "0 or more");
                break;
            case OpKind.Upsample:
                c.Positive("scale", a.ScaleH, a.ScaleW);
                break;
            case OpKind.Crop:
                c.Require("top", a.CropTop, a.CropTop >= 0, "0 or more");
                c.Require("left", a.CropLeft, a.CropLeft >= 0, "0 or more");
                c.Positive("height", a.CropHeight);
                c.Positive("width", a.CropWidth);
                break;
        }
        return c.Ok;
    }

    private static void Window(Checker c, LayerArgs a)
    {
        c.Positive("kernel", a.KernelH, a.KernelW);
        c.Positive("stride", a.StrideH, a.StrideW);
        c.Positive("dilation", a.DilationH, a.DilationW);
        if (a.Padding == PaddingMode.Explicit)
        {
            c.Require("padding", $"{a.PadTop}, {a.PadBottom}, {a.PadLeft}, {a.PadRight} (top, bottom, left, right)",
                a.PadTop >= 0 && a.PadBottom >= 0 && a.PadLeft >= 0 && a.PadRight >= 0, "0 or more on every side");
        }
    }

    private sealed class Checker(Node node, List<DiagnosticInfo> diagnostics)
    {
        public bool Ok { get; private set; } = true;

        public void Positive(string argument, int value) => Require(argument, value, value > 0, "a positive integer");

        /// <summary>A height x width pair, reported once as "HxW".</summary>
        public void Positive(string argument, int h, int w) =>
            Require(argument, ShapeText.HxW(h, w), h > 0 && w > 0, "positive in both dimensions");

        public void Require(string argument, object value, bool condition, string allowed)
        {
            if (condition) return;
            Ok = false;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgument.Id, node.Location,
                argument, node.Name, value, allowed));
        }
    }
}
