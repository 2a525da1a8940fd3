using System;
using System.Globalization;
using System.IO;
using NetGen.Execution;

namespace Samples.Mnist;

/// <summary>Command line: <c>--data DIR</c>, <c>--epochs N</c>, <c>--seed S</c>, <c>--out FILE</c>, <c>--device cpu|cuda|auto</c>.</summary>
internal sealed record Options(string? DataFolder, int Epochs, ulong Seed, string WeightsPath, NetworkDevice Device = NetworkDevice.Cpu)
{
    public const string Usage =
        "usage: Mnist [--data DIR] [--epochs N] [--seed S] [--out FILE] [--device cpu|cuda|auto]\n" +
        "  --data DIR   an MNIST-format folder: train-* and t10k-* files (raw or .gz), or mnist-10k-* (split 8,000 / 2,000)\n" +
        "  --epochs N   passes over the training set (default 10)\n" +
        "  --seed S     seed of the weights, the split and the batch order (default 1)\n" +
        "  --out FILE   where to save the trained weights (default mnist-cnn.safetensors)\n" +
        "  --device D   cpu (default), cuda (the first CUDA GPU, through the NetGen.Gpu backend) or auto (cuda when present)";

    /// <summary>
    /// Parses the arguments over the defaults <paramref name="epochs"/> and <paramref name="output"/>
    /// (no --data: <see cref="DataFolder"/> is null); throws <see cref="ArgumentException"/> with the reason.
    /// </summary>
    public static Options Parse(string[] args, int epochs = 10, string output = "mnist-cnn.safetensors")
    {
        string? data = null;
        ulong seed = 1;
        var device = NetworkDevice.Cpu;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--data":
                    data = Value();
                    if (!Directory.Exists(data)) throw new ArgumentException($"--data: no folder '{data}'");
                    break;
                case "--epochs":
                    if (!int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out epochs) || epochs < 1)
                        throw new ArgumentException("--epochs needs a whole number of at least 1");
                    break;
                case "--seed":
                    if (!ulong.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out seed))
                        throw new ArgumentException("--seed needs a non-negative whole number");
                    break;
                case "--out":
                    output = Value();
                    break;
                case "--device":
                    string name = Value();
                    if (!NetworkDevices.TryParse(name, out device))
                        throw new ArgumentException($"--device: '{name}' is not a device; expected cpu, cuda or auto");
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        return new Options(data, epochs, seed, Path.GetFullPath(output), device);
    }
}
