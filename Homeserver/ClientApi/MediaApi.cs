using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Http.Auth;
using Homeserver.Http.RateLimiting;
using Homeserver.Media;
using Homeserver.Media.Thumbnails;
using Homeserver.Media.UrlPreviews;

namespace Homeserver.ClientApi;

/// <summary>
/// The content repository: uploads (<c>POST /_matrix/media/v3/upload</c>, <c>POST /_matrix/media/v1/create</c> then
/// <c>PUT /_matrix/media/v3/upload/{serverName}/{mediaId}</c>), the authenticated downloads, thumbnails, config and
/// URL previews under <c>/_matrix/client/v1/media</c>, and their deprecated forms under <c>/_matrix/media/v3</c>
/// (and r0), which <c>enable_legacy_media_endpoints</c> turns off.
/// </summary>
public static class MediaApi
{
    private const string MediaRoot = "/_matrix/media";

    public static IEndpointRouteBuilder MapMediaApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in new[] { "v3", "r0" })
        {
            var media = routes.MapGroup($"{MediaRoot}/{version}");
            media.MapPost("/upload", Upload).RequireMatrixAuth().RequireRateLimit(RateLimitPolicies.MediaCreate);
            media.MapPut("/upload/{serverName}/{mediaId}", UploadToPending).RequireMatrixAuth().RequireRateLimit(RateLimitPolicies.MediaCreate);
            MapReads(media, authenticated: false);
        }
        routes.MapPost($"{MediaRoot}/v1/create", Create).RequireMatrixAuth().RequireRateLimit(RateLimitPolicies.MediaCreate);
        MapReads(routes.MapGroup($"{ClientApiRoutes.V1}/media"), authenticated: true);
        return routes;
    }

    /// <summary>Download, thumbnail, config and preview_url; the legacy download and thumbnail need no access token.</summary>
    private static void MapReads(RouteGroupBuilder group, bool authenticated)
    {
        var download = group.MapGet("/download/{serverName}/{mediaId}",
            (string serverName, string mediaId, HttpContext context) => Download(serverName, mediaId, null, context, authenticated));
        var downloadNamed = group.MapGet("/download/{serverName}/{mediaId}/{fileName}",
            (string serverName, string mediaId, string fileName, HttpContext context) => Download(serverName, mediaId, fileName, context, authenticated));
        var thumbnail = group.MapGet("/thumbnail/{serverName}/{mediaId}",
            (string serverName, string mediaId, HttpContext context) => Thumbnail(serverName, mediaId, context, authenticated));
        group.MapGet("/config", (HttpContext context) => Config(context, authenticated)).RequireMatrixAuth();
        group.MapGet("/preview_url", (RequestUser user, HttpContext context) => PreviewUrl(user, context, authenticated)).RequireMatrixAuth();
        if (authenticated)
        {
            download.RequireMatrixAuth();
            downloadNamed.RequireMatrixAuth();
            thumbnail.RequireMatrixAuth();
        }
    }

    private static async Task<JsonObject> Upload(RequestUser user, HttpRequest request, MediaRepository repository)
    {
        var contentType = UploadMetadata.ContentType(request.ContentType);
        var fileName = UploadMetadata.FileName(SingleQuery(request, "filename"));
        var mediaId = await repository.UploadAsync(user.UserId, request.Body, request.ContentLength, contentType, fileName, request.HttpContext.RequestAborted);
        return new JsonObject { ["content_uri"] = repository.MxcUri(mediaId) };
    }

    private static async Task<JsonObject> Create(RequestUser user, MediaRepository repository, HttpContext context)
    {
        var (mediaId, expiresAt) = await repository.CreatePendingAsync(user.UserId, context.RequestAborted);
        return new JsonObject { ["content_uri"] = repository.MxcUri(mediaId), ["unused_expires_at"] = expiresAt };
    }

    private static async Task<IResult> UploadToPending(string serverName, string mediaId, RequestUser user, HttpRequest request, MediaRepository repository)
    {
        var contentType = UploadMetadata.ContentType(request.ContentType);
        var fileName = UploadMetadata.FileName(SingleQuery(request, "filename"));
        await repository.UploadToPendingAsync(user.UserId, serverName, mediaId, request.Body, request.ContentLength, contentType, fileName,
            request.HttpContext.RequestAborted);
        return JsonResults.Empty;
    }

    private static async Task<IResult> Download(string serverName, string mediaId, string? fileName, HttpContext context, bool authenticated)
    {
        RequireEnabled(context, authenticated);
        var repository = context.RequestServices.GetRequiredService<MediaRepository>();
        var media = await repository.GetAsync(serverName, mediaId, Wait(context.Request), context.RequestAborted, AllowRemote(context.Request));
        var name = fileName is null ? media.UploadName : UploadMetadata.FileName(fileName);
        return new MediaFileResult(media.FilePath, media.ContentType, MediaHeaders.ContentDisposition(media.ContentType, name), authenticated);
    }

    private static async Task<IResult> Thumbnail(string serverName, string mediaId, HttpContext context, bool authenticated)
    {
        RequireEnabled(context, authenticated);
        var request = context.Request;
        var width = Dimension(request, "width");
        var height = Dimension(request, "height");
        var method = SingleQuery(request, "method") ?? ThumbnailSizeConfig.Scale;
        if (method is not (ThumbnailSizeConfig.Crop or ThumbnailSizeConfig.Scale))
            throw MatrixException.InvalidParam("'method' must be crop or scale.");
        var animated = SingleQuery(request, "animated") switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw MatrixException.InvalidParam("'animated' must be true or false."),
        };
        var thumbnails = context.RequestServices.GetRequiredService<ThumbnailService>();
        var thumbnail = await thumbnails.GetAsync(serverName, mediaId, width, height, method, animated, Wait(request), context.RequestAborted,
            AllowRemote(request));
        // Thumbnails are always images of the inline-safe types.
        return new MediaFileResult(thumbnail.FilePath, thumbnail.ContentType, $"inline; filename=\"{thumbnail.FileName}\"", authenticated);
    }

    private static JsonObject Config(HttpContext context, bool authenticated)
    {
        RequireEnabled(context, authenticated);
        var config = context.RequestServices.GetRequiredService<HomeserverConfig>();
        return new JsonObject { ["m.upload.size"] = config.MaxUploadSize };
    }

    private static async Task<JsonObject> PreviewUrl(RequestUser user, HttpContext context, bool authenticated)
    {
        RequireEnabled(context, authenticated);
        var request = context.Request;
        var url = SingleQuery(request, "url") ?? throw MatrixException.MissingParam("'url' is required.");
        if (SingleQuery(request, "ts") is { } ts && !long.TryParse(ts, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            throw MatrixException.InvalidParam("'ts' must be an integer of milliseconds.");
        var previews = context.RequestServices.GetRequiredService<UrlPreviewService>();
        return await previews.GetPreviewAsync(user.UserId, url, context.RequestAborted);
    }

    private static void RequireEnabled(HttpContext context, bool authenticated)
    {
        if (!authenticated && !context.RequestServices.GetRequiredService<HomeserverConfig>().EnableLegacyMediaEndpoints)
            throw MatrixException.NotFound("The unauthenticated media endpoints are disabled; use /_matrix/client/v1/media.");
    }

    /// <summary><c>allow_remote</c> (legacy endpoints; default true): false keeps the request from fetching other servers' media.</summary>
    private static bool AllowRemote(HttpRequest request) => SingleQuery(request, "allow_remote") switch
    {
        null or "true" => true,
        "false" => false,
        _ => throw MatrixException.InvalidParam("'allow_remote' must be true or false."),
    };

    /// <summary><c>timeout_ms</c>: how long to wait for a pending upload (default 20 s, capped by the repository).</summary>
    internal static TimeSpan Wait(HttpRequest request)
    {
        if (SingleQuery(request, "timeout_ms") is not { } text) return MediaRepository.DefaultWait;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            throw MatrixException.InvalidParam("'timeout_ms' must be a non-negative integer of milliseconds.");
        return TimeSpan.FromMilliseconds(Math.Min(ms, (long)MediaRepository.MaxWait.TotalMilliseconds));
    }

    internal static int Dimension(HttpRequest request, string name)
    {
        var text = SingleQuery(request, name) ?? throw MatrixException.MissingParam($"'{name}' is required.");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            throw MatrixException.InvalidParam($"'{name}' must be a positive integer.");
        return value;
    }

    internal static string? SingleQuery(HttpRequest request, string name)
    {
        var values = request.Query[name];
        if (values.Count > 1) throw MatrixException.InvalidParam($"'{name}' may be given only once.");
        return values.Count == 1 ? values[0] : null;
    }
}
