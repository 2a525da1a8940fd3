using Xunit;
using Xunit.Abstractions;

namespace NetGen.Package.Tests;

/// <summary>
/// The NetGen.Gpu package (src/NetGen.Runtime.Gpu): what it holds and depends on, and a console
/// project that adds it beside NetGen, so the generator writes its network's nested Gpu class, run
/// on ILGPU's CPU simulator against the CPU class (Consumer/Gpu).
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class GpuPackageTests(ConsumerFixture consumer, ITestOutputHelper log)
{
    private const string Id = "NetGen.Gpu";

    [Fact]
    public void Package_holds_the_backend_and_depends_on_NetGen_and_ILGPU()
    {
        Assert.Equal([Id + ".nuspec", "README.md", "lib/net10.0/NetGen.Runtime.Gpu.dll", "lib/net10.0/NetGen.Runtime.Gpu.xml"], consumer.PackageFiles(Id));
        Assert.Equal([Id + ".nuspec", "lib/net10.0/NetGen.Runtime.Gpu.pdb"], consumer.PackageFiles(Id, "snupkg"));
        string nuspec = consumer.AddOnNuspec(Id);
        // ILGPU's library only.
        Assert.Contains("<dependency id=\"ILGPU\" version=\"1.5.3\" exclude=\"Build,Analyzers\" />", nuspec);
        Assert.Contains("<dependency id=\"ILGPU.Algorithms\" version=\"1.5.3\" exclude=\"Build,Analyzers\" />", nuspec);
        Assert.Equal(3, nuspec.Split("<dependency ").Length - 1);
    }

    [Fact]
    public void Consumer_gets_the_Gpu_class_and_it_runs_on_the_simulator_as_the_CPU_class_does()
    {
        string app = consumer.CreateProject("PkgGpu", ["NetGen", Id], "Gpu/Program.cs", "AttributeNet.cs");
        var build = DotNetCli.Run(app, "build", "-warnaserror", "-nodeReuse:false");
        Assert.True(build.ExitCode == 0, build.ToString());
        var files = ConsumerFixture.OutputAssemblies(app);
        foreach (string file in new[] { "NetGen.Runtime.dll", "NetGen.Runtime.Gpu.dll", "ILGPU.dll", "ILGPU.Algorithms.dll" }) Assert.Contains(file, files);

        var run = DotNetCli.Run(app, "run", "--no-build");
        Assert.True(run.ExitCode == 0, run.ToString());
        log.WriteLine(run.Output);
        Assert.Equal("simulator", run.Line("device"));

        // Predict on a batch of 4: softmax rows, not all alike, within the GPU tests' forward tolerance.
        float[] cpu = run.Floats("cpu"), gpu = run.Floats("gpu");
        Assert.True(cpu.Length == 12 && gpu.Length == 12, run.ToString());
        for (int row = 0; row < 4; row++) Assert.True(Math.Abs(cpu.Skip(3 * row).Take(3).Sum() - 1) < 1e-4, $"row {row} does not sum to 1: {run}");
        Assert.True(cpu.Skip(3).Take(3).Zip(cpu.Take(3)).Any(p => Math.Abs(p.First - p.Second) > 1e-4), $"the rows are alike: {run}");
        double worst = cpu.Zip(gpu).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= 1e-4, $"GPU outputs differ from the CPU's by up to {worst:E3}: {run}");

        // Three TrainSteps (SGD) on one batch: the loss falls, and the GPU's follows the CPU's.
        float[] cpuLoss = run.Floats("cpu-loss"), gpuLoss = run.Floats("gpu-loss");
        Assert.True(cpuLoss.Length == 3 && gpuLoss.Length == 3, run.ToString());
        Assert.True(cpuLoss[2] < cpuLoss[0], $"three steps did not lower the loss: {run}");
        for (int step = 0; step < 3; step++)
            Assert.True(Math.Abs(cpuLoss[step] - gpuLoss[step]) <= 1e-3 * Math.Max(1, Math.Abs(cpuLoss[step])), $"step {step}: {run}");
    }
}
