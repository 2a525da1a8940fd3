using NetGen.Execution;
using NetGen.Runtime.Tests.Execution;
using NetGen.Training;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

/// <summary>
/// Generated networks' TrainStep against the PyTorch update formulas written out in float64
/// (<see cref="OptimizerReference"/>), fed the gradients the network itself reports; frozen
/// layers; learning-rate schedules.
/// </summary>
public class NetworkOptimizerTests
{
    [Theory]
    [InlineData(0.9f, 0f, 0f, false)]
    [InlineData(0.9f, 0f, 0.01f, true)]
    [InlineData(0.8f, 0.3f, 0.05f, false)]
    public void Sgd_steps_follow_pytorch(float momentum, float dampening, float weightDecay, bool nesterov)
    {
        var net = new MomentumNet(3, ExecutionMode.Training);
        var s = net.TrainingSettings;
        (s.LearningRate, s.Momentum, s.Dampening, s.WeightDecay, s.Nesterov) = (0.05f, momentum, dampening, weightDecay, nesterov);
        var buffers = Zeros(net);
        CheckSteps(net, 4, (name, p, g, t) => OptimizerReference.SgdStep(p, buffers[name], g, t, 0.05, momentum, dampening, weightDecay, nesterov));
    }

    [Fact]
    public void Plain_sgd_with_weight_decay_follows_pytorch()
    {
        var net = new FrozenNet(3, ExecutionMode.Training);
        net.TrainingSettings.LearningRate = 0.1f;
        net.TrainingSettings.WeightDecay = 0.02f;
        CheckSteps(net, 3, (_, p, g, t) => OptimizerReference.SgdStep(p, new double[p.Length], g, t, 0.1, 0, 0, 0.02, false));
    }

    [Theory]
    [InlineData(0f, false)]
    [InlineData(0.1f, false)]
    [InlineData(0.1f, true)]
    public void Adam_and_adamw_steps_follow_pytorch(float weightDecay, bool decoupled)
    {
        var net = new AdamNet(3, ExecutionMode.Training);
        var s = net.TrainingSettings;
        (s.LearningRate, s.WeightDecay, s.DecoupledWeightDecay, s.Beta1, s.Beta2) = (0.01f, weightDecay, decoupled, 0.8, 0.99);
        var m = Zeros(net);
        var v = Zeros(net);
        CheckSteps(net, 5, (name, p, g, t) => OptimizerReference.AdamStep(p, m[name], v[name], g, t, 0.01, 0.8, 0.99, 1e-8, weightDecay, decoupled));
    }

    [Fact]
    public void A_frozen_layer_stays_bit_identical_while_the_others_train()
    {
        var net = new FrozenNet(11, ExecutionMode.Training);
        net.TrainingSettings.LearningRate = 0.1f;
        net.TrainingSettings.WeightDecay = 0.01f;
        var before = Snapshot(net);
        for (int t = 0; t < 5; t++) net.TrainStep(Cases.Random(4 * 64, (ulong)t), new[] { 0, 1, 2, 3 });
        var after = Snapshot(net);
        Assert.Equal(BitsOf(before["conv1.weight"]), BitsOf(after["conv1.weight"]));
        Assert.Equal(BitsOf(before["conv1.bias"]), BitsOf(after["conv1.bias"]));
        foreach (string trained in new[] { "conv2.weight", "conv2.bias", "fc.weight", "fc.bias" })
            Assert.NotEqual(BitsOf(before[trained]), BitsOf(after[trained]));
        Assert.False(FrozenNet.ParameterTensors[0].Trainable);
        var error = Assert.Throws<InvalidOperationException>(() => net.CopyGradient("conv1.weight", new float[36]));
        Assert.Contains("frozen", error.Message);
    }

    [Fact]
    public void A_cosine_schedule_sets_each_steps_rate()
    {
        var net = new FrozenNet(5, ExecutionMode.Training);
        var schedule = new CosineSchedule(0.2f, totalSteps: 6, minimum: 0.01f, warmupSteps: 1);
        net.TrainingSettings.Schedule = schedule;
        var rates = new List<float>();
        CheckSteps(net, 6, (_, p, g, t) => OptimizerReference.SgdStep(p, new double[p.Length], g, t, schedule.At(t - 1), 0, 0, 0, false),
            afterStep: () => rates.Add(net.TrainingSettings.LearningRate));
        Assert.Equal(Enumerable.Range(0, 6).Select(schedule.At), rates);
        Assert.NotEqual(rates[1], rates[4]);
    }

