namespace NetGen.Imaging;

/// <summary>An image that could not be read or decoded, with the reason; it is left out of every batch.</summary>
/// <param name="Path">The file's full path.</param>
/// <param name="Reason">What went wrong, e.g. "not a PNG or JPEG image" or "truncated: the decoder ran out of data".</param>
public sealed record SkippedImage(string Path, string Reason);
