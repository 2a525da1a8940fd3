using System.Runtime.CompilerServices;
using Xunit.Sdk;

namespace NetGen.Generator.Tests.Infrastructure;

/// <summary>
/// Approved-file snapshots: generated source is compared with
/// <c>Snapshots/{name}.verified.cs</c> in the test project's source tree. On a mismatch, or
/// when no approved file exists, the test fails and writes <c>{name}.received.cs</c> beside
/// it to review (diff the two, then rename to accept). Outside CI, <c>NETGEN_ACCEPT=1</c>
/// accepts the received text instead.
/// </summary>
public static class Snapshot
{
    public static void Verify(string name, string actual) => Verify(name, actual, SourceDirectory(),
        accept: Environment.GetEnvironmentVariable("CI") is null && Environment.GetEnvironmentVariable("NETGEN_ACCEPT") == "1");

    internal static void Verify(string name, string actual, string snapshotDirectory, bool accept)
    {
        actual = Normalize(actual);
        string verified = Path.Combine(snapshotDirectory, name + ".verified.cs");
        string received = Path.Combine(snapshotDirectory, name + ".received.cs");

        if (File.Exists(verified) && Normalize(File.ReadAllText(verified)) == actual)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        if (accept)
        {
            Directory.CreateDirectory(snapshotDirectory);
            File.WriteAllText(verified, actual);
            if (File.Exists(received)) File.Delete(received);
            return;
        }

        Directory.CreateDirectory(snapshotDirectory);
        File.WriteAllText(received, actual);
        if (!File.Exists(verified))
            throw new XunitException($"No approved snapshot {verified}. Wrote {received}: review it and rename it to .verified.cs (or run with NETGEN_ACCEPT=1).");
        throw new XunitException($"Snapshot {name} differs from {verified}; {FirstDifference(Normalize(File.ReadAllText(verified)), actual)}. " +
            $"Wrote {received}: diff the two files, and rename it to .verified.cs if the change is intended (or run with NETGEN_ACCEPT=1).");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string el = i < e.Length ? e[i] : "<end of file>";
            string al = i < a.Length ? a[i] : "<end of file>";
            if (el != al) return $"first difference at line {i + 1}:\n  approved: {el}\n  received: {al}";
        }
        return "the files differ";
    }

    /// <summary>The Snapshots folder beside this project's sources (not the build output), found from this file's path.</summary>
    private static string SourceDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(thisFile)!)!, "Snapshots");
}