    [Fact]
    public void A_step_schedule_decays_at_its_boundaries()
    {
        var net = new MomentumNet(5, ExecutionMode.Training);
        net.TrainingSettings.Schedule = new StepSchedule(0.1f, stepSize: 2, gamma: 0.5f);
        var rates = new List<float>();
        for (int t = 0; t < 5; t++)
        {
            net.TrainStep(Cases.Random(4 * 72, (ulong)t), new[] { 0, 1, 2, 3 });
            rates.Add(net.TrainingSettings.LearningRate);
        }
        Assert.Equal(new[] { 0.1f, 0.1f, 0.05f, 0.05f, 0.025f }, rates);
    }

    [Fact]
    public void Settings_the_declared_optimizer_cannot_honour_are_clear_errors()
    {
        var plain = new FrozenNet(5, ExecutionMode.Training);
        plain.TrainingSettings.Momentum = 0.9f;
        var error = Assert.Throws<InvalidOperationException>(() => plain.TrainStep(Cases.Random(4 * 64, 1), new[] { 0, 1, 2, 3 }));
        Assert.Contains("FrozenNet declares Optimizer = OptimizerType.None", error.Message);

        var nesterov = new MomentumNet(5, ExecutionMode.Training);
        nesterov.TrainingSettings.Nesterov = true;
        nesterov.TrainingSettings.Dampening = 0.1f;
        error = Assert.Throws<InvalidOperationException>(() => nesterov.TrainStep(Cases.Random(4 * 72, 1), new[] { 0, 1, 2, 3 }));
        Assert.Contains("Nesterov", error.Message);

        var adam = new AdamNet(5, ExecutionMode.Training);
        adam.TrainingSettings.Beta2 = 1.0;
        error = Assert.Throws<InvalidOperationException>(() => adam.TrainStep(Cases.Random(4 * 72, 1), new[] { 0, 1, 2, 3 }));
        Assert.Contains("AdamNet: Adam needs betas in [0, 1)", error.Message);
    }

    /// <summary>
    /// Steps t = 1..steps on varied batches: the gradient the network reports and its parameters
    /// before the step go through <paramref name="reference"/> (which updates p in place, keeping
    /// its own float64 state), and the network's parameters after the step must match.
    /// </summary>
    private static void CheckSteps(ITrainableNetwork net, int steps, Action<string, double[], float[], int> reference, Action? afterStep = null)
    {
        int batch = net.MaxBatch;
        var labels = Enumerable.Range(0, batch).Select(i => i % net.OutputSize).ToArray();
        for (int t = 1; t <= steps; t++)
        {
            var inputs = Cases.Random(batch * net.InputSize, (ulong)(100 + t));
            net.ComputeGradients(inputs, labels);
            var expected = new Dictionary<string, double[]>();
            foreach (var tensor in net.ParameterTable.ToArray())
            {
                var p = new float[tensor.Length];
                net.CopyParameter(tensor.Name, p);
                var values = Array.ConvertAll(p, x => (double)x);
                if (tensor.Trainable)
                {
                    var g = new float[tensor.Length];
                    net.CopyGradient(tensor.Name, g);
                    reference(tensor.Name, values, g, t);
                }
                expected[tensor.Name] = values;
            }
            net.TrainStep(inputs, labels);
            afterStep?.Invoke();
            foreach (var tensor in net.ParameterTable.ToArray())
            {
                var actual = new float[tensor.Length];
                net.CopyParameter(tensor.Name, actual);
                OptimizerReference.AssertClose(expected[tensor.Name], actual, rtol: 1e-5, atol: 1e-7);
            }
        }
    }

    private static Dictionary<string, double[]> Zeros(INetwork net) =>
        net.ParameterTable.ToArray().ToDictionary(t => t.Name, t => new double[t.Length]);

    private static Dictionary<string, float[]> Snapshot(INetwork net) => net.ParameterTable.ToArray().ToDictionary(t => t.Name, t =>
    {
        var values = new float[t.Length];
        net.CopyParameter(t.Name, values);
        return values;
    });

    private static int[] BitsOf(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
