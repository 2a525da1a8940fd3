namespace NetGen.Generator.Model;

/// <summary>
/// A diagnostic as plain data: the catalogue id (see Diagnostics/DiagnosticDescriptors.cs),
/// where it points, and the message arguments, so pipeline values stay cacheable.
/// <see cref="Properties"/> become the Diagnostic's Properties: what a code fix needs to know.
/// </summary>
public sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> MessageArgs)
{
    public EquatableArray<DiagnosticProperty> Properties { get; init; }

    public static DiagnosticInfo Create(string id, LocationInfo? location, params object[] messageArgs)
    {
        var args = new string[messageArgs.Length];
        for (int i = 0; i < args.Length; i++)
            args[i] = System.Convert.ToString(messageArgs[i], System.Globalization.CultureInfo.InvariantCulture) ?? "";
        return new DiagnosticInfo(id, location, args.ToEquatableArray());
    }
}

/// <summary>One entry of a diagnostic's Properties dictionary.</summary>
public readonly record struct DiagnosticProperty(string Key, string Value);

/// <summary>A transform's value together with its diagnostics. The value is null when errors prevent one.</summary>
public sealed record Result<T>(T? Value, EquatableArray<DiagnosticInfo> Diagnostics)
    where T : class
{
    public static Result<T> Ok(T value) => new(value, EquatableArray<DiagnosticInfo>.Empty);
}
