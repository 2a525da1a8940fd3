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
/// A checkpoint folder: weights-STEP.safetensors (the weights, loadable by any NetGen network's
/// Load or by PyTorch), optimizer-STEP.safetensors (the optimizer state block as one tensor) and
/// checkpoint.json (<see cref="CheckpointState"/>), which names the two files. A save writes the
/// new step's files under their own names, flushed to disk, then replaces checkpoint.json
/// atomically, then deletes the files of older steps: a kill at any point leaves a manifest
/// naming complete files of its own step. The weights and state carry the step count in their
/// metadata, so a folder whose files come from different steps is reported instead of used.
/// Folders from before step-named files (checkpoint.safetensors, optimizer.safetensors) still load.
/// </summary>
internal static class CheckpointStore
{
    /// <summary>The weight file of folders written before the file names carried the step.</summary>
    public const string WeightsFile = "checkpoint.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string StateFile = "checkpoint.json";
    private const string WeightsPrefix = "weights-";
    private const string OptimizerPrefix = "optimizer-";
    private const string Extension = ".safetensors";
    private const string StateTensor = "optimizer.state";
    private const string StepKey = "step";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <summary>The weight file name of a step: weights-000228.safetensors.</summary>
    public static string WeightsName(long step) => WeightsPrefix + StepText(step, 6) + Extension;

    public static string OptimizerName(long step) => OptimizerPrefix + StepText(step, 6) + Extension;

    private static string StepText(long step, int digits) => step.ToString("D" + digits, CultureInfo.InvariantCulture);

