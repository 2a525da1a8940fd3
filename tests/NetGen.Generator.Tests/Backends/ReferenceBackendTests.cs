using System.Reflection;
using NetGen.Execution;
using NetGen.Generator.Analysis;
using NetGen.Generator.Backends.Cpu;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Tests.Infrastructure;
using Xunit;

namespace NetGen.Generator.Tests.Backends;

/// <summary>
/// The backend seam: the same networks planned for the CPU backend (generated class, CPU kernels)
/// and for <see cref="ReferenceBackend"/> (a schedule without fusion or kernel buffers, written as
/// float64 loops) give the same outputs from the same parameters.
/// </summary>
public class ReferenceBackendTests
{
    private const string Header = "namespace Seam.Nets\n\n";

    private const string ConvPool = """
        network ConvPool {
            input 3x12x12
            conv2d(8, 3, padding: 1) -> relu -> maxpool2d(2)
            conv2d(16, 3, activation: relu) -> maxpool2d(2)
            flatten -> dense(10)
        }
        """;

    public static TheoryData<string, string> Networks => new()
    {
        { "ConvPool", ConvPool },
        {
            "Residual", """
            network Residual {
                input 4x6x6
                stem = conv2d(8, 3, padding: 1) -> relu
                b = stem -> conv2d(8, 3, padding: 1) -> relu -> conv2d(8, 3, padding: 1)
                out = add(b, stem) -> relu -> global_avgpool -> dense(5)
            }
            """
        },
        {
            "Norm", """
            network Norm {
                input 3x8x8
                bn0 = batchnorm
                conv2d(6, 3, stride: 2, padding: 1, bias: false) -> bn1: batchnorm -> relu
                conv2d(6, 3, padding: 1) -> bn2: batchnorm(epsilon: 0.001)
                global_avgpool -> dense(4, activation: softmax)
            }
            """
        },
        {
            "Concat", """
            network Concat {
                input 2x7x7
                a = conv2d(4, 3, padding: 1) -> relu
                b = input -> conv2d(6, 1) -> relu
                c = concat(a, b) -> conv2d(5, 3) -> maxpool2d(2, stride: 1) -> flatten -> dense(3)
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Cpu_and_reference_backends_agree_on_a_schedule(string name, string text)
    {
        var (cpu, cpuAnalysis) = CpuNetwork(name, text);
        using var _ = cpu;
        var network = Assert.Single(CnnParser.Parse("/seam/" + name + ".cnn", Header + text).Networks);
        var backend = new ReferenceBackend();
        var result = NetworkAnalyzer.Analyze(network, backend);
        Assert.Empty(result.Diagnostics);
        var analysis = result.Value!;
        var schedule = analysis.Schedule;
        Assert.True(schedule.CanPredict);
        // The backend's answers shaped the schedule: no kernel buffers, no fused pools.
        Assert.Equal(0, schedule.KernelBuffers.InferenceBytes);
        Assert.All(schedule.InferenceForward, s => Assert.Equal(-1, s.Epilogue.Pool));
        // The parameter table is the backend-neutral part both share.
        Assert.Equal(cpuAnalysis.Schedule.Parameters, schedule.Parameters);

        var run = ReferenceRun(backend.Program(analysis));
        var random = new System.Random(11);
        var m = new double[schedule.InferenceFloats];
        foreach (var p in schedule.Parameters)
        {
            var values = new float[p.Length];
            // Batch norms start as the identity (ones, zeros); other statistics make them do something.
            if (p.Role is ParameterRole.RunningVar) Fill(values, random, 0.5, 1.5);
            else if (p.Role is ParameterRole.RunningMean || cpuAnalysis.Network.Nodes[p.Node].Op == OpKind.BatchNorm) Fill(values, random, -0.5, 0.5);
            else
            {
                var canonical = new float[p.Length];
                cpu.CopyParameter(p.Name, canonical);
                MemoryOrder(p, canonical, values);
            }
            if (p.Role is ParameterRole.RunningVar or ParameterRole.RunningMean || cpuAnalysis.Network.Nodes[p.Node].Op == OpKind.BatchNorm)
                cpu.SetParameter(p.Name, values);
            for (int i = 0; i < values.Length; i++) m[p.Offset + i] = values[i];
        }

        var input = new float[network.InputShape.Elements];
        Fill(input, random, -1, 1);
        var expected = new float[analysis.OutputShape.Elements];
        cpu.Predict(input, expected);

        var reference = Reference(run, m, input, network.InputShape, schedule, network.Output);
        double error = RelativeError(expected, reference);
        Assert.True(error < 1e-5, $"{name}: max |cpu - reference| / max |reference| = {error:E3}");

        // The comparison can fail: one weight changed in the reference's memory moves its output.
        var weight = schedule.Parameters[0];
        m[weight.Offset] += 0.5;
        var moved = Reference(run, m, input, network.InputShape, schedule, network.Output);
        Assert.True(RelativeError(expected, moved) > 1e-3, $"{name}: a changed weight went unnoticed");
    }

    [Fact]
    public void The_cpu_schedule_fuses_what_the_reference_one_runs_apart()
    {
        var network = Assert.Single(CnnParser.Parse("/seam/a.cnn", Header + ConvPool).Networks);
        var cpu = NetworkAnalyzer.Analyze(network).Value!;
        var reference = NetworkAnalyzer.Analyze(network, new ReferenceBackend()).Value!;
        // conv (node 1, its relu fused into it by the front end) runs with the pool (2) on the CPU: the conv step writes the pool's place.
        var conv = cpu.Schedule.InferenceForward[0];
        Assert.Equal((1, -1, 2), (conv.Node, conv.Epilogue.ActivationNode, conv.Epilogue.Pool));
        Assert.Equal(cpu.Schedule.Places[2].Inference, conv.Output);
        Assert.Equal(StepKind.FusedAway, cpu.Schedule.InferenceForward[1].Kind);
        Assert.Equal("Conv2D.ForwardMaxPool", CpuBackend.Instance.KernelOf(cpu, conv));
        // The reference plans the convolution's own output, so its arena is larger.
        Assert.Equal(StepKind.Layer, reference.Schedule.InferenceForward[1].Kind);
        Assert.True(reference.InferencePlan.Bytes > cpu.InferencePlan.Bytes);
        Assert.True(cpu.Schedule.KernelBuffers.InferenceBytes > 0);
    }

    private static (INetwork Network, NetworkAnalysis Analysis) CpuNetwork(string name, string text)
    {
        var run = GeneratorTestHelper.Run(System.Array.Empty<string>(), new[] { ("/seam/" + name + ".cnn", Header + text) });
        Assert.Empty(run.GeneratorDiagnostics);
        var assembly = CompiledCode.Load(run.Output);
        var type = assembly.GetType("Seam.Nets." + name, throwOnError: true)!;
        var network = (INetwork)System.Activator.CreateInstance(type, 5UL)!;
        var parsed = Assert.Single(CnnParser.Parse("/seam/" + name + ".cnn", Header + text).Networks);
        return (network, NetworkAnalyzer.Analyze(parsed).Value!);
    }

    /// <summary>
    /// A tensor copied out in PyTorch's layout, as the memory holds it: the same, except a Dense weight after a
    /// Flatten, whose (K, C x H x W) order the memory keeps channels last, (K, H x W x C).
    /// </summary>
    private static void MemoryOrder(ParameterEntry p, float[] canonical, float[] memory)
    {
        if (p.FlattenedFrom.Count == 0)
        {
            canonical.CopyTo(memory, 0);
            return;
        }
        int c = p.FlattenedFrom[0], pixels = p.FlattenedFrom[1] * p.FlattenedFrom[2], features = c * pixels;
        for (int k = 0; k < canonical.Length / features; k++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < pixels; i++)
                    memory[k * features + i * c + ch] = canonical[k * features + ch * pixels + i];
    }

    private static MethodInfo ReferenceRun(string program)
    {
        var assembly = CompiledCode.Load(program);
        return assembly.GetType("ReferenceProgram", throwOnError: true)!.GetMethod("Run")!;
    }

    /// <summary>Runs the reference program on a copy of <paramref name="memory"/>; the input NCHW, turned channels last; the output read back channels first.</summary>
    private static double[] Reference(MethodInfo run, double[] memory, float[] input, Shape shape, ExecutionSchedule schedule, int output)
    {
        var m = (double[])memory.Clone();
        var x = new double[input.Length];
        int c = shape.IsVector ? 1 : shape.C, pixels = (int)(input.Length / c);
        for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < pixels; i++)
                x[i * c + ch] = input[ch * pixels + i];
        run.Invoke(null, new object[] { m, x });
        var place = schedule.Places[output].Inference!.Value;
        var result = new double[place.Length];
        System.Array.Copy(place.IsCallerInput ? x : m, place.IsCallerInput ? 0 : place.Start, result, 0, place.Length);
        return result;
    }

    private static double RelativeError(float[] actual, double[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double diff = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            diff = System.Math.Max(diff, System.Math.Abs(actual[i] - expected[i]));
            scale = System.Math.Max(scale, System.Math.Abs(expected[i]));
        }
        return diff / scale;
    }

    private static void Fill(float[] values, System.Random random, double low, double high)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)(low + (high - low) * random.NextDouble());
    }
}
