using NetGen.Generator.Model;

namespace NetGen.Cli.Commands;

/// <summary>The optimizer names the command line and checkpoints use: none, sgd, adam.</summary>
internal static class OptimizerNames
{
    public static readonly string[] All = ["none", "sgd", "adam"];

    public static OptimizerKind? Parse(string? text) => text switch
    {
        null => null,
        "none" => OptimizerKind.None,
        "sgd" => OptimizerKind.Sgd,
        "adam" => OptimizerKind.Adam,
        _ => throw new CliException($"error: unknown optimizer '{text}' (expected none, sgd or adam)"),
    };

    public static string Name(OptimizerKind kind) => kind switch
    {
        OptimizerKind.Sgd => "sgd",
        OptimizerKind.Adam => "adam",
        _ => "none",
    };
}
