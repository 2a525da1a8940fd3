using NetGen.Cli.Commands;
using NetGen.Cli.Compilation;
using ExecutionMode = NetGen.Execution.ExecutionMode;
using CompiledNetwork = NetGen.Cli.Compilation.CompiledNetwork;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>
/// The compile cache: a second compile of the same bytes with the same options loads the
/// assembly from disk (no Roslyn) and runs the same network; anything that changes the code
/// misses; corrupt entries are rebuilt; the folder comes from the environment a command sees.
/// Every test passes a cache folder of its own.
/// </summary>
public sealed class CompileCacheTests
{
    private const string Net = """
        network CacheNet {
            input 1x8x8
            batch 4
            optimizer adam
            conv = conv2d(4, 3, activation: relu)
            unused = conv -> conv2d(2, 1)
            pool = conv -> maxpool2d(2)
            flat = flatten
            fc = dense(3, activation: softmax)
        }
        """;

    private const string CsNet = """
        using NetGen;

        namespace CacheTests;

        [Network(1, 8, 8, Batch = 4, Optimizer = OptimizerType.Adam)]
        [Conv2D(4, 3, Activation = Activation.ReLU)]
        [MaxPool2D(2)]
        [Flatten]
        [Dense(3, Activation = Activation.Softmax)]
        public partial class CsCacheNet;
        """;

    private static readonly float[] Input = Enumerable.Range(0, 64).Select(i => MathF.Sin(i * 0.37f)).ToArray();

    private static (CompiledNetwork Compiled, string Warnings) Compile(string file, CompileCache cache, int? batch = null)
    {
        var warnings = new StringWriter();
        var compiled = NetworkCompiler.Compile(new CompileRequest(file, Batch: batch, Cache: cache), warnings);
        return (compiled, warnings.ToString());
    }

    private static float[] Predict(CompiledNetwork compiled)
    {
        using var network = compiled.Create(7, ExecutionMode.Inference);
        var output = new float[compiled.Classes];
        network.Predict(Input, output);
        return output;
    }

    private static string[] Entries(CompileCache cache) =>
        Directory.Exists(cache.Folder) ? Directory.GetFiles(cache.Folder!, "*.entry") : [];

    [Theory]
    [InlineData("net.cnn", Net)]
    [InlineData("net.cs", CsNet)]
    public void Second_compile_loads_the_cached_assembly_and_runs_the_same_network(string name, string text)
    {
        string folder = TestData.TempFolder();
        string file = TestData.WriteFile(folder, name, text);
        var cache = CompileCache.At(Path.Combine(folder, "cache"));

        var (first, firstWarnings) = Compile(file, cache);
        var (second, secondWarnings) = Compile(file, cache);
        using (first)
        using (second)
        {
            Assert.False(first.FromCache);
            Assert.True(second.FromCache);
            Assert.Single(Entries(cache));
            Assert.Equal(first.Facts with { Warnings = [] }, second.Facts with { Warnings = [] });
            Assert.Equal(first.Facts.Warnings, second.Facts.Warnings);
            Assert.Equal(firstWarnings, secondWarnings);
            Assert.Equal(Predict(first), Predict(second));
            // The analysis (with locations) is derived again on demand from the same bytes.
            Assert.Equal(first.Analysis.TotalParams, second.Analysis.TotalParams);
            Assert.Equal(first.Analysis.OutputShape, second.Analysis.OutputShape);
            Assert.Equal(first.TotalParams, second.Analysis.TotalParams);
        }
        if (name.EndsWith(".cnn", StringComparison.Ordinal))
            Assert.Contains("warning NG0008", secondWarnings);
    }

