using Homeserver.Media.Remote;
using Homeserver.Media.Thumbnails;
using Homeserver.Media.UrlPreviews;
using Homeserver.Storage.Media;

namespace Homeserver.Media;

public static class MediaServiceCollectionExtensions
{
    /// <summary>Registers the media repository: its store, files on disk, the cache of other servers' media, thumbnails and URL previews.</summary>
    public static IServiceCollection AddMedia(this IServiceCollection services)
    {
        services.AddSingleton<IMediaStore, MediaStore>();
        services.AddSingleton<MediaFiles>();
        services.AddSingleton<UploadWakeups>();
        services.AddSingleton<RemoteMediaFetcher>();
        services.AddSingleton<RemoteMediaCache>();
        services.AddSingleton<MediaRepository>();
        services.AddSingleton<ThumbnailService>();
        services.AddSingleton<PreviewAddressPolicy>();
        services.AddSingleton<PreviewHttpClient>();
        services.AddSingleton<UrlPreviewService>();
        return services;
    }
}
