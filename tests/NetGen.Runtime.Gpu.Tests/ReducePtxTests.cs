using System.Reflection;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using NetGen.Gpu;
using Xunit;

namespace NetGen.Gpu.Tests;

/// <summary>
/// The simulator runs the kernels' IL as .NET code, so it cannot tell whether ILGPU's CUDA
/// backend accepts them. ILGPU's PTX backend needs no GPU: every kernel of the element-wise,
/// pooling, reduction, loss and optimizer families is compiled here for sm_90 (H100/H200), as
/// GpuDevice.Cuda() would (algorithms enabled, O2).
/// </summary>
public class ReducePtxTests
{
    private static readonly Type[] Families =
        [typeof(GpuActivations), typeof(GpuBatchNorm), typeof(GpuElementwise), typeof(GpuLoss), typeof(GpuOptimizer), typeof(GpuPool), typeof(GpuReduce)];

    private static IEnumerable<MethodInfo> Kernels()
    {
        var terms = typeof(GpuReduce).Assembly.GetTypes()
            .Where(t => t.IsValueType && typeof(IColumnTerms).IsAssignableFrom(t)).ToArray();
        foreach (var family in Families)
        {
            foreach (var m in family.GetMethods(BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly).Where(m => m.Name.EndsWith("Kernel")))
            {
                if (!m.IsGenericMethodDefinition)
                {
                    yield return m;
                    continue;
                }
                foreach (var t in terms) yield return m.MakeGenericMethod(t);
            }
        }
    }

    [Fact]
    public void EveryKernelCompilesToPtxForSm90()
    {
        using var context = Context.Create(builder => builder.EnableAlgorithms().Optimize(OptimizationLevel.O2));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null);
        var kernels = Kernels().ToArray();
        Assert.True(kernels.Length >= 34, $"found only {kernels.Length} kernels");
        var failures = new List<string>();
        string columnSums = "";
        foreach (var kernel in kernels)
        {
            try
            {
                var entry = EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
                var specialization = KernelSpecialization.Empty;
                var ptx = ((PTXCompiledKernel)backend.Compile(entry, specialization)).PTXAssembly;
                if (!ptx.Contains(".entry")) failures.Add($"{kernel.DeclaringType!.Name}.{kernel.Name}: no entry point in the PTX");
                if (kernel.Name.StartsWith("ColumnSums")) columnSums = ptx;
            }
            catch (Exception e)
            {
                failures.Add($"{kernel.DeclaringType!.Name}.{kernel.Name}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Contains("shfl.sync", columnSums);
        Assert.Contains("bar.sync", columnSums);
    }
}
