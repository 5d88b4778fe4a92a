namespace Homeserver.Http;

/// <summary>Limits of the HTTP layer that are not part of homeserver.yaml.</summary>
public sealed class MatrixHttpOptions
{
    /// <summary>Largest JSON request body a non-media endpoint accepts (413 <c>M_TOO_LARGE</c> above it).</summary>
    public long MaxJsonBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Deepest nesting of objects and arrays in a JSON request body (the root object counts as 1).</summary>
    public int MaxJsonDepth { get; set; } = 64;
}
