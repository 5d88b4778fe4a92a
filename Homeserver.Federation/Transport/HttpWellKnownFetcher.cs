using System.Net;

namespace Homeserver.Federation.Transport;

/// <summary>
/// Fetches <c>https://{hostname}/.well-known/matrix/server</c> with the federation TLS rules, following
/// up to 5 redirects (so loops end), with a size limit and a 10 second timeout.
/// </summary>
public sealed class HttpWellKnownFetcher : IWellKnownFetcher, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly HttpClient _http;
    private readonly int _maxBytes;

    public HttpWellKnownFetcher(FederationClientOptions options)
    {
        _maxBytes = options.MaxWellKnownBytes;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            ConnectTimeout = options.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = FederationCertificateValidator.Create(options);
        _http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public async Task<WellKnownResponse?> FetchAsync(string hostname, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await _http.GetAsync(new Uri($"https://{hostname}/.well-known/matrix/server"),
                HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var body = await ResponseBodies.ReadLimitedAsync(response.Content, _maxBytes, timeout.Token).ConfigureAwait(false);
            if (body is null) return null;
            var cacheControl = response.Headers.CacheControl;
            return new WellKnownResponse((int)response.StatusCode, body, cacheControl?.MaxAge,
                cacheControl is { NoStore: true } or { NoCache: true });
        }
        catch (Exception e) when (e is HttpRequestException or IOException or UriFormatException ||
                                  (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
