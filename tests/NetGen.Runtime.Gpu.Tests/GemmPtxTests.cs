using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Xunit;

namespace NetGen.Gpu.Tests;

/// <summary>
/// Every GEMM, dense and convolution kernel through ILGPU's CUDA (PTX) backend, which needs no
/// GPU: what the CPU simulator accepts (any .NET) the PTX compiler may not (dynamic shared
/// memory, the math in the epilogue, atomics, struct arguments), and this catches it here.
/// </summary>
public class GemmPtxTests
{
    public static TheoryData<string> Kernels => new(KernelMethods().Keys);

    private static Dictionary<string, (MethodInfo Method, bool Grouped)> KernelMethods()
    {
        MethodInfo run = typeof(GemmKernel).GetMethod(nameof(GemmKernel.Run))!;
        var kernels = new Dictionary<string, (MethodInfo, bool)>
        {
            ["gemm"] = (run.MakeGenericMethod(typeof(GpuTile64), typeof(MatrixOperand), typeof(MatrixOperand), typeof(StoreEpilogue)), true),
            ["dense forward"] = (run.MakeGenericMethod(typeof(GpuTile64), typeof(MatrixOperand), typeof(MatrixOperand), typeof(ChannelsEpilogue)), true),
            ["conv forward"] = (run.MakeGenericMethod(typeof(GpuTile128x64), typeof(ConvInputOperand), typeof(MatrixOperand), typeof(ChannelsEpilogue)), true),
            ["conv backward data"] = (run.MakeGenericMethod(typeof(GpuTile64), typeof(ConvOutputGradOperand), typeof(ConvWeightsTransposedOperand), typeof(StoreEpilogue)), true),
            ["conv backward weights"] = (run.MakeGenericMethod(typeof(GpuTile64), typeof(MatrixOperand), typeof(ConvInputColumnsOperand), typeof(StoreEpilogue)), true),
            ["conv transpose forward"] = (run.MakeGenericMethod(typeof(GpuTile64), typeof(ConvOutputGradOperand), typeof(ConvWeightsTransposedOperand), typeof(ChannelsEpilogue)), true),
            ["column sums"] = (typeof(ColumnSums).GetMethod(nameof(ColumnSums.Kernel), BindingFlags.Static | BindingFlags.NonPublic)!, false),
            ["conv pack"] = (typeof(ConvPack).GetMethod(nameof(ConvPack.Kernel), BindingFlags.Static | BindingFlags.NonPublic)!, false),
            ["depthwise forward"] = (typeof(DepthwiseKernels).GetMethod(nameof(DepthwiseKernels.Forward), BindingFlags.Static | BindingFlags.NonPublic)!, false),
            ["depthwise backward data"] = (typeof(DepthwiseKernels).GetMethod(nameof(DepthwiseKernels.BackwardData), BindingFlags.Static | BindingFlags.NonPublic)!, false),
            ["depthwise backward weights"] = (typeof(DepthwiseKernels).GetMethod(nameof(DepthwiseKernels.BackwardWeights), BindingFlags.Static | BindingFlags.NonPublic)!, false),
        };
        return kernels;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void CompilesToPtxForSm80(string name)
    {
        var (method, grouped) = KernelMethods()[name];
        using var context = Context.Create(builder => builder.EnableAlgorithms().Optimize(OptimizationLevel.O2));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_80), CudaArchitecture.SM_80, CudaInstructionSet.ISA_80, null);
        var entry = grouped ? EntryPointDescription.FromExplicitlyGroupedKernel(method) : EntryPointDescription.FromImplicitlyGroupedKernel(method);
        var specialization = KernelSpecialization.Empty;
        var compiled = (PTXCompiledKernel)backend.Compile(entry, specialization);
        Assert.Contains(".entry", compiled.PTXAssembly);
        // The 4 x 4 accumulators and the epilogue's temporaries stay in registers: no local (stack) memory.
        Assert.DoesNotContain(".local", compiled.PTXAssembly);
        if (grouped)
        {
            Assert.Contains("bar.sync", compiled.PTXAssembly);
            Assert.Contains("ld.shared.f32", compiled.PTXAssembly);
        }
    }
}
