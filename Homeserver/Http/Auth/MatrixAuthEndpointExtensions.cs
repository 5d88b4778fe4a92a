namespace Homeserver.Http.Auth;

public static class MatrixAuthEndpointExtensions
{
    /// <summary>
    /// Declares that the endpoint (or every endpoint of a group) needs a valid access token; the handler
    /// then takes a <see cref="RequestUser"/> parameter.
    /// </summary>
    public static TBuilder RequireMatrixAuth<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(RequireMatrixAuthMetadata.Instance);
}
