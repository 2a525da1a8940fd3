using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using NetGen.Execution;
using NetGen.IO;
using NetGen.Weights;

namespace NetGen.Training;

/// <summary>
/// A checkpoint folder: weights-STEP.safetensors (the weights, loadable by any NetGen network's
/// Load or by PyTorch), optimizer-STEP.safetensors (the optimizer state block as one tensor) and
/// checkpoint.json (<see cref="TrainingCheckpoint"/>), which names the two files. A save writes the
/// new step's files under names the current checkpoint.json does not use, flushed to disk, then
/// flushes the folder and replaces checkpoint.json in one atomic rename (the switch), flushes the
/// folder again, and only then deletes the older step's files and whatever a killed save left: a
/// kill (or a power cut) at any point leaves a manifest naming complete files of its own step. The weights and state carry the step count in their
/// metadata, so a folder whose files come from different steps is reported instead of used.
/// Folders from before step-named files (checkpoint.safetensors, optimizer.safetensors) still load.
/// </summary>
public static partial class CheckpointStore
{
    /// <summary>The weight file of folders written before the file names carried the step.</summary>
    public const string WeightsFile = "checkpoint.safetensors";

    /// <summary>The optimizer file of folders written before the file names carried the step.</summary>
    public const string OptimizerFile = "optimizer.safetensors";

    /// <summary>The manifest, <see cref="TrainingCheckpoint"/> as JSON.</summary>
    public const string StateFile = "checkpoint.json";

    /// <summary>The subfolder of a run's folder that holds its best epoch's checkpoint (same layout).</summary>
    public const string BestFolder = "best";
    private const string WeightsPrefix = "weights-";
    private const string OptimizerPrefix = "optimizer-";
    private const string Extension = ".safetensors";
    private const string StateTensor = "optimizer.state";
    private const string StepKey = "step";

    /// <summary>The names <see cref="NewName"/> gives: weights-000228.safetensors, or weights-000228.1.safetensors.</summary>
    [GeneratedRegex(@"^(weights|optimizer)-[0-9]{6,}(\.[0-9]+)?\.safetensors$")]
    private static partial Regex StepFileName();

    /// <summary>
    /// A step's file name, PREFIX-000228.safetensors, unless the checkpoint.json on disk names it
    /// (a save at the same step: the end of an epoch after a Ctrl-C at its last batch, or a new run
    /// into an old run's folder); then a numbered variant, so no save rewrites a file in use.
    /// </summary>
    private static string NewName(string prefix, long step, string[] inUse)
    {
        string stem = prefix + step.ToString("D6", CultureInfo.InvariantCulture);
        string name = stem + Extension;
        for (int n = 1; Array.IndexOf(inUse, name) >= 0; n++) name = string.Create(CultureInfo.InvariantCulture, $"{stem}.{n}{Extension}");
        return name;
    }

    /// <summary>Saves <paramref name="network"/>'s weights, optimizer and random state with the manifest <paramref name="state"/> (whose file names it sets) into <paramref name="folder"/>, crash-safe.</summary>
    /// <exception cref="CheckpointException">The folder cannot be written; the previous checkpoint, if any, is unchanged.</exception>
    public static void Save(string folder, ITrainableNetwork network, TrainingCheckpoint state)
    {
        folder = Path.GetFullPath(folder);
        string step = state.Step.ToString(CultureInfo.InvariantCulture);
        var optimizerState = new float[network.OptimizerStateLength];
        network.CopyOptimizerState(optimizerState);
        var randomState = new byte[network.RandomStateLength];
        network.CopyRandomState(randomState);
        string manifestPath = Path.Combine(folder, StateFile);
        string[] inUse = File.Exists(manifestPath) ? CheckpointJson.NamedFiles(manifestPath) : [];
        string weightsFile = NewName(WeightsPrefix, state.Step, inUse);
        string? optimizerFile = optimizerState.Length > 0 ? NewName(OptimizerPrefix, state.Step, inUse) : null;
        byte[] manifest = Encoding.UTF8.GetBytes(CheckpointJson.Serialize(state with
        {
            Weights = weightsFile,
            OptimizerState = optimizerFile,
            RandomState = randomState.Length == 0 ? null : Convert.ToBase64String(randomState),
        }));

        var created = new List<string>();
        try
        {
            Directory.CreateDirectory(folder);
            Write(Path.Combine(folder, weightsFile), created, path => NetworkWeights.Save(network, path,
                new Dictionary<string, string> { [StepKey] = step }));
            if (optimizerFile is not null)
                Write(Path.Combine(folder, optimizerFile), created, path => Safetensors.Write(path,
                    new[] { new NamedTensor(StateTensor, new[] { optimizerState.Length }, optimizerState) },
                    new Dictionary<string, string> { ["optimizer"] = state.Optimizer, [StepKey] = step }));
            // The new files' names reach the disk before a manifest that names them; the switch
            // (DurableFile flushes the folder after its rename) before the old files go.
            DurableFile.SyncDirectory(folder);
            DurableFile.Replace(manifestPath, stream => stream.Write(manifest));
        }
        catch (Exception e) when (FileSystemErrors.IsFileSystemError(e))
        {
            foreach (string path in created) DeleteQuietly(path);
            throw new CheckpointException($"{folder}: error: cannot write the checkpoint: {FileSystemErrors.Describe(e)}; nothing was changed");
        }
        DeleteOlderFiles(folder, weightsFile, optimizerFile);
    }

    private static void Write(string path, List<string> created, Action<string> write)
    {
        write(path);
        created.Add(path);
    }

