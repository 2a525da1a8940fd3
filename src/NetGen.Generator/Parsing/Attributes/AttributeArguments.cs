using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing.Attributes;

/// <summary>
/// The arguments of one attribute application by name (constructor parameters as declared,
/// <c>filters</c>; properties as declared, <c>Stride</c>), each with the location of the
/// argument as written, so a bad value is reported at the argument itself (NG0004).
/// </summary>
internal sealed class AttributeArguments
{
    private readonly Dictionary<string, TypedConstant> _values = new();
    private readonly Dictionary<string, LocationInfo?> _locations = new();
    private readonly List<DiagnosticInfo> _diagnostics;

    private AttributeArguments(LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        Location = location;
        _diagnostics = diagnostics;
    }

    /// <summary>Where the attribute is written.</summary>
    public LocationInfo? Location { get; }

    /// <summary>The layer or network named in NG0004 messages.</summary>
    public string Owner { get; set; } = "";

    /// <summary>Reads an attribute whose constructor bound (the caller skips those with compiler errors).</summary>
    public static AttributeArguments Read(AttributeData data, List<DiagnosticInfo> diagnostics, CancellationToken ct)
    {
        var syntax = data.ApplicationSyntaxReference?.GetSyntax(ct) as AttributeSyntax;
        var args = new AttributeArguments(LocationInfo.From(syntax), diagnostics);
        var parameters = data.AttributeConstructor!.Parameters;
        for (int i = 0; i < data.ConstructorArguments.Length && i < parameters.Length; i++)
            args._values[parameters[i].Name] = data.ConstructorArguments[i];
        foreach (var named in data.NamedArguments)
            args._values[named.Key] = named.Value;

        if (syntax?.ArgumentList is { } list)
        {
            int position = 0;
            foreach (var argument in list.Arguments)
            {
                string? name = argument.NameEquals?.Name.Identifier.ValueText
                    ?? argument.NameColon?.Name.Identifier.ValueText
                    ?? (position < parameters.Length ? parameters[position].Name : null);
                if (argument.NameEquals is null && argument.NameColon is null) position++;
                if (name is not null) args._locations[name] = LocationInfo.From(argument);
            }
        }
        return args;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public int Int(string name, int defaultValue) =>
        _values.TryGetValue(name, out var c) && c.Value is int v ? v : defaultValue;

    public long Long(string name, long defaultValue) =>
        _values.TryGetValue(name, out var c) && c.Value is long v ? v : defaultValue;

    public double Double(string name, double defaultValue) =>
        _values.TryGetValue(name, out var c) && c.Value is double v ? v : defaultValue;

    public bool Bool(string name, bool defaultValue) =>
        _values.TryGetValue(name, out var c) && c.Value is bool v ? v : defaultValue;

    public string? String(string name) =>
        _values.TryGetValue(name, out var c) ? c.Value as string : null;

    /// <summary>An int that must be at least 1.</summary>
    public int Positive(string name, int defaultValue)
    {
        int value = Int(name, defaultValue);
        if (value <= 0) Invalid(name, value, "a positive integer");
        return value;
    }

    /// <summary>An int that must be at least 0.</summary>
    public int NonNegative(string name, int defaultValue)
    {
        int value = Int(name, defaultValue);
        if (value < 0) Invalid(name, value, "zero or more");
        return value;
    }

    /// <summary>A double that must lie in [min, max) (or [min, max] when <paramref name="maxInclusive"/>).</summary>
    public double InRange(string name, double defaultValue, double min, double max, bool maxInclusive, string allowed)
    {
        double value = Double(name, defaultValue);
        bool ok = value >= min && (maxInclusive ? value <= max : value < max);
        if (!ok) Invalid(name, value, allowed);
        return value;
    }

    /// <summary>A finite double.</summary>
    public double Finite(string name, double defaultValue)
    {
        double value = Double(name, defaultValue);
        if (double.IsNaN(value) || double.IsInfinity(value)) Invalid(name, value, "a finite number");
        return value;
    }

    /// <summary>An enum value (read as its underlying int) that must be one of the <paramref name="members"/>.</summary>
    public int Enum(string name, int defaultValue, string[] members)
    {
        int value = Int(name, defaultValue);
        if (value < 0 || value >= members.Length)
            Invalid(name, value, "one of " + string.Join(", ", members));
        return value;
    }

    /// <summary>Reports NG0004 at the argument (or the attribute when the argument is implicit).</summary>
    public void Invalid(string name, object value, string allowed) =>
        _diagnostics.Add(DiagnosticInfo.Create("NG0004", LocationOf(name), name, Owner, value, allowed));

    public LocationInfo? LocationOf(string name) =>
        _locations.TryGetValue(name, out var location) && location is not null ? location : Location;
}
