using System;
using System.IO;

namespace NetGen.Onnx;

/// <summary>
/// Files that a NuGet package brings into the local packages folder, where a project's
/// <c>PackageDownload</c> (or any restore of the package) puts them without referencing an
/// assembly: how pretrained ONNX models shipped as packages are found.
/// </summary>
public static class NuGetPackageFiles
{
    /// <summary>
    /// The NuGet packages folder restore writes to: the <c>NUGET_PACKAGES</c> environment
    /// variable when set, otherwise <c>~/.nuget/packages</c>.
    /// </summary>
    public static string PackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>
    /// The full path of <paramref name="relativePath"/> inside package <paramref name="packageId"/>
    /// <paramref name="version"/> of <see cref="PackagesFolder"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">
    /// The file is not there; the message names the package, the version, the path searched
    /// and the <c>PackageDownload</c> line that brings it.
    /// </exception>
    public static string Locate(string packageId, string version, string relativePath) =>
        Locate(PackagesFolder, packageId, version, relativePath);

    /// <summary>
    /// As <see cref="Locate(string, string, string)"/>, in the packages folder
    /// <paramref name="packagesFolder"/>. The package's folder is
    /// <c>{packagesFolder}/{id}/{version}</c>, both lower-case, as restore lays it out.
    /// </summary>
    public static string Locate(string packagesFolder, string packageId, string version, string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(packagesFolder);
        ArgumentException.ThrowIfNullOrEmpty(packageId);
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        if (Path.IsPathRooted(relativePath))
            throw new ArgumentException($"'{relativePath}' must be a path inside the package, not an absolute one.", nameof(relativePath));

        string path = Path.GetFullPath(Path.Combine(packagesFolder, packageId.ToLowerInvariant(), version.ToLowerInvariant(), relativePath));
        if (File.Exists(path)) return path;

        string packageFolder = Path.GetFullPath(Path.Combine(packagesFolder, packageId.ToLowerInvariant(), version.ToLowerInvariant()));
        string why = Directory.Exists(packageFolder)
            ? $"the package is in {packageFolder} but holds no '{relativePath}'"
            : $"the package is not in the NuGet packages folder {Path.GetFullPath(packagesFolder)}";
        throw new FileNotFoundException(
            $"{packageId} {version}: {path} is missing ({why}). " +
            $"A project with <PackageDownload Include=\"{packageId}\" Version=\"[{version}]\" /> brings it: " +
            "run 'dotnet restore' on it with access to nuget.org or a feed that serves the package.",
            path);
    }
}
