using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using NetGen.Execution;
using NetGen.Generator.Model;

namespace NetGen.Cli.Compilation;

/// <summary>
/// A network compiled at run time and loaded in its own collectible context: the facts the
/// commands need from its analysis, and instances of its generated class. Dispose unloads
/// the assembly once no instance is in use.
/// </summary>
internal sealed class CompiledNetwork : IDisposable
{
    private readonly AssemblyLoadContext _context;
    private readonly Type _type;

    private CompiledNetwork(AssemblyLoadContext context, Type type, NetworkAnalysis analysis, bool trainable, OptimizerKind declared)
    {
        DeclaredOptimizer = declared;
        _context = context;
        _type = type;
        Analysis = analysis;
        CanTrain = trainable;
        EndsInSoftmax = new Generator.Emit.Execution.ExecutionLayout(analysis).EndsInSoftmax;
    }

    /// <summary>The analysis, with source locations (for messages that point into the file).</summary>
    public NetworkAnalysis Analysis { get; }

    public string Name => Analysis.Network.Name;

    /// <summary>One sample's shape, (C, H, W) or (F).</summary>
    public Shape InputShape => Analysis.Network.InputShape;

    /// <summary>Scores per sample: the number of classes the network tells apart.</summary>
    public int Classes => Analysis.OutputShape.C;

    /// <summary>The optimizer the generated TrainStep runs.</summary>
    public OptimizerKind Optimizer => Analysis.Network.Optimizer;

    /// <summary>The optimizer the file declares (<see cref="Optimizer"/> differs when the command line chose another).</summary>
    public OptimizerKind DeclaredOptimizer { get; }

    /// <summary>The training batch the generated code was compiled for.</summary>
    public int Batch => Analysis.Network.Batch;

    /// <summary>Whether the generated class implements <see cref="ITrainableNetwork"/>.</summary>
    public bool CanTrain { get; }

    /// <summary>True when Predict returns probabilities; false when it returns logits.</summary>
    public bool EndsInSoftmax { get; }

    public static CompiledNetwork Load(Stream image, NetworkAnalysis located, NetworkAnalysis emitted, bool trainable, OptimizerKind declared)
    {
        var context = new AssemblyLoadContext("netgen " + located.Network.Name, isCollectible: true);
        Assembly assembly = context.LoadFromStream(image);
        string fullName = emitted.Network.Target.FullName;
        // Nested classes are "Outer+Inner" in metadata.
        var type = assembly.GetTypes().FirstOrDefault(t => t.FullName?.Replace('+', '.') == fullName && typeof(INetwork).IsAssignableFrom(t))
            ?? throw new CliException($"error: the compiled assembly has no runnable class {fullName}");
        if (type.IsGenericTypeDefinition)
            throw new CliException($"error: {fullName} is generic; the CLI can only run a network class without type parameters");
        return new CompiledNetwork(context, type, located, trainable, declared);
    }

    /// <summary>A new instance: weights initialised from <paramref name="seed"/>, memory for <paramref name="mode"/>.</summary>
    public INetwork Create(ulong seed, ExecutionMode mode)
    {
        try
        {
            return (INetwork)Activator.CreateInstance(_type, seed, mode)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is OutOfMemoryException or InvalidOperationException)
        {
            throw new CliException($"error: could not create network '{Name}': {e.InnerException.Message}");
        }
    }

    /// <summary>A training instance (its checkpoint state is public: <see cref="ITrainableNetwork.RestoreState"/>).</summary>
    public ITrainableNetwork CreateTrainable(ulong seed)
    {
        if (!CanTrain)
            throw new CliException($"error: network '{Name}' cannot train: its output {Analysis.OutputShape} is not a vector of class scores (see NG0302)");
        var network = Create(seed, ExecutionMode.Training);
        return (ITrainableNetwork)network;
    }

    public void Dispose() => _context.Unload();
}
