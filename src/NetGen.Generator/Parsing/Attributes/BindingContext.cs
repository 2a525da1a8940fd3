using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing.Attributes;

/// <summary>A .cnn file's text as read from its AdditionalText (path as the build gives it).</summary>
public sealed record CnnSource(string Path, string Text);

/// <summary>What each .cnn file is combined with: every binding and every .cnn path (a binding must match exactly one).</summary>
public sealed record BindingContext(EquatableArray<NetworkFileBinding> Bindings, EquatableArray<string> CnnPaths);
