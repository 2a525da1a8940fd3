namespace NetGen.Bench.Infrastructure;

/// <summary>Files of the repository the benchmarks read, found from wherever the benchmark process runs.</summary>
public static class RepoPaths
{
    private const string SolutionFile = "NetGen.sln";

    /// <summary>
    /// The folder holding NetGen.sln. BenchmarkDotNet runs each benchmark in a child process
    /// started from its own bin folder under the project, so both the working directory and
    /// the assembly's folder are walked up.
    /// </summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A file of the repository by its path relative to the root, '/'-separated.</summary>
    public static string File(string relativePath)
    {
        string path = Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"Benchmark input '{relativePath}' is missing under {Root}.", path);
        return path;
    }

    private static string FindRoot()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (System.IO.File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
            }
        }
        throw new InvalidOperationException(
            $"Could not find {SolutionFile} above '{Environment.CurrentDirectory}' or '{AppContext.BaseDirectory}'; run the benchmarks from inside the NetGen repository.");
    }
}
