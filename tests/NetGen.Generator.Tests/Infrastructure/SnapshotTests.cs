using Xunit;
using Xunit.Sdk;

namespace NetGen.Generator.Tests.Infrastructure;

public sealed class SnapshotTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "netgen-snapshots-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string File(string name) => Path.Combine(_dir, name);

    [Fact]
    public void A_missing_approved_file_fails_and_writes_the_received_one()
    {
        var error = Assert.Throws<XunitException>(() => Snapshot.Verify("New", "text\n", _dir, accept: false));
        Assert.Contains("No approved snapshot", error.Message);
        Assert.Equal("text\n", System.IO.File.ReadAllText(File("New.received.cs")));
        Assert.False(System.IO.File.Exists(File("New.verified.cs")));
    }

    [Fact]
    public void A_mismatch_fails_with_the_first_differing_line_and_writes_the_received_file()
    {
        Directory.CreateDirectory(_dir);
        System.IO.File.WriteAllText(File("Old.verified.cs"), "same\nold line\n");

        var error = Assert.Throws<XunitException>(() => Snapshot.Verify("Old", "same\nnew line\n", _dir, accept: false));

        Assert.Contains("first difference at line 2", error.Message);
        Assert.Contains("approved: old line", error.Message);
        Assert.Contains("received: new line", error.Message);
        Assert.Equal("same\nnew line\n", System.IO.File.ReadAllText(File("Old.received.cs")));
    }

    [Fact]
    public void A_match_passes_ignoring_line_endings_and_removes_a_stale_received_file()
    {
        Directory.CreateDirectory(_dir);
        System.IO.File.WriteAllText(File("Same.verified.cs"), "a\r\nb\r\n");
        System.IO.File.WriteAllText(File("Same.received.cs"), "stale");

        Snapshot.Verify("Same", "a\nb\n", _dir, accept: false);

        Assert.False(System.IO.File.Exists(File("Same.received.cs")));
    }

    [Fact]
    public void Accepting_writes_the_approved_file()
    {
        Snapshot.Verify("Accepted", "new\n", _dir, accept: true);
        Assert.Equal("new\n", System.IO.File.ReadAllText(File("Accepted.verified.cs")));
    }
}
