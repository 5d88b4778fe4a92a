using System.Net;
using System.Net.Sockets;
using Homeserver.Federation.Http;

namespace Homeserver.Media.UrlPreviews;

/// <summary>
/// Fetches URLs for previews without letting them reach internal services: the handler resolves host names
/// itself and connects only to addresses the <see cref="PreviewAddressPolicy"/> allows, so the check applies to
/// the address actually connected to (no DNS rebinding between check and use) and to every redirect, which are
/// followed here one by one (at most <see cref="MaxRedirects"/>). No proxy, no cookies; bodies are bounded
/// by <c>max_spider_size</c> and every fetch by <see cref="Timeout"/>.
/// </summary>
public sealed class PreviewHttpClient : IDisposable
{
    public const int MaxRedirects = 5;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly HttpClient _client;
    private readonly MediaFiles _files;
    private readonly PreviewAddressPolicy _policy;
    private readonly ILogger<PreviewHttpClient> _logger;

    public PreviewHttpClient(PreviewAddressPolicy policy, MediaFiles files, ILogger<PreviewHttpClient> logger)
    {
        _policy = policy;
        _files = files;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("Homeserver-UrlPreview/1.0");
    }

    /// <summary>
    /// GETs <paramref name="url"/>, following redirects; the body goes to a temporary file of at most
    /// <paramref name="maxBytes"/>. Throws <see cref="BlockedAddressException"/> for refused addresses, 502
    /// <c>M_TOO_LARGE</c> for large bodies and 502 <c>M_UNKNOWN</c> for other failures.
    /// </summary>
    public async Task<FetchedResource> GetAsync(Uri url, long maxBytes, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                RequireHttp(url);
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Accept.ParseAdd("text/html, application/xhtml+xml, image/*;q=0.9, */*;q=0.5");
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    if (redirects >= MaxRedirects) throw Failed("too many redirects");
                    url = location.IsAbsoluteUri ? location : new Uri(url, location);
                    continue;
                }
                if (!response.IsSuccessStatusCode) throw Failed($"the server answered {(int)response.StatusCode}");
                if (response.Content.Headers.ContentLength > maxBytes) throw TooLarge();
                await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                TemporaryFile file;
                try
                {
                    file = await _files.WriteTemporaryAsync(body, maxBytes, timeout.Token);
                }
                catch (MatrixException e) when (e.ErrorCode == ErrorCodes.TooLarge)
                {
                    throw TooLarge();
                }
                return new FetchedResource(url, response.Content.Headers.ContentType?.ToString(), file);
            }
        }
        catch (HttpRequestException e) when (FindBlocked(e) is { } blocked)
        {
            throw blocked;
        }
        catch (HttpRequestException e)
        {
            throw Failed(e.HttpRequestError.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failed("timed out");
        }
        catch (IOException)
        {
            throw Failed("the connection failed");
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Resolves the host and connects to the first allowed address; refuses when none is allowed.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        Exception? lastError = null;
        foreach (var address in addresses)
        {
            if (!_policy.IsAllowed(address))
            {
                MediaLog.PreviewAddressBlocked(_logger, address.ToString(), host);
                continue;
            }
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                // Judge the address the socket really reached, too.
                if (socket.RemoteEndPoint is not IPEndPoint connected || !_policy.IsAllowed(connected.Address))
                    throw new BlockedAddressException(host);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                lastError = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw lastError ?? new BlockedAddressException(host);
    }

    private static void RequireHttp(Uri url)
    {
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https") || url.UserInfo.Length > 0)
            throw MatrixException.InvalidParam("Only http and https URLs without user information can be previewed.");
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private static BlockedAddressException? FindBlocked(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is BlockedAddressException blocked) return blocked;
        return null;
    }

    private static MatrixException Failed(string reason) => MatrixException.Unknown(502, $"Could not fetch the URL: {reason}.");

    private static MatrixException TooLarge() => new(502, ErrorCodes.TooLarge, "The content at the URL is too large to preview.");
}
