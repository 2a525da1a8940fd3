using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using NetGen.Execution;
using NetGen.Generator.Model;

namespace NetGen.Cli.Compilation;

/// <summary>
/// What the commands need to know of a compiled network without its analysis, kept with the
/// assembly in the compile cache (so a cached run needs no Roslyn).
/// </summary>
/// <param name="TypeName">The generated class's full name (C# spelling: "Outer.Inner").</param>
/// <param name="Warnings">The generator's warnings, compiler-style, printed again on every run.</param>
internal sealed record CompiledFacts(
    string Name, string TypeName, Shape InputShape, Shape OutputShape, long TotalParams, int Batch,
    OptimizerKind Optimizer, OptimizerKind DeclaredOptimizer, bool CanTrain, bool EndsInSoftmax, string[] Warnings)
{
    // Binary rather than JSON: a cached run then needs no serializer (whose reflection costs a
    // tenth of a second to start on the path that must take well under a second).
    private const int FormatVersion = 1;

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(FormatVersion);
            w.Write(Name);
            w.Write(TypeName);
            foreach (var shape in new[] { InputShape, OutputShape })
            {
                w.Write(shape.Rank);
                w.Write(shape.C);
                w.Write(shape.H);
                w.Write(shape.W);
            }
            w.Write(TotalParams);
            w.Write(Batch);
            w.Write((int)Optimizer);
            w.Write((int)DeclaredOptimizer);
            w.Write(CanTrain);
            w.Write(EndsInSoftmax);
            w.Write(Warnings.Length);
            foreach (var line in Warnings) w.Write(line);
        }
        return stream.ToArray();
    }

    /// <summary>The facts <see cref="ToBytes"/> wrote; null when the bytes are not such facts.</summary>
    public static CompiledFacts? FromBytes(byte[] bytes)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, writable: false), System.Text.Encoding.UTF8);
            if (r.ReadInt32() != FormatVersion) return null;
            string name = r.ReadString(), type = r.ReadString();
            var input = new Shape(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
            var output = new Shape(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
            long parameters = r.ReadInt64();
            int batch = r.ReadInt32();
            var optimizer = (OptimizerKind)r.ReadInt32();
            var declared = (OptimizerKind)r.ReadInt32();
            bool canTrain = r.ReadBoolean(), softmax = r.ReadBoolean();
            int count = r.ReadInt32();
            if (count < 0 || count > bytes.Length) return null;
            var warnings = new string[count];
            for (int i = 0; i < count; i++) warnings[i] = r.ReadString();
            if (r.BaseStream.Position != bytes.Length || name.Length == 0 || type.Length == 0) return null;
            return new CompiledFacts(name, type, input, output, parameters, batch, optimizer, declared, canTrain, softmax, warnings);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// A network compiled at run time and loaded in its own collectible context: the facts the
/// commands need from its analysis, and instances of its generated class. Dispose unloads
/// the assembly once no instance is in use.
/// </summary>
internal sealed class CompiledNetwork : IDisposable
{
    private readonly AssemblyLoadContext _context;
    private readonly Type _type;
    private readonly Lazy<NetworkAnalysis> _analysis;

    private CompiledNetwork(AssemblyLoadContext context, Type type, CompiledFacts facts, Lazy<NetworkAnalysis> analysis, bool fromCache)
    {
        _context = context;
        _type = type;
        _analysis = analysis;
        Facts = facts;
        FromCache = fromCache;
    }

    public CompiledFacts Facts { get; }

    /// <summary>True when the assembly came from the compile cache (no Roslyn ran).</summary>
    public bool FromCache { get; }

    /// <summary>
    /// The analysis, with source locations (for messages that point into the file). From the
    /// cache, the first use runs the front end and the analysis again (not Roslyn's emit).
    /// </summary>
    public NetworkAnalysis Analysis => _analysis.Value;

    public string Name => Facts.Name;

    /// <summary>One sample's shape, (C, H, W) or (F).</summary>
    public Shape InputShape => Facts.InputShape;

    /// <summary>The network's output per sample.</summary>
    public Shape OutputShape => Facts.OutputShape;

    /// <summary>Parameters, trainable and not.</summary>
    public long TotalParams => Facts.TotalParams;

    /// <summary>Scores per sample: the number of classes the network tells apart.</summary>
    public int Classes => Facts.OutputShape.C;

    /// <summary>The optimizer the generated TrainStep runs.</summary>
    public OptimizerKind Optimizer => Facts.Optimizer;

    /// <summary>The optimizer the file declares (<see cref="Optimizer"/> differs when the command line chose another).</summary>
    public OptimizerKind DeclaredOptimizer => Facts.DeclaredOptimizer;

    /// <summary>The training batch the generated code was compiled for.</summary>
    public int Batch => Facts.Batch;

    /// <summary>Whether the generated class implements <see cref="ITrainableNetwork"/>.</summary>
    public bool CanTrain => Facts.CanTrain;

    /// <summary>True when Predict returns probabilities; false when it returns logits.</summary>
    public bool EndsInSoftmax => Facts.EndsInSoftmax;

    /// <summary>The facts of a network compiled from <paramref name="located"/> (with locations) and <paramref name="emitted"/> (what the emitter wrote).</summary>
    public static CompiledFacts FactsOf(NetworkAnalysis located, NetworkAnalysis emitted, OptimizerKind declared, string[] warnings) =>
        new(located.Network.Name, emitted.Network.Target.FullName, located.Network.InputShape, located.OutputShape, located.TotalParams,
            located.Network.Batch, located.Network.Optimizer, declared, new Generator.Emit.Execution.ExecutionLayout(emitted).CanTrain,
            new Generator.Emit.Execution.ExecutionLayout(located).EndsInSoftmax, warnings);

    /// <summary>
    /// Loads <paramref name="image"/> in a collectible context and finds the network class.
    /// </summary>
    /// <exception cref="BadImageFormatException">The image is not an assembly (a cached one that went bad).</exception>
    /// <exception cref="CliException">The assembly has no runnable class of that name.</exception>
    public static CompiledNetwork Load(Stream image, CompiledFacts facts, Lazy<NetworkAnalysis> analysis, bool fromCache)
    {
        var context = new AssemblyLoadContext("netgen " + facts.Name, isCollectible: true);
        try
        {
            Assembly assembly = context.LoadFromStream(image);
            string fullName = facts.TypeName;
            // Nested classes are "Outer+Inner" in metadata.
            var type = assembly.GetTypes().FirstOrDefault(t => t.FullName?.Replace('+', '.') == fullName && typeof(INetwork).IsAssignableFrom(t))
                ?? throw new CliException($"error: the compiled assembly has no runnable class {fullName}");
            if (type.IsGenericTypeDefinition)
                throw new CliException($"error: {fullName} is generic; the CLI can only run a network class without type parameters");
            return new CompiledNetwork(context, type, facts, analysis, fromCache);
        }
        catch
        {
            context.Unload();
            throw;
        }
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
        CheckCanTrain();
        var network = Create(seed, ExecutionMode.Training);
        return (ITrainableNetwork)network;
    }

    /// <summary>Throws the CLI's error when the network cannot train (its output is not class scores).</summary>
    public void CheckCanTrain()
    {
        if (!CanTrain)
            throw new CliException($"error: network '{Name}' cannot train: its output {OutputShape} is not a vector of class scores (see NG0302)");
    }

    /// <summary>The generated class (its nested classes are the other backends' networks).</summary>
    public Type ClassType => _type;

    public void Dispose() => _context.Unload();
}