    /// <summary>After the manifest names the new files: the weight and optimizer files of other steps, and temporary files a killed save left.</summary>
    private static void DeleteOlderFiles(string folder, string weightsFile, string? optimizerFile)
    {
        string[] files;
        try
        {
            files = Directory.GetFiles(folder);
        }
        catch (Exception e) when (FileSystemErrors.IsFileSystemError(e))
        {
            return;
        }
        foreach (string path in files)
        {
            string name = Path.GetFileName(path);
            if (name == weightsFile || name == optimizerFile) continue;
            // The temporary file names of netgen before DurableFile: NAME.tmp.
            bool temporary = DurableFile.IsTemporary(name) || name is StateFile + ".tmp" or WeightsFile + ".tmp" or OptimizerFile + ".tmp";
            if (StepFileName().IsMatch(name) || name is WeightsFile or OptimizerFile || temporary) DeleteQuietly(path);
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (FileSystemErrors.IsFileSystemError(e))
        {
            // Left for the next save to delete; nothing reads it.
        }
    }

    /// <summary>Reads checkpoint.json of <paramref name="folder"/>.</summary>
    /// <exception cref="CheckpointException">The folder or file is missing, or the JSON is not a checkpoint.</exception>
    public static TrainingCheckpoint Read(string folder)
    {
        string full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) throw new CheckpointException($"{full}: error: checkpoint folder not found", notFound: true);
        string path = Path.Combine(full, StateFile);
        if (!File.Exists(path))
            throw new CheckpointException($"{path}: error: file not found: {full} holds no checkpoint (a run stopped before its first save finished leaves none; is it a folder that `netgen train --out` wrote?)", notFound: true);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (FileSystemErrors.IsFileSystemError(e))
        {
            throw new CheckpointException($"{path}: error: cannot read the checkpoint: {FileSystemErrors.Describe(e)}");
        }
        return CheckpointJson.Parse(path, bytes);
    }

    /// <summary>Loads the weight file the manifest names into <paramref name="network"/>, and checks it is from the manifest's step.</summary>
    public static void LoadCheckpointWeights(INetwork network, string folder, TrainingCheckpoint state)
    {
        string weights = Path.Combine(Path.GetFullPath(folder), state.Weights);
        LoadWeights(network, weights);
        CheckStep(weights, state.Step);
    }

    /// <summary>
    /// Loads the weights, then restores the optimizer state, the step count and the dropout stream through
    /// <see cref="ITrainableNetwork.RestoreState"/>, so the run continues exactly where the checkpoint was taken.
    /// </summary>
    public static void Restore(string folder, TrainingCheckpoint state, ITrainableNetwork network)
    {
        LoadCheckpointWeights(network, folder, state);
        var optimizerState = new float[network.OptimizerStateLength];
        if (optimizerState.Length > 0)
        {
            string path = Path.Combine(Path.GetFullPath(folder), state.OptimizerState ?? OptimizerFile);
            if (!File.Exists(path)) throw new CheckpointException($"{path}: error: file not found: the checkpoint has no {state.Optimizer} optimizer state");
            try
            {
                var loaded = Safetensors.Load(path, new Dictionary<string, int[]> { [StateTensor] = new[] { optimizerState.Length } });
                CheckStep(path, state.Step);
                NonFiniteWeightException.ThrowIfAny(path, StateTensor, loaded[StateTensor]);
                loaded[StateTensor].CopyTo(optimizerState, 0);
            }
            catch (NonFiniteWeightException e)
            {
                throw NonFinite(path, e);
            }
            catch (WeightFileException e)
            {
                throw new CheckpointException($"{path}: error: {e.Reason}");
            }
        }
        byte[] random = SavedRandom(folder, state, network.RandomStateLength);
        try
        {
            network.RestoreState(state.Step, optimizerState, random);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException($"{Path.Combine(Path.GetFullPath(folder), StateFile)}: error: not a valid checkpoint: {e.Message}");
        }
    }

    /// <summary>The dropout generator's saved bytes (none when the network has no dropout).</summary>
    private static byte[] SavedRandom(string folder, TrainingCheckpoint state, int length)
    {
        if (length == 0) return [];
        byte[]? saved = null;
        try
        {
            if (state.RandomState is not null) saved = Convert.FromBase64String(state.RandomState);
        }
        catch (FormatException)
        {
        }
        if (saved is null || saved.Length != length)
            throw new CheckpointException($"{Path.Combine(Path.GetFullPath(folder), StateFile)}: error: not a valid checkpoint: \"randomState\" must hold the dropout generator's {length} bytes (base64)");
        return saved;
    }

    /// <summary>Loads a safetensors weight file into a network; mismatches and corrupt files become <see cref="CheckpointException"/>s.</summary>
    public static void LoadWeights(INetwork network, string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"{path}: error: file not found", notFound: true);
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
            throw new CheckpointException($"{path}: error: {e.Reason}");
        }
    }

    /// <summary>"path: error: tensor 'conv1.weight' has NaN at index 3": a diverged run's values, which a network cannot run on.</summary>
    private static CheckpointException NonFinite(string path, NonFiniteWeightException e) =>
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
            throw new CheckpointException($"{path}: error: {e.Reason}");
        }
        if (!metadata.TryGetValue(StepKey, out var text) || text != step.ToString(CultureInfo.InvariantCulture))
            throw new CheckpointException($"{path}: error: the file is from step {text ?? "(unknown)"}, but {StateFile} is at step {step}: the checkpoint is incomplete");
    }
}
