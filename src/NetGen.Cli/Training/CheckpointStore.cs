using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using NetGen.Cli.Compilation;
using NetGen.Execution;
using NetGen.Weights;

namespace NetGen.Cli.Training;

/// <summary>
/// A checkpoint folder: checkpoint.safetensors (the weights, loadable by any NetGen network's
/// Load or by PyTorch), optimizer.safetensors (the optimizer state block as one tensor) and
/// checkpoint.json (<see cref="CheckpointState"/>). Each file is replaced atomically, the JSON
/// last; the weights and state carry the step count in their metadata, so a folder whose
/// files come from different steps is reported instead of resumed.
/// </summary>
internal static class CheckpointStore
{
    public const string WeightsFile = "checkpoint.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string StateFile = "checkpoint.json";
    private const string StateTensor = "optimizer.state";
    private const string StepKey = "step";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public static void Save(string folder, INetwork network, ITrainingAccess access, CheckpointState state)
    {
        Directory.CreateDirectory(folder);
        string step = state.Step.ToString(CultureInfo.InvariantCulture);
        var tensors = new List<NamedTensor>();
        foreach (var tensor in network.ParameterTable)
        {
            var values = new float[tensor.Length];
            network.CopyParameter(tensor.Name, values);
            tensors.Add(new NamedTensor(tensor.Name, tensor.ShapeArray(), values));
        }
        Safetensors.Write(Path.Combine(folder, WeightsFile), tensors,
            new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "NetGen", [StepKey] = step });

        var optimizerState = access.OptimizerState;
        string? optimizerFile = null;
        if (optimizerState.Length > 0)
        {
            optimizerFile = OptimizerFile;
            Safetensors.Write(Path.Combine(folder, OptimizerFile),
                new[] { new NamedTensor(StateTensor, new[] { optimizerState.Length }, optimizerState.ToArray()) },
                new Dictionary<string, string> { ["optimizer"] = state.Optimizer, [StepKey] = step });
        }
        AtomicFile.WriteAllText(Path.Combine(folder, StateFile),
            JsonSerializer.Serialize(state with
            {
                Weights = WeightsFile,
                OptimizerState = optimizerFile,
                RandomState = access.RandomState.IsEmpty ? null : Convert.ToBase64String(access.RandomState),
            }, Json));
    }

    /// <summary>Reads checkpoint.json of <paramref name="folder"/>.</summary>
    /// <exception cref="CliException">The folder or file is missing, or the JSON is not a checkpoint.</exception>
    public static CheckpointState Read(string folder)
    {
        string full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) throw new CliException($"{full}: error: checkpoint folder not found", ExitCodes.NotFound);
        string path = Path.Combine(full, StateFile);
        if (!File.Exists(path)) throw new CliException($"{path}: error: file not found (is {full} a folder that `netgen train --out` wrote?)", ExitCodes.NotFound);
        CheckpointState? state;
        try
        {
            state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new CliException($"{path}: error: not a valid checkpoint: {e.Message}");
        }
        if (state is null || state.Version != CheckpointState.CurrentVersion || state.Network.Length == 0 || state.Batch <= 0 || state.Metrics is null)
            throw new CliException($"{path}: error: not a valid checkpoint (version {CheckpointState.CurrentVersion} with network, batch and metrics expected)");
        return state;
    }

    /// <summary>Loads the weights, the optimizer state and the step count into a training instance.</summary>
    public static void Restore(string folder, CheckpointState state, INetwork network, ITrainingAccess access)
    {
        string weights = Path.Combine(Path.GetFullPath(folder), state.Weights);
        LoadWeights(network, weights);
        CheckStep(weights, state.Step);
        var destination = access.OptimizerState;
        if (destination.Length > 0)
        {
            string path = Path.Combine(Path.GetFullPath(folder), state.OptimizerState ?? OptimizerFile);
            if (!File.Exists(path)) throw new CliException($"{path}: error: file not found: the checkpoint has no {state.Optimizer} optimizer state");
            try
            {
                var loaded = Safetensors.Load(path, new Dictionary<string, int[]> { [StateTensor] = new[] { destination.Length } });
                CheckStep(path, state.Step);
                NonFiniteWeightException.ThrowIfAny(path, StateTensor, loaded[StateTensor]);
                loaded[StateTensor].CopyTo(destination);
            }
            catch (NonFiniteWeightException e)
            {
                throw NonFinite(path, e);
            }
            catch (WeightFileException e)
            {
                throw new CliException($"{path}: error: {e.Message}");
            }
        }
        access.Steps = state.Step;
        RestoreRandom(folder, state, access);
    }

    private static void RestoreRandom(string folder, CheckpointState state, ITrainingAccess access)
    {
        var random = access.RandomState;
        if (random.IsEmpty) return;
        byte[]? saved = null;
        try
        {
            if (state.RandomState is not null) saved = Convert.FromBase64String(state.RandomState);
        }
        catch (FormatException)
        {
        }
        if (saved is null || saved.Length != random.Length)
            throw new CliException($"{Path.Combine(Path.GetFullPath(folder), StateFile)}: error: randomState must hold the dropout generator's {random.Length} bytes (base64)");
        saved.CopyTo(random);
    }

    /// <summary>Loads a safetensors weight file into a network; mismatches and corrupt files become <see cref="CliException"/>s.</summary>
    public static void LoadWeights(INetwork network, string path)
    {
        if (!File.Exists(path)) throw new CliException($"{path}: error: file not found", ExitCodes.NotFound);
        try
        {
            network.Load(path);
        }
        catch (NonFiniteWeightException e)
        {
            throw NonFinite(path, e);
        }
        catch (WeightFileException e)
        {
            throw new CliException($"{path}: error: {e.Message}");
        }
    }

    /// <summary>"path: error: tensor 'conv1.weight' has NaN at index 3": a diverged run's values, which a network cannot run on.</summary>
    private static CliException NonFinite(string path, NonFiniteWeightException e) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{path}: error: tensor '{e.TensorName}' has {e.Value} at index {e.Index}") +
            (e.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" ({e.Count} non-finite values in the tensor)") : ""));

    /// <summary>The weights a --checkpoint argument names: a checkpoint folder, or a .safetensors file.</summary>
    public static string WeightsPath(string checkpoint) =>
        Directory.Exists(checkpoint) ? Path.Combine(Path.GetFullPath(checkpoint), WeightsFile) : Path.GetFullPath(checkpoint);

    private static void CheckStep(string path, long step)
    {
        using var file = SafetensorsFile.Open(path);
        if (!file.Metadata.TryGetValue(StepKey, out var text) || text != step.ToString(CultureInfo.InvariantCulture))
            throw new CliException($"{path}: error: the file is from step {text ?? "(unknown)"}, but {StateFile} is at step {step}: the checkpoint is incomplete");
    }
}