    /// <exception cref="CliException">The folder cannot be written; the previous checkpoint, if any, is unchanged.</exception>
    public static void Save(string folder, INetwork network, ITrainingAccess access, CheckpointState state)
    {
        folder = Path.GetFullPath(folder);
        string step = state.Step.ToString(CultureInfo.InvariantCulture);
        var tensors = new List<NamedTensor>();
        foreach (var tensor in network.ParameterTable)
        {
            var values = new float[tensor.Length];
            network.CopyParameter(tensor.Name, values);
            tensors.Add(new NamedTensor(tensor.Name, tensor.ShapeArray(), values));
        }
        float[] optimizerState = access.OptimizerState.ToArray();
        string weightsFile = WeightsName(state.Step);
        string? optimizerFile = optimizerState.Length > 0 ? OptimizerName(state.Step) : null;
        string manifest = JsonSerializer.Serialize(state with
        {
            Weights = weightsFile,
            OptimizerState = optimizerFile,
            RandomState = access.RandomState.IsEmpty ? null : Convert.ToBase64String(access.RandomState),
        }, Json);

        var created = new List<string>();
        try
        {
            Directory.CreateDirectory(folder);
            // Same step, same weights: rewriting a file the current manifest names (a save at
            // the end of an epoch after one at its last batch) swaps it atomically for equal bytes.
            Write(Path.Combine(folder, weightsFile), created, path => Safetensors.Write(path, tensors,
                new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "NetGen", [StepKey] = step }));
            if (optimizerFile is not null)
                Write(Path.Combine(folder, optimizerFile), created, path => Safetensors.Write(path,
                    new[] { new NamedTensor(StateTensor, new[] { optimizerState.Length }, optimizerState) },
                    new Dictionary<string, string> { ["optimizer"] = state.Optimizer, [StepKey] = step }));
            AtomicFile.WriteAllText(Path.Combine(folder, StateFile), manifest);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            foreach (string path in created) DeleteQuietly(path);
            throw new CliException($"{folder}: error: cannot write the checkpoint: {Reason(e, folder)}; nothing was changed");
        }
        DeleteOlderFiles(folder, weightsFile, optimizerFile);
    }

    private static void Write(string path, List<string> created, Action<string> write)
    {
        if (!File.Exists(path)) created.Add(path);
        write(path);
    }

    /// <summary>After the manifest names the new files: the weight and optimizer files of other steps, and temporary files a killed save left.</summary>
    private static void DeleteOlderFiles(string folder, string weightsFile, string? optimizerFile)
    {
        string[] files;
        try
        {
            files = Directory.GetFiles(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (string path in files)
        {
            string name = Path.GetFileName(path);
            if (name == weightsFile || name == optimizerFile) continue;
            bool stepFile = name.EndsWith(Extension, StringComparison.Ordinal)
                && (name.StartsWith(WeightsPrefix, StringComparison.Ordinal) || name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)
                    || name == WeightsFile || name == OptimizerFile);
            bool temporary = name.EndsWith(".tmp", StringComparison.Ordinal)
                && (name == StateFile + ".tmp" || name.StartsWith("." + WeightsPrefix, StringComparison.Ordinal)
                    || name.StartsWith("." + OptimizerPrefix, StringComparison.Ordinal)
                    || name.StartsWith("." + WeightsFile, StringComparison.Ordinal) || name.StartsWith("." + OptimizerFile, StringComparison.Ordinal));
            if (stepFile || temporary) DeleteQuietly(path);
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next save to delete.
        }
    }

    /// <summary>Why a save failed, in the folder's terms: no temporary file names.</summary>
    private static string Reason(Exception e, string folder)
    {
        for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(dir.FullName)) return $"{dir.FullName} is a file, not a folder";
            if (Directory.Exists(dir.FullName)) break;
        }
        if (e is UnauthorizedAccessException) return "permission denied";
        if (e is DirectoryNotFoundException) return "the folder does not exist";
        if ((e.HResult & 0xFFFF) is 28 or 39 or 112) return "the disk is full";
        // Other I/O errors: the system's words, with the temporary file's path replaced by the folder.
        return System.Text.RegularExpressions.Regex.Replace(e.Message.TrimEnd('.'), @"'?[^'\s]*\.tmp'?", "'" + folder + "'");
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
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            state = null;
        }
        if (state is null || state.Version != CheckpointState.CurrentVersion || string.IsNullOrEmpty(state.Network) || state.Batch <= 0 || state.Metrics is null
            || !IsFileName(state.Weights) || (state.OptimizerState is not null && !IsFileName(state.OptimizerState)))
            throw new CliException($"{path}: error: not a valid checkpoint (expected the checkpoint.json that `netgen train` writes: " +
                $"version {CheckpointState.CurrentVersion}, with network, batch, step, metrics and the names of the weight files)");
        return state;
    }

    /// <summary>A plain file name inside the checkpoint folder (no folders, no path out of it).</summary>
    private static bool IsFileName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name == Path.GetFileName(name) && name is not "." and not ".." && name.IndexOfAny(['/', '\\']) < 0;

    /// <summary>Loads the weight file the manifest names into <paramref name="network"/>, and checks it is from the manifest's step.</summary>
    public static void LoadCheckpointWeights(INetwork network, string folder, CheckpointState state)
    {
        string weights = Path.Combine(Path.GetFullPath(folder), state.Weights);
        LoadWeights(network, weights);
        CheckStep(weights, state.Step);
    }

    /// <summary>Loads the weights, the optimizer state and the step count into a training instance.</summary>
    public static void Restore(string folder, CheckpointState state, INetwork network, ITrainingAccess access)
    {
        LoadCheckpointWeights(network, folder, state);
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

    private static void CheckStep(string path, long step)
    {
        IReadOnlyDictionary<string, string> metadata;
        try
        {
            using var file = SafetensorsFile.Open(path);
            metadata = file.Metadata;
        }
        catch (WeightFileException e)
        {
            throw new CliException($"{path}: error: {e.Message}");
        }
        if (!metadata.TryGetValue(StepKey, out var text) || text != step.ToString(CultureInfo.InvariantCulture))
            throw new CliException($"{path}: error: the file is from step {text ?? "(unknown)"}, but {StateFile} is at step {step}: the checkpoint is incomplete");
    }
}
