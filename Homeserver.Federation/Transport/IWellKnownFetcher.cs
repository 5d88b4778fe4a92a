namespace Homeserver.Federation.Transport;

/// <summary>Fetches <c>https://{hostname}/.well-known/matrix/server</c>, behind an interface so discovery can be tested without a network.</summary>
public interface IWellKnownFetcher
{
    /// <summary>The answer, or null when none came (DNS, connection, TLS, timeout, too large).</summary>
    Task<WellKnownResponse?> FetchAsync(string hostname, CancellationToken cancellationToken);
}

/// <summary>An answer to the well-known request: status, body and its caching headers.</summary>
/// <param name="MaxAge">The <c>Cache-Control</c> max-age, when given.</param>
/// <param name="NoStore"><c>Cache-Control: no-store</c> (or no-cache): not to be cached.</param>
public sealed record WellKnownResponse(int StatusCode, byte[] Body, TimeSpan? MaxAge = null, bool NoStore = false);
