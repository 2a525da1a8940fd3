using Xunit;
using NetGen.Generator.Analysis;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>
/// Random graphs, seeded so failures reproduce: analysis never throws, every diagnostic it
/// returns formats against the catalogue, and every successful analysis has sound plans.
/// </summary>
public class RandomIrTests
{
    private static readonly OpKind[] Ops = Enum.GetValues<OpKind>();

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void AnalysisNeverThrowsAndPlansAreSound(int seed, bool hostile)
    {
        var random = new Random(seed);
        int analysed = 0;
        for (int i = 0; i < 400; i++)
        {
            var network = RandomNetwork(random, hostile);
            Result<NetworkAnalysis> result;
            try
            {
                result = NetworkAnalyzer.Analyze(network);
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}, graph {i}: {e}");
                return;
            }
            foreach (var d in result.Diagnostics) Assert.NotEmpty(DiagnosticDescriptors.Format(d));
            if (result.Value is not { } a) continue;
            analysed++;
            CheckSound(a);
            foreach (var d in result.Diagnostics.Where(d => d.Id == "NG0203")) CheckFittingBatch(a, d);
        }
        // The generator must reach the planners often enough for the checks to mean something.
        Assert.True(analysed > (hostile ? 10 : 100), $"only {analysed} of 400 graphs analysed");
    }

    private static void CheckSound(NetworkAnalysis a)
    {
        var computed = PlanChecks.Computed(a);
        var last = PlanChecks.LastUse(a.Network, computed);
        PlanChecks.CheckLiveness(a.Network, a.InferencePlan, last);
        PlanChecks.CheckLiveness(a.Network, a.Training.GradientPlan, last);
        PlanChecks.CheckInPlaceIsSafe(a);
        Assert.All(a.Layers, l => Assert.True(l.Trainable >= 0 && l.NonTrainable >= l.Statistics && l.Macs >= 0));
        Assert.All(a.Layers, l => Assert.True(l.Output.C > 0 && l.Output.H > 0 && l.Output.W > 0));
        var t = a.Training;
        Assert.Equal(t.FixedBytes + t.Batch * t.PerSampleBytes, t.Total);
        var one = NetworkAnalyzer.TrainingAt(a, 1, t.Optimizer);
        Assert.Equal(t.Batch * one.PerSampleBytes, t.Total - t.FixedBytes);
    }

    /// <summary>The batch NG0203 names fits, and one more does not.</summary>
    private static void CheckFittingBatch(NetworkAnalysis a, DiagnosticInfo d)
    {
        string text = DiagnosticDescriptors.Format(d);
        var match = System.Text.RegularExpressions.Regex.Match(text, @"; batch (\d+) would fit");
        long limit = a.Network.Budgets.MaxTrainingBytes!.Value;
        if (!match.Success)
        {
            Assert.Contains("even batch 1 does not fit", text);
            Assert.True(NetworkAnalyzer.TrainingAt(a, 1, a.Network.Optimizer).Total > limit, text);
            return;
        }
        int batch = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(NetworkAnalyzer.TrainingAt(a, batch, a.Network.Optimizer).Total <= limit, text);
        Assert.True(NetworkAnalyzer.TrainingAt(a, batch + 1, a.Network.Optimizer).Total > limit, text);
    }

    private static NetworkIR RandomNetwork(Random r, bool hostile)
    {
        var input = r.Next(4) == 0 ? Shape.Vector(r.Next(1, 50)) : Shape.Chw(r.Next(1, 9), r.Next(1, 24), r.Next(1, 24));
        if (hostile && r.Next(8) == 0) input = new Shape(r.Next(-1, 4), r.Next(-2, 5), r.Next(-2, 5), r.Next(-2, 5));
        var ir = new TestIr(input);
        int count = r.Next(1, 14);
        for (int i = 0; i < count; i++)
        {
            var op = hostile ? Ops[r.Next(Ops.Length)] : Ops[r.Next(1, Ops.Length)];
            int arity = op is OpKind.Add or OpKind.Concat or OpKind.Multiply ? r.Next(2, 4) : 1;
            if (hostile && r.Next(10) == 0) arity = r.Next(0, 4);
            var inputs = new int[arity];
            for (int j = 0; j < arity; j++)
                inputs[j] = hostile && r.Next(20) == 0 ? r.Next(-2, ir.Last + 3) : Math.Max(0, ir.Last - r.Next(3));
            ir.Add($"n{i}", op, RandomArgs(r, hostile), r.Next(6) == 0, inputs);
        }
        int output = hostile && r.Next(10) == 0 ? r.Next(-1, ir.Last + 2) : ir.Last - r.Next(2) * Math.Min(1, ir.Last - 1);
        int batch = hostile && r.Next(10) == 0 ? r.Next(-1, 2) : r.Next(1, 300);
        var budgets = r.Next(3) == 0 ? new Budgets(r.Next(1, 2_000), r.Next(1, 50_000), r.Next(1, 5_000_000)) : Budgets.None;
        return ir.Build(batch, (OptimizerKind)r.Next(3), budgets, output);
    }

    private static LayerArgs RandomArgs(Random r, bool hostile)
    {
        int Small(int min, int max) => hostile && r.Next(12) == 0 ? r.Next(-3, 2) : r.Next(min, max);
        int pad = Small(0, 3);
        return new LayerArgs
        {
            // Now and then sizes far past any real network, to reach the size and overflow checks.
            Filters = hostile && r.Next(30) == 0 ? int.MaxValue : Small(1, 9),
            Units = Small(1, 20),
            KernelH = Small(1, 6),
            KernelW = Small(1, 6),
            StrideH = Small(1, 4),
            StrideW = Small(1, 4),
            Padding = (PaddingMode)r.Next(3),
            PadTop = pad,
            PadBottom = Small(0, 3),
            PadLeft = pad,
            PadRight = Small(0, 3),
            DilationH = Small(1, 3),
            DilationW = Small(1, 3),
            Groups = r.Next(3) == 0 ? Small(1, 4) : 1,
            DepthMultiplier = Small(1, 3),
            OutputPadding = r.Next(4) == 0 ? Small(0, 2) : 0,
            Bias = r.Next(2) == 0,
            Rate = r.NextDouble() * (hostile ? 1.5 : 0.9),
            ScaleH = hostile && r.Next(30) == 0 ? 1 << 20 : Small(1, 3),
            ScaleW = Small(1, 3),
            KeepDims = r.Next(2) == 0,
            CeilMode = r.Next(2) == 0,
            Radius = Small(0, 3),
        };
    }
}
