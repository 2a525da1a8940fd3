using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using NetGen.IO;

namespace NetGen.Cli.Compilation;

/// <summary>
/// What the CLI compiled, kept on disk between runs: each entry is one file named by the
/// SHA-256 of everything its content depends on (<see cref="Key"/>), holding a metadata
/// section (the command's own format) and an optional compiled assembly, sealed by a SHA-256 of both.
///
/// <para>Entries are written with <see cref="DurableFile.Replace"/> (a temporary file renamed
/// over the name), so a killed process leaves no half entry, at most a temporary file that a
/// later write deletes. A read that finds a wrong magic, a length that does not add up or a
/// checksum that does not match deletes the entry and reports a miss, so it is rebuilt. The
/// cache is an optimisation only: a folder that cannot be created, read or written turns it
/// into a miss, never an error.</para>
///
/// <para>The folder: a command's <c>--cache DIR</c> when given; else <c>NETGEN_CACHE_DIR</c> when set; else <c>$XDG_CACHE_HOME/netgen</c>;
/// else <c>~/.cache/netgen</c> (on Windows <c>%LOCALAPPDATA%\netgen</c>).
/// <c>NETGEN_NO_CACHE=1</c> turns it off. Commands resolve it with <see cref="FromEnvironment"/>;
/// tests pass a folder of their own or <see cref="Off"/>.</para>
/// </summary>
internal sealed class CompileCache
{
    /// <summary>Bump when the entry layout or the metadata's meaning changes.</summary>
    private const int FormatVersion = 1;

    private static readonly byte[] Magic = "NGCACHE1"u8.ToArray();

    private const string EntryExtension = ".entry";

    /// <summary>Entries kept; a write beyond this deletes the least recently used.</summary>
    public const int MaxEntries = 64;

    private CompileCache(string? folder) => Folder = folder;

    /// <summary>A cache in <paramref name="folder"/> (created on the first write).</summary>
    public static CompileCache At(string folder) => new(Path.GetFullPath(folder));

    /// <summary>No cache: every lookup misses and nothing is written.</summary>
    public static CompileCache Off { get; } = new(null);

    /// <summary>The entries' folder; null when the cache is off.</summary>
    public string? Folder { get; }

    public bool Enabled => Folder is not null;

    private int _analysesRebuilt;

    /// <summary>
    /// How often a network loaded from this cache had its analysis rebuilt (the front end run again,
    /// about a second): what a command reads of a cached network should come from its facts instead.
    /// </summary>
    public int AnalysesRebuilt => Volatile.Read(ref _analysesRebuilt);

    /// <summary>Counts one rebuilt analysis (<see cref="AnalysesRebuilt"/>).</summary>
    public void CountRebuiltAnalysis() => Interlocked.Increment(ref _analysesRebuilt);

    /// <summary>The cache the environment asks for (see the class comment); <paramref name="variable"/> reads one variable.</summary>
    public static CompileCache FromEnvironment(Func<string, string?> variable)
    {
        string? off = variable("NETGEN_NO_CACHE");
        if (!string.IsNullOrEmpty(off) && off != "0" && !off.Equals("false", StringComparison.OrdinalIgnoreCase)) return Off;
        if (variable("NETGEN_CACHE_DIR") is { Length: > 0 } folder) return At(folder);
        if (OperatingSystem.IsWindows())
        {
            string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            return local.Length > 0 ? At(Path.Combine(local, "netgen")) : Off;
        }
        if (variable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathFullyQualified(xdg)) return At(Path.Combine(xdg, "netgen"));
        string home = variable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return home.Length > 0 ? At(Path.Combine(home, ".cache", "netgen")) : Off;
    }

    /// <summary>The process's own environment's cache.</summary>
    public static CompileCache FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>
    /// An entry's key: the SHA-256 (hex) of <paramref name="parts"/> (what the entry's content is
    /// a function of: a kind, file paths and bytes, options) and of the build of NetGen doing the
    /// work (the MVIDs of the CLI, the generator, the runtime and Roslyn, and the .NET runtime's
    /// version, whose assemblies the compiled code references), so a rebuilt NetGen never reads
    /// an older one's entries.
    /// </summary>
    public static string Key(IEnumerable<ReadOnlyMemory<byte>> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(ReadOnlySpan<byte> part)
        {
            // Length-prefixed, so no two lists of parts hash the same bytes.
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, part.Length);
            hash.AppendData(length);
            hash.AppendData(part);
        }

        Add(Encoding.UTF8.GetBytes($"netgen cache {FormatVersion}; .NET {Environment.Version}; {s_build}"));
        foreach (var part in parts) Add(part.Span);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A text part of a key (UTF-8).</summary>
    public static ReadOnlyMemory<byte> Text(string? text) => Encoding.UTF8.GetBytes(text ?? "\u0000null");

