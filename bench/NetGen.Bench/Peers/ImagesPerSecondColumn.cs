using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NetGen.Bench.Peers;

/// <summary>Images one call of every benchmark in the class processes, for the Images/s column.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ImagesPerCallAttribute(int images) : Attribute
{
    public int Images { get; } = images;
}

/// <summary>Images/s = images per call / mean time of a call, for classes marked <see cref="ImagesPerCallAttribute"/>.</summary>
public sealed class ImagesPerSecondColumn : IColumn
{
    public string Id => nameof(ImagesPerSecondColumn);
    public string ColumnName => "Images/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Images processed per second: images per call / mean time per call";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) =>
        summary.BenchmarksCases.Any(b => Images(b) is not null);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (Images(benchmarkCase) is not int images || meanNs is not double mean || mean <= 0) return "-";
        return (images / (mean * 1e-9)).ToString("N0", CultureInfo.InvariantCulture);
    }

    private static int? Images(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Descriptor.Type.GetCustomAttributes(typeof(ImagesPerCallAttribute), false)
            .Cast<ImagesPerCallAttribute>().FirstOrDefault()?.Images;
}
