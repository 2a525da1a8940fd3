using System.Reflection;
using Xunit;

namespace NetGen.Samples.Tests;

/// <summary>What a sample's Main returned and wrote.</summary>
internal sealed record ProgramRun(int ExitCode, string Output, string Error);

/// <summary>
/// Runs a sample's compiled Main in this process with the console redirected. An exception
/// escaping Main fails the test as it is (a user would have seen a stack trace).
/// </summary>
internal static class EntryPoint
{
    public static ProgramRun Run(Assembly sample, params string[] args)
    {
        MethodInfo main = sample.EntryPoint ?? throw new InvalidOperationException($"{sample.GetName().Name} has no entry point");
        TextWriter output = Console.Out, error = Console.Error;
        using var outText = new StringWriter();
        using var errorText = new StringWriter();
        Console.SetOut(outText);
        Console.SetError(errorText);
        try
        {
            object? result = main.Invoke(null, [args]);
            return new ProgramRun(Assert.IsType<int>(result), outText.ToString(), errorText.ToString());
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new Xunit.Sdk.XunitException($"{sample.GetName().Name} let an exception escape Main: {e.InnerException}");
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
        }
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

/// <summary>Tests that swap the process-wide console run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