    [Fact]
    public void Changed_bytes_or_options_miss_and_add_an_entry()
    {
        string folder = TestData.TempFolder();
        string file = TestData.WriteFile(folder, "net.cnn", Net);
        var cache = CompileCache.At(Path.Combine(folder, "cache"));
        using (Compile(file, cache).Compiled) { }

        var (batch8, _) = Compile(file, cache, batch: 8);
        using (batch8)
        {
            Assert.False(batch8.FromCache);
            Assert.Equal(8, batch8.Batch);
        }
        File.WriteAllText(file, Net.Replace("conv2d(4, 3", "conv2d(5, 3"));
        var (edited, _) = Compile(file, cache);
        using (edited)
        {
            Assert.False(edited.FromCache);
            Assert.Equal(5 * 9 + 5 + 5 * 9 * 3 + 3, edited.TotalParams); // 5 filters: conv and fc (the unused branch has none)
        }
        Assert.Equal(3, Entries(cache).Length);
        using (var again = Compile(file, cache, batch: 8).Compiled) Assert.False(again.FromCache); // batch 8 of the edited file
        using (var hit = Compile(file, cache).Compiled) Assert.True(hit.FromCache);
    }

    [Fact]
    public void A_corrupt_entry_is_rebuilt()
    {
        string folder = TestData.TempFolder();
        string file = TestData.WriteFile(folder, "net.cnn", Net);
        var cache = CompileCache.At(Path.Combine(folder, "cache"));
        float[] expected;
        using (var first = Compile(file, cache).Compiled) expected = Predict(first);
        string entry = Entries(cache).Single();
        byte[] good = File.ReadAllBytes(entry);

        // One flipped bit in the assembly, a truncated file, an empty file.
        var flipped = (byte[])good.Clone();
        flipped[good.Length / 2] ^= 0x10;
        foreach (var bad in new[] { flipped, good[..(good.Length - 1)], good[..20], Array.Empty<byte>() })
        {
            File.WriteAllBytes(entry, bad);
            using var rebuilt = Compile(file, cache).Compiled;
            Assert.False(rebuilt.FromCache);
            Assert.Equal(expected, Predict(rebuilt));
            Assert.NotNull(CompileCache.Parse(File.ReadAllBytes(entry)));
        }
    }

    [Fact]
    public void A_sealed_entry_whose_assembly_does_not_load_is_rebuilt()
    {
        string folder = TestData.TempFolder();
        string file = TestData.WriteFile(folder, "net.cnn", Net);
        var cache = CompileCache.At(Path.Combine(folder, "cache"));
        using (Compile(file, cache).Compiled) { }
        string entry = Entries(cache).Single();
        var (metadata, image) = CompileCache.Parse(File.ReadAllBytes(entry))!.Value;

        // Checksums right, content wrong: not an assembly; metadata that is not the facts.
        foreach (var (m, i) in new[] { (metadata, new byte[] { 1, 2, 3 }), ("[1,2]"u8.ToArray(), image), (metadata, Array.Empty<byte>()) })
        {
            File.WriteAllBytes(entry, CompileCache.Seal(m, i));
            using var rebuilt = Compile(file, cache).Compiled;
            Assert.False(rebuilt.FromCache);
            Assert.Equal(image, CompileCache.Parse(File.ReadAllBytes(entry))!.Value.Image);
        }
    }

    [Fact]
    public void Seal_and_parse_round_trip_and_every_truncation_is_rejected()
    {
        byte[] metadata = "{\"a\":1}"u8.ToArray(), image = Enumerable.Range(0, 50).Select(i => (byte)i).ToArray();
        byte[] sealedBytes = CompileCache.Seal(metadata, image);
        var parsed = CompileCache.Parse(sealedBytes)!.Value;
        Assert.Equal(metadata, parsed.Metadata);
        Assert.Equal(image, parsed.Image);
        for (int length = 0; length < sealedBytes.Length; length++) Assert.Null(CompileCache.Parse(sealedBytes[..length]));
        Assert.Null(CompileCache.Parse([.. sealedBytes, 0]));
    }

