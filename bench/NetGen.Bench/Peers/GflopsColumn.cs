using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using NetGen.Bench.Mnist;

namespace NetGen.Bench.Peers;

/// <summary>
/// GFLOP/s of a convolution-layer case: 2 x N x P x Q x K x C/G x R x S / mean time, with the
/// convolution each case runs from <c>dims</c> (its "Layer" parameter and method name; the
/// default is <see cref="MnistConvLayerBenchmarks"/>').
/// </summary>
public sealed class GflopsColumn(Func<string, string, NetGen.Kernels.Conv2DDims>? dims = null) : IColumn
{
    private readonly Func<string, string, NetGen.Kernels.Conv2DDims> _dims =
        dims ?? ((layer, method) => MnistConvLayerBenchmarks.Dims(layer, MnistConvLayerBenchmarks.BatchOf(method)));

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
        var d = _dims(layer, benchmarkCase.Descriptor.WorkloadMethod.Name);
        double flops = 2.0 * d.N * d.P * d.Q * d.K * d.GroupC * d.R * d.S;
        return (flops / mean).ToString("F1", CultureInfo.InvariantCulture);
    }
}
