using NetGen.Execution;
using NetGen.Runtime.Tests.Execution;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

/// <summary>
/// The public checkpoint state of a training instance: a second instance given the weights, the optimizer
/// state, the step count and the dropout stream takes exactly the steps the first one takes next.
/// </summary>
public class CheckpointStateTests
{
    private const int Batch = 4;

    [Fact]
    public void A_restored_instance_continues_adam_and_dropout_bit_for_bit()
    {
        using var first = new DropNet(5, ExecutionMode.Training);
        for (int step = 0; step < 3; step++) first.TrainStep(Inputs(step), Labels(step));

        using var resumed = new DropNet(99, ExecutionMode.Training);
        Restore(resumed, first, withState: true);
        Assert.Equal(3, resumed.StepCount);
        for (int step = 3; step < 5; step++)
        {
            var a = first.TrainStep(Inputs(step), Labels(step));
            var b = resumed.TrainStep(Inputs(step), Labels(step));
            Assert.Equal(a.Loss, b.Loss);
        }
        Assert.Equal(Parameters(first), Parameters(resumed));
    }

    [Fact]
    public void Weights_alone_do_not_continue_the_run()
    {
        // The control for the test above: without the moments, the step count and the stream the next
        // step differs, so restoring them is what makes the runs agree.
        using var first = new DropNet(5, ExecutionMode.Training);
        for (int step = 0; step < 3; step++) first.TrainStep(Inputs(step), Labels(step));
        using var fresh = new DropNet(99, ExecutionMode.Training);
        Restore(fresh, first, withState: false);
        first.TrainStep(Inputs(3), Labels(3));
        fresh.TrainStep(Inputs(3), Labels(3));
        Assert.NotEqual(Parameters(first), Parameters(fresh));
    }

    [Fact]
    public void State_lengths_follow_the_optimizer_and_the_dropout()
    {
        using var drop = new DropNet(1, ExecutionMode.Training);
        long trainable = DropNet.TrainableParameterCount;
        Assert.Equal(2 * trainable, drop.OptimizerStateLength);
        Assert.Equal(CompiledTrainableNetwork.RandomStateSize, drop.RandomStateLength);
        using var tiny = new TinyNet(1, ExecutionMode.Training);
        Assert.Equal(0, tiny.RandomStateLength);
        tiny.CopyRandomState(Span<byte>.Empty);
    }

    [Fact]
    public void Wrong_state_is_refused_before_anything_changes()
    {
        using var net = new DropNet(1, ExecutionMode.Training);
        var state = new float[net.OptimizerStateLength];
        var random = new byte[net.RandomStateLength];
        net.CopyRandomState(random);

        var shortState = Assert.Throws<ArgumentException>(() => net.RestoreState(7, state.AsSpan(1), random));
        Assert.Contains($"DropNet.RestoreState: the optimizer state is {state.Length} floats; {state.Length - 1} were given", shortState.Message);
        var shortRandom = Assert.Throws<ArgumentException>(() => net.RestoreState(7, state, random.AsSpan(1)));
        Assert.Contains("the random state is 16 bytes; 15 were given", shortRandom.Message);
        Assert.Throws<ArgumentException>(() => net.RestoreState(7, state, new byte[16]));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.RestoreState(-1, state, random));
        Assert.Throws<ArgumentException>(() => net.CopyOptimizerState(new float[3]));
        Assert.Equal(0, net.StepCount);

        using var inference = new DropNet(1, ExecutionMode.Inference);
        Assert.Throws<InvalidOperationException>(() => inference.CopyOptimizerState(state));
    }

    private static void Restore(DropNet target, DropNet source, bool withState)
    {
        var weights = new Dictionary<string, float[]>();
        foreach (var tensor in DropNet.ParameterTensors)
        {
            var values = new float[tensor.Length];
            source.CopyParameter(tensor.Name, values);
            weights[tensor.Name] = values;
        }
        target.SetParameters(weights);
        if (!withState) return;
        var state = new float[source.OptimizerStateLength];
        source.CopyOptimizerState(state);
        var random = new byte[source.RandomStateLength];
        source.CopyRandomState(random);
        target.RestoreState(source.StepCount, state, random);
    }

    private static float[] Parameters(DropNet net)
    {
        var all = new List<float>();
        foreach (var tensor in DropNet.ParameterTensors)
        {
            var values = new float[tensor.Length];
            net.CopyParameter(tensor.Name, values);
            all.AddRange(values);
        }
        return all.ToArray();
    }

    private static float[] Inputs(int step) => Cases.Random(Batch * 2 * 8 * 8, (ulong)(40 + step));

    private static int[] Labels(int step) => Enumerable.Range(0, Batch).Select(i => (i + step) % 5).ToArray();
}
