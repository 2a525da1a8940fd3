using System.Diagnostics;
using System.Text;

namespace NetGen.Package.Tests;

/// <summary>What a `dotnet` child process printed (stdout and stderr interleaved) and its exit code.</summary>
public sealed record DotNetRun(string Command, string WorkingDirectory, int ExitCode, string Output)
{
    /// <summary>The rest of the one output line that starts with <paramref name="key"/> and a space (a consumer program's result lines).</summary>
    /// <exception cref="InvalidOperationException">No such line, or several; the message has the whole run.</exception>
    public string Line(string key)
    {
        var lines = Output.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith(key + " ", StringComparison.Ordinal)).ToArray();
        return lines.Length == 1 ? lines[0][(key.Length + 1)..]
            : throw new InvalidOperationException($"{lines.Length} lines start with '{key} ' in the output of {this}");
    }

    /// <summary>The floats of line <paramref name="key"/> (<see cref="Line"/>), invariant culture.</summary>
    public float[] Floats(string key) =>
        Line(key).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The run as a failure message shows it: command, folder, exit code, everything it printed.</summary>
    public override string ToString() =>
        $"`{Command}` in {WorkingDirectory} exited with {ExitCode}:{Environment.NewLine}{Output}";
}

/// <summary>
/// Runs the SDK that runs the tests, as a user's shell would, with the working directory and
/// environment given to the child alone: the test process's own are never changed.
/// </summary>
internal static class DotNetCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    // The test host runs inside `dotnet test`'s MSBuild: its MSBuild and test-platform
    // variables describe that build, not the consumer's, and would steer the child's.
    private static readonly string[] InheritedPrefixes = ["MSBUILD", "VSTEST", "TESTINGPLATFORM", "DOTNET_HOST_PATH"];

    /// <summary>Runs `dotnet <paramref name="arguments"/>` in <paramref name="workingDirectory"/>.</summary>
    public static DotNetRun Run(string workingDirectory, params string[] arguments) => RunProgram(DotNetPath(), workingDirectory, arguments);

    /// <summary>
    /// Runs <paramref name="program"/> (an installed tool's launcher, say) with the environment a
    /// `dotnet` child gets, plus DOTNET_ROOT naming the SDK's folder, where a launcher looks for the runtime.
    /// </summary>
    public static DotNetRun RunProgram(string program, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (string name in start.Environment.Keys.ToArray())
        {
            if (InheritedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase))) start.Environment.Remove(name);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        // No MSBuild nodes left behind after the test.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        if (Path.GetDirectoryName(Path.GetFullPath(DotNetPath())) is { } root && File.Exists(Path.Combine(root, Path.GetFileName(DotNetPath()))))
            start.Environment["DOTNET_ROOT"] = root;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string command = (program == DotNetPath() ? "dotnet" : program) + " " + string.Join(' ', arguments);
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"`{command}` ran past {Timeout.TotalMinutes} minutes:{Environment.NewLine}{output}");
        }
        process.WaitForExit();
        lock (output) return new DotNetRun(command, workingDirectory, process.ExitCode, output.ToString());
    }

    /// <summary>Runs and requires exit code 0; the exception carries everything the child printed.</summary>
    public static DotNetRun Succeed(string workingDirectory, params string[] arguments)
    {
        var run = Run(workingDirectory, arguments);
        if (run.ExitCode != 0) throw new InvalidOperationException(run.ToString());
        return run;
    }

    /// <summary>The `dotnet` running this test host (the SDK `dotnet test` ran), else the one on PATH.</summary>
    private static string DotNetPath()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        string? process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet") return process;
        return "dotnet";
    }
}
