using System;

namespace NetGen.Imaging;

/// <summary>
/// Loading an image failed on a loader thread for a reason other than a bad file (bad files are
/// skipped, see <see cref="ImageFolderDataset.Skipped"/>): the exception names the image, and
/// <see cref="Exception.InnerException"/> is what the loader thread threw.
/// </summary>
public sealed class ImageLoadException : Exception
{
    /// <summary>Creates the exception for the image at <paramref name="path"/>.</summary>
    public ImageLoadException(string path, Exception inner)
        : base($"Loading the image {path} failed on the loader thread: {inner.Message}", inner)
    {
        Path = path;
    }

    /// <summary>The image being loaded when the loader failed.</summary>
    public string Path { get; }
}
