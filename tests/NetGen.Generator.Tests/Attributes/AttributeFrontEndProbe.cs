using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing.Attributes;
using NetGen.Generator.Tests.Infrastructure;
using Xunit;

namespace NetGen.Generator.Tests.Attributes;

/// <summary>
/// Runs only the attribute front end inside a generator driver (it needs a real
/// <see cref="GeneratorAttributeSyntaxContext"/>) and hands back what it returned.
/// </summary>
internal sealed class AttributeFrontEndProbe : IIncrementalGenerator
{
    private readonly List<Result<NetworkIR>> _results = new();

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var networks = context.SyntaxProvider.ForAttributeWithMetadataName("NetGen.NetworkAttribute",
            static (node, _) => node is ClassDeclarationSyntax, AttributeNetworkParser.Parse);
        context.RegisterSourceOutput(networks, (_, result) => _results.Add(result));
    }

    /// <summary>The front end's result for the one [Network] class in <paramref name="sources"/>.</summary>
    public static Result<NetworkIR> Parse(params string[] sources)
    {
        var probe = new AttributeFrontEndProbe();
        CSharpGeneratorDriver.Create(new[] { probe.AsSourceGenerator() }, parseOptions: GeneratorTestHelper.ParseOptions)
            .RunGenerators(GeneratorTestHelper.Compilation(sources));
        return Assert.Single(probe._results);
    }

    /// <summary>The network, asserting the front end reported nothing.</summary>
    public static NetworkIR Network(params string[] sources)
    {
        var result = Parse(sources);
        Assert.Empty(result.Diagnostics.Select(d => d.Id + ": " + Diagnostics.DiagnosticDescriptors.Format(d)));
        return Assert.IsType<NetworkIR>(result.Value);
    }
}
