using NetGen.Generator.Analysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends;

/// <summary>
/// The static dims field of a layer's kernels at batch 1, one of NetGen.Kernels' dims records: the CPU
/// and GPU kernels take the same records (a training step passes the field <c>with { N = n }</c>), so both
/// backends write it here, each under its own field name.
/// </summary>
internal static class KernelDims
{
    private const string Kernels = "global::NetGen.Kernels.";

    /// <summary>The field declaration for <paramref name="node"/> (input x, output y) named <paramref name="field"/>, or null when its kernels take no dims record.</summary>
    public static string? Field(Node node, Shape x, Shape y, string field)
    {
        var a = node.Args;
        switch (node.Op)
        {
            case OpKind.Conv2D:
            case OpKind.DepthwiseConv2D:
            {
                var (pt, pb, pl, pr, _, _) = WindowPadding.ForWindow(a, x);
                return $"private static readonly {Kernels}Conv2DDims {field} = {Kernels}Conv2DDims.Create(" +
                       $"1, {x.H}, {x.W}, {x.C}, {y.C}, {a.KernelH}, {a.KernelW}, {a.StrideH}, {a.StrideW}, " +
                       $"{pt}, {pb}, {pl}, {pr}, {a.DilationH}, {a.DilationW}, {LayerFacts.Groups(node, x)}); // {node.Name}";
            }
            case OpKind.Conv2DTranspose:
            {
                var p = WindowPadding.ForTransposed(a);
                return $"private static readonly {Kernels}Conv2DTransposeDims {field} = {Kernels}Conv2DTransposeDims.Create(" +
                       $"1, {x.H}, {x.W}, {x.C}, {y.C}, {a.KernelH}, {a.KernelW}, {a.StrideH}, {a.StrideW}, " +
                       $"{p.Top}, {p.Bottom}, {p.Left}, {p.Right}, {p.OutputPaddingH}, {p.OutputPaddingW}, {a.DilationH}, {a.DilationW}); // {node.Name}";
            }
            case OpKind.SeparableConv2D:
            {
                // The depthwise half (groups C, multiplier m) and the pointwise 1x1 from C m to K.
                var (pt, pb, pl, pr, _, _) = WindowPadding.ForWindow(a, x);
                int cm = x.C * a.DepthMultiplier;
                return $"private static readonly ({Kernels}Conv2DDims Depthwise, {Kernels}Conv2DDims Pointwise) {field} = (" +
                       $"{Kernels}Conv2DDims.Create(1, {x.H}, {x.W}, {x.C}, {cm}, {a.KernelH}, {a.KernelW}, {a.StrideH}, {a.StrideW}, " +
                       $"{pt}, {pb}, {pl}, {pr}, {a.DilationH}, {a.DilationW}, {x.C}), " +
                       $"{Kernels}Conv2DDims.Create(1, {y.H}, {y.W}, {cm}, {y.C}, 1, 1)); // {node.Name}";
            }
            case OpKind.MaxPool2D:
            case OpKind.AvgPool2D:
            {
                var (pt, pb, pl, pr, _, _) = WindowPadding.ForWindow(a, x);
                return $"private static readonly {Kernels}PoolDims {field} = {Kernels}PoolDims.Create(" +
                       $"1, {x.H}, {x.W}, {x.C}, {a.KernelH}, {a.KernelW}, {a.StrideH}, {a.StrideW}, " +
                       $"{pt}, {pb}, {pl}, {pr}, {(a.CeilMode ? "true" : "false")}); // {node.Name}";
            }
            case OpKind.Upsample:
                return $"private static readonly {Kernels}UpsampleDims {field} = new(1, {x.H}, {x.W}, {x.C}, {a.ScaleH}, {a.ScaleW}); // {node.Name}";
            case OpKind.Crop:
                return $"private static readonly {Kernels}CropDims {field} = new(1, {x.H}, {x.W}, {x.C}, {a.CropTop}, {a.CropLeft}, {y.H}, {y.W}); // {node.Name}";
            case OpKind.Dense:
                return $"private static readonly {Kernels}DenseDims {field} = new(1, {x.Elements}, {y.C}); // {node.Name}";
            default:
                return null;
        }
    }
}