    [Fact]
    public void Off_writes_nothing_and_never_hits()
    {
        string folder = TestData.TempFolder();
        string file = TestData.WriteFile(folder, "net.cnn", Net);
        using (var first = Compile(file, CompileCache.Off).Compiled) Assert.False(first.FromCache);
        using (var second = Compile(file, CompileCache.Off).Compiled) Assert.False(second.FromCache);
        Assert.Equal([Path.Combine(folder, "net.cnn")], Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void A_folder_that_cannot_be_created_only_turns_the_cache_off()
    {
        string folder = TestData.TempFolder();
        string file = TestData.WriteFile(folder, "net.cnn", Net);
        // A file where the cache folder would be.
        var cache = CompileCache.At(Path.Combine(file, "cache"));
        using var compiled = Compile(file, cache).Compiled;
        Assert.False(compiled.FromCache);
        Assert.Equal(3, compiled.Classes);
    }

    [Fact]
    public void Leftover_temporary_files_are_never_read_and_old_ones_are_deleted()
    {
        string folder = TestData.TempFolder();
        var cache = CompileCache.At(folder);
        string key = CompileCache.Key([CompileCache.Text("x")]);
        // What a writer killed before its rename leaves: the entry's bytes under a temporary name.
        string stale = Path.Combine(folder, $".{key}.entry.{Guid.NewGuid():N}.tmp");
        string fresh = Path.Combine(folder, $".{key}.entry.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(stale, CompileCache.Seal([1], [2]));
        File.WriteAllBytes(fresh, CompileCache.Seal([1], [2]));
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));
        Assert.Null(cache.TryRead(key));

        Assert.True(cache.Write(CompileCache.Key([CompileCache.Text("y")]), [3], [4]));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh)); // perhaps another process still writing it
    }

    [Fact]
    public void Writes_beyond_the_limit_delete_the_least_recently_used()
    {
        var cache = CompileCache.At(TestData.TempFolder());
        var keys = Enumerable.Range(0, CompileCache.MaxEntries + 3).Select(i => CompileCache.Key([CompileCache.Text("k" + i)])).ToArray();
        var start = DateTime.UtcNow.AddDays(-1);
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.True(cache.Write(keys[i], [(byte)i], []));
            File.SetLastWriteTimeUtc(cache.PathOf(keys[i]), start.AddMinutes(i));
            // Key 0 is read (used) after every write: it stays.
            if (i > 0) Assert.NotNull(cache.TryRead(keys[0]));
        }
        Assert.Equal(CompileCache.MaxEntries, Directory.GetFiles(cache.Folder!, "*.entry").Length);
        Assert.NotNull(cache.TryRead(keys[0]));
        Assert.Null(cache.TryRead(keys[1]));
        Assert.NotNull(cache.TryRead(keys[^1]));
    }

    [Fact]
    public void Keys_depend_on_every_part_and_on_their_boundaries()
    {
        string ab = CompileCache.Key([CompileCache.Text("ab"), CompileCache.Text("c")]);
        Assert.Equal(ab, CompileCache.Key([CompileCache.Text("ab"), CompileCache.Text("c")]));
        Assert.NotEqual(ab, CompileCache.Key([CompileCache.Text("a"), CompileCache.Text("bc")]));
        Assert.NotEqual(ab, CompileCache.Key([CompileCache.Text("ab"), CompileCache.Text(null)]));
        Assert.Matches("^[0-9a-f]{64}$", ab);
    }

    [Theory]
    [InlineData("NETGEN_NO_CACHE=1;NETGEN_CACHE_DIR=/c;HOME=/h", null)]
    [InlineData("NETGEN_NO_CACHE=true;HOME=/h", null)]
    [InlineData("NETGEN_NO_CACHE=0;HOME=/h", "/h/.cache/netgen")]
    [InlineData("NETGEN_CACHE_DIR=/c;XDG_CACHE_HOME=/x;HOME=/h", "/c")]
    [InlineData("XDG_CACHE_HOME=/x;HOME=/h", "/x/netgen")]
    [InlineData("XDG_CACHE_HOME=relative;HOME=/h", "/h/.cache/netgen")]
    [InlineData("HOME=/h", "/h/.cache/netgen")]
    public void The_environment_names_the_folder_or_turns_it_off(string variables, string? expected)
    {
        if (OperatingSystem.IsWindows()) return; // %LOCALAPPDATA% there; these are the Unix rules
        var map = variables.Split(';').Select(v => v.Split('=')).ToDictionary(p => p[0], p => p[1]);
        var cache = CompileCache.FromEnvironment(name => map.GetValueOrDefault(name));
        Assert.Equal(expected, cache.Folder);
        Assert.Equal(expected is not null, cache.Enabled);
    }

    [Fact]
    public void Summary_of_a_cs_file_is_cached_and_a_corrupt_entry_rebuilt()
    {
        string folder = TestData.TempFolder();
        string file = TestData.WriteFile(folder, "net.cs", CsNet);
        var cache = CompileCache.At(Path.Combine(folder, "cache"));
        string Run()
        {
            var output = new StringWriter();
            var errors = new StringWriter();
            Assert.Equal(0, SummaryCommand.Run(new FileInfo(file), new SummaryOverrides(null, null), output, errors, cache));
            Assert.Equal("", errors.ToString());
            return output.ToString();
        }

        string fresh = Run();
        Assert.Contains("Network: CsCacheNet", fresh);
        string entry = Entries(cache).Single();
        Assert.Equal(fresh, Run());
        File.WriteAllBytes(entry, CompileCache.Seal("{\"oops\":"u8.ToArray(), []));
        Assert.Equal(fresh, Run());
        Assert.NotNull(CompileCache.Parse(File.ReadAllBytes(entry)));
        // The summary of the same file without a cache is the same text.
        var uncached = new StringWriter();
        SummaryCommand.Run(new FileInfo(file), new SummaryOverrides(null, null), uncached, TextWriter.Null, CompileCache.Off);
        Assert.Equal(fresh, uncached.ToString());
    }

    [Fact]
    public void Summary_and_compile_given_a_folder_say_so()
    {
        string folder = TestData.TempFolder();
        var errors = new StringWriter();
        Assert.Equal(2, SummaryCommand.Run(new FileInfo(folder), new SummaryOverrides(null, null), TextWriter.Null, errors, CompileCache.Off));
        Assert.Equal($"{folder}: error: this is a folder; expected a .cnn file or a .cs file with [Network] classes", errors.ToString().Trim());

        var e = Assert.Throws<CliException>(() => NetworkCompiler.Compile(new CompileRequest(folder, Cache: CompileCache.Off), TextWriter.Null));
        Assert.Equal(2, e.ExitCode);
        Assert.Contains("this is a folder", e.Message);
    }

    [Fact]
    public void The_cache_option_names_the_folder_of_every_compiling_command()
    {
        string folder = TestData.TempFolder();
        string file = TestData.WriteFile(folder, "net.cs", CsNet);
        string cacheFolder = Path.Combine(folder, "given");
        var errors = new StringWriter();

        var output = new StringWriter();
        Assert.Equal(0, Cli.Run(["summary", file, "--cache", cacheFolder], output, errors));
        Assert.Equal("", errors.ToString());
        string entry = Assert.Single(Entries(CompileCache.At(cacheFolder)));
        // The second call reads that entry: damaged, it is rebuilt (a call elsewhere would leave it as it is).
        File.WriteAllBytes(entry, [1, 2, 3]);
        var again = new StringWriter();
        Assert.Equal(0, Cli.Run(["summary", file, "--cache", cacheFolder], again, errors));
        Assert.Equal(output.ToString(), again.ToString());
        Assert.NotNull(CompileCache.Parse(File.ReadAllBytes(entry)));

        foreach (var command in Cli.CreateRoot().Subcommands.Where(c => c.Name != "import"))
            Assert.True(command.Options.Any(o => o.Name == "--cache"), $"`netgen {command.Name}` has no --cache");
    }

    [Fact]
    public void Summary_command_line_given_a_folder_exits_2()
    {
        string folder = TestData.TempFolder();
        var errors = new StringWriter();
        Assert.Equal(2, Cli.Run(["summary", folder], TextWriter.Null, errors));
        Assert.Contains(folder + ": error: this is a folder", errors.ToString());
    }
}
