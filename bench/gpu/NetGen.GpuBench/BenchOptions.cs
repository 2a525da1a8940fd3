using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetGen.GpuBench;

/// <summary>
/// The command line: <c>--device cpu|cuda|simulator --work DIR [--networks a,b] [--steps 30] [--warmup 5]
/// [--batch N] [--lr 0.01] [--seed 1] [--batches 4] [--dump yes]</c>. A bad value is one line and exit code 2.
/// <c>--dump yes</c> also writes, per network, the first batch's gradients before any update
/// (gradients.safetensors) and the weights after the first step (step1.safetensors), which
/// grad_check.py compares with PyTorch's in float64.
/// </summary>
internal sealed record BenchOptions(string Device, string Work, IReadOnlyList<BenchNetwork> Networks, int Steps, int Warmup,
    int? Batch, float LearningRate, ulong Seed, int DistinctBatches, bool Dump)
{
    public const string Usage =
        "usage: NetGen.GpuBench [--device cpu|cuda|simulator] [--work DIR] [--networks NAME,NAME] [--steps 30] [--warmup 5] [--batch N] [--lr 0.01] [--seed 1] [--batches 4] [--dump yes|no]";

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new BenchException($"error: expected an option and its value at '{name}'\n{Usage}", 2);
            values[name] = args[++i];
        }
        string Get(string name, string fallback) => values.Remove(name, out var v) ? v : fallback;

        string device = Get("--device", "cpu");
        string work = Get("--work", "work");
        var networks = Get("--networks", string.Join(",", BenchNetwork.All.Select(n => n.Name))).Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(n => BenchNetwork.Find(n.Trim()) ?? throw new BenchException(
                $"--networks: error: '{n}' is not a network; expected some of {string.Join(", ", BenchNetwork.All.Select(x => x.Name))}", 2))
            .ToArray();
        int steps = Integer(Get("--steps", "30"), "--steps", 1, 100_000);
        int warmup = Integer(Get("--warmup", "5"), "--warmup", 0, steps - 1);
        int? batch = values.ContainsKey("--batch") ? Integer(Get("--batch", ""), "--batch", 1, 65_536) : null;
        string lrText = Get("--lr", "0.01");
        if (!float.TryParse(lrText, NumberStyles.Float, CultureInfo.InvariantCulture, out float lr) || !float.IsFinite(lr) || lr <= 0)
            throw new BenchException($"--lr: error: '{lrText}' is not a learning rate; expected a finite number greater than 0", 2);
        string seedText = Get("--seed", "1");
        if (!ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed))
            throw new BenchException($"--seed: error: '{seedText}' is not a seed; expected an integer from 0 to {ulong.MaxValue}", 2);
        int distinct = Integer(Get("--batches", "4"), "--batches", 1, 1_000);
        string dumpText = Get("--dump", "no");
        bool dump = dumpText switch
        {
            "yes" => true,
            "no" => false,
            _ => throw new BenchException($"--dump: error: '{dumpText}' is not valid; expected yes or no", 2),
        };
        if (values.Count > 0) throw new BenchException($"error: unknown option {values.Keys.First()}\n{Usage}", 2);
        if (networks.Length == 0) throw new BenchException("--networks: error: no network named", 2);
        return new BenchOptions(device, work, networks, steps, warmup, batch, lr, seed, distinct, dump);
    }

    private static int Integer(string text, string option, int min, int max) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new BenchException($"{option}: error: '{text}' is not valid; expected an integer from {min} to {max}", 2);
}
