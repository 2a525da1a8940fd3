using System;
using System.Globalization;
using System.IO;
using NetGen.Execution;

namespace Samples.TransferLearning;

/// <summary>
/// Command line: <c>--data DIR</c>, <c>--work DIR</c>, <c>--per-class N</c>, <c>--head-epochs N</c>,
/// <c>--finetune-epochs N</c>, <c>--scratch-epochs N</c>, <c>--lr X</c>, <c>--seed S</c>, <c>--device cpu|cuda|auto</c>.
/// </summary>
internal sealed record Options(string? DataFolder, string WorkFolder, int PerClass, int HeadEpochs, int FineTuneEpochs, int ScratchEpochs,
    float LearningRate, ulong Seed, NetworkDevice Device)
{
    public const string Usage =
        "usage: TransferLearning [--data DIR] [--work DIR] [--per-class N] [--head-epochs N] [--finetune-epochs N] [--scratch-epochs N] " +
        "[--lr X] [--seed S] [--device cpu|cuda|auto]";

    /// <summary>Parses the arguments over the defaults (<paramref name="work"/>: the default work folder); throws <see cref="ArgumentException"/> with the reason.</summary>
    public static Options Parse(string[] args, string work)
    {
        string? data = null;
        int perClass = 100, headEpochs = 30, fineTuneEpochs = 6, scratchEpochs = 10;
        float learningRate = 1e-3f;
        ulong seed = 1;
        var device = NetworkDevice.Cpu;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Count(int minimum)
            {
                string name = args[i];
                return int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= minimum
                    ? n : throw new ArgumentException($"{name} needs a whole number of at least {minimum}");
            }

            switch (args[i])
            {
                case "--data":
                    data = Value();
                    if (!Directory.Exists(data)) throw new ArgumentException($"--data: no folder '{data}'");
                    break;
                case "--work": work = Value(); break;
                case "--per-class": perClass = Count(20); break;
                case "--head-epochs": headEpochs = Count(1); break;
                case "--finetune-epochs": fineTuneEpochs = Count(0); break;
                case "--scratch-epochs": scratchEpochs = Count(0); break;
                case "--lr":
                    if (!float.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out learningRate) || !(learningRate > 0))
                        throw new ArgumentException("--lr needs a positive number");
                    break;
                case "--seed":
                    if (!ulong.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out seed))
                        throw new ArgumentException("--seed needs a non-negative whole number");
                    break;
                case "--device":
                    string name = Value();
                    if (!NetworkDevices.TryParse(name, out device))
                        throw new ArgumentException($"--device: '{name}' is not a device; expected cpu, cuda or auto");
                    break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        return new Options(data, work, perClass, headEpochs, fineTuneEpochs, scratchEpochs, learningRate, seed, device);
    }
}
