namespace NetGen.CodeFixes;

/// <summary>
/// The generator's ids and property names this project reads. It cannot reference the generator
/// (the IDE loads both from analyzers/dotnet/cs, each on its own), so they are repeated here;
/// tests check them against src/NetGen.Generator/Diagnostics/DiagnosticDescriptors.cs.
/// </summary>
internal static class DiagnosticIds
{
    /// <summary>A dense layer receives a (C, H, W) tensor: a flatten is missing.</summary>
    public const string DenseOn4D = "NG0104";

    /// <summary>An add's (or multiply's) inputs differ in shape.</summary>
    public const string ElementwiseShapeMismatch = "NG0101";

    public const string PaddingNodeProperty = "PaddingNode";
    public const string PaddingValueProperty = "Padding";
    public const string PaddingFileProperty = "PaddingFile";
    public const string PaddingStartProperty = "PaddingStart";
    public const string PaddingLengthProperty = "PaddingLength";
}
