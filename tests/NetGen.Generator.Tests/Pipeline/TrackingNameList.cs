using System.Reflection;

namespace NetGen.Generator.Tests.Pipeline;

/// <summary>Every name in <see cref="TrackingNames"/>, read by reflection so a new step is covered without editing the tests.</summary>
public static class TrackingNameList
{
    public static readonly IReadOnlyList<string> All = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();
}
