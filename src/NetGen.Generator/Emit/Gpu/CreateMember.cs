using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Gpu;

/// <summary>
/// The outer class's <c>Create(seed, mode, device)</c>, written for every network that runs: the choice of
/// device as a value (NetGen.Execution.NetworkDevice). Cpu gives the CPU class; Cuda the nested Gpu class
/// on the process's shared CUDA device, or a clear exception (no CUDA device: GpuUnavailableException; the
/// GPU backend not referenced, or a layer without a GPU kernel: InvalidOperationException naming the
/// package or the layer); Auto the Gpu class when it exists and a CUDA device is present, else the CPU class.
/// </summary>
internal static class CreateMember
{
    private const string Device = "global::NetGen.Execution.NetworkDevice";

    /// <param name="className">The class's name as a constructor call writes it (type parameters included).</param>
    /// <param name="trains">The CPU class trains (the return type is ITrainableNetwork).</param>
    /// <param name="gpu">The Gpu class is written.</param>
    /// <param name="unsupported">Why there is no Gpu class, when there is none (the package, or the layer).</param>
    public static void Write(IndentedWriter w, NetworkIR network, string className, bool trains, bool gpu, string unsupported)
    {
        string type = trains ? "global::NetGen.Execution.ITrainableNetwork" : "global::NetGen.Execution.INetwork";
        string cpu = $"new {className}(seed, mode)";
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// An instance on <paramref name=\"device\"/>: Cpu, this class; Cuda, the nested Gpu class on the process's CUDA device" +
               (gpu ? "" : " (not available in this build: the call throws)") + "; Auto, CUDA when present" + (gpu ? "" : " (here: the CPU)") + ", else the CPU.");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.InvalidOperationException\">Cuda without the GPU backend (reference the NetGen.Gpu package), or with a layer the GPU backend has no kernel for.</exception>");
        w.Open($"public static {type} Create(ulong seed, global::NetGen.Execution.ExecutionMode mode, {Device} device)");
        w.Open("switch (device)");
        w.Line($"case {Device}.Cpu:");
        w.Line($"    return {cpu};");
        w.Line($"case {Device}.Cuda:");
        w.Line(gpu
            ? "    return new Gpu(global::NetGen.Gpu.GpuDevice.SharedCuda(), seed, mode);"
            : $"    throw new global::System.InvalidOperationException({Literal(network.Name + " cannot run on CUDA: " + unsupported)});");
        w.Line($"case {Device}.Auto:");
        w.Line(gpu
            ? $"    return global::NetGen.Gpu.GpuDevice.SharedCudaOrNull() is {{ }} cuda ? new Gpu(cuda, seed, mode) : {cpu};"
            : $"    return {cpu};");
        w.Line("default:");
        w.Line("    throw new global::System.ArgumentOutOfRangeException(nameof(device), device, \"Not a NetworkDevice value.\");");
        w.Close();
        w.Close();
    }
}