    private static readonly string s_build = string.Join(";", new[]
    {
        typeof(CompileCache).Assembly,                                   // netgen
        typeof(Generator.Model.NetworkIR).Assembly,                      // NetGen.Generator
        typeof(NetGen.NetworkAttribute).Assembly,                        // NetGen.Runtime
        typeof(Microsoft.CodeAnalysis.CSharp.CSharpCompilation).Assembly, // Roslyn
    }.Select(a => a.GetName().Name + " " + a.ManifestModule.ModuleVersionId.ToString("N")));

    /// <summary>The entry's path for <paramref name="key"/>.</summary>
    public string PathOf(string key) =>
        Path.Combine(Folder ?? throw new InvalidOperationException("the cache is off"), key + EntryExtension);

    /// <summary>
    /// The entry for <paramref name="key"/>: its metadata and assembly (empty when it has none);
    /// null when there is none, or it was corrupt (then it is deleted).
    /// </summary>
    public (byte[] Metadata, byte[] Image)? TryRead(string key)
    {
        if (Folder is null) return null;
        string path = PathOf(key);
        byte[] bytes;
        try
        {
            if (!File.Exists(path)) return null;
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (FileErrors.IsFileSystemError(e))
        {
            return null;
        }

        var entry = Parse(bytes);
        if (entry is null)
        {
            Invalidate(key);
            return null;
        }
        // Least recently used goes first when the cache is full.
        try { File.SetLastWriteTimeUtc(path, DateTime.UtcNow); }
        catch (Exception e) when (FileErrors.IsFileSystemError(e)) { }
        return entry;
    }

    /// <summary>Deletes the entry for <paramref name="key"/> (a corrupt one, or one whose assembly would not load).</summary>
    public void Invalidate(string key)
    {
        if (Folder is null) return;
        try { File.Delete(PathOf(key)); }
        catch (Exception e) when (FileErrors.IsFileSystemError(e)) { }
    }

    /// <summary>Writes the entry for <paramref name="key"/> atomically; false when the folder refused (the cache is then just not used).</summary>
    public bool Write(string key, byte[] metadata, byte[] image)
    {
        if (Folder is null) return false;
        try
        {
            Directory.CreateDirectory(Folder);
            DurableFile.Replace(PathOf(key), stream => stream.Write(Seal(metadata, image)), bufferSize: 1 << 16);
            Prune(key);
            return true;
        }
        catch (Exception e) when (FileErrors.IsFileSystemError(e))
        {
            return false;
        }
    }

    /// <summary>magic, metadata length and bytes, image length and bytes, SHA-256 of all of those.</summary>
    internal static byte[] Seal(byte[] metadata, byte[] image)
    {
        var bytes = new byte[Magic.Length + 4 + metadata.Length + 4 + image.Length + SHA256.HashSizeInBytes];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        int at = Magic.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], metadata.Length);
        metadata.CopyTo(span[(at + 4)..]);
        at += 4 + metadata.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], image.Length);
        image.CopyTo(span[(at + 4)..]);
        at += 4 + image.Length;
        SHA256.HashData(span[..at], span[at..]);
        return bytes;
    }

    /// <summary>The two sections of a sealed entry; null when anything does not add up.</summary>
    internal static (byte[] Metadata, byte[] Image)? Parse(byte[] bytes)
    {
        var span = bytes.AsSpan();
        int fixedPart = Magic.Length + 8 + SHA256.HashSizeInBytes;
        if (bytes.Length < fixedPart || !span[..Magic.Length].SequenceEqual(Magic)) return null;
        int metadataLength = BinaryPrimitives.ReadInt32LittleEndian(span[Magic.Length..]);
        if (metadataLength < 0 || metadataLength > bytes.Length - fixedPart) return null;
        int imageAt = Magic.Length + 4 + metadataLength;
        int imageLength = BinaryPrimitives.ReadInt32LittleEndian(span[imageAt..]);
        if (imageLength < 0 || (long)imageAt + 4 + imageLength + SHA256.HashSizeInBytes != bytes.Length) return null;
        int end = imageAt + 4 + imageLength;
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(span[..end], hash);
        if (!hash.SequenceEqual(span[end..])) return null;
        return (span.Slice(Magic.Length + 4, metadataLength).ToArray(), span.Slice(imageAt + 4, imageLength).ToArray());
    }

    /// <summary>Deletes temporary files a killed writer left (over an hour old) and the least recently used entries beyond <see cref="MaxEntries"/>.</summary>
    private void Prune(string keep)
    {
        var folder = new DirectoryInfo(Folder!);
        var entries = new List<FileInfo>();
        foreach (var file in folder.EnumerateFiles())
        {
            if (DurableFile.IsTemporary(file.Name))
            {
                if (file.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-1)) TryDelete(file);
            }
            else if (file.Name.EndsWith(EntryExtension, StringComparison.Ordinal) && file.Name != keep + EntryExtension)
            {
                entries.Add(file);
            }
        }
        foreach (var old in entries.OrderByDescending(f => f.LastWriteTimeUtc).Skip(MaxEntries - 1)) TryDelete(old);
    }

    private static void TryDelete(FileInfo file)
    {
        try { file.Delete(); }
        catch (Exception e) when (FileErrors.IsFileSystemError(e)) { }
    }
}
