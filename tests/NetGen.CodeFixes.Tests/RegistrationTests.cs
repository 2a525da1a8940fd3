using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using NetGen.Generator.Diagnostics;
using Xunit;

namespace NetGen.CodeFixes.Tests;

/// <summary>How the IDE finds the fixes: ids and property names agree with the generator's, and each provider is exported for its documents.</summary>
public class RegistrationTests
{
    [Fact]
    public void Ids_and_property_names_match_the_generators_catalogue()
    {
        Assert.Equal(DiagnosticIds.DenseOn4D, DiagnosticDescriptors.DenseOn4D.Id);
        Assert.Equal(DiagnosticIds.ElementwiseShapeMismatch, DiagnosticDescriptors.ElementwiseShapeMismatch.Id);
        Assert.Equal(DiagnosticDescriptors.PaddingNodeProperty, DiagnosticIds.PaddingNodeProperty);
        Assert.Equal(DiagnosticDescriptors.PaddingValueProperty, DiagnosticIds.PaddingValueProperty);
        Assert.Equal(DiagnosticDescriptors.PaddingFileProperty, DiagnosticIds.PaddingFileProperty);
        Assert.Equal(DiagnosticDescriptors.PaddingStartProperty, DiagnosticIds.PaddingStartProperty);
        Assert.Equal(DiagnosticDescriptors.PaddingLengthProperty, DiagnosticIds.PaddingLengthProperty);
    }

    [Fact]
    public void Insert_flatten_is_exported_for_CSharp_documents_and_set_padding_for_cnn_additional_documents()
    {
        var flatten = typeof(InsertFlattenCodeFix).GetCustomAttribute<ExportCodeFixProviderAttribute>()!;
        Assert.Equal(new[] { LanguageNames.CSharp }, flatten.Languages);
        Assert.Equal(new[] { nameof(TextDocumentKind.Document) }, flatten.DocumentKinds);

        var padding = typeof(SetPaddingCodeFix).GetCustomAttribute<ExportCodeFixProviderAttribute>()!;
        Assert.Equal(new[] { nameof(TextDocumentKind.AdditionalDocument) }, padding.DocumentKinds);
        Assert.Equal(new[] { ".cnn" }, padding.DocumentExtensions);
    }
}
