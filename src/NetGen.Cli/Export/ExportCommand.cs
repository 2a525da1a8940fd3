using System;
using System.CommandLine;
using System.IO;
using NetGen.Cli.Commands;
using NetGen.Cli.Compilation;
using NetGen.Execution;
using NetGen.Onnx;

namespace NetGen.Cli.Export;

/// <summary>
/// <c>netgen export NET --weights W.safetensors --out model.onnx [--network NAME]</c>: the network
/// with its weights as an ONNX model (opset 13) that ONNX Runtime runs with the same outputs: a shell
/// over <see cref="OnnxExport"/>. The file (a .cnn, or a .cs file's [Network] class) is compiled as
/// `netgen train` compiles it, so the weights are checked by the network's own Load.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A .cnn file, or a .cs file with [Network] classes" };
        var weights = new Option<FileInfo>("--weights") { Description = "The network's weights (.safetensors, as Save writes them)", Required = true };
        var outFile = new Option<FileInfo>("--out") { Description = "The ONNX file to write", Required = true };
        var network = CommandOptions.Network();
        var cache = CommandOptions.Cache();
        var command = new Command("export", "Write a network and its weights as an ONNX model");
        command.Arguments.Add(file);
        command.Options.Add(weights);
        command.Options.Add(outFile);
        command.Options.Add(network);
        command.Options.Add(cache);
        command.SetAction(parse =>
        {
            var (output, errors) = CommandOptions.Writers(parse);
            try
            {
                return Run(parse.GetValue(file)!, parse.GetValue(weights)!, parse.GetValue(outFile)!, parse.GetValue(network), output, errors, CommandOptions.CacheValue(parse, cache));
            }
            catch (Exception e) when (CommandOptions.IsUserError(e))
            {
                return CommandOptions.Report(e, errors);
            }
        });
        return command;
    }

    public static int Run(FileInfo file, FileInfo weights, FileInfo outFile, string? networkName, TextWriter output, TextWriter errors, CompileCache? cache = null)
    {
        if (!weights.Exists) throw new CliException($"{weights.FullName}: error: file not found", ExitCodes.NotFound);
        using var compiled = NetworkCompiler.Compile(new CompileRequest(file.FullName, networkName, Cache: cache), errors);
        var net = compiled.Create(0, ExecutionMode.Inference);
        try
        {
            net.Load(weights.FullName);
            var bytes = OnnxExport.ToBytes(compiled.Analysis, net, file.FullName);
            string? dir = Path.GetDirectoryName(outFile.FullName);
            if (dir is not null) Directory.CreateDirectory(dir);
            File.WriteAllBytes(outFile.FullName, bytes);
        }
        finally
        {
            (net as IDisposable)?.Dispose();
        }
        output.WriteLine($"{outFile.FullName}: network {compiled.Name}, ONNX opset {OnnxExport.Opset}, input 'input' (N, {compiled.InputShape.ToString().Trim('(', ')')})");
        return ExitCodes.Success;
    }
}
