using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using NetGen.Cli.Commands;
using NetGen.Generator.Model;
using NetGen.Onnx;

namespace NetGen.Cli.Import;

/// <summary>
/// <c>netgen import model.onnx --out DIR [--input CxHxW] [--name Net]</c>: writes DIR/Net.cnn and
/// DIR/Net.safetensors from an ONNX CNN. A file that is not ONNX, an operator or attribute the
/// importer does not convert, a dynamic shape: "model.onnx: error: ..." lines and exit code 2, and
/// nothing written.
/// </summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("model") { Description = "The ONNX file" };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for NAME.cnn and NAME.safetensors (created if missing)", Required = true };
        var input = new Option<Shape?>("--input")
        {
            Description = "One sample's shape, CxHxW or F: fixes the graph input's dynamic dimensions",
            HelpName = "CxHxW",
            CustomParser = result =>
            {
                string text = result.Tokens[^1].Value;
                if (TryShape(text, out var shape)) return shape;
                result.AddError($"--input: error: '{text}' is not a sample shape; expected CxHxW (3x224x224) or a feature count, positive integers");
                return null;
            },
        };
        var name = new Option<string?>("--name") { Description = "The network's name (default: the file's name as an identifier)" };
        var command = new Command("import", "Convert an ONNX CNN into a .cnn network and a .safetensors of its weights");
        command.Arguments.Add(file);
        command.Options.Add(outDir);
        command.Options.Add(input);
        command.Options.Add(name);
        command.SetAction(parse =>
        {
            var (output, errors) = CommandOptions.Writers(parse);
            try
            {
                return Run(parse.GetValue(file)!, parse.GetValue(outDir)!, parse.GetValue(input), parse.GetValue(name), output);
            }
            catch (Exception e) when (CommandOptions.IsUserError(e))
            {
                return CommandOptions.Report(e, errors);
            }
        });
        return command;
    }

    public static int Run(FileInfo file, DirectoryInfo outDir, Shape? input, string? name, TextWriter output)
    {
        string path = file.FullName;
        if (!file.Exists) throw new CliException($"{path}: error: file not found", ExitCodes.NotFound);
        if (name is not null && !OnnxImport.IsNetworkName(name))
            throw new CliException($"--name: error: '{name}' is not a .cnn identifier (letters, digits and '_', not a keyword)", ExitCodes.Usage);

        var options = new OnnxImportOptions
        {
            NetworkName = name,
            InputShape = input is not { } s ? null : s.IsVector ? new[] { s.C } : new[] { s.C, s.H, s.W },
        };
        ImportedNetwork imported;
        try
        {
            imported = OnnxImport.ToCnn(path, options);
        }
        catch (OnnxFormatException e)
        {
            throw new CliException($"{path}: error: not a readable ONNX model: {e.Message[(e.SourceName.Length + 2)..]}", ExitCodes.Usage);
        }
        catch (OnnxImportException e)
        {
            throw new CliException(string.Join(Environment.NewLine, e.Errors), ExitCodes.Usage);
        }

        var files = imported.WriteTo(outDir.FullName);
        output.WriteLine($"{files.CnnPath}: network {imported.Name}, {imported.Tensors.Count} tensors, {imported.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} values");
        output.WriteLine($"{files.WeightsPath}: the weights (load with net.Load)");
        return ExitCodes.Success;
    }

    internal static bool TryShape(string text, out Shape shape)
    {
        shape = default;
        var parts = text.Trim().Split('x');
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1) return false;
        if (values.Length == 1) shape = Shape.Vector(values[0]);
        else if (values.Length == 3) shape = Shape.Chw(values[0], values[1], values[2]);
        else return false;
        return true;
    }
}
