using System;
using System.Collections.Generic;
using System.Linq;
using NetGen.Onnx;

namespace NetGen.Onnx.Import;

/// <summary>Convolutions, pooling, Pad and Resize: windows, strides and padding as the .cnn writes them.</summary>
internal sealed partial class OnnxToCnn
{
    /// <summary>Conv: conv2d, depthwise_conv2d (group = input channels) or conv2d with groups; a Pad before it folds in.</summary>
    internal void Conv(OnnxNode node)
    {
        KnownAttributes(node, "group", "dilations", "strides", "pads", "auto_pad", "kernel_shape");
        var (x, pending) = SpatialInput(node, allowPad: true);
        var w = Weights(node, 1, "weight", 4);
        var b = Weights(node, 2, "bias", 1, optional: true);
        int k = (int)w.Dims[0], cg = (int)w.Dims[1], r = (int)w.Dims[2], s = (int)w.Dims[3];
        long g = node.GetInt("group", 1);
        if (g < 1 || x.Shape.C % g != 0 || k % g != 0)
            throw new NodeError($"group {g} does not divide the {x.Shape.C} input channels and {k} filters");
        if (cg * g != x.Shape.C)
            throw new NodeError($"weight {w} expects {cg * g} input channels but the input is {x.Shape}");
        CheckKernelShape(node, r, s);
        var (dh, dw) = Ints2(node, "dilations", 1);
        var (sh, sw) = Ints2(node, "strides", 1);
        var window = new Window(r, s, sh, sw, dh, dw, Ceil: false);
        var pads = Pads(node, x.Shape, window, pending);
        var (padding, p, q) = PaddingText(node, x.Shape, window, pads);

        string layer = g == 1 ? "conv2d" : g == x.Shape.C ? "depthwise_conv2d" : "conv2d";
        var n = Emit(node, layer, Shape.Chw(k, p, q), x);
        if (pending is not null) n.Comment += $" (with Pad '{pending.PadNode}')";
        if (layer == "depthwise_conv2d")
        {
            n.Positional.Add(Pair(r, s));
            if (k != x.Shape.C) n.Named.Add(("multiplier", Number(k / x.Shape.C)));
        }
        else
        {
            n.Positional.Add(Number(k));
            n.Positional.Add(Pair(r, s));
        }
        if (sh != 1 || sw != 1) n.Named.Add(("stride", Pair(sh, sw)));
        if (padding is not null) n.Named.Add(("padding", padding));
        if (dh != 1 || dw != 1) n.Named.Add(("dilation", Pair(dh, dw)));
        if (layer == "conv2d" && g != 1) n.Named.Add(("groups", Number(g)));
        n.Tensors.Add(("weight", new[] { k, cg, r, s }, (float[])w.Floats!.Clone()));
        if (b is not null) n.Tensors.Add(("bias", new[] { k }, CheckLength(b, k, "bias")));
    }

