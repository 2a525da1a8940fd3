using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

/// <summary>
/// Collects diagnostics in report order, dropping exact repeats: an error inside a block body
/// is the same error in every instance of the block, and is reported once.
/// </summary>
internal sealed class DiagnosticBag
{
    private readonly List<DiagnosticInfo> _items = new();
    private readonly HashSet<DiagnosticInfo> _seen = new();

    public int ErrorCount { get; private set; }

    public IReadOnlyList<DiagnosticInfo> Items => _items;

    public void Add(DiagnosticInfo info)
    {
        if (!_seen.Add(info)) return;
        _items.Add(info);
        if (!IsWarning(info.Id)) ErrorCount++;
    }

    public void Add(string id, LocationInfo? location, params object[] args) => Add(DiagnosticInfo.Create(id, location, args));

    public void AddRange(IEnumerable<DiagnosticInfo> infos)
    {
        foreach (var info in infos) Add(info);
    }

    /// <summary>NG0008 (unused node) is the only warning the front ends raise.</summary>
    public static bool IsWarning(string id) => id == DiagnosticIds.UnusedNode;
}

/// <summary>The ids of Diagnostics/DiagnosticDescriptors.cs as constants, for the front ends.</summary>
internal static class DiagnosticIds
{
    public const string SyntaxError = "NG0001";
    public const string UnknownLayer = "NG0002";
    public const string UnknownArgument = "NG0003";
    public const string InvalidArgument = "NG0004";
    public const string UnknownNode = "NG0005";
    public const string DuplicateNode = "NG0006";
    public const string Cycle = "NG0007";
    public const string UnusedNode = "NG0008";
    public const string MissingInput = "NG0009";
    public const string BlockArguments = "NG0012";
    public const string NoLayers = "NG0013";
    public const string CropOutOfRange = "NG0109";
}
