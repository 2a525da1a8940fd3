using System.IO;
using NetGen.Cli.Compilation;
using NetGen.Cli.Devices;
using NetGen.Training;
using NetGen.Execution;
using CompiledNetwork = NetGen.Cli.Compilation.CompiledNetwork;

namespace NetGen.Cli.Commands;

/// <summary>
/// A --checkpoint argument: a folder `netgen train` wrote (checkpoint.json, whose seed, split and
/// class names eval and predict reuse, and the weight file it names, which must be from its step), or a bare .safetensors weight file.
/// </summary>
internal sealed record CheckpointArgument(string WeightsPath, string Folder, TrainingCheckpoint? State)
{
    public static CheckpointArgument Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            var state = CheckpointStore.Read(full);
            return new CheckpointArgument(Path.Combine(full, state.Weights), full, state);
        }
        if (!File.Exists(full)) throw new CliException($"{full}: error: checkpoint not found (expected a folder from `netgen train --out`, or a .safetensors file)", ExitCodes.NotFound);
        return new CheckpointArgument(full, Path.GetDirectoryName(full)!, null);
    }

    /// <summary>What to compile <paramref name="file"/> as: at the checkpoint's batch and optimizer when it recorded them; <paramref name="cache"/> null: the environment's.</summary>
    public CompileRequest Request(string file, string? network, DeviceSession device, CompileCache? cache) =>
        new(file, network, State?.Batch, State is null ? null : OptimizerNames.Parse(State.Optimizer), cache, device.UsesGpu);

    /// <summary>An instance of the compiled network on <paramref name="device"/> holding the checkpoint's weights: batched (training memory) when it can train.</summary>
    public INetwork Load(CompiledNetwork compiled, DeviceSession device)
    {
        if (State is not null) RunSettings.CheckSameNetwork(State, compiled, Folder);
        var network = device.Create(compiled, State?.Seed ?? TrainOptions.DefaultSeed, compiled.CanTrain ? ExecutionMode.Training : ExecutionMode.Inference);
        if (State is not null) CheckpointStore.LoadCheckpointWeights(network, Folder, State);
        else CheckpointStore.LoadWeights(network, WeightsPath);
        return network;
    }

    /// <summary>Class names from the checkpoint, else the class indices.</summary>
    public string ClassName(int index) =>
        State is not null && index < State.ClassNames.Length ? State.ClassNames[index] : index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
