using NetGen.Execution;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>
/// An instance serves one call at a time: a call while another thread is inside one throws, every
/// member that touches the instance's memory is guarded, and calls from one thread (nested ones
/// included) are unaffected.
/// </summary>
public class ThreadGuardTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A SetParameters argument that holds the call open: enumerating it signals <see cref="Entered"/> and
    /// waits for <see cref="Release"/>, so the instance stays inside SetParameters for as long as a test needs,
    /// deterministically. It holds no tensors, so the call then changes nothing.
    /// </summary>
    private sealed class HeldValues : IReadOnlyDictionary<string, float[]>
    {
        public readonly ManualResetEventSlim Entered = new();
        public readonly ManualResetEventSlim Release = new();

        public IEnumerator<KeyValuePair<string, float[]>> GetEnumerator()
        {
            Entered.Set();
            if (!Release.Wait(Timeout)) throw new TimeoutException("the test never released the held call");
            yield break;
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public int Count => 0;
        public IEnumerable<string> Keys => [];
        public IEnumerable<float[]> Values => [];
        public float[] this[string key] => throw new KeyNotFoundException(key);
        public bool ContainsKey(string key) => false;
        public bool TryGetValue(string key, out float[] value)
        {
            value = [];
            return false;
        }
    }

    /// <summary>Runs <paramref name="network"/>.SetParameters on another thread and returns once that thread is inside the call.</summary>
    private static (Thread Thread, HeldValues Held, Exception?[] Failure) Hold(INetwork network)
    {
        var held = new HeldValues();
        var failure = new Exception?[1];
        var thread = new Thread(() =>
        {
            try { network.SetParameters(held); }
            catch (Exception ex) { failure[0] = ex; }
        });
        thread.Start();
        Assert.True(held.Entered.Wait(Timeout), "the holding thread never entered SetParameters");
        return (thread, held, failure);
    }

    private static void Finish((Thread Thread, HeldValues Held, Exception?[] Failure) hold)
    {
        hold.Held.Release.Set();
        Assert.True(hold.Thread.Join(Timeout));
        Assert.Null(hold.Failure[0]);
    }

    private static void AssertRefused(string member, Action call)
    {
        var error = Assert.Throws<InvalidOperationException>(call);
        Assert.Contains($"MnistCnn.{member}: this 'MnistCnn' instance is already running SetParameters on another thread", error.Message);
        Assert.Contains("NetworkPool", error.Message);
    }

    [Fact]
    public void Every_member_that_touches_memory_throws_while_another_thread_is_inside_a_call()
    {
        var input = Cases.Random(784, 1);
        var inputs = Cases.Random(4 * 784, 2);
        var labels = new[] { 1, 2, 3, 4 };
        var output = new float[10];
        var outputs = new float[40];
        var weights = new float[MnistCnn.ParameterTensors[0].Length];
        string name = MnistCnn.ParameterTensors[0].Name;
        string path = Path.Combine(Path.GetTempPath(), $"netgen-guard-{Guid.NewGuid():N}.safetensors");

        var inference = new MnistCnn(1);
        var hold = Hold(inference);
        AssertRefused("Predict", () => inference.Predict(input, output));
        AssertRefused("Predict", () => inference.Predict(inputs, outputs, 4));
        AssertRefused("UseWorkerPool", () => inference.UseWorkerPool(null));
        AssertRefused("CopyParameter", () => inference.CopyParameter(name, weights));
        AssertRefused("SetParameter", () => inference.SetParameter(name, weights));
        AssertRefused("SetParameters", () => inference.SetParameters(new Dictionary<string, float[]>()));
        AssertRefused("Save", () => inference.Save(path));
        AssertRefused("Load", () => inference.Load(path));
        Finish(hold);
        Assert.False(File.Exists(path));

        var training = new MnistCnn(1, ExecutionMode.Training);
        hold = Hold(training);
        AssertRefused("Predict", () => training.Predict(inputs, outputs, 4));
        AssertRefused("TrainStep", () => training.TrainStep(inputs, labels));
        AssertRefused("ComputeGradients", () => training.ComputeGradients(inputs, labels));
        AssertRefused("AccumulateGradients", () => training.AccumulateGradients(inputs, labels));
        AssertRefused("ApplyGradients", () => training.ApplyGradients());
        AssertRefused("Evaluate", () => training.Evaluate(inputs, labels));
        AssertRefused("CopyGradient", () => training.CopyGradient(name, weights));
        Finish(hold);
        Assert.Equal(0, training.StepCount);
    }

    [Fact]
    public void Three_threads_calling_while_a_fourth_is_inside_a_call_all_throw()
    {
        var network = new MnistCnn(3);
        var hold = Hold(network);
        using var start = new Barrier(3);
        var errors = new Exception?[3];
        var threads = Enumerable.Range(0, 3).Select(t => new Thread(() =>
        {
            var input = Cases.Random(784, (ulong)t);
            var output = new float[10];
            start.SignalAndWait();
            try { network.Predict(input, output); }
            catch (Exception ex) { errors[t] = ex; }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) Assert.True(thread.Join(Timeout));
        Finish(hold);
        Assert.All(errors, error => Assert.IsType<InvalidOperationException>(error));
    }

    [Fact]
    public void Four_threads_on_one_instance_get_either_an_exception_or_the_right_outputs_never_wrong_ones()
    {
        var network = new MnistCnn(5);
        // The user's symptom. Batches of 16 samples make calls long enough (milliseconds) for the threads to
        // overlap; without the guard a few calls in a hundred return wrong outputs here, so this can catch it, but
        // the two tests above are the deterministic ones.
        const int threadCount = 4, rounds = 100, count = 16;
        var inputs = Enumerable.Range(0, threadCount).Select(t => Cases.Random(count * 784, (ulong)(10 + t))).ToArray();
        var expected = inputs.Select(input =>
        {
            var outputs = new float[count * 10];
            network.Predict(input, outputs, count);
            return Bits(outputs);
        }).ToArray();
        // Not disposed: if a thread outlives the deadline below, the test fails instead of that
        // thread meeting a disposed barrier and crashing the test process.
        var start = new Barrier(threadCount);
        var wrong = new int[threadCount];
        var refused = new int[threadCount];
        var other = new Exception?[threadCount];
        var threads = Enumerable.Range(0, threadCount).Select(t => new Thread(() =>
        {
            var outputs = new float[count * 10];
            for (int round = 0; round < rounds; round++)
            {
                start.SignalAndWait();
                try
                {
                    network.Predict(inputs[t], outputs, count);
                    if (!Bits(outputs).SequenceEqual(expected[t])) wrong[t]++;
                }
                catch (InvalidOperationException) { refused[t]++; }
                catch (Exception ex) { other[t] ??= ex; }
            }
        }) { IsBackground = true }).ToArray();
        foreach (var thread in threads) thread.Start();
        // A guard against a hang, not a speed bar: 400 calls of 16 samples in a Debug build took
        // over 30 s on a loaded 2-core machine.
        var deadline = DateTime.UtcNow + 10 * Timeout;
        Assert.True(threads.All(thread => thread.Join(TimeSpan.FromTicks(Math.Max(0, (deadline - DateTime.UtcNow).Ticks)))),
            $"the {threadCount} threads had not finished {rounds} rounds after {10 * Timeout.TotalSeconds} s");
        Assert.All(other, Assert.Null);
        Assert.True(wrong.Sum() == 0, $"{wrong.Sum()} of {threadCount * rounds} calls returned wrong outputs without an exception ({refused.Sum()} refused)");
    }

    [Fact]
    public void Calls_from_one_thread_nested_or_failed_release_the_instance_for_the_next_thread()
    {
        string path = Path.Combine(Path.GetTempPath(), $"netgen-guard-{Guid.NewGuid():N}.safetensors");
        try
        {
            var training = new MnistCnn(2, ExecutionMode.Training);
            var inputs = Cases.Random(4 * 784, 4);
            var labels = new[] { 0, 1, 2, 3 };
            // TrainStep calls ComputeGradients, Save calls CopyParameter, Load calls SetParameters: each joins the outer call.
            training.TrainStep(inputs, labels);
            training.Save(path);
            training.Load(path);
            Assert.Throws<ArgumentException>(() => training.Predict(inputs.AsSpan(0, 5), new float[10]));

            var outputs = new float[40];
            Exception? failure = null;
            var next = new Thread(() =>
            {
                try
                {
                    training.TrainStep(inputs, labels);
                    training.Predict(inputs, outputs, 4);
                }
                catch (Exception ex) { failure = ex; }
            });
            next.Start();
            Assert.True(next.Join(Timeout));
            Assert.Null(failure);
            Assert.Equal(2, training.StepCount);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
