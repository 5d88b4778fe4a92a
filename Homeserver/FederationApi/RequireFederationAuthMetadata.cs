namespace Homeserver.FederationApi;

/// <summary>Endpoint metadata: the endpoint needs a signed Server-Server request. Add it with <c>RequireFederationAuth()</c>.</summary>
public sealed class RequireFederationAuthMetadata
{
    public static RequireFederationAuthMetadata Instance { get; } = new();

    private RequireFederationAuthMetadata()
    {
    }
}

public static class FederationAuthEndpointExtensions
{
    /// <summary>
    /// Declares that the endpoint (or every endpoint of a group) answers only X-Matrix signed requests
    /// from servers the federation policy allows; the handler then takes a <see cref="FederationRequest"/>.
    /// </summary>
    public static TBuilder RequireFederationAuth<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(RequireFederationAuthMetadata.Instance);
}
