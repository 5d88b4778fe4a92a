using System.Globalization;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Federation.Transport;
using Homeserver.Media.UrlPreviews;

namespace Homeserver.Media.Remote;

/// <summary>
/// Fetches another server's media for local clients: <c>GET /_matrix/federation/v1/media/download/{mediaId}</c>
/// (signed), whose <c>multipart/mixed</c> answer holds the content or a <c>Location</c> to fetch it from; a server
/// that answers 404 <c>M_UNRECOGNIZED</c> predates those endpoints and is asked on the deprecated
/// <c>/_matrix/media/v3/download</c> with <c>allow_remote=false</c>, as the spec requires. Locations are fetched like
/// URL previews (<see cref="PreviewHttpClient"/>): never from internal addresses. The content is streamed to a
/// temporary file and cut off past <c>max_upload_size</c>. Failures are Matrix errors for the client: 404
/// <c>M_NOT_FOUND</c> when the origin has no such media, 504 <c>M_NOT_YET_UPLOADED</c> passed on, 502
/// <c>M_TOO_LARGE</c> for content over the limit, 403 <c>M_FORBIDDEN</c> for a server the federation policy excludes,
/// and 502 <c>M_UNKNOWN</c> for every other bad or missing answer.
/// </summary>
public sealed class RemoteMediaFetcher(IServiceProvider services, MediaFiles files, PreviewHttpClient redirects, HomeserverConfig config,
    ILogger<RemoteMediaFetcher> logger)
{
    /// <summary>The longest one fetch may take, headers and body.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public async Task<FetchedRemoteMedia> FetchAsync(string origin, string mediaId, TimeSpan wait, CancellationToken cancellationToken)
    {
        FederationQueries.RemoteQueryClient.RequireAllowed(services, origin);
        var client = services.GetService<IFederationClient>() ?? throw BadGateway(origin, "federation is not configured");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var waitMs = ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        try
        {
            HttpResponseMessage response;
            var legacy = false;
            try
            {
                response = await client.SendRawAsync(origin, HttpMethod.Get, $"/_matrix/federation/v1/media/download/{mediaId}?timeout_ms={waitMs}", timeout.Token);
            }
            catch (FederationRequestException e) when (e.StatusCode == 404 && e.ErrorCode == ErrorCodes.Unrecognized)
            {
                legacy = true;
                response = await client.SendRawAsync(origin, HttpMethod.Get,
                    $"/_matrix/media/v3/download/{Uri.EscapeDataString(origin)}/{mediaId}?allow_remote=false&timeout_ms={waitMs}", timeout.Token);
            }
            using (response)
                return legacy ? await ReadLegacyAsync(response, timeout.Token) : await ReadMultipartAsync(origin, response, timeout.Token);
        }
        catch (FederationRequestException e)
        {
            RemoteMediaLog.FetchFailed(logger, origin, mediaId, e.Message);
            throw e.StatusCode switch
            {
                404 => MatrixException.NotFound("The media's server has no such media."),
                504 when e.ErrorCode == ErrorCodes.NotYetUploaded => new MatrixException(504, ErrorCodes.NotYetUploaded, "The content has not been uploaded yet."),
                502 when e.ErrorCode == ErrorCodes.TooLarge => TooLarge(),
                null => BadGateway(origin, "it could not be reached"),
                _ => BadGateway(origin, $"it answered {e.StatusCode}"),
            };
        }
        catch (InvalidDataException e)
        {
            RemoteMediaLog.FetchFailed(logger, origin, mediaId, e.Message);
            throw BadGateway(origin, "its answer was malformed");
        }
        catch (BlockedAddressException e)
        {
            RemoteMediaLog.FetchFailed(logger, origin, mediaId, e.Message);
            throw BadGateway(origin, "it redirected to an address this server does not fetch from");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw BadGateway(origin, "the download timed out");
        }
        catch (HttpRequestException e)
        {
            RemoteMediaLog.FetchFailed(logger, origin, mediaId, e.Message);
            throw BadGateway(origin, "the download failed");
        }
    }

    private async Task<FetchedRemoteMedia> ReadMultipartAsync(string origin, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        RequireDeclaredLength(response);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var part = await MultipartMediaReader.ReadAsync(response.Content.Headers.ContentType?.ToString(), body, cancellationToken);
        if (part.Location is { } location)
        {
            // Not cached as a URL (the spec warns it may expire): the content it leads to is cached instead.
            var fetched = await redirects.GetAsync(location, config.MaxUploadSize, cancellationToken);
            return new FetchedRemoteMedia(fetched.Body, ContentTypeOf(fetched.ContentType), null);
        }
        var file = await WriteAsync(part.Body!, cancellationToken);
        return new FetchedRemoteMedia(file, ContentTypeOf(part.ContentType), FileNameOf(part.FileName));
    }

    private async Task<FetchedRemoteMedia> ReadLegacyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        RequireDeclaredLength(response);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var file = await WriteAsync(body, cancellationToken);
        return new FetchedRemoteMedia(file, ContentTypeOf(response.Content.Headers.ContentType?.ToString()),
            FileNameOf(MultipartMediaReader.FileName(response.Content.Headers.ContentDisposition?.ToString())));
    }

    private async Task<TemporaryFile> WriteAsync(Stream body, CancellationToken cancellationToken)
    {
        try
        {
            return await files.WriteTemporaryAsync(body, config.MaxUploadSize, cancellationToken);
        }
        catch (MatrixException e) when (e.ErrorCode == ErrorCodes.TooLarge)
        {
            throw TooLarge();
        }
        catch (IOException e)
        {
            // The multipart stream ends early when the answer is cut short before its closing boundary.
            throw new InvalidDataException("The media content was cut short: " + e.Message, e);
        }
    }

    private void RequireDeclaredLength(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentLength > config.MaxUploadSize + MultipartMediaReader.MaxMetadataBytes) throw TooLarge();
    }

    /// <summary>The remote's content type when it is a valid media type, else <c>application/octet-stream</c>.</summary>
    private static string ContentTypeOf(string? header)
    {
        try
        {
            return UploadMetadata.ContentType(header);
        }
        catch (MatrixException)
        {
            return UploadMetadata.DefaultContentType;
        }
    }

    /// <summary>The remote's file name when it would be accepted from an upload, else none.</summary>
    private static string? FileNameOf(string? name)
    {
        try
        {
            return UploadMetadata.FileName(name);
        }
        catch (MatrixException)
        {
            return null;
        }
    }

    private static MatrixException TooLarge() => new(502, ErrorCodes.TooLarge, "The content is too large for this server to serve.");

    private static MatrixException BadGateway(string origin, string reason) =>
        MatrixException.Unknown(502, $"The media could not be fetched from {origin}: {reason}.");
}
