using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetGen.Generator.Analysis;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using Xunit;

namespace NetGen.Generator.Tests.Samples;

/// <summary>Reads the repository's samples/ folder and runs a file through parse and analysis.</summary>
internal static class SampleFiles
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The folder holding NetGen.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>Parses the one network in a sample file and analyses it, failing on any diagnostic.</summary>
    /// <param name="relativePath">Path under samples/, with '/' separators ("Architectures/ResNet18.cnn").</param>
    public static NetworkAnalysis Analyze(string relativePath)
    {
        string path = Path.Combine(RepositoryRoot, "samples", relativePath.Replace('/', Path.DirectorySeparatorChar));
        CnnFile file = CnnParser.Parse(path, File.ReadAllText(path));
        AssertClean(relativePath, file.Diagnostics);
        NetworkIR network = Assert.Single(file.Networks);

        Result<NetworkAnalysis> result = NetworkAnalyzer.Analyze(network);
        AssertClean(relativePath, result.Diagnostics);
        Assert.NotNull(result.Value);
        return result.Value!;
    }

    /// <summary>Parses every network in a sample file and analyses each, failing on any diagnostic; keyed by network name.</summary>
    public static Dictionary<string, NetworkAnalysis> AnalyzeAll(string relativePath)
    {
        string path = Path.Combine(RepositoryRoot, "samples", relativePath.Replace('/', Path.DirectorySeparatorChar));
        CnnFile file = CnnParser.Parse(path, File.ReadAllText(path));
        AssertClean(relativePath, file.Diagnostics);
        var analyses = new Dictionary<string, NetworkAnalysis>();
        foreach (NetworkIR network in file.Networks)
        {
            Result<NetworkAnalysis> result = NetworkAnalyzer.Analyze(network);
            AssertClean(relativePath, result.Diagnostics);
            analyses.Add(network.Name, result.Value!);
        }
        return analyses;
    }

    /// <summary>A sample is an example to copy: it must be free of errors and warnings alike.</summary>
    private static void AssertClean(string file, EquatableArray<DiagnosticInfo> diagnostics)
    {
        if (diagnostics.Count == 0) return;
        var lines = diagnostics.Select(d =>
            $"{d.Location?.ToDisplayString() ?? file}: {d.Id}: {DiagnosticDescriptors.Format(d)}");
        Assert.Fail($"{file} has diagnostics:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetGen.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No NetGen.sln above {AppContext.BaseDirectory}");
    }
}
