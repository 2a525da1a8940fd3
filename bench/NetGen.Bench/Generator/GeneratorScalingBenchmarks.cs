using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Bench.Infrastructure;

namespace NetGen.Bench.Generator;

/// <summary>
/// The generator's cold run against the network's size (issue 10, item 7): a .cnn file whose
/// network is <c>blk(2)</c> blocks (conv, relu, add) in sequence, at 1k, 10k and 100k nodes.
/// Linear work gives 10x the time per row; before the fix, blk(2) * 5000 (15k nodes) cost 13.5 s.
/// </summary>
[MemoryDiagnoser]
public class GeneratorScalingBenchmarks
{
    private const string GeneratedHintName = "NetGen.Networks.Big.Network.g.cs";

    /// <summary>Every node of the network, its input included.</summary>
    [Params(1_000, 10_000, 100_000)]
    public int Nodes { get; set; }

    private InMemoryAdditionalText _cnn = null!;
    private CSharpCompilation _compilation = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cnn = new InMemoryAdditionalText("Big.cnn", Network(Nodes));
        _compilation = GeneratorHarness.Compilation(("App/Entry.cs", "namespace App; public static class Entry { }"));
        var driver = GeneratorHarness.CreateDriver(new[] { _cnn }, trackSteps: false).RunGenerators(_compilation.Clone());
        GeneratorHarness.RequireGenerated(driver, GeneratedHintName);
    }

    /// <summary>A driver that has never run: parse, expand, analyse and emit the whole network.</summary>
    [Benchmark]
    public GeneratorDriver Cold() =>
        GeneratorHarness.CreateDriver(new[] { _cnn }, trackSteps: false).RunGenerators(_compilation.Clone());

    /// <summary>
    /// (nodes - 1) / 3 blocks of three nodes after the input, as statements of at most 10,000
    /// repetitions (the language's limit), each continuing from the one before.
    /// </summary>
    private static string Network(int nodes)
    {
        var text = new StringBuilder("""
            block blk(c) {
                a = in -> conv2d(c, 3, padding: 1) -> relu
                out = add(a, in)
            }

            network Big {
                input 2x8x8

            """);
        int blocks = (nodes - 1) / 3;
        for (int part = 0; blocks > 0; part++)
        {
            int count = Math.Min(blocks, 10_000);
            text.Append("    r").Append(part).Append(" = blk(2) * ").Append(count).Append('\n');
            blocks -= count;
        }
        return text.Append("}\n").ToString();
    }
}
