using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;
using NetGen.Execution;
using NetGen.Weights;

namespace NetGen.GpuBench;

/// <summary>
/// Trains each network for a fixed number of steps (SGD, momentum 0.9, a fixed learning rate) on the
/// device asked for and prints one JSON line per network: images per second over the steps after the
/// warm-up, every step's loss, the device. Before training it writes, per network, the initial weights
/// (init.safetensors, PyTorch layout), the batches (batches.safetensors) and the settings (meta.json)
/// to the work folder, so torch_bench.py trains the same model from the same start on the same data.
/// </summary>
internal static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter output, TextWriter log)
    {
        try
        {
            var options = BenchOptions.Parse(args);
            using var device = BenchDevice.Open(options.Device);
            foreach (var network in options.Networks)
            {
                output.WriteLine(Bench(network, options, device, log));
                output.Flush();
            }
            return 0;
        }
        catch (BenchException e)
        {
            log.WriteLine(e.Message);
            return e.ExitCode;
        }
    }

    /// <summary>One network's run: its JSON line.</summary>
    private static string Bench(BenchNetwork network, BenchOptions options, BenchDevice device, TextWriter log)
    {
        int batch = options.Batch is int asked ? Math.Min(asked, network.Batch) : network.Batch;
        string folder = Path.Combine(options.Work, network.Name);
        Directory.CreateDirectory(folder);
        using var net = device.Create(network, options.Seed);
        net.TrainingSettings.LearningRate = options.LearningRate;
        net.TrainingSettings.Momentum = 0.9f;
        net.Save(Path.Combine(folder, "init.safetensors"));
        var batches = new SyntheticBatches(network, batch, Math.Min(options.DistinctBatches, options.Steps), options.Seed + 1);
        batches.Save(Path.Combine(folder, "batches.safetensors"), network.Input);
        File.WriteAllText(Path.Combine(folder, "meta.json"), Meta(network, batch, batches.Count, options));
        log.WriteLine($"{network.Name}: batch {batch} on {net.DeviceName}, {options.Steps} steps ({options.Warmup} warm-up), {net.AllocatedBytes:N0} bytes");

        if (options.Dump) SaveGradients(net, batches, Path.Combine(folder, "gradients.safetensors"));

        var losses = new float[options.Steps];
        double timed = 0;
        var clock = new Stopwatch();
        for (int step = 0; step < options.Steps; step++)
        {
            int b = step % batches.Count;
            clock.Restart();
            // The returned loss is on the host: on a GPU the step has finished when TrainStep returns.
            losses[step] = net.TrainStep(batches.Inputs(b), batches.Labels(b)).Loss;
            clock.Stop();
            if (step >= options.Warmup) timed += clock.Elapsed.TotalSeconds;
            if (step == 0 && options.Dump) net.Save(Path.Combine(folder, "step1.safetensors"));
        }
        int timedSteps = options.Steps - options.Warmup;
        return Line(network, batch, device.Name, net.DeviceName, losses, timedSteps, timed);
    }

    /// <summary>
    /// The first batch's gradient of every trainable tensor (PyTorch layout) before any update. The batch
    /// norms' running statistics move as in a step; the training forward does not read them.
    /// </summary>
    private static void SaveGradients(ITrainableNetwork net, SyntheticBatches batches, string path)
    {
        net.ComputeGradients(batches.Inputs(0), batches.Labels(0));
        var tensors = new List<NamedTensor>();
        foreach (var p in net.ParameterTable)
        {
            if (p.GradientOffset < 0) continue;
            var values = new float[p.Length];
            net.CopyGradient(p.Name, values);
            tensors.Add(new NamedTensor(p.Name, p.ShapeArray(), values));
        }
        Safetensors.Write(path, tensors);
    }

    private static string Meta(BenchNetwork network, int batch, int distinct, BenchOptions options)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("network", network.Name);
            w.WriteNumber("batch", batch);
            w.WriteStartArray("input");
            foreach (int d in network.Input) w.WriteNumberValue(d);
            w.WriteEndArray();
            w.WriteNumber("classes", network.Classes);
            w.WriteNumber("steps", options.Steps);
            w.WriteNumber("warmup", options.Warmup);
            w.WriteNumber("distinct_batches", distinct);
            w.WriteNumber("lr", options.LearningRate);
            w.WriteNumber("momentum", 0.9);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Line(BenchNetwork network, int batch, string device, string deviceName, float[] losses, int timedSteps, double seconds)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("framework", "netgen");
            w.WriteString("mode", "netgen");
            w.WriteString("network", network.Name);
            w.WriteNumber("batch", batch);
            w.WriteString("device", device);
            w.WriteString("device_name", deviceName);
            w.WriteNumber("timed_steps", timedSteps);
            w.WriteNumber("seconds", seconds);
            w.WriteNumber("images_per_s", batch * timedSteps / seconds);
            w.WriteStartArray("losses");
            foreach (float loss in losses) w.WriteNumberValue(loss);
            w.WriteEndArray();
            w.WriteString("date", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