    /// <summary>ConvTranspose: conv2d_transpose (PyTorch's (C, K, R, S) layout is ONNX's); one group, no dilation, symmetric pads.</summary>
    internal void ConvTranspose(OnnxNode node)
    {
        KnownAttributes(node, "group", "dilations", "strides", "pads", "auto_pad", "kernel_shape", "output_padding");
        var (x, _) = SpatialInput(node, allowPad: false);
        var w = Weights(node, 1, "weight", 4);
        var b = Weights(node, 2, "bias", 1, optional: true);
        int c = (int)w.Dims[0], k = (int)w.Dims[1], r = (int)w.Dims[2], s = (int)w.Dims[3];
        if (node.GetInt("group", 1) != 1) throw new NodeError($"group {node.GetInt("group", 1)}: conv2d_transpose has no groups");
        if (c != x.Shape.C) throw new NodeError($"weight {w} expects {c} input channels but the input is {x.Shape}");
        CheckKernelShape(node, r, s);
        var (dh, dw) = Ints2(node, "dilations", 1);
        if (dh != 1 || dw != 1) throw new NodeError($"dilations [{dh}, {dw}]: conv2d_transpose has no dilation");
        var (sh, sw) = Ints2(node, "strides", 1);
        var (oph, opw) = Ints2(node, "output_padding", 0);
        string autoPad = node.GetString("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID")) throw new NodeError($"auto_pad {autoPad} is not supported for ConvTranspose; give pads");
        var pads = autoPad == "VALID" ? new long[4] : PadsAttribute(node);
        // The .cnn's 'same' (P = H stride): k - stride cropped, the odd one at the bottom/right, or
        // stride - k added as output padding.
        static (long Before, long After, long Extra) SameTransposed(long k, long stride) =>
            (Math.Max(k - stride, 0) / 2, Math.Max(k - stride, 0) - Math.Max(k - stride, 0) / 2, Math.Max(stride - k, 0));
        bool same = (pads.Any(v => v != 0) || oph != 0 || opw != 0)
            && SameTransposed(r, sh) == (pads[0], pads[2], oph) && SameTransposed(s, sw) == (pads[1], pads[3], opw);
        if (!same)
        {
            if (pads[0] != pads[2] || pads[1] != pads[3])
                throw new NodeError($"pads [{string.Join(", ", pads)}] differ top/bottom or left/right, and are not those of 'same'; conv2d_transpose pads both sides alike");
            if (oph != opw) throw new NodeError($"output_padding [{oph}, {opw}] differs between height and width; conv2d_transpose takes one");
            if (oph >= Math.Min(sh, sw)) throw new NodeError($"output_padding {oph} is not smaller than the stride");
        }
        int p = (int)((x.Shape.H - 1) * sh - pads[0] - pads[2] + r + oph), q = (int)((x.Shape.W - 1) * sw - pads[1] - pads[3] + s + opw);
        var n = Emit(node, "conv2d_transpose", Shape.Chw(k, p, q), x);
        n.Positional.Add(Number(k));
        n.Positional.Add(Pair(r, s));
        if (sh != 1 || sw != 1) n.Named.Add(("stride", Pair(sh, sw)));
        if (same) n.Named.Add(("padding", "same"));
        else if (pads[0] != 0 || pads[1] != 0) n.Named.Add(("padding", Pair(pads[0], pads[1])));
        if (!same && oph != 0) n.Named.Add(("output_padding", Number(oph)));
        n.Tensors.Add(("weight", new[] { c, k, r, s }, (float[])w.Floats!.Clone()));
        if (b is not null) n.Tensors.Add(("bias", new[] { k }, CheckLength(b, k, "bias")));
    }

    /// <summary>MaxPool, AveragePool: maxpool2d / avgpool2d with the stride always written (ONNX's default is 1, the .cnn's the size).</summary>
    internal void Pool(OnnxNode node, string layer)
    {
        if (layer == "maxpool2d") KnownAttributes(node, "kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "dilations", "storage_order");
        else KnownAttributes(node, "kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "count_include_pad");
        FirstOutputOnly(node);
        var (x, _) = SpatialInput(node, allowPad: false);
        var kernel = node.GetInts("kernel_shape");
        if (kernel.Count != 2) throw new NodeError($"kernel_shape [{string.Join(", ", kernel)}]; expected two dimensions");
        var (dh, dw) = Ints2(node, "dilations", 1);
        if (dh != 1 || dw != 1) throw new NodeError($"dilations [{dh}, {dw}]: pooling has no dilation in the .cnn");
        var (sh, sw) = Ints2(node, "strides", 1);
        long ceil = node.GetInt("ceil_mode", 0);
        var window = new Window((int)kernel[0], (int)kernel[1], sh, sw, 1, 1, ceil != 0);
        var pads = Pads(node, x.Shape, window, null);
        if (layer == "avgpool2d" && node.GetInt("count_include_pad", 0) != 0 && pads.Any(v => v != 0))
            throw new NodeError("count_include_pad 1 with padding: avgpool2d leaves padding out of the average (ONNX's default, 0)", "AveragePool count_include_pad 1");
        var (padding, p, q) = PaddingText(node, x.Shape, window, pads);
        var n = Emit(node, layer, Shape.Chw(x.Shape.C, p, q), x);
        n.Positional.Add(Pair(kernel[0], kernel[1]));
        n.Named.Add(("stride", Pair(sh, sw)));
        if (padding is not null) n.Named.Add(("padding", padding));
        if (ceil != 0) n.Named.Add(("ceil", "true"));
    }

    /// <summary>GlobalAveragePool: global_avgpool keeping ONNX's (C, 1, 1).</summary>
    internal void GlobalAveragePool(OnnxNode node)
    {
        KnownAttributes(node);
        var (x, _) = SpatialInput(node, allowPad: false);
        var n = Emit(node, "global_avgpool", Shape.Chw(x.Shape.C, 1, 1), x);
        n.Named.Add(("keepdims", "true"));
    }

    /// <summary>Pad (constant zeros, spatial only): held until the Conv that reads it takes the padding.</summary>
    internal void Pad(OnnxNode node)
    {
        KnownAttributes(node, "mode", "pads", "value");
        string mode = node.GetString("mode", "constant");
        if (mode != "constant") throw new NodeError($"mode '{mode}': only zero padding folds into a convolution", $"Pad mode {mode}");
        long[] pads;
        float value;
        if (Opset < 11)
        {
            pads = node.GetInts("pads").ToArray();
            value = node.GetFloat("value", 0);
        }
        else
        {
            pads = Constant(node, 1, "pads")?.AsInts() ?? throw new NodeError("pads (input 1) is missing or not INT64");
            value = Constant(node, 2, "constant_value")?.AsFloats() is [var v] ? v : 0;
        }
        if (value != 0) throw new NodeError($"value {Number(value)}: only zero padding folds into a convolution");
        if (pads.Length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 || pads.Any(v => v < 0))
            throw new NodeError($"pads [{string.Join(", ", pads)}]: only non-negative padding of height and width folds into a convolution");
        var (x, before) = SpatialInput(node, allowPad: true);
        before ??= new PaddedValue(x, 0, 0, 0, 0, Label(node));
        Bind(node, new PaddedValue(x, before.Top + (int)pads[2], before.Left + (int)pads[3], before.Bottom + (int)pads[6], before.Right + (int)pads[7], Label(node)));
    }

    /// <summary>Resize, Upsample: upsample by whole factors, nearest (pixels repeated) or bilinear (half-pixel centres).</summary>
    internal void Resize(OnnxNode node)
    {
        KnownAttributes(node, "mode", "scales", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "antialias");
        var (x, _) = SpatialInput(node, allowPad: false);
        string mode = node.GetString("mode", "nearest");
        bool isResize = node.OpType == "Resize";
        // Upsample and Resize-10 place samples at o / scale; Resize-11 on, half_pixel by default.
        string coordinates = isResize && Opset >= 11 ? node.GetString("coordinate_transformation_mode", "half_pixel") : "asymmetric";
        string nearest = isResize && Opset >= 11 ? node.GetString("nearest_mode", "round_prefer_floor") : "floor";
        if (node.GetInt("antialias", 0) != 0) throw new NodeError("antialias 1 is not supported");

        float[]? scales = null;
        if (!isResize && Opset < 9) scales = node.Attributes.TryGetValue("scales", out var a) ? a.Floats.ToArray() : null;
        else
        {
            int scalesAt = isResize && Opset >= 11 ? 2 : 1;
            var sc = Constant(node, scalesAt, "scales");
            if (sc is not null && sc.Count > 0) scales = sc.AsFloats();
            else if (isResize && Opset >= 11 && Constant(node, 3, "sizes")?.AsInts() is { Length: 4 } sizes)
                scales = new[] { 1f, (float)sizes[1] / x.Shape.C, (float)sizes[2] / x.Shape.H, (float)sizes[3] / x.Shape.W };
        }
        if (scales is null || scales.Length != 4) throw new NodeError("needs scales (or sizes) for (N, C, H, W) stored in the file");
        if (scales[0] != 1 || scales[1] != 1) throw new NodeError($"scales [{string.Join(", ", scales.Select(Number))}] resize the batch or channels");
        if (scales[2] != MathF.Floor(scales[2]) || scales[3] != MathF.Floor(scales[3]) || scales[2] < 1 || scales[3] < 1)
            throw new NodeError($"scales [{string.Join(", ", scales.Select(Number))}]: upsample takes whole factors of at least 1");
        int fh = (int)scales[2], fw = (int)scales[3];
        string upsampleMode = mode switch
        {
            "nearest" => RepeatsPixels(coordinates, nearest, x.Shape.H, fh) && RepeatsPixels(coordinates, nearest, x.Shape.W, fw)
                ? "nearest"
                : throw new NodeError($"nearest with coordinate_transformation_mode {coordinates} and nearest_mode {nearest} does not repeat each pixel, as upsample's nearest does",
                    $"{node.OpType} nearest {coordinates} {nearest}"),
            "linear" or "bilinear" => coordinates is "half_pixel" or "pytorch_half_pixel"
                ? "bilinear"
                : throw new NodeError($"linear with coordinate_transformation_mode {coordinates}: upsample's bilinear samples at half-pixel centres (PyTorch's align_corners=False)",
                    $"{node.OpType} linear {coordinates}"),
            _ => throw new NodeError($"mode '{mode}' is not supported (nearest, linear)", $"{node.OpType} mode {mode}"),
        };
        var n = Emit(node, "upsample", Shape.Chw(x.Shape.C, x.Shape.H * fh, x.Shape.W * fw), x);
        n.Positional.Add(Pair(fh, fw));
        if (upsampleMode == "bilinear") n.Named.Add(("mode", "bilinear"));
    }

    /// <summary>Whether ONNX's nearest sampling of an axis of <paramref name="size"/> by <paramref name="factor"/> reads input o / factor for every output o.</summary>
    private static bool RepeatsPixels(string coordinates, string nearest, int size, int factor)
    {
        int outSize = size * factor;
        for (int o = 0; o < outSize; o++)
        {
            double x = coordinates switch
            {
                "half_pixel" => (o + 0.5) / factor - 0.5,
                "pytorch_half_pixel" => outSize > 1 ? (o + 0.5) / factor - 0.5 : 0,
                "asymmetric" => (double)o / factor,
                "tf_half_pixel_for_nn" => (o + 0.5) / factor,
                "align_corners" => outSize == 1 ? 0 : o * (size - 1.0) / (outSize - 1),
                _ => double.NaN,
            };
            if (double.IsNaN(x)) return false;
            double i = nearest switch
            {
                "round_prefer_floor" => x == Math.Floor(x) + 0.5 ? Math.Floor(x) : Math.Round(x),
                "round_prefer_ceil" => x == Math.Floor(x) + 0.5 ? Math.Ceiling(x) : Math.Round(x),
                "floor" => Math.Floor(x),
                "ceil" => Math.Ceiling(x),
                _ => double.NaN,
            };
            if (double.IsNaN(i)) return false;
            if ((int)Math.Clamp(i, 0, size - 1) != o / factor) return false;
        }
        return true;
    }

    private readonly record struct Window(int R, int S, long StrideH, long StrideW, long DilationH, long DilationW, bool Ceil)
    {
        public long EffectiveR => (R - 1) * DilationH + 1;
        public long EffectiveS => (S - 1) * DilationW + 1;
    }

    /// <summary>Input 0 as a (C, H, W) layer output, and the Pad before it when <paramref name="allowPad"/>.</summary>
    private (CnnNode X, PaddedValue? Pad) SpatialInput(OnnxNode node, bool allowPad)
    {
        var v = Value(node, 0);
        CnnNode x;
        PaddedValue? pad = null;
        if (allowPad && v is PaddedValue p)
        {
            x = p.Node;
            pad = p;
        }
        else x = Layer(node, 0);
        if (x.Shape.IsVector) throw new NodeError($"input '{node.Inputs[0]}' is a vector {x.Shape}; expected (C, H, W)");
        return (x, pad);
    }

    private ConstantValue? Weights(OnnxNode node, int index, string what, int rank, bool optional)
    {
        if (optional && Value(node, index) is null) return null;
        return Weights(node, index, what, rank);
    }

    private static float[] CheckLength(ConstantValue c, int length, string what)
    {
        if (c.Count != length) throw new NodeError($"{what} has shape {c}; expected [{length}]");
        return (float[])c.Floats!.Clone();
    }

    private static void CheckKernelShape(OnnxNode node, int r, int s)
    {
        var kernel = node.GetInts("kernel_shape");
        if (kernel.Count > 0 && (kernel.Count != 2 || kernel[0] != r || kernel[1] != s))
            throw new NodeError($"kernel_shape [{string.Join(", ", kernel)}] differs from the weight's {r}x{s}");
    }

    /// <summary>A two-value INTS attribute (height, width), <paramref name="fallback"/> when absent.</summary>
    private static (long H, long W) Ints2(OnnxNode node, string name, long fallback)
    {
        var v = node.GetInts(name);
        if (v.Count == 0) return (fallback, fallback);
        if (v.Count != 2 || v.Any(x => x < (fallback == 0 ? 0 : 1)))
            throw new NodeError($"{name} [{string.Join(", ", v)}]; expected two {(fallback == 0 ? "non-negative" : "positive")} values (height, width)");
        return (v[0], v[1]);
    }

    private static long[] PadsAttribute(OnnxNode node)
    {
        var pads = node.GetInts("pads");
        if (pads.Count == 0) return new long[4];
        if (pads.Count != 4 || pads.Any(p => p < 0)) throw new NodeError($"pads [{string.Join(", ", pads)}]; expected four non-negative values (top, left, bottom, right)");
        return pads.ToArray();
    }

    /// <summary>The padding (top, left, bottom, right) the window sees: pads or auto_pad, plus a folded Pad.</summary>
    private static long[] Pads(OnnxNode node, Shape x, Window w, PaddedValue? pending)
    {
        string autoPad = node.GetString("auto_pad", "NOTSET");
        long[] pads;
        switch (autoPad)
        {
            case "NOTSET":
                pads = PadsAttribute(node);
                break;
            case "VALID":
                pads = new long[4];
                break;
            case "SAME_UPPER":
            case "SAME_LOWER":
            {
                if (pending is not null) throw new NodeError($"auto_pad {autoPad} after Pad '{pending.PadNode}' is not supported");
                var (th, bh) = SamePads(x.H, w.EffectiveR, w.StrideH, autoPad == "SAME_UPPER");
                var (tw, bw) = SamePads(x.W, w.EffectiveS, w.StrideW, autoPad == "SAME_UPPER");
                pads = new[] { th, tw, bh, bw };
                break;
            }
            default:
                throw new NodeError($"auto_pad '{autoPad}' is not an ONNX value (NOTSET, SAME_UPPER, SAME_LOWER, VALID)");
        }
        if (pending is not null)
        {
            pads[0] += pending.Top;
            pads[1] += pending.Left;
            pads[2] += pending.Bottom;
            pads[3] += pending.Right;
        }
        return pads;
    }

    /// <summary>SAME padding of one axis: total so that P = ceil(H / stride); the odd pixel after (upper) or before (lower).</summary>
    private static (long Before, long After) SamePads(long size, long window, long stride, bool upper)
    {
        long p = (size + stride - 1) / stride;
        long total = Math.Max((p - 1) * stride + window - size, 0);
        long small = total / 2;
        return upper ? (small, total - small) : (total - small, small);
    }

    private static long Out(long size, long before, long after, long window, long stride, bool ceil)
    {
        long span = size + before + after - window;
        return (ceil ? (span + stride - 1) / stride : span / stride) + 1;
    }

    /// <summary>
    /// The .cnn padding for (top, left, bottom, right) and the output size. The .cnn pads both sides
    /// of an axis alike, or Keras's 'same'. An asymmetric ONNX padding is written as the top/left one
    /// on both sides when that gives the same output size (the other side's extra padding is then in
    /// no window: CNTK's top-left padding), or as 'same' when it is exactly that.
    /// </summary>
    private static (string? Text, int P, int Q) PaddingText(OnnxNode node, Shape x, Window w, long[] pads)
    {
        long t = pads[0], l = pads[1], b = pads[2], r = pads[3];
        long p = Out(x.H, t, b, w.EffectiveR, w.StrideH, w.Ceil), q = Out(x.W, l, r, w.EffectiveS, w.StrideW, w.Ceil);
        if (p < 1 || q < 1) throw new NodeError($"the {w.R}x{w.S} window does not fit the input {x} with pads [{string.Join(", ", pads)}]");
        bool symH = Out(x.H, t, t, w.EffectiveR, w.StrideH, w.Ceil) == p, symW = Out(x.W, l, l, w.EffectiveS, w.StrideW, w.Ceil) == q;
        // Windows start at -top either way; when the top/left padding on both sides keeps the
        // output size, no window reaches the bottom/right padding that differs.
        if (symH && symW)
            return (t == 0 && l == 0 ? null : Pair(t, l), (int)p, (int)q);
        var (sth, sbh) = SamePads(x.H, w.EffectiveR, w.StrideH, upper: true);
        var (stw, sbw) = SamePads(x.W, w.EffectiveS, w.StrideW, upper: true);
        if (!w.Ceil && sth == t && sbh == b && stw == l && sbw == r) return ("same", (int)p, (int)q);
        throw new NodeError($"pads [{string.Join(", ", pads)}] (top, left, bottom, right) are asymmetric in a way the .cnn cannot write: it pads both sides alike, or as 'same' (extra pixel at the bottom and right)");
    }
}
