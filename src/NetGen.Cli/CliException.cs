using System;

namespace NetGen.Cli;

/// <summary>
/// A failure the user can fix (a missing file, a mismatched shape, a corrupt checkpoint): the
/// command prints <see cref="Exception.Message"/> as it is, with no stack trace, and exits with
/// <see cref="ExitCode"/>. Messages are complete lines: "path: error: what".
/// </summary>
internal sealed class CliException : Exception
{
    public CliException(string message, int exitCode = ExitCodes.Error)
        : base(message) => ExitCode = exitCode;

    public int ExitCode { get; }
}

/// <summary>The process exit codes of every command.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Diagnostics, bad data, a bad checkpoint.</summary>
    public const int Error = 1;
    /// <summary>A bad command line: an unknown option, a missing or invalid value.</summary>
    public const int Usage = 2;
    /// <summary>A file or folder named on the command line does not exist (a usage error too).</summary>
    public const int NotFound = Usage;
    /// <summary>Stopped by Ctrl-C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}
