using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using NetGen.Bench.Mnist;

namespace NetGen.Bench.Peers;

/// <summary>GFLOP/s of a <see cref="MnistConvLayerBenchmarks"/> case: 2 x N x P x Q x K x C x R x S / mean time.</summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "2 x multiply-accumulates of the call / mean time";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNs is not double mean || mean <= 0 || benchmarkCase.Parameters["Layer"] is not string layer) return "-";
        var d = MnistConvLayerBenchmarks.Dims(layer, MnistConvLayerBenchmarks.BatchOf(benchmarkCase.Descriptor.WorkloadMethod.Name));
        double flops = 2.0 * d.N * d.P * d.Q * d.K * d.C * d.R * d.S;
        return (flops / mean).ToString("F1", CultureInfo.InvariantCulture);
    }
}
