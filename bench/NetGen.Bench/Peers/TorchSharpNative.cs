using System.Runtime.InteropServices;
using TorchSharp;

namespace NetGen.Bench.Peers;

/// <summary>
/// Makes TorchSharp-cpu 0.107.0 load on a system whose libstdc++ predates GCC 13 (Debian 12
/// ships GLIBCXX_3.4.30). Its libLibTorchSharp.so requires GLIBCXX_3.4.32 for a single symbol,
/// std::ios_base_library_init, which no relocation binds (it only pins the library's
/// static-initialisation order), so the requirement can be marked weak. The patch is applied to
/// the copy in this benchmark's own build output, never to the NuGet cache: the patched bytes
/// are written to a new file that replaces the copy, so even a hard link into the cache is left
/// untouched.
/// </summary>
public static class TorchSharpNative
{
    private const string Library = "libLibTorchSharp.so";
    private const string Version = "GLIBCXX_3.4.32";

    private static readonly Lazy<string> s_loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Patches (once per process) and loads LibTorch; returns a line saying what was done.
    /// Throws <see cref="InvalidOperationException"/> with the reason when TorchSharp cannot run here.
    /// </summary>
    public static string EnsureLoaded() => s_loaded.Value;

    private static string Load()
    {
        string patched = OperatingSystem.IsLinux() ? PatchOutputCopy() : "not Linux: nothing patched";
        try
        {
            return $"{patched}; LibTorch {torch.__version__}, {torch.get_num_threads()} intra-op threads";
        }
        catch (Exception e) when (e is DllNotFoundException or NotSupportedException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw new InvalidOperationException(
                $"TorchSharp-cpu could not load its native libraries ({patched}); the TorchSharp rows cannot run on this machine. " +
                "Run with LD_DEBUG=libs to see which library or version the loader refused.", e);
        }
    }

    /// <summary>Finds the library in the build output (as deps.json resolves it) and marks the version weak there.</summary>
    private static string PatchOutputCopy()
    {
        string rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", Library),
            Path.Combine(AppContext.BaseDirectory, Library),
        ];
        var found = candidates.Where(File.Exists).ToList();
        if (found.Count == 0)
        {
            throw new InvalidOperationException(
                $"TorchSharp's {Library} is not in the build output (looked at {string.Join(", ", candidates)}): restore the TorchSharp-cpu package.");
        }
        var report = new List<string>();
        foreach (string path in found)
        {
            byte[] image = File.ReadAllBytes(path);
            if (!ElfVersionPatcher.MarkWeak(image, Version))
            {
                report.Add($"{path}: {Version} already weak or not required");
                continue;
            }
            string temporary = path + ".patching";
            File.WriteAllBytes(temporary, image);
            File.Move(temporary, path, overwrite: true);
            report.Add($"{path}: {Version} marked weak");
        }
        return string.Join("; ", report);
    }
}
