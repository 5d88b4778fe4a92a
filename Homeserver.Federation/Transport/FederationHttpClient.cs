using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Homeserver.Federation.Json;
using Homeserver.Federation.Rooms;
using Homeserver.Federation.Signing;
using Microsoft.Extensions.Logging;
using ServerNameSyntax = Homeserver.Federation.Identifiers.ServerName;

namespace Homeserver.Federation.Transport;

/// <summary>
/// Requests to other homeservers over HTTPS: the destination is resolved (<see cref="IServerNameResolver"/>),
/// the connection goes to the resolved host and port with the spec's <c>Host</c> header (also the SNI name
/// the certificate must match), and the request is signed with X-Matrix as this server. Destinations the
/// <see cref="IFederationPolicy"/> refuses are never contacted. Answers are size limited and strictly parsed.
/// </summary>
public sealed class FederationHttpClient : IFederationClient, IDisposable
{
    private readonly ServerIdentity _identity;
    private readonly IServerNameResolver _resolver;
    private readonly IFederationPolicy _policy;
    private readonly FederationClientOptions _options;
    private readonly ILogger<FederationHttpClient> _logger;
    private readonly HttpClient _http;

    public FederationHttpClient(ServerIdentity identity, IServerNameResolver resolver, IFederationPolicy policy, FederationClientOptions options,
        ILogger<FederationHttpClient> logger)
    {
        _identity = identity;
        _resolver = resolver;
        _policy = policy;
        _options = options;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            // Redirects would leave the signed destination; the spec has none for federation requests.
            AllowAutoRedirect = false,
            ConnectTimeout = options.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
            UseProxy = false,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = FederationCertificateValidator.Create(options);
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<JsonNode?> SendJsonAsync(string destination, HttpMethod method, string pathAndQuery, JsonNode? body,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        using var response = await SendAsync(destination, method, pathAndQuery, body, timeout.Token, cancellationToken).ConfigureAwait(false);
        byte[]? bytes;
        try
        {
            bytes = await ResponseBodies.ReadLimitedAsync(response.Content, _options.MaxResponseBytes, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            throw Unreachable(destination, method, pathAndQuery, "reading the answer failed: " + e.Message, e);
        }
        var status = (int)response.StatusCode;
        if (bytes is null)
            throw new FederationRequestException(destination, $"the answer is larger than {_options.MaxResponseBytes} bytes", status);
        JsonNode? json = null;
        string? parseError = null;
        if (bytes.Length > 0 && !CanonicalJsonReader.TryParse(bytes, strict: false, out json, out parseError))
            json = null;
        if (!response.IsSuccessStatusCode)
        {
            var errcode = json is JsonObject error && error["errcode"] is JsonValue code && code.TryGetValue(out string? text) ? text : null;
            var message = json is JsonObject withMessage && withMessage["error"] is JsonValue m && m.TryGetValue(out string? errorText) ? errorText : "";
            throw new FederationRequestException(destination, $"{method} {pathAndQuery} answered {status} {errcode} {message}".TrimEnd(), status, errcode);
        }
        if (parseError is not null)
            throw new FederationRequestException(destination, $"{method} {pathAndQuery} answered invalid JSON: {parseError}", status);
        return json;
    }

    public async Task<HttpResponseMessage> SendRawAsync(string destination, HttpMethod method, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        var response = await SendAsync(destination, method, pathAndQuery, null, timeout.Token, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        var status = (int)response.StatusCode;
        response.Dispose();
        throw new FederationRequestException(destination, $"{method} {pathAndQuery} answered {status}", status);
    }

    /// <summary>Sends the signed request and returns the response once its headers arrived.</summary>
    /// <param name="requestToken">The caller's token with the request timeout.</param>
    /// <param name="callerToken">The caller's own token: its cancellation is rethrown as such, not as unreachable.</param>
    private async Task<HttpResponseMessage> SendAsync(string destination, HttpMethod method, string pathAndQuery, JsonNode? body,
        CancellationToken requestToken, CancellationToken callerToken)
    {
        if (!ServerNameSyntax.IsValid(destination)) throw new FederationRequestException(destination, "not a valid server name");
        if (destination == _identity.ServerName) throw new FederationRequestException(destination, "refusing to send a federation request to this server itself");
        if (!_policy.IsAllowed(destination))
            throw new FederationRequestException(destination, "federation with this server is not allowed by the federation policy", 403, "M_FORBIDDEN");
        if (!pathAndQuery.StartsWith("/_matrix/", StringComparison.Ordinal))
            throw new ArgumentException("the path must start with /_matrix/", nameof(pathAndQuery));

        ResolvedServer target;
        try
        {
            target = await _resolver.ResolveAsync(destination, requestToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!callerToken.IsCancellationRequested)
        {
            throw Unreachable(destination, method, pathAndQuery, "resolving the server name timed out", e);
        }
        var host = target.Host.Contains(':') ? $"[{target.Host}]" : target.Host;
        Uri uri;
        try
        {
            uri = new Uri($"https://{host}:{target.Port}{pathAndQuery}", UriKind.Absolute);
        }
        catch (UriFormatException e)
        {
            throw Unreachable(destination, method, pathAndQuery, "cannot form a URL: " + e.Message, e);
        }

        using var request = new HttpRequestMessage(method, uri);
        // The Host header also names the TLS server (SNI) whose certificate is checked.
        request.Headers.Host = target.HostHeader;
        // Sign the target exactly as it goes on the wire.
        request.Headers.TryAddWithoutValidation("Authorization",
            XMatrixAuthorization.CreateHeader(_identity.ServerName, destination, method.Method, uri.PathAndQuery, body, _identity.SigningKey));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(CanonicalJson.Encode(body));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        try
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, requestToken).ConfigureAwait(false);
            TransportLog.Sent(_logger, method.Method, destination, pathAndQuery, target.Host, target.Port, (int)response.StatusCode);
            return response;
        }
        catch (Exception e) when (IsTransportFailure(e, callerToken))
        {
            throw Unreachable(destination, method, pathAndQuery, e is OperationCanceledException ? "timed out" : Describe(e), e);
        }
    }

    private static bool IsTransportFailure(Exception e, CancellationToken callerToken) =>
        e is HttpRequestException or IOException || (e is OperationCanceledException && !callerToken.IsCancellationRequested);

    /// <summary>The innermost messages say what failed (DNS, refused, certificate).</summary>
    private static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (var current = e; current is not null; current = current.InnerException) messages.Add(current.Message);
        return string.Join(" / ", messages.Distinct());
    }

    private FederationRequestException Unreachable(string destination, HttpMethod method, string pathAndQuery, string reason, Exception inner)
    {
        TransportLog.Failed(_logger, method.Method, destination, pathAndQuery, reason);
        return new FederationRequestException(destination, reason, inner: inner);
    }

    public void Dispose() => _http.Dispose();
}
