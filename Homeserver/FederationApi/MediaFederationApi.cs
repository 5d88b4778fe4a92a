using Homeserver.ClientApi;
using Homeserver.Configuration;
using Homeserver.Federation.Http;
using Homeserver.Media;
using Homeserver.Media.Thumbnails;

namespace Homeserver.FederationApi;

/// <summary>
/// This server's media for other servers: <c>GET /_matrix/federation/v1/media/download/{mediaId}</c> and
/// <c>/thumbnail/{mediaId}</c>, answered as <c>multipart/mixed</c> (<see cref="MultipartMediaResult"/>). Only local
/// media is served: a server never fetches a third server's media on another's behalf.
/// </summary>
public static class MediaFederationApi
{
    public static IEndpointRouteBuilder MapMediaFederationApi(this IEndpointRouteBuilder routes)
    {
        var media = routes.MapGroup("/_matrix/federation/v1/media").RequireFederationAuth();
        media.MapGet("/download/{mediaId}", Download);
        media.MapGet("/thumbnail/{mediaId}", Thumbnail);
        return routes;
    }

    private static async Task<IResult> Download(string mediaId, MediaRepository repository, HomeserverConfig config, HttpContext context)
    {
        var media = await repository.GetAsync(config.ServerName, mediaId, MediaApi.Wait(context.Request), context.RequestAborted, allowRemote: false);
        return new MultipartMediaResult(media.FilePath, media.ContentType, MediaHeaders.ContentDisposition(media.ContentType, media.UploadName));
    }

    private static async Task<IResult> Thumbnail(string mediaId, ThumbnailService thumbnails, HomeserverConfig config, HttpContext context)
    {
        var request = context.Request;
        var width = MediaApi.Dimension(request, "width");
        var height = MediaApi.Dimension(request, "height");
        var method = MediaApi.SingleQuery(request, "method") ?? ThumbnailSizeConfig.Scale;
        if (method is not (ThumbnailSizeConfig.Crop or ThumbnailSizeConfig.Scale))
            throw MatrixException.InvalidParam("'method' must be crop or scale.");
        var animated = MediaApi.SingleQuery(request, "animated") switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw MatrixException.InvalidParam("'animated' must be true or false."),
        };
        var thumbnail = await thumbnails.GetAsync(config.ServerName, mediaId, width, height, method, animated, MediaApi.Wait(request),
            context.RequestAborted, allowRemote: false);
        return new MultipartMediaResult(thumbnail.FilePath, thumbnail.ContentType, $"inline; filename=\"{thumbnail.FileName}\"");
    }
}
