using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace NetGen.Generator.Diagnostics;

/// <summary>
/// The one catalogue of NetGen diagnostics. Ids: NG00xx spec (syntax, names, arguments),
/// NG01xx shape, NG02xx memory and size budgets. Each has a help page in docs/diagnostics/
/// and a line in AnalyzerReleases.Unshipped.md.
/// </summary>
public static class DiagnosticDescriptors
{
    public const string SpecCategory = "NetGen.Spec";
    public const string ShapeCategory = "NetGen.Shape";
    public const string MemoryCategory = "NetGen.Memory";
    public const string ExecutionCategory = "NetGen.Execution";

    // Relative to the repository root: the help pages ship with the source.
    private const string HelpRoot = "docs/diagnostics/";

    // An error after which NetGen generates no members for the class (a spec or shape error, a
    // class it cannot fill) cannot be lowered in .editorconfig: the build would go on and fail
    // at the first use of the missing members with CS errors that hide the cause. Budgets,
    // warnings and information are configurable: the class is generated either way.
    private static readonly string[] NotConfigurable = { WellKnownDiagnosticTags.NotConfigurable };

    private static DiagnosticDescriptor Rule(string id, string title, string message, string category,
        DiagnosticSeverity severity = DiagnosticSeverity.Error, bool configurable = false) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, helpLinkUri: HelpRoot + id + ".md",
            customTags: configurable ? System.Array.Empty<string>() : NotConfigurable);

    /// <summary>Whether <c>dotnet_diagnostic.ID.severity</c> (and NoWarn, WarningsAsErrors) can change the diagnostic.</summary>
    public static bool IsConfigurable(DiagnosticDescriptor descriptor)
    {
        foreach (var tag in descriptor.CustomTags)
            if (tag == WellKnownDiagnosticTags.NotConfigurable) return false;
        return true;
    }

    // ---- Properties a code fix reads (src/NetGen.CodeFixes) ------------------------------------

    /// <summary>NG0104: the features a flatten would hand the dense layer.</summary>
    public const string FlattenFeaturesProperty = "FlattenFeatures";

    /// <summary>NG0101: the convolution whose padding, set to <see cref="PaddingValueProperty"/>, makes the shapes meet.</summary>
    public const string PaddingNodeProperty = "PaddingNode";

    /// <summary>NG0101: the padding to set (<c>same</c>).</summary>
    public const string PaddingValueProperty = "Padding";

    /// <summary>NG0101: where that convolution is declared: character offset and length in <see cref="PaddingFileProperty"/>.</summary>
    public const string PaddingStartProperty = "PaddingStart";

    public const string PaddingLengthProperty = "PaddingLength";

    public const string PaddingFileProperty = "PaddingFile";

    // ---- Spec: syntax, names, arguments --------------------------------------------------

    /// <summary>{0}: what was expected; {1}: what was found.</summary>
    public static readonly DiagnosticDescriptor SyntaxError = Rule("NG0001", ".cnn syntax error",
        "Syntax error: expected {0} but found {1}", SpecCategory);

    /// <summary>{0}: the unknown layer name; {1}: the closest known layer kinds.</summary>
    public static readonly DiagnosticDescriptor UnknownLayer = Rule("NG0002", "Unknown layer",
        "Unknown layer '{0}'{1}", SpecCategory);

    /// <summary>{0}: argument; {1}: layer; {2}: the arguments that layer takes.</summary>
    public static readonly DiagnosticDescriptor UnknownArgument = Rule("NG0003", "Unknown argument",
        "Layer '{1}' has no argument '{0}'; it takes: {2}", SpecCategory);

    /// <summary>{0}: argument; {1}: layer or network; {2}: the value given; {3}: what is allowed.</summary>
    public static readonly DiagnosticDescriptor InvalidArgument = Rule("NG0004", "Invalid argument value",
        "Argument '{0}' of '{1}' is {2}; it must be {3}", SpecCategory);

    /// <summary>{0}: the name; {1}: the node that refers to it.</summary>
    public static readonly DiagnosticDescriptor UnknownNode = Rule("NG0005", "Unknown node",
        "'{1}' refers to '{0}', which is not a node of this network", SpecCategory);

    /// <summary>{0}: the name; {1}: where it was first declared (file(line,col)).</summary>
    public static readonly DiagnosticDescriptor DuplicateNode = Rule("NG0006", "Duplicate node name",
        "Node '{0}' is already declared at {1}", SpecCategory);

    /// <summary>{0}: the cycle as "a -> b -> a".</summary>
    public static readonly DiagnosticDescriptor Cycle = Rule("NG0007", "Cycle in network graph",
        "The network graph has a cycle: {0}", SpecCategory);

    /// <summary>{0}: the node; {1}: the network's output node.</summary>
    public static readonly DiagnosticDescriptor UnusedNode = Rule("NG0008", "Unused node",
        "Node '{0}' does not contribute to the output '{1}' and will not be computed", SpecCategory,
        DiagnosticSeverity.Warning, configurable: true);

    /// <summary>{0}: the network.</summary>
    public static readonly DiagnosticDescriptor MissingInput = Rule("NG0009", "Missing input shape",
        "Network '{0}' declares no input shape", SpecCategory);

    /// <summary>{0}: the file named; {1}: the class.</summary>
    public static readonly DiagnosticDescriptor CnnFileNotFound = Rule("NG0010", ".cnn file not found",
        "Class '{1}' binds to '{0}', which is not among the project's AdditionalFiles", SpecCategory);

    /// <summary>{0}: the class.</summary>
    public static readonly DiagnosticDescriptor NotPartial = Rule("NG0011", "Network class must be partial",
        "Class '{0}' is marked [Network] but is not partial, so NetGen cannot add its members", SpecCategory);

    /// <summary>{0}: block; {1}: what is wrong (missing or extra parameters).</summary>
    public static readonly DiagnosticDescriptor BlockArguments = Rule("NG0012", "Wrong block arguments",
        "Block '{0}': {1}", SpecCategory);

    /// <summary>{0}: the class.</summary>
    public static readonly DiagnosticDescriptor NoLayers = Rule("NG0013", "Network has no layers",
        "Network '{0}' has no layers", SpecCategory);

    /// <summary>{0}: the class; {1}: the path it names; {2}: what is wrong (no such network, several files or networks).</summary>
    public static readonly DiagnosticDescriptor CannotBind = Rule("NG0014", "Cannot bind .cnn network",
        "Class '{0}' cannot bind to '{1}': {2}", SpecCategory);

    /// <summary>{0}: the class; {1}: the base class it declares.</summary>
    public static readonly DiagnosticDescriptor DeclaresBaseClass = Rule("NG0016", "Network class declares a base class",
        "Class '{0}' derives from '{1}', but the generated part derives from NetGen.Execution.CompiledNetwork and a class has one base class; remove the base class (hold the other type in a field instead)", SpecCategory);

    /// <summary>{0}: the class's full name; {1}: where the other declaration is (file(line,col)).</summary>
    public static readonly DiagnosticDescriptor DuplicateClass = Rule("NG0015", "Network class declared twice",
        "Class '{0}' is generated by two network declarations (the other is at {1}); rename one network or give its file another namespace", SpecCategory);

    // ---- Shape ---------------------------------------------------------------------------

    /// <summary>{0}: op (add/multiply); {1}: node; {2}: first input name and shape; {3}: other input name and shape.</summary>
    public static readonly DiagnosticDescriptor ElementwiseShapeMismatch = Rule("NG0101", "Shape mismatch",
        "'{1}' ({0}) needs inputs of the same shape, but {2} and {3} differ", ShapeCategory);

    /// <summary>{0}: node; {1}: first input name and shape; {2}: other input name and shape.</summary>
    public static readonly DiagnosticDescriptor ConcatShapeMismatch = Rule("NG0102", "Concat spatial mismatch",
        "'{0}' (concat) joins channels, so inputs need the same height and width, but {1} and {2} differ", ShapeCategory);

    /// <summary>{0}: node; {1}: effective kernel HxW; {2}: (padded) input HxW; {3}: the input shape.</summary>
    public static readonly DiagnosticDescriptor KernelLargerThanInput = Rule("NG0103", "Kernel larger than input",
        "'{0}': kernel {1} is larger than its padded input {2} (input shape {3})", ShapeCategory);

    /// <summary>{0}: node; {1}: input shape; {2}: the fix.</summary>
    public static readonly DiagnosticDescriptor DenseOn4D = Rule("NG0104", "Dense on a 4-D tensor",
        "'{0}' (dense) receives a 4-D tensor {1}; {2}", ShapeCategory);

    /// <summary>{0}: node; {1}: the output shape computed; {2}: input shape.</summary>
    public static readonly DiagnosticDescriptor NonPositiveOutput = Rule("NG0105", "Non-positive output size",
        "'{0}' would produce output {1} from input {2}; every dimension must be positive", ShapeCategory);

    /// <summary>{0}: node; {1}: channels; {2}: groups; {3}: in or out.</summary>
    public static readonly DiagnosticDescriptor GroupsMismatch = Rule("NG0106", "Channels not divisible by groups",
        "'{0}': {3} channels {1} are not divisible by groups {2}", ShapeCategory);

    /// <summary>{0}: node; {1}: op; {2}: input shape.</summary>
    public static readonly DiagnosticDescriptor NeedsSpatialInput = Rule("NG0107", "Layer needs a (C, H, W) input",
        "'{0}' ({1}) needs a (C, H, W) input but receives {2}", ShapeCategory);

    /// <summary>{0}: node or network; {1}: what is too large, with its size; {2}: the limit.</summary>
    public static readonly DiagnosticDescriptor TensorTooLarge = Rule("NG0108", "Size too large",
        "'{0}': {1} exceeds the largest size NetGen supports ({2})", ShapeCategory);

    /// <summary>{0}: node; {1}: the window (or the node whose size it takes); {2}: the input's name and shape; {3}: why it does not fit.</summary>
    public static readonly DiagnosticDescriptor CropOutOfRange = Rule("NG0109", "Crop window outside its input",
        "'{0}' (crop) cannot take {1} from {2}: {3}", ShapeCategory);

    // ---- Memory and size budgets -----------------------------------------------------------

    /// <summary>{0}: network; {1}: figure; {2}: limit; {3}: three largest contributors.</summary>
    public static readonly DiagnosticDescriptor ParamsBudgetExceeded = Rule("NG0201", "Parameter budget exceeded",
        "Network '{0}' has {1} parameters, over its budget of {2}; largest: {3}", MemoryCategory,
        configurable: true);

    /// <summary>{0}: network; {1}: bytes; {2}: limit; {3}: largest contributors.</summary>
    public static readonly DiagnosticDescriptor InferenceBudgetExceeded = Rule("NG0202", "Inference memory budget exceeded",
        "Network '{0}' needs {1} for inference, over its budget of {2}; largest: {3}", MemoryCategory,
        configurable: true);

    /// <summary>{0}: network; {1}: bytes; {2}: batch; {3}: limit; {4}: largest contributors; {5}: largest batch that fits.</summary>
    public static readonly DiagnosticDescriptor TrainingBudgetExceeded = Rule("NG0203", "Training memory budget exceeded",
        "Network '{0}' needs {1} to train at batch {2}, over its budget of {3}; largest: {4}; {5}", MemoryCategory,
        configurable: true);

    // ---- Execution: what the generated code can run -----------------------------------------

    /// <summary>{0}: the first node of the kind; {1}: the layer kind; {2}: "" or " and N more {1} layers".</summary>
    public static readonly DiagnosticDescriptor LayerCannotRun = Rule("NG0301", "Layer cannot run on the CPU yet",
        "Layer '{0}' ({1}){2} cannot run on the CPU yet; the network's constants and summary are still generated, but no Predict or TrainStep",
        ExecutionCategory, DiagnosticSeverity.Warning, configurable: true);

    /// <summary>{0}: network; {1}: the members left out; {2}: why.</summary>
    public static readonly DiagnosticDescriptor ExecutionNotGenerated = Rule("NG0302", "Execution members not generated",
        "Network '{0}' gets no {1}: {2}", ExecutionCategory, DiagnosticSeverity.Info, configurable: true);

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = Build();

    private static Dictionary<string, DiagnosticDescriptor> Build()
    {
        var all = new[]
        {
            SyntaxError, UnknownLayer, UnknownArgument, InvalidArgument, UnknownNode, DuplicateNode, Cycle,
            UnusedNode, MissingInput, CnnFileNotFound, NotPartial, BlockArguments, NoLayers, CannotBind, DuplicateClass, DeclaresBaseClass,
            ElementwiseShapeMismatch, ConcatShapeMismatch, KernelLargerThanInput, DenseOn4D, NonPositiveOutput,
            GroupsMismatch, NeedsSpatialInput, TensorTooLarge, CropOutOfRange,
            ParamsBudgetExceeded, InferenceBudgetExceeded, TrainingBudgetExceeded,
            LayerCannotRun, ExecutionNotGenerated,
        };
        var map = new Dictionary<string, DiagnosticDescriptor>();
        foreach (var d in all) map.Add(d.Id, d);
        return map;
    }

    public static IReadOnlyCollection<DiagnosticDescriptor> All => ById.Values;

    public static DiagnosticDescriptor Get(string id) => ById[id];

    /// <summary>The message text of a diagnostic, formatted as the compiler would.</summary>
    public static string Format(Model.DiagnosticInfo info)
    {
        var d = Get(info.Id);
        var args = new object[info.MessageArgs.Count];
        for (int i = 0; i < args.Length; i++) args[i] = info.MessageArgs[i];
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, d.MessageFormat.ToString(), args);
    }

    public static Diagnostic ToDiagnostic(Model.DiagnosticInfo info) => ToDiagnostic(info, null);

    /// <summary>
    /// The diagnostic, located in <paramref name="trees"/>' syntax tree of the same path when
    /// there is one: the compiler applies a tree's <c>.editorconfig</c> severities only to a
    /// location in that tree, and the IDE finds a code fix's node through it. A .cnn location
    /// stays a file location (the compiler applies only global options to those).
    /// </summary>
    public static Diagnostic ToDiagnostic(Model.DiagnosticInfo info, IReadOnlyList<SyntaxTree>? trees)
    {
        var d = Get(info.Id);
        var args = new object[info.MessageArgs.Count];
        for (int i = 0; i < args.Length; i++) args[i] = info.MessageArgs[i];
        ImmutableDictionary<string, string?>? properties = null;
        if (info.Properties.Count > 0)
        {
            var builder = ImmutableDictionary.CreateBuilder<string, string?>();
            foreach (var p in info.Properties) builder[p.Key] = p.Value;
            properties = builder.ToImmutable();
        }
        return Diagnostic.Create(d, Locate(info.Location, trees), properties, args);
    }

    private static Location Locate(Model.LocationInfo? location, IReadOnlyList<SyntaxTree>? trees)
    {
        if (location is null) return Location.None;
        if (trees is not null)
        {
            foreach (var tree in trees)
            {
                if (tree.FilePath != location.FilePath) continue;
                var span = new Microsoft.CodeAnalysis.Text.TextSpan(location.Start, location.Length);
                if (span.End <= tree.Length) return Location.Create(tree, span);
            }
        }
        return location.ToLocation();
    }
}
