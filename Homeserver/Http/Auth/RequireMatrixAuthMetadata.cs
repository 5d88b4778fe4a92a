namespace Homeserver.Http.Auth;

/// <summary>Endpoint metadata: the endpoint needs an access token. Add it with <c>RequireMatrixAuth()</c>.</summary>
public sealed class RequireMatrixAuthMetadata
{
    public static RequireMatrixAuthMetadata Instance { get; } = new();

    private RequireMatrixAuthMetadata()
    {
    }
}
