using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Parsing;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

/// <summary>
/// Robustness: thousands of seeded random mutations of valid files. The parser must return
/// (never throw, never hang), every diagnostic must format and point inside the text, and
/// every network it still produces must satisfy the IR's invariants.
/// </summary>
public class FuzzTests
{
    private const int MutationsPerSample = 750;

    private static readonly string[] Inserts =
    {
        "network", "block", "namespace", "input", "batch", "optimizer", "budget", "output", "in", "params", "training",
        "conv2d", "dense", "add", "concat", "multiply", "relu", "basic", "down", "se", "inception", "frozen: true",
        "0", "-1", "99999999999", "99999999999999999999999", "1e400", "0.5", "3x0x3", "2x2", "10M", "1GiB", "* 10000",
        "->", "(", ")", "{", "}", ",", ":", "=", "*", "/", "-", "\n", "#", "//", "x", "a = ", "in ->", "* 2", "\"", "\t",
    };

    private const string Chars = "(){}:,->*=/.#\n x0123456789abcxyz_";

    private static readonly Regex TokenPattern = new(@"[A-Za-z_][A-Za-z0-9_]*|\d[\w.]*|->|\S", RegexOptions.Compiled);

    [Fact]
    public void MutatedSamplesNeverThrow()
    {
        int parsed = 0, withErrors = 0;
        for (int sample = 0; sample < CnnSamples.All.Length; sample++)
        {
            for (int i = 0; i < MutationsPerSample; i++)
            {
                int seed = sample * 100_000 + i;
                var random = new Random(seed);
                string text = CnnSamples.All[sample];
                int count = 1 + random.Next(4);
                for (int m = 0; m < count; m++) text = Mutate(text, random);
                CnnFile file;
                try
                {
                    file = CnnParser.Parse("fuzz.cnn", text);
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"seed {seed} threw {e}\n--- text ---\n{text}");
                }
                Check(file, text, seed);
                parsed++;
                if (file.Diagnostics.Count > 0) withErrors++;
            }
        }
        Assert.Equal(CnnSamples.All.Length * MutationsPerSample, parsed);
        // The mutations must actually break things, or the test proves nothing.
        Assert.True(withErrors > parsed / 2, $"only {withErrors} of {parsed} mutated files had diagnostics");
    }

    [Fact]
    public void PathologicalInputsReturn()
    {
        var texts = new[]
        {
            "", "\n\n\n", "{", "}", "(((((", "network", "network N", "network N {", "block b(", "block b() {",
            new string('(', 100_000), new string('-', 10_000), "network N {\n input 8\n" + new string('(', 5000) + "\n}",
            "block a() {\n a() * 10000\n}\nnetwork N {\n input 8\n a() * 10000\n}",
            "block a() {\n relu\n}\nblock b() {\n a() * 10000\n}\nnetwork N {\n input 8\n b() * 10000 -> b() * 10000\n}",
            "network N {\n input 8\n" + string.Concat(System.Linq.Enumerable.Repeat(" relu\n", 5_000)) + "}",
            "network N {\n input 8\n" + string.Concat(System.Linq.Enumerable.Repeat("relu -> ", 5_000)) + "relu\n}",
            "\0\u0001\uFFFF\uD800",
            "network N {\n input 8\n dense(" + string.Concat(System.Linq.Enumerable.Repeat("1+", 100_000)) + "1)\n}",
            "network N {\n input 8\n dense(1e999999, 1.5e-999999)\n}",
        };
        foreach (var text in texts) Check(CnnParser.Parse("p.cnn", text), text, -1);
    }

    private static void Check(CnnFile file, string text, int seed)
    {
        foreach (var d in file.Diagnostics)
        {
            string message = DiagnosticDescriptors.Format(d);
            Assert.False(string.IsNullOrEmpty(message));
            Assert.True(d.Location is not null, $"seed {seed}: {d.Id} without a location");
            var at = d.Location!;
            Assert.True(at.Start >= 0 && at.Length >= 0 && at.Start + at.Length <= text.Length, $"seed {seed}: {d.Id} span outside the text");
        }
        foreach (var network in file.Networks)
        {
            Assert.Equal(Model.OpKind.Input, network.Nodes[0].Op);
            Assert.InRange(network.Output, 1, network.Nodes.Count - 1);
            var names = new HashSet<string>();
            for (int i = 0; i < network.Nodes.Count; i++)
            {
                Assert.True(names.Add(network.Nodes[i].Name), $"seed {seed}: duplicate node {network.Nodes[i].Name}");
                foreach (int input in network.Nodes[i].Inputs) Assert.InRange(input, 0, i - 1);
            }
        }
    }

    private static string Mutate(string text, Random random)
    {
        if (text.Length == 0) return Inserts[random.Next(Inserts.Length)];
        int at = random.Next(text.Length);
        switch (random.Next(8))
        {
            case 0: return text.Remove(at, 1);
            case 1: return text.Insert(at, Chars[random.Next(Chars.Length)].ToString());
            case 2:
                int length = Math.Min(1 + random.Next(20), text.Length - at);
                return text.Insert(at, text.Substring(at, length));
            case 3:
                int other = random.Next(text.Length);
                var chars = text.ToCharArray();
                (chars[at], chars[other]) = (chars[other], chars[at]);
                return new string(chars);
            case 4:
            {
                var token = RandomToken(text, random);
                return token is null ? text : text.Remove(token.Index, token.Length);
            }
            case 5:
            {
                var token = RandomToken(text, random);
                string insert = " " + Inserts[random.Next(Inserts.Length)] + " ";
                return token is null ? text + insert : text.Insert(token.Index, insert);
            }
            case 6:
            {
                var lines = new List<string>(text.Split('\n'));
                int line = random.Next(lines.Count);
                lines.Insert(random.Next(lines.Count), lines[line]);
                return string.Join("\n", lines);
            }
            default:
            {
                var a = RandomToken(text, random);
                var b = RandomToken(text, random);
                if (a is null || b is null || a.Index == b.Index) return text;
                if (a.Index > b.Index) (a, b) = (b, a);
                if (a.Index + a.Length > b.Index) return text;
                var sb = new StringBuilder();
                sb.Append(text, 0, a.Index).Append(b.Value).Append(text, a.Index + a.Length, b.Index - a.Index - a.Length)
                    .Append(a.Value).Append(text, b.Index + b.Length, text.Length - b.Index - b.Length);
                return sb.ToString();
            }
        }
    }

    private static Match? RandomToken(string text, Random random)
    {
        var matches = TokenPattern.Matches(text);
        return matches.Count == 0 ? null : matches[random.Next(matches.Count)];
    }
}
