using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Xunit;

namespace NetGen.Samples.Tests;

/// <summary>What a sample's Main returned and wrote.</summary>
internal sealed record ProgramRun(int ExitCode, string Output, string Error);

/// <summary>
/// Runs a sample's compiled program in a process of its own (`dotnet sample.dll args`), as a user
/// would, with its console read back. Its own process, not this one's console swapped: the console
/// is process-wide, and tests run in parallel. An exception escaping Main shows as a stack trace
/// in the error output, which <see cref="AssertCleanError"/> rejects.
/// </summary>
internal static class EntryPoint
{
    public static ProgramRun Run(Assembly sample, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(sample.Location);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        // Both pipes drain at once, so a program that fills one cannot block on it.
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new ProgramRun(process.ExitCode, output, error.GetAwaiter().GetResult());
    }

    /// <summary>The dotnet host: the one that runs the tests (DOTNET_HOST_PATH), else the root of this process's runtime (shared/Microsoft.NETCore.App/version/).</summary>
    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        string root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        return Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
    }

    /// <summary>An error run: the exit code, one "error: " line naming the problem, and no stack trace.</summary>
    public static void AssertCleanError(ProgramRun run, int exitCode, params string[] messageParts)
    {
        Assert.True(run.ExitCode == exitCode, $"exit code {run.ExitCode}, expected {exitCode}; stderr: {run.Error}");
        Assert.StartsWith("error: ", run.Error);
        foreach (string part in messageParts) Assert.Contains(part, run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.DoesNotContain("Exception", run.Error);
        Assert.Equal("", run.Output);
    }
}

