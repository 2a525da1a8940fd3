using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using NetGen.Generator.Diagnostics;
using Xunit;
using static NetGen.CodeFixes.Tests.FixHarness;

namespace NetGen.CodeFixes.Tests;

/// <summary>NG0101 on a .cnn add whose branch a 'valid' convolution shrank: "Set padding: same", after which the shapes meet.</summary>
public class SetPaddingTests
{
    private static async Task<(Diagnostic Diagnostic, IReadOnlyList<Microsoft.CodeAnalysis.CodeActions.CodeAction> Actions, Project Project)> Offer(string cnn)
    {
        var project = Project(Array.Empty<(string, string)>(), new[] { ("Res.cnn", cnn) });
        var diagnostic = (await GeneratorDiagnostics(project)).Single(d => d.Id == "NG0101");
        return (diagnostic, await Actions(project, new SetPaddingCodeFix(), diagnostic), project);
    }

    private static async Task<string> FixOnce(string cnn, string expectedTitle)
    {
        var (_, actions, project) = await Offer(cnn);
        var action = Assert.Single(actions);
        Assert.Equal(expectedTitle, action.Title);
        var fixedProject = await Apply(project, action);
        var diagnostics = await GeneratorDiagnostics(fixedProject);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return await Text(fixedProject, "Res.cnn");
    }

    [Fact]
    public async Task Adds_same_padding_to_the_convolution_that_shrank_the_branch()
    {
        const string before = """
            namespace App
            network Res {
                input 16x8x8
                stem = conv2d(16, 3, padding: same) -> relu
                branch = stem -> conv2d(16, 3) -> batchnorm -> relu
                out = add(branch, stem)
            }
            """;
        var fixedText = await FixOnce(before, "Set padding: same on 'conv2d_2'");
        Assert.Equal(before.Replace("stem -> conv2d(16, 3)", "stem -> conv2d(16, 3, padding: same)"), fixedText);
    }

    [Fact]
    public async Task Replaces_an_explicit_valid_padding_of_a_labelled_convolution_on_either_side_of_the_add()
    {
        const string before = """
            network Res {
                input 8x10x10
                a = conv2d(8, 1)
                b = a -> c2: conv2d(8, 5, padding: valid, activation: relu)
                out = add(a, b)
            }
            """;
        var fixedText = await FixOnce(before, "Set padding: same on 'c2'");
        Assert.Equal(before.Replace("padding: valid", "padding: same"), fixedText);
    }

    [Fact]
    public async Task The_diagnostic_carries_the_convolution_and_the_padding()
    {
        const string cnn = """
            network Res {
                input 4x6x6
                a = conv2d(4, 1)
                b = a -> conv2d(4, 3)
                out = add(a, b)
            }
            """;
        var (diagnostic, _, _) = await Offer(cnn);
        // The statement's label names its last layer, here the convolution.
        Assert.Equal("b", diagnostic.Properties[DiagnosticDescriptors.PaddingNodeProperty]);
        Assert.Equal("same", diagnostic.Properties[DiagnosticDescriptors.PaddingValueProperty]);
        Assert.Equal(Dir + "Res.cnn", diagnostic.Properties[DiagnosticDescriptors.PaddingFileProperty]);
        int start = int.Parse(diagnostic.Properties[DiagnosticDescriptors.PaddingStartProperty]!, System.Globalization.CultureInfo.InvariantCulture);
        int length = int.Parse(diagnostic.Properties[DiagnosticDescriptors.PaddingLengthProperty]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("conv2d", cnn.Substring(start, length));   // the layer call the fix edits
    }

    [Fact]
    public async Task No_fix_when_padding_cannot_make_the_shapes_meet()
    {
        // Channels differ (8 against 4): no padding helps, so the diagnostic carries no suggestion.
        const string cnn = """
            network Res {
                input 4x6x6
                a = conv2d(4, 1)
                b = a -> conv2d(8, 3)
                out = add(a, b)
            }
            """;
        var (diagnostic, actions, _) = await Offer(cnn);
        Assert.False(diagnostic.Properties.ContainsKey(DiagnosticDescriptors.PaddingNodeProperty));
        Assert.Empty(actions);
    }

    [Fact]
    public async Task No_fix_when_the_shrinking_layer_is_a_pool_not_a_convolution()
    {
        const string cnn = """
            network Res {
                input 4x6x6
                a = conv2d(4, 1)
                b = a -> maxpool2d(2)
                out = add(a, b)
            }
            """;
        var (_, actions, _) = await Offer(cnn);
        Assert.Empty(actions);
    }
}
